// `ecomon zonal` against independent references: terra's published coverage-weighted means
// (Debian r-cran-terra, ex/elev.tif and ex/lux.shp) and an analytic raster/polygon pair.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "app/commands.hpp"
#include "helpers.hpp"
#include "libgeo/block.hpp"
#include "libgeo/io/projection.hpp"
#include "libgeo/io/raster.hpp"

using namespace testing_helpers;

TEST(ZonalReference, TerraLuxembourgCoverageWeightedMeans) {
  const std::string elev = std::string(ECOMON_TEST_DATA_DIR) + "/terra/elev.tif";
  const std::string lux = std::string(ECOMON_TEST_DATA_DIR) + "/terra/lux.shp";
  ASSERT_TRUE(std::filesystem::exists(elev) && std::filesystem::exists(lux))
      << "terra's example data is missing: run scripts/fetch_test_data.sh (scripts/test.sh does)";
  ecomon::ZonalOptions o;
  o.raster = elev;
  o.zones = lux;
  o.field = "ID_2";
  o.stats = "count,mean";
  std::ostringstream out;
  ecomon::zonal_command(o, out);
  std::map<int, double> mean;
  for (const auto& row : parse_csv(out.str())) mean[int(std::stod(row.at("ID_2")))] = std::stod(row.at("mean"));
  // Expected values from terra's own tests (exact = TRUE, coverage-weighted).
  EXPECT_NEAR(mean.at(1) / 467.379239, 1.0, 1e-6) << mean.at(1);
  EXPECT_NEAR(mean.at(2) / 334.685564, 1.0, 1e-6) << mean.at(2);
}

TEST(ZonalReference, AnalyticRectangleOnLinearRaster) {
  // Raster value = 3 * col + 7 * row + 0.5 on a UTM grid; a rectangle not aligned to cells. The
  // reference weights each cell by the product of its x and y overlaps, computed independently.
  geo::io::initialise_gdal(64);
  const auto dir = fresh_dir("analytic");
  geo::Grid grid{40, 30, {500000, 30, 4500000, -30}, geo::io::crs_wkt("EPSG:32648")};
  geo::Block<float> values(grid.full());
  for (int r = 0; r < grid.rows; ++r)
    for (int c = 0; c < grid.cols; ++c) values.at(r, c) = float(3 * c + 7 * r) + 0.5f;
  values.at(12, 17) = -9999;  // one no-data cell inside the rectangle
  const auto raster = (dir / "linear.tif").string();
  geo::io::write_geotiff(raster, grid, values, -9999.0);
  const double x0 = 500000 + 131.7, x1 = 500000 + 977.3, y0 = 4500000 - 811.9, y1 = 4500000 - 45.2;
  std::ofstream(dir / "rect.geojson")
      << R"({"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::32648"}},"features":[{"type":"Feature","properties":{"id":"R"},"geometry":{"type":"Polygon","coordinates":[[[)"
      << std::fixed << x0 << "," << y0 << "],[" << x1 << "," << y0 << "],[" << x1 << "," << y1 << "],[" << x0 << "," << y1 << "],[" << x0
      << "," << y0 << "]]]}}]}";
  double count = 0, sum = 0, mn = 1e300, mx = -1e300;
  for (int r = 0; r < grid.rows; ++r)
    for (int c = 0; c < grid.cols; ++c) {
      const double cx0 = 500000 + 30.0 * c, cy1 = 4500000 - 30.0 * r;
      const double ox = std::max(0.0, std::min(x1, cx0 + 30) - std::max(x0, cx0));
      const double oy = std::max(0.0, std::min(y1, cy1) - std::max(y0, cy1 - 30));
      const double w = ox * oy / 900.0;
      if (w <= 0 || values.at(r, c) == -9999) continue;
      count += w;
      sum += w * values.at(r, c);
      mn = std::min(mn, double(values.at(r, c)));
      mx = std::max(mx, double(values.at(r, c)));
    }
  ecomon::ZonalOptions o;
  o.raster = raster;
  o.zones = (dir / "rect.geojson").string();
  o.field = "id";
  std::ostringstream out;
  ecomon::zonal_command(o, out);
  const auto rows = parse_csv(out.str());
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_NEAR(std::stod(rows[0].at("count")) / count, 1.0, 1e-9);
  EXPECT_NEAR(std::stod(rows[0].at("sum")) / sum, 1.0, 1e-9);
  EXPECT_NEAR(std::stod(rows[0].at("mean")) / (sum / count), 1.0, 1e-9);
  EXPECT_EQ(std::stod(rows[0].at("min")), mn);
  EXPECT_EQ(std::stod(rows[0].at("max")), mx);
}

