#include "products/indicators.hpp"

#include <algorithm>
#include <cmath>
#include <optional>
#include <stdexcept>

#include "results/scene_result.hpp"
#include "results/year_result.hpp"
#include "products/index_products.hpp"
#include "base/csv.hpp"

namespace ecomon {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
double ratio(double a, double b) { return b > 0 ? a / b : kNaN; }

// The zone's area not observed in the season (outside the scenes, or never clear): its whole area
// less the observed area (both ellipsoidal or equal-area; never negative).
double unobserved_area(const ZoneRow& x) { return std::max(0.0, x.zone.geodesic_area_m2 - x.tally.observed_area); }

// An area over the zone's whole area: the observed part, plus the unobserved part at the rate
// observed; bounded by the unobserved part being none of it or all of it.
Estimate area_estimate(const ZoneRow& x, double observed_part) {
  const double u = unobserved_area(x);
  return {observed_part + u * ratio(observed_part, x.tally.observed_area), observed_part, observed_part + u};
}
Estimate scaled(Estimate e, double factor) {
  Estimate out{e.value * factor, e.low * factor, e.high * factor, e.basis};
  out.unseen_low = e.unseen_low * factor, out.unseen_high = e.unseen_high * factor;
  return out;
}

// The year's check of its land cover map against a reference sample, when it gave an estimate.
const ClassAccuracy* applied_accuracy(const ZoneRow& x) {
  return x.year && x.year->accuracy && x.year->accuracy->applied() ? &*x.year->accuracy : nullptr;
}

// The observed area of a quantity (official forest, water, wetland, grassland) estimated from the
// reference sample for this zone or unit (ground/reference_sample.hpp: within the unit, or the
// domain estimator), with its standard error. Null without a sample, or when the sample cannot
// estimate it here (a map class of the zone with fewer than 2 units in the region).
std::optional<UnitAreaEstimate> sample_estimate(const ZoneRow& x, std::optional<SampleQuantity> q) {
  const ClassAccuracy* a = applied_accuracy(x);
  if (!a || !q) return std::nullopt;
  UnitAreaEstimate e = a->unit_area(x.tally, *q);
  if (!e.valid()) return std::nullopt;
  return e;
}

// An area over the zone's whole area, estimated from the reference sample when there is one: the
// unobserved part at the observed rate; the interval the sample estimate's 95% interval (1.96 SE,
// Olofsson et al. 2014 eq. 12) widened by the unobserved part being none or all of the class.
// Without a sample: the map's pixel count, bounded by the unobserved part only.
Estimate class_area_estimate(const ZoneRow& x, double observed_part, std::optional<SampleQuantity> q) {
  const auto sampled = sample_estimate(x, q);
  if (!sampled) return area_estimate(x, observed_part);
  const double a = sampled->area, half = 1.96 * sampled->se, u = unobserved_area(x);
  Estimate e{a + u * ratio(a, x.tally.observed_area), std::max(0.0, a - half), a + half + u,
             sampled->within_unit ? "sample+unobserved" : "sample(domain)+unobserved"};
  e.unseen_low = std::max(0.0, e.low - sampled->unseen_low), e.unseen_high = e.high + sampled->unseen_high;
  return e;
}

// A share of the zone's whole area, in percent.
Estimate coverage_estimate(const ZoneRow& x, double observed_part, std::optional<SampleQuantity> q) {
  return scaled(class_area_estimate(x, observed_part, q), 100 * ratio(1.0, x.zone.geodesic_area_m2));
}

// The year's calibration line, when the year has one (calibration.plots_file).
const Calibration* applied_calibration(const ZoneRow& x) {
  return x.year && x.year->calibration && x.year->calibration->applied() ? &*x.year->calibration : nullptr;
}

// The mean cover over grassland: the observed mean (through the year's calibration line when there
// is one, with the 95% interval of that calibrated mean); the interval then widened by the
// unobserved part being all grassland at no cover or all grassland at full cover.
Estimate grassland_cover_estimate(const ZoneRow& x) {
  const double g = x.tally.landcover(LandCover::grassland), u = unobserved_area(x);
  const Calibration* c = applied_calibration(x);
  const std::string basis = c ? "calibration+unobserved" : Estimate::kUnobservedOnly;
  if (!(g > 0)) return {kNaN, 100 * ratio(0, u), 100 * ratio(u, u), basis};
  // The calibration's zone effect: each zone's cells share one error of variance sigma_b^2, so a
  // unit averaging zones by grassland share w_z carries sigma_b^2 sum_z w_z^2 (1 for one zone).
  double zone_effect_variance = 0;
  if (c && c->between_zone_variance > 0) {
    double squares = 0;
    for (const auto& [zone, areas] : x.tally.class_area_by_zone) {
      const double w = areas[std::size_t(LandCover::grassland)] / g;
      squares += w * w;
    }
    zone_effect_variance = c->between_zone_variance * (x.tally.class_area_by_zone.empty() ? 1.0 : squares);
  }
  const double zone_half = 1.96 * std::sqrt(zone_effect_variance);
  const double satellite_mean = x.tally.grassland_fvc_area / g;
  Calibration::Mean mean{satellite_mean, satellite_mean, satellite_mean};
  if (c) {
    // By grassland type (all of it type 0 without a type layer): each type's mean through its own
    // line (or the pooled one), weighted by the type's grassland area; the intervals' ends weighted
    // alike (a conservative sum).
    const std::map<std::uint16_t, std::array<double, 2>> untyped = {{0, {g, x.tally.grassland_fvc_area}}};
    mean = {0, 0, 0};
    for (const auto& [type, sums] : x.tally.grassland_types.empty() ? untyped : x.tally.grassland_types) {
      if (!(sums[0] > 0)) continue;
      const Calibration::Mean m = c->calibrated_mean(sums[1] / sums[0], type);
      const double w = sums[0] / g;
      mean.value += w * m.value, mean.low += w * m.low, mean.high += w * m.high;
    }
    // The line's error of the mean and the zone effect, independent: combined in quadrature.
    const double low_half = std::hypot(mean.value - mean.low, zone_half), high_half = std::hypot(mean.high - mean.value, zone_half);
    mean.low = std::clamp(mean.value - low_half, 0.0, 1.0), mean.high = std::clamp(mean.value + high_half, 0.0, 1.0);
  }
  const ClassAccuracy* a = applied_accuracy(x);
  if (c && a) {
    // With a reference sample too, which cells are grassland comes from the sample, not the map:
    // the ratio of the calibrated cover over the sample's grassland to that grassland, per stratum
    // (ClassAccuracy::unit_ratio); its error and the calibration line's (of the mean) are independent
    // and combined in quadrature.
    std::vector<double> cover(a->stratum.size(), 0.0), grass(a->stratum.size(), 0.0);
    const auto bit = std::uint8_t(1u << int(SampleQuantity::grassland));
    for (std::size_t k = 0; k < a->stratum.size(); ++k) {
      if (a->stratum[k] == LandCover::unknown || !(a->counts_as[k] & bit)) continue;
      grass[k] = 1;
      const double sat = a->satellite_cover[k];
      cover[k] = std::isfinite(sat) ? c->calibrated_mean(sat, a->grassland_type[k]).value : 0.0;
    }
    const UnitAreaEstimate r = a->unit_ratio(x.tally, cover, grass);
    if (r.valid()) {
      const double half = std::hypot(1.96 * r.se, 0.5 * (mean.high - mean.low));
      const double low = std::clamp(r.area - half, 0.0, 1.0), high = std::clamp(r.area + half, 0.0, 1.0);
      return {100 * r.area, 100 * ratio(low * g, g + u), 100 * ratio(high * g + u, g + u),
              r.within_unit ? "sample+calibration+unobserved" : "sample(domain)+calibration+unobserved"};
    }
  }
  return {100 * mean.value, 100 * ratio(mean.low * g, g + u), 100 * ratio(mean.high * g + u, g + u), basis};
}

using Number = std::function<double(const ZoneRow&)>;
using Text = std::function<std::string(const ZoneRow&)>;

struct Registry {
  std::vector<Indicator> all;

