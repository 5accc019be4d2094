// The official indicators of the plans on simulated seasons with known truth: forest coverage over
// the whole zone (trees plus designated shrubland, never cropland), grassland cover over grassland
// only, the land cover from the season's dates, and the targets report built on them.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <map>

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
  // A run with the end-members of the given soil (a later --set in `extra` overrides them).
  static std::string run(const std::string& name, const std::string& extra, double soil_ndvi = ecomon::SimulatorEndMembers::loam_ndvi) {
    const auto out = dir_ / name;
    const auto r = run_cli("run /dev/null --input " + (dir_ / "scenes").string() + " --out " + out.string() + " --zones " + zones_ +
                           " --set fvc.ndvi_soil=" + std::to_string(soil_ndvi) + " --set fvc.ndvi_veg=" +
                           std::to_string(ecomon::SimulatorEndMembers::veg_ndvi) + " --set season.pixel_size=60 " + extra);
    EXPECT_EQ(r.exit_code, 0) << r.output;
    last_output_ = r.output;
    return out.string();
  }
  static inline std::string last_output_;  // the log and tables of the last run()
  static fs::path dir_;
  static std::string zones_;
};
fs::path OfficialIndicators::dir_;
std::string OfficialIndicators::zones_;

// The truth on a run's composite grid, over the cells whose centre is in the zone, and the cells
// that are wholly grassland (where a surveyor would lay a plot).
struct Truth {
  double forest_pct = 0, grass_cover_pct = 0;
  struct Cell {
    double lon, lat, cover_pct;
  };
  std::vector<Cell> grassland;
};

// Calls visit(i, lonlat) for every cell of the grid whose centre lies in the zone (i row-major).
template <typename Visit>
void for_each_cell_in_zone(const geo::Grid& g, Visit visit) {
  geo::io::CoordinateTransformer to_lonlat(g.crs_wkt, "EPSG:4326");
  for (int r = 0; r < g.rows; ++r) {
    std::vector<geo::Point> centres;
    for (int c = 0; c < g.cols; ++c) centres.push_back({g.transform.col_to_x(c + 0.5), g.transform.row_to_y(r + 0.5)});
    to_lonlat.transform(centres);
    for (int c = 0; c < g.cols; ++c) {
      const auto& p = centres[std::size_t(c)];
      if (p.x < kWest || p.x > kEast || p.y < kSouth || p.y > kNorth) continue;
      visit(std::size_t(r) * g.cols + c, p);
    }
  }
}

Truth truth_on_grid_of(const std::string& out) {
  const geo::io::RasterReader landcover(out + "/years/2023/ecomon_2023_LANDCOVER.tif");
  const geo::Grid& g = landcover.grid();
  const ecomon::TruthShares shares = truth_shares_on(g);
  Truth truth;
  double cells = 0, forest = 0, grass = 0, grass_fvc = 0;
  for_each_cell_in_zone(g, [&](std::size_t i, const geo::Point& p) {
    cells += 1, forest += shares.official_forest[i], grass += shares.grassland[i], grass_fvc += shares.grassland_fvc[i];
    if (shares.grassland[i] == 1) truth.grassland.push_back({p.x, p.y, 100.0 * shares.grassland_fvc[i]});
  });
  truth.forest_pct = 100 * forest / cells;
  truth.grass_cover_pct = 100 * grass_fvc / grass;
  return truth;
}

// A land cover layer as a bureau would hand it in: the simulated landscape in ESA WorldCover codes on
// a WGS84 grid of 0.0004 degrees (about 34 x 44 m), which the run warps onto its 60 m equal-area grid.
std::string write_worldcover_layer(const fs::path& path) {
  const double step = 0.0004;
  const auto [g, codes] = worldcover_layer_of(kWest - 0.01, kNorth + 0.01, step, int((kEast - kWest + 0.02) / step),
                                              int((kNorth - kSouth + 0.02) / step));
  geo::io::write_geotiff(path.string(), g, codes, 0.0);
  return path.string();
}

