// geo::io::render_raster_png: the picture decoded again by GDAL's PNG driver holds, pixel by pixel,
// the colours a hand-made table gives: classes in their colours, a ramp over the physical values
// (scale applied), nodata and unlisted values transparent; warped, transparent outside the raster.
#include <gdal.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cpl_string.h>
#include <cpl_vsi.h>

#include <array>
#include <filesystem>
#include <string>
#include <vector>

#include "libgeo/io/picture.hpp"
#include "libgeo/io/projection.hpp"
#include "small_geotiff.hpp"

namespace fs = std::filesystem;

namespace {

using Rgba = std::array<int, 4>;

// A raster of `type` (4 x 2 unless told) of 30 m cells in UTM zone 48N holding `values`, with nodata
// 255 (and a scale of 0.01 when asked); west edge at `west` metres of easting.
std::string make_raster(const std::string& name, GDALDataType type, const std::vector<double>& values, bool scaled, int cols = 4, int rows = 2,
                        double west = 500000) {
  geo::io::initialise_gdal(16);
  const std::string path = ecomon_test::temp_tiff_path("picture", name);
  ecomon_test::SmallGeoTiff tiff;
  tiff.cols = cols, tiff.rows = rows, tiff.type = type;
  tiff.crs = "EPSG:32648";
  tiff.west = west;
  tiff.values = values;
  tiff.nodata = 255;
  if (scaled) tiff.scale = 0.01;
  ecomon_test::write_small_geotiff(path, tiff);
  return path;
}

// The picture's pixels as RGBA, through its palette, and its size.
struct Decoded {
  int cols = 0, rows = 0;
  std::vector<Rgba> pixels;
};
Decoded decode(const std::string& png) {
  const std::string mem = "/vsimem/ecomon_test_picture_" + std::to_string(getpid()) + ".png";
  VSIFCloseL(VSIFileFromMemBuffer(mem.c_str(), reinterpret_cast<GByte*>(const_cast<char*>(png.data())), vsi_l_offset(png.size()), FALSE));
  GDALDatasetH ds = GDALOpen(mem.c_str(), GA_ReadOnly);
  Decoded out;
  EXPECT_NE(ds, nullptr);
  if (!ds) return out;
  EXPECT_EQ(GDALGetRasterCount(ds), 1) << "one band of palette indices";
  GDALRasterBandH band = GDALGetRasterBand(ds, 1);
  GDALColorTableH table = GDALGetRasterColorTable(band);
  EXPECT_NE(table, nullptr);
  out.cols = GDALGetRasterXSize(ds), out.rows = GDALGetRasterYSize(ds);
  std::vector<std::uint8_t> index(std::size_t(out.cols) * std::size_t(out.rows));
  EXPECT_EQ(GDALRasterIO(band, GF_Read, 0, 0, out.cols, out.rows, index.data(), out.cols, out.rows, GDT_Byte, 0, 0), CE_None);
  for (const std::uint8_t i : index) {
    const GDALColorEntry* e = table ? GDALGetColorEntry(table, i) : nullptr;
    out.pixels.push_back(e ? Rgba{e->c1, e->c2, e->c3, e->c4} : Rgba{-1, -1, -1, -1});
  }
  GDALClose(ds);
  VSIUnlink(mem.c_str());
  return out;
}

constexpr Rgba kClear{0, 0, 0, 0};

}  // namespace

TEST(RasterPicture, ClassesInTheirColoursNodataAndUnlistedValuesClear) {
  const std::string path = make_raster("classes", GDT_Byte, {1, 2, 3, 255, 9, 3, 2, 1}, false);
  const std::vector<geo::io::ColourEntry> classes{{1, 200, 10, 20, 255, "one"}, {2, 30, 180, 40, 255, "two"}, {3, 5, 6, 7, 0, "three, clear"}};
  const Decoded got = decode(geo::io::render_raster_png(path, classes, {}, 100).png);
  ASSERT_EQ(got.cols, 4);
  ASSERT_EQ(got.rows, 2);
  const Rgba one{200, 10, 20, 255}, two{30, 180, 40, 255}, three{5, 6, 7, 0};
  const std::vector<Rgba> want{one, two, three, kClear, kClear, three, two, one};
  for (std::size_t i = 0; i < want.size(); ++i) EXPECT_EQ(got.pixels[i], want[i]) << "pixel " << i;
  fs::remove(path);
}

