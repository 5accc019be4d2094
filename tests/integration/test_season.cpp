// Season composites, mosaics across UTM zones, and yearly trends, on simulated scenes of both sensors.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>

#include "app/commands.hpp"
#include "helpers.hpp"
#include "libgeo/io/projection.hpp"
#include "libgeo/io/raster.hpp"
#include "simulator.hpp"

using namespace testing_helpers;
namespace fs = std::filesystem;

namespace {

ecomon::SimulationOptions scene(const fs::path& out, double w, double e, double s, double n, int zone, const std::string& date,
                                std::uint64_t seed) {
  ecomon::SimulationOptions o;
  o.output_dir = out.string();
  o.west = w, o.east = e, o.south = s, o.north = n, o.utm_zone = zone, o.date = date, o.seed = seed, o.clouds = 3;
  return o;
}

}  // namespace

TEST(Mosaic, CountyAcrossTwoUtmZonesIsCountedOnceAndOrderDoesNotMatter) {
  const auto dir = fresh_dir("mosaic");
  // One scene in UTM 48N west of 108E and one in 49N east of it, overlapping over 107.95-108.05E.
  auto a = scene(dir / "order1" / "a", 107.72, 108.06, 40.78, 41.07, 48, "2023-07-18", 21);
  auto b = scene(dir / "order1" / "b", 107.94, 108.28, 40.78, 41.07, 49, "2023-07-27", 22);
  a.clouds = b.clouds = 0;
  const auto sa = ecomon::simulate_scene(a);
  const auto sb = ecomon::simulate_scene(b);
  // The same scenes found in the other order (folder names sort the other way).
  fs::create_directories(dir / "order2" / "0");
  fs::create_directories(dir / "order2" / "1");
  fs::copy(sb.folder, dir / "order2" / "0" / sb.product_id, fs::copy_options::recursive);
  fs::copy(sa.folder, dir / "order2" / "1" / sa.product_id, fs::copy_options::recursive);
  const auto zones = write_zones(dir / "z.geojson", {box_feature("150821", "across 108E", 107.80, 40.86, 108.20, 41.00)});
  auto run = [&](const std::string& input, const std::string& out) {
    const auto r = run_cli("run /dev/null --input " + (dir / input).string() + " --zones " + zones + " --out " + (dir / out).string() +
                           " --set output.products=false");
    EXPECT_EQ(r.exit_code, 0) << r.output;
    return read_file(dir / out / "county_timeseries.csv");
  };
  const std::string first = run("order1", "out1"), second = run("order2", "out2");
  EXPECT_EQ(first, second);
  EXPECT_EQ(read_file(dir / "out1" / "county_report.csv"), read_file(dir / "out2" / "county_report.csv"));
  const auto series = by_zone(first);
  const auto report = parse_csv(read_file(dir / "out1" / "county_report.csv"));
  ASSERT_EQ(report.size(), 2u);  // one row per scene: each sees only part of the county
  const double polygon_km2 = std::stod(report[0].at("zone_area_km2"));
  const double total_km2 = std::stod(series.at("150821").at("total_area_km2"));
  std::printf("[mosaic] polygon %.4f km2, counted %.4f km2, per-scene %.2f + %.2f km2\n", polygon_km2, total_km2,
              std::stod(report[0].at("total_area_km2")), std::stod(report[1].at("total_area_km2")));
  EXPECT_NEAR(total_km2 / polygon_km2, 1.0, 5e-4);
  // Each scene alone sees less; their sum counts the overlap twice.
  EXPECT_LT(std::stod(report[0].at("total_area_km2")), polygon_km2);
  EXPECT_GT(std::stod(report[0].at("total_area_km2")) + std::stod(report[1].at("total_area_km2")), polygon_km2 * 1.05);
}

