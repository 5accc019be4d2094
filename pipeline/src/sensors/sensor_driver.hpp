#pragma once
// Sensor drivers register themselves (one folder per sensor, as PDAL's stages do): how to recognise
// the sensor's products in a folder listing, how to probe one without decoding pixels, and how to
// open one for a set of bands. discover_scenes() walks the input once and asks every driver about
// every folder; probe_scene() and open_scene() go to the driver that found the scene. A new sensor
// is its folder (metadata parser, driver) and a line in pipeline/CMakeLists.txt.
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "sensors/observation.hpp"

namespace ecomon {

/// One folder of the input, as the walker lists it (names only, sorted).
struct FolderListing {
  std::string path;
  std::vector<std::string> files, folders;
};

/// What a driver says about a folder: scenes it found, problems, and folders it claims as its own
/// products (the walker does not descend into them). `whole_folder` claims the folder itself.
struct Recognised {
  std::vector<std::string> scenes;  // paths its probe/open take
  std::vector<InputProblem> problems;
  std::vector<std::string> claimed_folders;
  bool whole_folder = false;
};

struct SensorDriver {
  std::string name;  // "landsat", "sentinel2": also the order drivers are asked in
  std::function<Recognised(const FolderListing&)> recognise;
  /// For an input given as one file (a .tar, a .zip): the scenes in it, or nothing if not this sensor's.
  std::function<Recognised(const std::string& file)> recognise_file;
  std::function<SceneProbe(const std::string& path)> probe;
  std::function<std::unique_ptr<ObservationSource>(const std::string& path, const std::string& work_dir, const BandSet& bands)> open;
  std::string inputs;  // what its products look like under the input, for the user ("Landsat (... *_MTL.txt ...)")
  /// The band roles its products carry: a product needing a role the sensor lacks is skipped for its
  /// scenes (products/index_products.hpp); the roles the per-cell rules read are required.
  BandSet bands{Band::blue, Band::green, Band::red, Band::nir, Band::swir1, Band::swir2};
};

struct SensorDriverRegistration {
  explicit SensorDriverRegistration(SensorDriver driver);
};

/// Every registered driver, by name.
const std::vector<const SensorDriver*>& sensor_drivers();

/// What every driver looks for under the input, joined ("Landsat (...); Sentinel-2 L2A (...); ..."):
/// the messages that tell a user what ecomon reads list the registry, not a hand-kept text.
std::string sensor_inputs_text();

/// Case-insensitive suffix test, for file names.
bool iends_with(const std::string& s, const std::string& suffix);

}  // namespace ecomon
