#pragma once
// Every product raster, defined once: name (file suffix), pixel type, nodata, scale, band
// description with its source, colour table and category names. The engines look products up by
// name and hand their strips over as ProductBlocks, also addressed by name, so writers and blocks
// cannot fall out of step.
#include <cstdint>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "libgeo/block.hpp"
#include "config/settings.hpp"
#include "libgeo/io/raster.hpp"
#include "results/scene_result.hpp"

namespace ecomon {

inline constexpr std::uint8_t kNoData8 = 255;
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
  /// A scene product the season pass reads back: where the scene pass records its path (null: none).
  std::string SeasonInputFiles::*season_input = nullptr;
  /// The band roles it is computed from: a scene whose sensor lacks one does not have it.
  BandSet bands = {};
  /// The full raster spec on `grid` with the run's metadata.
  geo::io::RasterSpec raster(const geo::Grid& grid, std::vector<std::pair<std::string, std::string>> metadata) const;
};

/// How every product is encoded on disk, from the output.* keys.
geo::io::CogOptions cog_options(const OutputSection& output);

/// Per-scene products in output order: every index product (products/index_products.cpp), then FVC,
/// WATER, FOREST, SANDIFICATION_GRADE, CLEAR.
const std::vector<ProductSpec>& scene_products();
/// Season products in output order.
const std::vector<ProductSpec>& season_products();
/// The pixel trend rasters of the yearly FVC (written under trends/).
const std::vector<ProductSpec>& trend_products();

/// Checks that every item output.products lists names a level (scene, season, trends) or a product
/// of one; throws ConfigError naming the item and listing the products otherwise.
void check_product_selection(const OutputSection& output);

/// One strip of every product of a list, addressed by name.
class ProductBlocks {
 public:
  ProductBlocks() = default;
  explicit ProductBlocks(const std::vector<ProductSpec>& specs);
  void set(const std::string& name, geo::Block<std::int16_t> block) { slot(name, geo::io::PixelType::i16) = std::move(block); }
  void set(const std::string& name, geo::Block<std::uint8_t> block) { slot(name, geo::io::PixelType::u8) = std::move(block); }
  /// Writes every block to the writer of the same position (writers made from the same list; a null
  /// writer, or no writers at all, for products not written).
  void write(std::vector<std::unique_ptr<geo::io::CogWriter>>& writers) const;

 private:
  using AnyBlock = std::variant<std::monostate, geo::Block<std::int16_t>, geo::Block<std::uint8_t>>;
  AnyBlock& slot(const std::string& name, geo::io::PixelType type);
  const std::vector<ProductSpec>* specs_ = nullptr;
  std::vector<AnyBlock> blocks_;
};

}  // namespace ecomon