TEST_F(OfficialIndicators, ForestCoverageAndGrasslandCoverAgainstTruth) {
  const std::string out = run("all", "--targets " + (dir_ / "targets.yaml").string());
  const auto series = by_zone(read_file(fs::path(out) / "county_timeseries.csv")).at("z");
  const Truth truth = truth_on_grid_of(out);
  const double truth_forest_pct = truth.forest_pct, truth_grass_cover_pct = truth.grass_cover_pct;
  const double forest_pct = std::stod(series.at("forest_coverage_pct"));
  const double grass_cover_pct = std::stod(series.at("grassland_cover_pct"));
  std::printf("[official] forest coverage %.2f%% (truth %.2f%%), grassland cover %.2f%% (truth %.2f%%, uncalibrated), method %s\n",
              forest_pct, truth_forest_pct, grass_cover_pct, truth_grass_cover_pct, series.at("method").c_str());
  EXPECT_NEAR(forest_pct, truth_forest_pct, 3.0);  // without a land-cover layer: within 3 points
  EXPECT_EQ(series.at("method"), "phenology;imagery_seasons;uncalibrated");
  EXPECT_EQ(series.at("simulated"), "yes");
  EXPECT_GT(std::stod(series.at("shrub_forest_area_km2")), 1.0);  // the belt is there
  EXPECT_GT(std::stod(series.at("cropland_area_km2")), 5.0);      // and Hetao's fields, which are not forest
  // Sandification is graded over natural land only: tree, shrubland, grassland, bare.
  double graded = 0;
  for (const char* grade : {"none", "light", "moderate", "severe", "extreme"})
    graded += std::stod(series.at(std::string("sandified_") + grade + "_km2"));
  const double natural = std::stod(series.at("tree_forest_area_km2")) + std::stod(series.at("shrubland_area_km2")) +
                         std::stod(series.at("grassland_area_km2")) + std::stod(series.at("bare_area_km2"));
  EXPECT_NEAR(graded, natural, 1e-3);
  // So is desertification in the albedo-NDVI space (every scene gave its albedo), and it differs from the cover grading.
  double desertified = 0, severe_or_worse = 0;
  for (const char* grade : {"none", "light", "moderate", "severe", "extreme"})
    desertified += std::stod(series.at(std::string("desertified_") + grade + "_km2"));
  for (const char* grade : {"severe", "extreme"}) severe_or_worse += std::stod(series.at(std::string("desertified_") + grade + "_km2"));
  EXPECT_NEAR(desertified, natural, 1e-3);
  EXPECT_GT(severe_or_worse, std::stod(series.at("bare_area_km2")) * 0.9);  // the Ulan Buh sand is severely desertified or worse
  EXPECT_TRUE(fs::exists(fs::path(out) / "years/2023/ecomon_2023_DDI.tif"));
  EXPECT_TRUE(fs::exists(fs::path(out) / "years/2023/ecomon_2023_DESERTIFICATION_GRADE.tif"));

  // The targets report: one unit row per target and year, the interval around the value, the verdicts.
  const auto rows = parse_csv(read_file(fs::path(out) / "targets_report.csv"));
  ASSERT_EQ(rows.size(), 3u);
  std::map<std::string, std::map<std::string, std::string>> by_id;
  for (const auto& row : rows) by_id[row.at("target_id")] = row;
  const auto& low = by_id.at("low");
  EXPECT_EQ(low.at("unit_name"), "测试单元");
  EXPECT_EQ(low.at("scope"), "unit");
  // No reference sample and no plots: the map figures have no error model, so no verdict is
  // claimed; the map value alone is compared in map_verdict.
  EXPECT_EQ(low.at("verdict"), "not_assessed");
  EXPECT_EQ(low.at("interval_basis"), "unobserved_only");
  EXPECT_EQ(low.at("map_verdict"), "met");
  EXPECT_EQ(by_id.at("high").at("verdict"), "not_assessed");
  EXPECT_EQ(by_id.at("high").at("map_verdict"), "not_met");
  EXPECT_NE(series.at("interval_basis").find("forest_coverage_pct=unobserved_only"), std::string::npos);
  EXPECT_EQ(by_id.at("cropland-free").at("unit_name"), "Dengkou desert edge");  // a zone as a unit by itself
  EXPECT_EQ(low.at("value"), series.at("forest_coverage_pct"));                 // one definition for the series and the verdict
  EXPECT_LE(std::stod(low.at("ci95_low")), std::stod(low.at("value")));
  EXPECT_GE(std::stod(low.at("ci95_high")), std::stod(low.at("value")));
  EXPECT_EQ(low.at("source"), "x.txt:1");
  EXPECT_EQ(low.at("simulated"), "yes");
  EXPECT_NE(run_shell("gdalinfo " + out + "/years/2023/ecomon_2023_FOREST.tif").output.find("ECOMON_SIMULATED=YES"), std::string::npos);
}

