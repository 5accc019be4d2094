#include "products/product_specs.hpp"

#include <tbb/parallel_for.h>

#include <filesystem>
#include <stdexcept>
#include <type_traits>

#include "base/output_folder.hpp"

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
     "one needs (the season composites read each scene's NDVI, MNDWI, MSAVI2, CLEAR and ALBEDO; the trends read each year's FVC) are "
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
  r.unit = unit;
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
      out.push_back({p.name, PixelType::i16, kNoData16, kIndexScale, p.description, {}, false, p.read_by_season(), BandSet(p.bands)});
    out.push_back({"FVC", PixelType::u8, kNoData8, kFvcScale, "Fractional vegetation cover, dimidiate pixel model, x0.005", {}, false});
    out.push_back(
        {"WATER", PixelType::u8, kNoData8, 1, "Water (MNDWI threshold)", binary_colours("not water", "water", 30, 90, 200), true});
    out.push_back({"FOREST", PixelType::u8, kNoData8, 1, "Forest (canopy NDVI, minimum patch)",
                   binary_colours("not forest", "forest", 20, 120, 40), true});
    out.push_back({"SANDIFICATION_GRADE", PixelType::u8, kNoData8, 1,
                   "Sandification grade by vegetation cover (GB/T 24255), all land: one date has no land cover",
                   sandification_grade_colours("water (not graded)"), true});
    out.push_back({"CLEAR", PixelType::u8, kNoData8, 1, "Clear observation (QA: no fill, cloud, shadow, cirrus, snow, saturation)",
                   binary_colours("masked", "clear", 250, 250, 250), true, true});
    const std::string dimensionless = "1";  // the indices and FVC (UDUNITS); a named string: GCC 12's -Wrestrict misfires on a literal here
    for (ProductSpec& p : out)
      if (p.colours.empty()) p.unit = dimensionless;
    return out;
  }();
  return products;
}

ProductWriters open_product_writers(const std::vector<ProductSpec>& specs, const ProductOutputPlan& plan, const geo::Grid& grid,
                                    const OutputSection& output, const std::string& work_dir) {
  ProductWriters out;
  out.writers.resize(specs.size());
  bool folder_made = false;
  for (std::size_t k = 0; k < specs.size(); ++k) {
    const ProductSpec& p = specs[k];
    if (plan.available && !plan.available(p)) continue;
    const bool selected = product_selected(output, plan.level, p.name);
    const bool work_file = !selected && plan.work_file_needed && plan.work_file_needed(p);
    if (!selected && !work_file) continue;
    geo::io::RasterSpec raster = p.raster(grid, plan.metadata);
    if (plan.extra_metadata) plan.extra_metadata(p, raster);
    const std::string file = plan.file_prefix + p.name + ".tif";
    if (selected && !folder_made && plan.tile_dir.empty()) {
      std::filesystem::create_directories(path_inside(output.dir, plan.folder));
      folder_made = true;
    }
    std::vector<std::string> parts = plan.folder;
    parts.push_back(file);
    const bool tile = !plan.tile_dir.empty();
    if (tile) std::filesystem::create_directories(plan.tile_dir);
    std::string path = tile        ? path_inside(plan.tile_dir, {p.name + ".tif"})
                       : work_file ? path_inside(work_dir, {file})
                                   : path_inside(output.dir, parts);
    geo::io::CogOptions options = cog_options(output);
    options.cloud_optimized = !work_file && !tile;
    if (tile && !work_file) {
      geo::io::RasterSpec whole = raster;
      whole.grid = plan.tile_of;
      if (geo::io::CogWriter::part_possible(whole, cog_options(output), plan.tile_row0, grid.rows)) {
        raster = std::move(whole);
        options = cog_options(output);
        options.part_row0 = plan.tile_row0;
        options.part_rows = grid.rows;
        path = path_inside(plan.tile_dir, {p.name + ".cogpart"});
      }
    }
    out.writers[k] = std::make_unique<geo::io::CogWriter>(path, std::move(raster), options, work_dir);
    (work_file ? out.work_files : out.written).push_back(path);
    out.paths[p.name] = path;
  }
  return out;
}

