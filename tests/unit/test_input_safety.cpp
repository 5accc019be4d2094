// Regression tests for inputs that once gave wrong figures or wrote outside the output folder, on the
// pieces that decide them: dates, product identifiers, output paths, reflectance rescaling, tar
// archives, checked writes, open-failure messages, the NaN-cover tally, numbers in the config.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <functional>
#include <fstream>

#include "config/settings.hpp"
#include "engine/scene_engine.hpp"
#include "products/index_products.hpp"
#include "sensors/identifiers.hpp"
#include "libgeo/io/projection.hpp"
#include "libgeo/io/raster.hpp"
#include "libgeo/io/vector.hpp"
#include "libgeo/io/vsi.hpp"
#include "base/output_folder.hpp"
#include "sensors/radiometry.hpp"

using namespace ecomon;
namespace fs = std::filesystem;

namespace {

fs::path fresh(const std::string& name) {
  const auto dir = fs::temp_directory_path() / ("ecomon_safety_" + name + "_" + std::to_string(getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const std::exception& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST(Dates, StrictIsoCalendarDates) {
  EXPECT_EQ(checked_iso_date("2023-08-09", "m.txt", "DATE_ACQUIRED"), "2023-08-09");
  EXPECT_EQ(checked_iso_date("2024-02-29", "m.txt", "DATE_ACQUIRED"), "2024-02-29");  // leap year
  for (const std::string bad : {"20x3-08-09", "2023-13-45", "2023-8-9", "yesterday", "", "2023-02-29", "1900-02-28", "2023-04-31",
                                "2023-08-09T00:00", " 2023-08-09"}) {
    const std::string e = error_of([&] { checked_iso_date(bad, "m.txt", "DATE_ACQUIRED"); });
    EXPECT_NE(e.find("m.txt: key DATE_ACQUIRED has value '" + bad + "'"), std::string::npos) << bad << ": " << e;
  }
  // Day of year (HLS granule names): by hand, leap and common years.
  EXPECT_EQ(date_of_day_of_year(2023, 1), "2023-01-01");
  EXPECT_EQ(date_of_day_of_year(2023, 201), "2023-07-20");
  EXPECT_EQ(date_of_day_of_year(2024, 202), "2024-07-20");
  EXPECT_EQ(date_of_day_of_year(2024, 60), "2024-02-29");
  EXPECT_EQ(date_of_day_of_year(2023, 60), "2023-03-01");
  EXPECT_EQ(date_of_day_of_year(2024, 366), "2024-12-31");
  for (const auto& [year, day] : std::vector<std::pair<int, int>>{{2023, 366}, {2023, 0}, {2024, 367}, {2023, -5}})
    EXPECT_EQ(date_of_day_of_year(year, day), "") << year << " " << day;
}

TEST(ProductIds, LandsatAndSentinel2NamingConventions) {
  EXPECT_NO_THROW(check_landsat_product_id("LC08_L2SP_129032_20230720_20230802_02_T1", "m"));
  EXPECT_NO_THROW(check_landsat_product_id("LE07_L1TP_195025_20010730_20170204_01_T1", "m"));
  EXPECT_NO_THROW(check_sentinel2_product_id("S2A_MSIL2A_20230720T033541_N0509_R061_T48TXL_20230720T065312", "m"));
  for (const std::string bad : {"../../../escaped", "/tmp/abs", "", "LC08_L2SP_129032_20230720_20230802_02_T1/..",
                                "LC08_L2SP_129032_20230720_20230802_02_T1 ", "x"}) {
    const std::string e = error_of([&] { check_landsat_product_id(bad, "m_MTL.txt"); });
    EXPECT_NE(e.find("m_MTL.txt: key LANDSAT_PRODUCT_ID has value '" + bad + "'"), std::string::npos) << e;
    EXPECT_FALSE(error_of([&] { check_sentinel2_product_id(bad, "MTD_MSIL2A.xml"); }).empty()) << bad;
  }
}

TEST(OutputPaths, RefuseTraversalAbsoluteAndEmptyNames) {
  const fs::path root = fresh("paths") / "out";
  EXPECT_EQ(path_inside(root.string(), {"products", "A", "A_NDVI.tif"}), (root / "products/A/A_NDVI.tif").string());
  for (const std::vector<std::string>& bad : std::vector<std::vector<std::string>>{
           {"products", "../../../escaped"}, {"products", ".."}, {"/etc"}, {"products", ""}, {""}, {"a/b"}, {"."}}) {
    const std::string e = error_of([&] { path_inside(root.string(), bad); });
    EXPECT_NE(e.find("refusing the output name"), std::string::npos) << e;
  }
  // A root given with ".." in it is fine; the result is judged against the root itself.
  EXPECT_NO_THROW(path_inside((root / "x" / "..").string(), {"county_report.csv"}));
}

TEST(OutputPaths, ASecondRunOnTheFolderIsRefusedNamingTheHolder) {
  const fs::path root = fresh("lock");
  {
    const OutputFolder first(root.string());
    const std::string e = error_of([&] { OutputFolder second(root.string()); });
    EXPECT_NE(e.find("in use by another ecomon run (pid " + std::to_string(getpid())), std::string::npos) << e;
    EXPECT_NE(first.work_dir().find(".tmp/" + std::to_string(getpid())), std::string::npos);
  }
  EXPECT_NO_THROW(OutputFolder again(root.string()));  // released with the first
}

TEST(Radiometry, PublishedRescalingsPassDamagedOnesAreNamed) {
  EXPECT_NO_THROW(check_reflectance_scaling(2.75e-5, -0.2, 65535, "m", "k"));       // Landsat C2 L2
  EXPECT_NO_THROW(check_reflectance_scaling(2e-5, -0.1, 65535, "m", "k"));          // OLI C1 TOA
  EXPECT_NO_THROW(check_reflectance_scaling(1.2384e-3, -0.011098, 255, "m", "k"));  // ETM+ high-gain blue
  EXPECT_NO_THROW(check_reflectance_scaling(1e-4, -0.1, 65535, "m", "k"));          // Sentinel-2 N0400
  for (const auto& [gain, offset] : std::vector<std::pair<double, double>>{
           {1e38, -0.2}, {0, 0}, {0, -0.2}, {-2.75e-5, 0}, {INFINITY, 0}, {2.75e-5, 5}, {1e-8, -0.2}, {2.75e-5, NAN}}) {
    const std::string e = error_of([&] { check_reflectance_scaling(gain, offset, 65535, "x_MTL.txt", "REFLECTANCE_MULT_BAND_4"); });
    EXPECT_NE(e.find("x_MTL.txt: implausible reflectance rescaling in REFLECTANCE_MULT_BAND_4"), std::string::npos) << gain << " " << e;
  }
  EXPECT_TRUE(plausible_reflectance(-0.19997f) && plausible_reflectance(1.6f));
  EXPECT_FALSE(plausible_reflectance(6.4f) || plausible_reflectance(NAN) || plausible_reflectance(INFINITY) ||
               plausible_reflectance(-0.3f));
}

TEST(TarArchives, WholeTruncatedAndForeign) {
  const fs::path dir = fresh("tar");
  fs::create_directories(dir / "scene");
  std::ofstream(dir / "scene" / "a.txt") << std::string(3000, 'a');
  std::ofstream(dir / "scene" / "b.txt") << "b";
  ASSERT_EQ(std::system(("tar -C " + dir.string() + " -cf " + (dir / "whole.tar").string() + " scene").c_str()), 0);
  EXPECT_EQ(geo::io::tar_archive_problem((dir / "whole.tar").string()), "");
  fs::copy_file(dir / "whole.tar", dir / "cut.tar");
  fs::resize_file(dir / "cut.tar", 2048);  // inside a.txt's data
  EXPECT_NE(geo::io::tar_archive_problem((dir / "cut.tar").string()).find("truncated: member scene/a.txt needs 3000 bytes"),
            std::string::npos)
      << geo::io::tar_archive_problem((dir / "cut.tar").string());
  std::ofstream r(dir / "random.tar", std::ios::binary);
  for (int i = 0; i < 4096; ++i) r.put(char((i * 7919) % 251));
  r.close();
  EXPECT_NE(geo::io::tar_archive_problem((dir / "random.tar").string()).find("not a tar archive"), std::string::npos);
}

// The error of `write` run under a file-size limit of 100 bytes: write() fails with EFBIG there, as a
// full disk makes it fail with ENOSPC.
template <typename Write>
std::string error_past_100_bytes(Write write) {
  struct rlimit old {};
  getrlimit(RLIMIT_FSIZE, &old);
  const auto old_handler = signal(SIGXFSZ, SIG_IGN);
  struct rlimit small = old;
  small.rlim_cur = 100;
  if (setrlimit(RLIMIT_FSIZE, &small) != 0) return "setrlimit failed";
  const std::string e = error_of(write);
  setrlimit(RLIMIT_FSIZE, &old);
  signal(SIGXFSZ, old_handler);
  return e;
}

TEST(CheckedWrites, AFailedWriteIsAnErrorAndLeavesNoFile) {
  const fs::path dir = fresh("full");
  const std::string target = (dir / "scene_status.csv").string();
  const std::string e = error_past_100_bytes([&] { geo::io::write_file_atomically(target, std::string(5000, 'x')); });
  EXPECT_NE(e.find(target + ": cannot write (100 of 5000 bytes written)"), std::string::npos) << e;
  EXPECT_TRUE(fs::is_empty(dir)) << "neither the final file nor a .partial may remain";
  geo::io::write_file_atomically(target, "ok\n");
  EXPECT_EQ(fs::file_size(target), 3u);
}

// A folder written to be put in place by one rename (STAC): every file whole in its folder, created
// as needed; a write that fails names the file and leaves no part of it.
TEST(CheckedWrites, FilesWrittenDurablyAreWholeAndAFailureNamesTheFile) {
  const fs::path dir = fresh("durable");
  geo::io::write_files_durably((dir / "catalog").string(), {{"catalog.json", "{}\n"}, {"a/item/item.json", "[1]\n"}, {"a/collection.json", ""}});
  auto text = [](const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  };
  EXPECT_EQ(text(dir / "catalog" / "catalog.json"), "{}\n");
  EXPECT_EQ(text(dir / "catalog" / "a" / "item" / "item.json"), "[1]\n");
  EXPECT_TRUE(fs::is_regular_file(dir / "catalog" / "a" / "collection.json"));
  EXPECT_EQ(fs::file_size(dir / "catalog" / "a" / "collection.json"), 0u);

  const std::string e =
      error_past_100_bytes([&] { geo::io::write_files_durably((dir / "big").string(), {{"x/big.json", std::string(5000, 'x')}}); });
  const std::string big = (dir / "big" / "x" / "big.json").string();
  EXPECT_NE(e.find(big + ": cannot write (100 of 5000 bytes written)"), std::string::npos) << e;
  EXPECT_FALSE(fs::exists(big));
  // A folder that cannot be made (a file is in its place) names the file to be written.
  std::ofstream(dir / "plain") << "x";
  const std::string blocked = error_of([&] { geo::io::write_files_durably(dir.string(), {{"plain/inner.json", "{}"}}); });
  EXPECT_NE(blocked.find((dir / "plain" / "inner.json").string() + ": cannot create its folder"), std::string::npos) << blocked;
  // A name that leads out of the folder is refused before anything is written; a trailing slash on
  // the folder is the same folder.
  const std::string outside = error_of([&] { geo::io::write_files_durably((dir / "c").string(), {{"../escaped.json", "{}"}}); });
  EXPECT_NE(outside.find("escaped.json: not a file inside"), std::string::npos) << outside;
  EXPECT_FALSE(fs::exists(dir / "escaped.json"));
  geo::io::write_files_durably((dir / "d").string() + "/", {{"e/f.json", "{}"}});
  EXPECT_EQ(text(dir / "d" / "e" / "f.json"), "{}");
}

// Folders flushed once per batch: a file is in place as soon as it is published; the batch owes a
// flush only to the folders a rename went into while it lived (a folder gone since makes finish()
// fail naming it), whatever way the folder is spelt; a folder outside every batch is flushed at once;
// overlapping batches owe each flush once; ending without finish() does not throw.
TEST(CheckedWrites, AFolderSyncBatchFlushesTheFoldersRenamesWentIntoOnce) {
  const fs::path dir = fresh("batch");
  const fs::path into = dir / "years" / "2022", untouched = dir / "untouched", outside = dir / "outside";
  for (const fs::path& f : {into, untouched, outside}) fs::create_directories(f);
  {
    geo::io::FolderSyncBatch batch({(dir / "years" / "." / "2022").string() + "/", untouched.string()});
    geo::io::write_file_atomically((into / "a.tif").string(), "cells");
    geo::io::write_file_atomically((outside / "b.csv").string(), "rows");
    EXPECT_EQ(fs::file_size(into / "a.tif"), 5u) << "in place before the batch finishes";
    // The folder a rename went into, gone before the batch flushes it: its flush fails, named.
    fs::remove_all(into);
    fs::remove_all(untouched);  // no rename went there: nothing owed
    fs::remove_all(outside);    // flushed when its file was published: nothing owed
    const std::string e = error_of([&] { batch.finish(); });
    EXPECT_NE(e.find(into.string() + ": cannot open to flush the folder"), std::string::npos) << e;
    EXPECT_EQ(error_of([&] { batch.finish(); }), "") << "finished once";
  }
  fs::create_directories(into);
  {
    geo::io::FolderSyncBatch first({into.string()}), second({into.string()});
    geo::io::write_file_atomically((into / "c.tif").string(), "x");
    EXPECT_EQ(error_of([&] { first.finish(); }), "");
    fs::remove_all(into);
    EXPECT_EQ(error_of([&] { second.finish(); }), "") << "the first batch paid the flush";
  }
  fs::create_directories(into);
  EXPECT_EQ(error_of([&] {
              geo::io::FolderSyncBatch unfinished({into.string()});
              geo::io::write_file_atomically((into / "d.tif").string(), "x");
              fs::remove_all(into);
            }),
            "")
      << "a batch ended without finish() flushes quietly";
}

TEST(CheckedWrites, TheSameZonesGiveTheSameGeoPackageBytes) {
  geo::io::initialise_gdal(64);
  // GeoPackage stores a last-change time; it must not make two runs' outputs differ.
  const fs::path dir = fresh("gpkg");
  std::vector<geo::io::Zone> zones(1);
  zones[0].code = "150802", zones[0].name = "临河区";
  zones[0].geometry = geo::MultiPolygon{{geo::Polygon{{{107.0, 40.5}, {107.5, 40.5}, {107.5, 41.0}, {107.0, 41.0}}, {}}}};
  auto bytes = [](const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  };
  geo::io::write_zones_gpkg((dir / "a.gpkg").string(), "zones", zones, "code", "name");
  sleep(1);  // the clock moves on between the two
  geo::io::write_zones_gpkg((dir / "b.gpkg").string(), "zones", zones, "code", "name");
  EXPECT_TRUE(bytes(dir / "a.gpkg") == bytes(dir / "b.gpkg"));
}

TEST(CheckedWrites, TemporaryNamesAreUniquePerProcessAndWriter) {
  const std::string a = geo::io::unique_partial_path("/o/x.tif", true), b = geo::io::unique_partial_path("/o/x.tif", true);
  EXPECT_NE(a, b);
  EXPECT_EQ(a.rfind("/o/x." + std::to_string(getpid()) + "-", 0), 0u) << a;
  EXPECT_TRUE(a.ends_with(".partial.tif")) << a;
  EXPECT_TRUE(geo::io::unique_partial_path("/o/r.csv").ends_with(".partial"));
}

TEST(OpenFailures, SayMissingFolderOrNotARaster) {
  geo::io::initialise_gdal(16);
  const fs::path dir = fresh("open");
  EXPECT_EQ(error_of([&] { geo::io::RasterReader((dir / "B4.TIF").string()); }), (dir / "B4.TIF").string() + ": does not exist");
  EXPECT_NE(error_of([&] { geo::io::RasterReader(dir.string()); }).find("is a folder"), std::string::npos);
  std::ofstream(dir / "text.TIF") << "not a raster";
  EXPECT_NE(error_of([&] { geo::io::RasterReader((dir / "text.TIF").string()); }).find("is not a raster GDAL can read"), std::string::npos);
}

namespace {

// A 4 x 1 scene: land, land, and two clear pixels whose NDVI is 0/0 (red = -NIR), one of which
// also has MNDWI 0/0. Before the fix they were tallied as water through an out-of-bounds write.
class UndefinedIndexSource final : public ObservationSource {
 public:
  explicit UndefinedIndexSource(const geo::Grid& grid, const BandSet& bands = required_bands()) {
    info_ = {"T", "2023-07-20", "TEST", "TEST", "SR", "table"};
    grid_ = grid;
    bands_ = bands;
  }
  ObservationBlock read(const geo::Window& w) override {
    ObservationBlock o(w, bands_, PixelState::clear);
    const float red[4] = {0.1f, 0.1f, -0.1f, -0.1f}, nir[4] = {0.5f, 0.5f, 0.1f, 0.1f};
    const float green[4] = {0.1f, 0.1f, 0.1f, 0.2f}, swir[4] = {0.3f, 0.3f, 0.3f, -0.2f};
    for (int c = 0; c < w.cols; ++c) {
      const int k = w.col0 + c;
      o[Band::red].at(0, c) = red[k], o[Band::nir].at(0, c) = nir[k], o[Band::green].at(0, c) = green[k], o[Band::swir1].at(0, c) = swir[k];
      if (bands_.has(Band::blue)) o[Band::blue].at(0, c) = 0.05f;
      if (bands_.has(Band::swir2)) o[Band::swir2].at(0, c) = 0.2f;
    }
    return o;
  }
};

}  // namespace

TEST(EngineGuards, UndefinedIndexIsMaskedNotCountedAsWater) {
  geo::io::initialise_gdal(16);
  const fs::path dir = fresh("nan_cover");
  const std::string crs = geo::io::crs_wkt("EPSG:32649");
  const geo::Grid grid{4, 1, {500000, 30, 4500000, -30}, crs};
  std::ofstream(dir / "zone.geojson")
      << R"({"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::32649"}},"features":[)"
      << R"({"type":"Feature","properties":{"code":"z","name":"z"},"geometry":{"type":"Polygon","coordinates":[[[500000,4499970],[500120,4499970],[500120,4500000],[500000,4500000],[500000,4499970]]]}}]})";
  Settings s;
  s.output.dir = (dir / "out").string();
  s.output.products = "none";
  s.run.threads = 1;
  s.forest.min_patch_ha = 0;
  UndefinedIndexSource source(grid);
  const SceneResult r = process_scene(source, s, {(dir / "zone.geojson").string(), "code", "name", ""}, (dir / "work").string());
  ASSERT_EQ(r.tallies.size(), 1u);
  const ZoneTally& t = r.tallies[0];
  const double cell = t.total_area / 4;  // four cells of ~900 m2 (ellipsoidal areas differ by ~1e-9)
  EXPECT_NEAR(t.observed_area, 2 * cell, 1e-3);
  EXPECT_EQ(t.water_area, 0.0);  // was 1801 m2: the two undefined pixels, through grade_area[-1]
  EXPECT_NEAR(t.land_area, 2 * cell, 1e-3);
  EXPECT_EQ(r.undefined_index_pixels, 2u);
  double graded = 0;
  for (double g : t.grade_area) graded += g;
  EXPECT_NEAR(graded, t.land_area, 1e-6);
  // EVI over the two land pixels (nir 0.5, red 0.1, blue 0.05): 2.5 x 0.4 / (0.5 + 0.6 - 0.375 + 1) = 1 / 1.725.
  ASSERT_EQ(t.index_sum.size(), 2u);  // EVI, then ALBEDO: the index products with a mean indicator
  EXPECT_NEAR(t.index_sum[0] / t.index_area[0], 1.0 / 1.725, 1e-6);
  EXPECT_NEAR(t.index_area[0], t.land_area, 1e-9);

  // A sensor without a blue band (GF-1/GF-6 WFV have none of SWIR, but blue stands in for any
  // product's own band here): EVI and ALBEDO, which read blue, are not computed; every other
  // product is, and the rules' figures do not change.
  s.output.products = "all";
  UndefinedIndexSource no_blue(grid, required_bands().without({Band::blue}));
  const SceneResult nb = process_scene(no_blue, s, {(dir / "zone.geojson").string(), "code", "name", ""}, (dir / "work_nb").string());
  std::vector<std::string> written;
  for (const std::string& p : nb.products) written.push_back(fs::path(p).filename().string());
  EXPECT_EQ(written, (std::vector<std::string>{"T_NDVI.tif", "T_MNDWI.tif", "T_MSAVI2.tif", "T_FVC.tif", "T_WATER.tif", "T_FOREST.tif",
                                               "T_SANDIFICATION_GRADE.tif", "T_CLEAR.tif"}));
  const ZoneTally& u = nb.tallies[0];
  EXPECT_EQ(u.observed_area, t.observed_area);
  EXPECT_EQ(u.fvc_area, t.fvc_area);
  ASSERT_EQ(u.index_sum.size(), 2u);  // EVI and ALBEDO keep their places, with no area: their means are undefined
  EXPECT_EQ(u.index_area[0], 0.0);
  EXPECT_EQ(u.index_area[1], 0.0);
}

TEST(ConfigNumbers, EachNumberIsReadOnce) {
  const Settings s = load_settings("", {"output.level=2.2e1", "run.window_rows=1e4", "run.threads=2"});
  EXPECT_EQ(s.output.level, 22);
  EXPECT_EQ(s.run.window_rows, 10000);
  EXPECT_EQ(s.run.threads, 2);
  EXPECT_NE(error_of([] { load_settings("", {"run.threads=2.5"}); }).find("not an integer"), std::string::npos);
}

TEST(ConfigNumbers, GridCrsMustBeProjectedInMetres) {
  std::string e = error_of([] { load_settings("", {"season.grid_crs=EPSG:4326"}); });
  EXPECT_NE(e.find("key 'season.grid_crs' is geographic (degrees)"), std::string::npos) << e;
  e = error_of([] { load_settings("", {"season.grid_crs=EPSG:2263"}); });  // NAD83 / New York Long Island (ftUS)
  EXPECT_NE(e.find("not metres"), std::string::npos) << e;
  e = error_of([] { load_settings("", {"season.grid_crs=not a crs"}); });
  EXPECT_NE(e.find("cannot be parsed"), std::string::npos) << e;
  EXPECT_NO_THROW(load_settings("", {"season.grid_crs=EPSG:32649"}));
}