TEST_F(OfficialIndicators, ALandCoverLayerDecidesTheClassesAndBringsForestCoverageWithinOnePoint) {
  const std::string layer = write_worldcover_layer(dir_ / "worldcover.tif");
  // The soil end-member of the land being judged (steppe and shrub belt), not of the irrigated loam.
  const std::string out =
      run("layer", "--set landcover.file=" + layer + " --set landcover.scheme=worldcover", ecomon::SimulatorEndMembers::steppe_ndvi);
  const auto series = by_zone(read_file(fs::path(out) / "county_timeseries.csv")).at("z");
  const Truth truth = truth_on_grid_of(out);
  const double forest_pct = std::stod(series.at("forest_coverage_pct")), grass_pct = std::stod(series.at("grassland_cover_pct"));
  std::printf("[layer] forest coverage %.2f%% (truth %.2f%%), grassland cover %.2f%% (truth %.2f%%), method %s\n", forest_pct,
              truth.forest_pct, grass_pct, truth.grass_cover_pct, series.at("method").c_str());
  EXPECT_NEAR(forest_pct, truth.forest_pct, 1.0);  // with a land cover layer: within 1 point
  EXPECT_EQ(series.at("method"), "phenology;layer:worldcover;uncalibrated");
  // The layer's classes are the product's: no cropland where the layer has none, and its cropland is never forest.
  EXPECT_GT(std::stod(series.at("cropland_area_km2")), 5.0);
  const geo::io::RasterReader landcover(out + "/years/2023/ecomon_2023_LANDCOVER.tif");
  const geo::io::RasterReader forest(out + "/years/2023/ecomon_2023_FOREST.tif");
  const auto lc = landcover.read<std::uint8_t>(landcover.grid().full());
  const auto fo = forest.read<std::uint8_t>(forest.grid().full());
  std::size_t cropland_forest = 0;
  for (std::size_t i = 0; i < lc.size(); ++i) cropland_forest += lc[i] == 4 && fo[i] != 0;
  EXPECT_EQ(cropland_forest, 0u);

  // The same layer in a scheme whose codes it does not carry stops the run, naming the file and the codes.
  const auto r = run_cli("run /dev/null --input " + (dir_ / "scenes").string() + " --out " + (dir_ / "wrong_scheme").string() +
                         " --zones " + zones_ + " --set landcover.file=" + layer + " --set landcover.scheme=clcd");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("worldcover.tif: most of its cells"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("are not clcd codes (found 10, 20, 30"), std::string::npos) << r.output;
}

