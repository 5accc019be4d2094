#pragma once
// What every sensor driver needs: opening a band with an error that names the scene and the role,
// and checking that bands share one grid.
#include <initializer_list>
#include <string>

#include "libgeo/io/projection.hpp"
#include "libgeo/io/raster.hpp"
#include "base/errors.hpp"

namespace ecomon {

inline geo::io::RasterReader open_band(const std::string& path, const std::string& owner, const std::string& role) {
  try {
    geo::io::RasterReader band(path);
    // Every sensor delivers one band per file: a file of several is another product (a stack, an RGB
    // preview) whose first band would be read as this one.
    if (band.band_count() != 1)
      throw SceneError(owner + ": " + role + " band unusable: " + path + " holds " + std::to_string(band.band_count()) +
                       " bands; a band file of this product holds one");
    return band;
  } catch (const geo::io::IoError& e) {
    throw SceneError(owner + ": " + role + " band unusable: " + e.what());
  }
}

/// Refuses a band whose stored data type is not one the product specification allows (`allowed`,
/// GDAL's names): a 16-bit band converted to Byte still rescales to plausible reflectances, so only its
/// type tells that its numbers are not the product's. `spec` names the specification, for the message.
inline void check_band_type(const geo::io::RasterReader& band, std::initializer_list<const char*> allowed, const std::string& owner,
                            const std::string& role, const std::string& spec) {
  const std::string type = band.data_type_name();
  std::string listed;
  for (const char* a : allowed) {
    if (type == a) return;
    listed += (listed.empty() ? "" : " or ") + std::string(a);
  }
  throw SceneError(band.path() + ": " + role + " band is stored as " + type + ", but " + spec + " stores it as " + listed +
                   " (the file was converted or damaged; " + owner + ")");
}

inline void check_same_grid(const geo::io::RasterReader& ref, const geo::io::RasterReader& other, const std::string& owner) {
  if (!ref.grid().same_geometry(other.grid()))
    throw SceneError(other.path() + ": size or geotransform differs from " + ref.path() + " (" + std::to_string(other.grid().cols) + "x" +
                     std::to_string(other.grid().rows) + " vs " + std::to_string(ref.grid().cols) + "x" + std::to_string(ref.grid().rows) +
                     ")");
  if (geo::io::crs_name(other.grid().crs_wkt) != geo::io::crs_name(ref.grid().crs_wkt))
    throw SceneError(other.path() + ": CRS " + geo::io::crs_name(other.grid().crs_wkt) + " differs from " +
                     geo::io::crs_name(ref.grid().crs_wkt) + " of " + ref.path() + " (" + owner + ")");
}

}  // namespace ecomon
