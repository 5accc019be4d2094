#pragma once
// Observation sources: a scene of any sensor, read window by window as OLI-equivalent reflectance of
// the four bands ecomon's products use, with a per-pixel state from the product's own QA.
#include <memory>
#include <string>
#include <vector>

#include "landsat.hpp"
#include "libgeo/block.hpp"
#include "libgeo/grid.hpp"

namespace ecomon {

struct SceneInfo {
  std::string id;          // product identifier
  std::string date;        // YYYY-MM-DD
  std::string spacecraft;  // LANDSAT_8, Sentinel-2A, ...
  std::string sensor;      // OLI_TIRS, MSI, ...
  std::string reflectance; // "SR" (surface) or "TOA" (top of atmosphere)
  std::string path;        // metadata file or product folder
};

enum PixelState : std::uint8_t { no_data = 0, clear = 1, masked = 2 };

/// One window of observations on the source's grid.
struct ObservationBlock {
  geo::Block<float> green, red, nir, swir1;  // reflectance (NaN where not clear)
  geo::Block<std::uint8_t> state;            // PixelState
};

class ObservationSource {
 public:
  virtual ~ObservationSource() = default;
  const SceneInfo& info() const { return info_; }
  const geo::Grid& grid() const { return grid_; }
  /// Reads `window` of the source grid. Not thread-safe (GDAL datasets): call from one thread.
  virtual ObservationBlock read(const geo::Window& window) = 0;

 protected:
  SceneInfo info_;
  geo::Grid grid_;
};

/// A Landsat scene (C2 L2 surface reflectance or C1 L1 TOA). Opens and checks every band.
std::unique_ptr<ObservationSource> open_landsat(const Scene& scene);

/// A Sentinel-2 L2A product: a .SAFE folder, its .zip, or a folder of per-band GeoTIFFs with the
/// product's MTD_MSIL2A.xml (or product_metadata.xml). JPEG 2000 bands are decoded once, into
/// tiled ZSTD GeoTIFFs under `work_dir`, which the source deletes when destroyed.
std::unique_ptr<ObservationSource> open_sentinel2(const std::string& product, const std::string& work_dir);

/// Every scene under `input`, Landsat and Sentinel-2, as the paths the openers take, sorted.
struct FoundScene {
  enum class Kind { landsat, sentinel2 } kind;
  std::string path;
};
std::vector<FoundScene> find_scenes(const std::string& input);

/// A scene's identity and grid, without decoding any pixel (JPEG 2000: headers only).
struct SceneProbe {
  SceneInfo info;
  geo::Grid grid;
};
SceneProbe probe_scene(const FoundScene& found);

/// Opens any found scene.
std::unique_ptr<ObservationSource> open_scene(const FoundScene& found, const std::string& work_dir);

}  // namespace ecomon
