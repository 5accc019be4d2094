// targets_report.csv: the verdict of every target in every year of the run (targets/verdicts.hpp).
#include <spdlog/spdlog.h>

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
    for (const VerdictRow& v : r.verdicts)
      if (v.scope == "unit" && v.verdict == Verdict::no_data)
        spdlog::warn("target {} ({} {}), {}: no data ({:.1f}% of the unit observed, under targets.min_observed_fraction {})", v.target->id,
                     v.unit_code, v.unit_name, v.year, 100 * v.observed_fraction, r.settings.targets.min_observed_fraction);
  }
};

const ReportWriterRegistration registration("30-targets", [] { return std::make_unique<TargetsReportWriter>(); });
const ReportColumnsRegistration columns(50, "targets_report.csv", targets_report_columns);

}  // namespace

}  // namespace ecomon
