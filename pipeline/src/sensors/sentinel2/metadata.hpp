#pragma once
// Sentinel-2 L2A product metadata (MTD_MSIL2A.xml, or the product_metadata.xml of a per-band GeoTIFF
// delivery): a pure parser, text in, description out, so that it can be tested on hand-written text
// and fuzzed; and the resolution of band files inside a product folder.
#include <array>
#include <string>
#include <vector>

#include "sensors/bands.hpp"
#include "sensors/observation.hpp"

namespace ecomon {

/// A band role's file in the product: ESA band name, band_id in BOA_ADD_OFFSET, native resolution.
struct Sentinel2Band {
  const char* name;
  int band_id;
  int resolution_m;
};
/// By role: blue B02, green B03, red B04 (10 m); NIR B8A (the narrow NIR band HLS matches to OLI's
/// NIR), SWIR1 B11, SWIR2 B12 (20 m).
inline constexpr std::array<Sentinel2Band, kBandCount> kSentinel2Bands = {
    {{"B02", 1, 10}, {"B03", 2, 10}, {"B04", 3, 10}, {"B8A", 8, 20}, {"B11", 11, 20}, {"B12", 12, 20}}};

struct Sentinel2Metadata {
  SceneInfo info;                          // id (checked against the naming convention), date (ISO 8601), spacecraft
  std::string baseline;                    // PROCESSING_BASELINE
  float quantification = 10000;            // BOA_QUANTIFICATION_VALUE
  std::array<float, kBandCount> offset{};  // BOA_ADD_OFFSET by role (0 before baseline 04.00)
  std::vector<std::string> image_files;    // IMAGE_FILE entries (SAFE layout), relative, without .jp2
};

/// Parses the metadata text. `path` names the file in errors (SceneError naming file and key).
Sentinel2Metadata parse_sentinel2_metadata(const std::string& text, const std::string& path);

/// A product on disk: its metadata and the files of `bands` and of the SCL.
struct Sentinel2Product {
  Sentinel2Metadata metadata;
  std::string metadata_path;
  std::array<std::string, kBandCount> band_files;  // "" for bands not asked for
  std::string scl_file;
};
/// Reads `product` (a .SAFE folder, possibly inside /vsizip/, or a folder of band GeoTIFFs).
Sentinel2Product describe_sentinel2(const std::string& product, const BandSet& bands);

}  // namespace ecomon
