#pragma once
// A deterministic Landsat 8 Collection 2 Level-2 scene simulator over Bayannur's real geography
// (Yellow River, Hetao cropland, Ulansuhai, Ulan Buh desert edge, Wula Shan forest, Urad grassland),
// with clouds, dilated-cloud rings, shadows, snow and saturated pixels flagged as USGS flags them,
// and the truth it simulated (FVC, water, forest) written beside it for accuracy tests.
//
// Surface reflectance is a linear mixture of a soil and a vegetation spectrum by the true FVC (the
// dimidiate model's own assumption), with soil colour varying by region and Gaussian sensor noise.
#include <cstdint>
#include <string>

namespace ecomon {

struct SimulationOptions {
  std::string output_dir;       // the scene folder is created inside
  int utm_zone = 48;            // 48 or 49 for Bayannur
  double west = 107.9, south = 40.6, east = 108.2, north = 40.85;  // lon/lat extent to cover
  double pixel_size = 30;       // metres; the demo uses coarser pixels for its wide area (labelled)
  std::string date = "2023-07-20";
  int wrs_path = 129, wrs_row = 32;
  std::uint64_t seed = 1;
  int clouds = 6;               // number of cloud cells
  bool xml_metadata = false;    // write _MTL.xml instead of _MTL.txt
  double noise_sigma = 0.006;   // reflectance noise (1 sigma)
};

struct SimulatedScene {
  std::string folder, product_id, mtl_path;
  std::string truth_fvc, truth_water, truth_forest;  // GeoTIFFs in the scene grid
  int cols = 0, rows = 0;
};

/// Spectral end-members of the simulator, for tests that set fvc.ndvi_soil / fvc.ndvi_veg to them.
struct SimulatorEndMembers {
  static constexpr double loam_ndvi = 0.12;   // Hetao loam / grassland soil
  static constexpr double veg_ndvi = 0.84;
};

SimulatedScene simulate_scene(const SimulationOptions& options);

}  // namespace ecomon
