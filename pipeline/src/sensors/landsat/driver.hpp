#pragma once
// The Landsat driver: Collection 2 Level-2 surface reflectance (QA_PIXEL, QA_RADSAT) and Collection 1
// Level-1 top-of-atmosphere (BQA), from the MTL (mtl.hpp).
#include <memory>

#include "sensors/landsat/mtl.hpp"
#include "sensors/observation.hpp"

namespace ecomon {

/// Opens the files of `bands` and the QA bands of a scene, checking they share one grid.
std::unique_ptr<ObservationSource> open_landsat(const Scene& scene, const BandSet& bands);
/// Identity and grid from the MTL and the red band's header.
SceneProbe probe_landsat(const std::string& mtl_path);

}  // namespace ecomon
