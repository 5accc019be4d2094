// The season products: each says how it is stored, its value in a cell (from the season's per-cell
// values, products/season_cell.hpp) and what a cell adds to its zone's tallies. The season engine
// computes them all alike and writes those output.products selects; the tallies read each product's
// stored value, so a report and its rasters cannot disagree.
#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "products/index_products.hpp"
#include "products/product_specs.hpp"
#include "products/styles.hpp"

namespace ecomon {

namespace {

using geo::io::PixelType;
using geo::index::DesertGrade;

// A product's row function from its value in one cell: cells with a clear observation get it, the
// others keep nodata (per_cell_with_data: every cell with data).
template <typename Value>
auto per_clear_cell(Value value) {
  return [value](const SeasonCell* cells, std::size_t n, std::int32_t* out) {
    for (std::size_t i = 0; i < n; ++i)
      if (cells[i].clear_count > 0) out[i] = value(cells[i]);
  };
}
template <typename Value>
auto per_cell_with_data(Value value) {
  return [value](const SeasonCell* cells, std::size_t n, std::int32_t* out) {
    for (std::size_t i = 0; i < n; ++i)
      if (cells[i].has_data) out[i] = value(cells[i]);
  };
}
// A product's row tally from what one clear cell of the zone adds (area w > 0).
template <typename Add>
auto per_clear_cell_tally(Add add) {
  return [add](ZoneTally& t, const SeasonZone& zone, const StoredCell* cells, const std::int32_t* values, const double* w, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i)
      if (w[i] > 0 && cells[i].clear_count > 0) add(t, zone, cells[i], values[i], w[i]);
  };
}

// An index (or a number on its scale) at its product encoding, int16 x 1e-4, clamped to +-limit.
std::int32_t index_code(float v, float limit = 1.0f) {
  return std::isnan(v) ? kNoData16 : std::int32_t(std::lround(std::clamp(v, -limit, limit) * 1e4f));
}

// The season's index composites, from the index registry: a product and, with a mean column, the
// index's value over land in the zone's tally (slot: its position in season_mean_keys()).
void add_index_composites(std::vector<ProductSpec>& out) {
  std::size_t mean_slot = 0;
  for (const IndexProduct& p : index_products())
    for (const SeasonComposite& composite : p.season) {
      ProductSpec spec{composite.product, PixelType::i16, kNoData16, kIndexScale, composite.description, {}, false};
      spec.unit = "1";
      const std::size_t slot = season_index_slot(p.name);
      if (composite.statistic == SeasonComposite::Statistic::at_peak)
        spec.season_value = per_clear_cell([slot](const SeasonCell& c) { return index_code(c.at_peak[slot]); });
      else
        spec.season_value = per_clear_cell([slot](const SeasonCell& c) { return index_code(c.median[slot]); });
      if (!composite.mean_key.empty()) {
        spec.season_tally = per_clear_cell_tally([m = mean_slot](ZoneTally& t, const SeasonZone&, const StoredCell& c, std::int32_t v, double w) {
          if (v == kNoData16 || !c.is_land()) return;
          t.add_index_value(m, double(float(v) / 1e4f), w);
        });
        ++mean_slot;
      }
      out.push_back(std::move(spec));
    }
}

std::vector<ProductSpec> build() {
  std::vector<ProductSpec> out;
  add_index_composites(out);

  ProductSpec clear_count{"CLEAR_COUNT", PixelType::u8, kNoData8, 1, "Clear observations in the season", {}, false};
  clear_count.unit = "count";
  // At most 254: 255 is the band's nodata (no scene has data here).
  clear_count.season_value = per_cell_with_data([](const SeasonCell& c) { return std::min(c.clear_count, 254); });
  // The zone's observation accounting (its total area is counted by the engine: every cell with data).
  clear_count.season_tally = per_clear_cell_tally([](ZoneTally& t, const SeasonZone&, const StoredCell& c, std::int32_t, double w) {
    t.observed_area += w;
    t.clear_obs_area += w * c.clear_count;
    if (c.shoulders >= 1) t.shoulder_area += w;
    if (c.shoulders == 2) t.phenology_area += w;
  });
  out.push_back(std::move(clear_count));

  ProductSpec frequency{"WATER_FREQUENCY", PixelType::u8, kNoData8, 1, "Water frequency: wet / clear observations (WOfS), percent",
                        {}, false};
  frequency.unit = "%";
  frequency.season_value = per_clear_cell([](const SeasonCell& c) { return std::int32_t(std::lround(c.water_frequency * 100)); });
  out.push_back(std::move(frequency));

  ProductSpec wetland{"WETLAND",
                      PixelType::u8,
                      kNoData8,
                      1,
                      "Water class by frequency: 0 dry, 1 seasonal (wetland), 2 permanent",
                      {{0, 230, 230, 230, 255, "dry"},
                       {1, 120, 200, 230, 255, "seasonal water (wetland)"},
                       {2, 30, 90, 200, 255, "permanent water"},
                       {255, 0, 0, 0, 0, "no data"}},
                      true};
  wetland.season_value = per_clear_cell([](const SeasonCell& c) { return std::int32_t(c.rules->water_class(c.water_frequency)); });
  wetland.season_tally = per_clear_cell_tally([](ZoneTally& t, const SeasonZone&, const StoredCell&, std::int32_t water_class, double w) {
    if (water_class == 2) t.water_area += w;
    if (water_class >= 1) t.wetland_area += w;
  });
  out.push_back(std::move(wetland));

  ProductSpec fvc{"FVC", PixelType::u8, kNoData8, kFvcScale, "Fractional vegetation cover from the max-NDVI composite, x0.005", {}, false};
  fvc.unit = "1";
  fvc.season_value = per_clear_cell([](const SeasonCell& c) { return std::int32_t(fvc_code(c.fvc)); });
  fvc.season_tally = per_clear_cell_tally([](ZoneTally& t, const SeasonZone&, const StoredCell& c, std::int32_t, double w) {
    if (!c.is_land()) return;
    t.land_area += w;
    t.fvc_area += double(c.fvc) * w;
  });
  out.push_back(std::move(fvc));

  ProductSpec forest{"FOREST",
                     PixelType::u8,
                     kNoData8,
                     1,
                     "Forest: 1 trees (canopy NDVI at peak, green in spring and autumn), 2 shrubland of forest.shrub_min_cover (forest "
                     "where designated), minimum patch",
                     {{0, 230, 230, 230, 255, "not forest"},
                      {1, 20, 120, 40, 255, "forest (trees)"},
                      {2, 170, 190, 60, 255, "special shrubland (forest where designated)"},
                      {255, 0, 0, 0, 0, "no data"}},
                     true};
  forest.season_value = per_clear_cell([](const SeasonCell& c) { return std::int32_t(c.forest); });
  forest.season_tally = per_clear_cell_tally([](ZoneTally& t, const SeasonZone& zone, const StoredCell& c, std::int32_t code, double w) {
    if (!c.is_land()) return;
    if (code == 1) t.tree_forest_area += w;
    if (code == 2) t.shrub_forest_area += w;
    if (code == 1 || (code == 2 && zone.shrubland_is_forest)) {
      t.forest_area += w;
      if (c.shoulders == 2) t.forest_phenology_area += w;
    }
  });
  out.push_back(std::move(forest));

  ProductSpec landcover{"LANDCOVER", PixelType::u8, kNoData8, 1,
                        "Land cover from the season's dates (config/README.md: Land cover from the imagery)", landcover_colours(), true};
  landcover.season_value = per_clear_cell([](const SeasonCell& c) { return std::int32_t(c.land_cover); });
  landcover.season_tally = per_clear_cell_tally([](ZoneTally& t, const SeasonZone&, const StoredCell& c, std::int32_t code, double w) {
    if (c.by_layer) t.layer_area += w;
    t.landcover_area[code] += w;
    // Grassland cover: the cover over grassland only (and per grassland type, with a type layer).
    if (!c.is_land() || LandCover(code) != LandCover::grassland) return;
    t.grassland_fvc_area += double(c.fvc) * w;
    if (!c.has_grassland_types) return;
    auto& sums = t.grassland_types[c.grassland_type];
    sums[0] += w, sums[1] += double(c.fvc) * w;
  });
  out.push_back(std::move(landcover));

  ProductSpec grade{"SANDIFICATION_GRADE", PixelType::u8, kNoData8, 1,
                    "Sandification grade by vegetation cover (GB/T 24255), natural land only",
                    sandification_grade_colours("not graded (water, wetland, cropland, built-up)"), true};
  grade.season_value =
      per_clear_cell([](const SeasonCell& c) { return std::int32_t(c.rules->grade(c.fvc, !is_natural_land(c.land_cover))); });
  grade.season_tally = per_clear_cell_tally([](ZoneTally& t, const SeasonZone&, const StoredCell& c, std::int32_t code, double w) {
    if (c.is_land()) t.add_graded_area(DesertGrade(code), w);  // 0 (not natural land) has no slot
  });
  out.push_back(std::move(grade));

  // Desertification in the albedo-NDVI space (Zeng et al. 2006): the NDVI and albedo of one
  // observation, the season's peak, as one point of the space.
  const std::size_t ndvi = season_index_slot("NDVI"), albedo = season_index_slot("ALBEDO");
  ProductSpec ddi{"DDI",
                  PixelType::i16,
                  kNoData16,
                  kIndexScale,
                  "Desertification difference index of the albedo-NDVI space (Zeng et al. 2006) at the season's peak, x1e-4",
                  {},
                  false};
  ddi.unit = "1";
  ddi.season_value = per_clear_cell(
      [ndvi, albedo](const SeasonCell& c) { return index_code(c.rules->ddi(c.at_peak[ndvi], c.at_peak[albedo]), 3.2f); });
  out.push_back(std::move(ddi));

  ProductSpec desertification{"DESERTIFICATION_GRADE", PixelType::u8, kNoData8, 1,
                              "Desertification grade by DDI (frozen cut points), natural land only",
                              sandification_grade_colours("not graded (water, wetland, cropland, built-up, or no albedo)",
                                                          "non-desertified"),
                              true};
  desertification.season_value = per_clear_cell([ndvi, albedo](const SeasonCell& c) {
    const float index = c.rules->ddi(c.at_peak[ndvi], c.at_peak[albedo]);
    return std::int32_t(is_natural_land(c.land_cover) ? c.rules->ddi_grading(index) : DesertGrade::not_graded);
  });
  desertification.season_tally = per_clear_cell_tally([](ZoneTally& t, const SeasonZone&, const StoredCell& c, std::int32_t code, double w) {
    if (c.is_land()) ZoneTally::add_graded(t.desertified_area, DesertGrade(code), w);
  });
  out.push_back(std::move(desertification));

  // Net primary productivity by the CASA model (rules/casa.hpp) from the monthly NDVI and the
  // user's monthly climate: g C/m2 over the year, water 0. Only with carbon.casa.climate_dir.
  ProductSpec npp{"NPP", PixelType::i16, kNoData16, 1,
                  "Net primary productivity of the year, CASA model (Potter et al. 1993; Zhu et al. 2007), g C/m2/yr", {}, false};
  npp.needs = ProductSpec::Needs::climate;
  npp.unit = "g C m-2 yr-1";
  npp.season_value = per_clear_cell([](const SeasonCell& c) {
    return std::isfinite(c.npp) ? std::int32_t(std::lround(std::clamp(c.npp, 0.0f, 32767.0f))) : std::int32_t(kNoData16);
  });
  npp.season_tally = per_clear_cell_tally([](ZoneTally& t, const SeasonZone&, const StoredCell& c, std::int32_t v, double w) {
    if (v == kNoData16 || !c.is_land()) return;  // the mean over land, as the other means
    t.npp_sum += double(v) * w;
    t.npp_area += w;
  });
  out.push_back(std::move(npp));

  // What the tallies read that no product above stores: the shoulder windows seen (the land cover
  // and forest rules' basis), whether the class is the user's layer's, the grassland type.
  ProductSpec shoulders{"SHOULDER_WINDOWS", PixelType::u8, kNoData8, 1,
                        "Shoulder windows (spring, autumn) with a clear observation: 0, 1 or 2 (2: the forest rule's phenology applied)",
                        {}, false};
  shoulders.unit = "count";
  shoulders.season_value = per_clear_cell([](const SeasonCell& c) { return std::int32_t(c.shoulders); });
  out.push_back(std::move(shoulders));

  ProductSpec source{"LANDCOVER_SOURCE", PixelType::u8, kNoData8, 1,
                     "Where LANDCOVER's class comes from: 0 the imagery, 1 the user's land cover layer (landcover.file)",
                     {{0, 200, 200, 200, 255, "imagery"}, {1, 90, 90, 160, 255, "land cover layer"}, {255, 0, 0, 0, 0, "no data"}}, true};
  source.needs = ProductSpec::Needs::land_cover_layer;
  source.season_value = per_clear_cell([](const SeasonCell& c) { return std::int32_t(c.by_layer); });
  out.push_back(std::move(source));

  ProductSpec types{"GRASSLAND_TYPE", PixelType::u16, 65535, 1,
                    "Grassland type code of the grassland-type layer (landcover.grassland_types_file) where observed", {}, false};
  types.needs = ProductSpec::Needs::grassland_types;
  types.season_value = per_clear_cell([](const SeasonCell& c) { return std::int32_t(c.grassland_type); });
  out.push_back(std::move(types));
  return out;
}

}  // namespace

