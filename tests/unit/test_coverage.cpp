// Exact coverage fractions: hand-computed tables, analytic areas, and cell-by-cell agreement with an
// independent implementation (OGR/GEOS polygon intersection).
#include <gtest/gtest.h>
#include <ogr_geometry.h>

#include <cmath>
#include <numbers>

#include "libgeo/coverage.hpp"
#include "libgeo/zonal.hpp"
#include "libgeo/zone_cover.hpp"

using namespace geo;

namespace {
// A unit grid: cell (r, c) spans x in [c, c+1], y in [rows - r - 1, rows - r].
GeoTransform unit_grid(int rows) { return GeoTransform{0, 1, double(rows), -1}; }
MultiPolygon poly(Ring exterior, std::vector<Ring> holes = {}) { return MultiPolygon{{Polygon{std::move(exterior), std::move(holes)}}}; }
double sum(const Block<double>& b) {
  double s = 0;
  for (std::size_t i = 0; i < b.size(); ++i) s += b[i];
  return s;
}
}  // namespace

TEST(MeanClampedLinear, HandTable) {
  struct Case {
    double a, b, expected;
  };
  const Case cases[] = {
      {-1, -0.5, 0}, {1.5, 2, 1}, {0.2, 0.6, 0.4}, {0.6, 0.2, 0.4}, {-1, 1, 0.25},  // rises from 0 at t=0.5 to 1 at t=1: area 0.25
      {0, 2, 0.75},  // 0..1 over t in [0, 0.5] (0.25) then 1 over [0.5, 1] (0.5)
  };
  for (std::size_t i = 0; i < std::size(cases); ++i)
    EXPECT_NEAR(mean_clamped_linear(cases[i].a, cases[i].b), cases[i].expected, 1e-15) << i;
  // a=-1, b=3: zero for t<0.25, ramp 0->1 over [0.25, 0.5] (area 0.125), one over [0.5, 1] (0.5).
  EXPECT_NEAR(mean_clamped_linear(-1, 3), 0.625, 1e-15);
  // Nearly flat segments stay accurate (no cancellation).
  EXPECT_NEAR(mean_clamped_linear(1 - 1e-12, 1 + 1e-12), 1.0 - 0.25e-12, 1e-15);
}

TEST(Coverage, SquareOnFourCells) {
  // Square (0.5,0.5)-(1.5,1.5) on a 2x2 unit grid: a quarter of each cell.
  const auto f = coverage_fractions(poly({{0.5, 0.5}, {1.5, 0.5}, {1.5, 1.5}, {0.5, 1.5}}), unit_grid(2), Window{0, 0, 2, 2});
  for (int r = 0; r < 2; ++r)
    for (int c = 0; c < 2; ++c) EXPECT_DOUBLE_EQ(f.at(r, c), 0.25);
}

TEST(Coverage, TriangleHandTable) {
  // Triangle (0,0),(2,0),(0,2) on a 2x2 unit grid. Top row is y in [1,2].
  const auto f = coverage_fractions(poly({{0, 0}, {2, 0}, {0, 2}}), unit_grid(2), Window{0, 0, 2, 2});
  EXPECT_DOUBLE_EQ(f.at(0, 0), 0.5);
  EXPECT_DOUBLE_EQ(f.at(0, 1), 0.0);
  EXPECT_DOUBLE_EQ(f.at(1, 0), 1.0);
  EXPECT_DOUBLE_EQ(f.at(1, 1), 0.5);
}

TEST(Coverage, OrientationDoesNotMatter) {
  const Ring ccw = {{0.3, 0.2}, {3.7, 0.9}, {2.1, 3.6}};
  Ring cw(ccw.rbegin(), ccw.rend());
  const auto a = coverage_fractions(poly(ccw), unit_grid(4), Window{0, 0, 4, 4});
  const auto b = coverage_fractions(poly(cw), unit_grid(4), Window{0, 0, 4, 4});
  for (std::size_t i = 0; i < a.size(); ++i) EXPECT_DOUBLE_EQ(a[i], b[i]);
}