ProductBlocks::ProductBlocks(const std::vector<ProductSpec>& specs) : specs_(&specs), blocks_(specs.size()) {}

ProductBlocks::AnyBlock& ProductBlocks::slot(const std::string& name, PixelType type) {
  for (std::size_t i = 0; i < specs_->size(); ++i)
    if ((*specs_)[i].name == name) return slot(i, type);
  throw std::logic_error("no product named " + name);
}

ProductBlocks::AnyBlock& ProductBlocks::slot(std::size_t position, PixelType type) {
  if ((*specs_).at(position).type != type) throw std::logic_error("product " + (*specs_)[position].name + ": block of the wrong pixel type");
  return blocks_[position];
}

ProductBlocks::ProductBlocks(const std::vector<ProductSpec>& specs, const geo::Window& window) : ProductBlocks(specs) {
  for (std::size_t i = 0; i < specs.size(); ++i) {
    if (specs[i].type == PixelType::i16)
      blocks_[i] = geo::Block<std::int16_t>::uninitialized(window);
    else if (specs[i].type == PixelType::u8)
      blocks_[i] = geo::Block<std::uint8_t>::uninitialized(window);
    else if (specs[i].type == PixelType::u16)
      blocks_[i] = geo::Block<std::uint16_t>::uninitialized(window);
    else if (specs[i].type == PixelType::f32)
      blocks_[i] = geo::Block<float>::uninitialized(window);
    else
      throw std::logic_error("product " + specs[i].name + ": no block for its pixel type");
  }
}

void ProductBlocks::set_row(std::size_t position, int r, const std::int32_t* values) {
  std::visit(
      [&](auto& block) {
        using B = std::decay_t<decltype(block)>;
        if constexpr (std::is_same_v<B, std::monostate>) {
          throw std::logic_error("product " + (*specs_)[position].name + ": no block allocated");
        } else {
          using T = std::decay_t<decltype(*block.row(0))>;
          T* out = block.row(r);
          for (int i = 0; i < block.window().cols; ++i) out[i] = T(values[i]);
        }
      },
      blocks_.at(position));
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
    else if (const auto* u16 = std::get_if<geo::Block<std::uint16_t>>(&blocks_[i]))
      writers[i]->write(*u16);
    else if (const auto* f32 = std::get_if<geo::Block<float>>(&blocks_[i]))
      writers[i]->write(*f32);
  });
}

void ProductBlocks::move_rows(int rows) {
  for (AnyBlock& b : blocks_)
    std::visit(
        [rows](auto& block) {
          if constexpr (!std::is_same_v<std::decay_t<decltype(block)>, std::monostate>) {
            geo::Window w = block.window();
            w.row0 += rows;
            block.relocate(w);
          }
        },
        b);
}

const std::vector<ProductSpec>& trend_products() {
  static const std::vector<ProductSpec> products = [] {
    std::vector<ProductSpec> out = {
      {"FVC_TREND_SLOPE", PixelType::f32, -9999, 1, "Theil-Sen slope of season FVC, per year", {}, false},
      {"FVC_TREND_CLASS",
       PixelType::u8,
       kNoData8,
       1,
       "Mann-Kendall trend of season FVC at trend.alpha (ECOMON_TREND_ALPHA)",
       // "Insufficient data" is a class of its own, apart from "no significant trend": a cell seen in
       // fewer than 3 years has no test at all, which is not a test that found nothing.
       {{0, 230, 230, 230, 255, "no significant trend"},
        {1, 30, 150, 50, 255, "significant increase"},
        {2, 200, 60, 40, 255, "significant decrease"},
        {3, 250, 235, 160, 255, "insufficient data (fewer than 3 years observed)"},
        {255, 0, 0, 0, 0, "no data"}},
       true},
    };
    out[0].unit = "a-1";  // FVC (dimensionless) per year
    return out;
  }();
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
