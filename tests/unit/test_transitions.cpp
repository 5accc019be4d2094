// Land cover transitions between two years: two hand-made LANDCOVER rasters on a 6 x 4 grid, two
// zones (one of them cutting cells in half), every transition area computed by hand; and the pairs
// carbon.pairs asks for.
#include <gtest/gtest.h>

#include <filesystem>

#include "engine/transitions.hpp"
#include "libgeo/cell_area.hpp"
#include "libgeo/io/projection.hpp"
#include "libgeo/io/raster.hpp"
#include "products/product_specs.hpp"

using namespace ecomon;
using geo::Window;

namespace {

std::string write_landcover(const std::string& path, const geo::Grid& grid, const std::vector<std::uint8_t>& classes,
                            const std::string& temp) {
  geo::io::RasterSpec spec;
  spec.grid = grid;
  spec.type = geo::io::PixelType::u8;
  spec.nodata = kNoData8;
  geo::io::CogWriter writer(path, spec, {"ZSTD", 1, 64, false, 1}, temp);
  geo::Block<std::uint8_t> block(grid.full(), kNoData8);
  for (std::size_t i = 0; i < classes.size(); ++i) block[i] = classes[i];
  writer.write(block);
  writer.finish();
  return path;
}

}  // namespace

TEST(Transitions, HandMadeMapsGiveEveryTransitionsArea) {
  geo::io::initialise_gdal(64);
  const auto dir = std::filesystem::temp_directory_path() / ("ecomon_transitions_" + std::to_string(getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir / "tmp");
  const geo::Grid grid{6, 4, {500000, 30, 4500000, -30}, geo::io::crs_wkt("EPSG:32649")};
  const std::uint8_t T = 1, S = 2, G = 3, C = 4, B = 7, N = kNoData8;
  // Year A, row-major 6 x 4           Year B
  const std::vector<std::uint8_t> a = {G, G, G, S, S, T,  //
                                       G, G, C, C, B, B,  //
                                       G, N, C, C, B, B,  //
                                       T, T, T, G, G, G};
  const std::vector<std::uint8_t> b = {G, T, T, S, G, T,  //
                                       G, G, G, C, B, G,  //
                                       N, N, C, C, B, G,  //
                                       T, T, B, G, G, G};
  YearResult first, second;
  first.year = 2019, second.year = 2023;
  first.landcover_product = write_landcover((dir / "a.tif").string(), grid, a, (dir / "tmp").string());
  second.landcover_product = write_landcover((dir / "b.tif").string(), grid, b, (dir / "tmp").string());
  // Zone west: columns 0-2 whole, and column 3 half (x up to 500105); zone east: columns 4-5.
  std::vector<geo::io::Zone> zones(2);
  zones[0].code = "west";
  zones[0].geometry = geo::MultiPolygon{{geo::Polygon{{{500000, 4499880}, {500105, 4499880}, {500105, 4500000}, {500000, 4500000}}, {}}}};
  zones[1].code = "east";
  zones[1].geometry = geo::MultiPolygon{{geo::Polygon{{{500120, 4499880}, {500180, 4499880}, {500180, 4500000}, {500120, 4500000}}, {}}}};
  Settings s;
  s.run.threads = 2;
  const TransitionResult t = land_cover_transitions(first, second, grid, zones, s);
  const double cell = geo::io::cell_area_model(grid).areas(Window{0, 0, 1, 1})[0];
  auto area = [&](std::size_t z, std::uint8_t from, std::uint8_t to) { return t.areas[z][TransitionResult::index(LandCover(from), LandCover(to))]; };
  const double tol = 1e-6 * cell;
  // West, columns 0-2: G->G 3 (r0c0, r1c0, r1c1), G->T 2 (r0c1, r0c2), C->G 1 (r1c2), C->C 1 (r2c2), T->T 2, T->B 1;
  // r2c0 (G -> no data) unpaired, r2c1 no data in both: nothing. Column 3 at half weight: S->S, C->C twice, G->G.
  EXPECT_NEAR(area(0, G, G), 3 * cell + 0.5 * cell, tol);
  EXPECT_NEAR(area(0, G, T), 2 * cell, tol);
  EXPECT_NEAR(area(0, C, G), cell, tol);
  EXPECT_NEAR(area(0, C, C), cell + 2 * 0.5 * cell, tol);
  EXPECT_NEAR(area(0, T, T), 2 * cell, tol);
  EXPECT_NEAR(area(0, T, B), cell, tol);
  EXPECT_NEAR(area(0, S, S), 0.5 * cell, tol);
  EXPECT_NEAR(t.unpaired_area[0], cell, tol);
  // East, columns 4-5: S->G, T->T, B->B twice, B->G twice, G->G twice.
  EXPECT_NEAR(area(1, S, G), cell, tol);
  EXPECT_NEAR(area(1, T, T), cell, tol);
  EXPECT_NEAR(area(1, B, B), 2 * cell, tol);
  EXPECT_NEAR(area(1, B, G), 2 * cell, tol);
  EXPECT_NEAR(area(1, G, G), 2 * cell, tol);
  EXPECT_NEAR(t.unpaired_area[1], 0.0, tol);
  double total = 0;
  for (double v : t.areas[1]) total += v;
  EXPECT_NEAR(total, 8 * cell, tol);  // every cell of the east zone once
  // The same figures with one thread and one-row strips.
  s.run.threads = 1, s.run.window_rows = 1;
  const TransitionResult one = land_cover_transitions(first, second, grid, zones, s);
  EXPECT_EQ(one.areas, t.areas);
  std::filesystem::remove_all(dir);
}

TEST(Transitions, PairsOfYears) {
  // (the maps' paths only need to be there: the pairs are chosen from which years have one)
  const std::string map = "landcover.tif", none;
  std::vector<YearResult> years(4);
  const int y[] = {2019, 2020, 2021, 2023};
  for (std::size_t k = 0; k < 4; ++k) years[k].year = y[k], years[k].landcover_product = k == 1 ? none : map;  // 2020 has no map
  using P = std::vector<std::pair<int, int>>;
  EXPECT_EQ(transition_pairs(years, "consecutive"), (P{{2019, 2021}, {2021, 2023}}));
  EXPECT_EQ(transition_pairs(years, "span"), (P{{2019, 2023}}));
  EXPECT_EQ(transition_pairs(years, "consecutive_and_span"), (P{{2019, 2021}, {2021, 2023}, {2019, 2023}}));
  EXPECT_EQ(transition_pairs(years, "none"), P{});
  years.resize(2);
  EXPECT_EQ(transition_pairs(years, "consecutive_and_span"), P{});  // one year with a map
}
