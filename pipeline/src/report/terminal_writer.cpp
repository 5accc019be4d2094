// The terminal summary on stdout: the per-scene and per-season tables and where the outputs are.
// (Logs go to stderr; this is the run's result.)
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "report/carbon_writer.hpp"
#include "report/report_writer.hpp"
#include "report/zone_reports.hpp"

namespace ecomon {

namespace {

class TerminalWriter final : public ReportWriter {
 public:
  void write(const RunResults& r) override {
    if (!r.tables_on_stdout) return;  // nightly mode: the run summary only (app/commands.cpp)
    const bool simulated = std::any_of(r.scenes.begin(), r.scenes.end(), [](const SceneResult& s) { return s.scene.simulated; });
    const char* banner =
        "*** SIMULATED DATA: these figures come from simulated scenes (ecomon-simulate), not from acquisitions: a demonstration "
        "of the method, not a finding. ***\n";
    if (simulated) std::printf("%s\n", banner);
    const std::string per_scene = format_scene_table(r.scenes);
    if (std::count(per_scene.begin(), per_scene.end(), '\n') <= 40)
      std::printf("Per scene (county_report.csv):\n%s", per_scene.c_str());
    else
      std::printf("Per scene: %zu scenes, one row per zone and scene in county_report.csv\n", r.scenes.size());
    if (!r.years.empty()) std::printf("\nPer season (county_timeseries.csv):\n%s", format_series_table(r.season_zones, r.years).c_str());
    if (r.targets) {
      // The units observed enough for a verdict, each with its member zones; the rest in one line.
      std::vector<VerdictRow> shown;
      std::size_t unjudged = 0;
      bool unit_shown = false;
      for (const VerdictRow& v : r.verdicts) {
        if (v.scope == "unit") {
          unit_shown = v.verdict != Verdict::no_data;
          unjudged += !unit_shown;
        }
        if (unit_shown) shown.push_back(v);
      }
      std::printf("\nTargets (%s; every row in targets_report.csv):\n%s", r.targets->path.c_str(), format_targets_table(shown).c_str());
      if (unjudged > 0)
        std::printf("%zu target-years have no data (unit observed under targets.min_observed_fraction %.2f): see targets_report.csv\n",
                    unjudged, r.settings.targets.min_observed_fraction);
    }
    if (r.carbon && !r.carbon->empty()) {
      // The targets file's units (the city, the league) when it names any, else every zone.
      // Those observed in both years over at least targets.min_observed_fraction of their area.
      std::vector<CarbonChange> shown;
      const double min_observed = r.settings.targets.min_observed_fraction;
      auto observed = [&](const CarbonChange& c) { return c.observed_fraction() >= min_observed; };
      for (const CarbonChange& c : *r.carbon)
        if (r.targets && r.targets->units.count(c.unit_code) && observed(c)) shown.push_back(c);
      if (shown.empty())
        for (const CarbonChange& c : *r.carbon)
          if (observed(c)) shown.push_back(c);
      std::printf("\nCarbon stock change, t CO2e per year (units observed in both years over %.0f%% of their area; every unit in "
                  "carbon_report.csv, transitions in carbon_transitions.csv; densities: %s, pools: %s):\n%s",
                  100 * min_observed, r.carbon_factors ? r.carbon_factors->path.c_str() : "",
                  r.carbon_factors ? r.carbon_factors->pools().c_str() : "", format_carbon_table(shown).c_str());
      std::printf("Not seen by imagery, so not counted: soil organic carbon, below-ground change within a class, growth or harvest "
                  "inside a class that stays the same%s.\n",
                  r.settings.carbon.stable_growth ? " (stable growth is added at the table's rate, not measured)" : "");
    }
    const double cell_ha = season_cell_ha(r.settings);
    if (!r.years.empty() && cell_ha > r.settings.forest.min_patch_ha)
      std::printf(
          "\nforest.min_patch_ha %.2f ha is smaller than one season cell (%.2f ha at %g m): the minimum-patch rule cannot apply at "
          "this resolution, and single-cell speckle counts as forest. Use season.pixel_size %.0f m or less.\n",
          r.settings.forest.min_patch_ha, cell_ha, r.settings.season.pixel_size,
          std::floor(std::sqrt(r.settings.forest.min_patch_ha * 1e4)));
    if (simulated) std::printf("\n%s", banner);
    std::printf("\nreport:   %s\nproducts: %s\nscenes:   %zu processed, %zu unchanged (reloaded from the catalog), %zu failed\n",
                r.output.path({"county_report.csv"}).c_str(), r.output.path({"products"}).c_str(),
                r.scenes.size() - std::min(r.scenes.size(), r.scenes_unchanged), r.scenes_unchanged, r.failed);
    if (r.revisions && !r.revisions->empty())
      std::printf("revised:  %zu figure(s) published by an earlier run changed: %s\n", r.revisions->size(),
                  r.output.path({"revisions.csv"}).c_str());
    if (!r.years.empty())
      std::printf("series:   %s (%zu season%s; composites in %s)\n", r.output.path({"county_timeseries.csv"}).c_str(), r.years.size(),
                  r.years.size() == 1 ? "" : "s", r.output.path({"years"}).c_str());
    std::fflush(stdout);
  }
};

// After the files: the summary points at them.
const ReportWriterRegistration registration("90-terminal", [] { return std::make_unique<TerminalWriter>(); });

}  // namespace

}  // namespace ecomon
