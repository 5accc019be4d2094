// Overview levels built while streaming rows, on a hand-computed 5 x 3 table (odd width and height,
// no-data cells), for the average and nearest methods.
#include <gtest/gtest.h>

#include <cmath>
#include <map>

#include "libgeo/pyramid.hpp"

using geo::OverviewPyramid;

namespace {

const double N = std::nan("");

std::map<int, std::vector<std::vector<double>>> build(OverviewPyramid::Method method) {
  std::map<int, std::vector<std::vector<double>>> levels;
  OverviewPyramid p(5, 2, method, [&](int level, int row, const std::vector<double>& values) {
    EXPECT_EQ(row, int(levels[level].size()));  // rows arrive in order
    levels[level].push_back(values);
  });
  const double rows[3][5] = {{1, 2, 3, 4, 5}, {5, 6, N, 8, 9}, {N, N, 10, 20, 30}};
  for (const auto& r : rows) p.add_row(r);
  p.finish();
  return levels;
}

void expect_row(const std::vector<double>& got, const std::vector<double>& want) {
  ASSERT_EQ(got.size(), want.size());
  for (std::size_t i = 0; i < want.size(); ++i) {
    if (std::isnan(want[i])) EXPECT_TRUE(std::isnan(got[i])) << i;
    else EXPECT_DOUBLE_EQ(got[i], want[i]) << i;
  }
}

}  // namespace

TEST(OverviewPyramid, AverageOfValidCellsOddEdgesIncluded) {
  auto l = build(OverviewPyramid::Method::average);
  ASSERT_EQ(l[1].size(), 2u);
  expect_row(l[1][0], {(1 + 2 + 5 + 6) / 4.0, (3 + 4 + 8) / 3.0, (5 + 9) / 2.0});  // a no-data cell is left out
  expect_row(l[1][1], {N, 15, 30});                                                   // the last, odd row alone
  ASSERT_EQ(l[2].size(), 1u);
  expect_row(l[2][0], {(3.5 + 5 + 15) / 3.0, (7 + 30) / 2.0});
}

TEST(OverviewPyramid, NearestTakesTheTopLeftCell) {
  auto l = build(OverviewPyramid::Method::nearest);
  expect_row(l[1][0], {1, 3, 5});
  expect_row(l[1][1], {N, 10, 30});
  expect_row(l[2][0], {1, 5});
}

TEST(OverviewPyramid, LevelsUntilOneBlockHoldsTheRaster) {
  EXPECT_EQ(OverviewPyramid::level_count(7225, 7144, 512), 4);  // 3613, 1807, 904, 452
  EXPECT_EQ(OverviewPyramid::level_count(512, 300, 512), 0);
  EXPECT_EQ(OverviewPyramid::level_count(513, 10, 512), 1);
}