TEST(ZonalReference, ZoneOutsideTheRasterGetsAnEmptyRow) {
  geo::io::initialise_gdal(64);
  const auto dir = fresh_dir("outside");
  geo::Grid grid{10, 10, {500000, 30, 4500000, -30}, geo::io::crs_wkt("EPSG:32648")};
  geo::Block<float> values(grid.full(), 1.0f);
  geo::io::write_geotiff((dir / "r.tif").string(), grid, values);
  const auto zones = write_zones(dir / "z.geojson", {box_feature("far", "far away", 100, 10, 100.1, 10.1)});
  const auto res = run_cli("zonal " + (dir / "r.tif").string() + " " + zones + " --field code --stats count,mean");
  EXPECT_EQ(res.exit_code, 0) << res.output;
  EXPECT_NE(res.output.find("far,0,"), std::string::npos) << res.output;
  EXPECT_NE(res.output.find("wrong CRS"), std::string::npos) << res.output;
}

// Order and category statistics against R (Debian r-base-core, installed by scripts/test.sh) on
// a window the zone covers whole (every weight 1): quantile type 2, the population standard
// deviation, the most and least frequent value (the smallest of ties, as which.max / which.min
// over R's sorted table), the count of distinct values. The band declares a scale and an offset:
// applied by default, not with --raw. -o writes the same CSV with a BOM.
TEST(ZonalReference, OrderStatisticsEqualRsAndTheBandsScaleAndOffsetApply) {
  geo::io::initialise_gdal(64);
  const auto dir = fresh_dir("order_stats");
  geo::Grid grid{20, 15, {500000, 30, 4500000, -30}, geo::io::crs_wkt("EPSG:32648")};
  geo::Block<float> raw(grid.full());
  for (int r = 0; r < grid.rows; ++r)
    for (int c = 0; c < grid.cols; ++c) raw.at(r, c) = float((7 * c + 13 * r + (r * c) % 5) % 23);  // many ties
  const auto raster = (dir / "scaled.tif").string();
  geo::io::write_geotiff(raster, grid, raw, 255.0);
  const auto edit = run_shell("gdal_edit.py -scale 0.5 -offset -3 " + raster);  // Debian gdal-bin
  ASSERT_EQ(edit.exit_code, 0) << edit.output;
  // The zone: columns 3-14, rows 2-11, on cell edges.
  const int c0 = 3, c1 = 15, r0 = 2, r1 = 12;
  const double x0 = 500000 + 30.0 * c0, x1 = 500000 + 30.0 * c1, y0 = 4500000 - 30.0 * r1, y1 = 4500000 - 30.0 * r0;
  std::ofstream(dir / "zone.geojson")
      << R"({"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::32648"}},"features":[{"type":"Feature","properties":{"id":"Z"},"geometry":{"type":"Polygon","coordinates":[[[)"
      << std::fixed << x0 << "," << y0 << "],[" << x1 << "," << y0 << "],[" << x1 << "," << y1 << "],[" << x0 << "," << y1 << "],[" << x0
      << "," << y0 << "]]]}}]}";
  {
    std::ofstream values(dir / "values.txt");
    for (int r = r0; r < r1; ++r)
      for (int c = c0; c < c1; ++c) values << raw.at(r, c) * 0.5 - 3.0 << "\n";
  }
  std::ofstream(dir / "stats.R") << "x <- scan('" << (dir / "values.txt").string() << "', quiet = TRUE)\n"
                                 << "t <- table(x)\n"
                                 << "q <- quantile(x, c(0.25, 0.5, 0.9), type = 2, names = FALSE)\n"
                                 << "cat(sprintf('%.12f', c(q, sd(x) * sqrt((length(x) - 1) / length(x)), as.numeric(names(t)[which.max(t)]), "
                                    "as.numeric(names(t)[which.min(t)]), length(unique(x)), mean(x))), sep = '\\n')\n";
  const auto r = run_shell("Rscript " + (dir / "stats.R").string());
  ASSERT_EQ(r.exit_code, 0) << "R is missing (scripts/install_deps.sh --tests installs r-base-core): " << r.output;
  std::vector<double> expected;
  std::istringstream lines(r.output);
  for (std::string line; std::getline(lines, line);) expected.push_back(std::stod(line));
  ASSERT_EQ(expected.size(), 8u) << r.output;

  const std::string zones = (dir / "zone.geojson").string();
  const auto res = run_cli("zonal " + raster + " " + zones + " --field id --stats quantile_25,median,quantile_90,stdev,majority,minority,variety,mean,count");
  ASSERT_EQ(res.exit_code, 0) << res.output;
  const auto rows = parse_csv(res.output);
  ASSERT_EQ(rows.size(), 1u);
  const char* names[] = {"quantile_25", "median", "quantile_90", "stdev", "majority", "minority", "variety", "mean"};
  for (std::size_t k = 0; k < 8; ++k) EXPECT_NEAR(std::stod(rows[0].at(names[k])), expected[k], 1e-9) << names[k];
  EXPECT_NEAR(std::stod(rows[0].at("count")), double((c1 - c0) * (r1 - r0)), 1e-9);

  const auto raw_res = run_cli("zonal " + raster + " " + zones + " --field id --stats mean --raw");
  EXPECT_NEAR(std::stod(parse_csv(raw_res.output)[0].at("mean")), (expected[7] + 3.0) / 0.5, 1e-9) << raw_res.output;

  const auto file = dir / "stats.csv";
  const auto to_file = run_cli("zonal " + raster + " " + zones + " --field id --stats quantile_25,median -o " + file.string());
  ASSERT_EQ(to_file.exit_code, 0) << to_file.output;
  const std::string written = read_file(file);
  ASSERT_GE(written.size(), 3u);
  EXPECT_EQ(written.substr(0, 3), "\xEF\xBB\xBF");
  EXPECT_EQ(written.substr(3), run_cli("zonal " + raster + " " + zones + " --field id --stats quantile_25,median").output);
}