TEST_F(OfficialIndicators, GroundPlotsCalibrateGrasslandCoverMeasuredWithWrongEndMembers) {
  // End-members 0.04 NDVI off the steppe's soil and the vegetation: satellite cover is biased. The
  // land cover layer fixes which cells are grassland, so that what is left is the cover's bias.
  const std::string wrong = " --set fvc.ndvi_soil=" + std::to_string(ecomon::SimulatorEndMembers::steppe_ndvi + 0.04) +
                            " --set fvc.ndvi_veg=" + std::to_string(ecomon::SimulatorEndMembers::veg_ndvi + 0.04) +
                            " --set landcover.file=" + write_worldcover_layer(dir_ / "worldcover_for_plots.tif");
  const std::string plain = run("uncalibrated", wrong);
  const Truth truth = truth_on_grid_of(plain);
  // 40 plots on grassland spread over the zone, measured to +-2 cover points (a surveyor's quadrat).
  ASSERT_GT(truth.grassland.size(), 400u);
  const auto plots_csv = dir_ / "plots.csv";
  {
    std::ofstream plots(plots_csv);
    plots << "plot_id,lon,lat,date,cover_pct,observer\n";
    const std::size_t step = truth.grassland.size() / 40;
    for (std::size_t k = 0; k < 40; ++k) {
      const auto& cell = truth.grassland[k * step];
      const double noise = 2.0 * std::sin(double(k) * 2.3);
      plots << "P" << k << "," << std::setprecision(10) << cell.lon << "," << cell.lat << ",2023-08-05,"
            << std::clamp(cell.cover_pct + noise, 0.0, 100.0) << ",team " << k % 3 << "\n";
    }
    plots << "FAR,100.0,35.0,2023-08-05,40,team 0\n";  // no scene there: reported and skipped
  }
  const std::string out = run("calibrated", wrong + " --set calibration.plots_file=" + plots_csv.string());
  // The plot outside every scene is reported by file and row, and skipped (one line per year and reason).
  EXPECT_NE(last_output_.find("plots.csv: 1 plot(s) of 2023 outside the data (no scene of the year covers it); skipped (the first: row 41, "
                              "plot FAR"),
            std::string::npos)
      << last_output_;
  const auto before = by_zone(read_file(fs::path(plain) / "county_timeseries.csv")).at("z");
  const auto after = by_zone(read_file(fs::path(out) / "county_timeseries.csv")).at("z");
  const double raw = std::stod(before.at("grassland_cover_pct")), calibrated = std::stod(after.at("grassland_cover_pct"));
  std::printf("[calibration] truth grassland cells %zu; grassland cover truth %.2f%%, wrong end-members %.2f%%, calibrated %.2f%%\n",
              truth.grassland.size(), truth.grass_cover_pct, raw, calibrated);
  EXPECT_GT(std::abs(raw - truth.grass_cover_pct), 3.0);  // the end-members matter
  EXPECT_NEAR(calibrated, truth.grass_cover_pct, 1.5);    // and the plots correct them
  EXPECT_EQ(before.at("method"), "phenology;layer:worldcover;uncalibrated");
  EXPECT_EQ(after.at("method"), "phenology;layer:worldcover;calibrated");
  EXPECT_EQ(after.at("forest_area_km2"), before.at("forest_area_km2"));  // only grassland cover goes through the line

  const auto lines = parse_csv(read_file(fs::path(out) / "calibration.csv"));
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0].at("status"), "calibrated");
  EXPECT_EQ(lines[0].at("plots"), "41");
  EXPECT_GE(std::stoi(lines[0].at("n")), 30);
  EXPECT_GT(std::stod(lines[0].at("r2")), 0.5);  // sensor noise on sparse cover, and the surveyors' +-2 points
  std::printf("[calibration] n %s slope %s intercept %s R2 %s RMSE %s LOO RMSE %s bias %s\n", lines[0].at("n").c_str(),
              lines[0].at("slope").c_str(), lines[0].at("intercept").c_str(), lines[0].at("r2").c_str(), lines[0].at("rmse_pct").c_str(),
              lines[0].at("loo_rmse_pct").c_str(), lines[0].at("bias_pct").c_str());
  const auto plot_rows = parse_csv(read_file(fs::path(out) / "calibration_plots.csv"));
  ASSERT_EQ(plot_rows.size(), 41u);
  EXPECT_EQ(plot_rows.back().at("plot_id"), "FAR");
  EXPECT_EQ(plot_rows.back().at("status"), "outside_data");

  // Grassland types as polygons (west and east of 107.15 E, integer field `type`): a line per type.
  const std::string types =
      write_zones(dir_ / "grassland_types.geojson", {box_feature("1", "west steppe", kWest - 0.05, kSouth - 0.05, 107.15, kNorth + 0.05),
                                                     box_feature("2", "east steppe", 107.15, kSouth - 0.05, kEast + 0.05, kNorth + 0.05)});
  const std::string typed =
      run("typed", wrong + " --set calibration.plots_file=" + plots_csv.string() + " --set landcover.grassland_types_file=" + types +
                       " --set landcover.grassland_type_field=code");
  const auto by_type = parse_csv(read_file(fs::path(typed) / "calibration.csv"));
  ASSERT_EQ(by_type.size(), 3u);  // all, 1, 2
  EXPECT_EQ(by_type[1].at("grassland_type"), "1");
  EXPECT_EQ(by_type[2].at("grassland_type"), "2");
  const double typed_cover = std::stod(by_zone(read_file(fs::path(typed) / "county_timeseries.csv")).at("z").at("grassland_cover_pct"));
  std::printf("[calibration] by grassland type: %.2f%% (truth %.2f%%)\n", typed_cover, truth.grass_cover_pct);
  EXPECT_NEAR(typed_cover, truth.grass_cover_pct, 1.5);
  for (const auto& row : parse_csv(read_file(fs::path(typed) / "calibration_plots.csv"))) {
    if (row.at("status") != "matched") continue;
    EXPECT_NE(row.at("grassland_type"), "0") << row.at("plot_id");
  }
}

