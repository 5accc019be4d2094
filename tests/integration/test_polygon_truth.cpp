// A hand-made year with known truth: stored rasters on the regional Albers grid (equal-area, so a
// 30 m cell is 900 m² on the ellipsoid) holding grassland with five discs of trees, and a rectangle
// whose edges cut cells. Re-tallied under the rectangle as a polygon query re-tallies a year
// (tally_stored_year), its areas must be the truth: every disc lies inside, so the tree and forest
// areas are the disc cells x 900 m²; the rectangle's area (exact: width x height in an equal-area
// projection) is the tallied total, so grassland is the rest. The issue asks for 1%; exact coverage
// and the ellipsoidal cell areas give far better, and the test holds them to 1e-6.
#include <gtest/gtest.h>

#include <cmath>

#include "config/cell_rules_from.hpp"
#include "config/settings.hpp"
#include "engine/season_tally.hpp"
#include "helpers.hpp"
#include "libgeo/io/projection.hpp"
#include "libgeo/io/raster.hpp"
#include "products/product_specs.hpp"

using namespace testing_helpers;
namespace fs = std::filesystem;

TEST(PolygonTruth, RectangleWithTreeDiscsGivesItsAreasExactly) {
  const fs::path dir = fresh_dir("polygon_truth");
  geo::io::initialise_gdal(64);
  const ecomon::Settings settings;
  geo::Grid grid;
  grid.crs_wkt = geo::io::crs_wkt(settings.season.grid_crs);
  grid.cols = 240, grid.rows = 200;
  grid.transform = geo::GeoTransform{150000.0, 30.0, 4500000.0, -30.0};

  // Five discs of trees (radius 9 to 13 cells) on grassland; a cell is a tree when its centre is in a disc.
  struct Disc {
    double col, row, radius;
  };
  const std::vector<Disc> discs{{60, 50, 9}, {120, 60, 13}, {180, 100, 11}, {80, 140, 12}, {160, 150, 10}};
  geo::Block<std::uint8_t> landcover(grid.full(), std::uint8_t(ecomon::LandCover::grassland)), forest(grid.full(), 0);
  std::size_t tree_cells = 0;
  for (int r = 0; r < grid.rows; ++r)
    for (int c = 0; c < grid.cols; ++c)
      for (const Disc& d : discs)
        if (std::hypot(c + 0.5 - d.col, r + 0.5 - d.row) < d.radius) {
          landcover.at(r, c) = std::uint8_t(ecomon::LandCover::tree);
          forest.at(r, c) = 1;
          ++tree_cells;
          break;
        }
  ASSERT_GT(tree_cells, 1500u);

  // Every tallied product (those from optional inputs left out, as a year without them has none):
  // ten clear observations, dry, FVC 0.5, both shoulder windows seen; the rest no data.
  ecomon::StoredYearRasters rasters;
  for (const ecomon::ProductSpec& spec : ecomon::season_products()) {
    if (spec.needs != ecomon::ProductSpec::Needs::nothing) continue;
    const std::string path = (dir / (spec.name + ".tif")).string();
    const std::string& n = spec.name;
    if (n == "LANDCOVER") {
      geo::io::write_geotiff(path, grid, landcover, spec.nodata);
    } else if (n == "FOREST") {
      geo::io::write_geotiff(path, grid, forest, spec.nodata);
    } else if (spec.type == geo::io::PixelType::u8) {
      const double value = n == "CLEAR_COUNT" ? 10 : n == "WATER_FREQUENCY" ? 0 : n == "FVC" ? 100 : n == "SHOULDER_WINDOWS" ? 2 : spec.nodata;
      geo::io::write_geotiff(path, grid, geo::Block<std::uint8_t>(grid.full(), std::uint8_t(value)), spec.nodata);
    } else if (spec.type == geo::io::PixelType::i16) {
      geo::io::write_geotiff(path, grid, geo::Block<std::int16_t>(grid.full(), std::int16_t(spec.nodata)), spec.nodata);
    } else if (spec.type == geo::io::PixelType::u16) {
      geo::io::write_geotiff(path, grid, geo::Block<std::uint16_t>(grid.full(), std::uint16_t(spec.nodata)), spec.nodata);
    } else {
      geo::io::write_geotiff(path, grid, geo::Block<float>(grid.full(), float(spec.nodata)), spec.nodata);
    }
    rasters.paths[spec.name] = path;
  }

  // The rectangle, its edges inside cells (not on cell lines), holding every disc.
  const double x0 = 150000.0 + 30.0 * 35.37, x1 = 150000.0 + 30.0 * 208.81;
  const double y1 = 4500000.0 - 30.0 * 27.62, y0 = 4500000.0 - 30.0 * 176.45;
  geo::io::Zone rectangle;
  rectangle.code = "rect";
  rectangle.geometry.parts.push_back({{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}, {x0, y0}}, {}});
  const double rectangle_m2 = (x1 - x0) * (y1 - y0);

  const ecomon::CellRules rules = ecomon::cell_rules_from(settings, 0.05, 0.85);
  for (int threads : {1, 2}) {
    const ecomon::ZoneTally t = ecomon::tally_stored_year(rasters, grid, {rectangle}, {{false}}, rules, threads)[0];
    const double tree_m2 = double(tree_cells) * 900.0;
    EXPECT_NEAR(t.total_area, rectangle_m2, 1e-6 * rectangle_m2) << threads << " thread(s)";
    EXPECT_NEAR(t.observed_area, rectangle_m2, 1e-6 * rectangle_m2);
    EXPECT_NEAR(t.landcover_area[int(ecomon::LandCover::tree)], tree_m2, 1e-6 * tree_m2);
    EXPECT_NEAR(t.landcover_area[int(ecomon::LandCover::grassland)], rectangle_m2 - tree_m2, 1e-6 * rectangle_m2);
    EXPECT_NEAR(t.tree_forest_area, tree_m2, 1e-6 * tree_m2);
    EXPECT_NEAR(t.forest_area, tree_m2, 1e-6 * tree_m2);
    EXPECT_NEAR(t.fvc_area, 0.5 * rectangle_m2, 1e-6 * rectangle_m2);  // FVC 100 x 0.005 over all land
  }
}
