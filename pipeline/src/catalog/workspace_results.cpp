#include "catalog/workspace_results.hpp"

#include <algorithm>
#include <tuple>

#include "engine/transitions.hpp"

namespace ecomon {

WorkspaceResults::WorkspaceResults(const Workspace& ws) {
  const std::vector<int> years = ws.years();
  if (years.empty()) throw std::runtime_error(ws.root() + ": no published year to report on (`ecomon run` publishes them)");
  settings_ = ws.settings(years.back());
  zones_ = ws.zones(years.back());
  for (int y : years) {
    const StoredYear& stored = ws.year(y);
    for (SceneResult r : stored.scenes) {
      r.zones = zones_;  // reports read code, name and area (the same in every CRS)
      scenes_.push_back(std::move(r));
    }
    statuses_.insert(statuses_.end(), stored.statuses.begin(), stored.statuses.end());
    years_.push_back(ws.year_result(y));
  }
  // As the run orders them (app/run_command.cpp, report()).
  std::sort(scenes_.begin(), scenes_.end(),
            [](const SceneResult& a, const SceneResult& b) { return std::tie(a.scene.date, a.scene.id) < std::tie(b.scene.date, b.scene.id); });
  std::sort(statuses_.begin(), statuses_.end(), [](const StatusRow& a, const StatusRow& b) { return a.path < b.path; });
  failed_ = std::size_t(std::count_if(statuses_.begin(), statuses_.end(), [](const StatusRow& s) { return s.status == "failed"; }));

  targets_ = targets_for_zones(settings_, zones_);
  if (!settings_.calibration.plots_file.empty()) plots_ = load_ground_plots(settings_.calibration.plots_file);
  if (!settings_.accuracy.samples_file.empty()) samples_ = load_reference_sample(settings_.accuracy.samples_file);
  if (transitions_wanted(settings_)) {
    factors_ = carbon_factors_for(settings_);
    transitions_ = transitions_of_pairs(years_, settings_.carbon.pairs, ws.grid(), zones_, settings_, ws.readers());
    if (!transitions_.empty())
      carbon_ = carbon_stock_changes(transitions_, years_, zones_, carbon_groups(targets_ ? &*targets_ : nullptr), *factors_, settings_);
  }
  if (targets_) verdicts_ = evaluate_targets(*targets_, zones_, years_, settings_.targets.min_observed_fraction, &carbon_);
  revisions_ = ws.revisions();
}

RunResults WorkspaceResults::view(const OutputFolder& to, bool tables_on_stdout) const {
  RunResults r{settings_, to, scenes_, zones_, years_, statuses_, failed_, targets_ ? &*targets_ : nullptr, verdicts_,
               plots_ ? &*plots_ : nullptr, samples_ ? &*samples_ : nullptr, &transitions_, &carbon_, factors_ ? &*factors_ : nullptr};
  r.revisions = &revisions_;
  r.tables_on_stdout = tables_on_stdout;
  return r;
}

}  // namespace ecomon