TEST_F(OfficialIndicators, AReferenceSampleAdjustsForestAndWaterAreasAndReportsTheMapsAccuracy) {
  const std::string plain = run("unsampled", "");
  // The truth's class of every cell of the run's grid, as LANDCOVER codes, and the map's.
  const geo::io::RasterReader landcover(plain + "/years/2023/ecomon_2023_LANDCOVER.tif");
  const geo::Grid& g = landcover.grid();
  const auto map = landcover.read<std::uint8_t>(g.full());
  const ecomon::TruthShares shares = truth_shares_on(g);
  auto landcover_of_worldcover = [](std::uint8_t code) {
    switch (code) {
      case 10:
        return 1;
      case 20:
        return 2;
      case 30:
        return 3;
      case 40:
        return 4;
      case 80:
        return 5;
      default:
        return 7;
    }
  };
  // A sample stratified by the map: 40 cells of each mapped class inside the zone (a fixed
  // pseudo-random draw), labelled with the truth; and the truth's tree and water areas.
  std::map<int, std::vector<std::pair<geo::Point, int>>> by_map_class;
  const double cell_km2 = g.transform.pixel_width * g.transform.pixel_width / 1e6;
  double truth_tree_km2 = 0, truth_shrub_km2 = 0, truth_water_km2 = 0;
  for_each_cell_in_zone(g, [&](std::size_t i, const geo::Point& p) {
    const int truth_class = landcover_of_worldcover(shares.worldcover[i]);
    truth_tree_km2 += truth_class == 1 ? cell_km2 : 0;
    truth_shrub_km2 += truth_class == 2 ? cell_km2 : 0;
    truth_water_km2 += truth_class == 5 ? cell_km2 : 0;
    if (map[i] >= 1 && map[i] <= 8) by_map_class[map[i]].push_back({p, truth_class});
  });
  const auto sample_csv = dir_ / "reference.csv";
  {
    std::ofstream out(sample_csv);
    out << "id,lon,lat,class,year\n";
    std::uint64_t state = 12345;
    for (const auto& [map_class, cells] : by_map_class)
      for (int k = 0; k < 40; ++k) {
        state = state * 6364136223846793005ull + 1442695040888963407ull;
        const auto& [p, truth_class] = cells[(state >> 33) % cells.size()];
        out << map_class << "-" << k << "," << std::setprecision(10) << p.x << "," << p.y << "," << truth_class << ",2023\n";
      }
  }
  const std::string out =
      run("sampled", "--set accuracy.samples_file=" + sample_csv.string() + " --targets " + (dir_ / "targets.yaml").string());
  const auto before = by_zone(read_file(fs::path(plain) / "county_timeseries.csv")).at("z");
  const auto after = by_zone(read_file(fs::path(out) / "county_timeseries.csv")).at("z");
  EXPECT_EQ(before.at("forest_area_adjusted_km2"), "");  // no sample, no adjustment
  EXPECT_EQ(after.at("method"), "phenology;imagery_seasons;uncalibrated;sample");
  const double mapped_tree = std::stod(after.at("tree_forest_area_km2"));
  const double forest = std::stod(after.at("forest_area_km2")), adjusted = std::stod(after.at("forest_area_adjusted_km2"));
  const double se = std::stod(after.at("forest_area_adjusted_se_km2"));
  const double water = std::stod(after.at("water_area_km2")), water_adjusted = std::stod(after.at("water_area_adjusted_km2"));
  const double water_se = std::stod(after.at("water_area_adjusted_se_km2"));
  std::printf(
      "[sample] forest: mapped %.2f km2 (trees %.2f), adjusted %.2f +- %.2f km2, truth %.2f km2 (trees %.2f, shrubland %.2f); water: "
      "mapped %.2f, adjusted %.2f +- %.2f, truth %.2f km2\n",
      forest, mapped_tree, adjusted, se, truth_tree_km2 + truth_shrub_km2, truth_tree_km2, truth_shrub_km2, water, water_adjusted, water_se,
      truth_water_km2);
  EXPECT_GT(se, 0.0);
  // The adjusted forest estimates the truth's official forest: the labels say tree or shrubland (the
  // zone's shrubland is designated, and the sample has no `forest` column), small clumps included,
  // which the map's patch and cover rules drop. (Until the Agresti-Coull floor went, this held only
  // because the floor gave the error-free strata a standard error of several km2.)
  EXPECT_NEAR(adjusted, truth_tree_km2 + truth_shrub_km2, 3 * se + 0.5);
  EXPECT_GT(water_se, 0.0);
  // The region's accuracy, per class, in landcover_accuracy.csv.
  const auto accuracy = parse_csv(read_file(fs::path(out) / "landcover_accuracy.csv"));
  ASSERT_FALSE(accuracy.empty());
  EXPECT_EQ(accuracy[0].at("year"), "2023");
  EXPECT_EQ(accuracy[0].at("status"), "estimated");
  const double overall = std::stod(accuracy[0].at("overall_accuracy"));
  EXPECT_GT(overall, 0.6);
  EXPECT_LE(overall, 1.0);
  // The targets' interval now carries the sample's standard error.
  for (const auto& row : parse_csv(read_file(fs::path(out) / "targets_report.csv")))
    if (row.at("target_id") == "low") {
      EXPECT_EQ(row.at("value"), after.at("forest_coverage_pct"));
      EXPECT_LT(std::stod(row.at("ci95_low")), std::stod(row.at("value")));
      EXPECT_EQ(row.at("interval_basis"), "sample+unobserved");
      EXPECT_NE(row.at("verdict"), "not_assessed");
    }
  // A bad sample file stops the run before any scene, naming the file and the row.
  std::ofstream(dir_ / "bad_reference.csv") << "lon,lat,class\n107.1,40.7,tree\n107.1,40.7,forest\n";
  const auto r = run_cli("run /dev/null --input " + (dir_ / "scenes").string() + " --out " + (dir_ / "bad_sample").string() + " --zones " +
                         zones_ + " --set accuracy.samples_file=" + (dir_ / "bad_reference.csv").string());
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("bad_reference.csv, row 2: class 'forest' is not a LANDCOVER class"), std::string::npos) << r.output;
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
      by_zone(read_file(fs::path(run("shrub_listed", "--set forest.special_shrubland=z")) / "county_timeseries.csv")).at("z");
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

