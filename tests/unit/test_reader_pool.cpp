// geo::io::ReaderPool: a returned reader is lent again (no reopen), two leases at once are two
// readers, a file replaced by an atomic rename is read anew (never through the old handle), and
// idle readers beyond the limit are closed.
#include <gdal.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include "libgeo/io/reader_pool.hpp"

namespace fs = std::filesystem;

namespace {

// A 20 x 10 Byte GeoTIFF filled with `value`, written beside `path` and renamed onto it (as a run
// replaces its rasters).
void write_raster(const std::string& path, std::uint8_t value) {
  geo::io::initialise_gdal(16);
  const std::string temp = path + ".tmp.tif";
  GDALDatasetH ds = GDALCreate(GDALGetDriverByName("GTiff"), temp.c_str(), 20, 10, 1, GDT_Byte, nullptr);
  ASSERT_NE(ds, nullptr);
  double gt[6] = {500000, 30, 0, 4500000, 0, -30};
  GDALSetGeoTransform(ds, gt);
  std::vector<std::uint8_t> values(200, value);
  ASSERT_EQ(GDALRasterIO(GDALGetRasterBand(ds, 1), GF_Write, 0, 0, 20, 10, values.data(), 20, 10, GDT_Byte, 0, 0), CE_None);
  GDALClose(ds);
  fs::rename(temp, path);
}

std::string temp_path(const std::string& name) {
  return (fs::temp_directory_path() / ("ecomon_pool_" + name + "_" + std::to_string(getpid()) + ".tif")).string();
}

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
