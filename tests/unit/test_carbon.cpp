// Carbon stock change: the factor table (the shipped one, InVEST's form, and each bad input named
// by file and row), the stock difference and gain-loss on a hand-made transition matrix, the Monte
// Carlo (byte-identical for any thread count; covering the truth drawn from the table's own
// uncertainty about 95% of the time), and a reference sample correcting a map's false afforestation.
#include <gtest/gtest.h>
#include <tbb/task_arena.h>

#include <cmath>
#include <random>

#include "carbon/carbon_factors.hpp"
#include "carbon/stock_change.hpp"
#include "config/settings.hpp"
#include "libgeo/io/raster.hpp"
#include "report/carbon_writer.hpp"
#include "targets/targets.hpp"
#include "targets/verdicts.hpp"

using namespace ecomon;

namespace {

const char* const kHeader =
    "class,agb_t_dm_per_ha,root_shoot_ratio,carbon_fraction,growth_t_dm_per_ha_yr,agb_uncertainty_pct,source\n";

// Pieces joined (appending: GCC 12 warns falsely on chains of std::string + literal).
std::string join(std::initializer_list<std::string> parts) {
  std::string out;
  for (const std::string& p : parts) out.append(p);
  return out;
}

// A table in the IPCC form with every class, the tree and grassland rows as given.
std::string table(const std::string& tree = "tree,20,0.5,0.5,4,0,t", const std::string& grass = "grassland,2,3,0.5,0,0,g") {
  return join({kHeader, tree, "\nshrubland,2,3,0.5,0,0,s\n", grass,
               "\ncropland,10,0,0.5,0,0,c\nwater,0,0,0.5,0,0,w\nwetland,2,3,0.5,0,0,x\nbare,0,0,0.5,0,0,b\nbuilt_up,0,0,0.5,0,0,u\n"});
}

std::string error_of(const std::string& text) {
  geo::io::initialise_gdal(64);
  try {
    parse_carbon_factors(text, "f.csv");
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

double density(const CarbonFactors& f, LandCover c) { return f.by_class[std::size_t(c)].density(f.pools_form); }

// One zone of `area_ha`, a pair of years 2020-2025, and its transition matrix (ha) from `cells`.
struct Pair {
  std::vector<geo::io::Zone> zones;
  std::vector<TransitionResult> transitions;
  std::vector<YearResult> years;
  Pair(double area_ha, const std::vector<std::tuple<LandCover, LandCover, double>>& cells) {
    zones.push_back(geo::io::Zone{"150802", "Linhe", {}, area_ha * 1e4, {}});
    TransitionResult t;
    t.year_from = 2020, t.year_to = 2025;
    t.areas.assign(1, TransitionResult::Matrix{});
    t.unpaired_area.assign(1, 0.0);
    for (const auto& [a, b, ha] : cells) t.areas[0][TransitionResult::index(a, b)] += ha * 1e4;
    transitions.push_back(t);
    years.resize(2);
    years[0].year = 2020, years[1].year = 2025;
  }
};

}  // namespace

TEST(CarbonFactors, TheShippedTableHasEveryClassWithItsSource) {
  geo::io::initialise_gdal(64);
  const CarbonFactors f = load_carbon_factors("");
  EXPECT_FALSE(f.pools_form);
  for (int c = 1; c < kLandCoverClasses; ++c) {
    const CarbonFactor& x = f.by_class[std::size_t(c)];
    EXPECT_TRUE(x.present) << land_cover_name(LandCover(c));
    EXPECT_FALSE(x.source.empty()) << land_cover_name(LandCover(c));
  }
  // Tree: 20 t dm/ha x (1 + 0.46) x 0.47 = 13.724 t C/ha; grassland 1.7 x 3.82 x 0.47 = 3.05218.
  EXPECT_NEAR(density(f, LandCover::tree), 13.724, 1e-9);
  EXPECT_NEAR(density(f, LandCover::grassland), 3.05218, 1e-9);
  EXPECT_NEAR(density(f, LandCover::cropland), 10.64 * 0.47, 1e-9);
  EXPECT_EQ(density(f, LandCover::bare), 0);
  EXPECT_EQ(f.pools(), "biomass (above + below ground)");
  // The built-in text is config/carbon_factors.csv.
  const std::string file = join({ECOMON_SOURCE_DIR, "/config/carbon_factors.csv"});
  const CarbonFactors from_file = load_carbon_factors(file);
  for (int c = 1; c < kLandCoverClasses; ++c) EXPECT_EQ(density(from_file, LandCover(c)), density(f, LandCover(c)));
  // The grassland ratio replaced from the config.
  Settings s;
  s.carbon.grassland_root_shoot_ratio = 6.0;
  const CarbonFactors six = carbon_factors_for(s);
  EXPECT_NEAR(density(six, LandCover::grassland), 1.7 * 7 * 0.47, 1e-9);
  EXPECT_DOUBLE_EQ(six.grassland_root_shoot_used(), 6.0);
}

TEST(CarbonFactors, InvestsPoolsTableIsReadAsItIs) {
  geo::io::initialise_gdal(64);
  const std::string invest =
      "lucode,LULC_Name,c_above,c_below,c_soil,c_dead,c_above_sd\n1,tree,10,3,50,1,2\n2,shrub,2,4,30,0,\n3,grass,1,5,40,0,\n"
      "4,crop,5,1,40,0,\n5,water,0,0,0,0,\n6,wetland,1,4,60,0,\n7,bare,0,0,10,0,\n8,built,0,0,5,0,\n";
  const CarbonFactors f = parse_carbon_factors(invest, "invest.csv");
  EXPECT_TRUE(f.pools_form);
  EXPECT_DOUBLE_EQ(density(f, LandCover::tree), 64);
  EXPECT_EQ(f.pools(), "above ground + below ground + soil + dead");
  EXPECT_TRUE(std::isnan(f.grassland_root_shoot_used()));
  EXPECT_NE(error_of("lucode,c_above,c_below,c_soil,c_dead\n9,1,1,1,1\n").find("f.csv, row 1: lucode '9' is not a LANDCOVER code"),
            std::string::npos);
}

TEST(CarbonFactors, BadTablesAreNamedByFileAndRow) {
  // Unknown class, on the second data row.
  EXPECT_NE(error_of(join({kHeader, "tree,20,0.5,0.5,4,0,t\nforest,1,1,0.5,0,0,x\n"})).find("f.csv, row 2: class 'forest' is not a LANDCOVER class"),
            std::string::npos);
  // Negative density.
  EXPECT_NE(error_of(table("tree,-20,0.5,0.5,4,0,t")).find("f.csv, row 1: column 'agb_t_dm_per_ha' is -20, negative"), std::string::npos);
  // Missing column.
  EXPECT_NE(error_of("class,agb_t_dm_per_ha,carbon_fraction,growth_t_dm_per_ha_yr,agb_uncertainty_pct,source\ntree,1,0.5,0,0,x\n")
                .find("f.csv: no column 'root_shoot_ratio'"),
            std::string::npos);
  // Missing value, not a number, no source, a class twice, a class missing, a carbon fraction of 0.
  EXPECT_NE(error_of(table("tree,,0.5,0.5,4,0,t")).find("f.csv, row 1: column 'agb_t_dm_per_ha' has no value"), std::string::npos);
  EXPECT_NE(error_of(table("tree,twenty,0.5,0.5,4,0,t")).find("f.csv, row 1: column 'agb_t_dm_per_ha' is 'twenty', not a number"),
            std::string::npos);
  EXPECT_NE(error_of(table("tree,20,0.5,0.5,4,0,")).find("f.csv, row 1: no source"), std::string::npos);
  EXPECT_NE(error_of(join({table(), "tree,1,1,0.5,0,0,again\n"})).find("f.csv, row 9: class tree again (first on row 1)"), std::string::npos);
  EXPECT_NE(error_of(join({kHeader, "tree,20,0.5,0.5,4,0,t\n"})).find("f.csv: no row for class shrubland, grassland"),
            std::string::npos);
  EXPECT_NE(error_of(table("tree,20,0.5,0,4,0,t")).find("f.csv, row 1: carbon_fraction is 0"), std::string::npos);
  EXPECT_NE(error_of(table("tree,20,0.5,1.5,4,0,t")).find("column 'carbon_fraction' is 1.5, above 1"), std::string::npos);
  // A file that does not exist.
  try {
    load_carbon_factors("/nonexistent/factors.csv");
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/factors.csv: does not exist"), std::string::npos) << e.what();
  }
}

TEST(CarbonStockChange, HandMatrixStockDifferenceAndGainLoss) {
  geo::io::initialise_gdal(64);
  // Densities without uncertainty: tree 20 x 1.5 x 0.5 = 15 t C/ha, grassland 2 x 4 x 0.5 = 4, bare 0.
  const CarbonFactors f = parse_carbon_factors(table(), "f.csv");
  // 1,000 ha observed in both years of a 1,250 ha zone: 100 ha grassland planted to trees, 50 ha of
  // trees lost to bare, 30 ha grassland degraded to bare, 800 ha grassland and 20 ha trees unchanged.
  Pair p(1250, {{LandCover::grassland, LandCover::tree, 100},
                {LandCover::tree, LandCover::bare, 50},
                {LandCover::grassland, LandCover::bare, 30},
                {LandCover::grassland, LandCover::grassland, 800},
                {LandCover::tree, LandCover::tree, 20}});
  Settings s;
  const std::vector<CarbonChange> out = carbon_stock_changes(p.transitions, p.years, p.zones, {}, f, s);
  ASSERT_EQ(out.size(), 1u);
  const CarbonChange& c = out[0];
  // 100 x (15 - 4) - 50 x 15 - 30 x 4 = 1100 - 750 - 120 = 230 t C on the 1,000 ha; x 1.25 for the zone.
  EXPECT_NEAR(c.map_stock_change_tc, 230, 1e-9);
  EXPECT_NEAR(c.stock_change_tc, 287.5, 1e-9);
  EXPECT_NEAR(c.observed_fraction(), 0.8, 1e-12);
  EXPECT_EQ(c.method, "stock_difference");
  EXPECT_EQ(c.interval_basis, "factors_only");
  EXPECT_FALSE(c.statistical());
  // No uncertainty in the table: the interval is the value.
  EXPECT_NEAR(c.ci95_low_tc, 287.5, 1e-9);
  EXPECT_NEAR(c.ci95_high_tc, 287.5, 1e-9);
  EXPECT_NEAR(c.gained_tree_m2, 100e4, 1e-6);
  EXPECT_NEAR(c.lost_tree_m2, 50e4, 1e-6);
  EXPECT_EQ(c.largest_from, LandCover::grassland);
  EXPECT_EQ(c.largest_to, LandCover::tree);
  EXPECT_NEAR(c.largest_tc, 1100, 1e-9);
  // carbon_report.csv's row: tCO2e = tC x 44/12 (287.5 x 44/12 = 1054.1667), per year over 5 years.
  const std::vector<std::string> cells = carbon_report_cells(c, f);
  const auto& cols = carbon_report_columns();
  auto cell = [&](const std::string& key) {
    for (std::size_t i = 0; i < cols.size(); ++i)
      if (cols[i].key == key) return cells[i];
    return std::string("?");
  };
  EXPECT_EQ(cells.size(), cols.size());
  EXPECT_EQ(cell("stock_change_tco2e"), "1054.2");
  EXPECT_EQ(cell("annual_tco2e"), "210.8");
  EXPECT_EQ(cell("sink_significant"), "not_assessed");
  EXPECT_EQ(cell("largest_transition"), "grassland->tree");
  // Gain-loss on stable land: 20 ha of trees x 4 t dm/ha/yr x 1.5 x 0.5 x 5 years = 300 t C more on
  // the 1,000 ha (grassland grows 0 in the table).
  s.carbon.stable_growth = true;
  const CarbonChange g = carbon_stock_changes(p.transitions, p.years, p.zones, {}, f, s)[0];
  EXPECT_EQ(g.method, "stock_difference+gain_loss");
  EXPECT_NEAR(g.map_stock_change_tc, 530, 1e-9);
  EXPECT_NEAR(g.stock_change_tc, 662.5, 1e-9);
}

TEST(CarbonStockChange, MonteCarloIsTheSameForAnyThreadCountAndCoversTheTruthDrawnFromTheTable) {
  geo::io::initialise_gdal(64);
  const CarbonFactors f = parse_carbon_factors(table("tree,20,0.5,0.5,4,60,t", "grassland,2,3,0.5,0,75,g"), "f.csv");
  Pair p(1000, {{LandCover::grassland, LandCover::tree, 100}, {LandCover::grassland, LandCover::bare, 300}, {LandCover::grassland, LandCover::grassland, 600}});
  // Several zones so that the work is shared among threads.
  for (int z = 0; z < 7; ++z) {
    p.zones.push_back(geo::io::Zone{join({"Z", std::to_string(z)}), "", {}, 1000e4, {}});
    p.transitions[0].areas.push_back(p.transitions[0].areas[0]);
    p.transitions[0].unpaired_area.push_back(0);
  }
  Settings s;
  std::vector<CarbonChange> one, four;
  tbb::task_arena(1).execute([&] { one = carbon_stock_changes(p.transitions, p.years, p.zones, {}, f, s); });
  tbb::task_arena(4).execute([&] { four = carbon_stock_changes(p.transitions, p.years, p.zones, {}, f, s); });
  ASSERT_EQ(one.size(), 8u);
  for (std::size_t i = 0; i < one.size(); ++i) {
    EXPECT_EQ(one[i].ci95_low_tc, four[i].ci95_low_tc);
    EXPECT_EQ(one[i].ci95_high_tc, four[i].ci95_high_tc);
  }
  const CarbonChange& c = one[0];
  EXPECT_LT(c.ci95_low_tc, c.stock_change_tc);
  EXPECT_GT(c.ci95_high_tc, c.stock_change_tc);
  // Another seed: another interval, close to it.
  s.carbon.seed = 7;
  const CarbonChange other = carbon_stock_changes(p.transitions, p.years, p.zones, {}, f, s)[0];
  EXPECT_NE(other.ci95_low_tc, c.ci95_low_tc);
  EXPECT_NEAR(other.ci95_low_tc, c.ci95_low_tc, 0.1 * std::abs(c.ci95_low_tc));
  // The truth drawn from the table's own uncertainty (densities as a bureau's plots would find them)
  // lies in the interval about 95% of the time.
  std::mt19937_64 truth_rng(99);
  int covered = 0;
  const int trials = 1000;
  for (int k = 0; k < trials; ++k) {
    const CarbonDraw d = draw_carbon(f, truth_rng);
    const double truth = 100 * (d.density[1] - d.density[3]) + 300 * (0 - d.density[3]);
    covered += truth >= c.ci95_low_tc && truth <= c.ci95_high_tc;
  }
  EXPECT_NEAR(double(covered) / trials, 0.95, 0.02) << covered;
}

TEST(CarbonStockChange, AReferenceSampleCorrectsAMapsFalseAfforestation) {
  geo::io::initialise_gdal(64);
  const CarbonFactors f = parse_carbon_factors(table("tree,20,0.5,0.5,4,30,t", "grassland,2,3,0.5,0,30,g"), "f.csv");
  // 1,000 ha of grassland in 2020; in 2025 the map shows 200 ha of new trees, of which only 150 are
  // trees on the ground (the rest still grassland). The true change: 150 x (15 - 4) = 1650 t C.
  Pair p(1000, {{LandCover::grassland, LandCover::tree, 200}, {LandCover::grassland, LandCover::grassland, 800}});
  std::vector<ReferenceSample> sample;
  std::vector<PlotMatch> first, second;
  auto unit = [&](std::vector<PlotMatch>& matches, LandCover mapped, LandCover reference, int year) {
    matches.push_back({sample.size(), PlotStatus::not_grassland, 0.3, mapped});
    sample.push_back({107, 40, reference, year, int(sample.size() + 1), std::nullopt, {}, {}, LandCover::unknown, std::nan(""), std::nan("")});
  };
  // 2020: 30 units, all grassland on the map and the ground. 2025: 40 in the mapped trees (30 trees,
  // 10 grassland on the ground: 3/4, as the truth), 40 in the mapped grassland (all grassland).
  for (int k = 0; k < 30; ++k) unit(first, LandCover::grassland, LandCover::grassland, 2020);
  for (int k = 0; k < 30; ++k) unit(second, LandCover::tree, LandCover::tree, 2025);
  for (int k = 0; k < 10; ++k) unit(second, LandCover::tree, LandCover::grassland, 2025);
  for (int k = 0; k < 40; ++k) unit(second, LandCover::grassland, LandCover::grassland, 2025);
  for (const auto& [y, matches] : {std::pair{0, &first}, std::pair{1, &second}}) {
    ZoneTally tally;
    std::array<double, kLandCoverClasses> mapped{};
    mapped[int(LandCover::grassland)] = y == 0 ? 1000e4 : 800e4;
    mapped[int(LandCover::tree)] = y == 0 ? 0 : 200e4;
    for (int c = 0; c < kLandCoverClasses; ++c) tally.landcover_area[c] = mapped[std::size_t(c)];
    for (const PlotMatch& m : *matches) tally.sample_units.push_back(m.plot);
    tally.observed_area = 1000e4;
    p.years[std::size_t(y)].tallies = {tally};
    p.years[std::size_t(y)].accuracy = assess_land_cover(*matches, sample, mapped);
    ASSERT_TRUE(p.years[std::size_t(y)].accuracy->applied()) << p.years[std::size_t(y)].accuracy->problem;
  }
  Settings s;
  const CarbonChange c = carbon_stock_changes(p.transitions, p.years, p.zones, {}, f, s)[0];
  EXPECT_EQ(c.interval_basis, "sample+factors") << c.sample_problem;
  EXPECT_TRUE(c.statistical());
  EXPECT_NEAR(c.map_stock_change_tc, 2200, 1e-9);  // the map's 200 ha x 11
  EXPECT_NEAR(c.stock_change_tc, 1650, 1e-6);      // the sample's 150 ha x 11: the truth
  EXPECT_LT(c.ci95_low_tc, 1650);
  EXPECT_GT(c.ci95_high_tc, 1650);
  EXPECT_GT(c.ci95_low_tc, 0);  // a sink beyond doubt
  // A carbon target judged on it: at least 1,000 t CO2e/yr (1650 x 44/12 / 5 = 1210).
  const TargetsFile targets = parse_targets(
      "targets:\n  - id: sink\n    unit: '150802'\n    indicator: carbon_sink_tco2e_per_yr\n    rule: at_least\n    target: {year: 2025, "
      "value: 1000}\n    binding: false\n    source: 'test:1'\n",
      "t.yaml");
  const std::vector<CarbonChange> all = {c};
  const std::vector<VerdictRow> rows = evaluate_targets(targets, p.zones, p.years, 0.5, &all);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].year, 2025);
  EXPECT_NEAR(rows[0].estimate.value, 1210, 1e-6);
  EXPECT_EQ(rows[0].estimate.basis, "sample+factors");
  const bool above = rows[0].estimate.low > 1000;
  EXPECT_EQ(rows[0].verdict, above ? Verdict::met : Verdict::at_risk);
}

