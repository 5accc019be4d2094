// The run end to end on simulated Bayannur scenes: accuracy against the simulated truth, determinism
// across threads and strip heights, ellipsoidal areas, metadata variants, and the real sample tiles.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>

#include "app/commands.hpp"
#include "helpers.hpp"
#include "libgeo/io/raster.hpp"
#include "simulator.hpp"

using namespace testing_helpers;
namespace fs = std::filesystem;

namespace {

// West of the Hetao cropland: Ulansuhai, the Yellow River, the Wula Shan forest and grassland.
constexpr double kWest = 108.75, kEast = 109.12, kSouth = 40.62, kNorth = 40.88;

struct SimulatedRun : ::testing::Test {
  static inline fs::path dir;
  static inline ecomon::SimulatedScene scene;
  static inline std::string zones, config;

  static void SetUpTestSuite() {
    geo::io::initialise_gdal(64);
    dir = fresh_dir("pipeline");
    ecomon::SimulationOptions o;
    o.output_dir = (dir / "scenes").string();
    o.west = kWest, o.east = kEast, o.south = kSouth, o.north = kNorth;
    o.utm_zone = 49;
    o.seed = 11;
    scene = ecomon::simulate_scene(o);
    zones = write_zones(dir / "zones.geojson", {box_feature("150823", "乌拉特前旗 west", 108.78, 40.66, 108.93, 40.85),
                                                box_feature("150899", "east", 108.93, 40.66, 109.09, 40.85),
                                                box_feature("inner", "inside the footprint", 108.88, 40.70, 109.0, 40.80),
                                                box_feature("none", "no overlap", 100.0, 30.0, 100.1, 30.1)});
    config = (dir / "run.yaml").string();
    std::ofstream(config) << "input: {dir: scenes}\nzones: {file: zones.geojson}\n"
                          << "fvc: {ndvi_soil: " << ecomon::SimulatorEndMembers::loam_ndvi
                          << ", ndvi_veg: " << ecomon::SimulatorEndMembers::veg_ndvi << "}\n";
  }

  static std::string run(const std::string& out, int threads, int window_rows, std::vector<std::string> extra = {}) {
    ecomon::RunOptions o;
    o.config_path = config;
    o.output_dir = (dir / out).string();
    o.threads = threads;
    o.overrides = std::move(extra);
    o.overrides.push_back("run.window_rows=" + std::to_string(window_rows));
    EXPECT_EQ(ecomon::run_command(o), 0);
    return read_file(dir / out / "county_report.csv");
  }
  static std::string product(const std::string& out, const std::string& name) {
    return (dir / out / "products" / scene.product_id / (scene.product_id + "_" + name + ".tif")).string();
  }
};

}  // namespace

TEST_F(SimulatedRun, AccuracyAgainstSimulatedTruth) {
  run("accuracy", 2, 256);
  const geo::io::RasterReader fvc(product("accuracy", "FVC")), water(product("accuracy", "WATER")), forest(product("accuracy", "FOREST")),
      clear(product("accuracy", "CLEAR"));
  const geo::io::RasterReader t_fvc(scene.truth_fvc), t_water(scene.truth_water), t_forest(scene.truth_forest);
  const auto w = fvc.grid().full();
  const auto f = fvc.read<std::uint8_t>(w), wa = water.read<std::uint8_t>(w), fo = forest.read<std::uint8_t>(w),
             cl = clear.read<std::uint8_t>(w);
  const auto tf = t_fvc.read<float>(w);
  const auto tw = t_water.read<std::uint8_t>(w), tfo = t_forest.read<std::uint8_t>(w);
  double sq = 0, n = 0, inter = 0, uni = 0, forest_px = 0, forest_truth_px = 0;
  for (std::size_t i = 0; i < f.size(); ++i) {
    if (cl[i] != 1) continue;
    const bool pw = wa[i] == 1, truth_w = tw[i] == 1;
    inter += pw && truth_w;
    uni += pw || truth_w;
    forest_px += fo[i] == 1;
    forest_truth_px += tfo[i] == 1;
    if (!truth_w && !pw) {
      const double e = f[i] * 0.005 - tf[i];
      sq += e * e;
      n += 1;
    }
  }
  const double rmse = std::sqrt(sq / n), iou = inter / uni, forest_err = (forest_px - forest_truth_px) / forest_truth_px;
  std::printf("[accuracy] clear land pixels %.0f, FVC RMSE %.4f, water IoU %.4f, forest area error %+.2f%% (%.0f vs %.0f px)\n", n, rmse,
              iou, 100 * forest_err, forest_px, forest_truth_px);
  EXPECT_GT(n, 100000);
  // The end-members are the simulator's loam and canopy; grassland and cropland soils are redder or
  // paler (NDVI 0.08-0.17), which the dimidiate model with one soil end-member cannot follow:
  // measured 0.060 with seed 11.
  EXPECT_LT(rmse, 0.07);
  EXPECT_GT(iou, 0.95);
  EXPECT_LT(std::abs(forest_err), 0.10);
}

