// Small GeoTIFFs written with GDAL for the unit tests of libgeo's readers, pictures and TIFF parsing:
// one band, north-up, 30 m cells from (500 000, 4 500 000) unless told, in a CRS or none.
#pragma once

#include <gdal.h>

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace ecomon_test {

struct SmallGeoTiff {
  int cols = 4, rows = 3;
  GDALDataType type = GDT_Byte;
  std::string crs;                               // any string OSR reads; empty: no CRS
  double west = 500000, north = 4500000, pixel = 30;
  std::vector<std::string> creation_options;     // GDAL's GTiff creation options ("TILED=YES", ...)
  std::vector<double> values;                    // row by row, cols x rows of them; empty: left unwritten
  std::optional<double> nodata, scale;
  std::vector<std::pair<std::string, std::string>> metadata;  // dataset metadata items
};

// Writes `tiff` beside `path` and renames it onto it, as a run replaces its rasters (so a file
// written again under the same name is another inode). GDAL must be initialised by the caller
// (geo::io::initialise_gdal), whose block cache size is the caller's to choose. Failures are
// reported as test failures.
void write_small_geotiff(const std::string& path, const SmallGeoTiff& tiff);

// A path in the temporary folder unique to this process: ecomon_<prefix>_<name>_<pid>.tif.
std::string temp_tiff_path(const std::string& prefix, const std::string& name);

}  // namespace ecomon_test