// The tiles of the raster decoded on 1, 2 or 4 threads (all cores by default): the same CSV, byte
// for byte (the cells are still accumulated row by row, in order). A ZSTD file
// with small tiles, so that every strip's read spans many of them (what GDAL decodes in parallel).
TEST(ZonalReference, TheSameFiguresForAnyThreadCount) {
  geo::io::initialise_gdal(64);
  const auto dir = fresh_dir("zonal_threads");
  geo::Grid grid{700, 520, {500000, 30, 4500000, -30}, geo::io::crs_wkt("EPSG:32648")};
  geo::Block<float> values(grid.full());
  for (int r = 0; r < grid.rows; ++r)
    for (int c = 0; c < grid.cols; ++c) values.at(r, c) = float(std::sin(0.013 * c * r) * 100 + (c * 7 + r * 3) % 11) / 7.0f;
  geo::io::write_geotiff((dir / "plain.tif").string(), grid, values, -9999.0);
  const auto raster = (dir / "tiled.tif").string();
  const auto tiled = run_shell("gdal_translate -q -co TILED=YES -co BLOCKXSIZE=64 -co BLOCKYSIZE=64 -co COMPRESS=ZSTD " +
                               (dir / "plain.tif").string() + " " + raster);
  ASSERT_EQ(tiled.exit_code, 0) << tiled.output;
  // Two overlapping zones in lon/lat, cut obliquely by the grid.
  const auto zones = write_zones(dir / "z.geojson", {box_feature("a", "a", 105.0211, 40.5551, 105.1013, 40.6217),
                                                     box_feature("b", "b", 105.0802, 40.5312, 105.2003, 40.6004)});
  const std::string stats = " --field code --stats count,sum,mean,min,max,stdev,median,quantile_10,majority";
  const auto one = run_cli("zonal " + raster + " " + zones + stats + " --threads 1");
  ASSERT_EQ(one.exit_code, 0) << one.output;
  const auto rows = parse_csv(one.output);
  ASSERT_EQ(rows.size(), 2u) << one.output;
  for (const auto& row : rows) EXPECT_GT(std::stod(row.at("count")), 1000.0) << one.output;  // both zones lie on the raster
  for (const char* other : {" --threads 2", " --threads 4", ""})
    EXPECT_EQ(run_cli("zonal " + raster + " " + zones + stats + other).output, one.output) << other;
}