TEST(Coverage, AnalyticAreasSquareTriangleHole) {
  const GeoTransform g{100, 0.5, 220, -0.5};  // 0.5-unit cells: fractions x 0.25 = area
  const Window w{0, 0, 80, 80};
  const auto square = poly({{103.1, 190.2}, {121.7, 190.2}, {121.7, 208.8}, {103.1, 208.8}});
  EXPECT_NEAR(sum(coverage_fractions(square, g, w)) * 0.25, 18.6 * 18.6, 1e-9 * 18.6 * 18.6);
  const auto triangle = poly({{101.3, 181.1}, {137.9, 185.7}, {113.2, 217.4}});
  const double tri_area = std::abs(signed_area(triangle.parts[0].exterior));
  EXPECT_NEAR(sum(coverage_fractions(triangle, g, w)) * 0.25, tri_area, 1e-9 * tri_area);
  const auto holed = poly({{102, 182}, {138, 182}, {138, 218}, {102, 218}}, {{{110.25, 190.1}, {120.6, 190.1}, {115.3, 205.9}}});
  const double holed_area = planar_area(holed);
  EXPECT_NEAR(holed_area, 36.0 * 36.0 - std::abs(signed_area(holed.parts[0].holes[0])), 1e-9);
  EXPECT_NEAR(sum(coverage_fractions(holed, g, w)) * 0.25, holed_area, 1e-9 * holed_area);
}

TEST(Coverage, WindowsTileTheSameFractions) {
  // A polygon computed over the whole grid or over any sub-window gives the same cell values.
  const auto star = [] {
    Ring r;
    for (int i = 0; i < 14; ++i) {
      const double a = 2 * std::numbers::pi * i / 14, rad = i % 2 ? 6.1 : 13.3;
      r.push_back({20.2 + rad * std::cos(a), 19.7 + rad * std::sin(a)});
    }
    return poly(r);
  }();
  const GeoTransform g = unit_grid(40);
  const auto whole = coverage_fractions(star, g, Window{0, 0, 40, 40});
  const Window sub{7, 11, 17, 9};
  const auto part = coverage_fractions(star, g, sub);
  for (int r = 0; r < sub.rows; ++r)
    for (int c = 0; c < sub.cols; ++c) EXPECT_NEAR(part.at(r, c), whole.at(r + sub.row0, c + sub.col0), 1e-13);
}

