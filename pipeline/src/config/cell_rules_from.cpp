#include "config/cell_rules_from.hpp"

namespace ecomon {

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
  r.majority_radius = s.landcover.majority_radius;
  r.ddi = {float(s.desertification.albedo_ndvi_slope)};
  r.ddi_grading = {float(s.desertification.none_min_ddi), float(s.desertification.light_min_ddi),
                   float(s.desertification.moderate_min_ddi), float(s.desertification.severe_min_ddi)};
  return r;
}

}  // namespace ecomon