TEST_F(SimulatedRun, ReportIsIdenticalForAnyThreadsAndStripHeight) {
  const std::string a = run("det_a", 1, 64, {"output.products=false"});
  const std::string b = run("det_b", 2, 300, {"output.products=false"});
  const std::string c = run("det_c", 2, 17, {"output.products=false"});
  EXPECT_EQ(a, b);
  EXPECT_EQ(a, c);
  EXPECT_GT(a.size(), 500u);
}

TEST_F(SimulatedRun, AreasAreEllipsoidalAndEmptyZonesGetZeroRows) {
  const auto rows = parse_csv(run("areas", 2, 128, {"output.products=false"}));
  ASSERT_EQ(rows.size(), 4u);
  std::map<std::string, std::map<std::string, std::string>> by;
  for (const auto& r : rows) by[r.at("zone_code")] = r;
  // A zone wholly inside the scene footprint: coverage-weighted ellipsoidal cell areas sum to its
  // geodesic area (straight UTM edges vs geodesic edges differ by ~1e-7 here).
  const double total = std::stod(by["inner"]["total_area_km2"]), zone = std::stod(by["inner"]["zone_area_km2"]);
  EXPECT_NEAR(total / zone, 1.0, 2e-5) << total << " vs " << zone;
  // Not the nominal 900 m^2 per pixel: in UTM 49N at 109E the areal scale is ~1.0005.
  EXPECT_EQ(by["none"]["total_area_km2"], "0.000000");
  EXPECT_EQ(by["none"]["fvc_mean"], "");
  // wan mu conversion: 1 wan mu = 6.6667 km^2.
  EXPECT_NEAR(std::stod(by["inner"]["total_area_wanmu"]) * 6.666667, total, 1e-3);
  // Observed + masked = total; desertification grades + water = observed.
  double grades = 0;
  for (const char* g : {"none", "light", "moderate", "severe", "extreme"})
    grades += std::stod(by["inner"][std::string("sandified_") + g + "_km2"]);
  EXPECT_NEAR(grades + std::stod(by["inner"]["water_area_km2"]), std::stod(by["inner"]["observed_area_km2"]), 1e-5);
}

TEST_F(SimulatedRun, ProductsAreCloudOptimizedWithMetadata) {
  run("cog", 2, 256);
  const auto res = run_cli("zonal " + product("cog", "FVC") + " " + zones + " --field code --stats count");
  EXPECT_EQ(res.exit_code, 0) << res.output;
  // GDAL's own validator (python3-gdal) on every product.
  for (const auto& name : {"NDVI", "MNDWI", "MSAVI2", "FVC", "WATER", "FOREST", "SANDIFICATION_GRADE", "CLEAR"}) {
    const std::string v =
        run_shell("/usr/bin/python3 /usr/lib/python3/dist-packages/osgeo_utils/samples/validate_cloud_optimized_geotiff.py " +
                  product("cog", name))
            .output;
    EXPECT_NE(v.find("is a valid cloud optimized GeoTIFF"), std::string::npos) << name << ": " << v;
  }
  const std::string info = run_shell("gdalinfo " + product("cog", "SANDIFICATION_GRADE")).output;
  EXPECT_NE(info.find("LAYOUT=COG"), std::string::npos) << info;
  EXPECT_NE(info.find("Overviews"), std::string::npos) << info;
  EXPECT_NE(info.find("Color Table"), std::string::npos) << info;
  EXPECT_NE(info.find("NoData Value=255"), std::string::npos) << info;
  EXPECT_NE(info.find("Sandification grade"), std::string::npos) << info;
  // The simulator's MTL says ORIGIN SIMULATED: every product says so too, and the report's rows.
  EXPECT_NE(info.find("ECOMON_SIMULATED=YES: made from SIMULATED scenes"), std::string::npos) << info;
  for (const auto& r : parse_csv(read_file(dir / "cog" / "county_report.csv"))) EXPECT_EQ(r.at("simulated"), "yes");
}

