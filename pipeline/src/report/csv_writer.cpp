// The CSV reports: county_report.csv, scene_status.csv, and with seasons county_timeseries.csv and
// county_trends.csv (columns: products/indicators.cpp, report/zone_reports.cpp).
#include "report/report_writer.hpp"
#include "report/zone_reports.hpp"

namespace ecomon {

namespace {

class CsvWriter final : public ReportWriter {
 public:
  void write(const RunResults& r) override {
    const std::string& headers = r.settings.report.headers;
    write_county_report(r.output.path({"county_report.csv"}), r.scenes, headers);
    // Scene status, so that a nightly run's failures are visible without reading the log.
    std::vector<std::vector<std::string>> rows;
    for (const auto& st : r.statuses) rows.push_back({st.path, st.status, st.message, st.scene_id, std::to_string(st.implausible_pixels)});
    write_csv(r.output.path({"scene_status.csv"}), scene_status_columns(), rows, headers);
    if (!r.years.empty()) {
      write_timeseries(r.output.path({"county_timeseries.csv"}), r.season_zones, r.years, headers);
      write_trends(r.output.path({"county_trends.csv"}), r.season_zones, r.years, r.settings.trend.alpha, headers);
    }
  }
};

const ReportWriterRegistration registration("10-csv", [] { return std::make_unique<CsvWriter>(); });

}  // namespace

}  // namespace ecomon
