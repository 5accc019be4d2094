// geo::io::ReaderPool: a returned reader is lent again (no reopen), two leases at once are two
// readers, a file replaced by an atomic rename is read anew (never through the old handle), and
// idle readers beyond the limit are closed. geo::io::RasterReader: the CRS of every file is the one GDAL
// gives it, whichever files were opened before.
#include <cpl_conv.h>
#include <gdal.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "libgeo/io/reader_pool.hpp"
#include "small_geotiff.hpp"

namespace fs = std::filesystem;

namespace {

// A 20 x 10 Byte GeoTIFF filled with `value`, written beside `path` and renamed onto it (as a run
// replaces its rasters).
void write_raster(const std::string& path, std::uint8_t value) {
  geo::io::initialise_gdal(16);
  ecomon_test::SmallGeoTiff tiff;
  tiff.cols = 20, tiff.rows = 10;
  tiff.values.assign(200, value);
  ecomon_test::write_small_geotiff(path, tiff);
}

std::string temp_path(const std::string& name) { return ecomon_test::temp_tiff_path("pool", name); }

std::uint8_t first_value(const geo::io::RasterReader& r) { return r.read<std::uint8_t>(geo::Window{0, 0, 1, 1})[0]; }

}  // namespace

TEST(ReaderPool, LendsAReturnedReaderAgainAndTwoAtOnceAreTwo) {
  const std::string path = temp_path("lend");
  write_raster(path, 7);
  geo::io::ReaderPool pool;
  const geo::io::RasterReader* first = nullptr;
  {
    const auto lease = pool.borrow(path);
    first = &*lease;
    EXPECT_EQ(first_value(*lease), 7);
    EXPECT_EQ(pool.idle(), 0u);
  }
  EXPECT_EQ(pool.idle(), 1u);
  {
    const auto again = pool.borrow(path);
    EXPECT_EQ(&*again, first) << "the idle reader is lent again";
    const auto other = pool.borrow(path);
    EXPECT_NE(&*other, &*again) << "a reader is lent to one borrower at a time";
    EXPECT_EQ(first_value(*other), 7);
  }
  EXPECT_EQ(pool.idle(), 2u);
  fs::remove(path);
}

TEST(ReaderPool, AFileReplacedOnDiskIsOpenedAnew) {
  const std::string path = temp_path("replaced");
  write_raster(path, 1);
  geo::io::ReaderPool pool;
  { EXPECT_EQ(first_value(*pool.borrow(path)), 1); }
  write_raster(path, 2);  // a new file under the same name (another inode)
  {
    const auto lease = pool.borrow(path);
    EXPECT_EQ(first_value(*lease), 2) << "read through the replaced file's old handle";
  }
  EXPECT_EQ(pool.idle(), 1u) << "the stale reader is closed, not kept beside the new one";
  fs::remove(path);
}

TEST(ReaderPool, ClosesTheLeastRecentlyReturnedBeyondItsLimit) {
  std::vector<std::string> paths;
  for (int k = 0; k < 3; ++k) {
    paths.push_back(temp_path("limit" + std::to_string(k)));
    write_raster(paths.back(), std::uint8_t(k));
  }
  geo::io::ReaderPool pool(2);
  for (const std::string& p : paths) EXPECT_EQ(first_value(*pool.borrow(p)), std::uint8_t(&p - &paths[0]));
  EXPECT_EQ(pool.idle(), 2u);
  // Without a pool: a reader of the caller's own, closed with the lease.
  { EXPECT_EQ(first_value(*geo::io::borrow_reader(nullptr, paths[0])), 0); }
  EXPECT_THROW(pool.borrow(temp_path("absent")), geo::io::IoError);
  for (const std::string& p : paths) fs::remove(p);
}

namespace {

// A 4 x 3 Byte GeoTIFF in `crs` (any string OSR reads; empty: none) with `options` (GDAL creation
// options), written beside `path` and renamed onto it.
void write_in_crs(const std::string& path, const std::string& crs, std::vector<std::string> options = {}) {
  geo::io::initialise_gdal(16);
  ecomon_test::SmallGeoTiff tiff;
  tiff.crs = crs;
  tiff.creation_options = std::move(options);
  ecomon_test::write_small_geotiff(path, tiff);
}

// The CRS GDAL itself gives the file, opened afresh.
std::string gdal_crs(const std::string& path) {
  GDALDatasetH ds = GDALOpen(path.c_str(), GA_ReadOnly);
  if (!ds) return "cannot open";
  const char* wkt = GDALGetProjectionRef(ds);
  std::string out = wkt ? wkt : "";
  GDALClose(ds);
  return out;
}

}  // namespace