TEST(Season, TwoSensorsAgainstTruthWithCroplandPresent) {
  const auto dir = fresh_dir("season");
  const double w = 108.68, e = 109.08, s = 40.66, n = 40.82;
  // Spring, four peak-season scenes (two Landsat 8, two Sentinel-2) and autumn.
  struct Plan {
    const char* date;
    const char* sensor;
    std::uint64_t seed;
  };
  const Plan plan[] = {{"2023-05-15", "landsat8", 31}, {"2023-07-10", "landsat8", 32},  {"2023-07-25", "sentinel2", 33},
                       {"2023-08-10", "landsat8", 34}, {"2023-08-20", "sentinel2", 35}, {"2023-09-15", "landsat8", 36}};
  for (const auto& p : plan) {
    auto o = scene(dir / "scenes", w - 0.03, e + 0.03, s - 0.04, n + 0.04, 49, p.date, p.seed);
    o.sensor = p.sensor;
    o.s2_layout = "cog";
    ecomon::simulate_scene(o);
  }
  const auto zones = write_zones(dir / "z.geojson", {box_feature("z", "Ulansuhai to Wula Shan", w, s, e, n)});
  const std::string common = " --zones " + zones + " --set fvc.ndvi_soil=" + std::to_string(ecomon::SimulatorEndMembers::loam_ndvi) +
                             " --set fvc.ndvi_veg=" + std::to_string(ecomon::SimulatorEndMembers::veg_ndvi);
  const auto r = run_cli("run /dev/null --input " + (dir / "scenes").string() + " --out " + (dir / "out").string() + common);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const auto series = by_zone(read_file(dir / "out" / "county_timeseries.csv"));
  ASSERT_EQ(series.at("z").at("scenes"), "6");

  // Truth on the regional grid of the composites.
  const geo::io::RasterReader fvc((dir / "out/years/2023/ecomon_2023_FVC.tif").string()),
      wet((dir / "out/years/2023/ecomon_2023_WETLAND.tif").string()), forest((dir / "out/years/2023/ecomon_2023_FOREST.tif").string());
  const geo::Grid& g = fvc.grid();
  std::vector<float> t_fvc;
  std::vector<std::uint8_t> t_water, t_forest;
  ecomon::simulate_truth(g.crs_wkt, g.transform.origin_x, g.transform.origin_y, g.transform.pixel_width, g.cols, g.rows, 2023, 1, 0, t_fvc,
                         t_water, t_forest);
  const auto f = fvc.read<std::uint8_t>(g.full()), wt = wet.read<std::uint8_t>(g.full()), fo = forest.read<std::uint8_t>(g.full());
  double inter = 0, uni = 0, forest_px = 0, forest_truth = 0, fvc_sum = 0, truth_sum = 0, n_land = 0;
  for (std::size_t i = 0; i < f.size(); ++i) {
    if (f[i] == 255) continue;
    const bool pw = wt[i] == 2, tw = t_water[i] == 1;
    inter += pw && tw;
    uni += pw || tw;
    forest_px += fo[i] == 1;
    forest_truth += t_forest[i] == 1;
    if (!pw && !tw) {
      fvc_sum += f[i] * 0.005;
      truth_sum += t_fvc[i];
      n_land += 1;
    }
  }
  const double iou = inter / uni, forest_err = (forest_px - forest_truth) / forest_truth, fvc_bias = (fvc_sum - truth_sum) / n_land;
  std::printf("[season] permanent water IoU %.4f, forest %+.2f%% (%.0f vs %.0f cells), mean FVC bias %+.4f over %.0f cells\n", iou,
              100 * forest_err, forest_px, forest_truth, fvc_bias, n_land);
  // Nearest-neighbour sampling from the scenes' UTM grids onto the Albers grid moves shores by up
  // to half a cell; the Yellow River is only ~17 cells wide. On the scenes' own grid IoU is ~0.99.
  EXPECT_GT(iou, 0.85);
  EXPECT_LT(std::abs(fvc_bias), 0.06);

  // Forest with cropland present: the phenology rule keeps the Hetao maize out.
  const auto r2 = run_cli(
      "run /dev/null --input " + (dir / "scenes").string() + " --out " + (dir / "out_summer").string() + common +
      " --set season.spring_start=05-20 --set season.spring_end=05-21 --set season.autumn_start=09-20 --set season.autumn_end=09-21");
  ASSERT_EQ(r2.exit_code, 0) << r2.output;
  const auto summer_only = by_zone(read_file(dir / "out_summer" / "county_timeseries.csv"));
  const double with_rule = std::stod(series.at("z").at("forest_area_km2")), without = std::stod(summer_only.at("z").at("forest_area_km2"));
  std::printf("[season] forest %.2f km2 with spring+autumn scenes, %.2f km2 from the summer alone\n", with_rule, without);
  EXPECT_LT(std::abs(forest_err), 0.15);
  EXPECT_GT(without, with_rule * 1.2);  // crops at their peak pass the canopy threshold
  EXPECT_EQ(summer_only.at("z").at("forest_phenology_checked_pct"), "0.00");
}

