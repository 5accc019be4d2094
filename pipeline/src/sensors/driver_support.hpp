#pragma once
// What every sensor driver needs: opening a band with an error that names the scene and the role,
// and checking that bands share one grid.
#include <string>

#include "libgeo/io/projection.hpp"
#include "libgeo/io/raster.hpp"
#include "sensors/landsat/mtl.hpp"

namespace ecomon {

inline geo::io::RasterReader open_band(const std::string& path, const std::string& owner, const std::string& role) {
  try {
    return geo::io::RasterReader(path);
  } catch (const geo::io::IoError& e) {
    throw SceneError(owner + ": " + role + " band unusable: " + e.what());
  }
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
