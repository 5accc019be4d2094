// HLS v2.0 granules (sensors/hls/driver.cpp): an L30 granule of a simulated acquisition gives the
// figures the Landsat C2 L2 scene of the same acquisition gives, feeds the season, and a damaged or
// incomplete granule is a scene problem naming the file, not a stop.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <string>

#include "helpers.hpp"
#include "simulator.hpp"

using namespace testing_helpers;
namespace fs = std::filesystem;

namespace {

ecomon::SimulationOptions acquisition(const fs::path& dir, const std::string& sensor) {
  ecomon::SimulationOptions o;
  o.output_dir = dir.string();
  o.west = 108.90, o.east = 109.00, o.south = 40.88, o.north = 40.95;
  o.utm_zone = 49, o.date = "2024-07-20", o.seed = 31, o.sensor = sensor;  // a leap year: day 202
  return o;
}

struct RunResult {
  int exit_code;
  std::string output;
  fs::path out;
};

RunResult run_on(const fs::path& scenes, const fs::path& out, const std::string& zones) {
  const auto r = run_cli("run /dev/null --input " + scenes.string() + " --zones " + zones + " --out " + out.string() +
                         " --set season.pixel_size=30 --set output.products=none");
  return {r.exit_code, r.output, out};
}

class Hls : public ::testing::Test {
 protected:
  void SetUp() override {
    dir = fresh_dir("hls");
    landsat = ecomon::simulate_scene(acquisition(dir / "landsat", "landsat8"));
    hls = ecomon::simulate_scene(acquisition(dir / "hls", "hls"));
    zones = write_zones(dir / "z.geojson", {box_feature("z", "zone", 108.92, 40.90, 108.98, 40.93)});
  }
  std::string band(const std::string& name) const { return hls.folder + "/" + hls.product_id + "." + name + ".tif"; }
  // The failed row of scene_status.csv of a run whose only scene is the (damaged) granule.
  std::string failure_of(const RunResult& r) const {
    EXPECT_EQ(r.exit_code, 3) << r.output;
    for (const auto& row : parse_quoted_csv(read_file(r.out / "scene_status.csv")))
      if (row.at("status") == "failed") return row.at("message");
    return "";
  }
  fs::path dir;
  ecomon::SimulatedScene landsat, hls;
  std::string zones;
};

TEST_F(Hls, AnL30GranuleGivesTheFiguresOfTheLandsatSceneOfTheSameAcquisition) {
  EXPECT_EQ(hls.product_id, "HLS.L30.T48TXL.2024202T033521.v2.0");
  const RunResult a = run_on(dir / "landsat", dir / "out_landsat", zones), b = run_on(dir / "hls", dir / "out_hls", zones);
  ASSERT_EQ(a.exit_code, 0) << a.output;
  ASSERT_EQ(b.exit_code, 0) << b.output;
  const auto l = by_zone(read_file(a.out / "county_report.csv")).at("z"), h = by_zone(read_file(b.out / "county_report.csv")).at("z");
  EXPECT_EQ(h.at("scene_id"), hls.product_id);
  EXPECT_EQ(h.at("date"), "2024-07-20");  // from the day of year 202 of a leap year
  EXPECT_EQ(h.at("sensor"), "HLS_L30/OLI");
  EXPECT_EQ(h.at("simulated"), "yes");
  // Reflectance stored to 1e-4 instead of 2.75e-5, and no saturation flags (HLS has none): the
  // same figures within those differences.
  EXPECT_NEAR(std::stod(h.at("fvc_mean")), std::stod(l.at("fvc_mean")), 1e-3);
  EXPECT_NEAR(std::stod(h.at("observed_area_km2")), std::stod(l.at("observed_area_km2")), 0.01 * std::stod(l.at("observed_area_km2")));
  EXPECT_NEAR(std::stod(h.at("water_area_km2")), std::stod(l.at("water_area_km2")), 0.02);
  // And the season.
  const auto season = by_zone(read_file(b.out / "county_timeseries.csv")).at("z");
  EXPECT_EQ(season.at("year"), "2024");
  EXPECT_NEAR(std::stod(season.at("fvc_mean")), std::stod(by_zone(read_file(a.out / "county_timeseries.csv")).at("z").at("fvc_mean")),
              1e-3);
}

// S30 granules name their bands as MSI does; the roles come from B8A (narrow NIR), B11 and B12. The
// L30 granule renamed as an S30 one (the same numbers) gives the same figures, sensor aside.
TEST_F(Hls, AnS30GranuleReadsNarrowNirAndItsSwirBands) {
  const fs::path s30 = dir / "s30";
  fs::create_directories(s30);
  const std::string id = "HLS.S30.T48TXL.2024202T033521.v2.0";
  const std::map<std::string, std::string> renamed = {{"B02", "B02"}, {"B03", "B03"}, {"B04", "B04"}, {"B05", "B8A"},
                                                      {"B06", "B11"}, {"B07", "B12"}, {"Fmask", "Fmask"}};
  for (const auto& [from, to] : renamed) fs::copy_file(band(from), s30 / (id + "." + to + ".tif"));
  const RunResult a = run_on(dir / "hls", dir / "out_l30", zones), b = run_on(s30, dir / "out_s30", zones);
  ASSERT_EQ(b.exit_code, 0) << b.output;
  auto l = by_zone(read_file(a.out / "county_report.csv")).at("z"), s = by_zone(read_file(b.out / "county_report.csv")).at("z");
  EXPECT_EQ(s.at("sensor"), "HLS_S30/MSI");
  for (const char* column : {"fvc_mean", "observed_area_km2", "water_area_km2", "forest_area_km2", "albedo_mean"})
    EXPECT_EQ(s.at(column), l.at(column)) << column;
}

TEST_F(Hls, ABandStoredAsAnotherTypeIsASceneProblem) {
  ASSERT_EQ(run_shell("gdal_translate -q -ot UInt16 " + band("B04") + " " + band("B04") + ".u16.tif && mv " + band("B04") + ".u16.tif " +
                      band("B04"))
                .exit_code,
            0);
  const std::string why = failure_of(run_on(dir / "hls", dir / "out", zones));
  EXPECT_NE(why.find(".B04.tif: red (B04) band is stored as UInt16, but HLS v2.0 stores it as Int16"), std::string::npos) << why;
}

TEST_F(Hls, ABandDeclaringAnotherScaleIsASceneProblem) {
  ASSERT_EQ(run_shell("gdal_edit.py -scale 0.001 " + band("B05") + " || gdal_edit -scale 0.001 " + band("B05")).exit_code, 0);
  const std::string why = failure_of(run_on(dir / "hls", dir / "out", zones));
  EXPECT_NE(why.find(".B05.tif: declares scale 0.001000 and offset 0.000000, but HLS v2.0 reflectance is DN x 0.0001"), std::string::npos)
      << why;
}

TEST_F(Hls, AMissingBandFileIsASceneProblemNamingIt) {
  fs::remove(band("B06"));
  const std::string why = failure_of(run_on(dir / "hls", dir / "out", zones));
  EXPECT_NE(why.find("swir1 (B06) band unusable"), std::string::npos) << why;
  EXPECT_NE(why.find(".B06.tif"), std::string::npos) << why;
}

TEST_F(Hls, BandsWithoutTheirFmaskOrOfAnotherVersionAreInputProblems) {
  fs::remove(band("Fmask"));
  const fs::path other = fs::path(hls.folder) / "HLS.S30.T48TXL.2024150T033521.v1.4.B04.tif";
  fs::copy_file(band("B04"), other);
  const RunResult r = run_on(dir / "hls", dir / "out", zones);
  EXPECT_EQ(r.exit_code, 3) << r.output;  // finished, with inputs it could not use (scene_status.csv)
  EXPECT_NE(r.output.find(hls.product_id + ": HLS band files without their " + hls.product_id + ".Fmask.tif: the granule is incomplete"),
            std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("HLS.S30.T48TXL.2024150T033521.v1.4: HLS granule of version 1.4 (only v2.0 is read)"), std::string::npos)
      << r.output;
}

// Regression: an HLS granule with a malformed tile name was skipped without a word.
TEST_F(Hls, AGranuleWithAMalformedNameIsAnInputProblemNotSkippedSilently) {
  const std::string bad = "HLS.L30.T48TX1.2024202T033521.v2.0";  // the tile's last letter a digit
  for (const char* b : {"B02", "B03", "B04", "B05", "B06", "B07", "Fmask"}) fs::copy_file(band(b), fs::path(hls.folder) / (bad + "." + b + ".tif"));
  const RunResult r = run_on(dir / "hls", dir / "out", zones);
  EXPECT_EQ(r.exit_code, 3) << r.output;
  EXPECT_NE(r.output.find(bad + ": named like an HLS granule but not of the form"), std::string::npos) << r.output;
  int failed = 0;
  for (const auto& row : parse_quoted_csv(read_file(r.out / "scene_status.csv"))) failed += row.at("status") == "failed";
  EXPECT_EQ(failed, 1);  // once for the granule, not per band file
}

}  // namespace