// The workflow a bureau follows: run, design a sample (`ecomon sample-design`), label it, rerun:
// the verdicts are then assessed on intervals that carry the sample, and they hold the truth.
TEST_F(OfficialIndicators, ADesignedAndLabelledSampleGivesAssessedVerdictsWhoseIntervalsHoldTheTruth) {
  const std::string plain = run("design", "--targets " + (dir_ / "targets.yaml").string());
  ASSERT_TRUE(fs::exists(fs::path(plain) / "zones.gpkg"));
  const std::string points = (dir_ / "points.csv").string();
  const auto design = [&](const std::string& out, int seed) {
    return run_cli("sample-design " + plain + " --year 2023 --per-stratum 40 --seed " + std::to_string(seed) + " -o " + out);
  };
  const auto d = design(points, 7);
  ASSERT_EQ(d.exit_code, 0) << d.output;
  EXPECT_NE(d.output.find("points in"), std::string::npos) << d.output;
  EXPECT_TRUE(fs::exists(dir_ / "points.gpkg"));
  // Deterministic for a seed; another seed draws other points.
  ASSERT_EQ(design((dir_ / "again.csv").string(), 7).exit_code, 0);
  EXPECT_EQ(read_file(points), read_file(dir_ / "again.csv"));
  ASSERT_EQ(design((dir_ / "other.csv").string(), 8).exit_code, 0);
  EXPECT_NE(read_file(points), read_file(dir_ / "other.csv"));
  // Strata: zone x map class, at most 40 each, every column promised.
  const auto rows = parse_csv(read_file(points));
  std::map<std::string, int> per_stratum;
  for (const auto& r : rows) {
    for (const char* c : {"point_id", "lon", "lat", "stratum", "unit_code", "map_class", "stratum_area_m2", "stratum_cells", "year", "class"})
      ASSERT_TRUE(r.count(c)) << c;
    EXPECT_EQ(r.at("unit_code"), "z");
    EXPECT_EQ(r.at("stratum"), "z/" + r.at("map_class"));
    ++per_stratum[r.at("stratum")];
  }
  EXPECT_GE(per_stratum.size(), 4u);
  for (const auto& [stratum, n] : per_stratum) EXPECT_LE(n, 40) << stratum;

  // Labelled from the truth, as a field team would: the cover of the cell, and official forest.
  const geo::io::RasterReader landcover(plain + "/years/2023/ecomon_2023_LANDCOVER.tif");
  const geo::Grid& g = landcover.grid();
  const ecomon::TruthShares shares = truth_shares_on(g);
  std::vector<geo::Point> at;
  for (const auto& r : rows) at.push_back({std::stod(r.at("lon")), std::stod(r.at("lat"))});
  geo::io::CoordinateTransformer("EPSG:4326", g.crs_wkt).transform(at);
  const std::map<int, const char*> names = {{10, "tree"}, {20, "shrubland"}, {30, "grassland"}, {40, "cropland"}, {80, "water"}};
  std::ofstream labelled(dir_ / "labelled.csv");
  // The design's file handed back with class and forest filled (its strata and sizes kept).
  labelled << "point_id,lon,lat,stratum,unit_code,map_class,stratum_area_m2,stratum_cells,class,forest,year\n";
  for (std::size_t k = 0; k < rows.size(); ++k) {
    const std::size_t i = std::size_t(int(g.transform.y_to_row(at[k].y))) * g.cols + std::size_t(int(g.transform.x_to_col(at[k].x)));
    const auto name = names.find(shares.worldcover[i]);
    labelled << rows[k].at("point_id") << "," << rows[k].at("lon") << "," << rows[k].at("lat");
    for (const char* c : {"stratum", "unit_code", "map_class", "stratum_area_m2", "stratum_cells"}) labelled << "," << rows[k].at(c);
    labelled << "," << (name == names.end() ? "bare" : name->second) << "," << (shares.official_forest[i] >= 0.5 ? "yes" : "no") << ",2023\n";
  }
  labelled.close();
  const std::string out = run("designed_sampled", "--targets " + (dir_ / "targets.yaml").string() +
                                                     " --set accuracy.samples_file=" + (dir_ / "labelled.csv").string() +
                                                     " --set accuracy.min_unit_stratum_units=5");
  const Truth truth = truth_on_grid_of(out);
  const auto series = by_zone(read_file(fs::path(out) / "county_timeseries.csv")).at("z");
  EXPECT_NE(series.at("interval_basis").find("forest_coverage_pct=sample+unobserved"), std::string::npos) << series.at("interval_basis");
  for (const auto& row : parse_csv(read_file(fs::path(out) / "targets_report.csv"))) {
    if (row.at("indicator") != "forest_coverage_pct") continue;
    // The interval the verdict rests on: sampling, widened by what the sample could not see.
    const double low = std::stod(row.at("unseen_low")), high = std::stod(row.at("unseen_high"));
    EXPECT_LE(low, std::stod(row.at("ci95_low")));
    EXPECT_GE(high, std::stod(row.at("ci95_high")));
    std::printf("[design] %s: forest coverage %s [%s, %s], with unseen classes [%.2f, %.2f] (map %s), truth %.2f, basis %s, verdict %s\n",
                row.at("target_id").c_str(), row.at("value").c_str(), row.at("ci95_low").c_str(), row.at("ci95_high").c_str(), low, high,
                series.at("forest_coverage_pct").c_str(), truth.forest_pct, row.at("interval_basis").c_str(), row.at("verdict").c_str());
    EXPECT_EQ(row.at("interval_basis"), "sample+unobserved");
    EXPECT_LE(low, truth.forest_pct);
    EXPECT_GE(high, truth.forest_pct);
  }
  EXPECT_EQ(run_cli("sample-design " + plain + " --year 2019 -o " + (dir_ / "none.csv").string()).exit_code, 2);
}