const std::vector<ProductSpec>& season_products() {
  static const std::vector<ProductSpec> products = build();
  return products;
}

std::size_t season_product_index(const std::string& name) {
  const auto& specs = season_products();
  for (std::size_t p = 0; p < specs.size(); ++p)
    if (specs[p].name == name) return p;
  throw std::logic_error("no season product " + name);
}

void stored_cells(const std::vector<const std::int32_t*>& values, std::size_t n, const CellRules& rules, bool grassland_types,
                  StoredCell* out) {
  static const std::size_t clear = season_product_index("CLEAR_COUNT"), frequency = season_product_index("WATER_FREQUENCY"),
                           fvc = season_product_index("FVC"), shoulders = season_product_index("SHOULDER_WINDOWS"),
                           source = season_product_index("LANDCOVER_SOURCE"), types = season_product_index("GRASSLAND_TYPE");
  auto value = [&](std::size_t p, std::size_t i, std::int32_t nodata) { return values[p] ? values[p][i] : nodata; };
  for (std::size_t i = 0; i < n; ++i) {
    StoredCell c;
    const std::int32_t count = value(clear, i, kNoData8);
    c.has_data = count != kNoData8;
    if (c.has_data && count > 0) {
      c.clear_count = count;
      c.land = !rules.is_water_by_frequency(float(value(frequency, i, 0)) / 100.0f);
      const std::int32_t cover = value(fvc, i, kNoData8);
      c.fvc = cover == kNoData8 ? 0.0f : float(cover) * float(kFvcScale);
      const std::int32_t seen = value(shoulders, i, kNoData8);
      c.shoulders = seen == kNoData8 ? 0 : seen;
      c.by_layer = value(source, i, kNoData8) == 1;
      c.has_grassland_types = grassland_types;
      const std::int32_t type = value(types, i, 65535);
      c.grassland_type = type == 65535 ? 0 : std::uint16_t(type);
    }
    out[i] = c;
  }
}

const std::vector<std::string>& season_mean_keys() {
  static const std::vector<std::string> keys = [] {
    std::vector<std::string> out;
    for (const IndexProduct& p : index_products())
      for (const SeasonComposite& composite : p.season)
        if (!composite.mean_key.empty()) out.push_back(composite.mean_key);
    return out;
  }();
  return keys;
}

}  // namespace ecomon
