#include "report/csv_report.hpp"

#include <cmath>
#include <cstdio>
#include <sstream>

#include "libgeo/io/raster.hpp"

namespace ecomon {

const std::vector<ReportColumn>& report_columns() {
  static const std::vector<ReportColumn> cols = {
      {"zone_code", "区划代码", "Zone code from the zones layer (e.g. 6-digit adcode)."},
      {"zone_name", "区划名称", "Zone name from the zones layer."},
      {"scene_id", "景标识", "Landsat product identifier (LANDSAT_PRODUCT_ID)."},
      {"date", "成像日期", "Acquisition date (DATE_ACQUIRED), YYYY-MM-DD."},
      {"sensor", "传感器", "Spacecraft and sensor, e.g. LANDSAT_8/OLI_TIRS."},
      {"reflectance", "反射率类型", "SR (C2 L2 surface reflectance) or TOA (C1 L1 top-of-atmosphere; indices not comparable with SR)."},
      {"zone_area_km2", "区划面积_平方公里", "Ellipsoidal (WGS84, geodesic) area of the whole zone polygon."},
      {"total_area_km2", "影像覆盖面积_平方公里", "Area of the zone inside the scene's data footprint (coverage-weighted, ellipsoidal)."},
      {"observed_area_km2", "有效观测面积_平方公里", "Part of total_area with a clear observation (no fill, cloud, dilated cloud, cirrus, shadow, snow, saturation)."},
      {"observed_pct", "有效观测比例_百分比", "observed_area / total_area x 100."},
      {"fvc_mean", "植被覆盖度均值", "Area-weighted mean fractional vegetation cover (0-1) over observed land (water excluded)."},
      {"fvc_ndvi_soil", "裸土NDVI", "Bare-soil NDVI end-member used (config or scene percentile)."},
      {"fvc_ndvi_veg", "纯植被NDVI", "Full-vegetation NDVI end-member used."},
      {"forest_area_km2", "森林面积_平方公里", "Observed forest area after the minimum-patch rule."},
      {"forest_cover_pct", "森林覆盖率_百分比", "forest_area / observed_area x 100 (estimate over the observed part; equals the official rate when fully observed)."},
      {"water_area_km2", "水域面积_平方公里", "Observed open-water area (MNDWI threshold)."},
      {"desert_none_km2", "非荒漠化面积_平方公里", "Observed land graded none."},
      {"desert_light_km2", "轻度荒漠化面积_平方公里", "Observed land graded light."},
      {"desert_moderate_km2", "中度荒漠化面积_平方公里", "Observed land graded moderate."},
      {"desert_severe_km2", "重度荒漠化面积_平方公里", "Observed land graded severe."},
      {"desert_extreme_km2", "极重度荒漠化面积_平方公里", "Observed land graded extreme."},
      {"zone_area_wanmu", "区划面积_万亩", "zone_area in wan mu (1 wan mu = 6.6667 km2)."},
      {"total_area_wanmu", "影像覆盖面积_万亩", "total_area in wan mu."},
      {"observed_area_wanmu", "有效观测面积_万亩", "observed_area in wan mu."},
      {"forest_area_wanmu", "森林面积_万亩", "forest_area in wan mu."},
      {"water_area_wanmu", "水域面积_万亩", "water_area in wan mu."},
      {"desert_none_wanmu", "非荒漠化面积_万亩", "desert_none in wan mu."},
      {"desert_light_wanmu", "轻度荒漠化面积_万亩", "desert_light in wan mu."},
      {"desert_moderate_wanmu", "中度荒漠化面积_万亩", "desert_moderate in wan mu."},
      {"desert_severe_wanmu", "重度荒漠化面积_万亩", "desert_severe in wan mu."},
      {"desert_extreme_wanmu", "极重度荒漠化面积_万亩", "desert_extreme in wan mu."},
  };
  return cols;
}

std::string format_fixed(double v, int digits) {
  if (!std::isfinite(v)) return "";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  std::string s = buf;
  if (s.find_first_not_of("-0.") == std::string::npos) s = s[0] == '-' ? s.substr(1) : s;  // no "-0.000"
  return s;
}

std::string csv_escape(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

void write_csv(const std::string& path, const std::vector<ReportColumn>& cols, const std::vector<std::vector<std::string>>& rows,
               const std::string& headers) {
  std::ostringstream o;
  o << "\xEF\xBB\xBF";  // UTF-8 BOM: Excel then reads the Chinese names correctly
  for (std::size_t i = 0; i < cols.size(); ++i) {
    std::string h = headers == "zh" ? cols[i].zh : headers == "en_zh" ? std::string(cols[i].zh) + " " + cols[i].key : cols[i].key;
    o << (i ? "," : "") << csv_escape(h);
  }
  o << "\n";
  for (const auto& v : rows) {
    for (std::size_t i = 0; i < v.size(); ++i) o << (i ? "," : "") << csv_escape(v[i]);
    o << "\n";
  }
  geo::io::write_file_atomically(path, o.str());
}

const std::vector<ReportColumn>& scene_status_columns() {
  static const std::vector<ReportColumn> cols = {
      {"metadata", "元数据文件", "The scene's metadata file or product folder, or the input path that could not be read."},
      {"status", "状态", "ok (processed), failed (not processed: see message), duplicate (the same product found at another path; processed once)."},
      {"message", "说明", "Why it failed, which path was kept for a duplicate, or how many pixels were masked as implausible."},
      {"scene_id", "景标识", "Product identifier (empty when the metadata could not be read)."},
      {"implausible_pixels", "异常像元数", "Clear pixels masked because a band's reflectance was outside -0.2..1.6 or NDVI/MNDWI was undefined."},
  };
  return cols;
}

namespace {

std::vector<std::string> row_values(const SceneResult& r, std::size_t z) {
  const ZoneTally& t = r.tallies[z];
  const auto& zone = r.zones[z];
  const auto& km2 = format_km2;
  const auto& wanmu = format_wanmu;
  const double nan = std::nan("");
  std::vector<std::string> v = {
      zone.code, zone.name, r.scene.id, r.scene.date, r.scene.spacecraft + "/" + r.scene.sensor, r.scene.reflectance, km2(zone.geodesic_area_m2), km2(t.total_area), km2(t.observed_area),
      format_fixed(t.total_area > 0 ? 100 * t.observed_area / t.total_area : nan, 4),
      format_fixed(t.land_area > 0 ? t.fvc_area / t.land_area : nan, 6), format_fixed(r.ndvi_soil, 4), format_fixed(r.ndvi_veg, 4),
      km2(t.forest_area), format_fixed(t.observed_area > 0 ? 100 * t.forest_area / t.observed_area : nan, 4), km2(t.water_area)};
  for (double g : t.grade_area) v.push_back(km2(g));
  for (double a : {zone.geodesic_area_m2, t.total_area, t.observed_area, t.forest_area, t.water_area}) v.push_back(wanmu(a));
  for (double g : t.grade_area) v.push_back(wanmu(g));
  return v;
}

}  // namespace

void write_county_report(const std::string& path, const std::vector<SceneResult>& results, const std::string& headers) {
  std::vector<std::vector<std::string>> rows;
  for (const auto& r : results)
    for (std::size_t z = 0; z < r.zones.size(); ++z) rows.push_back(row_values(r, z));
  write_csv(path, report_columns(), rows, headers);
}

// Pads to a terminal width, counting CJK characters as two columns (UTF-8 lead bytes 0xE3-0xE9).
std::string pad_to_width(const std::string& s, std::size_t width) {
  std::size_t cols = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if ((c & 0xC0) == 0x80) continue;
    cols += (c >= 0xE3 && c <= 0xE9) ? 2 : 1;
  }
  return s + std::string(cols < width ? width - cols : 1, ' ');
}

std::string format_table(const std::vector<SceneResult>& results) {
  std::ostringstream o;
  char buf[512];
  std::snprintf(buf, sizeof buf, "%-10s %12s %12s %8s %10s %8s %10s\n", "date", "area_km2", "observed_km2", "fvc_mean",
                "forest_km2", "forest%", "water_km2");
  o << pad_to_width("code", 8) << pad_to_width("name", 14) << buf;
  for (const auto& r : results)
    for (std::size_t z = 0; z < r.zones.size(); ++z) {
      const ZoneTally& t = r.tallies[z];
      if (t.total_area <= 0) continue;
      std::snprintf(buf, sizeof buf, "%-10s %12.1f %12.1f %8.3f %10.1f %8.2f %10.1f\n", r.scene.date.c_str(),
                    t.total_area / 1e6, t.observed_area / 1e6,
                    t.land_area > 0 ? t.fvc_area / t.land_area : 0.0, t.forest_area / 1e6,
                    t.observed_area > 0 ? 100 * t.forest_area / t.observed_area : 0.0, t.water_area / 1e6);
      o << pad_to_width(r.zones[z].code, 8) << pad_to_width(r.zones[z].name, 14) << buf;
    }
  return o.str();
}

}  // namespace ecomon
