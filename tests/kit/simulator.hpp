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
#include <vector>

namespace ecomon {

struct SimulationOptions {
  std::string output_dir;                                          // the scene folder is created inside
  int utm_zone = 48;                                               // 48 or 49 for Bayannur
  double west = 107.9, south = 40.6, east = 108.2, north = 40.85;  // lon/lat extent to cover
  double pixel_size = 30;                                          // metres; the demo uses coarser pixels for its wide area (labelled)
  std::string date = "2023-07-20";
  int wrs_path = 129, wrs_row = 32;
  std::uint64_t seed = 1;             // noise, clouds and saturated pixels of this acquisition
  std::uint64_t landscape_seed = 1;   // the ground itself (textures, fields, plantations): fixed across dates
  int clouds = 6;                     // number of cloud cells
  struct LonLatBox {
    double west, south, east, north;
  };
  std::vector<LonLatBox> cloud_boxes;  // besides them, clouds over these boxes (a cloud deck over a chosen place)
  bool xml_metadata = false;          // write _MTL.xml instead of _MTL.txt
  double noise_sigma = 0.006;         // reflectance noise (1 sigma); about 0.015-0.02 of NDVI over sparse cover
  // Residual haze of the atmospheric correction: an offset of this size (1 sigma, in red reflectance;
  // larger in blue, smaller in NIR and SWIR) drawn per acquisition and varying smoothly over ~10 km.
  double haze_sigma = 0;
  // Soil colour varying on the ground (fixed across dates): the soil's red reflectance shifted by
  // this much (1 sigma) over ~300 m, so the bare-soil NDVI varies from place to place.
  double soil_variation = 0;
  double grass_fvc_trend = 0;         // change of grassland cover per year since 2020 (for trend tests)
  // From this year on (0: never), the carbon scenario's land change: desert planted to trees on the
  // Ulan Buh edge, Wula Shan's open grassland planted, a quarter of western Hetao's fields abandoned
  // to grass, western Urad grassland degraded to bare sand.
  int land_change_year = 0;
  std::string sensor = "landsat8";    // landsat8 | sentinel2
  std::string s2_layout = "safe";     // safe | cog (one GeoTIFF per band)
  std::string s2_baseline = "04.00";  // >= 04.00 carries BOA_ADD_OFFSET -1000
  std::string s2_tile = "48TXL";
  std::string river_file;  // a river course (lon lat per line, blank line between segments); "" = the built-in approximate course
  std::string lakes_file;  // lake rings (same format); "" = the built-in Ulansuhai and Nalin ellipses
};

struct SimulatedScene {
  std::string folder, product_id, mtl_path;
  std::string truth_fvc, truth_water, truth_forest;  // GeoTIFFs in the scene grid
  int cols = 0, rows = 0;
};

/// Spectral end-members of the simulator, for tests that set fvc.ndvi_soil / fvc.ndvi_veg to them.
struct SimulatorEndMembers {
  static constexpr double loam_ndvi = 0.12;     // Hetao loam (irrigated cropland)
  static constexpr double steppe_ndvi = 0.077;  // the redder soil of the steppe, shrub belts and Urad (red + 0.02)
  static constexpr double veg_ndvi = 0.84;
};

SimulatedScene simulate_scene(const SimulationOptions& options);

/// Per cell of a truth grid, the share of its 2 x 2 sub-samples that is forest on the official
/// definition (trees of patches >= 0.5 ha, or shrubland of cover >= 0.30), that is grassland, and
/// the sum of cover x share over that grassland; and the cell's land cover as a WorldCover code (a
/// land cover layer a bureau could hand in).
struct TruthShares {
  std::vector<float> official_forest, grassland, grassland_fvc;
  std::vector<std::uint8_t> worldcover;  // the majority cover of the 2 x 2 sub-samples in ESA WorldCover codes (10 tree ... 80 water)
};

/// The truth of the landscape at the peak of the season (15 July of `year`) on any north-up grid
/// (row-major vectors): FVC (water 0), water (majority of 2 x 2 sub-samples), forest.
void simulate_truth(const std::string& grid_crs, double origin_x, double origin_y, double pixel, int cols, int rows, int year,
                    std::uint64_t landscape_seed, double grass_fvc_trend, std::vector<float>& fvc, std::vector<std::uint8_t>& water,
                    std::vector<std::uint8_t>& forest, TruthShares* shares = nullptr, const std::string& river_file = "",
                    const std::string& lakes_file = "", int land_change_year = 0);

/// Monthly climate of `year` over a lon/lat box as a user would hand it to the CASA model: 36
/// GeoTIFFs (WGS84, 0.05 degree) in `dir`, tmp_YYYYMM.tif (mean temperature, C: about -9 in January
/// and 24 in July at Linhe, colder northwards), pre_YYYYMM.tif (precipitation, mm: about 120 a year in
/// the west to 330 in the north-east, most of it in July and August), sol_YYYYMM.tif (solar radiation,
/// MJ/m2: about 6,100 a year). Smooth fields of the region's climate, not observations.
void simulate_climate(const std::string& dir, int year, double west, double south, double east, double north);

/// A reference sample point to label, and its label from the truth: the cell of `pixel` metres of
/// the grid CRS centred on it, as a labeller reads it (the majority cover of its sub-samples in
/// LANDCOVER names, official forest), and whether it is wholly grassland, with its cover (0-1).
struct LabelPoint {
  double lon = 0, lat = 0;
  int year = 2023;
};
struct PointLabel {
  std::string cls;
  bool forest = false, grassland = false;
  double cover = 0;
};
std::vector<PointLabel> label_points(const std::vector<LabelPoint>& points, const std::string& grid_crs, double pixel,
                                     std::uint64_t landscape_seed, double grass_fvc_trend, const std::string& river_file = "",
                                     const std::string& lakes_file = "", int land_change_year = 0);

}  // namespace ecomon
