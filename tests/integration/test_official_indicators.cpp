// The official indicators of the plans on simulated seasons with known truth: forest coverage over
// the whole zone (trees plus designated shrubland, never cropland), grassland cover over grassland
// only, the land cover from the season's dates, and the targets report built on them.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "helpers.hpp"
#include "libgeo/io/projection.hpp"
#include "libgeo/io/raster.hpp"
#include "simulator.hpp"

using namespace testing_helpers;
namespace fs = std::filesystem;

namespace {

// The Ulan Buh desert edge north of Dengkou: desert, the shrub belt along its eastern edge (cover
// 0.22-0.50), the Yellow River, Hetao cropland and shelterbelt plantations.
constexpr double kWest = 106.98, kEast = 107.22, kSouth = 40.62, kNorth = 40.86;

class OfficialIndicators : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = fresh_dir("official");
    const char* dates[] = {"2023-05-15", "2023-07-10", "2023-07-25", "2023-08-10", "2023-08-20", "2023-09-15"};
    std::uint64_t seed = 61;
    for (const char* date : dates) {
      ecomon::SimulationOptions o;
      o.output_dir = (dir_ / "scenes").string();
      o.west = kWest - 0.03, o.east = kEast + 0.03, o.south = kSouth - 0.03, o.north = kNorth + 0.03;
      o.utm_zone = 48, o.date = date, o.seed = seed++, o.clouds = 3, o.pixel_size = 60;
      ecomon::simulate_scene(o);
    }
    zones_ = write_zones(dir_ / "z.geojson", {box_feature("z", "Dengkou desert edge", kWest, kSouth, kEast, kNorth)});
    std::ofstream(dir_ / "targets.yaml") << "units:\n  \"u\": {name: 测试单元, zones: [\"z\"]}\n"
                                         << "targets:\n"
                                         << "  - {id: low, unit: \"u\", indicator: forest_coverage_pct, rule: at_least,\n"
                                         << "     target: {year: 2023, value: 1}, binding: true, source: \"x.txt:1\"}\n"
                                         << "  - {id: high, unit: \"u\", indicator: forest_coverage_pct, rule: at_least,\n"
                                         << "     target: {year: 2023, value: 90}, binding: true, source: \"x.txt:2\"}\n"
                                         << "  - {id: cropland-free, unit: \"z\", indicator: grassland_area_wanmu, rule: at_most,\n"
                                         << "     target: {year: 2023, value: 100000}, binding: false, source: \"x.txt:3\"}\n";
  }
  static std::string run(const std::string& name, const std::string& extra) {
    const auto out = dir_ / name;
    const auto r = run_cli("run /dev/null --input " + (dir_ / "scenes").string() + " --out " + out.string() + " --zones " + zones_ +
                           " --set fvc.ndvi_soil=" + std::to_string(ecomon::SimulatorEndMembers::loam_ndvi) + " --set fvc.ndvi_veg=" +
                           std::to_string(ecomon::SimulatorEndMembers::veg_ndvi) + " --set season.pixel_size=60 " + extra);
    EXPECT_EQ(r.exit_code, 0) << r.output;
    return out.string();
  }
  static fs::path dir_;
  static std::string zones_;
};
fs::path OfficialIndicators::dir_;
std::string OfficialIndicators::zones_;

