#pragma once
// The per-cell rules, one set for both engines: what is water, what cover a cell has, what may be
// forest, what grade a cell gets, and (per season) how often-wet cells are classed. Every threshold
// is a documented config key (config/README.md); a scene is the one-date case of a season.
#include <cstdint>

#include "config/settings.hpp"
#include "libgeo/indices.hpp"

namespace ecomon {

struct CellRules {
  geo::index::DimidiateFvc fvc;                                           // fvc.ndvi_soil / fvc.ndvi_veg (scene: maybe `auto`)
  geo::index::DesertGrading grading;                                      // desertification.*_min_fvc
  float water_mndwi_min = 0;                                              // water.mndwi_min
  float forest_ndvi_min = 0.6f;                                           // forest.ndvi_min
  float forest_shoulder_ndvi_min = 0.45f;                                 // forest.shoulder_ndvi_min
  float land_max_water_frequency = 0.5f;                                  // water.land_max_frequency
  float permanent_min_frequency = 0.75f, seasonal_min_frequency = 0.25f;  // water.*_min_frequency
  double min_patch_m2 = 5000;                                             // forest.min_patch_ha

  /// The rules of `s`, with the FVC end-members given (a scene's `auto` ones, or a year's).
  static CellRules from(const Settings& s, double ndvi_soil, double ndvi_veg) {
    CellRules r;
    r.fvc = {float(ndvi_soil), float(ndvi_veg)};
    r.grading = {float(s.desertification.none_min_fvc), float(s.desertification.light_min_fvc), float(s.desertification.moderate_min_fvc), float(s.desertification.severe_min_fvc)};
    r.water_mndwi_min = float(s.water.mndwi_min);
    r.forest_ndvi_min = float(s.forest.ndvi_min);
    r.forest_shoulder_ndvi_min = float(s.forest.shoulder_ndvi_min);
    r.land_max_water_frequency = float(s.water.land_max_frequency);
    r.permanent_min_frequency = float(s.water.permanent_min_frequency);
    r.seasonal_min_frequency = float(s.water.seasonal_min_frequency);
    r.min_patch_m2 = s.forest.min_patch_ha * 1e4;
    return r;
  }

  /// Open water in one observation: MNDWI above the threshold (Xu 2006).
  bool is_water(float mndwi) const { return mndwi > water_mndwi_min; }
  /// A season cell is water, not land, when wet in at least this share of its clear observations.
  bool is_water_by_frequency(float frequency) const { return frequency >= land_max_water_frequency; }
  /// Water is not vegetation: its cover is 0 whatever its NDVI (algae, shallow margins).
  float cover(float ndvi, bool water) const { return water ? 0.0f : fvc(ndvi); }
  /// Forest candidate before the minimum-patch rule: land, canopy NDVI at the peak, and (per season)
  /// green in the spring and autumn windows where it was observed then (irrigated crops are not).
  bool forest_candidate(float peak_ndvi, bool water, bool shoulders_green = true) const {
    return !water && peak_ndvi >= forest_ndvi_min && shoulders_green;
  }
  bool shoulder_green(bool seen, float ndvi) const { return !seen || ndvi >= forest_shoulder_ndvi_min; }
  /// Land is graded by cover (GB/T 24255 criterion); water is not graded.
  geo::index::DesertGrade grade(float cover_value, bool water) const {
    return water ? geo::index::DesertGrade::not_graded : grading(cover_value);
  }
  /// Water class by frequency: 0 dry, 1 seasonal (wetland), 2 permanent (WOfS classes).
  std::uint8_t water_class(float frequency) const {
    return frequency >= permanent_min_frequency ? 2 : frequency >= seasonal_min_frequency ? 1 : 0;
  }
};

}  // namespace ecomon
