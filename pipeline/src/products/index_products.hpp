#pragma once
// The spectral-index products: each is one entry in index_products.cpp naming the bands its formula
// reads, the formula (a cited functor of libgeo/indices.hpp), its band description, and optionally an
// indicator of its mean over observed land. The scene engine computes every one and writes those
// output.products selects (int16 x 1e-4, nodata -32768), and asks the sensors for the union of their bands. Adding an index: the
// functor in libgeo/indices.hpp, one entry here, a test.
#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "results/scene_result.hpp"
#include "sensors/bands.hpp"

namespace ecomon {

struct IndexProduct {
  std::string name;         // product name and file suffix: "EVI" -> <scene>_EVI.tif
  std::string description;  // GeoTIFF band description, with the formula's source
  std::vector<Band> bands;  // the reflectance bands the formula reads, in the order it takes them
  /// The index over `n` pixels: inputs[k][i] is the reflectance of bands[k] at pixel i; writes out[i]
  /// (NaN where undefined). One call per block, so the functor inlines and vectorises.
  std::function<void(const float* const* inputs, float* out, std::size_t n)> formula;
  std::string mean_key, mean_zh;  // indicator of the mean over observed land (e.g. "evi_mean"), or ""
  std::string SeasonInputFiles::*season_input = nullptr;  // the season pass reads it back (NDVI, MNDWI, ALBEDO), or null
};

/// Every index product, in output order.
const std::vector<IndexProduct>& index_products();

/// The bands the per-cell rules read (NDVI and MNDWI: green, red, NIR, SWIR1): a scene without one of
/// them cannot be used.
BandSet rule_bands();
/// The bands every product reads: the rules' own and every index product's.
BandSet required_bands();

}  // namespace ecomon