// A sample that cannot carry the verdicts says why, and the verdicts it would carry are not_assessed
// rather than wrong: a map class with no unit, and units of a year the run has no season of.
TEST_F(OfficialIndicators, ASampleMissingAMapClassOrOfAnotherYearLeavesTheVerdictsNotAssessed) {
  const auto sample_csv = dir_ / "thin_reference.csv";
  std::ofstream(sample_csv) << "lon,lat,class,year\n"
                            << "107.1,40.7,tree,2023\n107.1,40.71,grassland,2023\n"  // two units: most mapped classes have none
                            << "107.1,40.72,water,2019\n";                         // a year without a season in this run
  const std::string out =
      run("thin_sample", "--set accuracy.samples_file=" + sample_csv.string() + " --targets " + (dir_ / "targets.yaml").string());
  EXPECT_NE(last_output_.find("no area-adjusted estimate from " + sample_csv.string()), std::string::npos) << last_output_;
  EXPECT_NE(last_output_.find("thin_reference.csv, row 3: labels 2019, a year this run has no season of (1 unit(s) of that year); not used"),
            std::string::npos)
      << last_output_;
  for (const auto& row : parse_csv(read_file(fs::path(out) / "targets_report.csv"))) {
    EXPECT_EQ(row.at("verdict"), "not_assessed") << row.at("target_id");
    EXPECT_EQ(row.at("interval_basis"), "unobserved_only") << row.at("target_id");
  }
}
