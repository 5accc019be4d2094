#include "products/indicators.hpp"

#include <cmath>
#include <stdexcept>

#include "engine/scene_engine.hpp"
#include "engine/season_engine.hpp"
#include "products/index_products.hpp"
#include "report/csv_report.hpp"

namespace ecomon {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
double ratio(double a, double b) { return b > 0 ? a / b : kNaN; }

using Number = std::function<double(const ZoneRow&)>;
using Text = std::function<std::string(const ZoneRow&)>;

struct Registry {
  std::vector<Indicator> all;

  void text(const char* key, const char* zh, const char* meaning, Text f) { all.push_back({key, zh, meaning, nullptr, std::move(f)}); }
  void number(const char* key, const char* zh, const char* meaning, int digits, Number f) {
    all.push_back({key, zh, meaning, f, [f, digits](const ZoneRow& r) { return format_fixed(f(r), digits); }});
  }
  // An area (m^2 in the tally) as two columns: <stem>_km2 and <stem>_wanmu (万亩), 6 decimals each.
  void area(const std::string& stem, const std::string& zh, const std::string& meaning, Number m2) {
    all.push_back({stem + "_km2", zh + "_平方公里", meaning, [m2](const ZoneRow& r) { return m2(r) / 1e6; },
                   [m2](const ZoneRow& r) { return format_km2(m2(r)); }});
    all.push_back({stem + "_wanmu", zh + "_万亩", stem + " in wan mu (1 wan mu = 6.6667 km2).",
                   [m2](const ZoneRow& r) { return m2(r) / kSquareMetresPerWanMu; },
                   [m2](const ZoneRow& r) { return format_wanmu(m2(r)); }});
  }
};

Registry build() {
  Registry r;
  // Identity.
  r.text("zone_code", "区划代码", "Zone code from the zones layer (e.g. 6-digit adcode).", [](const ZoneRow& x) { return x.zone.code; });
  r.text("zone_name", "区划名称", "Zone name from the zones layer.", [](const ZoneRow& x) { return x.zone.name; });
  r.text("scene_id", "景标识", "Product identifier (LANDSAT_PRODUCT_ID, or the Sentinel-2 product name).",
         [](const ZoneRow& x) { return x.scene->scene.id; });
  r.text("date", "成像日期", "Acquisition date, YYYY-MM-DD.", [](const ZoneRow& x) { return x.scene->scene.date; });
  r.text("sensor", "传感器", "Spacecraft and sensor, e.g. LANDSAT_8/OLI_TIRS.",
         [](const ZoneRow& x) { return x.scene->scene.spacecraft + "/" + x.scene->scene.sensor; });
  r.text("reflectance", "反射率类型", "SR (surface reflectance) or TOA (C1 L1 top-of-atmosphere; indices not comparable with SR).",
         [](const ZoneRow& x) { return x.scene->scene.reflectance; });
  r.text("year", "年份", "Year of the season composites.", [](const ZoneRow& x) { return std::to_string(x.year->year); });
  r.text("scenes", "影像景数", "Scenes used (season, spring and autumn windows), all sensors.",
         [](const ZoneRow& x) { return std::to_string(x.year->scenes); });
  // Areas.
  r.area("zone_area", "区划面积", "Ellipsoidal (WGS84, geodesic) area of the whole zone polygon.",
         [](const ZoneRow& x) { return x.zone.geodesic_area_m2; });
  r.area("total_area", "影像覆盖面积",
         "Area of the zone inside the data footprint (coverage-weighted; ellipsoidal per scene, equal-area grid per season: each ground "
         "location once).",
         [](const ZoneRow& x) { return x.tally.total_area; });
  r.area("observed_area", "有效观测面积",
         "Part of total_area with a clear observation (no fill, cloud, dilated cloud, cirrus, shadow, snow, saturation); per season, at "
         "least one in the season window.",
         [](const ZoneRow& x) { return x.tally.observed_area; });
  r.number("observed_pct", "有效观测比例_百分比", "observed_area / total_area x 100.", 4,
           [](const ZoneRow& x) { return 100 * ratio(x.tally.observed_area, x.tally.total_area); });
  r.number("observed_fraction", "有效观测比例", "observed_area / total_area: the clear-observation fraction.", 6,
           [](const ZoneRow& x) { return ratio(x.tally.observed_area, x.tally.total_area); });
  r.number("mean_clear_observations", "平均有效观测次数", "Mean number of clear season observations per observed cell.", 4,
           [](const ZoneRow& x) { return ratio(x.tally.clear_obs_area, x.tally.observed_area); });
  // Vegetation cover.
  r.number("fvc_mean", "植被覆盖度均值",
           "Area-weighted mean fractional vegetation cover (0-1) over observed land (water excluded); per season, of the maximum-NDVI "
           "composite.",
           6, [](const ZoneRow& x) { return ratio(x.tally.fvc_area, x.tally.land_area); });
  r.number("fvc_ndvi_soil", "裸土NDVI", "Bare-soil NDVI end-member used (config or scene percentile).", 4,
           [](const ZoneRow& x) { return x.scene->ndvi_soil; });
  r.number("fvc_ndvi_veg", "纯植被NDVI", "Full-vegetation NDVI end-member used.", 4, [](const ZoneRow& x) { return x.scene->ndvi_veg; });
  // Forest.
  r.area("forest_area", "森林面积",
         "Observed forest after the minimum-patch rule; per season also green in spring and autumn where observed then.",
         [](const ZoneRow& x) { return x.tally.forest_area; });
  r.number("forest_cover_pct", "森林覆盖率_百分比",
           "forest_area / observed_area x 100 (estimate over the observed part; equals the official rate when fully observed).", 4,
           [](const ZoneRow& x) { return 100 * ratio(x.tally.forest_area, x.tally.observed_area); });
  r.number("forest_phenology_checked_pct", "物候校验森林比例_百分比",
           "Share of the forest area observed in both shoulder windows (the cropland rule could apply).", 2,
           [](const ZoneRow& x) { return 100 * ratio(x.tally.forest_phenology_area, x.tally.forest_area); });
  // Water.
  r.area("water_area", "水域面积",
         "Observed open water: per scene the MNDWI threshold; per season permanent water (frequency >= water.permanent_min_frequency).",
         [](const ZoneRow& x) { return x.tally.water_area; });
  r.area("wetland_area", "湿地面积", "Water frequency >= water.seasonal_min_frequency: seasonal and permanent water.",
         [](const ZoneRow& x) { return x.tally.wetland_area; });
  // Desertification grades.
  const char* grades[5][2] = {
      {"none", "非荒漠化"}, {"light", "轻度荒漠化"}, {"moderate", "中度荒漠化"}, {"severe", "重度荒漠化"}, {"extreme", "极重度荒漠化"}};
  for (int g = 0; g < 5; ++g)
    r.area(std::string("desert_") + grades[g][0], std::string(grades[g][1]) + "面积",
           std::string("Observed land graded ") + grades[g][0] + ".", [g](const ZoneRow& x) { return x.tally.grade_area[g]; });
  // The mean of every index product that asks for one.
  const auto& indices = index_products();
  for (std::size_t k = 0, slot = 0; k < indices.size(); ++k) {
    if (indices[k].mean_key.empty()) continue;
    r.number(indices[k].mean_key.c_str(), indices[k].mean_zh.c_str(),
             ("Area-weighted mean " + indices[k].name + " over observed land.").c_str(), 4, [slot](const ZoneRow& x) {
               return slot < x.tally.index_sum.size() ? ratio(x.tally.index_sum[slot], x.tally.index_area[slot]) : kNaN;
             });
    ++slot;
  }
  return r;
}

}  // namespace

const std::vector<Indicator>& indicators() {
  static const Registry registry = build();
  return registry.all;
}

const Indicator& indicator(const std::string& key) {
  for (const auto& i : indicators())
    if (i.key == key) return i;
  throw std::logic_error("no indicator '" + key + "'");
}

}  // namespace ecomon
