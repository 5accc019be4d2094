#pragma once
// One cell of a season as the season engine's per-cell program leaves it (engine/season_engine.cpp):
// the composites of the season's indices, the water frequency, the cover, the final land cover and
// forest after the patch rule. Each season product (products/season_products.cpp) reads its value
// from here, and declares what a cell adds to its zone's tallies; the engine calls them all alike.
#include <cstdint>
#include <limits>

#include "rules/cell_rules.hpp"

namespace ecomon {

struct SeasonCell {
  const CellRules* rules = nullptr;
  bool has_data = false;         // some scene of the year has data here (else nothing else is set)
  int clear_count = 0;           // clear observations in the peak season (0: the cell has data, none clear)
  const float* at_peak = nullptr;  // by season index slot: the value on the date of the peak NDVI (NaN: undefined there)
  const float* median = nullptr;   // by season index slot: the median over the season (NaN: none)
  float water_frequency = 0;     // wet / clear observations in the season
  float fvc = 0;                 // cover at the peak (0 over water)
  LandCover land_cover = LandCover::unknown;  // the final class (after the minimum-patch rule)
  std::uint8_t forest = 0;       // 1 trees, 2 shrubland dense enough to be forest, 0 neither (after the patch rule)
  int shoulders = 0;             // shoulder windows (spring, autumn) with a clear observation
  bool by_layer = false;         // the class is the user's land cover layer's
  bool has_grassland_types = false;  // a grassland-type layer is given
  std::uint16_t grassland_type = 0;  // ... and its code here
  float npp = std::numeric_limits<float>::quiet_NaN();  // the year's CASA NPP, g C/m2 (NaN: no climate inputs or no data)

  bool is_land() const { return !rules->is_water_by_frequency(water_frequency); }
};

/// One cell as the zone tallies read it: decoded from the season products' stored values alone
/// (stored_cells(), products/season_products.cpp), never from the per-cell program's state, so that
/// a tally made later from the rasters on disk (a polygon query, a re-tally of a year) equals the
/// run's own, value for value.
struct StoredCell {
  bool has_data = false;             // CLEAR_COUNT has a value (some scene of the year has data here)
  int clear_count = 0;               // CLEAR_COUNT
  bool land = false;                 // not water by WATER_FREQUENCY (water.land_max_frequency)
  float fvc = 0;                     // FVC's value (its code x kFvcScale; 0 over water)
  int shoulders = 0;                 // SHOULDER_WINDOWS
  bool by_layer = false;             // LANDCOVER_SOURCE is 1 (the user's land cover layer)
  bool has_grassland_types = false;  // GRASSLAND_TYPE is stored (a grassland-type layer was given)
  std::uint16_t grassland_type = 0;  // ... and its value here

  bool is_land() const { return land; }
};

/// What a zone tells a season product's tally beyond the cell.
struct SeasonZone {
  bool shrubland_is_forest = false;  // the zone's dense shrubland is forest (forest.special_shrubland)
};

}  // namespace ecomon
