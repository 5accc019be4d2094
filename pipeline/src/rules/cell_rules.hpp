#pragma once
// The per-cell rules, one set for both engines: what is water, what cover a cell has, what may be
// forest, what grade a cell gets, and (per season) how often-wet cells are classed. Every threshold
// is a documented config key (config/README.md); a scene is the one-date case of a season.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>

#include "libgeo/indices.hpp"

namespace ecomon {

/// Land cover classes of the yearly LANDCOVER product (and of a user's layer once translated).
enum class LandCover : std::uint8_t {
  unknown = 0,
  tree = 1,
  shrubland = 2,
  grassland = 3,
  cropland = 4,
  water = 5,
  wetland = 6,
  bare = 7,
  built_up = 8,  // from a user's layer only: the imagery rules do not map settlements
};
inline constexpr int kLandCoverClasses = 9;  // codes 0..8
/// The class names used in config (landcover.custom_codes) and legends; "" for unknown.
inline const char* land_cover_name(LandCover c) {
  static const char* const names[kLandCoverClasses] = {"",      "tree",    "shrubland", "grassland", "cropland",
                                                       "water", "wetland", "bare",      "built_up"};
  return names[int(c) < kLandCoverClasses ? int(c) : 0];
}
inline std::optional<LandCover> land_cover_from_name(const std::string& name) {
  for (int c = 1; c < kLandCoverClasses; ++c)
    if (name == land_cover_name(LandCover(c))) return LandCover(c);
  return std::nullopt;
}
/// Natural land, which the sandification grading (GB/T 24255) applies to: not cropland, water, wetland or built-up.
inline bool is_natural_land(LandCover c) {
  return c == LandCover::tree || c == LandCover::shrubland || c == LandCover::grassland || c == LandCover::bare;
}

struct CellRules {
  geo::index::DimidiateFvc fvc;                                             // fvc.ndvi_soil / fvc.ndvi_veg (scene: maybe `auto`)
  geo::index::DesertGrading grading;                                        // sandification.*_min_fvc (GB/T 24255)
  float water_mndwi_min = 0;                                                // water.mndwi_min
  float forest_ndvi_min = 0.6f;                                             // forest.ndvi_min
  float forest_shoulder_ndvi_min = 0.45f;                                   // forest.shoulder_ndvi_min
  float land_max_water_frequency = 0.5f;                                    // water.land_max_frequency
  float permanent_min_frequency = 0.75f, seasonal_min_frequency = 0.25f;    // water.*_min_frequency
  double min_patch_m2 = 5000;                                               // forest.min_patch_ha
  float shrub_forest_min_cover = 0.30f;                                     // forest.shrub_min_cover
  float bare_max_fvc = 0.05f, shrub_min_fvc = 0.15f, crop_min_fvc = 0.40f;  // landcover.*
  float shrub_min_green_ratio = 0.75f, crop_max_green_ratio = 0.30f;        // landcover.*_green_ratio
  float crop_max_autumn_ratio = 0.65f;                                      // landcover.crop_max_autumn_ratio
  int autumn_reference_min_cells = 12;                                      // landcover.autumn_reference_min_cells
  float shrub_autumn_margin = 0.06f, shrub_min_autumn_ratio = 0.90f;        // landcover.shrub_autumn_margin, shrub_min_autumn_ratio
  int majority_radius = 1;                                                  // landcover.majority_radius
  geo::index::AlbedoNdviDdi ddi;                                            // desertification.albedo_ndvi_slope
  geo::index::DdiGrading ddi_grading;                                       // desertification.*_min_ddi

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
  /// Green ratios: the cover of each shoulder window (its maximum NDVI) over the peak cover, NaN
  /// where the window was not observed or there is no peak cover. In May woody canopies already hold
  /// their leaves (about 1), grassland is greening up (about 0.5) and irrigated crops are just sown
  /// (about 0.1); in September shrubs still hold (about 1), the steppe browns slowly (0.8-0.9) and the
  /// Hetao maize and sunflower are being harvested (0.2-0.5).
  struct GreenRatios {
    float spring = std::numeric_limits<float>::quiet_NaN(), autumn = std::numeric_limits<float>::quiet_NaN();
  };
  GreenRatios green_ratios(float peak_cover, bool spring_seen, float spring_ndvi, bool autumn_seen, float autumn_ndvi) const {
    GreenRatios g;
    if (!(peak_cover > 0)) return g;
    if (spring_seen) g.spring = fvc(spring_ndvi) / peak_cover;
    if (autumn_seen) g.autumn = fvc(autumn_ndvi) / peak_cover;
    return g;
  }
  /// The land cover of a season cell (config/README.md, "Land cover from the imagery"): water and
  /// wetland by water frequency; trees by the forest rule; bare below a cover; cropland when green
  /// only at the peak (low in May, or already harvested in September); shrubland when it holds its
  /// cover from May (and through September where seen): May is the window that tells late-greening
  /// grass from shrubs; grassland otherwise (where May was not seen, the season engine asks
  /// shrub_by_autumn next). Without a shoulder window, cropland and shrubland cannot be told from
  /// grassland.
  LandCover land_cover(float water_frequency, bool tree, float peak_cover, GreenRatios g) const {
    if (is_water_by_frequency(water_frequency)) return LandCover::water;
    if (water_class(water_frequency) >= 1) return LandCover::wetland;
    if (tree) return LandCover::tree;
    if (!(peak_cover >= bare_max_fvc)) return LandCover::bare;
    // NaN compares false: an unobserved window decides nothing.
    if (peak_cover >= crop_min_fvc && (g.spring < crop_max_green_ratio || g.autumn < crop_max_autumn_ratio)) return LandCover::cropland;
    if (peak_cover >= shrub_min_fvc && g.spring >= shrub_min_green_ratio && !(g.autumn < shrub_min_green_ratio))
      return LandCover::shrubland;
    return LandCover::grassland;
  }
  /// What the cells around one cell whose class May decided (shrubland or grassland, seen in both
  /// shoulder windows) show in September: how many of each, and the sums of their September ratios.
  /// They were seen on the same September dates as the cell, so under the same residual haze.
  struct AutumnReferences {
    int shrubland = 0, grassland = 0;
    double shrubland_ratio_sum = 0, grassland_ratio_sum = 0;
  };
  /// Shrubland where May was not seen (a May cloud over a shrub belt), for a cell land_cover called
  /// grassland: shrubs hold their leaves into September while the steppe cures (0.8-0.9 of its peak
  /// by mid-September, less later). One September ratio is shifted by that date's haze as much as
  /// the shrub-grass gap (0.01 of red reflectance moves a 0.3-cover ratio by about 0.2), so the cut
  /// is set against the May-decided neighbours seen on the same dates: midway between their
  /// shrubland and grassland means where both are there (and at least shrub_autumn_margin apart: an
  /// early-September scene, before the grass cures, tells nothing); shrub_autumn_margin below the
  /// shrubland mean, or above the grassland mean, where only one is; the fixed
  /// shrub_min_autumn_ratio where neither is (0 turns that last resort off).
  bool shrub_by_autumn(float peak_cover, GreenRatios g, const AutumnReferences& near) const {
    if (!(peak_cover >= shrub_min_fvc) || g.spring == g.spring || !(g.autumn == g.autumn)) return false;
    const int need = std::max(1, autumn_reference_min_cells);
    const bool shrubs = near.shrubland >= need, grass = near.grassland >= need;
    const double shrub_mean = shrubs ? near.shrubland_ratio_sum / near.shrubland : 0;
    const double grass_mean = grass ? near.grassland_ratio_sum / near.grassland : 0;
    double cut;
    if (shrubs && grass) {
      if (shrub_mean - grass_mean < shrub_autumn_margin) return false;
      cut = 0.5 * (shrub_mean + grass_mean);
    } else if (shrubs) {
      cut = shrub_mean - shrub_autumn_margin;
    } else if (grass) {
      cut = grass_mean + shrub_autumn_margin;
    } else {
      if (!(shrub_min_autumn_ratio > 0)) return false;
      cut = shrub_min_autumn_ratio;
    }
    return g.autumn >= cut;
  }
  /// Spatial context for the one decision a single noisy ratio makes: a shrubland or grassland cell
  /// takes the majority of the shrubland and grassland cells of its window (counts include itself),
  /// keeping its own class on a tie; grassland too sparse for shrubland stays grassland. Other
  /// classes are decided by robust quantities (water frequency, canopy NDVI, the crop ratios far
  /// from 1) and are left alone.
  LandCover by_majority(LandCover own, float peak_cover, int shrubland_votes, int grassland_votes) const {
    if (own != LandCover::shrubland && own != LandCover::grassland) return own;
    if (shrubland_votes > grassland_votes && (own == LandCover::shrubland || peak_cover >= shrub_min_fvc)) return LandCover::shrubland;
    if (grassland_votes > shrubland_votes) return LandCover::grassland;
    return own;
  }
  /// Shrubland dense enough to count as forest where designated (forest.special_shrubland).
  bool special_shrub_candidate(LandCover c, float peak_cover) const {
    return c == LandCover::shrubland && peak_cover >= shrub_forest_min_cover;
  }

  /// Water class by frequency: 0 dry, 1 seasonal (wetland), 2 permanent (WOfS classes).
  std::uint8_t water_class(float frequency) const {
    return frequency >= permanent_min_frequency ? 2 : frequency >= seasonal_min_frequency ? 1 : 0;
  }
};

}  // namespace ecomon
