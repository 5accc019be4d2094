// Overview levels built while streaming rows, on a hand-computed 5 x 3 table (odd width and height,
// no-data cells), for the average and nearest methods.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <map>
#include <string>

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

namespace {

// Every level's rows, bit for bit (NaN as its bits), from rows given as doubles or in their own type.
using Levels = std::map<int, std::vector<std::vector<double>>>;

template <typename T>
std::pair<Levels, Levels> both_ways(OverviewPyramid::Method method, int cols, int rows, double nodata, const std::vector<T>& cells) {
  Levels from_doubles, from_typed;
  const auto sink_into = [](Levels& levels) {
    return [&levels](int level, int row, const std::vector<double>& values) {
      EXPECT_EQ(row, int(levels[level].size()));
      levels[level].push_back(values);
    };
  };
  OverviewPyramid doubles(cols, 3, method, sink_into(from_doubles)), typed(cols, 3, method, sink_into(from_typed));
  for (int r = 0; r < rows; ++r) {
    const T* row = cells.data() + std::size_t(r) * std::size_t(cols);
    std::vector<double> values(static_cast<std::size_t>(cols));
    for (int c = 0; c < cols; ++c) values[std::size_t(c)] = double(row[c]) == nodata ? N : double(row[c]);
    doubles.add_row(std::move(values));
    typed.add_typed_row(row, nodata);
  }
  doubles.finish();
  typed.finish();
  return {from_doubles, from_typed};
}

void expect_same_bits(const Levels& a, const Levels& b, const std::string& what) {
  ASSERT_EQ(a.size(), b.size()) << what;
  for (const auto& [level, rows] : a) {
    ASSERT_EQ(rows.size(), b.at(level).size()) << what << " level " << level;
    for (std::size_t r = 0; r < rows.size(); ++r)
      EXPECT_EQ(0, std::memcmp(rows[r].data(), b.at(level)[r].data(), rows[r].size() * sizeof(double)))
          << what << " level " << level << " row " << r;
  }
}

}  // namespace

// A writer's integer rows given in their own type make the same levels, to the bit, as the same rows
// given as doubles with nodata as NaN: odd width and height, nodata cells, a float's own NaN, both methods.
TEST(OverviewPyramid, RowsInTheirOwnTypeGiveTheSameLevelsAsDoubles) {
  const int cols = 37, rows = 23;
  std::vector<std::int16_t> i16(std::size_t(cols) * rows);
  std::vector<std::uint8_t> u8(i16.size());
  std::vector<float> f32(i16.size());
  for (std::size_t i = 0; i < i16.size(); ++i) {
    const bool missing = i % 7 == 3;
    i16[i] = missing ? std::int16_t(-32768) : std::int16_t(int(i * 37 % 2001) - 1000);
    u8[i] = missing ? std::uint8_t(255) : std::uint8_t(i * 13 % 250);
    f32[i] = missing ? -9999.0f : i % 11 == 5 ? std::nanf("") : float(i) * 0.37f - 40.0f;
  }
  for (const auto method : {OverviewPyramid::Method::average, OverviewPyramid::Method::nearest}) {
    const std::string name = method == OverviewPyramid::Method::average ? "average" : "nearest";
    const auto [a16, b16] = both_ways(method, cols, rows, -32768, i16);
    expect_same_bits(a16, b16, name + " i16");
    const auto [a8, b8] = both_ways(method, cols, rows, 255, u8);
    expect_same_bits(a8, b8, name + " u8");
    const auto [a32, b32] = both_ways(method, cols, rows, -9999, f32);
    expect_same_bits(a32, b32, name + " f32");
    EXPECT_EQ(a16.at(3).size(), 3u) << name;  // 23 rows: 12, 6, 3
  }
}
