#include "report/zone_reports.hpp"

#include <cmath>
#include <cstdio>
#include <map>

#include "libgeo/trend.hpp"
#include "products/index_products.hpp"
#include "products/indicators.hpp"

namespace ecomon {

namespace {

std::vector<std::string> with_index_means(std::vector<std::string> keys) {
  for (const auto& p : index_products())
    if (!p.mean_key.empty()) keys.push_back(p.mean_key);
  return keys;
}

const std::vector<std::string>& scene_report_keys() {
  static const std::vector<std::string> keys = with_index_means({"zone_code",
                                                                 "zone_name",
                                                                 "scene_id",
                                                                 "date",
                                                                 "sensor",
                                                                 "reflectance",
                                                                 "zone_area_km2",
                                                                 "total_area_km2",
                                                                 "observed_area_km2",
                                                                 "observed_pct",
                                                                 "fvc_mean",
                                                                 "fvc_ndvi_soil",
                                                                 "fvc_ndvi_veg",
                                                                 "forest_area_km2",
                                                                 "forest_cover_pct",
                                                                 "water_area_km2",
                                                                 "desert_none_km2",
                                                                 "desert_light_km2",
                                                                 "desert_moderate_km2",
                                                                 "desert_severe_km2",
                                                                 "desert_extreme_km2",
                                                                 "zone_area_wanmu",
                                                                 "total_area_wanmu",
                                                                 "observed_area_wanmu",
                                                                 "forest_area_wanmu",
                                                                 "water_area_wanmu",
                                                                 "desert_none_wanmu",
                                                                 "desert_light_wanmu",
                                                                 "desert_moderate_wanmu",
                                                                 "desert_severe_wanmu",
                                                                 "desert_extreme_wanmu"});
  return keys;
}

const std::vector<std::string>& series_keys() {
  static const std::vector<std::string> keys = {"zone_code",
                                                "zone_name",
                                                "year",
                                                "scenes",
                                                "total_area_km2",
                                                "observed_area_km2",
                                                "observed_fraction",
                                                "mean_clear_observations",
                                                "fvc_mean",
                                                "forest_area_km2",
                                                "forest_cover_pct",
                                                "forest_phenology_checked_pct",
                                                "water_area_km2",
                                                "wetland_area_km2",
                                                "desert_none_km2",
                                                "desert_light_km2",
                                                "desert_moderate_km2",
                                                "desert_severe_km2",
                                                "desert_extreme_km2",
                                                "total_area_wanmu",
                                                "observed_area_wanmu",
                                                "forest_area_wanmu",
                                                "water_area_wanmu",
                                                "wetland_area_wanmu"};
  return keys;
}

std::vector<ReportColumn> documented(const std::vector<std::string>& keys) {
  std::vector<ReportColumn> out;
  for (const auto& k : keys) {
    const Indicator& i = indicator(k);
    out.push_back({i.key.c_str(), i.zh.c_str(), i.meaning.c_str()});  // the registry is static: stable storage
  }
  return out;
}

std::vector<std::string> cells(const std::vector<std::string>& keys, const ZoneRow& row) {
  std::vector<std::string> out;
  for (const auto& k : keys) out.push_back(indicator(k).text(row));
  return out;
}

// A terminal table column: an indicator, its header and printf width and precision.
struct TableColumn {
  const char* key;
  const char* header;
  int width, precision;
};

std::string table_header(const std::vector<TableColumn>& cols) {
  std::string out = pad_to_width("code", 8) + pad_to_width("name", 14);
  char buf[64];
  for (std::size_t i = 0; i < cols.size(); ++i) {
    std::snprintf(buf, sizeof buf, i == 0 ? "%-*s" : " %*s", cols[i].width, cols[i].header);
    out += buf;
  }
  return out + "\n";
}

std::string table_row(const std::vector<TableColumn>& cols, const ZoneRow& row) {
  std::string out = pad_to_width(row.zone.code, 8) + pad_to_width(row.zone.name, 14);
  char buf[64];
  for (std::size_t i = 0; i < cols.size(); ++i) {
    const Indicator& ind = indicator(cols[i].key);
    if (!ind.number)
      std::snprintf(buf, sizeof buf, i == 0 ? "%-*s" : " %*s", cols[i].width, ind.text(row).c_str());
    else if (const double v = ind.number(row); std::isfinite(v))
      std::snprintf(buf, sizeof buf, " %*.*f", cols[i].width, cols[i].precision, v);
    else
      std::snprintf(buf, sizeof buf, " %*s", cols[i].width, "-");
    out += buf;
  }
  return out + "\n";
}

}  // namespace

const std::vector<ReportColumn>& report_columns() {
  static const std::vector<ReportColumn> cols = documented(scene_report_keys());
  return cols;
}

const std::vector<ReportColumn>& timeseries_columns() {
  static const std::vector<ReportColumn> cols = documented(series_keys());
  return cols;
}

const std::vector<ReportColumn>& trend_columns() {
  static const std::vector<ReportColumn> cols = {
      {"zone_code", "区划代码", "Zone code."},
      {"zone_name", "区划名称", "Zone name."},
      {"indicator", "指标", "Column of county_timeseries.csv the trend is of."},
      {"years", "年数", "Years with a value."},
      {"first_year", "起始年", "First year."},
      {"last_year", "终止年", "Last year."},
      {"slope_per_year", "年变化率", "Theil-Sen slope, indicator units per year."},
      {"mann_kendall_s", "MK统计量S", "Mann-Kendall S."},
      {"mann_kendall_z", "MK统计量Z", "Z with continuity and tie correction."},
      {"p_value", "显著性p值", "Two-sided p of Z."},
      {"kendall_tau", "Kendall_tau", "S / (n(n-1)/2)."},
      {"trend", "趋势", "increasing / decreasing (p < trend.alpha) or no significant trend; empty below 3 years."},
  };
  return cols;
}

const std::vector<std::string>& trend_indicator_keys() {
  static const std::vector<std::string> keys = {"fvc_mean", "forest_cover_pct", "water_area_km2", "wetland_area_km2"};
  return keys;
}

void write_county_report(const std::string& path, const std::vector<SceneResult>& results, const std::string& headers) {
  std::vector<std::vector<std::string>> rows;
  for (const auto& r : results)
    for (std::size_t z = 0; z < r.zones.size(); ++z)
      rows.push_back(cells(scene_report_keys(), ZoneRow{r.zones[z], r.tallies[z], &r, nullptr}));
  write_csv(path, report_columns(), rows, headers);
}

void write_timeseries(const std::string& path, const std::vector<geo::io::Zone>& zones, const std::vector<YearResult>& years,
                      const std::string& headers) {
  std::vector<std::vector<std::string>> rows;
  for (std::size_t z = 0; z < zones.size(); ++z)
    for (const auto& y : years) rows.push_back(cells(series_keys(), ZoneRow{zones[z], y.tallies[z], nullptr, &y}));
  write_csv(path, timeseries_columns(), rows, headers);
}

void write_trends(const std::string& path, const std::vector<geo::io::Zone>& zones, const std::vector<YearResult>& years, double alpha,
                  const std::string& headers) {
  std::vector<std::vector<std::string>> rows;
  for (std::size_t z = 0; z < zones.size(); ++z)
    for (const auto& key : trend_indicator_keys()) {
      std::vector<double> times, values;
      for (const auto& y : years) {
        const ZoneRow row{zones[z], y.tallies[z], nullptr, &y};
        times.push_back(y.year);
        // A year in which nothing of the zone was observed has no value, whatever the indicator.
        values.push_back(y.tallies[z].observed_area > 0 ? indicator(key).number(row) : std::nan(""));
      }
      const geo::TrendResult t = geo::theil_sen_mann_kendall(times, values);
      int first = 0, last = 0;
      for (std::size_t i = 0; i < times.size(); ++i)
        if (std::isfinite(values[i])) {
          if (!first) first = int(times[i]);
          last = int(times[i]);
        }
      const std::string trend = t.n < 3 ? "" : !(t.p < alpha) ? "no significant trend" : t.s > 0 ? "increasing" : "decreasing";
      rows.push_back({zones[z].code, zones[z].name, key, std::to_string(t.n), first ? std::to_string(first) : "",
                      last ? std::to_string(last) : "", format_fixed(t.slope, 6), format_fixed(t.n >= 3 ? t.s : std::nan(""), 0),
                      format_fixed(t.z, 4), format_fixed(t.p, 6), format_fixed(t.tau, 4), trend});
    }
  write_csv(path, trend_columns(), rows, headers);
}

std::string format_scene_table(const std::vector<SceneResult>& results) {
  static const std::vector<TableColumn> cols = {{"date", "date", 10, 0},
                                                {"total_area_km2", "area_km2", 12, 1},
                                                {"observed_area_km2", "observed_km2", 12, 1},
                                                {"fvc_mean", "fvc_mean", 8, 3},
                                                {"forest_area_km2", "forest_km2", 10, 1},
                                                {"forest_cover_pct", "forest%", 8, 2},
                                                {"water_area_km2", "water_km2", 10, 1}};
  std::string out = table_header(cols);
  for (const auto& r : results)
    for (std::size_t z = 0; z < r.zones.size(); ++z)
      if (r.tallies[z].total_area > 0) out += table_row(cols, ZoneRow{r.zones[z], r.tallies[z], &r, nullptr});
  return out;
}

std::string format_series_table(const std::vector<geo::io::Zone>& zones, const std::vector<YearResult>& years) {
  static const std::vector<TableColumn> cols = {{"year", "year", 4, 0},
                                                {"scenes", "scenes", 6, 0},
                                                {"observed_pct", "observed%", 9, 1},
                                                {"fvc_mean", "fvc_mean", 8, 3},
                                                {"forest_cover_pct", "forest%", 7, 2},
                                                {"water_area_km2", "water_km2", 9, 1},
                                                {"wetland_area_km2", "wetland_km2", 11, 1}};
  std::string out = table_header(cols);
  for (std::size_t z = 0; z < zones.size(); ++z)
    for (const auto& y : years)
      if (y.tallies[z].total_area > 0) out += table_row(cols, ZoneRow{zones[z], y.tallies[z], nullptr, &y});
  return out;
}

}  // namespace ecomon
