// targets_report.csv: the verdict of every target in every year of the run (targets/verdicts.hpp).
#include <spdlog/spdlog.h>

#include <algorithm>

#include "base/csv.hpp"
#include "report/report_writer.hpp"

namespace ecomon {

namespace {

class TargetsReportWriter final : public ReportWriter {
 public:
  void write(const RunResults& r) override {
    if (!r.targets) return;
    std::vector<std::vector<std::string>> rows;
    for (const VerdictRow& v : r.verdicts) rows.push_back(targets_report_cells(v));
    write_csv(r.output.path({"targets_report.csv"}), targets_report_columns(), rows, r.settings.report.headers);
    // One line per target without data, its years and how much was observed (not one per year).
    struct NoData {
      const VerdictRow* first = nullptr;
      std::string years;
      double min_observed = 1, max_observed = 0;
    };
    std::vector<NoData> no_data;
    for (const VerdictRow& v : r.verdicts) {
      if (v.scope != "unit" || v.verdict != Verdict::no_data) continue;
      if (no_data.empty() || no_data.back().first->target != v.target || no_data.back().first->unit_code != v.unit_code)
        no_data.push_back({&v, {}, 1, 0});
      NoData& d = no_data.back();
      d.years += (d.years.empty() ? "" : ", ") + std::to_string(v.year);
      d.min_observed = std::min(d.min_observed, v.observed_fraction), d.max_observed = std::max(d.max_observed, v.observed_fraction);
    }
    for (const NoData& d : no_data)
      spdlog::warn("target {} ({} {}): no data in {} ({:.1f}-{:.1f}% of the unit observed, under targets.min_observed_fraction {})",
                   d.first->target->id, d.first->unit_code, d.first->unit_name, d.years, 100 * d.min_observed, 100 * d.max_observed,
                   r.settings.targets.min_observed_fraction);
  }
};

const ReportWriterRegistration registration("30-targets", [] { return std::make_unique<TargetsReportWriter>(); });
const ReportColumnsRegistration columns(50, "targets_report.csv", targets_report_columns);

}  // namespace

}  // namespace ecomon
