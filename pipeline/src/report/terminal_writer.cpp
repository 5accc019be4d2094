// The terminal summary on stdout: the per-scene and per-season tables and where the outputs are.
// (Logs go to stderr; this is the run's result.)
#include <algorithm>
#include <cstdio>

#include "report/report_writer.hpp"
#include "report/zone_reports.hpp"

namespace ecomon {

namespace {

class TerminalWriter final : public ReportWriter {
 public:
  void write(const RunResults& r) override {
    const std::string per_scene = format_scene_table(r.scenes);
    if (std::count(per_scene.begin(), per_scene.end(), '\n') <= 40)
      std::printf("Per scene (county_report.csv):\n%s", per_scene.c_str());
    else
      std::printf("Per scene: %zu scenes, one row per zone and scene in county_report.csv\n", r.scenes.size());
    if (!r.years.empty()) std::printf("\nPer season (county_timeseries.csv):\n%s", format_series_table(r.season_zones, r.years).c_str());
    if (r.targets) {
      // The units the run observed at all (a region-wide target run over a few counties is left out here).
      std::vector<VerdictRow> shown;
      for (const VerdictRow& v : r.verdicts)
        if (v.observed_fraction > 0) shown.push_back(v);
      std::printf("\nTargets (targets_report.csv; %s):\n%s", r.targets->path.c_str(), format_targets_table(shown).c_str());
    }
    std::printf("\nreport:   %s\nproducts: %s\nscenes:   %zu processed, %zu failed\n", r.output.path({"county_report.csv"}).c_str(),
                r.output.path({"products"}).c_str(), r.scenes.size(), r.failed);
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
