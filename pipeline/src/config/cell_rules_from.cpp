#include "config/cell_rules_from.hpp"

#include "config/schema.hpp"

namespace ecomon {

// Config keys read here (config/schema.hpp; their table: config/README.md).
namespace {

using namespace config_keys;

// fvc
const ConfigKeys keys_fvc(50, {
    {KEY(fvc, ndvi_soil),
     Kind::number_or_auto,
     "NDVI",
     -1,
     1,
     {},
     "Bare-soil NDVI end-member of the dimidiate pixel model; `auto` takes the scene's `fvc.soil_percentile` of NDVI over clear land."},
    {KEY(fvc, ndvi_veg),
     Kind::number_or_auto,
     "NDVI",
     -1,
     1,
     {},
     "Full-vegetation NDVI end-member; `auto` takes the scene's `fvc.veg_percentile` of NDVI over clear land."},
    {KEY(fvc, soil_percentile), Kind::number, "%", 0, 50, {}, "Percentile used by `fvc.ndvi_soil: auto`."},
    {KEY(fvc, veg_percentile), Kind::number, "%", 50, 100, {}, "Percentile used by `fvc.ndvi_veg: auto`."}
});

// water
const ConfigKeys keys_water(60, {
    {KEY(water, mndwi_min), Kind::number, "MNDWI", -1, 1, {}, "A clear pixel is water when MNDWI exceeds this (Xu 2006 uses 0)."},
    {KEY(water, permanent_min_frequency),
     Kind::number,
     "fraction",
     0,
     1,
     {},
     "Water frequency (wet / clear observations in the season, as Digital Earth Australia's WOfS, Mueller et al. 2016) at or above which "
     "water is permanent."},
    {KEY(water, seasonal_min_frequency),
     Kind::number,
     "fraction",
     0,
     1,
     {},
     "Water frequency at or above which a cell is wetland (seasonal water, or permanent)."},
    {KEY(water, land_max_frequency),
     Kind::number,
     "fraction",
     0,
     1,
     {},
     "Season rule: a cell wet in at least this share of its clear season observations is water, not land: it has no cover, forest or "
     "sandification grade (cells between this and water.permanent_min_frequency count as wetland only)."}
});

// forest
const ConfigKeys keys_forest(70, {
    {KEY(forest, ndvi_min),
     Kind::number,
     "NDVI",
     -1,
     1,
     {},
     "Canopy threshold: clear, non-water pixels at or above it are forest candidates."},
    {KEY(forest, min_patch_ha),
     Kind::number,
     "ha",
     0,
     100,
     {},
     "Minimum forest patch (8-connected, ellipsoidal area). China's forest-resource inventory counts stands from 0.0667 ha (1 mu); "
     "0.5 ha matches the forest definition of FAO's Forest Resources Assessment."},
    {KEY(forest, shoulder_ndvi_min),
     Kind::number,
     "NDVI",
     -1,
     1,
     {},
     "Phenology rule: a forest cell must also reach this NDVI in the spring and autumn windows where it was observed in them; irrigated "
     "crops do not."},
    {KEY(forest, special_shrubland),
     Kind::zone_list,
     "",
     0,
     0,
     {},
     "Zones whose shrubland counts as forest (国家特别规定灌木林地: shrubland of at least forest.shrub_min_cover in counties under 400 "
     "mm "
     "of yearly rain, which is all of Bayannur and Alxa; national forest resource inventory rules): `all`, `none`, or a list of zone "
     "codes (`--set forest.special_shrubland=150822,150825`)."},
    {KEY(forest, shrub_min_cover),
     Kind::number,
     "fraction",
     0,
     1,
     {},
     "Peak-season cover at or above which shrubland (land cover class shrubland) counts as forest in the zones of "
     "forest.special_shrubland; 0.30 is the special-shrubland cover of the national forest resource inventory."}
});

// sandification
const ConfigKeys keys_sandification(80, {
    {KEY(sandification, none_min_fvc), Kind::number, "fraction", 0, 1, {}, "FVC at or above which land is graded 'none'."},
    {KEY(sandification, light_min_fvc),
     Kind::number,
     "fraction",
     0,
     1,
     {},
     "FVC at or above which land is 'light' (GB/T 24255 cover criterion)."},
    {KEY(sandification, moderate_min_fvc), Kind::number, "fraction", 0, 1, {}, "FVC at or above which land is 'moderate'."},
    {KEY(sandification, severe_min_fvc),
     Kind::number,
     "fraction",
     0,
     1,
     {},
     "FVC at or above which land is 'severe'; below is 'extreme'."}
});

// desertification
const ConfigKeys keys_desertification(90, {
    {KEY(desertification, albedo_ndvi_slope),
     Kind::number,
     "albedo per NDVI",
     -10,
     -0.01,
     {},
     "Slope k of the line Albedo = k NDVI + b from dense vegetation to bare sand in the albedo-NDVI space; DDI = -NDVI / k - Albedo "
     "(Zeng et al. 2006). Fit it once on a baseline year of your region and keep it, so that years compare. The default is a line "
     "from bare sand (NDVI 0.05, albedo 0.30) to dense steppe (NDVI 0.75, albedo 0.12)."},
    {KEY(desertification, none_min_ddi),
     Kind::number,
     "DDI",
     -10,
     10,
     {},
     "DDI at or above which natural land is not desertified. The defaults put the grades where the line of "
     "desertification.albedo_ndvi_slope crosses the GB/T 24255 cover cut points (0.60, 0.40, 0.25, 0.10 of cover: NDVI 0.53, "
     "0.37, 0.25, 0.13); freeze your own from a baseline year (natural breaks of its DDI)."},
    {KEY(desertification, light_min_ddi), Kind::number, "DDI", -10, 10, {}, "DDI at or above which land is 'light'."},
    {KEY(desertification, moderate_min_ddi), Kind::number, "DDI", -10, 10, {}, "DDI at or above which land is 'moderate'."},
    {KEY(desertification, severe_min_ddi), Kind::number, "DDI", -10, 10, {}, "DDI at or above which land is 'severe'; below, 'extreme'."}
});

// landcover (the imagery's classes)
const ConfigKeys keys_landcover_rules(111, {
    {KEY(landcover, bare_max_fvc),
     Kind::number,
     "fraction",
     0,
     1,
     {},
     "Land cover from the imagery: land with a peak cover below this is bare (sand, gobi, rock). ecomon's default, below the sparsest "
     "desert steppe; set it from your plots."},
    {KEY(landcover, shrub_min_fvc),
     Kind::number,
     "fraction",
     0,
     1,
     {},
     "Shrubland needs at least this peak cover, and to keep it in spring and autumn (landcover.shrub_min_green_ratio)."},
    {KEY(landcover, shrub_min_green_ratio),
     Kind::number,
     "ratio",
     0,
     2,
     {},
     "Green ratio of a window = its cover over the peak cover. Woody canopies (shrubs, trees) hold their leaves from May to "
     "September: a May ratio at or above this (and a September one, where seen) is shrubland (below the tree canopy threshold); "
     "grass, still greening in May, is not. Without a May observation, September decides (landcover.autumn_reference_radius_m)."},
    {KEY(landcover, crop_min_fvc),
     Kind::number,
     "fraction",
     0,
     1,
     {},
     "Irrigated cropland needs at least this peak cover (Hetao maize and sunflower close their canopy in July-August)."},
    {KEY(landcover, crop_max_green_ratio),
     Kind::number,
     "ratio",
     0,
     2,
     {},
     "Cropland is green only at the peak: sown in May, so its May green ratio is below this; grassland, greening up, lies between "
     "this and landcover.shrub_min_green_ratio."},
    {KEY(landcover, crop_max_autumn_ratio),
     Kind::number,
     "ratio",
     0,
     2,
     {},
     "Cropland is harvested from mid-September (Hetao maize and sunflower): a September green ratio below this is cropland, so a "
     "field whose May scene was clouded is still told from the steppe, which browns slowly (0.8-0.9 of its peak in September)."},
    {KEY(landcover, autumn_reference_radius_m),
     Kind::number,
     "m",
     0,
     20000,
     {},
     "Shrubland where May was not seen (a May cloud over a shrub belt): a cell otherwise grassland, seen in September, is "
     "shrubland when its September green ratio clears a cut set by the cells within this distance (a square window) whose class "
     "May decided, seen on the same September dates and so under the same haze (landcover.shrub_autumn_margin). Each season strip "
     "reads this much more imagery above and below it (only in seasons with both May and September scenes). 0 leaves only the "
     "fixed cut (landcover.shrub_min_autumn_ratio)."},
    {KEY(landcover, autumn_smoothing_radius_m),
     Kind::number,
     "m",
     0,
     5000,
     {},
     "One cell's September ratio is one noisy observation over a noisy peak: about 0.13 from the truth at 60 m, more than the "
     "shrub-grass gap (about 0.1 in mid-September). The ratio a cell whose May was not seen is judged by is the mean over such "
     "cells within this distance (a square window; shrub belts are kilometres wide), so the noise falls with the window's side. "
     "0 judges each cell alone."},
    {KEY(landcover, autumn_reference_min_cells),
     Kind::integer,
     "cells",
     1,
     100000,
     {},
     "May-decided shrubland (or grassland) cells a window needs before their September mean sets the cut "
     "(landcover.autumn_reference_radius_m)."},
    {KEY(landcover, shrub_autumn_margin),
     Kind::number,
     "ratio",
     0,
     1,
     {},
     "Half the September gap between shrubs (about 1 of their peak cover) and the steppe (0.8 by mid-September): the cut lies "
     "midway between the neighbours' shrubland and grassland means when they are at least this far apart (closer, the scene "
     "is too early in September to tell, and the cell stays grassland), this far below the shrubland mean when only shrubland is "
     "near, this far above the grassland mean when only grassland is."},
    {KEY(landcover, shrub_min_autumn_ratio),
     Kind::number,
     "ratio",
     0,
     2,
     {},
     "The last resort where no May-decided cell is near (a cloud wider than the reference window): a September green ratio at or "
     "above this is shrubland. Unlike the relative cut it is moved by the date's haze (0.01 of red reflectance moves a 0.3-cover "
     "ratio by about 0.2) and by the date (grass holds 0.92 of its peak on 1 September, 0.7 at the end of the month). 0 turns it "
     "off: such cells stay grassland."},
    {KEY(landcover, majority_radius),
     Kind::integer,
     "cells",
     0,
     7,
     {},
     "Land cover from the imagery: shrubland and grassland are told apart by one noisy May-over-peak ratio, so each such cell "
     "takes the majority of the shrubland and grassland cells of the (2r+1) x (2r+1) window around it (its own class on a tie; "
     "grassland becomes shrubland only at a peak cover of landcover.shrub_min_fvc or more), before the forest patch rule. "
     "Shrub belts and Caragana patches span many cells; one cell's verdict, wrong in about one cell in ten under sensor noise "
     "and haze, is not. 0 turns it off; the layer's classes (landcover.file) are never changed."}
});

}  // namespace

CellRules cell_rules_from(const Settings& s, double ndvi_soil, double ndvi_veg) {
  CellRules r;
  r.fvc = {float(ndvi_soil), float(ndvi_veg)};
  r.grading = {float(s.sandification.none_min_fvc), float(s.sandification.light_min_fvc), float(s.sandification.moderate_min_fvc),
               float(s.sandification.severe_min_fvc)};
  r.water_mndwi_min = float(s.water.mndwi_min);
  r.forest_ndvi_min = float(s.forest.ndvi_min);
  r.forest_shoulder_ndvi_min = float(s.forest.shoulder_ndvi_min);
  r.land_max_water_frequency = float(s.water.land_max_frequency);
  r.permanent_min_frequency = float(s.water.permanent_min_frequency);
  r.seasonal_min_frequency = float(s.water.seasonal_min_frequency);
  r.min_patch_m2 = s.forest.min_patch_ha * 1e4;
  r.shrub_forest_min_cover = float(s.forest.shrub_min_cover);
  r.bare_max_fvc = float(s.landcover.bare_max_fvc);
  r.shrub_min_fvc = float(s.landcover.shrub_min_fvc);
  r.crop_min_fvc = float(s.landcover.crop_min_fvc);
  r.shrub_min_green_ratio = float(s.landcover.shrub_min_green_ratio);
  r.crop_max_green_ratio = float(s.landcover.crop_max_green_ratio);
  r.crop_max_autumn_ratio = float(s.landcover.crop_max_autumn_ratio);
  r.autumn_reference_min_cells = s.landcover.autumn_reference_min_cells;
  r.shrub_autumn_margin = float(s.landcover.shrub_autumn_margin);
  r.shrub_min_autumn_ratio = float(s.landcover.shrub_min_autumn_ratio);
  r.majority_radius = s.landcover.majority_radius;
  r.ddi = {float(s.desertification.albedo_ndvi_slope)};
  r.ddi_grading = {float(s.desertification.none_min_ddi), float(s.desertification.light_min_ddi),
                   float(s.desertification.moderate_min_ddi), float(s.desertification.severe_min_ddi)};
  return r;
}

}  // namespace ecomon
