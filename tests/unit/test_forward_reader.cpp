// geo::io::ForwardReader: windows of a stream (strips grown by halos, shifted column ranges, a second
// pass from the top, windows outside the grid) read exactly what a direct read gives, for tiled files
// with small and tall blocks and for a file stored one row per strip.
#include <gdal.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "libgeo/io/raster.hpp"
#include "small_geotiff.hpp"

namespace fs = std::filesystem;

namespace {

// A 301 x 203 UInt16 GeoTIFF whose every cell holds a different value, with the given layout.
std::string make_raster(const std::string& name, const std::vector<std::string>& options) {
  geo::io::initialise_gdal(1);  // a tiny block cache: nothing survives in it between reads
  const std::string path = ecomon_test::temp_tiff_path("forward", name);
  ecomon_test::SmallGeoTiff tiff;
  tiff.cols = 301, tiff.rows = 203, tiff.type = GDT_UInt16;
  tiff.creation_options = options;
  tiff.values.resize(301 * 203);
  for (std::size_t i = 0; i < tiff.values.size(); ++i) tiff.values[i] = double(i % 65521);
  ecomon_test::write_small_geotiff(path, tiff);
  return path;
}

void expect_same_as_direct_reads(const std::string& path, int expected_block_rows) {
  const geo::io::RasterReader direct(path);
  EXPECT_EQ(direct.block_rows(), expected_block_rows);
  geo::io::ForwardReader<std::uint16_t> forward{geo::io::RasterReader(path)};
  std::vector<geo::Window> windows;
  for (int row0 = 0; row0 < 203; row0 += 37)  // strips of 37 rows grown by a halo of 5, shifting columns
    windows.push_back(
        geo::Window{row0 % 11, std::max(0, row0 - 5), 301 - row0 % 11 - row0 % 7, std::min(203, row0 + 42) - std::max(0, row0 - 5)});
  windows.push_back(geo::Window{0, 0, 301, 203});    // a second pass from the top: the whole grid
  windows.push_back(geo::Window{100, 150, 50, 53});  // then forward again
  windows.push_back(geo::Window{100, 151, 1, 1});    // inside the rows kept
  windows.push_back(geo::Window{0, 202, 301, 1});    // the last row
  for (const geo::Window& w : windows) {
    const geo::Block<std::uint16_t> got = forward.read(w), want = direct.read<std::uint16_t>(w);
    ASSERT_EQ(got.window(), w);
    for (std::size_t i = 0; i < want.size(); ++i)
      ASSERT_EQ(got[i], want[i]) << path << " window " << w.col0 << "," << w.row0 << " " << w.cols << "x" << w.rows << " cell " << i;
  }
  // Outside the grid: read directly, so the error is the reader's, naming the file.
  try {
    forward.read(geo::Window{0, 200, 301, 10});
    FAIL() << "a window past the last row must fail";
  } catch (const geo::io::IoError& e) {
    EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
  }
  fs::remove(path);
}

}  // namespace

TEST(ForwardReader, SmallTilesGiveWhatDirectReadsGive) {
  expect_same_as_direct_reads(make_raster("tiles16", {"TILED=YES", "BLOCKXSIZE=16", "BLOCKYSIZE=16", "COMPRESS=DEFLATE"}), 16);
}

TEST(ForwardReader, TilesTallerThanAStripGiveWhatDirectReadsGive) {
  expect_same_as_direct_reads(make_raster("tiles128", {"TILED=YES", "BLOCKXSIZE=128", "BLOCKYSIZE=128", "COMPRESS=ZSTD"}), 128);
}

TEST(ForwardReader, OneRowPerStripGivesWhatDirectReadsGive) {
  expect_same_as_direct_reads(make_raster("rows", {"BLOCKYSIZE=1", "COMPRESS=DEFLATE"}), 1);
}

