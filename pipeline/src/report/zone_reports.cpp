#include "report/zone_reports.hpp"

#include <cmath>
#include <cstdio>
#include <map>

#include <spdlog/spdlog.h>

#include "base/errors.hpp"
#include "libgeo/io/projection.hpp"
#include "libgeo/trend.hpp"
#include "products/index_products.hpp"
#include "products/indicators.hpp"
#include "products/product_specs.hpp"

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
                                                                 "simulated",
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
                                                                 "sandified_none_km2",
                                                                 "sandified_light_km2",
                                                                 "sandified_moderate_km2",
                                                                 "sandified_severe_km2",
                                                                 "sandified_extreme_km2",
                                                                 "zone_area_wanmu",
                                                                 "total_area_wanmu",
                                                                 "observed_area_wanmu",
                                                                 "forest_area_wanmu",
                                                                 "water_area_wanmu",
                                                                 "sandified_none_wanmu",
                                                                 "sandified_light_wanmu",
                                                                 "sandified_moderate_wanmu",
                                                                 "sandified_severe_wanmu",
                                                                 "sandified_extreme_wanmu"});
  return keys;
}

std::vector<std::string> with_season_means(std::vector<std::string> keys) {
  for (const std::string& key : season_mean_keys()) keys.push_back(key);
  return keys;
}

const std::vector<std::string>& series_keys() {
  static const std::vector<std::string> keys = with_season_means({"zone_code",
                                                "zone_name",
                                                "year",
                                                "scenes",
                                                "simulated",
                                                "method",
                                                "method_step",
                                                "interval_basis",
                                                "zone_area_km2",
                                                "total_area_km2",
                                                "observed_area_km2",
                                                "observed_fraction",
                                                "zone_observed_fraction",
                                                "mean_clear_observations",
                                                "fvc_mean",
                                                "forest_coverage_pct",
                                                "forest_area_km2",
                                                "tree_forest_area_km2",
                                                "shrub_forest_area_km2",
                                                "forest_cover_pct",
                                                "forest_phenology_checked_pct",
                                                "forest_area_adjusted_km2",
                                                "forest_area_adjusted_se_km2",
                                                "grassland_cover_pct",
                                                "grassland_area_km2",
                                                "shrubland_area_km2",
                                                "cropland_area_km2",
                                                "bare_area_km2",
                                                "water_area_km2",
                                                "water_area_adjusted_km2",
                                                "water_area_adjusted_se_km2",
                                                "wetland_area_km2",
                                                "sandified_none_km2",
                                                "sandified_light_km2",
                                                "sandified_moderate_km2",
                                                "sandified_severe_km2",
                                                "sandified_extreme_km2",
                                                "desertified_none_km2",
                                                "desertified_light_km2",
                                                "desertified_moderate_km2",
                                                "desertified_severe_km2",
                                                "desertified_extreme_km2",
                                                "npp_mean_gc_m2",
                                                "npp_total_tc",
                                                "zone_area_wanmu",
                                                "total_area_wanmu",
                                                "observed_area_wanmu",
                                                "forest_area_wanmu",
                                                "grassland_area_wanmu",
                                                "cropland_area_wanmu",
                                                "water_area_wanmu",
                                                "wetland_area_wanmu"});
  return keys;
}

// The rows of one zone's series, each knowing whether its method differs from the previous year with data.
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