TEST_F(OfficialIndicators, ForestCoverageAndGrasslandCoverAgainstTruth) {
  const std::string out = run("all", "--targets " + (dir_ / "targets.yaml").string());
  const auto series = by_zone(read_file(fs::path(out) / "county_timeseries.csv")).at("z");

  // Truth on the composites' grid, over the cells whose centre is in the zone.
  const geo::io::RasterReader landcover(out + "/years/2023/ecomon_2023_LANDCOVER.tif");
  const geo::Grid& g = landcover.grid();
  std::vector<float> t_fvc;
  std::vector<std::uint8_t> t_water, t_forest;
  ecomon::TruthShares shares;
  ecomon::simulate_truth(g.crs_wkt, g.transform.origin_x, g.transform.origin_y, g.transform.pixel_width, g.cols, g.rows, 2023, 1, 0, t_fvc,
                         t_water, t_forest, &shares);
  geo::io::CoordinateTransformer to_lonlat(g.crs_wkt, "EPSG:4326");
  double cells = 0, forest = 0, grass = 0, grass_fvc = 0;
  for (int r = 0; r < g.rows; ++r) {
    std::vector<geo::Point> centres;
    for (int c = 0; c < g.cols; ++c) centres.push_back({g.transform.col_to_x(c + 0.5), g.transform.row_to_y(r + 0.5)});
    to_lonlat.transform(centres);
    for (int c = 0; c < g.cols; ++c) {
      const auto& p = centres[std::size_t(c)];
      if (p.x < kWest || p.x > kEast || p.y < kSouth || p.y > kNorth) continue;
      const std::size_t i = std::size_t(r) * g.cols + c;
      cells += 1, forest += shares.official_forest[i], grass += shares.grassland[i], grass_fvc += shares.grassland_fvc[i];
    }
  }
  const double truth_forest_pct = 100 * forest / cells, truth_grass_cover_pct = 100 * grass_fvc / grass;
  const double forest_pct = std::stod(series.at("forest_coverage_pct"));
  const double grass_cover_pct = std::stod(series.at("grassland_cover_pct"));
  std::printf("[official] forest coverage %.2f%% (truth %.2f%%), grassland cover %.2f%% (truth %.2f%%, uncalibrated), method %s\n",
              forest_pct, truth_forest_pct, grass_cover_pct, truth_grass_cover_pct, series.at("method").c_str());
  EXPECT_NEAR(forest_pct, truth_forest_pct, 3.0);  // without a land-cover layer: within 3 points
  EXPECT_EQ(series.at("method"), "phenology;imagery_seasons;uncalibrated");
  EXPECT_GT(std::stod(series.at("shrub_forest_area_km2")), 1.0);  // the belt is there
  EXPECT_GT(std::stod(series.at("cropland_area_km2")), 5.0);      // and Hetao's fields, which are not forest
  // Sandification is graded over natural land only: tree, shrubland, grassland, bare.
  double graded = 0;
  for (const char* grade : {"none", "light", "moderate", "severe", "extreme"})
    graded += std::stod(series.at(std::string("sandified_") + grade + "_km2"));
  const double natural = std::stod(series.at("tree_forest_area_km2")) + std::stod(series.at("shrubland_area_km2")) +
                         std::stod(series.at("grassland_area_km2")) + std::stod(series.at("bare_area_km2"));
  EXPECT_NEAR(graded, natural, 1e-3);

  // The targets report: one unit row per target and year, the interval around the value, the verdicts.
  const auto rows = parse_csv(read_file(fs::path(out) / "targets_report.csv"));
  ASSERT_EQ(rows.size(), 3u);
  std::map<std::string, std::map<std::string, std::string>> by_id;
  for (const auto& row : rows) by_id[row.at("target_id")] = row;
  const auto& low = by_id.at("low");
  EXPECT_EQ(low.at("unit_name"), "测试单元");
  EXPECT_EQ(low.at("scope"), "unit");
  EXPECT_EQ(low.at("verdict"), "met");
  EXPECT_EQ(by_id.at("high").at("verdict"), "not_met");
  EXPECT_EQ(by_id.at("cropland-free").at("unit_name"), "Dengkou desert edge");  // a zone as a unit by itself
  EXPECT_EQ(low.at("value"), series.at("forest_coverage_pct"));                 // one definition for the series and the verdict
  EXPECT_LE(std::stod(low.at("ci95_low")), std::stod(low.at("value")));
  EXPECT_GE(std::stod(low.at("ci95_high")), std::stod(low.at("value")));
  EXPECT_EQ(low.at("source"), "x.txt:1");
}