// Inside a frame (a zone's window), the rows of any part of it carry the bits a pass over the whole
// frame gives them: every strip, tile or thread band weighs a zone's cells alike. A holed star on a
// grid whose origin and cell size make every coordinate inexact.
TEST(CoverageRows, AnyWindowOfAFrameHasTheFramesFractionsToTheBit) {
  Ring outer, hole;
  for (int i = 0; i < 31; ++i) {
    const double a = 2 * std::numbers::pi * i / 31, rad = i % 2 ? 370.3 : 811.7;
    outer.push_back({443210.7 + rad * std::cos(a), 4512345.3 + rad * std::sin(a)});
  }
  for (int i = 0; i < 9; ++i) {
    const double a = -2 * std::numbers::pi * i / 9;
    hole.push_back({443230.1 + 151.3 * std::cos(a), 4512301.9 + 133.7 * std::sin(a)});
  }
  const MultiPolygon star = poly(outer, {hole});
  const GeoTransform g{442000.0, 30.0, 4514000.0, -30.0};
  Grid grid;
  grid.cols = 90, grid.rows = 90, grid.transform = g;
  const Window frame = grid.window_of(star.bounds());
  ASSERT_FALSE(frame.empty());
  const Block<double> whole = coverage_fractions(star, g, frame);
  double covered = 0;
  for (std::size_t i = 0; i < whole.size(); ++i) covered += whole[i];
  ASSERT_GT(covered, 100.0);
  for (const Window& w : {Window{frame.col0, frame.row0 + 17, frame.cols, 5}, Window{frame.col0 + 9, frame.row0 + 30, 13, 11},
                          Window{frame.col0, frame.row_end() - 1, frame.cols, 1}, frame}) {
    CoverageRows rows(star, g, frame, w);
    for (int r = w.row0; r < w.row_end(); ++r) {
      const double* f = rows.next();
      for (int c = 0; c < w.cols; ++c)
        ASSERT_EQ(f[c], whole.at(r - frame.row0, w.col0 + c - frame.col0)) << "row " << r << " col " << w.col0 + c;
    }
  }
  // A window outside its frame is refused.
  EXPECT_THROW(CoverageRows(star, g, frame, Window{frame.col0 - 1, frame.row0, 2, 2}), std::invalid_argument);
  // ZoneCover visits (and Part holds) the zone's own fractions, whatever the strip.
  const ZoneCover zones(grid, {&star});
  ASSERT_EQ(zones.window(0), frame);
  for (int r0 = 0; r0 < grid.rows; r0 += 7)
    zones.for_each_row(Window{0, r0, grid.cols, 7}, [&](std::size_t, int row, int col0, const double* f, int cells) {
      for (int c = 0; c < cells; ++c) ASSERT_EQ(f[c], whole.at(row - frame.row0, col0 + c - frame.col0));
    });
  const ZoneCover::Part part = zones.part(0, Window{0, frame.row0 + 3, grid.cols, 4});
  for (int r = part.window.row0; r < part.window.row_end(); ++r)
    for (int c = 0; c < part.window.cols; ++c) ASSERT_EQ(part.row(r)[c], whole.at(r - frame.row0, part.window.col0 + c - frame.col0));
}

TEST(Coverage, AgreesWithIndependentIntersectionCellByCell) {
  // Reference: OGR (GEOS) intersection area of the polygon with each cell square.
  Ring outer, hole;
  for (int i = 0; i < 23; ++i) {
    const double a = 2 * std::numbers::pi * i / 23, rad = 9 + 4 * std::sin(3 * a) + (i % 3) * 0.7;
    outer.push_back({15.37 + rad * std::cos(a), 14.91 + rad * std::sin(a)});
  }
  for (int i = 0; i < 7; ++i) {
    const double a = -2 * std::numbers::pi * i / 7;
    hole.push_back({15.1 + 2.3 * std::cos(a), 15.2 + 2.1 * std::sin(a)});
  }
  const auto mp = poly(outer, {hole});
  OGRPolygon ogr;
  OGRLinearRing ro, rh;
  for (const auto& p : outer) ro.addPoint(p.x, p.y);
  for (const auto& p : hole) rh.addPoint(p.x, p.y);
  ro.closeRings();
  rh.closeRings();
  ogr.addRing(&ro);
  ogr.addRing(&rh);
  ASSERT_TRUE(ogr.IsValid());
  const GeoTransform g = unit_grid(30);
  const auto f = coverage_fractions(mp, g, Window{0, 0, 30, 30});
  double worst = 0;
  for (int r = 0; r < 30; ++r)
    for (int c = 0; c < 30; ++c) {
      OGRPolygon cell;
      OGRLinearRing cr;
      const double y1 = 30 - r, y0 = y1 - 1;
      cr.addPoint(c, y0);
      cr.addPoint(c + 1, y0);
      cr.addPoint(c + 1, y1);
      cr.addPoint(c, y1);
      cr.closeRings();
      cell.addRing(&cr);
      std::unique_ptr<OGRGeometry> inter(ogr.Intersection(&cell));
      double area = 0;
      if (inter && !inter->IsEmpty()) {
        const auto t = wkbFlatten(inter->getGeometryType());
        if (t == wkbPolygon)
          area = inter->toPolygon()->get_Area();
        else if (t == wkbMultiPolygon)
          area = inter->toMultiPolygon()->get_Area();
        else if (t == wkbGeometryCollection)
          area = inter->toGeometryCollection()->get_Area();
      }
      worst = std::max(worst, std::abs(f.at(r, c) - area));
    }
  EXPECT_LT(worst, 1e-9);
  EXPECT_NEAR(sum(f), ogr.get_Area(), 1e-9 * ogr.get_Area());
}

