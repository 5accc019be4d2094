// Theil-Sen and Mann-Kendall on series small enough to compute by hand.
#include <gtest/gtest.h>

#include <cmath>

#include "libgeo/trend.hpp"

using geo::theil_sen_mann_kendall;

TEST(Trend, StrictlyIncreasingSeries) {
  // y = 1..5: all 10 pairs increase, S = 10, Var = 5*4*15/18 = 16.6667, Z = 9/4.0825 = 2.2045,
  // p = 0.0275; every pairwise slope is 1.
  const auto r = theil_sen_mann_kendall({2019, 2020, 2021, 2022, 2023}, {1, 2, 3, 4, 5});
  EXPECT_EQ(r.n, 5);
  EXPECT_DOUBLE_EQ(r.slope, 1.0);
  EXPECT_DOUBLE_EQ(r.s, 10);
  EXPECT_NEAR(r.variance, 16.666666666666668, 1e-12);
  EXPECT_NEAR(r.z, 2.2045407685048604, 1e-12);
  EXPECT_NEAR(r.p, 0.027486, 1e-6);
  EXPECT_DOUBLE_EQ(r.tau, 1.0);
}

TEST(Trend, TiesReduceTheVariance) {
  // y = 3, 1, 4, 1, 5 (t = 0..4). Pairs: (3,1)- (3,4)+ (3,1)- (3,5)+ (1,4)+ (1,1)0 (1,5)+ (4,1)- (4,5)+
  // (1,5)+ -> S = 6 - 3 = 3. One tie group of 2 ones: Var = (5*4*15 - 2*1*9)/18 = (300-18)/18 = 15.6667.
  // Slopes: -2, 0.5, -0.6667, 0.5, 3, 0, 1.3333, -3, 0.5, 4 -> sorted median of 10 = (0.5+0.5)/2 = 0.5.
  const auto r = theil_sen_mann_kendall({0, 1, 2, 3, 4}, {3, 1, 4, 1, 5});
  EXPECT_DOUBLE_EQ(r.s, 3);
  EXPECT_NEAR(r.variance, 282.0 / 18.0, 1e-12);
  EXPECT_NEAR(r.z, 2.0 / std::sqrt(282.0 / 18.0), 1e-12);
  EXPECT_DOUBLE_EQ(r.slope, 0.5);
}

TEST(Trend, NaNsAreSkippedAndShortSeriesGiveNaN) {
  const auto r = theil_sen_mann_kendall({0, 1, 2, 3}, {1, std::nan(""), 2, 4});
  EXPECT_EQ(r.n, 3);
  EXPECT_DOUBLE_EQ(r.slope, 1.0);  // slopes 0.5 (0->2), 1 (0->3), 2 (2->3): median 1
  const auto short_series = theil_sen_mann_kendall({0, 1}, {1, 2});
  EXPECT_TRUE(std::isnan(short_series.slope));
  EXPECT_TRUE(std::isnan(short_series.p));
}

TEST(Trend, FlatSeriesIsNotSignificant) {
  const auto r = theil_sen_mann_kendall({0, 1, 2, 3, 4, 5}, {2, 2, 2, 2, 2, 2});
  EXPECT_DOUBLE_EQ(r.slope, 0);
  EXPECT_DOUBLE_EQ(r.s, 0);
  EXPECT_TRUE(std::isnan(r.z));  // all tied: zero variance
}