TEST_F(OfficialIndicators, ATargetsFileNamingAZoneNotInTheZonesStopsTheRunBeforeAnyScene) {
  std::ofstream(dir_ / "bad_targets.yaml") << "units:\n  \"u\": {name: U, zones: [\"z\", \"150899\"]}\n"
                                           << "targets:\n  - {id: t, unit: \"u\", indicator: forest_coverage_pct, rule: at_least,\n"
                                           << "     target: {year: 2025, value: 1}, binding: true, source: \"x.txt:1\"}\n";
  const auto r = run_cli("run /dev/null --input " + (dir_ / "scenes").string() + " --out " + (dir_ / "bad").string() + " --zones " +
                         zones_ + " --targets " + (dir_ / "bad_targets.yaml").string());
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("bad_targets.yaml: units.u (U) names zone 150899, which is not in"), std::string::npos) << r.output;
  EXPECT_EQ(r.output.find("scene LC08"), std::string::npos) << r.output;  // stopped before reading any scene
}

TEST_F(OfficialIndicators, SpecialShrublandCountsOnlyWhereDesignated) {
  const auto all = by_zone(read_file(fs::path(run("shrub_all", "")) / "county_timeseries.csv")).at("z");
  const auto none =
      by_zone(read_file(fs::path(run("shrub_none", "--set forest.special_shrubland=none")) / "county_timeseries.csv")).at("z");
  const auto listed =
      by_zone(read_file(fs::path(run("shrub_listed", "--set forest.special_shrubland=x,z")) / "county_timeseries.csv")).at("z");
  const double shrub = std::stod(all.at("shrub_forest_area_km2"));
  EXPECT_NEAR(std::stod(all.at("forest_area_km2")) - std::stod(none.at("forest_area_km2")), shrub, 1e-5);
  EXPECT_EQ(none.at("tree_forest_area_km2"), all.at("tree_forest_area_km2"));
  EXPECT_EQ(listed.at("forest_area_km2"), all.at("forest_area_km2"));
  EXPECT_GT(std::stod(all.at("forest_coverage_pct")), std::stod(none.at("forest_coverage_pct")) + 0.5);
}

TEST_F(OfficialIndicators, ASummerOnlyYearIsAMethodStepAndTheTrendDoesNotCrossIt) {
  // 2022 from the summer alone, 2023 with spring and autumn: the forest rule changed between them.
  ecomon::SimulationOptions o;
  o.output_dir = (dir_ / "scenes_step").string();
  o.west = kWest - 0.03, o.east = kEast + 0.03, o.south = kSouth - 0.03, o.north = kNorth + 0.03;
  o.utm_zone = 48, o.clouds = 0, o.pixel_size = 120;
  const char* dates[] = {"2020-07-20", "2021-07-20", "2022-07-20", "2023-05-15", "2023-07-20", "2023-09-15"};
  for (const char* date : dates) {
    o.date = date;
    ecomon::simulate_scene(o);
  }
  const auto out = dir_ / "step";
  const auto r = run_cli("run /dev/null --input " + (dir_ / "scenes_step").string() + " --out " + out.string() + " --zones " + zones_ +
                         " --set season.pixel_size=120");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  std::map<std::string, std::map<std::string, std::string>> by_year;
  for (const auto& row : parse_csv(read_file(out / "county_timeseries.csv"))) by_year[row.at("year")] = row;
  EXPECT_EQ(by_year.at("2022").at("method"), "canopy_only;imagery_peak;uncalibrated");
  EXPECT_EQ(by_year.at("2022").at("method_step"), "0");
  EXPECT_EQ(by_year.at("2023").at("method"), "phenology;imagery_seasons;uncalibrated");
  EXPECT_EQ(by_year.at("2023").at("method_step"), "1");
  EXPECT_NE(r.output.find("method step"), std::string::npos) << r.output;  // the log warns, the table shows it
  for (const auto& row : parse_csv(read_file(out / "county_trends.csv"))) {
    EXPECT_EQ(row.at("method_step_year"), "2023");
    EXPECT_EQ(row.at("first_year"), "2023");
    EXPECT_EQ(row.at("trend"), "");  // one comparable year: no trend across the step
  }
}

}  // namespace