// The band is tallied in its stored type (and the order statistics of 8- and 16-bit bands summed by
// stored value): the same CSV, byte for byte, as its Float32 copy tallied through doubles, for
// signed and unsigned types, negative values, no-data cells, a scale and offset, and a scale that
// gives every stored value the same physical value (where the sums by stored value do not apply).
TEST(ZonalReference, TheBandsOwnTypeGivesTheFiguresOfItsFloatCopy) {
  geo::io::initialise_gdal(64);
  const auto dir = fresh_dir("zonal_types");
  geo::Grid grid{300, 260, {500000, 30, 4500000, -30}, geo::io::crs_wkt("EPSG:32648")};
  geo::Block<float> values(grid.full());
  for (int r = 0; r < grid.rows; ++r)
    for (int c = 0; c < grid.cols; ++c) values.at(r, c) = (r * 31 + c * 17) % 97 == 0 ? 200.0f : float((c * 7 + r * 13 + (r * c) % 9) % 181) - 60.0f;
  geo::io::write_geotiff((dir / "plain.tif").string(), grid, values, 200.0);
  const auto zones = write_zones(dir / "z.geojson", {box_feature("a", "a", 105.0011, 40.5951, 105.0613, 40.6317),
                                                     box_feature("b", "b", 105.0402, 40.5812, 105.0903, 40.6104)});
  const std::string stats = " --field code --stats count,sum,mean,min,max,stdev,median,quantile_10,majority,minority,variety,frac";
  struct Case {
    const char *type, *scale;
  };
  for (const Case& c : {Case{"Int16", "0.25 -offset 3"}, Case{"UInt16", "1.5 -offset -2"}, Case{"Byte", "0.1"}, Case{"Int16", "0"}}) {
    SCOPED_TRACE(std::string(c.type) + " scale " + c.scale);
    // Byte and UInt16 hold no negative values: the values shifted up, the no-data with them.
    const bool unsigned_type = std::string(c.type) != "Int16";
    const auto stored = (dir / (std::string(c.type) + ".tif")).string(), as_float = (dir / (std::string(c.type) + "_f.tif")).string();
    const auto made = run_shell("gdal_calc.py --quiet --overwrite -A " + (dir / "plain.tif").string() + " --calc='A" +
                                (unsigned_type ? "+60" : "") + "' --type=" + c.type + " --NoDataValue=" + (unsigned_type ? "255" : "200") +
                                " --co TILED=YES --co BLOCKXSIZE=64 --co BLOCKYSIZE=64 --co COMPRESS=DEFLATE --outfile=" + stored +
                                " && gdal_edit.py -scale " + c.scale + " " + stored + " && gdal_translate -q -ot Float32 " + stored + " " + as_float);
    ASSERT_EQ(made.exit_code, 0) << made.output;
    const auto native = run_cli("zonal " + stored + " " + zones + stats + " --threads 2");
    ASSERT_EQ(native.exit_code, 0) << native.output;
    const auto rows = parse_csv(native.output);
    ASSERT_EQ(rows.size(), 2u) << native.output;
    for (const auto& row : rows) EXPECT_GT(std::stod(row.at("count")), 500.0) << native.output;
    EXPECT_EQ(run_cli("zonal " + as_float + " " + zones + stats + " --threads 2").output, native.output);
    EXPECT_EQ(run_cli("zonal " + stored + " " + zones + stats + " --threads 1").output, native.output);
    // The SSE2 loop (where the processor has AVX2, the AVX2 one tallied above): the same bytes.
    EXPECT_EQ(run_shell("GEO_ZONAL_AVX2=NO " + ecomon_binary() + " zonal " + stored + " " + zones + stats + " --threads 2").output, native.output);
  }
}
