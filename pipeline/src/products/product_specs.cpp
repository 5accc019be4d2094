#include "products/product_specs.hpp"

#include <tbb/parallel_for.h>

#include <stdexcept>

#include "config/schema.hpp"
#include "products/index_products.hpp"
#include "products/styles.hpp"

namespace ecomon {

// Config keys read here (config/schema.hpp; their table: config/README.md).
namespace {

using namespace config_keys;

// output
const ConfigKeys keys_output(40, {
    {KEY(output, dir), Kind::path, "", 0, 0, {}, "Folder for products and reports (created if missing)."},
    {KEY(output, codec),
     Kind::choice,
     "",
     0,
     0,
     {"ZSTD", "DEFLATE", "LZW", "NONE"},
     "GeoTIFF codec. ZSTD level 1 encodes ~9x faster than DEFLATE level 6 at about the same size (scripts/bench.sh); DEFLATE is the most "
     "widely readable."},
    {KEY(output, level), Kind::integer, "", 1, 22, {}, "Codec level (ZSTD 1-22, DEFLATE 1-9)."},
    {KEY(output, block_size), Kind::integer, "pixels", 64, 4096, {}, "COG internal tile size (a multiple of 16)."},
    {KEY(output, products),
     Kind::product_list,
     "",
     0,
     0,
     {},
     "Which product GeoTIFFs to write: `all` (`true`), `none` (`false`: the reports only), or a list of levels and products: "
     "`scene` (every per-scene product under products/), `season` (every yearly composite under years/), `trends` (the "
     "FVC trend rasters), `season/LANDCOVER` (one product of one level), `FVC` (that name at every level). Products a selected "
     "one needs (the season composites read each scene's NDVI, MNDWI, CLEAR and ALBEDO; the trends read each year's FVC) are "
     "computed either way and kept as work files only; the reports do not depend on the choice. `ecomon sample-design` reads "
     "the year's LANDCOVER, so keep `season` (or `season/LANDCOVER`) for it."}
});

}  // namespace

using geo::io::PixelType;

geo::io::RasterSpec ProductSpec::raster(const geo::Grid& grid, std::vector<std::pair<std::string, std::string>> metadata) const {
  geo::io::RasterSpec r;
  r.grid = grid;
  r.type = type;
  r.nodata = nodata;
  r.description = description;
  r.scale = scale;
  r.colours = colours;
  r.categorical = categorical;
  r.metadata = std::move(metadata);
  return r;
}

geo::io::CogOptions cog_options(const OutputSection& output) { return {output.codec, output.level, output.block_size, true, 1}; }

const std::vector<ProductSpec>& scene_products() {
  static const std::vector<ProductSpec> products = [] {
    std::vector<ProductSpec> out;
    for (const IndexProduct& p : index_products())
      out.push_back({p.name, PixelType::i16, kNoData16, kIndexScale, p.description, {}, false, p.season_input, BandSet(p.bands)});
    out.push_back({"FVC", PixelType::u8, kNoData8, kFvcScale, "Fractional vegetation cover, dimidiate pixel model, x0.005", {}, false});
    out.push_back(
        {"WATER", PixelType::u8, kNoData8, 1, "Water (MNDWI threshold)", binary_colours("not water", "water", 30, 90, 200), true});
    out.push_back({"FOREST", PixelType::u8, kNoData8, 1, "Forest (canopy NDVI, minimum patch)",
                   binary_colours("not forest", "forest", 20, 120, 40), true});
    out.push_back({"SANDIFICATION_GRADE", PixelType::u8, kNoData8, 1,
                   "Sandification grade by vegetation cover (GB/T 24255), all land: one date has no land cover",
                   sandification_grade_colours("water (not graded)"), true});
    out.push_back({"CLEAR", PixelType::u8, kNoData8, 1, "Clear observation (QA: no fill, cloud, shadow, cirrus, snow, saturation)",
                   binary_colours("masked", "clear", 250, 250, 250), true, &SeasonInputFiles::clear});
    return out;
  }();
  return products;
}

const std::vector<ProductSpec>& season_products() {
  static const std::vector<ProductSpec> products = {
      {"NDVI_MAX", PixelType::i16, kNoData16, kIndexScale, "Season maximum-NDVI composite (Holben 1986), x1e-4", {}, false},
      {"NDVI_MEDIAN", PixelType::i16, kNoData16, kIndexScale, "Season median-NDVI composite, x1e-4", {}, false},
      {"CLEAR_COUNT", PixelType::u8, kNoData8, 1, "Clear observations in the season", {}, false},
      {"WATER_FREQUENCY", PixelType::u8, kNoData8, 1, "Water frequency: wet / clear observations (WOfS), percent", {}, false},
      {"WETLAND",
       PixelType::u8,
       kNoData8,
       1,
       "Water class by frequency: 0 dry, 1 seasonal (wetland), 2 permanent",
       {{0, 230, 230, 230, 255, "dry"},
        {1, 120, 200, 230, 255, "seasonal water (wetland)"},
        {2, 30, 90, 200, 255, "permanent water"},
        {255, 0, 0, 0, 0, "no data"}},
       true},
      {"FVC", PixelType::u8, kNoData8, kFvcScale, "Fractional vegetation cover from the max-NDVI composite, x0.005", {}, false},
      {"FOREST",
       PixelType::u8,
       kNoData8,
       1,
       "Forest: 1 trees (canopy NDVI at peak, green in spring and autumn), 2 shrubland of forest.shrub_min_cover (forest where "
       "designated), minimum patch",
       {{0, 230, 230, 230, 255, "not forest"},
        {1, 20, 120, 40, 255, "forest (trees)"},
        {2, 170, 190, 60, 255, "special shrubland (forest where designated)"},
        {255, 0, 0, 0, 0, "no data"}},
       true},
      {"LANDCOVER", PixelType::u8, kNoData8, 1, "Land cover from the season's dates (config/README.md: Land cover from the imagery)",
       landcover_colours(), true},
      {"SANDIFICATION_GRADE", PixelType::u8, kNoData8, 1, "Sandification grade by vegetation cover (GB/T 24255), natural land only",
       sandification_grade_colours("not graded (water, wetland, cropland, built-up)"), true},
      {"DDI",
       PixelType::i16,
       kNoData16,
       kIndexScale,
       "Desertification difference index of the albedo-NDVI space (Zeng et al. 2006) at the season's peak, x1e-4",
       {},
       false},
      {"DESERTIFICATION_GRADE", PixelType::u8, kNoData8, 1, "Desertification grade by DDI (frozen cut points), natural land only",
       sandification_grade_colours("not graded (water, wetland, cropland, built-up, or no albedo)", "non-desertified"), true},
  };
  return products;
}

ProductBlocks::ProductBlocks(const std::vector<ProductSpec>& specs) : specs_(&specs), blocks_(specs.size()) {}

ProductBlocks::AnyBlock& ProductBlocks::slot(const std::string& name, PixelType type) {
  for (std::size_t i = 0; i < specs_->size(); ++i)
    if ((*specs_)[i].name == name) {
      if ((*specs_)[i].type != type) throw std::logic_error("product " + name + ": block of the wrong pixel type");
      return blocks_[i];
    }
  throw std::logic_error("no product named " + name);
}

void ProductBlocks::write(std::vector<std::unique_ptr<geo::io::CogWriter>>& writers) const {
  if (writers.empty()) return;  // no product written (output.products: false)
  for (std::size_t i = 0; i < blocks_.size(); ++i)
    if (writers[i] && std::holds_alternative<std::monostate>(blocks_[i]))
      throw std::logic_error("product " + (*specs_)[i].name + ": no block for this strip");
  // Each writer is its own file and GDAL dataset: they take their strips (and reduce their overview
  // levels) concurrently, so the in-order emit stage of the pipeline is not one thread's work.
  tbb::parallel_for(std::size_t(0), blocks_.size(), [&](std::size_t i) {
    if (!writers[i]) return;  // this product is not written
    if (const auto* b16 = std::get_if<geo::Block<std::int16_t>>(&blocks_[i]))
      writers[i]->write(*b16);
    else if (const auto* b8 = std::get_if<geo::Block<std::uint8_t>>(&blocks_[i]))
      writers[i]->write(*b8);
  });
}

const std::vector<ProductSpec>& trend_products() {
  static const std::vector<ProductSpec> products = {
      {"FVC_TREND_SLOPE", PixelType::f32, -9999, 1, "Theil-Sen slope of season FVC, per year", {}, false},
      {"FVC_TREND_CLASS",
       PixelType::u8,
       kNoData8,
       1,
       "Mann-Kendall trend of season FVC at trend.alpha (ECOMON_TREND_ALPHA)",
       {{0, 230, 230, 230, 255, "no significant trend"},
        {1, 30, 150, 50, 255, "significant increase"},
        {2, 200, 60, 40, 255, "significant decrease"},
        {255, 0, 0, 0, 0, "fewer than 3 years"}},
       true},
  };
  return products;
}

void check_product_selection(const OutputSection& output) {
  auto names = [](const std::vector<ProductSpec>& specs) {
    std::vector<std::string> out;
    for (const ProductSpec& p : specs) out.push_back(p.name);
    return out;
  };
  const std::vector<std::pair<std::string, std::vector<std::string>>> levels = {
      {"SCENE", names(scene_products())}, {"SEASON", names(season_products())}, {"TRENDS", names(trend_products())}};
  for (const std::string& item : listed_products(output)) {
    bool known = false;
    for (const auto& [level, products] : levels) {
      known = known || item == level;
      for (const std::string& p : products) known = known || item == p || item == level + "/" + p;
    }
    if (known) continue;
    std::string list;
    for (const auto& [level, products] : levels) {
      std::string level_lower = level;
      for (char& c : level_lower) c = char(std::tolower(static_cast<unsigned char>(c)));
      list.append(list.empty() ? "" : "; ").append(level_lower).append(": ");
      for (std::size_t k = 0; k < products.size(); ++k) list.append(k ? ", " : "").append(products[k]);
    }
    throw ConfigError("output.products lists '" + item + "', which is neither a level (scene, season, trends) nor a product (" + list +
                      "; a product of one level only as e.g. season/FVC)");
  }
}

}  // namespace ecomon
