// The area-adjusted estimator of Olofsson et al. (2014, Remote Sensing of Environment 148:42-57) on
// the paper's worked example (its section 5: a change map of four classes, 10 million 30 m pixels,
// a stratified sample of 640 units), to the paper's printed precision.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "libgeo/area_estimate.hpp"

namespace {

// Map classes (rows) against reference classes (columns): deforestation, forest gain, stable forest,
// stable non-forest; mapped areas in pixels.
const std::vector<std::vector<double>> kCounts = {{66, 0, 5, 4}, {0, 55, 8, 12}, {1, 0, 153, 11}, {2, 1, 9, 313}};
const std::vector<double> kMappedPixels = {200000, 150000, 3200000, 6450000};
constexpr double kHectaresPerPixel = 0.09;

}  // namespace

TEST(OlofssonExample, AreasAndTheirIntervalsInHectares) {
  const geo::AreaEstimate e = geo::olofsson_area_estimate(kCounts, kMappedPixels);
  ASSERT_EQ(e.classes.size(), 4u);
  // Printed: deforestation 21,158 ha +- 6,158 ha; forest gain 11,686 ha +- 3,756 ha.
  EXPECT_NEAR(e.classes[0].area * kHectaresPerPixel, 21158, 0.5);
  EXPECT_NEAR(1.96 * e.classes[0].area_se * kHectaresPerPixel, 6158, 0.5);
  EXPECT_NEAR(e.classes[1].area * kHectaresPerPixel, 11686, 0.5);
  EXPECT_NEAR(1.96 * e.classes[1].area_se * kHectaresPerPixel, 3756, 0.5);
  // The estimated areas partition the map.
  double sum = 0;
  for (const auto& c : e.classes) sum += c.area;
  EXPECT_NEAR(sum, 10000000, 1e-6);
  EXPECT_NEAR(e.classes[0].ci95_low(), e.classes[0].area - 1.96 * e.classes[0].area_se, 1e-9);
}

TEST(OlofssonExample, AccuraciesAndTheirIntervals) {
  const geo::AreaEstimate e = geo::olofsson_area_estimate(kCounts, kMappedPixels);
  // Printed: user's 0.88, 0.73, 0.93, 0.96; producer's 0.75, 0.85, 0.93, 0.96; overall 0.95.
  const double users[] = {0.88, 0.73, 0.93, 0.96}, producers[] = {0.75, 0.85, 0.93, 0.96};
  for (int j = 0; j < 4; ++j) {
    EXPECT_NEAR(e.classes[std::size_t(j)].users_accuracy, users[j], 0.005) << j;
    EXPECT_NEAR(e.classes[std::size_t(j)].producers_accuracy, producers[j], 0.005) << j;
  }
  EXPECT_NEAR(e.overall_accuracy, 0.95, 0.005);
  // Printed 95% intervals for deforestation: user's +-0.07, producer's +-0.21; overall +-0.02.
  EXPECT_NEAR(1.96 * e.classes[0].users_se, 0.07, 0.005);
  EXPECT_NEAR(1.96 * e.classes[0].producers_se, 0.21, 0.005);
  EXPECT_NEAR(1.96 * e.overall_se, 0.02, 0.005);
  EXPECT_EQ(e.classes[2].sample_count, 165);
}

TEST(OlofssonExample, AMapThatAgreesWithItsSampleHasItsOwnAreasAndNoError) {
  const geo::AreaEstimate e = geo::olofsson_area_estimate({{10, 0}, {0, 30}}, {25, 75});
  EXPECT_DOUBLE_EQ(e.classes[0].area, 25);
  EXPECT_DOUBLE_EQ(e.classes[0].area_se, 0);
  EXPECT_DOUBLE_EQ(e.overall_accuracy, 1);
  EXPECT_DOUBLE_EQ(e.classes[1].producers_accuracy, 1);
}

