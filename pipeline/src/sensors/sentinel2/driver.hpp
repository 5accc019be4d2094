#pragma once
// The Sentinel-2 L2A driver: a .SAFE folder, its .zip, or a folder of per-band GeoTIFFs with the
// product's metadata. JPEG 2000 bands are decoded once, into tiled ZSTD GeoTIFFs under the work
// folder, which the source deletes when destroyed. Reflectance is adjusted to Landsat 8 OLI (HLS).
#include <memory>
#include <string>

#include "sensors/observation.hpp"

namespace ecomon {

std::unique_ptr<ObservationSource> open_sentinel2(const std::string& product, const std::string& work_dir, const BandSet& bands);
/// Identity and the 10 m grid, from the metadata and the green band's header (no pixel decoded).
SceneProbe probe_sentinel2(const std::string& product);

}  // namespace ecomon
