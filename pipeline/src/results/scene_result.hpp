#pragma once
// What the scene pass produces for one scene, as a typed value: the scene, its zone tallies, its
// end-members, the products written and where its season inputs are. Below the engines, so that
// writers, indicators and a catalog read results without depending on the engine that made them.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "base/fields.hpp"
#include "libgeo/io/vector.hpp"
#include "rules/zone_tally.hpp"
#include "sensors/observation.hpp"

namespace ecomon {

/// Where the scene pass left a scene's season inputs.
struct SeasonInputFiles {
  std::map<std::string, std::string> paths;  // by scene product name (CLEAR and the season's indices: products/index_products.hpp)
  std::vector<std::string> work_files;  // those written to the work folder for the season pass alone (not selected): removed after its year
  /// The path of a product's raster, "" when the scene pass wrote none.
  std::string path(const std::string& product) const {
    const auto p = paths.find(product);
    return p == paths.end() ? std::string() : p->second;
  }
};

struct SceneResult {
  SceneInfo scene;
  std::vector<geo::io::Zone> zones;  // in the scene's CRS
  std::vector<ZoneTally> tallies;    // one per zone
  double ndvi_soil = 0, ndvi_veg = 0;
  std::vector<std::string> products;
  SeasonInputFiles season_inputs;            // what the season pass reads of this scene (paths empty: none written)
  std::uint64_t implausible_pixels = 0;      // clear pixels masked: a band's reflectance implausible
  std::uint64_t undefined_index_pixels = 0;  // clear pixels masked: NDVI or MNDWI undefined (0 / 0)

  /// Every member, as a catalog stores it (base/fields.hpp). Not stored: the zones (the run's, in the
  /// scene's CRS: a reloaded scene takes the run's zones, whose code, name and area are the same) and
  /// the season inputs (work files of the run that made them).
  static constexpr auto fields() {
    return std::make_tuple(field("scene", &SceneResult::scene), field<Storage::derived>("zones", &SceneResult::zones),
                           field("tallies", &SceneResult::tallies), field("ndvi_soil", &SceneResult::ndvi_soil),
                           field("ndvi_veg", &SceneResult::ndvi_veg), field<Storage::path>("products", &SceneResult::products),
                           field<Storage::derived>("season_inputs", &SceneResult::season_inputs),
                           field("implausible_pixels", &SceneResult::implausible_pixels),
                           field("undefined_index_pixels", &SceneResult::undefined_index_pixels));
  }
};

}  // namespace ecomon
