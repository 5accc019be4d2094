#pragma once
// The spectral-index products: each is one entry in index_products.cpp naming the bands its formula
// reads, the formula (a cited functor of libgeo/indices.hpp), its band description, optionally an
// indicator of its mean over observed land, and optionally its season composites (a median or the
// value at the season's peak, each a season product with its own mean column in the county series).
// The scene engine computes every one a scene has the bands for and writes those output.products
// selects (int16 x 1e-4, nodata -32768); the season engine reads back those the season needs and
// composites them. Adding an index: the functor in libgeo/indices.hpp, one entry here, a test.
#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "sensors/bands.hpp"

namespace ecomon {

/// A season composite of an index: one season product (int16 x 1e-4, ecomon_<year>_<product>.tif).
struct SeasonComposite {
  enum class Statistic {
    at_peak,  // the value on the date of the season's maximum NDVI (for NDVI itself: the maximum-value composite)
    median,   // the median of the season's clear observations (robust to one noisy or hazy date)
  };
  Statistic statistic = Statistic::median;
  std::string product;            // season product name, e.g. NDVI_MAX
  std::string description;        // its GeoTIFF band description, with the source
  std::string mean_key, mean_zh;  // county_timeseries column of its mean over observed land, or ""
};

struct IndexProduct {
  std::string name;         // product name and file suffix: "EVI" -> <scene>_EVI.tif
  std::string description;  // GeoTIFF band description, with the formula's source
  std::vector<Band> bands;  // the reflectance bands the formula reads, in the order it takes them
  /// The index over `n` pixels: inputs[k][i] is the reflectance of bands[k] at pixel i; writes out[i]
  /// (NaN where undefined). One call per block, so the functor inlines and vectorises.
  std::function<void(const float* const* inputs, float* out, std::size_t n)> formula;
  std::string mean_key, mean_zh;  // indicator of the mean over observed land (e.g. "evi_mean"), or ""
  /// The season pass reads it back from every scene: the rules' NDVI and MNDWI, the desertification
  /// index's ALBEDO, and every index with a season composite.
  bool season_input = false;
  std::vector<SeasonComposite> season = {};
  /// Whether the season pass reads it (season_input, or a composite of its own).
  bool read_by_season() const { return season_input || !season.empty(); }
};

/// Every index product, in output order.
const std::vector<IndexProduct>& index_products();

/// The index products the season pass reads back from each scene, in registry order; a product's
/// position here is its slot in the season's per-cell values.
const std::vector<const IndexProduct*>& season_indices();
/// The slot of a season index; throws std::logic_error for a name that is not one.
std::size_t season_index_slot(const std::string& name);

/// The bands the per-cell rules read (NDVI and MNDWI: green, red, NIR, SWIR1): a scene without one of
/// them cannot be used.
BandSet rule_bands();
/// The bands every product reads: the rules' own and every index product's.
BandSet required_bands();

}  // namespace ecomon
