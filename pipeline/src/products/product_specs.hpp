#pragma once
// Every product raster, defined once: name (file suffix), pixel type, nodata, scale, band
// description with its source, colour table and category names. The engines look products up by
// name and hand their strips over as ProductBlocks, also addressed by name, so writers and blocks
// cannot fall out of step.
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "libgeo/block.hpp"
#include "config/settings.hpp"
#include "libgeo/io/raster.hpp"
#include "products/season_cell.hpp"
#include "results/scene_result.hpp"
#include "rules/zone_tally.hpp"

namespace ecomon {

inline constexpr std::uint8_t kNoData8 = 255;
/// FVC_TREND_CLASS of a cell seen in 1 or 2 years: no test was possible (not "no significant trend").
inline constexpr std::uint8_t kTrendInsufficientData = 3;
inline constexpr std::int16_t kNoData16 = -32768;
inline constexpr double kIndexScale = 1e-4;  // indices stored as int16 x 1e-4
inline constexpr double kFvcScale = 0.005;   // FVC stored as uint8 0..200 x 0.005

/// Rounds q half away from zero, as std::lround, but in float lanes the compiler vectorises: the
/// fraction q - trunc(q) of a float is exact. For |q| < 2^31.
inline std::int32_t round_half_away(float q) {
  const std::int32_t t = std::int32_t(q);
  const float fraction = q - float(t);
  return t + std::int32_t(fraction >= 0.5f) - std::int32_t(fraction <= -0.5f);
}

/// A cover fraction (0..1) at its product encoding, kNoData8 where it is NaN.
inline std::uint8_t fvc_code(float cover) { return cover == cover ? std::uint8_t(round_half_away(cover / float(kFvcScale))) : kNoData8; }

struct ProductSpec {
  std::string name;  // file suffix: <scene>_<name>.tif, ecomon_<year>_<name>.tif
  geo::io::PixelType type = geo::io::PixelType::u8;
  double nodata = kNoData8;
  double scale = 1;
  std::string description;
  std::vector<geo::io::ColourEntry> colours;
  bool categorical = false;  // nearest-neighbour overviews
  /// A scene product the season pass reads back (its path in SceneResult::season_inputs).
  bool season_input = false;
  /// The band roles it is computed from: a scene whose sensor lacks one does not have it.
  BandSet bands = {};
  /// A season product from an optional input, not written without it: the monthly climate
  /// (carbon.casa.climate_dir), the land cover layer (landcover.file), the grassland types
  /// (landcover.grassland_types_file).
  enum class Needs { nothing, climate, land_cover_layer, grassland_types };
  Needs needs = Needs::nothing;
  /// Season products: the stored values (raw codes of `type`) of a row of n cells; `out` arrives
  /// filled with nodata (one call per row, so the per-cell code inlines: products/season_products.cpp
  /// writes it per cell through per_clear_cell and per_cell_with_data)...
  std::function<void(const SeasonCell* cells, std::size_t n, std::int32_t* out)> season_value = {};
  /// ... and what the row adds to its zone's tally: `values` the product's values of those cells,
  /// `cells` the cells as all products' stored values say (StoredCell), `w` their areas in the zone
  /// (m^2, coverage-weighted; 0 outside it or without data). Stored values only: a tally of the
  /// rasters on disk equals the run's.
  std::function<void(ZoneTally&, const SeasonZone&, const StoredCell* cells, const std::int32_t* values, const double* w, std::size_t n)>
      season_tally = {};
  /// The unit of the physical value (raw x scale), as UDUNITS writes it: "1" for a dimensionless
  /// index or fraction; "" for a class raster (its classes name its values). Written to the band.
  std::string unit = {};
  /// The full raster spec on `grid` with the run's metadata.
  geo::io::RasterSpec raster(const geo::Grid& grid, std::vector<std::pair<std::string, std::string>> metadata) const;
};

/// How every product is encoded on disk, from the output.* keys.
geo::io::CogOptions cog_options(const OutputSection& output);

/// Per-scene products in output order: every index product (products/index_products.cpp), then FVC,
/// WATER, FOREST, SANDIFICATION_GRADE, CLEAR.
const std::vector<ProductSpec>& scene_products();
/// Season products in output order (products/season_products.cpp): the index composites, then
/// CLEAR_COUNT, WATER_FREQUENCY, WETLAND, FVC, FOREST, LANDCOVER, the grades and DDI, NPP, and what
/// the tallies read besides: SHOULDER_WINDOWS, LANDCOVER_SOURCE, GRASSLAND_TYPE.
const std::vector<ProductSpec>& season_products();
/// The cells of one row of n cells as the tallies read them, from the season products' stored values
/// of the row (`values`: by position in season_products(), each the row's n values; nullptr for a
/// product not stored, read as nodata). `grassland_types`: the year has a grassland-type layer.
void stored_cells(const std::vector<const std::int32_t*>& values, std::size_t n, const CellRules& rules, bool grassland_types,
                  StoredCell* out);
/// The position of a season product in season_products(); throws std::logic_error for another name.
std::size_t season_product_index(const std::string& name);
/// The mean columns of the season's index composites (SeasonComposite::mean_key), in registry order:
/// a key's position is its slot in a season tally's index_sum and index_area.
const std::vector<std::string>& season_mean_keys();
/// The season product the pixel trends are computed from.
inline constexpr const char* kTrendSeasonInput = "FVC";
/// The season product the land cover transitions (carbon) are computed from.
inline constexpr const char* kTransitionSeasonInput = "LANDCOVER";
/// The pixel trend rasters of the yearly FVC (written under trends/).
const std::vector<ProductSpec>& trend_products();

/// Checks that every item output.products lists names a level (scene, season, trends) or a product
/// of one; throws ConfigError naming the item and listing the products otherwise.
void check_product_selection(const OutputSection& output);

/// Where one level's product rasters go (scene: products/<scene>/<scene>_NAME.tif; season:
/// years/<year>/ecomon_<year>_NAME.tif; trends: trends/NAME.tif) and which are opened.
struct ProductOutputPlan {
  std::string level;                                          // output.products' level: scene, season or trends
  std::vector<std::string> folder;                            // under output.dir
  std::string file_prefix;                                    // the file is file_prefix + NAME + ".tif"
  std::vector<std::pair<std::string, std::string>> metadata;  // every raster's ECOMON_* items
  /// Not selected, but a later pass reads it: written to the run's work folder (not cloud-optimised).
  std::function<bool(const ProductSpec&)> work_file_needed = {};
  /// False for a product this source cannot have (its sensor lacks a band): not opened.
  std::function<bool(const ProductSpec&)> available = {};
  /// Per-product metadata beyond the plan's (e.g. the scene FVC's end-members).
  std::function<void(const ProductSpec&, geo::io::RasterSpec&)> extra_metadata = {};
  /// Set: every product that would be opened is written instead into this folder, on the grid given
  /// (a season tile task's rows, which the year copies into its product): a selected product as a
  /// part of its COG, NAME.cogpart, where CogWriter::part_possible allows (the year appends its
  /// compressed blocks), else as a plain tiled GeoTIFF NAME.tif (the year copies its rows).
  std::string tile_dir = {};
  /// With tile_dir: the whole raster's grid and the tile's first row in it.
  geo::Grid tile_of = {};
  int tile_row0 = 0;
};

/// The writers of one level's products, by position in its list (null: not written).
struct ProductWriters {
  std::vector<std::unique_ptr<geo::io::CogWriter>> writers;
  std::map<std::string, std::string> paths;  // every opened product's file, by name
  std::vector<std::string> written;          // the selected ones, under output.dir
  std::vector<std::string> work_files;       // the others, in the work folder
};

/// Opens a writer for every product of `specs` that output.products selects, and a work file for
/// each the plan says a later pass needs; the folder is made when something is selected.
ProductWriters open_product_writers(const std::vector<ProductSpec>& specs, const ProductOutputPlan& plan, const geo::Grid& grid,
                                    const OutputSection& output, const std::string& work_dir);

/// One strip of every product of a list, addressed by name.
class ProductBlocks {
 public:
  ProductBlocks() = default;
  explicit ProductBlocks(const std::vector<ProductSpec>& specs);
  /// Every product's block over `window`, allocated (uninitialised) for set_row().
  ProductBlocks(const std::vector<ProductSpec>& specs, const geo::Window& window);
  /// Row r of the product at `position`, from its stored values as int32 (converted to its pixel type).
  void set_row(std::size_t position, int r, const std::int32_t* values);
  void set(const std::string& name, geo::Block<std::int16_t> block) { slot(name, geo::io::PixelType::i16) = std::move(block); }
  void set(const std::string& name, geo::Block<std::uint8_t> block) { slot(name, geo::io::PixelType::u8) = std::move(block); }
  void set(std::size_t position, geo::Block<float> block) { slot(position, geo::io::PixelType::f32) = std::move(block); }
  void set(std::size_t position, geo::Block<std::uint8_t> block) { slot(position, geo::io::PixelType::u8) = std::move(block); }
  /// Writes every block to the writer of the same position (writers made from the same list; a null
  /// writer, or no writers at all, for products not written).
  void write(std::vector<std::unique_ptr<geo::io::CogWriter>>& writers) const;
  /// Every block moved by `rows` rows (its cells unchanged): a tile's strip onto the tile's own grid.
  void move_rows(int rows);

 private:
  using AnyBlock =
      std::variant<std::monostate, geo::Block<std::int16_t>, geo::Block<std::uint8_t>, geo::Block<std::uint16_t>, geo::Block<float>>;
  AnyBlock& slot(const std::string& name, geo::io::PixelType type);
  AnyBlock& slot(std::size_t position, geo::io::PixelType type);
  const std::vector<ProductSpec>* specs_ = nullptr;
  std::vector<AnyBlock> blocks_;
};

}  // namespace ecomon
