#include "products/index_products.hpp"

#include "libgeo/indices.hpp"

namespace ecomon {

namespace {

using B = Band;
namespace ix = geo::index;

}  // namespace

const std::vector<IndexProduct>& index_products() {
  // name, band description, bands in argument order, formula, mean indicator (key, Chinese name).
  static const std::vector<IndexProduct> products = {
      {"NDVI", "NDVI (Rouse et al. 1974), x1e-4", {B::nir, B::red}, [](const float* r) { return ix::Ndvi{}(r[0], r[1]); }, "", ""},
      {"MNDWI", "MNDWI (Xu 2006), x1e-4", {B::green, B::swir1}, [](const float* r) { return ix::Mndwi{}(r[0], r[1]); }, "", ""},
      {"MSAVI2", "MSAVI2 (Qi et al. 1994), x1e-4", {B::nir, B::red}, [](const float* r) { return ix::Msavi2{}(r[0], r[1]); }, "", ""},
      {"EVI", "EVI (Huete et al. 2002), x1e-4", {B::nir, B::red, B::blue}, [](const float* r) { return ix::Evi{}(r[0], r[1], r[2]); },
       "evi_mean", "增强型植被指数均值"},
  };
  return products;
}

BandSet required_bands() {
  BandSet bands{B::green, B::red, B::nir, B::swir1};  // the rules: NDVI for cover and forest, MNDWI for water
  for (const auto& p : index_products())
    for (Band b : p.bands) bands.add(b);
  return bands;
}

}  // namespace ecomon