TEST(SampleTiles, RealCollection1ScenesAreProcessedAsTopOfAtmosphere) {
  const auto dir = fresh_dir("samples");
  ecomon::RunOptions o;
  o.config_path = "";
  o.input_dir = std::string(ECOMON_SOURCE_DIR) + "/sample_tiles";
  o.zones_file = std::string(ECOMON_SOURCE_DIR) + "/sample_tiles/sample_zones.geojson";
  o.output_dir = dir.string();
  o.threads = 1;
  o.overrides = {"fvc.ndvi_soil=auto", "fvc.ndvi_veg=auto"};
  EXPECT_EQ(ecomon::run_command(o), 0);
  const auto rows = parse_csv(read_file(dir / "county_report.csv"));
  ASSERT_EQ(rows.size(), 4u);  // 2 scenes x 2 zones
  for (const auto& r : rows) {
    EXPECT_EQ(r.at("reflectance"), "TOA");
    EXPECT_EQ(r.at("simulated"), "no");  // USGS's ORIGIN: an acquisition
    const double total = std::stod(r.at("total_area_km2"));
    // Each half is 20.5 x 41 cells of 900 m^2 = 0.7565 km^2 nominal; UTM 32N at 8.8E, 50.8N has an
    // areal scale ~0.99924, so the ellipsoidal area is slightly larger.
    EXPECT_NEAR(total, 0.75645 / 0.99924, 2e-3);
    const double fvc = std::stod(r.at("fvc_mean"));
    EXPECT_GE(fvc, 0.0);
    EXPECT_LE(fvc, 1.0);
  }
  // One pixel by hand: TOA reflectance = (DN x 2e-5 - 0.1) / sin(58.99675180 deg) (the L8 MTL's
  // REFLECTANCE_MULT/ADD_BAND_4/5 and SUN_ELEVATION), NDVI from it, stored x1e-4.
  const std::string id = "LC08_L1TP_195025_20130707_20170503_01_T1";
  const std::string tiles = std::string(ECOMON_SOURCE_DIR) + "/sample_tiles/" + id + "/" + id;
  const geo::io::RasterReader b4(tiles + "_B4.TIF"), b5(tiles + "_B5.TIF");
  const geo::io::RasterReader ndvi((dir / "products" / id / (id + "_NDVI.tif")).string());
  const geo::Window px{20, 17, 1, 1};
  const double s = std::sin(58.99675180 * 3.14159265358979323846 / 180.0);
  const double red = (b4.read<std::uint16_t>(px)[0] * 2e-5 - 0.1) / s, nir = (b5.read<std::uint16_t>(px)[0] * 2e-5 - 0.1) / s;
  EXPECT_NEAR(ndvi.read<std::int16_t>(px)[0] * 1e-4, (nir - red) / (nir + red), 0.6e-4);
}

TEST(MetadataVariants, XmlMetadataAndTarArchivesAreFound) {
  const auto dir = fresh_dir("variants");
  ecomon::SimulationOptions o;
  o.output_dir = (dir / "scenes").string();
  o.west = 108.9, o.east = 108.95, o.south = 40.9, o.north = 40.94, o.utm_zone = 49, o.clouds = 0;
  o.xml_metadata = true;
  const auto xml_scene = ecomon::simulate_scene(o);
  o.output_dir = (dir / "to_tar").string();
  o.xml_metadata = false;
  o.date = "2023-08-05";
  const auto tar_scene = ecomon::simulate_scene(o);
  const std::string tar = (dir / "scenes" / (tar_scene.product_id + ".tar")).string();
  ASSERT_EQ(std::system(("tar -cf " + tar + " -C " + (dir / "to_tar").string() + " " + tar_scene.product_id).c_str()), 0);
  const auto zones = write_zones(dir / "z.geojson", {box_feature("z", "z", 108.91, 40.91, 108.94, 40.93)});
  const auto res = run_cli("run /dev/null --input " + (dir / "scenes").string() + " --zones " + zones + " --out " + (dir / "out").string());
  EXPECT_EQ(res.exit_code, 0) << res.output;
  const auto rows = parse_csv(read_file(dir / "out" / "county_report.csv"));
  ASSERT_EQ(rows.size(), 2u) << res.output;
  EXPECT_EQ(rows[0].at("scene_id"), xml_scene.product_id);
  EXPECT_EQ(rows[1].at("scene_id"), tar_scene.product_id);
  EXPECT_EQ(rows[0].at("total_area_km2"), rows[1].at("total_area_km2"));
}

TEST_F(SimulatedRun, AutoEndMembersAreTheScenePercentiles) {
  const auto rows = parse_csv(run("auto", 2, 256, {"fvc.ndvi_soil=auto", "fvc.ndvi_veg=auto"}));
  ASSERT_FALSE(rows.empty());
  const double soil = std::stod(rows[0].at("fvc_ndvi_soil")), veg = std::stod(rows[0].at("fvc_ndvi_veg"));
  // Independent check from the written products: NDVI over clear, non-water pixels.
  const geo::io::RasterReader ndvi(product("auto", "NDVI")), water(product("auto", "WATER")), clear(product("auto", "CLEAR"));
  const auto w = ndvi.grid().full();
  const auto nd = ndvi.read<std::int16_t>(w);
  const auto wa = water.read<std::uint8_t>(w), cl = clear.read<std::uint8_t>(w);
  std::vector<double> v;
  for (std::size_t i = 0; i < nd.size(); ++i)
    if (cl[i] == 1 && wa[i] == 0) v.push_back(nd[i] * 1e-4);
  std::sort(v.begin(), v.end());
  const double p5 = v[std::size_t(0.05 * double(v.size()))], p95 = v[std::size_t(0.95 * double(v.size()))];
  EXPECT_NEAR(soil, p5, 0.0015);  // histogram bins are 0.001 wide
  EXPECT_NEAR(veg, p95, 0.0015);
  EXPECT_LT(soil, veg);
}
