// Sentinel-2 L2A in both layouts (.SAFE with JPEG 2000, and per-band GeoTIFFs), both processing
// baselines (BOA_ADD_OFFSET -1000 from 04.00, none before), and zipped: read by hand for one pixel,
// and harmonised with Landsat (the same landscape gives the same figures whatever the sensor).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>

#include "app/commands.hpp"
#include "helpers.hpp"
#include "libgeo/io/raster.hpp"
#include "simulator.hpp"
#include "products/index_products.hpp"
#include "sensors/sentinel2/driver.hpp"

using namespace testing_helpers;
namespace fs = std::filesystem;

namespace {

ecomon::SimulationOptions small_scene(const fs::path& out) {
  ecomon::SimulationOptions o;
  o.output_dir = out.string();
  o.west = 108.9, o.east = 108.96, o.south = 40.9, o.north = 40.95, o.utm_zone = 49, o.clouds = 1, o.seed = 4;
  return o;
}

}  // namespace

TEST(Sentinel2, OnePixelByHandInBothBaselines) {
  geo::io::initialise_gdal(64);
  const auto dir = fresh_dir("s2_pixel");
  for (const std::string baseline : {"04.00", "03.01"}) {
    auto o = small_scene(dir / baseline);
    o.sensor = "sentinel2";
    o.s2_layout = "cog";
    o.s2_baseline = baseline;
    const auto sim = ecomon::simulate_scene(o);
    auto src = ecomon::open_sentinel2(sim.folder, (dir / "work").string(), ecomon::required_bands());
    EXPECT_EQ(src->info().id, sim.product_id);
    EXPECT_EQ(src->info().date, "2023-07-20");
    EXPECT_NEAR(src->grid().transform.pixel_width, 10.0, 1e-9);
    // Find a clear pixel and recompute its red reflectance by hand from B04's DN:
    // rho_MSI = (DN + BOA_ADD_OFFSET) / 10000, then HLS: rho_OLI = 0.9765 rho_MSI + 0.0009.
    const geo::Window w{100, 100, 1, 1};
    const auto obs = src->read(w);
    ASSERT_EQ(obs.state[0], ecomon::PixelState::clear) << baseline;
    const double dn = geo::io::RasterReader(sim.folder + "/B04.tif").read<std::uint16_t>(w)[0];
    const double offset = baseline == "04.00" ? -1000 : 0;
    EXPECT_NEAR(obs[ecomon::Band::red][0], 0.9765 * ((dn + offset) / 10000.0) + 0.0009, 1e-6) << baseline;
    // 20 m bands are repeated on the 10 m grid: pixels (100,100) and (101,101) share a 20 m cell.
    const auto obs2 = src->read(geo::Window{101, 101, 1, 1});
    EXPECT_EQ(obs[ecomon::Band::nir][0], obs2[ecomon::Band::nir][0]);
  }
}

TEST(Sentinel2, AllLayoutsAndBaselinesAgreeWithLandsat) {
  const auto dir = fresh_dir("s2_layouts");
  const auto scenes = dir / "scenes";
  auto o = small_scene(scenes);
  ecomon::simulate_scene(o);  // Landsat 8, the reference
  o.sensor = "sentinel2";
  o.s2_layout = "safe";
  o.date = "2023-07-21";
  const auto safe = ecomon::simulate_scene(o);
  o.s2_layout = "cog";
  o.s2_baseline = "03.01";
  o.date = "2021-07-21";
  ecomon::simulate_scene(o);
  // A zipped .SAFE as ESA distributes it.
  o.s2_layout = "safe";
  o.s2_baseline = "04.00";
  o.date = "2022-07-21";
  o.output_dir = (dir / "to_zip").string();
  const auto zipped = ecomon::simulate_scene(o);
  const std::string zip = (scenes / (zipped.product_id + ".zip")).string();
  ASSERT_EQ(
      std::system(
          ("cd " + (dir / "to_zip").string() + " && cmake -E tar cf " + zip + " --format=zip " + zipped.product_id + ".SAFE").c_str()),
      0);

  const auto zones = write_zones(dir / "z.geojson", {box_feature("z", "zone", 108.91, 40.91, 108.95, 40.94)});
  const auto res = run_cli("run /dev/null --input " + scenes.string() + " --zones " + zones + " --out " + (dir / "out").string());
  ASSERT_EQ(res.exit_code, 0) << res.output;
  const auto rows = parse_csv(read_file(dir / "out" / "county_report.csv"));
  ASSERT_EQ(rows.size(), 4u) << res.output;
  // Rows come in date order; the Landsat scene is the reference.
  const auto landsat = *std::find_if(rows.begin(), rows.end(), [](const auto& r) { return r.at("sensor") == "LANDSAT_8/OLI_TIRS"; });
  int sentinel = 0;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    if (rows[i].at("sensor") == "LANDSAT_8/OLI_TIRS") continue;
    ++sentinel;
    EXPECT_EQ(rows[i].at("sensor"), "Sentinel-2A/MSI");
    // Same ground, same clouds: the harmonised figures match Landsat's closely.
    EXPECT_NEAR(std::stod(rows[i].at("fvc_mean")), std::stod(landsat.at("fvc_mean")), 0.01) << rows[i].at("scene_id");
    EXPECT_NEAR(std::stod(rows[i].at("water_area_km2")), std::stod(landsat.at("water_area_km2")),
                0.02 * std::stod(landsat.at("water_area_km2")));
    EXPECT_NEAR(std::stod(rows[i].at("total_area_km2")), std::stod(landsat.at("total_area_km2")),
                1e-3 * std::stod(landsat.at("total_area_km2")));
    // SCL masks the same clouds, shadows and saturated pixels as QA_PIXEL/QA_RADSAT (the simulator
    // flags them in both): the observed areas agree, and some area is masked.
    EXPECT_NEAR(std::stod(rows[i].at("observed_area_km2")), std::stod(landsat.at("observed_area_km2")),
                0.01 * std::stod(landsat.at("observed_area_km2")));
    EXPECT_LT(std::stod(rows[i].at("observed_area_km2")), 0.995 * std::stod(rows[i].at("total_area_km2")));
  }
  EXPECT_EQ(sentinel, 3);
  // JPEG 2000 bands were decoded into temporary GeoTIFFs, which are gone after the run.
  EXPECT_FALSE(fs::exists(dir / "out" / ".tmp" / safe.product_id));
}

TEST(Sentinel2, MissingBandIsNamed) {
  const auto dir = fresh_dir("s2_missing");
  auto o = small_scene(dir / "scenes");
  o.sensor = "sentinel2";
  o.s2_layout = "cog";
  const auto sim = ecomon::simulate_scene(o);
  fs::remove(sim.folder + "/B11.tif");
  const auto zones = write_zones(dir / "z.geojson", {box_feature("z", "zone", 108.91, 40.91, 108.95, 40.94)});
  const auto res = run_cli("run /dev/null --input " + (dir / "scenes").string() + " --zones " + zones + " --out " + (dir / "out").string());
  EXPECT_EQ(res.exit_code, 3) << res.output;
  EXPECT_NE(res.output.find("no file for band B11"), std::string::npos) << res.output;
  EXPECT_NE(res.output.find("product_metadata.xml"), std::string::npos) << res.output;
}
