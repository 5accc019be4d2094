// geo::io::DirectTiles (libgeo/src/io/direct_tiles.cpp), the decoder of a plain GeoTIFF's tiles
// without GDAL behind ForwardReader: for every layout it takes (8 and 16 bits, signed or not; no
// compression, deflate, ZSTD; with and without horizontal differencing; tiles that do not divide the
// image, strips whose last one is short (8 rows into 203); a COG as GDAL's COG driver writes it) it gives GDAL's cells
// exactly. Layouts it leaves to GDAL give no decoder; a sparse tile hands the chunk back to GDAL; a
// corrupt or truncated tile is an error naming the file.
#include <gdal.h>
#include <gdal_utils.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <type_traits>
#include <vector>

#include "../../libgeo/src/io/direct_tiles.hpp"
#include "libgeo/io/raster.hpp"
#include "libgeo/io/vsi.hpp"
#include "small_geotiff.hpp"

namespace fs = std::filesystem;
using geo::io::DirectTiles;

namespace {

constexpr int kCols = 301, kRows = 203;

// The decoder of the file at `path` now, as a RasterReader stamps the file GDAL opens.
std::unique_ptr<DirectTiles> open_stamped(const std::string& path, int cols, int rows, int sample_bytes, bool is_signed) {
  return DirectTiles::open(path, geo::io::stamp_of(path), cols, rows, sample_bytes, is_signed);
}

// Smooth rows with noise and both signs where the type has them: differencing has work to do.
ecomon_test::SmallGeoTiff raster_of(GDALDataType type, const std::vector<std::string>& options) {
  ecomon_test::SmallGeoTiff tiff;
  tiff.cols = kCols, tiff.rows = kRows, tiff.type = type;
  tiff.creation_options = options;
  tiff.values.resize(std::size_t(kCols) * kRows);
  for (std::size_t i = 0; i < tiff.values.size(); ++i) {
    const int r = int(i) / kCols, c = int(i) % kCols, noise = int((i * 2654435761u) >> 7) % 97;
    if (type == GDT_Byte) tiff.values[i] = (r + 2 * c + noise) % 256;
    else if (type == GDT_Int16) tiff.values[i] = (r * 131 + c * 97 + noise * 31) % 65536 - 32768;
    else tiff.values[i] = (r * 131 + c * 97 + noise * 31) % 65536;
  }
  return tiff;
}

template <typename T>
void expect_gdals_cells(const std::string& path, const std::string& layout) {
  SCOPED_TRACE(layout);
  const geo::io::RasterReader gdal(path);
  auto direct = open_stamped(path, kCols, kRows, int(sizeof(T)), std::is_signed_v<T>);
  ASSERT_TRUE(direct) << "a layout the decoder takes";
  // The whole image, then chunks that start inside a block and end past the last row's block.
  for (const auto& [row0, rows] : std::vector<std::pair<int, int>>{{0, kRows}, {0, 32}, {32, 64}, {45, 7}, {150, 53}, {202, 1}}) {
    std::vector<T> got(std::size_t(rows) * kCols);
    ASSERT_TRUE(direct->read_rows(row0, rows, got.data()));
    const geo::Block<T> want = gdal.read<T>(geo::Window{0, row0, kCols, rows});
    for (std::size_t i = 0; i < got.size(); ++i)
      ASSERT_EQ(got[i], want[i]) << "rows " << row0 << "+" << rows << " cell " << i;
  }
  // Windows inside blocks, across their edges, and the last cell; read by another decoder sharing the
  // first one's layout, as zonal's threads do.
  const std::unique_ptr<DirectTiles> another = direct->another();
  ASSERT_TRUE(another);
  for (const geo::Window& w : {geo::Window{70, 33, 100, 50}, geo::Window{63, 0, 2, kRows}, geo::Window{0, 0, 1, 1},
                               geo::Window{kCols - 1, kRows - 1, 1, 1}, geo::Window{129, 95, 172, 108}}) {
    std::vector<T> got(std::size_t(w.size()));
    ASSERT_TRUE(another->read_window(w.col0, w.row0, w.cols, w.rows, got.data()));
    const geo::Block<T> want = gdal.read<T>(w);
    for (std::size_t i = 0; i < got.size(); ++i)
      ASSERT_EQ(got[i], want[i]) << "window " << w.col0 << "," << w.row0 << " " << w.cols << "x" << w.rows << " cell " << i;
  }
  std::vector<T> none(4);
  EXPECT_THROW(direct->read_window(kCols - 1, 0, 2, 2, none.data()), geo::io::IoError) << "a window past the last column";
}

template <typename T>
void expect_every_layout(GDALDataType type, const std::string& name) {
  for (const std::string codec : {"NONE", "DEFLATE", "ZSTD"})
    for (const std::string predictor : {"1", "2"})
      for (const auto& blocks : std::vector<std::vector<std::string>>{{"TILED=YES", "BLOCKXSIZE=64", "BLOCKYSIZE=32"}, {"BLOCKYSIZE=8"}}) {
        std::vector<std::string> options = blocks;
        options.push_back("COMPRESS=" + codec);
        if (codec != "NONE") options.push_back("PREDICTOR=" + predictor);
        const std::string path = ecomon_test::temp_tiff_path("direct", name + "_" + codec + predictor + blocks[0].substr(0, 5));
        ecomon_test::write_small_geotiff(path, raster_of(type, options));
        expect_gdals_cells<T>(path, path);
        fs::remove(path);
      }
}

}  // namespace