// The zones' cells of a window, as every zonal pass reads them: zone by zone, rows in order, the
// fractions of coverage_fractions, nothing for a zone off the window or empty; the same cells
// whatever strips the window is cut into.
TEST(ZoneCover, VisitsEachZonesRowsInOrderWithItsCoverageFractions) {
  Grid grid;
  grid.cols = 6, grid.rows = 6, grid.transform = unit_grid(6);
  const MultiPolygon left = poly({{0.5, 0.5}, {2.5, 0.5}, {2.5, 5.5}, {0.5, 5.5}});   // columns 0-2, rows 0-5
  const MultiPolygon right = poly({{4.0, 1.0}, {6.0, 1.0}, {6.0, 3.0}, {4.0, 3.0}});  // cells (3..4, 4..5) whole
  const MultiPolygon nothing;
  const ZoneCover zones(grid, {&left, &nothing, &right});
  ASSERT_EQ(zones.size(), 3u);
  EXPECT_TRUE(zones.window(1).empty());
  struct Visit {
    std::size_t zone;
    int row, col0, cells;
    double sum;
  };
  auto visits_of = [&](const Window& w) {
    std::vector<Visit> out;
    zones.for_each_row(w, [&](std::size_t z, int row, int col0, const double* f, int cells) {
      double s = 0;
      for (int k = 0; k < cells; ++k) s += f[k];
      out.push_back({z, row, col0, cells, s});
    });
    return out;
  };
  const std::vector<Visit> whole = visits_of(grid.full());
  ASSERT_EQ(whole.size(), 6u + 2u);
  for (int r = 0; r < 6; ++r) {
    EXPECT_EQ(whole[std::size_t(r)].zone, 0u);
    EXPECT_EQ(whole[std::size_t(r)].row, r);
    EXPECT_EQ(whole[std::size_t(r)].col0, 0);
    EXPECT_EQ(whole[std::size_t(r)].cells, 3);
    EXPECT_NEAR(whole[std::size_t(r)].sum, r == 0 || r == 5 ? 1.0 : 2.0, 1e-12);  // 0.5 + 1 + 0.5, halved on the edge rows
  }
  EXPECT_EQ(whole[6].zone, 2u);
  EXPECT_EQ(whole[6].row, 3);
  EXPECT_EQ(whole[7].row, 4);
  EXPECT_NEAR(whole[6].sum + whole[7].sum, 4.0, 1e-12);
  // Cut into strips of 2 rows, the same rows with the same fractions.
  std::vector<Visit> by_strips;
  for (int r0 = 0; r0 < 6; r0 += 2) {
    const std::vector<Visit> v = visits_of(Window{0, r0, 6, 2});
    by_strips.insert(by_strips.end(), v.begin(), v.end());
  }
  ASSERT_EQ(by_strips.size(), whole.size());
  double total_whole = 0, total_strips = 0;
  for (std::size_t i = 0; i < whole.size(); ++i) total_whole += whole[i].sum, total_strips += by_strips[i].sum;
  EXPECT_EQ(total_whole, total_strips);
  // A part outside every zone's bounds is empty.
  EXPECT_TRUE(zones.part(2, Window{0, 0, 2, 2}).empty());
  const ZoneCover::Part p = zones.part(0, Window{0, 2, 6, 2});
  EXPECT_EQ(p.window.row0, 2);
  EXPECT_EQ(p.window.rows, 2);
  EXPECT_NEAR(p.row(3)[1], 1.0, 1e-12);
}

