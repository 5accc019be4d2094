#pragma once
// Observation sources: a scene of any sensor, read window by window as OLI-equivalent reflectance of
// the bands asked for when it was opened (sensors/bands.hpp), with a per-pixel state from the
// product's own QA. One folder per sensor holds its metadata parser and its driver.
#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "base/fields.hpp"
#include "libgeo/block.hpp"
#include "libgeo/grid.hpp"
#include "libgeo/indices.hpp"
#include "sensors/bands.hpp"
#include "sensors/radiometry.hpp"

namespace ecomon {

struct SceneInfo {
  std::string id;           // product identifier
  std::string date;         // YYYY-MM-DD
  std::string spacecraft;   // LANDSAT_8, Sentinel-2A, ...
  std::string sensor;       // OLI_TIRS, MSI, ...
  std::string reflectance;  // "SR" (surface) or "TOA" (top of atmosphere)
  std::string path;         // metadata file or product folder
  bool simulated = false;   // the product says it is simulated (Landsat ORIGIN), not an acquisition: every output says so

  /// Every member, as a catalog stores it (base/fields.hpp); the path is stored as it is (outside the workspace).
  static constexpr auto fields() {
    return std::make_tuple(field("id", &SceneInfo::id), field("date", &SceneInfo::date), field("spacecraft", &SceneInfo::spacecraft),
                           field("sensor", &SceneInfo::sensor), field("reflectance", &SceneInfo::reflectance), field("path", &SceneInfo::path),
                           field("simulated", &SceneInfo::simulated));
  }
};

/// The metadata value and report note of every output made from a simulated scene.
inline constexpr const char* kSimulatedNote = "YES: made from SIMULATED scenes (ecomon-simulate), not from acquisitions";

/// What a source says of a pixel: no data (fill, outside the footprint), a clear observation, or
/// masked (cloud, shadow, cirrus, snow, saturation, implausible reflectance).
enum class PixelState : std::uint8_t { no_data = 0, clear = 1, masked = 2 };

/// One window of observations on the source's grid: reflectance of each band the source was opened
/// for (NaN where not clear; an empty block for a band not opened), and the pixel state.
struct ObservationBlock {
  std::array<geo::Block<float>, kBandCount> reflectance;
  geo::Block<PixelState> state;

  ObservationBlock() = default;
  /// Blocks over `window` for `bands`, and a state block filled with `state_value`.
  ObservationBlock(const geo::Window& window, const BandSet& bands, PixelState state_value = PixelState::no_data);
  geo::Block<float>& operator[](Band b) { return reflectance[band_index(b)]; }
  const geo::Block<float>& operator[](Band b) const { return reflectance[band_index(b)]; }
};

class ObservationSource {
 public:
  virtual ~ObservationSource() = default;
  const SceneInfo& info() const { return info_; }
  const geo::Grid& grid() const { return grid_; }
  /// The bands read() returns.
  const BandSet& bands() const { return bands_; }
  /// Reads `window` of the source grid. Not thread-safe (GDAL datasets): call from one thread.
  /// A clear pixel with an implausible reflectance (radiometry.hpp) is returned masked and counted.
  virtual ObservationBlock read(const geo::Window& window) = 0;
  /// Pixels masked so far because a band's reflectance was implausible (every read counts).
  std::uint64_t implausible_pixels() const { return implausible_; }

 protected:
  /// Stores one pixel of `o`: its state from the product's own flags (`nodata`, `excluded` by the
  /// QA) and from its reflectances `rho` (of `roles`, in order), a clear pixel with an implausible
  /// one masked and counted; the reflectances where clear, NaN elsewhere.
  void store_pixel(ObservationBlock& o, int r, int c, bool nodata, bool excluded, const std::vector<Band>& roles, const float* rho) {
    bool plausible = true;
    for (std::size_t k = 0; k < roles.size(); ++k) plausible = plausible && plausible_reflectance(rho[k]);
    const bool counted_implausible = !nodata && !excluded && !plausible;
    implausible_ += counted_implausible;
    const PixelState state = nodata ? PixelState::no_data : (excluded || counted_implausible) ? PixelState::masked : PixelState::clear;
    o.state.at(r, c) = state;
    for (std::size_t k = 0; k < roles.size(); ++k) o[roles[k]].at(r, c) = state == PixelState::clear ? rho[k] : geo::index::kNaN;
  }

  SceneInfo info_;
  geo::Grid grid_;
  BandSet bands_;
  std::uint64_t implausible_ = 0;
};

struct SensorDriver;
struct FoundScene {
  const SensorDriver* driver = nullptr;  // the driver that recognised it (sensors/sensor_driver.hpp)
  std::string path;
};
/// Something under the input that looks like a scene (or is part of the input tree) but cannot be
/// read: reported in the log and scene_status.csv, and the run ends with exit code 3.
struct InputProblem {
  std::string path, message;  // message names the path and the reason
  bool operator<(const InputProblem& o) const { return path < o.path; }
};
struct Discovery {
  std::vector<FoundScene> scenes;  // sorted by path
  std::vector<InputProblem> problems;
};
/// Every scene under `input` (a folder, or one .tar / .zip), Landsat and Sentinel-2, as the paths the
/// openers take, in one walk: Landsat folders with *_MTL.txt / *_MTL.xml (any case; the .txt wins) and
/// .tar / .tar.gz archives of them; Sentinel-2 L2A .SAFE folders, their .zip, and folders of band
/// GeoTIFFs with MTD_MSIL2A.xml or product_metadata.xml. Folders reached twice through symbolic links
/// are walked once. What cannot be read is a problem, not a stop: a folder that cannot be listed, a
/// symbolic link loop, band files without their metadata, a truncated or foreign archive, a Level-1C
/// product. Throws SceneError only when `input` itself does not exist.
Discovery discover_scenes(const std::string& input);

/// A scene's identity and grid, without decoding any pixel (JPEG 2000: headers only).
struct SceneProbe {
  SceneInfo info;
  geo::Grid grid;
};
SceneProbe probe_scene(const FoundScene& found);

/// Opens any found scene for `bands` (only those files are opened and read). Temporary decoded
/// bands (JPEG 2000) go under `work_dir` and are removed with the source.
std::unique_ptr<ObservationSource> open_scene(const FoundScene& found, const std::string& work_dir, const BandSet& bands);

}  // namespace ecomon