TEST(DirectTiles, EveryLayoutItTakesGivesGdalsCellsForBytes) {
  geo::io::initialise_gdal(1);
  expect_every_layout<std::uint8_t>(GDT_Byte, "u8");
}

TEST(DirectTiles, EveryLayoutItTakesGivesGdalsCellsForSignedShorts) {
  geo::io::initialise_gdal(1);
  expect_every_layout<std::int16_t>(GDT_Int16, "i16");
}

TEST(DirectTiles, EveryLayoutItTakesGivesGdalsCellsForUnsignedShorts) {
  geo::io::initialise_gdal(1);
  expect_every_layout<std::uint16_t>(GDT_UInt16, "u16");
}

// A COG as GDAL's COG driver writes it: a ghost header, each tile led by its size and trailed by a
// copy of its last bytes, and overviews after the full image, whose IFD comes first.
TEST(DirectTiles, ACogGivesGdalsCells) {
  geo::io::initialise_gdal(1);
  const std::string plain = ecomon_test::temp_tiff_path("direct", "cog_source"), cog = ecomon_test::temp_tiff_path("direct", "cog");
  ecomon_test::write_small_geotiff(plain, raster_of(GDT_Int16, {}));
  GDALDatasetH source = GDALOpen(plain.c_str(), GA_ReadOnly);
  ASSERT_TRUE(source);
  const char* args[] = {"-of", "COG", "-co", "COMPRESS=ZSTD", "-co", "PREDICTOR=YES", "-co", "BLOCKSIZE=64", "-co", "OVERVIEWS=AUTO", nullptr};
  GDALTranslateOptions* options = GDALTranslateOptionsNew(const_cast<char**>(args), nullptr);
  GDALDatasetH out = GDALTranslate(cog.c_str(), source, options, nullptr);
  GDALTranslateOptionsFree(options);
  ASSERT_TRUE(out);
  EXPECT_GT(GDALGetOverviewCount(GDALGetRasterBand(out, 1)), 0);
  GDALClose(out);
  GDALClose(source);
  expect_gdals_cells<std::int16_t>(cog, "COG");
  fs::remove(plain);
  fs::remove(cog);
}

// What the decoder does not take it leaves to GDAL: another codec, floats, a type other than the
// caller's, two samples a pixel, or a size other than the caller's.
TEST(DirectTiles, LayoutsItDoesNotTakeGiveNoDecoder) {
  geo::io::initialise_gdal(1);
  const std::string lzw = ecomon_test::temp_tiff_path("direct", "lzw");
  ecomon_test::write_small_geotiff(lzw, raster_of(GDT_UInt16, {"TILED=YES", "COMPRESS=LZW"}));
  EXPECT_FALSE(open_stamped(lzw, kCols, kRows, 2, false));
  const std::string shorts = ecomon_test::temp_tiff_path("direct", "shorts");
  ecomon_test::write_small_geotiff(shorts, raster_of(GDT_UInt16, {"TILED=YES", "COMPRESS=ZSTD"}));
  EXPECT_TRUE(open_stamped(shorts, kCols, kRows, 2, false));
  EXPECT_FALSE(open_stamped(shorts, kCols, kRows, 2, true)) << "signed asked of an unsigned file";
  EXPECT_FALSE(open_stamped(shorts, kCols, kRows, 1, false)) << "bytes asked of a 16-bit file";
  EXPECT_FALSE(open_stamped(shorts, kCols + 1, kRows, 2, false)) << "another size than the file's";
  const std::string floats = ecomon_test::temp_tiff_path("direct", "floats");
  ecomon_test::write_small_geotiff(floats, raster_of(GDT_Float32, {"TILED=YES", "COMPRESS=ZSTD"}));
  EXPECT_FALSE(open_stamped(floats, kCols, kRows, 4, false));
  EXPECT_FALSE(open_stamped(floats, kCols, kRows, 2, false));
  EXPECT_FALSE(open_stamped(ecomon_test::temp_tiff_path("direct", "missing"), kCols, kRows, 2, false));
  for (const auto& p : {lzw, shorts, floats}) fs::remove(p);
}