std::vector<ZoneRow> zone_series(const geo::io::Zone& zone, std::size_t z, const std::vector<YearResult>& years) {
  std::vector<ZoneRow> rows;
  std::string previous;
  for (const auto& y : years) {
    ZoneRow row{zone, y.tallies[z], nullptr, &y};
    const std::string method = season_method(row);
    if (!method.empty()) {
      row.method_step = !previous.empty() && method != previous;
      previous = method;
    }
    rows.push_back(row);
  }
  return rows;
}

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
      {"first_year", "起始年", "First year with a value (the trend starts after the zone's last method step)."},
      {"last_year", "终止年", "Last year."},
      {"slope_per_year", "年变化率", "Theil-Sen slope, indicator units per year."},
      {"mann_kendall_s", "MK统计量S", "Mann-Kendall S."},
      {"mann_kendall_z", "MK统计量Z", "Z with continuity and tie correction."},
      {"p_value", "显著性p值", "Two-sided p of Z."},
      {"kendall_tau", "Kendall_tau", "S / (n(n-1)/2)."},
      named_values_column("trend", "趋势", "increasing / decreasing (p < trend.alpha) or no significant trend; empty below 3 years."),
      {"method_step_year", "方法变化年份",
       "The year of the zone's last method step (county_timeseries.csv `method_step`); the trend uses only the years from it on. "
       "Empty when the method never changed."},
  };
  return cols;
}

const std::vector<std::string>& trend_indicator_keys() {
  static const std::vector<std::string> keys = {"fvc_mean", "forest_coverage_pct", "grassland_cover_pct", "water_area_km2",
                                                "wetland_area_km2"};
  return keys;
}

std::vector<std::string> timeseries_cells(const ZoneRow& row) { return cells(series_keys(), row); }

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
    for (const ZoneRow& row : zone_series(zones[z], z, years)) {
      if (row.method_step)
        spdlog::warn("zone {} ({}), {}: method step to {}: not comparable with the year before; the trend starts here", zones[z].code,
                     zones[z].name, row.year->year, season_method(row));
      rows.push_back(cells(series_keys(), row));
    }
  write_csv(path, timeseries_columns(), rows, headers);
}

void write_trends(const std::string& path, const std::vector<geo::io::Zone>& zones, const std::vector<YearResult>& years, double alpha,
                  const std::string& headers) {
  std::vector<std::vector<std::string>> rows;
  for (std::size_t z = 0; z < zones.size(); ++z) {
    const std::vector<ZoneRow> series = zone_series(zones[z], z, years);
    // The trend does not run across a method step: it starts at the last one.
    int step_year = 0;
    for (const ZoneRow& row : series)
      if (row.method_step) step_year = row.year->year;
    for (const auto& key : trend_indicator_keys()) {
      std::vector<double> times, values;
      for (const ZoneRow& row : series) {
        if (row.year->year < step_year) continue;
        times.push_back(row.year->year);
        // A year in which nothing of the zone was observed has no value, whatever the indicator.
        values.push_back(row.tally.observed_area > 0 ? indicator(key).number(row) : std::nan(""));
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
                      format_fixed(t.z, 4), format_fixed(t.p, 6), format_fixed(t.tau, 4), trend,
                      step_year ? std::to_string(step_year) : ""});
    }
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
                                                {"zone_observed_fraction", "observed", 8, 3},
                                                {"fvc_mean", "fvc_mean", 8, 3},
                                                {"forest_coverage_pct", "forest%", 7, 2},
                                                {"grassland_cover_pct", "grass_cover%", 12, 1},
                                                {"wetland_area_km2", "wetland_km2", 11, 1},
                                                {"method", "method", 0, 0}};
  std::string out = table_header(cols);
  for (std::size_t z = 0; z < zones.size(); ++z)
    for (const ZoneRow& row : zone_series(zones[z], z, years))
      if (row.tally.total_area > 0) {
        std::string line = table_row(cols, row);
        if (row.method_step) line.insert(line.size() - 1, "  <- method step: not comparable with the year before");
        out += line;
      }
  return out;
}

std::vector<geo::io::Zone> zone_outlines_lonlat(const Settings& s) {
  try {
    return geo::io::read_zones({s.zones.file, s.zones.code_field, s.zones.name_field, s.zones.layer}, geo::io::crs_wkt("EPSG:4326"));
  } catch (const geo::io::IoError& e) {
    throw OutputError(std::string("the zones' outlines: ") + e.what());
  }
}

}  // namespace ecomon
