// Ellipsoidal cell areas: analytic totals for geographic grids, UTM scale factors, and projected cell
// areas summed over a polygon against its geodesic area.
#include <gtest/gtest.h>
#include <proj.h>

#include <cmath>
#include <numbers>
#include <thread>
#include <vector>

#include "libgeo/cell_area.hpp"
#include "libgeo/coverage.hpp"
#include "libgeo/io/projection.hpp"
#include "libgeo/io/raster.hpp"

using namespace geo;

TEST(CellArea, GeographicGridCoversTheEllipsoid) {
  // 1-degree global grid: the cells sum to the WGS84 ellipsoid's surface, 510,065,621.7 km^2.
  const GeoTransform g{-180, 1, 90, -1};
  const auto a = CellAreaModel::geographic(g).areas(Window{0, 0, 360, 180});
  double total = 0;
  for (std::size_t i = 0; i < a.size(); ++i) total += a[i];
  EXPECT_NEAR(total / 1e6, 510065621.7, 0.5);
}

TEST(CellArea, UtmArealScale) {
  geo::io::initialise_gdal(64);
  const auto scale = geo::io::areal_scale_function(geo::io::crs_wkt("EPSG:32648"));
  // On the central meridian k = 0.9996, so the areal scale is k^2 = 0.99920016.
  EXPECT_NEAR(scale(500000, 4500000), 0.9996 * 0.9996, 1e-8);
  // 180 km east of it the scale exceeds 1 (secant lines at ~180 km).
  EXPECT_GT(scale(690000, 4500000), 1.0);
}

TEST(CellArea, ProjectedCellsSumToGeodesicArea) {
  geo::io::initialise_gdal(64);
  // A 0.2 x 0.2 degree box near Linhe (107.4E, 40.75N), in UTM 48N on a 30 m grid.
  MultiPolygon lonlat{{Polygon{{{107.3, 40.65}, {107.5, 40.65}, {107.5, 40.85}, {107.3, 40.85}}, {}}}};
  const double truth = geo::io::geodesic_area(lonlat);
  const std::string utm = geo::io::crs_wkt("EPSG:32648");
  MultiPolygon projected = lonlat;
  {
    geo::io::CoordinateTransformer t("EPSG:4326", utm);
    auto& ring = projected.parts[0].exterior;
    // Densify the edges so the projected ring follows the geodesic box closely.
    Ring dense;
    for (std::size_t i = 0; i < 4; ++i) {
      const auto a = ring[i], b = ring[(i + 1) % 4];
      for (int k = 0; k < 200; ++k) dense.push_back({a.x + (b.x - a.x) * k / 200.0, a.y + (b.y - a.y) * k / 200.0});
    }
    t.transform(dense);
    ring = dense;
  }
  const Box box = projected.bounds();
  const GeoTransform g{std::floor(box.xmin / 30) * 30 - 300, 30, std::ceil(box.ymax / 30) * 30 + 300, -30};
  Grid grid{int((box.xmax - box.xmin) / 30) + 30, int((box.ymax - box.ymin) / 30) + 30, g, utm};
  const auto model = geo::io::cell_area_model(grid);
  const auto cover = coverage_fractions(projected, g, grid.full());
  const auto areas = model.areas(grid.full());
  double sum = 0;
  for (std::size_t i = 0; i < cover.size(); ++i) sum += cover[i] * areas[i];
  // Geodesic vs rhumb edges of a 0.2-degree box differ by ~1e-6 relative; nominal 900 m^2 cells
  // would be off by ~8e-4 here.
  EXPECT_NEAR(sum / truth, 1.0, 5e-6);
}

TEST(CellArea, WindowIndependence) {
  geo::io::initialise_gdal(64);
  const GeoTransform g{400000, 30, 4600000, -30};
  Grid grid{500, 500, g, geo::io::crs_wkt("EPSG:32648")};
  const auto model = geo::io::cell_area_model(grid);
  const auto whole = model.areas(grid.full());
  const Window w{37, 101, 77, 53};
  const auto part = model.areas(w);
  for (int r = 0; r < w.rows; ++r)
    for (int c = 0; c < w.cols; ++c) EXPECT_EQ(part.at(r, c), whole.at(r + w.row0, c + w.col0));
}