// Tiles never written (SPARSE_OK) are GDAL's to fill: the decoder hands the chunk back, and the
// forward reader gives GDAL's cells, tiles written or not.
TEST(DirectTiles, ASparseTileIsLeftToGdal) {
  geo::io::initialise_gdal(1);
  const std::string path = ecomon_test::temp_tiff_path("direct", "sparse");
  ecomon_test::SmallGeoTiff tiff = raster_of(GDT_UInt16, {"TILED=YES", "BLOCKXSIZE=64", "BLOCKYSIZE=32", "COMPRESS=ZSTD", "SPARSE_OK=TRUE"});
  tiff.values.clear();  // nothing written: every tile sparse
  tiff.nodata = 7;
  ecomon_test::write_small_geotiff(path, tiff);
  auto direct = open_stamped(path, kCols, kRows, 2, false);
  ASSERT_TRUE(direct);
  std::vector<std::uint16_t> rows(std::size_t(32) * kCols);
  EXPECT_FALSE(direct->read_rows(0, 32, rows.data()));
  geo::io::ForwardReader<std::uint16_t> forward{geo::io::RasterReader(path)};
  const geo::Block<std::uint16_t> got = forward.read(geo::Window{0, 0, kCols, 40});
  for (std::size_t i = 0; i < got.size(); ++i) ASSERT_EQ(got[i], 7) << "cell " << i;
  fs::remove(path);
}

// The file is opened for each read, not held; a file renamed onto the path since open() (as a run
// replaces its rasters) is left to GDAL, whose handle still reads the file it opened.
TEST(DirectTiles, AFileReplacedSinceOpenIsLeftToGdal) {
  geo::io::initialise_gdal(1);
  const std::string path = ecomon_test::temp_tiff_path("direct", "replaced");
  const std::vector<std::string> layout{"TILED=YES", "BLOCKXSIZE=64", "BLOCKYSIZE=32", "COMPRESS=ZSTD", "PREDICTOR=2"};
  ecomon_test::write_small_geotiff(path, raster_of(GDT_UInt16, layout));
  auto direct = open_stamped(path, kCols, kRows, 2, false);
  ASSERT_TRUE(direct);
  std::vector<std::uint16_t> rows(std::size_t(32) * kCols);
  EXPECT_TRUE(direct->read_rows(0, 32, rows.data()));
  const geo::io::FileStamp first = geo::io::stamp_of(path);
  ecomon_test::SmallGeoTiff other = raster_of(GDT_UInt16, layout);
  for (double& v : other.values) v = 65535 - v;
  ecomon_test::write_small_geotiff(path, other);
  EXPECT_FALSE(direct->read_rows(0, 32, rows.data())) << "another file under the same name";
  EXPECT_FALSE(direct->another()->read_rows(0, 32, rows.data())) << "another decoder of the file stamped";
  EXPECT_FALSE(DirectTiles::open(path, first, kCols, kRows, 2, false)) << "the stamp of the file GDAL opened, not the one there now";
  EXPECT_FALSE(DirectTiles::open(path, geo::io::FileStamp{}, kCols, kRows, 2, false)) << "a file of no known stamp (a /vsi path)";
  EXPECT_TRUE(open_stamped(path, kCols, kRows, 2, false));
  fs::remove(path);
}

// A tile whose bytes are garbage, or past a truncated file's end, is an error naming the file.
TEST(DirectTiles, ACorruptOrTruncatedTileIsAnErrorNamingTheFile) {
  geo::io::initialise_gdal(1);
  const std::string path = ecomon_test::temp_tiff_path("direct", "corrupt");
  ecomon_test::write_small_geotiff(path, raster_of(GDT_Int16, {"TILED=YES", "BLOCKXSIZE=64", "BLOCKYSIZE=32", "COMPRESS=ZSTD"}));
  GDALDatasetH ds = GDALOpen(path.c_str(), GA_ReadOnly);
  ASSERT_TRUE(ds);
  const std::uint64_t offset = std::stoull(GDALGetMetadataItem(GDALGetRasterBand(ds, 1), "BLOCK_OFFSET_1_2", "TIFF"));
  GDALClose(ds);
  {
    std::fstream file(path, std::ios::in | std::ios::out | std::ios::binary);
    file.seekp(std::streamoff(offset));
    const std::string garbage(16, '\x5a');
    file.write(garbage.data(), std::streamsize(garbage.size()));
  }
  auto expect_error = [&](int row0, const std::string& what) {
    auto direct = open_stamped(path, kCols, kRows, 2, true);
    ASSERT_TRUE(direct);
    std::vector<std::int16_t> rows(std::size_t(32) * kCols);
    try {
      direct->read_rows(row0, 32, rows.data());
      FAIL() << what << " must fail";
    } catch (const geo::io::IoError& e) {
      EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find("corrupt or truncated"), std::string::npos) << e.what();
    }
  };
  expect_error(64, "a garbled tile");
  fs::resize_file(path, offset + 8);
  expect_error(96, "a tile past the end");
  fs::remove(path);
}
