// `ecomon accuracy`: a hand-made class map and reference sample, the figures worked by hand from
// Olofsson et al. (2014), and the errors a bad sample gets.
#include <gtest/gtest.h>

#include <fstream>

#include "helpers.hpp"
#include "libgeo/io/projection.hpp"
#include "libgeo/io/raster.hpp"

using namespace testing_helpers;
namespace fs = std::filesystem;

namespace {

// A 10 x 10 map of 0.01-degree cells (WGS84) at 40.9-41.0 N: the west 3 columns class 1, the rest
// class 0; cell 0,9 (north-east corner) no data.
struct AccuracyMap : ::testing::Test {
  fs::path dir;
  std::string map;
  void SetUp() override {
    dir = fresh_dir("accuracy");
    geo::io::initialise_gdal(64);
    const geo::Grid grid{10, 10, {108.9, 0.01, 41.0, -0.01}, geo::io::crs_wkt("EPSG:4326")};
    geo::Block<std::uint8_t> classes(grid.full(), 0);
    for (int r = 0; r < 10; ++r)
      for (int c = 0; c < 3; ++c) classes.at(r, c) = 1;
    classes.at(0, 9) = 255;
    map = (dir / "map.tif").string();
    geo::io::write_geotiff(map, grid, classes, 255.0);
  }
  std::string samples(const std::string& name, const std::string& text) {
    std::ofstream((dir / name).string()) << text;
    return (dir / name).string();
  }
};

// Points in class 1 (west) and class 0 (east), cell centres.
std::string point(int col, int row, int reference) {
  return std::to_string(108.9 + 0.01 * (col + 0.5)) + "," + std::to_string(41.0 - 0.01 * (row + 0.5)) + "," + std::to_string(reference) +
         "\n";
}

}  // namespace

TEST_F(AccuracyMap, FiguresWorkedByHand) {
  // Map class 1: 8 sample units confirmed, 2 are really class 0. Map class 0: 9 confirmed, 1 is class 1.
  std::string csv = "\xEF\xBB\xBFlon,lat,class\n";  // with a byte-order mark, as Excel saves
  for (int k = 0; k < 10; ++k) csv += point(k % 3, k, k < 8 ? 1 : 0);
  for (int k = 0; k < 10; ++k) csv += point(3 + k % 6, k, k < 9 ? 0 : 1);
  const auto r = run_cli("accuracy --map " + map + " --samples " + samples("s.csv", csv));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const auto rows = parse_csv(r.output.substr(r.output.find("class,")));
  ASSERT_EQ(rows.size(), 2u);
  const auto& c0 = rows[0];
  const auto& c1 = rows[1];
  EXPECT_EQ(c0.at("class"), "0");
  EXPECT_EQ(c1.at("sample_count"), "10");
  const double a0 = std::stod(c0.at("mapped_area_km2")), a1 = std::stod(c1.at("mapped_area_km2"));
  // 30 and 69 cells of about 1.11 km x 0.84 km.
  EXPECT_NEAR(a1, 30 * 0.93, 30 * 0.02);
  EXPECT_NEAR(a0 / a1, 69.0 / 30.0, 1e-3);
  const double w0 = a0 / (a0 + a1), w1 = a1 / (a0 + a1);
  // eq. 9: A_1 = A (W_1 0.8 + W_0 0.1); eq. 10: SE = A sqrt(W_1^2 .8 .2 / 9 + W_0^2 .1 .9 / 9).
  EXPECT_NEAR(std::stod(c1.at("estimated_area_km2")), (a0 + a1) * (w1 * 0.8 + w0 * 0.1), 1e-5);
  EXPECT_NEAR(std::stod(c1.at("estimated_area_se_km2")), (a0 + a1) * std::sqrt(w1 * w1 * 0.16 / 9 + w0 * w0 * 0.09 / 9), 1e-5);
  EXPECT_EQ(c1.at("users_accuracy"), "0.8000");
  EXPECT_NEAR(std::stod(c1.at("producers_accuracy")), w1 * 0.8 / (w1 * 0.8 + w0 * 0.1), 1e-4);
  EXPECT_NEAR(std::stod(c0.at("overall_accuracy")), w1 * 0.8 + w0 * 0.9, 1e-4);
  EXPECT_NEAR(std::stod(c1.at("ci95_high_km2")) - std::stod(c1.at("estimated_area_km2")), 1.96 * std::stod(c1.at("estimated_area_se_km2")),
              2e-6);
}

TEST_F(AccuracyMap, ABadSampleIsNamedByFileAndRow) {
  auto error = [&](const std::string& csv) {
    const auto r = run_cli("accuracy --map " + map + " --samples " + samples("bad.csv", csv));
    EXPECT_EQ(r.exit_code, 2) << r.output;
    return r.output;
  };
  const std::string good = point(0, 0, 1) + point(1, 1, 1) + point(5, 5, 0) + point(6, 6, 0);
  EXPECT_NE(error("lon,class\n1,1\n").find("no column 'lat'"), std::string::npos);
  EXPECT_NE(error("lon,lat,class\n" + good + "108.95,forty,1\n").find("bad.csv, row 5: column 'lat' is 'forty', not a number"),
            std::string::npos);
  EXPECT_NE(error("lon,lat,class\n" + good + "120.0,40.95,1\n").find("bad.csv, row 5: (120.000000, 40.950000) lies outside"),
            std::string::npos);
  EXPECT_NE(error("lon,lat,class\n" + good + point(9, 0, 0)).find("row 5: lies on no data"), std::string::npos);
  EXPECT_NE(error("lon,lat,class\n" + point(0, 0, 1) + point(5, 5, 0) + point(6, 6, 0)).find("map class 1 of"), std::string::npos);
  EXPECT_NE(error("lon,lat,class\n" + good + "108.95,40.95,1.5\n").find("row 5: class 1.5 is not a class code"), std::string::npos);
}