// RasterReader reuses the CRS GDAL built for the same GeoKeys (GDAL builds it anew on each open, at
// about 1.5 ms a file): files in several CRSs, classic and BigTIFF, big-endian and without a CRS,
// opened in turn, each give GDAL's own CRS; a file replaced by one in another CRS gives the new one.
TEST(RasterReader, TheCrsIsGdalsForEveryFileWhateverWasOpenedBefore) {
  const std::string albers =
      "+proj=aea +lat_0=0 +lon_0=105 +lat_1=25 +lat_2=47 +x_0=0 +y_0=0 +datum=WGS84 +units=m +no_defs +type=crs";
  const std::vector<std::pair<std::string, std::vector<std::string>>> kinds = {
      {"EPSG:32648", {}}, {albers, {}}, {"EPSG:32649", {"BIGTIFF=YES"}}, {"EPSG:32648", {"BIGTIFF=YES"}},
      {"EPSG:4326", {"ENDIANNESS=BIG"}}, {"", {}}, {"EPSG:32648", {"COMPRESS=ZSTD", "TILED=YES"}}};
  std::vector<std::string> paths;
  for (std::size_t k = 0; k < kinds.size(); ++k) {
    paths.push_back(temp_path("crs" + std::to_string(k)));
    write_in_crs(paths.back(), kinds[k].first, kinds[k].second);
  }
  for (int round = 0; round < 2; ++round)
    for (std::size_t k = 0; k < paths.size(); ++k) {
      const std::string expected = gdal_crs(paths[k]);
      EXPECT_EQ(geo::io::RasterReader(paths[k]).grid().crs_wkt, expected) << kinds[k].first << " round " << round;
      EXPECT_EQ(expected.empty(), kinds[k].first.empty()) << kinds[k].first;
    }
  EXPECT_NE(gdal_crs(paths[0]), gdal_crs(paths[1]));
  EXPECT_NE(gdal_crs(paths[0]), gdal_crs(paths[2]));
  // The same name, another file in another CRS (a run replaces its rasters by renames).
  write_in_crs(paths[0], albers);
  EXPECT_EQ(geo::io::RasterReader(paths[0]).grid().crs_wkt, gdal_crs(paths[1]));
  write_in_crs(paths[0], "EPSG:32648");
  EXPECT_EQ(geo::io::RasterReader(paths[0]).grid().crs_wkt, gdal_crs(paths[6]));
  for (const std::string& p : paths) fs::remove(p);
}

// GDAL's OSR_WKT_FORMAT setting changes the WKT it gives for the same GeoKeys: a CRS reused across it
// would be in the format of whichever file came first.
TEST(RasterReader, TheCrsFollowsGdalsWktFormatSetting) {
  const std::string path = temp_path("wkt_format");
  write_in_crs(path, "EPSG:32648");
  const std::string default_wkt = gdal_crs(path);
  EXPECT_EQ(geo::io::RasterReader(path).grid().crs_wkt, default_wkt);
  for (const char* format : {"WKT1", "WKT2_2018", "WKT1_ESRI"}) {
    CPLSetConfigOption("OSR_WKT_FORMAT", format);
    const std::string expected = gdal_crs(path);
    EXPECT_EQ(geo::io::RasterReader(path).grid().crs_wkt, expected) << format;
    EXPECT_EQ(geo::io::RasterReader(path).grid().crs_wkt, expected) << format << ", the second open";
    if (std::string(format) != "WKT1") {  // GDAL's own default for a dataset's CRS
      EXPECT_NE(expected, default_wkt) << format;
    }
  }
  CPLSetConfigOption("OSR_WKT_FORMAT", nullptr);
  EXPECT_EQ(geo::io::RasterReader(path).grid().crs_wkt, default_wkt);
  fs::remove(path);
}
