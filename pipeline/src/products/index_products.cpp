#include "products/index_products.hpp"

#include <stdexcept>
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
  // whether the season pass reads it back, and its season composites.
  using S = SeasonComposite::Statistic;
  static const std::vector<IndexProduct> products = {
      {"NDVI",
       "NDVI (Rouse et al. 1974), x1e-4",
       {B::nir, B::red},
       formula<ix::Ndvi, 2>(),
       "",
       "",
       true,
       {{S::at_peak, "NDVI_MAX", "Season maximum-NDVI composite (Holben 1986), x1e-4", "", ""},
        {S::median, "NDVI_MEDIAN", "Season median-NDVI composite, x1e-4", "", ""}}},
      {"MNDWI", "MNDWI (Xu 2006), x1e-4", {B::green, B::swir1}, formula<ix::Mndwi, 2>(), "", "", true},
      // Soil-adjusted: over the sparse steppe and desert margins of the region, where the soil's
      // brightness moves NDVI as much as the vegetation does, MSAVI2 needs no soil-line constant.
      {"MSAVI2",
       "MSAVI2 (Qi et al. 1994), x1e-4",
       {B::nir, B::red},
       formula<ix::Msavi2, 2>(),
       "",
       "",
       true,
       {{S::median, "MSAVI2_MEDIAN", "Season median MSAVI2 (Qi et al. 1994), x1e-4", "msavi2_mean", "修正土壤调节植被指数均值"}}},
      {"EVI", "EVI (Huete et al. 2002), x1e-4", {B::nir, B::red, B::blue}, formula<ix::Evi, 3>(), "evi_mean", "增强型植被指数均值"},
      {"ALBEDO",
       "Shortwave broadband albedo (Liang 2001), x1e-4",
       {B::blue, B::red, B::nir, B::swir1, B::swir2},
       formula<ix::LiangAlbedo, 5>(),
       "albedo_mean",
       "地表反照率均值",
       true},  // the desertification index reads the albedo on the date of the season's peak NDVI
  };
  return products;
}

const std::vector<const IndexProduct*>& season_indices() {
  static const std::vector<const IndexProduct*> inputs = [] {
    std::vector<const IndexProduct*> out;
    for (const IndexProduct& p : index_products())
      if (p.read_by_season()) out.push_back(&p);
    return out;
  }();
  return inputs;
}

std::size_t season_index_slot(const std::string& name) {
  const auto& inputs = season_indices();
  for (std::size_t k = 0; k < inputs.size(); ++k)
    if (inputs[k]->name == name) return k;
  throw std::logic_error("no season index named " + name);
}

BandSet rule_bands() { return {B::green, B::red, B::nir, B::swir1}; }  // NDVI for cover and forest, MNDWI for water

BandSet required_bands() {
  BandSet bands = rule_bands();
  for (const auto& p : index_products())
    for (Band b : p.bands) bands.add(b);
  return bands;
}

}  // namespace ecomon
