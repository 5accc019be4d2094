// Ground-plot calibration: the line and its statistics against an independent fit (numpy.polyfit
// and a leave-one-out loop written apart), Student's t quantiles against the printed table, the
// plots file's errors, and a calibrated grassland cover with its interval worked by hand.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "ground/plots.hpp"
#include "ground/reference_sample.hpp"
#include "config/settings.hpp"
#include "engine/season_engine.hpp"
#include "libgeo/io/raster.hpp"
#include "libgeo/regression.hpp"
#include "products/indicators.hpp"

using namespace ecomon;
namespace fs = std::filesystem;

namespace {

TEST(LinearFit, AgreesWithAnIndependentFit) {
  // numpy: polyfit -> 0.89428571 x + 4.53333333; RMSE 1.79240018; R2 0.98641406; s 2.19523293;
  // leave-one-out RMSE (refitting without each point) 2.53918498; SE of the mean response at 45: 1.03853202.
  const geo::LinearFit f = geo::fit_line({10, 20, 30, 40, 50, 60}, {14, 21, 33, 38, 52, 57});
  EXPECT_EQ(f.n, 6);
  EXPECT_NEAR(f.slope, 0.894285714, 1e-8);
  EXPECT_NEAR(f.intercept, 4.533333333, 1e-8);
  EXPECT_NEAR(f.rmse, 1.792400182, 1e-8);
  EXPECT_NEAR(f.r2, 0.986414056, 1e-8);
  EXPECT_NEAR(f.residual_se, 2.195232930, 1e-8);
  EXPECT_NEAR(f.loo_rmse, 2.539184984, 1e-8);
  EXPECT_NEAR(f.bias, -0.833333333, 1e-8);  // mean of x - y
  EXPECT_NEAR(f.mean_response_se(45), 1.038532018, 1e-8);
  EXPECT_THROW(geo::fit_line({1, 2}, {1, 2}), std::invalid_argument);
  EXPECT_THROW(geo::fit_line({3, 3, 3}, {1, 2, 3}), std::invalid_argument);
}

TEST(StudentT, QuantilesOfThePrintedTable) {
  // t(0.975) for 1, 2, 3, 5, 10, 30 and 120 degrees of freedom, and t(0.95) for 10.
  EXPECT_NEAR(geo::student_t_quantile(0.975, 1), 12.7062, 1e-4);
  EXPECT_NEAR(geo::student_t_quantile(0.975, 2), 4.3027, 1e-4);
  EXPECT_NEAR(geo::student_t_quantile(0.975, 3), 3.1824, 1e-4);
  EXPECT_NEAR(geo::student_t_quantile(0.975, 5), 2.5706, 1e-4);
  EXPECT_NEAR(geo::student_t_quantile(0.975, 10), 2.2281, 1e-4);
  EXPECT_NEAR(geo::student_t_quantile(0.975, 30), 2.0423, 1e-4);
  EXPECT_NEAR(geo::student_t_quantile(0.975, 120), 1.9799, 1e-4);
  EXPECT_NEAR(geo::student_t_quantile(0.95, 10), 1.8125, 1e-4);
}

fs::path write(const std::string& name, const std::string& text) {
  const fs::path p = fs::temp_directory_path() / ("ecomon_plots_" + std::to_string(::getpid()) + "_" + name);
  std::ofstream(p) << text;
  return p;
}

std::string error_of(const std::string& text) {
  geo::io::initialise_gdal(64);  // the CSV is read through OGR
  try {
    load_ground_plots(write("bad.csv", text).string());
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

TEST(GroundPlots, ReadInFileOrderWithTheirRows) {
  geo::io::initialise_gdal(64);
  const auto plots = load_ground_plots(write("ok.csv",
                                             "\xEF\xBB\xBFplot_id,lon,lat,date,cover_pct,note\r\nA1,107.1,40.7,2023-08-05,21.5,\"dry, "
                                             "grazed\"\r\nA2,107.2,40.8,2024-07-30,0\r\n")
                                           .string());
  ASSERT_EQ(plots.size(), 2u);
  EXPECT_EQ(plots[0].id, "A1");
  EXPECT_EQ(plots[0].year, 2023);
  EXPECT_DOUBLE_EQ(plots[0].cover_pct, 21.5);
  EXPECT_EQ(plots[1].row, 2);
  EXPECT_EQ(plots[1].year, 2024);
}

TEST(GroundPlots, EveryBadInputNamesTheFileAndTheRow) {
  EXPECT_NE(error_of("plot_id,lon,lat,cover_pct\nA,107,40,20\n").find("no column 'date'"), std::string::npos);
  EXPECT_NE(error_of("plot_id,lon,lat,date,cover_pct\nA,107,40,2023-08-01,20\nB,107,4O,2023-08-01,20\n")
                .find("bad.csv, row 2: column 'lat' is '4O'"),
            std::string::npos);
  EXPECT_NE(error_of("plot_id,lon,lat,date,cover_pct\nA,40.7,107.1,2023-08-01,20\n").find("row 1 (plot A): (40.7, 107.1) is not a WGS84"),
            std::string::npos);
  EXPECT_NE(error_of("plot_id,lon,lat,date,cover_pct\nA,107,40,2023/08/01,20\n").find("date '2023/08/01' is not YYYY-MM-DD"),
            std::string::npos);
  EXPECT_NE(
      error_of("plot_id,lon,lat,date,cover_pct\nA,107,40,2023-08-01,0.21\nB,107,40,2023-08-01,121\n").find("row 2 (plot B): cover_pct 121"),
      std::string::npos);
  EXPECT_NE(error_of("plot_id,lon,lat,date,cover_pct\nA,107,40,2023-08-01,20\nA,107,40,2023-08-01,22\n").find("plot A is listed twice"),
            std::string::npos);
  EXPECT_NE(error_of("plot_id,lon,lat,date,cover_pct\n").find("no plot rows"), std::string::npos);
}

TEST(Calibration, TheZoneEffectOfTheResidualsByHand) {
  // Three zones of two plots each at satellite cover 0.2 and 0.4; measured = satellite + 0.03 (zone 0),
  // - 0.03 (zone 1), + 0.01 (zone 2). The line is y = x + 0.01/3; residuals +0.08/3, -0.1/3, +0.02/3 in
  // each zone, no spread within: MSW = 0, MSB = 2 (0.08^2 + 0.1^2 + 0.02^2) / 9 / 2, n0 = (6 - 12/6) / 2
  // = 2, sigma_b^2 = MSB / 2 = 0.0009333.
  const double offset[3] = {0.03, -0.03, 0.01};
  std::vector<GroundPlot> plots;
  std::vector<PlotMatch> matches;
  for (int z = 0; z < 3; ++z)
    for (const double x : {0.2, 0.4}) {
      matches.push_back({plots.size(), PlotStatus::matched, x, LandCover::grassland, 0, z});
      plots.push_back({"p", 107, 40, "2023-08-01", 2023, 100 * (x + offset[z]), int(plots.size() + 1)});
    }
  const Calibration c = fit_calibration(matches, plots, 5);
  ASSERT_TRUE(c.applied());
  EXPECT_NEAR(c.fit->intercept, 0.01 / 3, 1e-12);
  EXPECT_EQ(c.zones_with_plots, 3);
  EXPECT_NEAR(c.between_zone_variance, (0.08 * 0.08 + 0.1 * 0.1 + 0.02 * 0.02) / 9 / 2, 1e-12);
  // Plots in one zone only: no estimate of the zone effect.
  for (auto& m : matches) m.zone = 0;
  const Calibration one = fit_calibration(matches, plots, 5);
  EXPECT_EQ(one.zones_with_plots, 1);
  EXPECT_EQ(one.between_zone_variance, 0);
}

TEST(Calibration, FitsOnlyTheMatchedPlotsAndSaysWhyNot) {
  std::vector<GroundPlot> plots(6);
  for (std::size_t k = 0; k < plots.size(); ++k) plots[k].cover_pct = 10.0 * double(k + 1);
  std::vector<PlotMatch> matches;
  for (std::size_t k = 0; k < 6; ++k) matches.push_back({5 - k, PlotStatus::matched, 0.05 * double(6 - k), LandCover::grassland});
  matches[0].status = PlotStatus::not_grassland;  // plot 5: skipped
  const Calibration c = fit_calibration(matches, plots, 5);
  ASSERT_TRUE(c.applied());
  EXPECT_EQ(c.fit->n, 5);
  EXPECT_NEAR(c.fit->slope, 2.0, 1e-12);  // measured 0.1..0.5 on satellite 0.05..0.25
  EXPECT_NEAR(c.fit->intercept, 0.0, 1e-12);
  EXPECT_EQ(c.matches.front().plot, 0u);  // file order
  const Calibration too_few = fit_calibration(matches, plots, 6);
  EXPECT_FALSE(too_few.applied());
  EXPECT_NE(too_few.problem.find("5 plot(s) on observed grassland, fewer than calibration.min_plots (6)"), std::string::npos);
}

TEST(Calibration, GrasslandCoverThroughTheLineWithTheErrorOfTheMeanByHand) {
  // Zone of 100 km2, 80 observed; grassland 40 km2 at satellite cover 0.25 (sum 10 km2); 20 unobserved.
  const geo::io::Zone zone{"z", "zone", {}, 100e6, {}};
  ZoneTally t;
  t.total_area = t.observed_area = t.land_area = 80e6;
  t.landcover_area[int(LandCover::grassland)] = 40e6;
  t.grassland_fvc_area = 10e6;
  std::vector<GroundPlot> plots(5);
  const double satellite[] = {0.10, 0.15, 0.20, 0.30, 0.40}, measured[] = {18, 21, 30, 37, 49};
  std::vector<PlotMatch> matches;
  for (std::size_t k = 0; k < 5; ++k) {
    plots[k].cover_pct = measured[k];
    matches.push_back({k, PlotStatus::matched, satellite[k], LandCover::grassland});
  }
  YearResult year;
  year.year = 2023;
  year.calibration = fit_calibration(matches, plots, 5);
  const ZoneRow row{zone, t, nullptr, &year};
  // Line 0.0720690 + 1.0344828 x (numpy); at 0.25: 0.3306897, SE of the mean response 0.0080131,
  // t(0.975, 3) = 3.1824463: 0.3051885 .. 0.3561908 over the observed grassland; the unobserved
  // 20 km2 as grassland at no cover or at full cover: 0.3051885 x 40 / 60 and (0.3561908 x 40 + 20) / 60.
  const Estimate e = indicator("grassland_cover_pct").estimate(row);
  EXPECT_NEAR(e.value, 33.068966, 1e-5);
  EXPECT_NEAR(e.low, 20.345900, 1e-5);
  EXPECT_NEAR(e.high, 57.079388, 1e-5);
  EXPECT_EQ(season_method(row).substr(season_method(row).rfind(';') + 1), "calibrated");
  year.calibration->fit.reset();  // too few plots that year: the satellite mean, uncalibrated
  EXPECT_NEAR(indicator("grassland_cover_pct").estimate(row).value, 25.0, 1e-12);
  EXPECT_EQ(season_method(row).substr(season_method(row).rfind(';') + 1), "uncalibrated");
}

}  // namespace

namespace {

// A hand-made sample: mapped tree 8 units tree, 2 grassland; mapped grassland 1 tree, 19 grassland;
// mapped water 10 water; one unobserved unit.
struct HandSample {
  std::vector<ReferenceSample> sample;
  std::vector<PlotMatch> matches;
  void add(LandCover mapped, LandCover reference, int n) {
    for (int k = 0; k < n; ++k) {
      matches.push_back({sample.size(), PlotStatus::not_grassland, 0.3, mapped});
      sample.push_back({107, 40, reference, 2023, int(sample.size() + 1), std::nullopt, {}, {}, LandCover::unknown, std::nan(""), std::nan("")});
    }
  }
  HandSample() {
    add(LandCover::tree, LandCover::tree, 8);
    add(LandCover::tree, LandCover::grassland, 2);
    add(LandCover::grassland, LandCover::tree, 1);
    add(LandCover::grassland, LandCover::grassland, 19);
    add(LandCover::water, LandCover::water, 10);
    matches.push_back({sample.size(), PlotStatus::unobserved, std::nan(""), LandCover::unknown});  // skipped
    sample.push_back({107, 40, LandCover::water, 2023, int(sample.size() + 1), std::nullopt, {}, {}, LandCover::unknown, std::nan(""), std::nan("")});
  }
};

TEST(ReferenceSampleInTheRun, AZoneThatIsTheRegionGetsThePapersEstimatorAndTheUnseenClassBoundBesideIt) {
  HandSample h;
  ZoneTally unit;
  unit.landcover_area[int(LandCover::tree)] = 10e6;
  unit.landcover_area[int(LandCover::grassland)] = 90e6;
  unit.landcover_area[int(LandCover::water)] = 5e6;
  for (std::size_t k = 0; k < h.sample.size(); ++k) unit.sample_units.push_back(k);
  std::array<double, kLandCoverClasses> mapped{};
  for (int c = 0; c < kLandCoverClasses; ++c) mapped[std::size_t(c)] = unit.landcover_area[c];
  const ClassAccuracy a = assess_land_cover(h.matches, h.sample, mapped);
  ASSERT_TRUE(a.applied()) << a.problem;
  // Forest (trees): 10 x 8/10 + 90 x 1/20 = 12.5 km2; SE^2 = 10^2 x 0.8 x 0.2 / 9 + 90^2 x 0.05 x 0.95 / 19
  // (Olofsson et al. 2014 eq. 10); the water stratum shows no tree in its 10 units: no sampling
  // error, and beside the interval the area it may hide, 5 km2 x (1 - 0.05^(1/10)) (Clopper-Pearson).
  const UnitAreaEstimate trees = a.unit_area(unit, SampleQuantity::forest);
  ASSERT_TRUE(trees.valid()) << trees.problem;
  EXPECT_TRUE(trees.within_unit);
  EXPECT_NEAR(trees.area, 12.5e6, 1e-3);
  EXPECT_NEAR(trees.se, std::sqrt(1.7777777777777777 + 20.25) * 1e6, 1e-3);
  EXPECT_NEAR(trees.unseen_high, 5e6 * (1 - std::pow(0.05, 0.1)), 1e-3);
  EXPECT_NEAR(trees.unseen_low, 0, 1e-9);
  // The paper's estimator of the region (libgeo) has the same area and SE.
  EXPECT_NEAR(a.region->classes[0].area, trees.area, 1e-3);
  EXPECT_NEAR(a.region->classes[0].area_se, trees.se, 1e-3);
  // Water: every stratum error-free for water: 5 km2 exactly with no sampling error; what it may
  // miss: up to 10 x (1 - 0.05^(1/10)) + 90 x (1 - 0.05^(1/20)) km2 more, 5 x (1 - 0.05^(1/10)) less.
  const UnitAreaEstimate water = a.unit_area(unit, SampleQuantity::water);
  EXPECT_NEAR(water.area, 5e6, 1e-3);
  EXPECT_NEAR(water.se, 0, 1e-6);
  EXPECT_NEAR(water.unseen_high, (10 * (1 - std::pow(0.05, 0.1)) + 90 * (1 - std::pow(0.05, 0.05))) * 1e6, 1e-3);
  EXPECT_NEAR(water.unseen_low, 5e6 * (1 - std::pow(0.05, 0.1)), 1e-3);
  // Monotone in what was seen: the upper end with 0 of n units (the unseen bound) never exceeds the
  // upper end of the sampling interval with 1 of n (p + 1.96 SE) at the stratum sizes a design draws
  // (up to 100 units; beyond ~120 the Wald interval of 1 of n is the narrower, by under 1%). The
  // Agresti-Coull floor it replaces gave 1 of 50 a smaller SE than 0 of 50.
  for (int n = 2; n <= 100; ++n) {
    const double p = 1.0 / n;
    EXPECT_LE(unseen_share_bound(n), p + 1.96 * std::sqrt(p * (1 - p) / (n - 1))) << n;
  }
  EXPECT_EQ(a.matches.back().status, PlotStatus::unobserved);
  // A mapped class with one unit has no variance: no estimate, and why.
  mapped[int(LandCover::bare)] = 1e6;
  h.matches.push_back({h.sample.size(), PlotStatus::not_grassland, 0.01, LandCover::bare});
  h.sample.push_back({107, 40, LandCover::bare, 2023, int(h.sample.size() + 1), std::nullopt, {}, {}, LandCover::unknown, std::nan(""), std::nan("")});
  const ClassAccuracy thin = assess_land_cover(h.matches, h.sample, mapped);
  EXPECT_FALSE(thin.applied());
  EXPECT_NE(thin.problem.find("map class bare has 1 sample unit(s), fewer than 2"), std::string::npos) << thin.problem;
}

TEST(ReferenceSampleInTheRun, ACountyWithoutEnoughUnitsOfItsOwnGetsTheDomainEstimator) {
  HandSample h;
  // The region: 10 km2 mapped tree, 90 grassland, 5 water. The county holds 4 of the mapped-tree
  // units (3 tree, 1 grassland) and 5 of the mapped-grassland ones (1 tree, 4 grassland): too few
  // of its own in the tree class (4 < 5), so that class by the domain estimator over the region's units.
  std::array<double, kLandCoverClasses> mapped{};
  mapped[int(LandCover::tree)] = 10e6, mapped[int(LandCover::grassland)] = 90e6, mapped[int(LandCover::water)] = 5e6;
  ZoneTally county;
  county.landcover_area[int(LandCover::tree)] = 4e6;
  county.landcover_area[int(LandCover::grassland)] = 20e6;
  county.sample_units = {5, 6, 7, 8, 10, 11, 12, 13, 14};  // units 0-7 tree/tree, 8-9 tree/grass, 10 grass/tree, 11- grass/grass
  const ClassAccuracy a = assess_land_cover(h.matches, h.sample, mapped);
  const UnitAreaEstimate e = a.unit_area(county, SampleQuantity::forest);
  ASSERT_TRUE(e.valid()) << e.problem;
  EXPECT_FALSE(e.within_unit);
  // Tree stratum: y = 3/10 (units 5, 6, 7 are trees in the county); grassland: 1/20 (unit 10).
  // Each class on its own: the tree class by the domain estimator, y = 3/10 of the region's 10 units
  // (units 5, 6, 7 are trees in the county): 10 x 0.3 = 3 km2, variance M^2 y(1-y)/(n-1) = 100 x 0.21 / 9
  // = 2.3333 (the county's own floor 16 x 0.75 x 0.25 / 3 = 1 is smaller); the grassland class within
  // the county (5 units, 1 tree): 20 x 1/5 = 4 km2, variance 400 x 0.2 x 0.8 / 4 = 16.
  EXPECT_NEAR(e.area, 7e6, 1e-3);
  EXPECT_NEAR(e.se, std::sqrt(2.3333333333333335 + 16.0) * 1e6, 1e-3);
  // With one more own unit per stratum requirement met (min 4), the county's own stratified estimate:
  // 4 x 3/4 + 20 x 1/5 = 7 km2; SE^2 = 16 x 0.75 x 0.25 / 3 + 400 x 0.2 x 0.8 / 4 = 1 + 16.
  const ClassAccuracy own = assess_land_cover(h.matches, h.sample, mapped, {}, 4);
  const UnitAreaEstimate w = own.unit_area(county, SampleQuantity::forest);
  EXPECT_TRUE(w.within_unit);
  EXPECT_NEAR(w.area, 7e6, 1e-3);
  EXPECT_NEAR(w.se, std::sqrt(1.0 + 16.0) * 1e6, 1e-3);
}

TEST(ReferenceSampleInTheRun, OfficialForestCountsDesignatedShrublandOrTheLabellersForestColumn) {
  std::vector<ReferenceSample> sample;
  std::vector<PlotMatch> matches;
  for (int k = 0; k < 4; ++k) {
    matches.push_back({sample.size(), PlotStatus::not_grassland, 0.3, LandCover::shrubland});
    sample.push_back({107, 40, LandCover::shrubland, 2023, k + 1, std::nullopt, {}, {}, LandCover::unknown, std::nan(""), std::nan("")});
  }
  sample[3].forest = false;  // the labeller saw shrubs too sparse for the official definition
  std::array<double, kLandCoverClasses> mapped{};
  mapped[int(LandCover::shrubland)] = 8e6;
  ZoneTally unit;
  unit.landcover_area[int(LandCover::shrubland)] = 8e6;
  unit.sample_units = {0, 1, 2, 3};
  const ClassAccuracy designated = assess_land_cover(matches, sample, mapped, {true, true, true, true}, 2);
  EXPECT_NEAR(designated.unit_area(unit, SampleQuantity::forest).area, 6e6, 1e-3);  // 3 of 4 forest
  const ClassAccuracy not_designated = assess_land_cover(matches, sample, mapped, {}, 2);
  EXPECT_NEAR(not_designated.unit_area(unit, SampleQuantity::forest).area, 0, 1e-3);
  // 0 of 4: no sampling error, and the unseen bound beside it: 8 km2 x (1 - 0.05^(1/4)).
  EXPECT_NEAR(not_designated.unit_area(unit, SampleQuantity::forest).se, 0, 1e-9);
  EXPECT_NEAR(not_designated.unit_area(unit, SampleQuantity::forest).unseen_high, 8e6 * (1 - std::pow(0.05, 0.25)), 1e-3);
}

TEST(ReferenceSampleInTheRun, ClassesByCodeOrNameAndBadRowsNamed) {
  geo::io::initialise_gdal(64);
  const auto sample = load_reference_sample(write("ref.csv", "lon,lat,class,year\n107.1,40.7,1,2023\n107.2,40.8,water,\n").string());
  ASSERT_EQ(sample.size(), 2u);
  EXPECT_EQ(sample[0].reference, LandCover::tree);
  EXPECT_EQ(sample[0].year, 2023);
  EXPECT_EQ(sample[1].reference, LandCover::water);
  EXPECT_EQ(sample[1].year, 0);  // every year
  auto error = [](const std::string& text) {
    try {
      load_reference_sample(write("bad_ref.csv", text).string());
    } catch (const ConfigError& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  EXPECT_NE(error("lon,lat\n107,40\n").find("no column 'class'"), std::string::npos);
  EXPECT_NE(error("lon,lat,class\n107,40,9\n").find("bad_ref.csv, row 1: class '9' is not a LANDCOVER class"), std::string::npos);
  EXPECT_NE(error("lon,lat,class,year\n107,40,1,23rd\n").find("row 1: column 'year' is '23rd'"), std::string::npos);
  EXPECT_NE(error("lon,lat,class\n407,40,1\n").find("row 1: (407, 40) is not a WGS84"), std::string::npos);
}

}  // namespace

namespace {

TEST(Calibration, GrasslandTypesHaveTheirOwnLinesAndAUnitWeighsThemByArea) {
  // Plots 0-4 on type 1 (measured = satellite + 0.10), 5-9 on type 2 (measured = 2 x satellite).
  std::vector<GroundPlot> plots(10);
  std::vector<PlotMatch> matches;
  for (std::size_t k = 0; k < 10; ++k) {
    const double x = 0.05 * double(k % 5 + 1);
    const std::uint16_t type = k < 5 ? 1 : 2;
    plots[k].cover_pct = 100 * (type == 1 ? x + 0.10 : 2 * x);
    matches.push_back({k, PlotStatus::matched, x, LandCover::grassland, type});
  }
  const Calibration c = fit_calibration(matches, plots, 5);
  ASSERT_TRUE(c.applied());
  ASSERT_EQ(c.type_fits.size(), 2u);
  EXPECT_NEAR(c.type_fits.at(1).intercept, 0.10, 1e-12);
  EXPECT_NEAR(c.type_fits.at(2).slope, 2.0, 1e-12);
  EXPECT_NEAR(c.calibrated_mean(0.20, 1).value, 0.30, 1e-12);
  EXPECT_NEAR(c.calibrated_mean(0.20, 2).value, 0.40, 1e-12);
  EXPECT_NEAR(c.calibrated_mean(0.20, 3).value, c.calibrated_mean(0.20).value, 1e-12);  // no line of its own: the pooled one
  // A fully observed zone: 30 km2 of type 1 at satellite 0.20, 10 km2 of type 2 at 0.10.
  const geo::io::Zone zone{"z", "zone", {}, 40e6, {}};
  ZoneTally t;
  t.total_area = t.observed_area = t.land_area = 40e6;
  t.landcover_area[int(LandCover::grassland)] = 40e6;
  t.grassland_types[1] = {30e6, 0.20 * 30e6};
  t.grassland_types[2] = {10e6, 0.10 * 10e6};
  t.grassland_fvc_area = 0.20 * 30e6 + 0.10 * 10e6;
  YearResult year;
  year.calibration = c;
  const ZoneRow row{zone, t, nullptr, &year};
  // 0.75 x (0.20 + 0.10) + 0.25 x (2 x 0.10) = 0.275; the exact lines leave no residual: a point.
  const Estimate e = indicator("grassland_cover_pct").estimate(row);
  EXPECT_NEAR(e.value, 27.5, 1e-9);
  EXPECT_NEAR(e.low, 27.5, 1e-9);
  EXPECT_NEAR(e.high, 27.5, 1e-9);
}

}  // namespace

// Issue: a county stratum of a few cells, sampled whole, fell back to the region-wide domain
// estimator, so each of its units weighed the region's class area (Wuyuan's water 111 +- 67 km2
// against 27.6 +- 13.8 by R's survey on the drawn design). On the design's own strata it is known.
TEST(ReferenceSampleInTheRun, ASmallStratumSampledWholeIsKnownExactlyOnTheDesign) {
  std::vector<ReferenceSample> sample;
  std::vector<PlotMatch> matches;
  std::vector<int> zone_of_unit;
  ZoneTally county, other;
  // County "a": 2 water cells (0.0225 km2 each), both sampled, both water; 50 of 2,000 grassland
  // cells, none water. County "b": 500 water cells, 40 sampled, 38 water.
  auto add = [&](const std::string& zone, LandCover map, LandCover reference, double cells, ZoneTally& tally, int z) {
    ReferenceSample s;
    s.lon = 107, s.lat = 40, s.year = 2023, s.row = int(sample.size() + 1), s.reference = reference;
    s.unit_code = zone, s.map_class = map, s.stratum = zone + "/" + land_cover_name(map);
    s.stratum_area_m2 = cells * 22500, s.stratum_cells = cells;
    matches.push_back({sample.size(), PlotStatus::not_grassland, 0.2, map});
    tally.sample_units.push_back(sample.size());
    zone_of_unit.push_back(z);
    sample.push_back(s);
  };
  for (int k = 0; k < 2; ++k) add("a", LandCover::water, LandCover::water, 2, county, 0);
  for (int k = 0; k < 50; ++k) add("a", LandCover::grassland, LandCover::grassland, 2000, county, 0);
  for (int k = 0; k < 40; ++k) add("b", LandCover::water, k < 38 ? LandCover::water : LandCover::bare, 500, other, 1);
  county.class_area_by_zone[0][int(LandCover::water)] = 2 * 22500.0;
  std::array<double, kLandCoverClasses> mapped{};
  mapped[int(LandCover::water)] = 502 * 22500.0, mapped[int(LandCover::grassland)] = 2000 * 22500.0;
  const ClassAccuracy a = assess_land_cover(matches, sample, mapped, {}, 5, zone_of_unit, SampleFrame{{"a", "b"}, {}, 22500});
  ASSERT_TRUE(a.applied()) << a.problem;
  const UnitAreaEstimate water = a.unit_area(county, SampleQuantity::water);
  ASSERT_TRUE(water.valid()) << water.problem;
  EXPECT_NEAR(water.area, 2 * 22500.0, 1e-6);  // its own two cells, not 2/42 of the region's 502
  EXPECT_NEAR(water.se, 0, 1e-6);
  // What 50 grassland units without water cannot rule out, beside it: 2,000 cells x (1 - 0.05^(1/50)).
  EXPECT_NEAR(water.unseen_high, 2000 * 22500.0 * (1 - std::pow(0.05, 1.0 / 50)), 1e-3);
  // The region's table sums the counties' strata: water 2 + 500 x 38/40 cells.
  EXPECT_NEAR(a.region->classes[std::size_t(std::find(a.classes.begin(), a.classes.end(), LandCover::water) - a.classes.begin())].area,
              (2 + 500 * 38.0 / 40) * 22500, 1e-6);
}

// A design stratum whose units were all clouded this year cannot be estimated: the problem names it.
TEST(ReferenceSampleInTheRun, ADesignStratumWithNoUnitObservedIsNamed) {
  std::vector<ReferenceSample> sample;
  std::vector<PlotMatch> matches;
  for (int k = 0; k < 6; ++k) {
    ReferenceSample s;
    s.lon = 107, s.lat = 40, s.year = 2023, s.row = k + 1, s.reference = k < 3 ? LandCover::water : LandCover::grassland;
    s.unit_code = "a", s.map_class = k < 3 ? LandCover::water : LandCover::grassland;
    s.stratum = k < 3 ? "a/water" : "a/grassland";
    s.stratum_area_m2 = 1e6, s.stratum_cells = 1000;
    // The water stratum's three units lie under a cloud this year.
    matches.push_back({sample.size(), k < 3 ? PlotStatus::unobserved : PlotStatus::not_grassland, 0.2,
                       k < 3 ? LandCover::unknown : LandCover::grassland});
    sample.push_back(s);
  }
  std::array<double, kLandCoverClasses> mapped{};
  mapped[int(LandCover::water)] = 1e6, mapped[int(LandCover::grassland)] = 1e6;
  const ClassAccuracy a = assess_land_cover(matches, sample, mapped, {}, 5, {0, 0, 0, 0, 0, 0}, SampleFrame{{"a"}, {}, 1000});
  EXPECT_FALSE(a.applied());
  EXPECT_NE(a.problem.find("stratum a/water of the sample's design has 0 unit(s) observed clear this year"), std::string::npos) << a.problem;
}
