#include "products/index_products.hpp"

#include <utility>

#include "libgeo/indices.hpp"

namespace ecomon {

namespace {

using B = Band;
namespace ix = geo::index;

// The block formula of an index functor taking its bands as N float arguments.
template <typename Functor, std::size_t... K>
auto block_formula(std::index_sequence<K...>) {
  return [](const float* const* in, float* out, std::size_t n) {
    const Functor f;
    for (std::size_t i = 0; i < n; ++i) out[i] = f(in[K][i]...);
  };
}
template <typename Functor, std::size_t N>
auto formula() {
  return block_formula<Functor>(std::make_index_sequence<N>{});
}

}  // namespace

const std::vector<IndexProduct>& index_products() {
  // name, band description, bands in argument order, formula, mean indicator (key, Chinese name),
  // and where the scene pass records it when the season pass reads it back.
  static const std::vector<IndexProduct> products = {
      {"NDVI", "NDVI (Rouse et al. 1974), x1e-4", {B::nir, B::red}, formula<ix::Ndvi, 2>(), "", "", &SeasonInputFiles::ndvi},
      {"MNDWI", "MNDWI (Xu 2006), x1e-4", {B::green, B::swir1}, formula<ix::Mndwi, 2>(), "", "", &SeasonInputFiles::mndwi},
      {"MSAVI2", "MSAVI2 (Qi et al. 1994), x1e-4", {B::nir, B::red}, formula<ix::Msavi2, 2>(), "", ""},
      {"EVI", "EVI (Huete et al. 2002), x1e-4", {B::nir, B::red, B::blue}, formula<ix::Evi, 3>(), "evi_mean", "增强型植被指数均值"},
      {"ALBEDO",
       "Shortwave broadband albedo (Liang 2001), x1e-4",
       {B::blue, B::red, B::nir, B::swir1, B::swir2},
       formula<ix::LiangAlbedo, 5>(),
       "albedo_mean",
       "地表反照率均值",
       &SeasonInputFiles::albedo},
  };
  return products;
}

BandSet rule_bands() { return {B::green, B::red, B::nir, B::swir1}; }  // NDVI for cover and forest, MNDWI for water

BandSet required_bands() {
  BandSet bands = rule_bands();
  for (const auto& p : index_products())
    for (Band b : p.bands) bands.add(b);
  return bands;
}

}  // namespace ecomon