TEST(RasterPicture, ARampOverThePhysicalValuesInEvenSteps) {
  // Raw 0..10000 at a scale of 0.01: 0..100. The ramp runs black at 0 to (250, 100, 0) at 50 to white
  // at 100; its 255 steps are 100/254 apart, so a colour is the ramp's at the nearest step.
  const std::string path = make_raster("ramp", GDT_Int16, {0, 2500, 5000, 255, 10000, 20000, -500, 7500}, true);
  const std::vector<geo::io::RampStop> ramp{{0, 0, 0, 0}, {50, 250, 100, 0}, {100, 255, 255, 255}};
  const Decoded got = decode(geo::io::render_raster_png(path, {}, ramp, 100).png);
  ASSERT_EQ(got.pixels.size(), 8u);
  // 25 lies at step 63.5 -> 64 (25.197): (125.98, 50.39, 0) -> (126, 50, 0); 75 at step 190.5 -> 191 (75.197):
  // (252.52, 178.11, 128.50) -> (253, 178, 129).
  const std::vector<Rgba> want{{0, 0, 0, 255},       {126, 50, 0, 255}, {250, 100, 0, 255}, kClear,
                               {255, 255, 255, 255}, {255, 255, 255, 255}, {0, 0, 0, 255}, {253, 178, 129, 255}};
  for (std::size_t i = 0; i < want.size(); ++i) EXPECT_EQ(got.pixels[i], want[i]) << "pixel " << i;
  fs::remove(path);
}

TEST(RasterPicture, WarpedItIsClearOutsideTheRaster) {
  // 300 km west of the zone's central meridian, where grid north turns 1.7 degrees from true north.
  const std::string path = make_raster("warped", GDT_Byte, std::vector<double>(200 * 100, 1), false, 200, 100, 200000);
  const std::vector<geo::io::ColourEntry> classes{{1, 200, 10, 20, 255, "one"}};
  const geo::io::RasterPicture picture = geo::io::render_raster_png(path, classes, {}, 200, "EPSG:3857");
  const Decoded got = decode(picture.png);
  EXPECT_EQ(got.cols, picture.grid.cols);
  EXPECT_EQ(got.rows, picture.grid.rows);
  std::size_t clear = 0, coloured = 0;
  for (const Rgba& p : got.pixels) {
    if (p == kClear) ++clear;
    else if (p == Rgba{200, 10, 20, 255}) ++coloured;
    else ADD_FAILURE() << "a colour of no class: " << p[0] << "," << p[1] << "," << p[2] << "," << p[3];
  }
  EXPECT_GT(coloured, 0u);
  EXPECT_GT(clear, 0u) << "a UTM rectangle in Web Mercator leaves corners outside it";
  fs::remove(path);
}

// A FIFO where a raster should be is refused with its path named, before GDAL opens it (which would
// wait for a writer that never comes).
TEST(RasterPicture, AFifoIsRefusedNamedNotWaitedOn) {
  const std::string path = ecomon_test::temp_tiff_path("picture", "fifo");
  fs::remove(path);
  ASSERT_EQ(::mkfifo(path.c_str(), 0644), 0);
  try {
    geo::io::render_raster_png(path, {{1, 200, 10, 20, 255, "one"}}, {}, 100);
    ADD_FAILURE() << "a FIFO was drawn";
  } catch (const geo::io::IoError& e) {
    EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("FIFO"), std::string::npos) << e.what();
  }
  fs::remove(path);
}
