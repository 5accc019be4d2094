#pragma once
// What both engines accumulate per zone, in m^2 (coverage-weighted, ellipsoidal or equal-area):
// one struct and one merge, so that every indicator (products/indicators.cpp) reads the same fields
// whether it reports one scene or one season.
#include <cstddef>
#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>
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
  double npp_sum = 0, npp_area = 0;        // season, with climate inputs: sum of NPP (g C/m2) x area, and the area with NPP
  std::vector<double> index_sum;           // per index product with an indicator: sum of value x area over land
  std::vector<double> index_area;          // ... and the land area where the index is defined
  std::vector<std::size_t> sample_units;   // season, with a reference sample: the sample units (file order) in the zone
  // season, with a reference sample: by zone (index) of the tally, its observed area by land cover
  // class, so that a unit of several zones is estimated zone by zone (each zone's classes are strata)
  std::map<int, std::array<double, kLandCoverClasses>> class_area_by_zone;

  /// Adds another part of the same zone (another strip, tile, scene or process): sums, the sources
  /// seen (or), the sample units (appended). Field by field through fields().
  void merge(const ZoneTally& o);
  /// The tally as text, one line per field (`name count values...`, numbers as hexadecimal floats so
  /// that a reloaded tally is bit-identical): what a catalog stores and another process merges.
  std::string serialise() const;
  /// A tally from serialise()'s text; throws std::runtime_error naming the line on anything else.
  static ZoneTally parse(const std::string& text);

  /// Every member with its name, once: merge, serialise and parse iterate this list (a member left
  /// out of it fails to compile: zone_tally.cpp checks the sizes add up).
  static constexpr auto fields();

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
  /// Adds an index value over area w to the mean of index slot m (scene: the index products with a
  /// mean column; season: the composites with one).
  void add_index_value(std::size_t m, double value, double w) {
    if (index_sum.size() <= m) index_sum.resize(m + 1, 0), index_area.resize(m + 1, 0);
    index_sum[m] += value * w;
    index_area[m] += w;
  }
};

template <typename Member>
struct TallyField {
  const char* name;
  Member ZoneTally::*member;
};

constexpr auto ZoneTally::fields() {
  auto f = [](const char* name, auto member) { return TallyField<std::remove_reference_t<decltype(std::declval<ZoneTally>().*member)>>{name, member}; };
  return std::make_tuple(f("total_area", &ZoneTally::total_area), f("observed_area", &ZoneTally::observed_area),
                         f("clear_obs_area", &ZoneTally::clear_obs_area), f("land_area", &ZoneTally::land_area),
                         f("fvc_area", &ZoneTally::fvc_area), f("forest_area", &ZoneTally::forest_area),
                         f("forest_phenology_area", &ZoneTally::forest_phenology_area), f("tree_forest_area", &ZoneTally::tree_forest_area),
                         f("shrub_forest_area", &ZoneTally::shrub_forest_area), f("water_area", &ZoneTally::water_area),
                         f("wetland_area", &ZoneTally::wetland_area), f("grade_area", &ZoneTally::grade_area),
                         f("landcover_area", &ZoneTally::landcover_area), f("desertified_area", &ZoneTally::desertified_area),
                         f("grassland_fvc_area", &ZoneTally::grassland_fvc_area), f("shoulder_area", &ZoneTally::shoulder_area),
                         f("phenology_area", &ZoneTally::phenology_area), f("layer_area", &ZoneTally::layer_area),
                         f("grassland_types", &ZoneTally::grassland_types), f("sources_seen", &ZoneTally::sources_seen),
                         f("npp_sum", &ZoneTally::npp_sum), f("npp_area", &ZoneTally::npp_area),
                         f("index_sum", &ZoneTally::index_sum), f("index_area", &ZoneTally::index_area),
                         f("sample_units", &ZoneTally::sample_units), f("class_area_by_zone", &ZoneTally::class_area_by_zone));
}

}  // namespace ecomon