TEST(OlofssonExample, BadMatricesAreRefusedSayingWhy) {
  auto message = [](const std::vector<std::vector<double>>& n, const std::vector<double>& a) {
    try {
      geo::olofsson_area_estimate(n, a);
    } catch (const std::invalid_argument& e) {
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  EXPECT_NE(message({{1, 2}}, {1, 1}).find("1 rows for 2 map classes"), std::string::npos);
  EXPECT_NE(message({{1, 2}, {3}}, {1, 1}).find("row 1"), std::string::npos);
  EXPECT_NE(message({{1, 0}, {0, 5}}, {1, 1}).find("at least 2"), std::string::npos);
  EXPECT_NE(message({{2, 0}, {0, 5}}, {-1, 1}).find("negative mapped area"), std::string::npos);
  EXPECT_NE(message({{2, 0}, {0, 0}}, {0, 0}).find("no area"), std::string::npos);
}

namespace {

// The worked example as units of a stratified sample whose strata are the map classes.
std::vector<geo::SampledUnit> example_units() {
  std::vector<geo::SampledUnit> units;
  for (std::size_t i = 0; i < kCounts.size(); ++i)
    for (std::size_t j = 0; j < kCounts.size(); ++j)
      for (int k = 0; k < int(kCounts[i][j]); ++k) units.push_back({i, i, j});
  return units;
}

}  // namespace

TEST(StratifiedAccuracy, WithTheMapClassesAsStrataItIsOlofssonsEstimator) {
  std::vector<geo::SampleStratum> strata;
  for (double a : kMappedPixels) strata.push_back({a, std::numeric_limits<double>::infinity()});
  const geo::AreaEstimate general = geo::stratified_accuracy(strata, example_units(), kMappedPixels);
  const geo::AreaEstimate paper = geo::olofsson_area_estimate(kCounts, kMappedPixels);
  for (std::size_t j = 0; j < 4; ++j) {
    const geo::ClassEstimate &g = general.classes[j], &p = paper.classes[j];
    EXPECT_NEAR(g.area, p.area, 1e-6 * p.area) << j;
    EXPECT_NEAR(g.area_se, p.area_se, 1e-9 * p.area) << j;
    EXPECT_NEAR(g.users_accuracy, p.users_accuracy, 1e-12) << j;
    EXPECT_NEAR(g.users_se, p.users_se, 1e-12) << j;
    EXPECT_NEAR(g.producers_accuracy, p.producers_accuracy, 1e-12) << j;
    EXPECT_NEAR(g.producers_se, p.producers_se, 1e-12) << j;
    EXPECT_EQ(g.sample_count, p.sample_count) << j;
  }
  EXPECT_NEAR(general.overall_accuracy, paper.overall_accuracy, 1e-12);
  EXPECT_NEAR(general.overall_se, paper.overall_se, 1e-12);
}

TEST(StratifiedAccuracy, StrataThatAreNotTheMapClassesAreWeightedByTheirOwnSizes) {
  // Two strata (two counties), each holding both map classes. Stratum 0: 100 ha, 4 units: map/ref
  // (0,0) (0,0) (1,1) (1,0); stratum 1: 300 ha, 4 units: (0,0) (1,1) (1,1) (1,1).
  const std::vector<geo::SampleStratum> strata = {{100, std::numeric_limits<double>::infinity()}, {300, std::numeric_limits<double>::infinity()}};
  const std::vector<geo::SampledUnit> units = {{0, 0, 0}, {0, 0, 0}, {0, 1, 1}, {0, 1, 0}, {1, 0, 0}, {1, 1, 1}, {1, 1, 1}, {1, 1, 1}};
  const geo::AreaEstimate e = geo::stratified_accuracy(strata, units, {130, 270});
  // Reference class 0: 100 x 3/4 + 300 x 1/4 = 150 ha; s^2 = 0.25 in both strata (n/(n-1) p(1-p)
  // = 4/3 x 3/16), V = 100^2 x 0.25 / 4 + 300^2 x 0.25 / 4 = 6250.
  EXPECT_DOUBLE_EQ(e.classes[0].area, 150);
  EXPECT_NEAR(e.classes[0].area_se, std::sqrt(6250.0), 1e-9);
  // User's accuracy of map class 0: (100 x 2/4 + 300 x 1/4) / (100 x 2/4 + 300 x 1/4) = 1;
  // of map class 1: (100 x 1/4 + 300 x 3/4) / (100 x 2/4 + 300 x 3/4) = 250 / 275.
  EXPECT_DOUBLE_EQ(e.classes[0].users_accuracy, 1);
  EXPECT_NEAR(e.classes[1].users_accuracy, 250.0 / 275, 1e-12);
  // Overall: (100 x 3/4 + 300 x 1) / 400.
  EXPECT_NEAR(e.overall_accuracy, 375.0 / 400, 1e-12);
  // The pooled estimator (strata = map classes) would weigh stratum 0's units as stratum 1's.
  EXPECT_NE(geo::olofsson_area_estimate({{3, 0}, {1, 4}}, {130, 270}).classes[0].area, e.classes[0].area);
}

TEST(StratifiedTotal, AStratumSampledWholeIsKnownExactlyAndOneUnitOfALargerOneIsRefused) {
  // 3 cells of 2 ha, all sampled, 2 of them water: 4 ha, no error (finite population correction 0).
  geo::StratumValues whole{{6, 3}, {1, 1, 0}, {}};
  const geo::TotalEstimate t = geo::stratified_total({whole});
  EXPECT_DOUBLE_EQ(t.total, 4);
  EXPECT_DOUBLE_EQ(t.variance, 0);
  // 2 of 4 cells sampled: (1 - 2/4) x 8^2 x s^2 / 2 with s^2 = 0.5.
  EXPECT_DOUBLE_EQ(geo::stratified_total({{{8, 4}, {1, 0}, {}}}).variance, 0.5 * 64 * 0.5 / 2);
  // One unit of a stratum of 10 cells: its variance is undefined.
  EXPECT_THROW(geo::stratified_total({{{20, 10}, {1}, {}}}), std::invalid_argument);
  // A stratum with area and no unit: nothing estimates it.
  EXPECT_THROW(geo::stratified_total({{{20, 10}, {}, {}}}), std::invalid_argument);
}
