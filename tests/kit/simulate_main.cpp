// ecomon-simulate: writes a simulated Landsat 8 C2 L2 scene (and its truth) over Bayannur.
#include <CLI/CLI.hpp>

#include <iostream>

#include "simulator.hpp"

int main(int argc, char** argv) {
  CLI::App app{"Simulate a Landsat 8 Collection 2 Level-2 scene over Bayannur, with truth rasters"};
  ecomon::SimulationOptions o;
  app.add_option("output", o.output_dir, "Folder to write the scene folder into")->required();
  app.add_option("--utm-zone", o.utm_zone, "UTM zone (north)")->check(CLI::Range(43, 53));
  app.add_option("--west", o.west, "Western longitude");
  app.add_option("--south", o.south, "Southern latitude");
  app.add_option("--east", o.east, "Eastern longitude");
  app.add_option("--north", o.north, "Northern latitude");
  app.add_option("--pixel", o.pixel_size, "Pixel size in metres (30 for Landsat; coarser for wide demos)")->check(CLI::Range(10.0, 1000.0));
  app.add_option("--date", o.date, "Acquisition date YYYY-MM-DD");
  app.add_option("--path", o.wrs_path, "WRS-2 path");
  app.add_option("--row", o.wrs_row, "WRS-2 row");
  app.add_option("--seed", o.seed, "Random seed");
  app.add_option("--clouds", o.clouds, "Number of clouds");
  app.add_flag("--xml", o.xml_metadata, "Write _MTL.xml instead of _MTL.txt");
  app.add_option("--sensor", o.sensor, "landsat8 or sentinel2")->check(CLI::IsMember({"landsat8", "sentinel2"}));
  app.add_option("--s2-layout", o.s2_layout, "Sentinel-2 layout: safe (JPEG 2000 in a .SAFE) or cog (one GeoTIFF per band)")
      ->check(CLI::IsMember({"safe", "cog"}));
  app.add_option("--s2-baseline", o.s2_baseline, "Sentinel-2 processing baseline (04.00 and later carry BOA_ADD_OFFSET)");
  app.add_option("--grass-trend", o.grass_fvc_trend, "Grassland cover change per year since 2020");
  app.add_option("--river", o.river_file,
                 "River course (lon lat per line, segments separated by blank lines; scripts/extract_hydrography.py)")
      ->check(CLI::ExistingFile);
  app.add_option("--lakes", o.lakes_file, "Lake rings (same format; scripts/extract_hydrography.py)")->check(CLI::ExistingFile);
  CLI11_PARSE(app, argc, argv);
  try {
    const auto s = ecomon::simulate_scene(o);
    std::cout << s.folder << " (" << s.cols << " x " << s.rows << " pixels of " << (o.sensor == "sentinel2" ? 20.0 : o.pixel_size)
              << " m)\n";
  } catch (const std::exception& e) {
    std::cerr << "ecomon-simulate: " << e.what() << "\n";
    return 2;
  }
  return 0;
}
