#include "small_geotiff.hpp"

#include <gtest/gtest.h>
#include <ogr_srs_api.h>
#include <unistd.h>

#include <filesystem>

namespace ecomon_test {

void write_small_geotiff(const std::string& path, const SmallGeoTiff& tiff) {
  const std::string temp = path + ".tmp.tif";
  std::vector<const char*> options;
  for (const std::string& o : tiff.creation_options) options.push_back(o.c_str());
  options.push_back(nullptr);
  GDALDatasetH ds = GDALCreate(GDALGetDriverByName("GTiff"), temp.c_str(), tiff.cols, tiff.rows, 1, tiff.type, const_cast<char**>(options.data()));
  ASSERT_NE(ds, nullptr) << temp;
  double gt[6] = {tiff.west, tiff.pixel, 0, tiff.north, 0, -tiff.pixel};
  GDALSetGeoTransform(ds, gt);
  if (!tiff.crs.empty()) {
    OGRSpatialReferenceH srs = OSRNewSpatialReference(nullptr);
    EXPECT_EQ(OSRSetFromUserInput(srs, tiff.crs.c_str()), OGRERR_NONE) << tiff.crs;
    GDALSetSpatialRef(ds, srs);
    OSRDestroySpatialReference(srs);
  }
  for (const auto& [key, value] : tiff.metadata) GDALSetMetadataItem(ds, key.c_str(), value.c_str(), nullptr);
  GDALRasterBandH band = GDALGetRasterBand(ds, 1);
  if (tiff.nodata) GDALSetRasterNoDataValue(band, *tiff.nodata);
  if (tiff.scale) GDALSetRasterScale(band, *tiff.scale);
  if (!tiff.values.empty()) {
    EXPECT_EQ(tiff.values.size(), std::size_t(tiff.cols) * std::size_t(tiff.rows)) << "values for " << path;
    std::vector<double> cells = tiff.values;
    cells.resize(std::size_t(tiff.cols) * std::size_t(tiff.rows));
    EXPECT_EQ(GDALRasterIO(band, GF_Write, 0, 0, tiff.cols, tiff.rows, cells.data(), tiff.cols, tiff.rows, GDT_Float64, 0, 0), CE_None) << path;
  }
  GDALClose(ds);
  std::filesystem::rename(temp, path);
}

std::string temp_tiff_path(const std::string& prefix, const std::string& name) {
  return (std::filesystem::temp_directory_path() / ("ecomon_" + prefix + "_" + name + "_" + std::to_string(::getpid()) + ".tif")).string();
}

}  // namespace ecomon_test
