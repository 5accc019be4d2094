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
const ReportColumnsRegistration county_report_columns(10, "county_report.csv", report_columns);
const ReportColumnsRegistration county_timeseries_columns(20, "county_timeseries.csv", timeseries_columns);
const ReportColumnsRegistration county_trends_columns(30, "county_trends.csv", trend_columns);
const ReportColumnsRegistration status_columns(40, "scene_status.csv", scene_status_columns);

}  // namespace

const std::vector<ReportColumn>& scene_status_columns() {
  static const std::vector<ReportColumn> cols = {
      {"metadata", "元数据文件", "The scene's metadata file or product folder, or the input path that could not be read."},
      named_values_column("status", "状态",
       "ok (processed), failed (not processed: see message), duplicate (the same product found at another path; processed once)."),
      {"message", "说明", "Why it failed, which path was kept for a duplicate, or how many pixels were masked as implausible."},
      {"scene_id", "景标识", "Product identifier (empty when the metadata could not be read)."},
      {"implausible_pixels", "异常像元数",
       "Clear pixels masked because a band's reflectance was outside -0.2..1.6 or NDVI/MNDWI was undefined."},
  };
  return cols;
}

}  // namespace ecomon