  void text(const char* key, const char* zh, const char* meaning, Text f) {
    all.push_back({key, zh, meaning, nullptr, std::move(f), nullptr});
  }
  void number(const std::string& key, const std::string& zh, const std::string& meaning, int digits, Number f) {
    all.push_back({key, zh, meaning, f, [f, digits](const ZoneRow& r) { return format_fixed(f(r), digits); }, nullptr});
  }
  // An area (m^2 in the tally) as two columns: <stem>_km2 and <stem>_wanmu (万亩), 6 decimals each.
  // `estimated`: a target may name it (the estimate over the zone's whole area, class_area_estimate(),
  // from a reference sample's estimate of `q` when the run has one).
  void area(const std::string& stem, const std::string& zh, const std::string& meaning, Number m2, bool estimated = false,
            std::optional<SampleQuantity> q = std::nullopt) {
    std::function<Estimate(const ZoneRow&)> km2, wanmu;
    if (estimated) {
      km2 = [m2, q](const ZoneRow& r) { return scaled(class_area_estimate(r, m2(r), q), 1e-6); };
      wanmu = [m2, q](const ZoneRow& r) { return scaled(class_area_estimate(r, m2(r), q), 1 / kSquareMetresPerWanMu); };
    }
    all.push_back({stem + "_km2", zh + "_平方公里", meaning, [m2](const ZoneRow& r) { return m2(r) / 1e6; },
                   [m2](const ZoneRow& r) { return format_km2(m2(r)); }, km2});
    all.push_back({stem + "_wanmu", zh + "_万亩", stem + " in wan mu (1 wan mu = 6.6667 km2).",
                   [m2](const ZoneRow& r) { return m2(r) / kSquareMetresPerWanMu; }, [m2](const ZoneRow& r) { return format_wanmu(m2(r)); },
                   wanmu});
  }
  // With a reference sample: <stem>_adjusted_km2, the sample's estimate of `q` over the zone's
  // observed area, and <stem>_adjusted_se_km2, its standard error.
  void sample_adjusted(const std::string& stem, const std::string& zh, SampleQuantity q, const std::string& what) {
    auto part = [q](bool se) {
      return [q, se](const ZoneRow& x) {
        const auto a = sample_estimate(x, q);
        return a ? (se ? a->se : a->area) / 1e6 : kNaN;
      };
    };
    number(stem + "_adjusted_km2", "样本校正" + zh + "面积_平方公里",
           "Per season, with a reference sample: the sample's estimate of the " + what +
               " area over the zone's observed area (stratified by map class within the zone, or the domain estimator; config/README.md, "
               "\"Reference sample in the run\"); empty without one.",
           6, part(false));
    number(stem + "_adjusted_se_km2", "样本校正" + zh + "面积标准误_平方公里", "Standard error of " + stem + "_adjusted_km2.", 6,
           part(true));
  }
  // A percentage a target may name: the column is the estimate's value.
  void estimated(const char* key, const char* zh, const std::string& meaning, int digits, std::function<Estimate(const ZoneRow&)> e) {
    all.push_back({key, zh, meaning, [e](const ZoneRow& r) { return e(r).value; },
                   [e, digits](const ZoneRow& r) { return format_fixed(e(r).value, digits); }, e});
  }
};

Registry build() {
  Registry r;
  // Identity.
  r.text("zone_code", "区划代码", "Zone code from the zones layer (e.g. 6-digit adcode).", [](const ZoneRow& x) { return x.zone.code; });
  r.text("zone_name", "区划名称", "Zone name from the zones layer.", [](const ZoneRow& x) { return x.zone.name; });
  r.text("scene_id", "景标识", "Product identifier (LANDSAT_PRODUCT_ID, the Sentinel-2 product name, or the HLS granule name).",
         [](const ZoneRow& x) { return x.scene->scene.id; });
  r.text("date", "成像日期", "Acquisition date, YYYY-MM-DD.", [](const ZoneRow& x) { return x.scene->scene.date; });
  r.text("sensor", "传感器", "Spacecraft and sensor, e.g. LANDSAT_8/OLI_TIRS, Sentinel-2A/MSI, HLS_L30/OLI.",
         [](const ZoneRow& x) { return x.scene->scene.spacecraft + "/" + x.scene->scene.sensor; });
  r.text("reflectance", "反射率类型", "SR (surface reflectance) or TOA (C1 L1 top-of-atmosphere; indices not comparable with SR).",
         [](const ZoneRow& x) { return x.scene->scene.reflectance; });
  r.text("year", "年份", "Year of the season composites.", [](const ZoneRow& x) { return std::to_string(x.year->year); });
  r.text("scenes", "影像景数", "Scenes of the year (season, spring and autumn windows, all sensors) with data in the zone.",
         [](const ZoneRow& x) { return std::to_string(x.tally.sources()); });
  r.text("simulated", "模拟数据",
         "yes when the figures come from simulated scenes (the demo's; the scenes' metadata say so), not from acquisitions.",
         [](const ZoneRow& x) { return std::string((x.scene ? x.scene->scene.simulated : x.year && x.year->simulated) ? "yes" : "no"); });
  r.text("method", "方法",
         "How the year's figures were decided, as forest rule;land cover;grassland cover: phenology or canopy_only (forest checked in "
         "spring and autumn, or the canopy threshold alone), layer:<scheme>, imagery_seasons or imagery_peak (land cover from "
         "landcover.file, or from the peak and a shoulder window, or from the peak alone: cropland and shrubland then read as "
         "grassland), calibrated or uncalibrated (grassland cover through "
         "the year's ground-plot line, or not), and ;sample when forest and water areas are adjusted by a reference sample. Decided by the "
         "rule that covered "
         "at least season.method_min_share of the observed area.",
         [](const ZoneRow& x) { return season_method(x); });
  r.text("method_step", "方法变化",
         "1 when the method differs from the zone's previous year with data: figures on either side are not comparable, and the trend "
         "test starts after the step.",
         [](const ZoneRow& x) { return std::string(x.method_step ? "1" : "0"); });
  r.text("interval_basis", "区间依据",
         "What the 95% intervals of the indicators a target may name account for, as indicator=basis pairs: unobserved_only (the "
         "map's pixel count bounded by the unobserved part; no error model, so targets_report.csv gives no verdict), "
         "sample+unobserved (a reference sample's area-adjusted estimate and its standard error), calibration+unobserved (the "
         "ground plots' line and the error of the calibrated mean).",
         [](const ZoneRow& x) { return interval_bases(x); });
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
  r.number("zone_observed_fraction", "区划有效观测比例",
           "observed_area / zone_area: the share of the whole zone observed (outside the scenes or never clear is not observed).", 6,
           [](const ZoneRow& x) { return std::min(1.0, ratio(x.tally.observed_area, x.zone.geodesic_area_m2)); });
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
  r.area(
      "forest_area", "森林面积",
      "Observed forest after the minimum-patch rule. Per season: trees green in spring and autumn where observed then, plus "
      "shrubland of at least forest.shrub_min_cover where designated (forest.special_shrubland); never cropland.",
      [](const ZoneRow& x) { return x.tally.forest_area; }, true, SampleQuantity::forest);
  r.sample_adjusted("forest_area", "森林", SampleQuantity::forest, "official forest (trees, and shrubland where designated)");
  r.area("tree_forest_area", "乔木林面积", "Per season: the forest of trees (FOREST = 1).",
         [](const ZoneRow& x) { return x.tally.tree_forest_area; });
  r.area("shrub_forest_area", "特别规定灌木林面积",
         "Per season: shrubland of at least forest.shrub_min_cover in patches of the minimum size (FOREST = 2); part of forest_area "
         "where the zone is designated in forest.special_shrubland.",
         [](const ZoneRow& x) { return x.tally.shrub_forest_area; });
  r.estimated("forest_coverage_pct", "森林覆盖率",
              "Official forest coverage rate: forest_area over the zone's whole area x 100 (forest = trees + designated special "
              "shrubland). The unobserved part of the zone is taken at the observed rate; targets_report.csv bounds it.",
              4, [](const ZoneRow& x) { return coverage_estimate(x, x.tally.forest_area, SampleQuantity::forest); });
  r.number("forest_cover_pct", "森林覆盖率_百分比",
           "forest_area / observed_area x 100 (estimate over the observed part; equals the official rate when fully observed).", 4,
           [](const ZoneRow& x) { return 100 * ratio(x.tally.forest_area, x.tally.observed_area); });
  r.number("forest_phenology_checked_pct", "物候校验森林比例_百分比",
           "Share of the forest area observed in both shoulder windows (the cropland rule could apply).", 2,
           [](const ZoneRow& x) { return 100 * ratio(x.tally.forest_phenology_area, x.tally.forest_area); });
  // Water.
  r.area(
      "water_area", "水域面积",
      "Observed open water: per scene the MNDWI threshold; per season permanent water (frequency >= water.permanent_min_frequency).",
      [](const ZoneRow& x) { return x.tally.water_area; }, true, SampleQuantity::water);
  r.sample_adjusted("water_area", "水域", SampleQuantity::water, "open water");
  r.area(
      "wetland_area", "湿地面积", "Water frequency >= water.seasonal_min_frequency: seasonal and permanent water.",
      [](const ZoneRow& x) { return x.tally.wetland_area; }, true, SampleQuantity::wetland);
  // Land cover (per season).
  r.area(
      "grassland_area", "草原面积", "Per season: observed land classed grassland (LANDCOVER = 3).",
      [](const ZoneRow& x) { return x.tally.landcover(LandCover::grassland); }, true, SampleQuantity::grassland);
  r.area("shrubland_area", "灌木林地面积", "Per season: observed land classed shrubland (LANDCOVER = 2), of any cover.",
         [](const ZoneRow& x) { return x.tally.landcover(LandCover::shrubland); });
  r.area("cropland_area", "耕地面积", "Per season: observed land classed cropland (LANDCOVER = 4).",
         [](const ZoneRow& x) { return x.tally.landcover(LandCover::cropland); });
  r.area("bare_area", "裸地面积", "Per season: observed land classed bare: sand, gobi, rock (LANDCOVER = 7).",
         [](const ZoneRow& x) { return x.tally.landcover(LandCover::bare); });
  r.estimated(
      "grassland_cover_pct", "草原综合植被盖度",
      "Grassland comprehensive vegetation cover: area-weighted mean peak-season cover over grassland only (not cropland, forest, "
      "shrubland, water or bare land) x 100, the national grassland monitoring definition; through the year's calibration line when "
      "ground plots are given (calibration.plots_file), else uncalibrated (the method column says which).",
      4, grassland_cover_estimate);
  // Sandification grades (GB/T 24255 沙化程度).
  const char* grades[5][2] = {
      {"none", "非沙化"}, {"light", "轻度沙化"}, {"moderate", "中度沙化"}, {"severe", "重度沙化"}, {"extreme", "极重度沙化"}};
  for (int g = 0; g < 5; ++g)
    r.area(std::string("sandified_") + grades[g][0], std::string(grades[g][1]) + "面积",
           std::string("Land graded ") + grades[g][0] +
               " by cover (GB/T 24255 sandified-land grading); per scene all observed land, per season natural land only (not "
               "cropland, water, wetland or built-up).",
           [g](const ZoneRow& x) { return x.tally.grade_area[g]; });
  // Desertification grades of the albedo-NDVI space (Zeng et al. 2006).
  for (int g = 0; g < 5; ++g)
    r.area(std::string("desertified_") + grades[g][0],
           std::string(grades[g][1]).replace(std::string(grades[g][1]).find("沙化"), 6, "荒漠化") + "面积",
           std::string("Per season: natural land graded ") + grades[g][0] +
               " by the desertification difference index of the albedo-NDVI space (DESERTIFICATION_GRADE; desertification.*), with "
               "the coefficients frozen per region.",
           [g](const ZoneRow& x) { return x.tally.desertified_area[g]; });
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
  // The mean of every season index composite that asks for one (season_mean_keys(): slots of a season tally).
  std::size_t season_slot = 0;
  for (const IndexProduct& p : indices)
    for (const SeasonComposite& composite : p.season) {
      if (composite.mean_key.empty()) continue;
      r.number(composite.mean_key.c_str(), composite.mean_zh.c_str(),
               ("Per season: area-weighted mean of the season composite " + composite.product + " over observed land (not water).").c_str(), 4,
               [slot = season_slot](const ZoneRow& x) {
                 return slot < x.tally.index_sum.size() ? ratio(x.tally.index_sum[slot], x.tally.index_area[slot]) : kNaN;
               });
      ++season_slot;
    }
  // Productivity (CASA, with carbon.casa.climate_dir).
  r.number("npp_mean_gc_m2", "净初级生产力均值_克碳每平方米",
           "Per season, with monthly climate inputs (carbon.casa.climate_dir): area-weighted mean net primary productivity of the "
           "year over observed land, CASA model (Potter et al. 1993; Zhu et al. 2007), g C/m2/yr; empty without climate inputs for "
           "the year (the log says which files are missing).",
           2, [](const ZoneRow& x) { return ratio(x.tally.npp_sum, x.tally.npp_area); });
  r.number("npp_total_tc", "净初级生产力总量_吨碳",
           "Per season, with monthly climate inputs: the year's net primary productivity summed over the zone's observed area, t C/yr "
           "(not scaled to the unobserved part); empty without climate inputs.",
           2, [](const ZoneRow& x) { return x.tally.npp_area > 0 ? x.tally.npp_sum / 1e6 : kNaN; });
  return r;
}

}  // namespace

