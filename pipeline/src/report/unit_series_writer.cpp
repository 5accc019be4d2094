// unit_timeseries.csv: the yearly series of the targets file's units (the cities and leagues a plan
// is written for), beside the counties' county_timeseries.csv: the same indicator columns, each
// unit's member counties' tallies merged as its verdicts merge them (targets/verdicts.hpp
// unit_of_year), so that a city's figure here is the figure of its targets_report.csv rows. A
// bulletin prints each headline figure with the year before and the change: so does this table.
#include <cmath>
#include <string>
#include <vector>

#include "base/csv.hpp"
#include "report/report_writer.hpp"
#include "report/zone_reports.hpp"
#include "targets/verdicts.hpp"

namespace ecomon {

namespace {

// The figures a bulletin gives with the year before and the change (《中国生态环境状况公报》 and the
// forest and grassland monitoring bulletins: coverage rates, cover, areas).
const std::vector<std::string>& bulletin_keys() {
  static const std::vector<std::string> keys = {"forest_coverage_pct", "forest_area_km2",  "grassland_cover_pct", "fvc_mean",
                                                "water_area_km2",      "wetland_area_km2", "bare_area_km2",       "npp_mean_gc_m2"};
  return keys;
}

const std::vector<ReportColumn>& unit_series_columns() {
  static const std::vector<ReportColumn> cols = [] {
    std::vector<ReportColumn> c = timeseries_columns();
    c[0] = ReportColumn("zone_code", "单元代码", "The unit's code (a `units` entry of the targets file: a city or league).");
    c[1] = ReportColumn("zone_name", "单元名称", "The unit's name; its figures are its member counties' tallies merged.");
    // Stable storage for the composed names (the table is built once, static).
    static std::vector<std::string> text;
    text.reserve(bulletin_keys().size() * 6);
    for (const std::string& key : bulletin_keys()) {
      const Indicator& i = indicator(key);
      text.push_back(key + "_previous"), text.push_back(i.zh + "_上年");
      text.push_back("The unit's " + key + " in the latest earlier year of the run with data (empty without one).");
      c.emplace_back(text[text.size() - 3].c_str(), text[text.size() - 2].c_str(), text.back().c_str());
      text.push_back(key + "_change"), text.push_back(i.zh + "_较上年变化");
      text.push_back(key + " less " + key + "_previous, in the same unit and decimals.");
      c.emplace_back(text[text.size() - 3].c_str(), text[text.size() - 2].c_str(), text.back().c_str());
    }
    return c;
  }();
  return cols;
}

// The decimals a printed number has ("12.3400" -> 4).
int decimals_of(const std::string& text) {
  const auto dot = text.find('.');
  return dot == std::string::npos ? 0 : int(text.size() - dot - 1);
}

class UnitSeriesWriter final : public ReportWriter {
 public:
  void write(const RunResults& r) override {
    if (!r.targets || r.years.empty() || r.targets->units.empty()) return;
    std::vector<std::vector<std::string>> rows;
    for (const auto& [code, unit] : r.targets->units) {
      std::vector<UnitOfYear> series;
      for (const YearResult& y : r.years) series.push_back(unit_of_year(code, unit.name, unit.zones, r.season_zones, y));
      const ZoneRow* previous = nullptr;
      std::vector<ZoneRow> views;
      views.reserve(series.size());
      std::string method_before;
      for (std::size_t i = 0; i < series.size(); ++i) {
        views.push_back(ZoneRow{series[i].zone, series[i].tally, nullptr, &r.years[i]});
        // A method step as county_timeseries.csv marks one (zone_series): the method differs from the
        // unit's previous year with data.
        const std::string method = season_method(views.back());
        if (method.empty()) continue;
        views.back().method_step = !method_before.empty() && method != method_before;
        method_before = method;
      }
      for (const ZoneRow& row : views) {
        std::vector<std::string> cells = timeseries_cells(row);
        for (const std::string& key : bulletin_keys()) {
          const Indicator& i = indicator(key);
          const std::string now = i.text(row);
          const double before = previous ? i.number(*previous) : std::nan("");
          cells.push_back(previous ? i.text(*previous) : "");
          cells.push_back(now.empty() || !std::isfinite(before) ? "" : format_fixed(i.number(row) - before, decimals_of(now)));
        }
        rows.push_back(std::move(cells));
        if (row.tally.observed_area > 0) previous = &row;
      }
    }
    write_csv(r.output.path({"unit_timeseries.csv"}), unit_series_columns(), rows, r.settings.report.headers);
  }
};

const ReportWriterRegistration registration("15-unit-series", [] { return std::make_unique<UnitSeriesWriter>(); });
const ReportColumnsRegistration columns(25, "unit_timeseries.csv", unit_series_columns);

}  // namespace

}  // namespace ecomon