TEST(Season, SixYearsOfGreeningGiveASignificantTrend) {
  const auto dir = fresh_dir("trend");
  const double w = 109.15, e = 109.3, s = 41.2, n = 41.3;  // Urad grassland
  for (int year = 2018; year <= 2023; ++year) {
    auto o = scene(dir / "scenes", w - 0.03, e + 0.03, s - 0.03, n + 0.03, 49, std::to_string(year) + "-07-20", 40 + std::uint64_t(year));
    o.grass_fvc_trend = 0.03;
    o.clouds = 0;
    ecomon::simulate_scene(o);
  }
  const auto zones = write_zones(dir / "z.geojson", {box_feature("g", "grassland", w, s, e, n)});
  const auto r = run_cli("run /dev/null --input " + (dir / "scenes").string() + " --zones " + zones + " --out " + (dir / "out").string() +
                         " --set fvc.ndvi_soil=0.077 --set fvc.ndvi_veg=0.84");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  std::map<std::string, std::map<std::string, std::string>> trends;
  for (const auto& row : parse_csv(read_file(dir / "out" / "county_trends.csv"))) trends[row.at("indicator")] = row;
  const auto& fvc = trends.at("fvc_mean");
  std::printf("[trend] fvc_mean slope %s per year, p %s, %s\n", fvc.at("slope_per_year").c_str(), fvc.at("p_value").c_str(),
              fvc.at("trend").c_str());
  EXPECT_EQ(fvc.at("years"), "6");
  EXPECT_EQ(fvc.at("trend"), "increasing");
  // The dimidiate retrieval follows true cover with a gain of ~0.93 here (grassland soil NDVI 0.077).
  EXPECT_NEAR(std::stod(fvc.at("slope_per_year")), 0.03 * 0.93, 0.005);
  // Per-pixel: most grassland cells have a significant increase (class 1).
  const geo::io::RasterReader cls((dir / "out/trends/FVC_TREND_CLASS.tif").string());
  const auto c = cls.read<std::uint8_t>(cls.grid().full());
  double up = 0, valid = 0;
  for (std::size_t i = 0; i < c.size(); ++i)
    if (c[i] != 255 && c[i] != 3) valid += 1, up += c[i] == 1;  // 3: seen in fewer than 3 years
  std::printf("[trend] %.1f%% of %.0f cells significantly increasing\n", 100 * up / valid, valid);
  EXPECT_GT(up / valid, 0.5);

  // The trend rasters alone (output.products: trends): the yearly FVC they read is a work file, gone
  // at the end; the rasters and the reports are the same as with every product written.
  const auto t = run_cli("run /dev/null --input " + (dir / "scenes").string() + " --zones " + zones + " --out " +
                         (dir / "trends_only").string() + " --set fvc.ndvi_soil=0.077 --set fvc.ndvi_veg=0.84 --set output.products=trends");
  ASSERT_EQ(t.exit_code, 0) << t.output;
  EXPECT_FALSE(fs::exists(dir / "trends_only" / "years"));
  EXPECT_FALSE(fs::exists(dir / "trends_only" / "products"));
  EXPECT_FALSE(fs::exists(dir / "trends_only" / ".tmp"));
  EXPECT_EQ(read_file(dir / "trends_only" / "county_trends.csv"), read_file(dir / "out" / "county_trends.csv"));
  EXPECT_EQ(read_file(dir / "trends_only" / "county_timeseries.csv"), read_file(dir / "out" / "county_timeseries.csv"));
  const geo::io::RasterReader only((dir / "trends_only/trends/FVC_TREND_CLASS.tif").string());
  const auto c_only = only.read<std::uint8_t>(only.grid().full());
  ASSERT_EQ(c_only.size(), c.size());
  for (std::size_t i = 0; i < c.size(); ++i) ASSERT_EQ(c_only[i], c[i]) << "cell " << i;
}