std::string season_method(const ZoneRow& x) {
  const double observed = x.tally.observed_area;
  if (!x.year || !(observed > 0)) return "";
  const double share = x.year->method_min_share;
  const bool phenology = x.tally.phenology_area >= share * observed;
  const bool seasons = x.tally.shoulder_area >= share * observed;
  const bool layer = !x.year->land_cover_layer.empty() && x.tally.layer_area >= share * observed;
  std::string method = phenology ? "phenology" : "canopy_only";
  method.append(";")
      .append(layer     ? x.year->land_cover_layer
              : seasons ? "imagery_seasons"
                        : "imagery_peak")
      .append(applied_calibration(x) ? ";calibrated" : ";uncalibrated");
  if (applied_accuracy(x)) method.append(";sample");  // forest and water areas adjusted by a reference sample
  return method;
}

const std::vector<std::string>& target_indicators() {
  static const std::vector<std::string> names = {"forest_coverage_pct",  "grassland_cover_pct", "forest_area_wanmu",
                                                 "grassland_area_wanmu", "wetland_area_wanmu",  "water_area_km2"};
  return names;
}

std::string interval_bases(const ZoneRow& x) {
  std::string out;
  for (const std::string& key : target_indicators()) {
    const Indicator& i = indicator(key);
    out.append(out.empty() ? "" : ";").append(key).append("=").append(i.estimate(x).basis);
  }
  return out;
}

const std::vector<Indicator>& indicators() {
  static const Registry registry = build();
  return registry.all;
}

const Indicator& indicator(const std::string& key) {
  for (const auto& i : indicators())
    if (i.key == key) return i;
  throw std::logic_error("no indicator '" + key + "'");
}

std::string indicator_unit(const std::string& key) {
  auto ends = [&](const char* suffix) {
    const std::string t(suffix);
    return key.size() > t.size() && key.compare(key.size() - t.size(), t.size(), t) == 0;
  };
  if (!indicator(key).number) return key == "scenes" ? "scenes" : "";
  if (ends("_km2")) return "km2";
  if (ends("_wanmu")) return "万亩";
  if (ends("_pct")) return "%";
  if (ends("_gc_m2")) return "g C/m2";
  if (ends("_tc")) return "t C";
  if (key == "mean_clear_observations") return "observations";
  return "1";  // fractions (0-1) and index means
}

}  // namespace ecomon
