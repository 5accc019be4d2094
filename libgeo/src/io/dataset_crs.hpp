#pragma once
// The CRS of a raster GDAL opened, for the readers of libgeo/io that open datasets themselves.
#include <gdal.h>

#include <string>

#include "libgeo/io/vsi.hpp"

namespace geo::io {

/// The CRS of `ds` as WKT, as GDALGetProjectionRef gives it ("" without one). `ds` was opened from
/// `path`, where the file had stamp `opened` just before: a GeoTIFF's CRS is then reused from an
/// earlier file with the same GeoKeys rather than built anew (raster.cpp says when and why).
std::string dataset_crs_wkt(GDALDatasetH ds, const std::string& path, const FileStamp& opened);

}  // namespace geo::io
