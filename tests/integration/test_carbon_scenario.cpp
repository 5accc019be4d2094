// Carbon stock change against a simulated truth: two years (2020, 2024) of simulated Landsat 8
// scenes over the Ulan Buh edge and western Hetao, with the simulator's land change from 2022
// (desert planted in 16 ha blocks, a quarter of the fields abandoned to grass). The transition
// matrix of carbon_transitions.csv against the truth's (the simulator's land cover on the same
// regional grid, over the cells the maps observed in both years, weighted as ecomon weights them:
// coverage fraction x ellipsoidal cell area); the stock change of carbon_report.csv against the
// truth's at the same densities; the interval covering it; the CASA productivity of each zone from
// simulated monthly climate; the same bytes with 1 and 2 threads.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>

#include "helpers.hpp"
#include "libgeo/coverage.hpp"
#include "libgeo/io/projection.hpp"
#include "libgeo/io/raster.hpp"
#include "libgeo/io/vector.hpp"
#include "rules/cell_rules.hpp"
#include "simulator.hpp"

using namespace testing_helpers;
namespace fs = std::filesystem;

namespace {

// The simulator's WorldCover codes as LANDCOVER classes (sparse steppe is grassland in both).
ecomon::LandCover land_cover_of(std::uint8_t worldcover) {
  switch (worldcover) {
    case 10: return ecomon::LandCover::tree;
    case 20: return ecomon::LandCover::shrubland;
    case 30: return ecomon::LandCover::grassland;
    case 40: return ecomon::LandCover::cropland;
    case 60: return ecomon::LandCover::bare;
    case 80: return ecomon::LandCover::water;
    default: return ecomon::LandCover::unknown;
  }
}

// Densities (t C/ha): tree 20 x 1.5 x 0.5 = 15, grassland, shrubland and wetland 2 x 4 x 0.5 = 4,
// cropland 5, water, bare and built-up 0; 20% uncertainty on the AGB.
const char* const kFactors =
    "class,agb_t_dm_per_ha,root_shoot_ratio,carbon_fraction,growth_t_dm_per_ha_yr,agb_uncertainty_pct,source\n"
    "tree,20,0.5,0.5,0,20,test\nshrubland,2,3,0.5,0,20,test\ngrassland,2,3,0.5,0,20,test\ncropland,10,0,0.5,0,20,test\n"
    "water,0,0,0.5,0,0,test\nwetland,2,3,0.5,0,20,test\nbare,0,0,0.5,0,0,test\nbuilt_up,0,0,0.5,0,0,test\n";
constexpr double kDensity[ecomon::kLandCoverClasses] = {0, 15, 4, 4, 5, 0, 4, 0, 0};

}  // namespace

