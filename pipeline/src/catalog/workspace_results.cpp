#include "catalog/workspace_results.hpp"

#include <algorithm>
#include <tuple>

#include "engine/transitions.hpp"

namespace ecomon {

namespace {

CollectedResults collect(const Workspace& ws) {
  const std::vector<int> years = ws.years();
  if (years.empty()) throw std::runtime_error(ws.root() + ": no published year to report on (`ecomon run` publishes them)");
  CollectedResults c;
  c.settings = ws.settings(years.back());
  c.zones = ws.zones(years.back());
  for (int y : years) {
    const StoredYear& stored = ws.year(y);
    c.scenes.insert(c.scenes.end(), stored.scenes.begin(), stored.scenes.end());
    c.statuses.insert(c.statuses.end(), stored.statuses.begin(), stored.statuses.end());
    c.years.push_back(ws.year_result(y));
  }
  c.targets = targets_for_zones(c.settings, c.zones);
  if (!c.settings.calibration.plots_file.empty()) c.plots = load_ground_plots(c.settings.calibration.plots_file);
  if (!c.settings.accuracy.samples_file.empty()) c.samples = load_reference_sample(c.settings.accuracy.samples_file);
  if (transitions_wanted(c.settings)) c.factors = carbon_factors_for(c.settings);
  c.transitions = transitions_and_carbon(c.years, ws.grid(), c.zones, c.settings, c.targets ? &*c.targets : nullptr,
                                         c.factors ? &*c.factors : nullptr, ws.readers());
  return c;
}

}  // namespace

WorkspaceResults::WorkspaceResults(const Workspace& ws) : WorkspaceResults(collect(ws)) { revisions_ = ws.revisions(); }

WorkspaceResults::WorkspaceResults(CollectedResults collected) : c_(std::move(collected)) {
  for (SceneResult& r : c_.scenes) r.zones = c_.zones;  // reports read code, name and area (the same in every CRS)
  std::sort(c_.scenes.begin(), c_.scenes.end(),
            [](const SceneResult& a, const SceneResult& b) { return std::tie(a.scene.date, a.scene.id) < std::tie(b.scene.date, b.scene.id); });
  std::sort(c_.statuses.begin(), c_.statuses.end(), [](const StatusRow& a, const StatusRow& b) {
    return std::tie(a.path, a.scene_id, a.status, a.message) < std::tie(b.path, b.scene_id, b.status, b.message);
  });
  std::sort(c_.years.begin(), c_.years.end(), [](const YearResult& a, const YearResult& b) { return a.year < b.year; });
  failed_ = std::size_t(std::count_if(c_.statuses.begin(), c_.statuses.end(), [](const StatusRow& s) { return s.status == "failed"; }));
  if (c_.targets)
    verdicts_ = evaluate_targets(*c_.targets, c_.zones, c_.years, c_.settings.targets.min_observed_fraction, &c_.transitions.carbon);
}

RunResults WorkspaceResults::view(const OutputFolder& to, bool tables_on_stdout) const {
  RunResults r{c_.settings, to, c_.scenes, c_.zones, c_.years, c_.statuses, failed_, c_.targets ? &*c_.targets : nullptr, verdicts_,
               c_.plots ? &*c_.plots : nullptr, c_.samples ? &*c_.samples : nullptr, &c_.transitions.transitions, &c_.transitions.carbon,
               c_.factors ? &*c_.factors : nullptr};
  r.revisions = &revisions_;
  r.tables_on_stdout = tables_on_stdout;
  return r;
}

}  // namespace ecomon