// The order and category statistics of `ecomon zonal` on hand-computed distributions.
TEST(ValueDistribution, HandTable) {
  ValueDistribution even;  // 1, 2, 3, 4, whole cells
  for (double v : {3.0, 1.0, 4.0, 2.0}) even.add(v, 1.0);
  EXPECT_DOUBLE_EQ(even.quantile(0.5), 2.5);   // R: quantile(1:4, 0.5, type = 2)
  EXPECT_DOUBLE_EQ(even.quantile(0.25), 1.5);  // at a step of the distribution: the mean of both sides
  EXPECT_DOUBLE_EQ(even.quantile(0.3), 2.0);
  EXPECT_DOUBLE_EQ(even.quantile(0.0), 1.0);
  EXPECT_DOUBLE_EQ(even.quantile(1.0), 4.0);
  EXPECT_DOUBLE_EQ(even.majority(), 1.0);  // all tied: the smallest
  EXPECT_DOUBLE_EQ(even.minority(), 1.0);
  EXPECT_DOUBLE_EQ(even.variety(), 4.0);
  EXPECT_NEAR(even.stdev(), std::sqrt(1.25), 1e-15);
  EXPECT_DOUBLE_EQ(even.frac(2.0), 0.25);
  EXPECT_DOUBLE_EQ(even.frac(7.0), 0.0);

  // Partly covered cells: 10 (half of the weight), 20 and 30 (a quarter each), in two row pieces.
  ValueDistribution a, b;
  a.add(10, 0.3), a.add(20, 0.25), a.add(0, 0.0);  // a zero weight adds nothing
  b.add(10, 0.2), b.add(30, 0.25);
  a.merge(b);
  EXPECT_DOUBLE_EQ(a.variety(), 3.0);
  EXPECT_DOUBLE_EQ(a.quantile(0.5), 15.0);  // the cumulative share reaches 0.5 exactly at 10
  EXPECT_DOUBLE_EQ(a.quantile(0.6), 20.0);
  EXPECT_DOUBLE_EQ(a.quantile(0.2), 10.0);
  EXPECT_DOUBLE_EQ(a.majority(), 10.0);
  EXPECT_DOUBLE_EQ(a.minority(), 20.0);  // 20 and 30 tied: the smallest
  // mean 17.5; variance 0.5 x 56.25 + 0.25 x 6.25 + 0.25 x 156.25 = 68.75
  EXPECT_NEAR(a.stdev(), std::sqrt(68.75), 1e-12);
  EXPECT_DOUBLE_EQ(a.frac(10.0), 0.5);

  const ValueDistribution empty;
  EXPECT_TRUE(std::isnan(empty.quantile(0.5)));
  EXPECT_TRUE(std::isnan(empty.stdev()));
  EXPECT_TRUE(std::isnan(empty.frac(1.0)));
}

TEST(ValueDistribution, StatisticNamesParseAndUnknownOnesAreNamed) {
  const auto stats = parse_statistics("count,quantile_25,median,frac,weighted_mean");
  ASSERT_EQ(stats.size(), 5u);
  EXPECT_EQ(stats[1].kind, Statistic::quantile);
  EXPECT_DOUBLE_EQ(stats[1].q, 0.25);
  EXPECT_EQ(statistic_name(stats[1]), "quantile_25");
  EXPECT_TRUE(needs_distribution(stats));
  EXPECT_FALSE(needs_distribution(parse_statistics("count,mean,weighted_mean")));
  for (const char* bad : {"medain", "quantile_0", "quantile_100", "quantile_x", "quantile_", ""}) {
    try {
      parse_statistics(bad);
      ADD_FAILURE() << bad << " was accepted";
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find("allowed: count"), std::string::npos) << e.what();
    }
  }
}
