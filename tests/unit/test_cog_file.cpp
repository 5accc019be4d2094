// The directly written Cloud-Optimized GeoTIFF (libgeo/src/io/cog_file.cpp) against the one GDAL's COG
// driver writes from the same strips (the LZW codec takes that path): the same cells, overviews,
// georeferencing and metadata read back by GDAL, for every pixel type and codec; GDAL's own COG
// validator, with its check of every block's leader and trailer; BigTIFF; strips out of order; and
// the plain tiled GeoTIFF (no overviews) it writes for a run's work files.
#include <gdal.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>
#include <ogr_srs_api.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <random>

#include "../../libgeo/src/io/cog_file.hpp"
#include "libgeo/io/projection.hpp"
#include "libgeo/io/raster.hpp"
#include "libgeo/pyramid.hpp"

namespace fs = std::filesystem;
using geo::io::CogOptions;
using geo::io::CogWriter;
using geo::io::PixelType;
using geo::io::RasterSpec;

namespace {

fs::path fresh_dir(const std::string& name) {
  const fs::path dir = fs::temp_directory_path() / ("ecomon_cog_" + name + "_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

RasterSpec spec_of(PixelType type) {
  RasterSpec spec;
  spec.grid = geo::Grid{1100, 700, {304710, 30, 4467390, -30}, geo::io::crs_wkt("EPSG:32649")};
  spec.type = type;
  spec.nodata = type == PixelType::u8 ? 255 : type == PixelType::f32 ? -9999 : type == PixelType::i16 ? -32768 : 65535;
  spec.description = "a test band";
  if (type == PixelType::i16) {
    spec.scale = 1e-4;
    spec.unit = "1";
  }
  if (type == PixelType::u8) {
    spec.categorical = true;
    spec.colours = {{0, 10, 20, 30, 255, "water"}, {1, 200, 100, 0, 255, "sand"}, {2, 0, 160, 0, 255, "forest"}};
  }
  spec.metadata = {{"ECOMON_TEST", "yes"}};
  return spec;
}

template <typename T>
std::vector<T> cells_of(const RasterSpec& spec) {
  std::mt19937 random(7);
  std::vector<T> cells(std::size_t(spec.grid.cols) * std::size_t(spec.grid.rows));
  for (std::size_t i = 0; i < cells.size(); ++i) {
    const int r = int(i) / spec.grid.cols, c = int(i) % spec.grid.cols;
    if ((r * 7 + c * 3) % 23 == 0) cells[i] = T(spec.nodata);
    else if constexpr (std::is_floating_point_v<T>) cells[i] = T(std::sin(r * 0.01) * c + 0.001 * double(random() % 1000));
    else if (spec.categorical) cells[i] = T((r / 40 + c / 90) % 3);
    else cells[i] = T(1000 + (r * 13 + c * 5) % 5000 + int(random() % 7));
  }
  return cells;
}

template <typename T>
void write_in_strips(const std::string& path, const RasterSpec& spec, const CogOptions& options, const std::vector<T>& cells,
                     const std::string& temp) {
  CogWriter writer(path, spec, options, temp);
  for (int row0 = 0; row0 < spec.grid.rows; row0 += 100) {
    const int rows = std::min(100, spec.grid.rows - row0);
    geo::Block<T> strip(geo::Window{0, row0, spec.grid.cols, rows});
    std::copy_n(cells.begin() + std::ptrdiff_t(row0) * spec.grid.cols, std::size_t(rows) * std::size_t(spec.grid.cols), strip.data());
    writer.write(strip);
  }
  writer.finish();
}

// Every cell of `band` as doubles.
std::vector<double> read_band(GDALRasterBandH band) {
  const int cols = GDALGetRasterBandXSize(band), rows = GDALGetRasterBandYSize(band);
  std::vector<double> out(std::size_t(cols) * std::size_t(rows));
  EXPECT_EQ(GDALRasterIO(band, GF_Read, 0, 0, cols, rows, out.data(), cols, rows, GDT_Float64, 0, 0), CE_None);
  return out;
}

std::string run_validator(const std::string& path) {
  const std::string command =
      "/usr/bin/python3 /usr/lib/python3/dist-packages/osgeo_utils/samples/validate_cloud_optimized_geotiff.py --full-check=yes " + path + " 2>&1";
  std::string out;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (!pipe) return "cannot run the validator";
  char buffer[512];
  while (std::fgets(buffer, sizeof buffer, pipe)) out += buffer;
  ::pclose(pipe);
  return out;
}

// The direct COG and GDAL's from the same strips read back the same in GDAL; `cog` false: plain tiled
// GeoTIFFs, without overviews.
void expect_same_as_gdals(const std::string& direct, const std::string& reference, const std::string& what, bool cog = true) {
  GDALDatasetH a = GDALOpen(direct.c_str(), GA_ReadOnly), b = GDALOpen(reference.c_str(), GA_ReadOnly);
  ASSERT_TRUE(a && b) << what;
  double ga[6], gb[6];
  GDALGetGeoTransform(a, ga);
  GDALGetGeoTransform(b, gb);
  for (int i = 0; i < 6; ++i) EXPECT_EQ(ga[i], gb[i]) << what;
  OGRSpatialReferenceH sa = OSRNewSpatialReference(GDALGetProjectionRef(a)), sb = OSRNewSpatialReference(GDALGetProjectionRef(b));
  EXPECT_TRUE(OSRIsSame(sa, sb)) << what << ": " << GDALGetProjectionRef(a);
  OSRDestroySpatialReference(sa);
  OSRDestroySpatialReference(sb);
  EXPECT_STREQ(GDALGetMetadataItem(a, "ECOMON_TEST", nullptr), "yes") << what;
  if (cog) {
    EXPECT_STREQ(GDALGetMetadataItem(a, "LAYOUT", "IMAGE_STRUCTURE"), "COG") << what;
  }
  GDALRasterBandH ba = GDALGetRasterBand(a, 1), bb = GDALGetRasterBand(b, 1);
  EXPECT_EQ(GDALGetRasterDataType(ba), GDALGetRasterDataType(bb)) << what;
  int has_a = 0, has_b = 0;
  EXPECT_EQ(GDALGetRasterNoDataValue(ba, &has_a), GDALGetRasterNoDataValue(bb, &has_b)) << what;
  EXPECT_TRUE(has_a && has_b) << what;
  EXPECT_STREQ(GDALGetDescription(ba), GDALGetDescription(bb)) << what;
  EXPECT_EQ(GDALGetRasterScale(ba, nullptr), GDALGetRasterScale(bb, nullptr)) << what;
  EXPECT_STREQ(GDALGetRasterUnitType(ba), GDALGetRasterUnitType(bb)) << what;
  EXPECT_EQ(GDALGetRasterColorInterpretation(ba), GDALGetRasterColorInterpretation(bb)) << what;
  GDALColorTableH ca = GDALGetRasterColorTable(ba), cb = GDALGetRasterColorTable(bb);
  ASSERT_EQ(ca == nullptr, cb == nullptr) << what;
  if (ca) {
    ASSERT_EQ(GDALGetColorEntryCount(ca), GDALGetColorEntryCount(cb)) << what;
    for (int i = 0; i < GDALGetColorEntryCount(ca); ++i) {
      const GDALColorEntry *x = GDALGetColorEntry(ca, i), *y = GDALGetColorEntry(cb, i);
      EXPECT_TRUE(x->c1 == y->c1 && x->c2 == y->c2 && x->c3 == y->c3 && x->c4 == y->c4) << what << " entry " << i;
    }
  }
  EXPECT_EQ(read_band(ba), read_band(bb)) << what;
  ASSERT_EQ(GDALGetOverviewCount(ba), GDALGetOverviewCount(bb)) << what;
  EXPECT_EQ(GDALGetOverviewCount(ba), cog ? 3 : 0) << what;  // 550, 275, 138 columns
  for (int l = 0; l < GDALGetOverviewCount(ba); ++l)
    EXPECT_EQ(read_band(GDALGetOverview(ba, l)), read_band(GDALGetOverview(bb, l))) << what << " overview " << l;
  GDALClose(a);
  GDALClose(b);
}

template <typename T>
void check_type(PixelType type, const std::string& name) {
  const fs::path dir = fresh_dir(name);
  const RasterSpec spec = spec_of(type);
  const std::vector<T> cells = cells_of<T>(spec);
  const CogOptions reference_options{"LZW", 1, 256, true, 1, true};  // LZW: through GDAL's COG driver
  const std::string reference = (dir / "gdal.tif").string();
  write_in_strips(reference, spec, reference_options, cells, (dir / "tmp").string());
  for (const std::string codec : {"ZSTD", "DEFLATE", "NONE"}) {
    const std::string direct = (dir / (codec + ".tif")).string();
    write_in_strips(direct, spec, CogOptions{codec, codec == "ZSTD" ? 1 : 6, 256, true, 1, true}, cells, (dir / "tmp").string());
    expect_same_as_gdals(direct, reference, name + " " + codec);
    const std::string verdict = run_validator(direct);
    EXPECT_NE(verdict.find("is a valid cloud optimized GeoTIFF"), std::string::npos) << name << " " << codec << ": " << verdict;
  }
  // No temporary file is left behind.
  EXPECT_TRUE(fs::is_empty(dir / "tmp")) << name;
  fs::remove_all(dir);
}

}  // namespace

TEST(DirectCog, EveryPixelTypeAndCodecReadsBackAsGdalsCogOfTheSameStrips) {
  geo::io::initialise_gdal(64);
  check_type<std::uint8_t>(PixelType::u8, "u8");
  check_type<std::int16_t>(PixelType::i16, "i16");
  check_type<std::uint16_t>(PixelType::u16, "u16");
  check_type<float>(PixelType::f32, "f32");
}

namespace {

// A plain tiled GeoTIFF (cloud_optimized false: a run's work file) written directly reads back in
// GDAL as the one GDAL's GTiff driver writes from the same strips (LZW takes that path): the same
// cells, georeferencing, nodata, scale, colours and metadata, tiled, no overviews.
template <typename T>
void check_plain(PixelType type, const std::string& name) {
  const fs::path dir = fresh_dir("plain_" + name);
  const RasterSpec spec = spec_of(type);
  const std::vector<T> cells = cells_of<T>(spec);
  CogOptions options{"ZSTD", 1, 256, true, 1, false};
  const std::string direct = (dir / "direct.tif").string(), reference = (dir / "gdal.tif").string();
  write_in_strips(direct, spec, options, cells, (dir / "tmp").string());
  options.codec = "LZW";
  write_in_strips(reference, spec, options, cells, (dir / "tmp").string());
  expect_same_as_gdals(direct, reference, "plain " + name, false);
  GDALDatasetH a = GDALOpen(direct.c_str(), GA_ReadOnly);
  ASSERT_TRUE(a) << name;
  EXPECT_STREQ(GDALGetMetadataItem(a, "COMPRESSION", "IMAGE_STRUCTURE"), "ZSTD") << name;
  int block_cols = 0, block_rows = 0;
  GDALGetBlockSize(GDALGetRasterBand(a, 1), &block_cols, &block_rows);
  EXPECT_EQ(block_cols, 256) << name;
  EXPECT_EQ(block_rows, 256) << name;
  GDALClose(a);
  EXPECT_TRUE(fs::is_empty(dir / "tmp")) << name;
  fs::remove_all(dir);
}

}  // namespace

TEST(DirectCog, PlainTiledGeoTiffReadsBackAsGdalsOfTheSameStrips) {
  geo::io::initialise_gdal(64);
  check_plain<std::uint8_t>(PixelType::u8, "u8");
  check_plain<std::int16_t>(PixelType::i16, "i16");
  check_plain<std::uint16_t>(PixelType::u16, "u16");
  check_plain<float>(PixelType::f32, "f32");
}

TEST(DirectCog, TheSameStripsGiveTheSameBytes) {
  geo::io::initialise_gdal(64);
  const fs::path dir = fresh_dir("bytes");
  const RasterSpec spec = spec_of(PixelType::f32);
  const std::vector<float> cells = cells_of<float>(spec);
  const CogOptions options{"ZSTD", 1, 256, true, 1, true};
  write_in_strips((dir / "a.tif").string(), spec, options, cells, (dir / "tmp").string());
  write_in_strips((dir / "b.tif").string(), spec, options, cells, (dir / "tmp").string());
  const auto bytes = [](const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  };
  EXPECT_EQ(bytes(dir / "a.tif"), bytes(dir / "b.tif"));
  fs::remove_all(dir);
}

namespace {

// Every row of `cells` at full resolution, and overview level l all 100 x l: what GDAL reads from
// the overviews is known without a pyramid.
void add_cells_and_constant_overviews(geo::io::cog::CogFile& file, const RasterSpec& spec, const std::vector<std::int16_t>& cells, int levels) {
  file.add_rows(0, cells.data(), spec.grid.rows);
  for (int l = 1, cols = spec.grid.cols, rows = spec.grid.rows; l <= levels; ++l) {
    cols = (cols + 1) / 2;
    rows = (rows + 1) / 2;
    const std::vector<std::int16_t> level(std::size_t(cols) * std::size_t(rows), std::int16_t(100 * l));
    file.add_rows(l, level.data(), rows);
  }
}

}  // namespace

TEST(DirectCog, BigTiffWhenAskedReadsBackTheSame) {
  geo::io::initialise_gdal(64);
  const fs::path dir = fresh_dir("big");
  RasterSpec spec = spec_of(PixelType::i16);
  const std::vector<std::int16_t> cells = cells_of<std::int16_t>(spec);
  const CogOptions options{"ZSTD", 1, 256, true, 1, true};
  const int levels = geo::OverviewPyramid::level_count(spec.grid.cols, spec.grid.rows, options.block_size);
  ASSERT_EQ(levels, 3);
  geo::io::cog::CogFile file(spec, options, levels, {}, (dir / "spool").string());
  add_cells_and_constant_overviews(file, spec, cells, levels);
  const std::string path = (dir / "big.tif").string();
  file.write(path, path, true);
  std::ifstream in(path, std::ios::binary);
  char magic[4] = {};
  in.read(magic, 4);
  EXPECT_EQ(std::string(magic, 4), std::string("II+\0", 4));
  GDALDatasetH ds = GDALOpen(path.c_str(), GA_ReadOnly);
  ASSERT_TRUE(ds);
  GDALRasterBandH band = GDALGetRasterBand(ds, 1);
  const std::vector<double> got = read_band(band);
  ASSERT_EQ(got.size(), cells.size());
  for (std::size_t i = 0; i < cells.size(); ++i) ASSERT_EQ(got[i], double(cells[i])) << i;
  ASSERT_EQ(GDALGetOverviewCount(band), levels);
  for (int l = 0; l < levels; ++l)
    for (double v : read_band(GDALGetOverview(band, l))) ASSERT_EQ(v, 100.0 * (l + 1));
  GDALClose(ds);
  const std::string verdict = run_validator(path);
  EXPECT_NE(verdict.find("is a valid cloud optimized GeoTIFF"), std::string::npos) << verdict;
  fs::remove_all(dir);
}

TEST(DirectCog, StripsOutOfOrderOrMissingAreRefusedNamingTheFile) {
  geo::io::initialise_gdal(64);
  const fs::path dir = fresh_dir("order");
  const RasterSpec spec = spec_of(PixelType::u16);
  const std::string path = (dir / "out.tif").string();
  {
    CogWriter writer(path, spec, CogOptions{}, (dir / "tmp").string());
    geo::Block<std::uint16_t> strip(geo::Window{0, 100, spec.grid.cols, 10}, 1);
    try {
      writer.write(strip);
      FAIL() << "a strip out of order was taken";
    } catch (const std::logic_error& e) {
      EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
    }
  }
  {
    CogWriter writer(path, spec, CogOptions{}, (dir / "tmp").string());
    writer.write(geo::Block<std::uint16_t>(geo::Window{0, 0, spec.grid.cols, 10}, 1));
    try {
      writer.finish();
      FAIL() << "a raster missing rows was written";
    } catch (const geo::io::WriteError& e) {
      EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find("10 of its 700 rows"), std::string::npos) << e.what();
    }
  }
  EXPECT_FALSE(fs::exists(path));
  EXPECT_TRUE(fs::is_empty(dir / "tmp"));
  fs::remove_all(dir);
}

namespace {

std::string bytes_of(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// Rows [row0, row0 + rows) of `cells` written as a part of the raster.
template <typename T>
std::string write_part(const fs::path& dir, const RasterSpec& spec, CogOptions options, const std::vector<T>& cells, int row0, int rows) {
  EXPECT_TRUE(CogWriter::part_possible(spec, options, row0, rows)) << row0 << "+" << rows;
  options.part_row0 = row0;
  options.part_rows = rows;
  const std::string path = (dir / ("part_" + std::to_string(row0) + ".cogpart")).string();
  CogWriter writer(path, spec, options, (dir / "tmp").string());
  for (int r = 0; r < rows; r += 50) {  // strips counted from the part's first row
    const int n = std::min(50, rows - r);
    geo::Block<T> strip(geo::Window{0, r, spec.grid.cols, n});
    std::copy_n(cells.begin() + std::ptrdiff_t(row0 + r) * spec.grid.cols, std::size_t(n) * std::size_t(spec.grid.cols), strip.data());
    writer.write(strip);
  }
  writer.finish();
  return path;
}

}  // namespace

TEST(DirectCog, PartsAppendedGiveTheSameBytesAsTheWholeRastersStrips) {
  geo::io::initialise_gdal(64);
  const fs::path dir = fresh_dir("parts");
  for (const PixelType type : {PixelType::i16, PixelType::u8}) {
    const RasterSpec spec = spec_of(type);
    const CogOptions options{"ZSTD", 1, 256, true, 1, true};
    const std::string whole = (dir / "whole.tif").string(), from_parts = (dir / "parts.tif").string(), mixed = (dir / "mixed.tif").string();
    // Three overview levels: parts start at multiples of 8 rows, neither at the 256-row bands' edges
    // nor of one length; the last ends the raster at an odd row count.
    ASSERT_FALSE(CogWriter::part_possible(spec, options, 300, 8));
    ASSERT_FALSE(CogWriter::part_possible(spec, options, 304, 300));
    const auto run = [&](auto sample) {
      using T = decltype(sample);
      const std::vector<T> cells = cells_of<T>(spec);
      write_in_strips(whole, spec, options, cells, (dir / "tmp").string());
      std::vector<std::string> parts;
      for (const auto& [row0, rows] : std::vector<std::pair<int, int>>{{0, 304}, {304, 8}, {312, 296}, {608, 92}})
        parts.push_back(write_part(dir, spec, options, cells, row0, rows));
      {
        CogWriter writer(from_parts, spec, options, (dir / "tmp").string());
        for (const std::string& part : parts) writer.append_part(part);
        writer.finish();
      }
      EXPECT_EQ(bytes_of(whole), bytes_of(from_parts));
      {  // Strips of the whole raster's own between parts, as a year that made some tiles itself.
        CogWriter writer(mixed, spec, options, (dir / "tmp").string());
        writer.append_part(parts[0]);
        geo::Block<T> strip(geo::Window{0, 304, spec.grid.cols, 8});
        std::copy_n(cells.begin() + std::ptrdiff_t(304) * spec.grid.cols, std::size_t(8) * std::size_t(spec.grid.cols), strip.data());
        writer.write(strip);
        writer.append_part(parts[2]);
        // A part out of turn is refused, naming it.
        try {
          writer.append_part(parts[1]);
          ADD_FAILURE() << "a part out of turn was taken";
        } catch (const geo::io::WriteError& e) {
          EXPECT_NE(std::string(e.what()).find(parts[1]), std::string::npos) << e.what();
        }
        writer.append_part(parts[3]);
        writer.finish();
      }
      EXPECT_EQ(bytes_of(whole), bytes_of(mixed));
    };
    if (type == PixelType::i16) run(std::int16_t{});
    else run(std::uint8_t{});
  }
  EXPECT_TRUE(fs::is_empty(dir / "tmp"));
  fs::remove_all(dir);
}

// The full resolution's tiles are spooled as the COG holds them, and the header and overviews
// inserted before them where the file system can (ext4, XFS); elsewhere the file is copied. Both give
// the same bytes, a valid COG, and leave no temporary file.
TEST(DirectCog, TheFullResolutionKeptInPlaceOrCopiedGivesTheSameBytes) {
  geo::io::initialise_gdal(64);
  const fs::path dir = fresh_dir("in_place");
  const RasterSpec spec = spec_of(PixelType::i16);
  const std::vector<std::int16_t> cells = cells_of<std::int16_t>(spec);
  const CogOptions options{"ZSTD", 1, 256, true, 1, true};
  const int levels = geo::OverviewPyramid::level_count(spec.grid.cols, spec.grid.rows, options.block_size);
  const auto write = [&](const fs::path& path, bool insert) {
    geo::io::cog::set_insert_in_place(insert);
    fs::create_directories(dir / "spool");
    geo::io::cog::CogFile file(spec, options, levels, {}, (dir / "spool" / "tiles").string());
    add_cells_and_constant_overviews(file, spec, cells, levels);
    const geo::io::cog::CogPlacement placement = file.write(path.string(), path.string());
    geo::io::cog::set_insert_in_place(true);
    return placement;
  };
  struct statfs fs_info {};
  ASSERT_EQ(::statfs(dir.c_str(), &fs_info), 0);
  const bool can_insert = fs_info.f_type == 0xEF53 /* ext2/3/4 */ || fs_info.f_type == 0x58465342 /* XFS */;
  using geo::io::cog::CogPlacement;
  const CogPlacement first = write(dir / "in_place.tif", true);
  if (can_insert) {
    EXPECT_EQ(first, CogPlacement::in_place) << "ext4 and XFS insert ranges";
  }
  EXPECT_EQ(write(dir / "copied.tif", false), CogPlacement::copied);
  EXPECT_EQ(bytes_of(dir / "in_place.tif"), bytes_of(dir / "copied.tif"));
  EXPECT_EQ(fs::status(dir / "in_place.tif").permissions(), fs::status(dir / "copied.tif").permissions()) << "readable alike";
  const std::string verdict = run_validator((dir / "in_place.tif").string());
  EXPECT_NE(verdict.find("is a valid cloud optimized GeoTIFF"), std::string::npos) << verdict;
  EXPECT_TRUE(fs::is_empty(dir / "spool"));

  // Inserted in the spool's file system, then published on another one (a shared memory folder, when
  // the machine has one apart): the rename cannot cross, so the inserted file is copied whole.
  struct stat spool_dev {}, shm_dev {};
  if (can_insert && ::stat(dir.c_str(), &spool_dev) == 0 && ::stat("/dev/shm", &shm_dev) == 0 && spool_dev.st_dev != shm_dev.st_dev &&
      ::access("/dev/shm", W_OK) == 0) {
    const fs::path elsewhere = fs::path("/dev/shm") / ("ecomon_in_place_" + std::to_string(::getpid()) + ".tif");
    EXPECT_EQ(write(elsewhere, true), CogPlacement::inserted_then_copied) << "inserted, then copied across file systems";
    EXPECT_EQ(bytes_of(elsewhere), bytes_of(dir / "copied.tif"));
    EXPECT_EQ(fs::status(elsewhere).permissions(), fs::status(dir / "copied.tif").permissions());
    EXPECT_TRUE(fs::is_empty(dir / "spool")) << "the inserted spool is removed once copied";
    fs::remove(elsewhere);
  } else {
    std::cerr << "no second file system at /dev/shm: the copy across file systems is not exercised here\n";
  }
  fs::remove_all(dir);
}