TEST(CarbonStockChange, TheSampleIntervalCoversTheTruthAbout95PercentOfTheTime) {
  geo::io::initialise_gdal(64);
  // Densities without uncertainty, so that the interval is the sample's alone: tree 15, grassland 4,
  // cropland 5, bare 0 t C/ha.
  const CarbonFactors f = parse_carbon_factors(table(), "f.csv");
  const std::array<double, kLandCoverClasses> density = {0, 15, 4, 4, 5, 0, 4, 0, 0};
  // A landscape of 10,000 one-hectare cells: grassland 70%, bare 20%, cropland 10% in the first year;
  // 500 ha of the grassland planted to trees and 300 ha degraded to bare by the second. Two maps of it,
  // each cell right with probability 0.85 and otherwise another of the four classes.
  const std::vector<LandCover> classes = {LandCover::tree, LandCover::grassland, LandCover::cropland, LandCover::bare};
  const std::size_t cells = 10000;
  std::mt19937_64 rng(5);
  std::vector<LandCover> truth1(cells), truth2(cells), map1(cells), map2(cells);
  for (std::size_t i = 0; i < cells; ++i) {
    truth1[i] = i < 7000 ? LandCover::grassland : i < 9000 ? LandCover::bare : LandCover::cropland;
    truth2[i] = i < 500 ? LandCover::tree : i < 800 ? LandCover::bare : truth1[i];
  }
  auto mapped_as = [&](LandCover t) {
    if (std::uniform_real_distribution<double>(0, 1)(rng) < 0.85) return t;
    LandCover other = t;
    while (other == t) other = classes[std::uniform_int_distribution<std::size_t>(0, classes.size() - 1)(rng)];
    return other;
  };
  for (std::size_t i = 0; i < cells; ++i) map1[i] = mapped_as(truth1[i]), map2[i] = mapped_as(truth2[i]);
  double truth_tc = 0;
  Pair p(double(cells), {});
  for (std::size_t i = 0; i < cells; ++i) {
    truth_tc += density[std::size_t(truth2[i])] - density[std::size_t(truth1[i])];
    p.transitions[0].areas[0][TransitionResult::index(map1[i], map2[i])] += 1e4;
  }
  // Each replicate: a sample stratified by each year's map, 40 units per mapped class, labelled with the truth.
  const int replicates = 1000;
  int covered = 0;
  double mean_error = 0;
  for (int rep = 0; rep < replicates; ++rep) {
    std::vector<ReferenceSample> sample;
    std::array<std::vector<PlotMatch>, 2> matches;
    for (int y = 0; y < 2; ++y) {
      const auto& map = y == 0 ? map1 : map2;
      const auto& truth = y == 0 ? truth1 : truth2;
      for (LandCover c : classes) {
        std::vector<std::size_t> stratum;
        for (std::size_t i = 0; i < cells; ++i)
          if (map[i] == c) stratum.push_back(i);
        std::shuffle(stratum.begin(), stratum.end(), rng);
        for (std::size_t k = 0; k < 40 && k < stratum.size(); ++k) {
          matches[std::size_t(y)].push_back({sample.size(), PlotStatus::not_grassland, 0.3, c});
          sample.push_back({107, 40, truth[stratum[k]], y == 0 ? 2020 : 2025, int(sample.size() + 1), std::nullopt, {}, {}, LandCover::unknown, std::nan(""), std::nan("")});
        }
      }
    }
    for (int y = 0; y < 2; ++y) {
      const auto& map = y == 0 ? map1 : map2;
      ZoneTally tally;
      std::array<double, kLandCoverClasses> mapped{};
      for (std::size_t i = 0; i < cells; ++i) mapped[std::size_t(map[i])] += 1e4;
      for (int c = 0; c < kLandCoverClasses; ++c) tally.landcover_area[c] = mapped[std::size_t(c)];
      for (const PlotMatch& m : matches[std::size_t(y)]) tally.sample_units.push_back(m.plot);
      tally.observed_area = double(cells) * 1e4;
      p.years[std::size_t(y)].tallies = {tally};
      p.years[std::size_t(y)].accuracy = assess_land_cover(matches[std::size_t(y)], sample, mapped);
    }
    Settings s;
    s.carbon.draws = 1000;
    const CarbonChange c = carbon_stock_changes(p.transitions, p.years, p.zones, {}, f, s)[0];
    ASSERT_EQ(c.interval_basis, "sample+factors") << c.sample_problem;
    covered += truth_tc >= c.ci95_low_tc && truth_tc <= c.ci95_high_tc;
    mean_error += (c.stock_change_tc - truth_tc) / replicates;
  }
  std::printf("[carbon] sample interval coverage %d/%d, mean error %.0f t C of a true %.0f t C\n", covered, replicates, mean_error, truth_tc);
  // 1,000 replicates: a binomial standard error of 0.7 points around 95%.
  EXPECT_GE(covered, int(0.925 * replicates));
  EXPECT_LE(covered, int(0.975 * replicates));
  EXPECT_LT(std::abs(mean_error), 0.1 * std::abs(truth_tc));  // unbiased, unlike the map's figure
}