TEST(CarbonScenario, TransitionsAndStockChangeAgainstTheSimulatedTruth) {
  const auto dir = fresh_dir("carbon_scenario");
  const double w = 106.80, e = 107.09, s = 40.42, n = 40.98;
  // Per year: two spring, three peak-season and two autumn scenes (the cropland and shrubland rules
  // read the shoulders; two of each so that clouds rarely hide a cell in both).
  const char* const days[] = {"05-08", "05-15", "07-10", "07-25", "08-10", "09-15", "09-22"};
  std::uint64_t seed = 70;
  for (int year : {2020, 2024})
    for (const char* day : days) {
      ecomon::SimulationOptions o;
      o.output_dir = (dir / "scenes").string();
      o.west = w, o.east = e, o.south = s, o.north = n, o.utm_zone = 48, o.clouds = 2, o.seed = ++seed;
      o.date = std::to_string(year) + "-" + day;
      o.land_change_year = 2022;
      ecomon::simulate_scene(o);
    }
  // Zone A: desert between the Yellow River and the sand, where the blocks are planted; zone B:
  // western Hetao's fields.
  const auto zones = write_zones(dir / "z.geojson", {box_feature("A", "Ulan Buh edge", 106.83, 40.45, 106.93, 40.62),
                                                     box_feature("B", "western Hetao", 106.98, 40.84, 107.07, 40.95)});
  {
    std::ofstream f(dir / "factors.csv");
    f << kFactors;
  }
  // Monthly climate for the CASA productivity (NPP) of both years.
  for (int year : {2020, 2024}) ecomon::simulate_climate((dir / "climate").string(), year, w, s, e, n);
  const std::string common = " --input " + (dir / "scenes").string() + " --zones " + zones + " --set fvc.ndvi_soil=" +
                             std::to_string(ecomon::SimulatorEndMembers::loam_ndvi) +
                             " --set fvc.ndvi_veg=" + std::to_string(ecomon::SimulatorEndMembers::veg_ndvi) +
                             " --set carbon.factors_file=" + (dir / "factors.csv").string() + " --set output.products=season/LANDCOVER" +
                             " --set carbon.casa.climate_dir=" + (dir / "climate").string();
  const auto r = run_cli("run /dev/null --out " + (dir / "out").string() + " --threads 2" + common);
  ASSERT_EQ(r.exit_code, 0) << r.output;

  // The truth on the regional grid, over the cells both maps observed: each cell's area shared among
  // its 3 x 3 sub-cells, each the majority of its own 2 x 2 samples of the simulated ground, so that
  // a cell half planted counts half (the true area), not all or nothing.
  const geo::io::RasterReader first((dir / "out/years/2020/ecomon_2020_LANDCOVER.tif").string()),
      second((dir / "out/years/2024/ecomon_2024_LANDCOVER.tif").string());
  const geo::Grid& g = first.grid();
  const auto map1 = first.read<std::uint8_t>(g.full()), map2 = second.read<std::uint8_t>(g.full());
  const auto zone_list = geo::io::read_zones(geo::io::ZoneSource{zones, "code", "name", ""}, g.crs_wkt);
  const auto windows = geo::io::zone_windows(zone_list, g);
  const auto areas = geo::io::cell_area_model(g).areas(g.full());
  const double px = g.transform.pixel_width;
  constexpr int kSub = 3;
  std::map<std::string, std::map<std::pair<int, int>, double>> truth;  // zone -> (from, to) -> ha
  std::map<std::string, double> true_tc;
  for (std::size_t z = 0; z < zone_list.size(); ++z) {
    const auto& zone = zone_list[z];
    const geo::Window& win = windows[z];
    const auto cover = geo::coverage_fractions(zone.geometry, g.transform, win);
    ecomon::TruthShares t1, t2;
    std::vector<float> fvc;
    std::vector<std::uint8_t> water, forest;
    const double ox = g.transform.col_to_x(win.col0), oy = g.transform.row_to_y(win.row0);
    const int cols = win.cols * kSub, rows = win.rows * kSub;
    ecomon::simulate_truth(g.crs_wkt, ox, oy, px / kSub, cols, rows, 2020, 1, 0, fvc, water, forest, &t1, "", "", 2022);
    ecomon::simulate_truth(g.crs_wkt, ox, oy, px / kSub, cols, rows, 2024, 1, 0, fvc, water, forest, &t2, "", "", 2022);
    for (int row = 0; row < win.rows; ++row)
      for (int col = 0; col < win.cols; ++col) {
        const std::size_t i = std::size_t(win.row0 + row) * std::size_t(g.cols) + std::size_t(win.col0 + col);
        const double f = cover.at(row, col);
        const bool observed = map1[i] > 0 && map1[i] < ecomon::kLandCoverClasses && map2[i] > 0 && map2[i] < ecomon::kLandCoverClasses;
        if (f <= 0 || !observed) continue;
        const double ha = f * areas.at(win.row0 + row, win.col0 + col) / 1e4 / (kSub * kSub);
        for (int sr = 0; sr < kSub; ++sr)
          for (int sc = 0; sc < kSub; ++sc) {
            const std::size_t j = std::size_t(row * kSub + sr) * std::size_t(cols) + std::size_t(col * kSub + sc);
            const int a = int(land_cover_of(t1.worldcover[j])), b = int(land_cover_of(t2.worldcover[j]));
            truth[zone.code][{a, b}] += ha;
            true_tc[zone.code] += ha * (kDensity[b] - kDensity[a]);
          }
      }
  }
  // carbon_transitions.csv against the truth: every true transition over 1 km2 within 3%.
  std::map<std::string, std::map<std::pair<int, int>, double>> mapped;
  for (const auto& row : parse_quoted_csv(read_file(dir / "out/carbon_transitions.csv"))) {
    const auto a = ecomon::land_cover_from_name(row.at("from_class")), b = ecomon::land_cover_from_name(row.at("to_class"));
    ASSERT_TRUE(a && b);
    mapped[row.at("zone_code")][{int(*a), int(*b)}] = std::stod(row.at("area_ha"));
  }
  int checked = 0;
  for (const auto& [zone, cells] : truth)
    for (const auto& [pair, ha] : cells) {
      const double got = mapped[zone][pair];
      std::printf("[carbon] zone %s %s->%s: truth %.1f ha, map %.1f ha (%+.2f%%)\n", zone.c_str(),
                  ecomon::land_cover_name(ecomon::LandCover(pair.first)), ecomon::land_cover_name(ecomon::LandCover(pair.second)), ha, got,
                  ha > 0 ? 100 * (got - ha) / ha : 0.0);
      if (ha <= 100) continue;  // 1 km2
      ++checked;
      EXPECT_NEAR(got, ha, 0.03 * ha) << zone << " " << pair.first << "->" << pair.second;
    }
  EXPECT_GE(checked, 4);  // the planted blocks, the abandoned fields, the desert and fields that stayed
  const std::pair<int, int> planted{int(ecomon::LandCover::bare), int(ecomon::LandCover::tree)},
      abandoned{int(ecomon::LandCover::cropland), int(ecomon::LandCover::grassland)};
  EXPECT_GT(truth["A"][planted], 100);
  EXPECT_GT(truth["B"][abandoned], 100);

  // carbon_report.csv: the stock change within 10% of the truth's (both over the zone's whole area,
  // the truth scaled as ecomon scales: the observed land's rate), the interval covering it.
  const auto report = parse_quoted_csv(read_file(dir / "out/carbon_report.csv"));
  ASSERT_EQ(report.size(), 2u);
  for (const auto& row : report) {
    const std::string zone = row.at("unit_code");
    const double scale = 1 / std::stod(row.at("observed_fraction"));
    const double truth_tco2e = true_tc[zone] * 44.0 / 12.0 * scale;
    const double value = std::stod(row.at("stock_change_tco2e"));
    const double low = std::stod(row.at("ci95_low_tco2e")), high = std::stod(row.at("ci95_high_tco2e"));
    std::printf("[carbon] zone %s: stock change %.0f t CO2e, truth %.0f (%+.2f%%), 95%% interval [%.0f, %.0f], %s\n", zone.c_str(), value,
                truth_tco2e, 100 * (value - truth_tco2e) / truth_tco2e, low, high, row.at("interval_basis").c_str());
    EXPECT_NEAR(value, truth_tco2e, 0.10 * std::abs(truth_tco2e)) << zone;
    EXPECT_LE(low, truth_tco2e) << zone;
    EXPECT_GE(high, truth_tco2e) << zone;
    EXPECT_EQ(row.at("interval_basis"), "factors_only");
    EXPECT_EQ(row.at("sink_significant"), "not_assessed");
  }

  // NPP (CASA) per zone and year: the planted blocks raise zone A's; the fields and the grass that
  // replaced some of them keep zone B's within the range of irrigated cropland without irrigation.
  const auto series = parse_quoted_csv(read_file(dir / "out/county_timeseries.csv"));
  std::map<std::string, double> npp;
  for (const auto& row : series) {
    ASSERT_FALSE(row.at("npp_mean_gc_m2").empty()) << row.at("zone_code") << " " << row.at("year");
    npp[row.at("zone_code") + row.at("year")] = std::stod(row.at("npp_mean_gc_m2"));
    std::printf("[carbon] zone %s %s: NPP %s g C/m2/yr, %s t C/yr\n", row.at("zone_code").c_str(), row.at("year").c_str(),
                row.at("npp_mean_gc_m2").c_str(), row.at("npp_total_tc").c_str());
  }
  EXPECT_LT(npp["A2020"], 20);                 // desert
  EXPECT_GT(npp["A2024"], npp["A2020"] + 40);  // 16% of it planted
  EXPECT_GT(npp["B2020"], 200);
  EXPECT_LT(npp["B2020"], 800);

  // The same bytes with one thread.
  const auto one = run_cli("run /dev/null --out " + (dir / "out1").string() + " --threads 1" + common);
  ASSERT_EQ(one.exit_code, 0) << one.output;
  EXPECT_EQ(read_file(dir / "out1/carbon_report.csv"), read_file(dir / "out/carbon_report.csv"));
  EXPECT_EQ(read_file(dir / "out1/carbon_transitions.csv"), read_file(dir / "out/carbon_transitions.csv"));
  EXPECT_EQ(read_file(dir / "out1/county_timeseries.csv"), read_file(dir / "out/county_timeseries.csv"));
}
