#pragma once
// What both engines accumulate per zone, in m^2 (coverage-weighted, ellipsoidal or equal-area):
// one struct and one merge, so that every indicator (products/indicators.cpp) reads the same fields
// whether it reports one scene or one season.
#include <cstddef>
#include <array>
#include <cstdint>
#include <map>
#include <vector>

#include "libgeo/indices.hpp"
#include "rules/cell_rules.hpp"

namespace ecomon {

struct ZoneTally {
  double total_area = 0;                          // cells with data (scene: not fill; season: some scene's data)
  double observed_area = 0;                       // clear observations (season: at least one in the season)
  double clear_obs_area = 0;                      // season: clear observations x area (for the mean count)
  double land_area = 0;                           // observed, not water
  double fvc_area = 0;                            // sum of FVC x area over land
  double forest_area = 0;                         // forest after the minimum-patch rule (season: trees + designated shrubland)
  double forest_phenology_area = 0;               // season: forest observed in both shoulder windows
  double tree_forest_area = 0;                    // season: forest of trees
  double shrub_forest_area = 0;                   // season: shrubland dense enough to be forest, designated here or not
  double water_area = 0;                          // scene: water; season: permanent water
  double wetland_area = 0;                        // season: water frequency >= the seasonal threshold
  double grade_area[5] = {0, 0, 0, 0, 0};         // sandification grade none..extreme (scene: land; season: natural land)
  double landcover_area[kLandCoverClasses] = {};  // season: observed area by land cover class
  double desertified_area[5] = {0, 0, 0, 0, 0};   // season: DDI desertification grade none..extreme (natural land)
  double grassland_fvc_area = 0;                  // season: sum of FVC x area over grassland
  double shoulder_area = 0;                       // season: observed, and seen in a shoulder window (land cover rules applied)
  double phenology_area = 0;                      // season: observed, and seen in both shoulder windows (forest rule applied)
  double layer_area = 0;                          // season: observed, classed by the user's land cover layer
  // season, with a grassland-type layer: per type code, {grassland area, sum of FVC x area}
  std::map<std::uint16_t, std::array<double, 2>> grassland_types;
  std::vector<std::uint8_t> sources_seen;  // season: per source of the year, 1 when it has data in the zone
  std::vector<double> index_sum;           // per index product with an indicator: sum of value x area over land
  std::vector<double> index_area;          // ... and the land area where the index is defined
  std::vector<std::size_t> sample_units;   // season, with a reference sample: the sample units (file order) in the zone
  // season, with a reference sample: by zone (index) of the tally, its observed area by land cover
  // class, so that a unit of several zones is estimated zone by zone (each zone's classes are strata)
  std::map<int, std::array<double, kLandCoverClasses>> class_area_by_zone;

  void merge(const ZoneTally& o) {
    total_area += o.total_area;
    observed_area += o.observed_area;
    clear_obs_area += o.clear_obs_area;
    land_area += o.land_area;
    fvc_area += o.fvc_area;
    forest_area += o.forest_area;
    forest_phenology_area += o.forest_phenology_area;
    tree_forest_area += o.tree_forest_area;
    shrub_forest_area += o.shrub_forest_area;
    water_area += o.water_area;
    wetland_area += o.wetland_area;
    for (int i = 0; i < 5; ++i) grade_area[i] += o.grade_area[i];
    for (int i = 0; i < kLandCoverClasses; ++i) landcover_area[i] += o.landcover_area[i];
    for (int i = 0; i < 5; ++i) desertified_area[i] += o.desertified_area[i];
    grassland_fvc_area += o.grassland_fvc_area;
    shoulder_area += o.shoulder_area;
    phenology_area += o.phenology_area;
    layer_area += o.layer_area;
    for (const auto& [type, sums] : o.grassland_types) {
      auto& mine = grassland_types[type];
      mine[0] += sums[0], mine[1] += sums[1];
    }
    if (sources_seen.size() < o.sources_seen.size()) sources_seen.resize(o.sources_seen.size(), 0);
    for (std::size_t i = 0; i < o.sources_seen.size(); ++i) sources_seen[i] |= o.sources_seen[i];
    if (index_sum.size() < o.index_sum.size()) index_sum.resize(o.index_sum.size(), 0), index_area.resize(o.index_sum.size(), 0);
    for (std::size_t i = 0; i < o.index_sum.size(); ++i) index_sum[i] += o.index_sum[i], index_area[i] += o.index_area[i];
    sample_units.insert(sample_units.end(), o.sample_units.begin(), o.sample_units.end());
    for (const auto& [zone, areas] : o.class_area_by_zone) {
      auto& mine = class_area_by_zone[zone];
      for (int i = 0; i < kLandCoverClasses; ++i) mine[std::size_t(i)] += areas[std::size_t(i)];
    }
  }
  double landcover(LandCover c) const { return landcover_area[int(c)]; }
  /// Sources (scenes) of the year with data in the zone.
  int sources() const {
    int n = 0;
    for (auto seen : sources_seen) n += seen;
    return n;
  }
  /// Adds land area to its grade's slot (of grade_area or desertified_area); land without a value
  /// (not graded) has no slot.
  static void add_graded(double (&slots)[5], geo::index::DesertGrade grade, double area) {
    const int slot = int(grade) - int(geo::index::DesertGrade::none);
    if (slot >= 0 && slot < 5) slots[slot] += area;
  }
  void add_graded_area(geo::index::DesertGrade grade, double area) { add_graded(grade_area, grade, area); }
};

}  // namespace ecomon