// What the forward reader holds itself it drops from GDAL's cache, so that a pass over many rasters
// reuses the memory of the blocks it decoded last instead of filling the cache with new pages; the
// cells are those of direct reads still.
TEST(ForwardReader, LeavesNothingInGdalsCache) {
  const std::string path = make_raster("nocache", {"TILED=YES", "BLOCKXSIZE=16", "BLOCKYSIZE=16", "COMPRESS=ZSTD"});
  const GIntBig cache_max = GDALGetCacheMax64();
  GDALSetCacheMax64(GIntBig(64) << 20);  // room for every block of the file
  {
    const geo::io::RasterReader direct(path);
    geo::io::ForwardReader<std::uint16_t> forward{geo::io::RasterReader(path)};
    const GIntBig used_before = GDALGetCacheUsed64();
    (void)direct.read<std::uint16_t>(geo::Window{0, 0, 301, 64});
    EXPECT_GT(GDALGetCacheUsed64(), used_before) << "a direct read leaves its blocks in the cache";
    for (int row0 = 0; row0 < 203; row0 += 37) {
      const geo::Window w{0, row0, 301, std::min(37, 203 - row0)};
      const geo::Block<std::uint16_t> got = forward.read(w), want = direct.read<std::uint16_t>(w);
      for (std::size_t i = 0; i < want.size(); ++i) ASSERT_EQ(got[i], want[i]) << "row " << row0 << " cell " << i;
      direct.drop_cached_blocks();
      EXPECT_LE(GDALGetCacheUsed64(), used_before) << "after the strip of row " << row0;
    }
  }
  GDALSetCacheMax64(cache_max);
  fs::remove(path);
}

// Released (a pass below the raster's last row), the reader holds nothing; a later read starts over
// and gives the cells of a direct read.
TEST(ForwardReader, ReleasedHoldsNothingAndStartsOver) {
  const std::string path = make_raster("release", {"TILED=YES", "BLOCKXSIZE=16", "BLOCKYSIZE=16"});
  {
    const geo::io::RasterReader direct(path);
    geo::io::ForwardReader<std::uint16_t> forward{geo::io::RasterReader(path)};
    EXPECT_EQ(forward.held_bytes(), 0);
    (void)forward.read(geo::Window{3, 180, 50, 20});
    EXPECT_GE(forward.held_bytes(), 20 * 301 * 2) << "at least rows 180-199, full width";
    forward.release();
    EXPECT_EQ(forward.held_bytes(), 0);
    const geo::Window w{10, 190, 40, 13};
    const geo::Block<std::uint16_t> got = forward.read(w), want = direct.read<std::uint16_t>(w);
    for (std::size_t i = 0; i < want.size(); ++i) ASSERT_EQ(got[i], want[i]) << "cell " << i;
  }
  fs::remove(path);
}

// What GDAL's cache must hold for a reader of thin strips to decode each block of a block row once:
// every block across the width, the last one whole (3 tiles of 128 x 128 UInt16 over 301 columns).
TEST(RasterReader, ABlockRowIsEveryBlockAcrossTheWidth) {
  const std::string tiled = make_raster("rowbytes_tiles", {"TILED=YES", "BLOCKXSIZE=128", "BLOCKYSIZE=128"});
  EXPECT_EQ(geo::io::RasterReader(tiled).block_row_bytes(), 3 * 128 * 128 * 2);
  EXPECT_EQ(geo::io::RasterReader(tiled).block_row_bytes(2), 0);  // no such band
  fs::remove(tiled);
  const std::string rows = make_raster("rowbytes_rows", {"BLOCKYSIZE=1"});
  EXPECT_EQ(geo::io::RasterReader(rows).block_row_bytes(), 301 * 2);
  fs::remove(rows);
  // Raised to what a reader needs, never lowered below what the program set.
  geo::io::ensure_block_cache(std::int64_t(3) << 20);
  EXPECT_EQ(GDALGetCacheMax64(), std::int64_t(3) << 20);
  geo::io::ensure_block_cache(std::int64_t(1) << 20);
  EXPECT_EQ(GDALGetCacheMax64(), std::int64_t(3) << 20);
  geo::io::initialise_gdal(1);
}