// The season pass reads what the scene pass wrote (NDVI, MNDWI, CLEAR) instead of decoding the bands
// again; without per-scene products it writes them as work files. Both ways give the same figures,
// the work files are gone at the end, and the NDVI_MAX composite of one scene is that scene's NDVI
// product at the pixel under each cell.
TEST(Season, ReadsTheScenePassOutputsWithOrWithoutProducts) {
  const auto dir = fresh_dir("season_inputs");
  auto a = scene(dir / "scenes", 108.90, 109.00, 40.88, 40.95, 49, "2023-07-20", 31);
  const auto sa = ecomon::simulate_scene(a);
  const auto zones = write_zones(dir / "z.geojson", {box_feature("z", "zone", 108.92, 40.90, 108.98, 40.93)});
  auto run = [&](const std::string& out, const std::string& extra) {
    const auto r = run_cli("run /dev/null --input " + (dir / "scenes").string() + " --zones " + zones + " --out " + (dir / out).string() +
                           " --set season.pixel_size=30 " + extra);
    EXPECT_EQ(r.exit_code, 0) << r.output;
    return read_file(dir / out / "county_timeseries.csv");
  };
  const std::string with_products = run("with", ""), without = run("without", "--set output.products=false");
  EXPECT_EQ(with_products, without);
  // A selection writes exactly the products it names, and the reports do not change.
  EXPECT_EQ(run("some", "--set output.products=scene/NDVI,season/landcover"), with_products);
  std::vector<std::string> written;
  for (const auto& f : fs::recursive_directory_iterator(dir / "some"))
    if (f.path().extension() == ".tif") written.push_back(fs::relative(f.path(), dir / "some").string());
  std::sort(written.begin(), written.end());
  EXPECT_EQ(written, (std::vector<std::string>{"products/" + sa.product_id + "/" + sa.product_id + "_NDVI.tif",
                                               "years/2023/ecomon_2023_LANDCOVER.tif"}));
  EXPECT_FALSE(fs::exists(dir / "some" / ".tmp"));
  const auto bad = run_cli("run /dev/null --input " + (dir / "scenes").string() + " --zones " + zones + " --out " + (dir / "bad").string() +
                           " --set output.products=season/NVDI");
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.output.find("output.products lists 'SEASON/NVDI', which is neither a level"), std::string::npos) << bad.output;
  EXPECT_FALSE(fs::exists(dir / "without" / "products"));
  EXPECT_FALSE(fs::exists(dir / "without" / ".tmp"));  // the work files went with the year
  EXPECT_FALSE(fs::exists(dir / "with" / ".tmp"));

  // NDVI_MAX of a one-scene season: the scene product's pixel under each cell centre.
  geo::io::initialise_gdal(64);
  const geo::io::RasterReader composite((dir / "with" / "years" / "2023" / "ecomon_2023_NDVI_MAX.tif").string());
  const geo::io::RasterReader product((dir / "with" / "products" / sa.product_id / (sa.product_id + "_NDVI.tif")).string());
  const auto vmax = composite.read<std::int16_t>(composite.grid().full());
  const auto ndvi = product.read<std::int16_t>(product.grid().full());
  geo::io::CoordinateTransformer to_scene(composite.grid().crs_wkt, product.grid().crs_wkt);
  int compared = 0, equal = 0;
  for (int r = 0; r < vmax.rows(); r += 7)
    for (int c = 0; c < vmax.cols(); c += 7) {
      if (vmax.at(r, c) == -32768) continue;
      std::vector<geo::Point> p{{composite.grid().transform.col_to_x(c + 0.5), composite.grid().transform.row_to_y(r + 0.5)}};
      to_scene.transform(p);
      const int sc = int(product.grid().transform.x_to_col(p[0].x)), sr = int(product.grid().transform.y_to_row(p[0].y));
      ++compared;
      equal += ndvi.at(sr, sc) == vmax.at(r, c);
    }
  ASSERT_GT(compared, 100);
  // The grid samples source coordinates exactly every 16 cells and interpolates between (< 1e-3 of a
  // pixel off), so a cell centre within that distance of a pixel edge may take the neighbour.
  EXPECT_GE(equal, compared * 99 / 100) << equal << " of " << compared;
}
