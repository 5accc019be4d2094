// The area-adjusted estimator of Olofsson et al. (2014, Remote Sensing of Environment 148:42-57) on
// the paper's worked example (its section 5: a change map of four classes, 10 million 30 m pixels,
// a stratified sample of 640 units), to the paper's printed precision.
#include <gtest/gtest.h>

#include <cmath>

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
