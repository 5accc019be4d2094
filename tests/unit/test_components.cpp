// Minimum-patch filtering: a hand table, and strip-wise (with halo) equals whole-image filtering.
#include <gtest/gtest.h>

#include <random>

#include "libgeo/components.hpp"
#include "libgeo/grid.hpp"

using namespace geo;

TEST(Components, HandTable) {
  // 1 m^2 cells, minimum 3 m^2: the pair (top left) goes; the pair at (1,4)-(1,5) stays because
  // (2,6) touches it diagonally (8-connectivity) and makes 3; the single cell (4,1) goes;
  // no-data (9) passes through unchanged and never connects.
  const char* rows[] = {
      "1100000", "0000110", "0000001", "0009000", "0100000",
  };
  const Window w{0, 0, 7, 5};
  Block<std::uint8_t> mask(w);
  Block<double> area(w, 1.0);
  for (int r = 0; r < 5; ++r)
    for (int c = 0; c < 7; ++c) mask.at(r, c) = std::uint8_t(rows[r][c] - '0');
  const auto out = remove_small_patches(mask, area, 3.0, w);
  const char* expected[] = {
      "0000000", "0000110", "0000001", "0009000", "0000000",
  };
  for (int r = 0; r < 5; ++r)
    for (int c = 0; c < 7; ++c) EXPECT_EQ(out.at(r, c), expected[r][c] - '0') << r << "," << c;
}

TEST(Components, HaloRows) {
  EXPECT_EQ(min_patch_halo_rows(5000, 900), 5);  // 0.5 ha on 30 m cells: 6 cells -> 5 rows
  EXPECT_EQ(min_patch_halo_rows(5000, 22500), 0);
  EXPECT_EQ(min_patch_halo_rows(0, 900), 0);
}

TEST(Components, StripsWithHaloEqualWholeImage) {
  std::mt19937 rng(7);
  std::bernoulli_distribution on(0.42);
  const Grid grid{64, 97, {}, ""};
  Block<std::uint8_t> mask(grid.full());
  for (std::size_t i = 0; i < mask.size(); ++i) mask[i] = on(rng) ? 1 : 0;
  Block<double> area(grid.full(), 1.0);
  const double min_area = 9;
  const auto whole = remove_small_patches(mask, area, min_area, grid.full());
  const int halo = min_patch_halo_rows(min_area, 1.0);
  for (int strip_rows : {1, 5, 16, 33}) {
    for (const Window& core : strips(grid, strip_rows)) {
      const Window grown = core.with_row_halo(halo, grid.full());
      Block<std::uint8_t> m(grown);
      Block<double> a(grown, 1.0);
      for (int r = 0; r < grown.rows; ++r)
        for (int c = 0; c < grown.cols; ++c) m.at(r, c) = mask.at(r + grown.row0, c);
      const auto part = remove_small_patches(m, a, min_area, core);
      for (int r = 0; r < core.rows; ++r)
        for (int c = 0; c < core.cols; ++c)
          ASSERT_EQ(part.at(r, c), whole.at(r + core.row0, c)) << "strip " << strip_rows << " row " << r + core.row0;
    }
  }
}