// Transformers are kept for reuse once given back: one made anew, one reused, and many held at once
// on many threads give the same figures to the bit, and a known point where it should be (UTM 48N's
// central meridian, 105 E, at the equator: easting 500 000 m, northing 0).
TEST(CoordinateTransformer, ReusedAndConcurrentTransformersGiveTheSameFigures) {
  const std::string utm = geo::io::crs_wkt("EPSG:32648");
  std::vector<geo::Point> path;
  for (int i = 0; i < 50; ++i) path.push_back({104.0 + 0.05 * i, 38.0 + 0.07 * i});
  std::vector<geo::Point> first = path;
  {
    geo::io::CoordinateTransformer t("EPSG:4326", utm);
    std::vector<geo::Point> origin{{105.0, 0.0}};
    t.transform(origin);
    EXPECT_NEAR(origin[0].x, 500000.0, 1e-6);
    EXPECT_NEAR(origin[0].y, 0.0, 1e-6);
    t.transform(first);
  }
  std::vector<std::vector<geo::Point>> got(8, path);
  std::vector<std::thread> threads;
  for (std::size_t k = 0; k < got.size(); ++k)
    threads.emplace_back([&, k] {
      for (int round = 0; round < 20; ++round) {
        std::vector<geo::Point> points = path;
        geo::io::CoordinateTransformer there("EPSG:4326", utm), back(utm, "EPSG:4326");
        there.transform(points);
        if (round == 19) got[k] = points;
        back.transform(points);
        for (std::size_t i = 0; i < points.size(); ++i) ASSERT_NEAR(points[i].x, path[i].x, 1e-9) << "round trip";
      }
    });
  for (std::thread& t : threads) t.join();
  for (const auto& points : got)
    for (std::size_t i = 0; i < points.size(); ++i) {
      ASSERT_EQ(points[i].x, first[i].x);
      ASSERT_EQ(points[i].y, first[i].y);
    }
  // Either way round (one of them tries the other direction's operation first, then its own).
  EXPECT_THROW(geo::io::CoordinateTransformer("EPSG:4326", "not a CRS"), geo::io::IoError);
  EXPECT_THROW(geo::io::CoordinateTransformer("not a CRS", "EPSG:4326"), geo::io::IoError);
}

// Each direction of a CRS pair gives what PROJ's own operation for that direction gives, to the bit,
// whichever direction a process made first: the way back is made as the inverse of the way there,
// and the operations are copied from the first one made. The CRSs of a run (UTM, the regional
// Albers grid, WGS 84), China's geodetic CRSs, and Beijing 1954, for which PROJ keeps several
// candidate operations (no single inverse: both directions are searched).
TEST(CoordinateTransformer, EitherDirectionIsPROJsOwnOperation) {
  const std::string albers = geo::io::crs_wkt("+proj=aea +lat_0=0 +lon_0=105 +lat_1=25 +lat_2=47 +x_0=0 +y_0=0 +datum=WGS84 +units=m +no_defs +type=crs");
  const std::string utm48 = geo::io::crs_wkt("EPSG:32648");
  const std::vector<std::pair<std::string, std::string>> pairs = {
      {utm48, albers}, {albers, "EPSG:4326"}, {"EPSG:4326", utm48}, {"EPSG:32649", albers}, {"EPSG:4490", "EPSG:4326"},
      {"EPSG:4547", albers}, {"EPSG:4214", "EPSG:4326"}};
  // Points over Inner Mongolia in each pair's first CRS.
  const auto points_in = [](const std::string& crs) {
    std::vector<geo::Point> lonlat;
    for (double lon = 97.2; lon <= 126; lon += 1.3)
      for (double lat = 37.6; lat <= 53; lat += 0.7) lonlat.push_back({lon, lat});
    geo::io::CoordinateTransformer("EPSG:4326", crs).transform(lonlat);
    return lonlat;
  };
  // PROJ's own operation from `from` to `to`, made afresh.
  const auto by_proj = [](const std::string& from, const std::string& to, std::vector<geo::Point> points) {
    PJ_CONTEXT* ctx = proj_context_create();
    PJ* raw = proj_create_crs_to_crs(ctx, from.c_str(), to.c_str(), nullptr);
    PJ* op = raw ? proj_normalize_for_visualization(ctx, raw) : nullptr;
    EXPECT_NE(op, nullptr);
    if (op) proj_trans_generic(op, PJ_FWD, &points[0].x, sizeof(geo::Point), points.size(), &points[0].y, sizeof(geo::Point), points.size(), nullptr, 0, 0, nullptr, 0, 0);
    proj_destroy(op);
    proj_destroy(raw);
    proj_context_destroy(ctx);
    return points;
  };
  for (std::size_t k = 0; k < pairs.size(); ++k) {
    const auto& [a, b] = pairs[k];
    const std::vector<geo::Point> in_a = points_in(a);
    const std::vector<geo::Point> in_b = by_proj(a, b, in_a);
    // Half the pairs backwards first, so that each way is both the first made and the inverse.
    for (int turn = 0; turn < 2; ++turn) {
      const bool forward = (turn == 0) == (k % 2 == 0);
      std::vector<geo::Point> got = forward ? in_a : in_b;
      geo::io::CoordinateTransformer(forward ? a : b, forward ? b : a).transform(got);
      const std::vector<geo::Point> expected = forward ? in_b : by_proj(b, a, in_b);
      ASSERT_EQ(got.size(), expected.size());
      for (std::size_t i = 0; i < got.size(); ++i) {
        ASSERT_EQ(got[i].x, expected[i].x) << "pair " << k << (forward ? " there" : " back") << ", point " << i;
        ASSERT_EQ(got[i].y, expected[i].y) << "pair " << k << (forward ? " there" : " back") << ", point " << i;
      }
    }
  }
}
