#pragma once
// Spectral indices and cover models as small functors over surface reflectance (unitless, ~0..1).
// Each names the bands it reads and cites its source. NaN in, NaN out; a zero denominator gives NaN.
#include <algorithm>
#include <cmath>
#include <limits>

namespace geo::index {

inline constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();

inline float normalized_difference(float a, float b) {
  const float s = a + b;
  return s != 0.0f ? (a - b) / s : kNaN;
}

/// NDVI = (NIR - Red) / (NIR + Red). Rouse, Haas, Schell & Deering (1974), "Monitoring vegetation
/// systems in the Great Plains with ERTS", NASA SP-351, 309-317. Landsat 8/9 OLI: B5, B4.
struct Ndvi {
  static constexpr const char* bands = "nir, red";
  float operator()(float nir, float red) const { return normalized_difference(nir, red); }
};

/// MNDWI = (Green - SWIR1) / (Green + SWIR1). Xu (2006), "Modification of normalised difference water
/// index (NDWI) to enhance open water features in remotely sensed imagery", IJRS 27(14), 3025-3033.
/// Landsat 8/9 OLI: B3, B6.
struct Mndwi {
  static constexpr const char* bands = "green, swir1";
  float operator()(float green, float swir1) const { return normalized_difference(green, swir1); }
};

/// MSAVI2 = (2 NIR + 1 - sqrt((2 NIR + 1)^2 - 8 (NIR - Red))) / 2. Qi, Chehbouni, Huete, Kerr &
/// Sorooshian (1994), "A modified soil adjusted vegetation index", Remote Sens. Environ. 48, 119-126.
struct Msavi2 {
  static constexpr const char* bands = "nir, red";
  float operator()(float nir, float red) const {
    const float t = 2.0f * nir + 1.0f;
    const float disc = t * t - 8.0f * (nir - red);
    return disc >= 0.0f ? 0.5f * (t - std::sqrt(disc)) : kNaN;
  }
};

/// EVI = G (NIR - Red) / (NIR + C1 Red - C2 Blue + L), with G = 2.5, C1 = 6, C2 = 7.5, L = 1.
/// Huete, Didan, Miura, Rodriguez, Gao & Ferreira (2002), "Overview of the radiometric and
/// biophysical performance of the MODIS vegetation indices", Remote Sens. Environ. 83, 195-213.
/// Landsat 8/9 OLI: B5, B4, B2. Less saturated than NDVI over dense canopy; the blue band corrects
/// for aerosol.
struct Evi {
  static constexpr const char* bands = "nir, red, blue";
  float operator()(float nir, float red, float blue) const {
    const float d = nir + 6.0f * red - 7.5f * blue + 1.0f;
    return d != 0.0f ? 2.5f * (nir - red) / d : kNaN;
  }
};

/// Shortwave broadband albedo from narrow-band surface reflectance, Liang (2001), "Narrowband to
/// broadband conversions of land surface albedo I: Algorithms", Remote Sens. Environ. 76, 213-238:
/// albedo = 0.356 Blue + 0.130 Red + 0.373 NIR + 0.085 SWIR1 + 0.072 SWIR2 - 0.0018 (TM bands 1, 3,
/// 4, 5, 7; applied to the OLI and MSI bands of the same roles, as is usual for Landsat 8 and
/// Sentinel-2 desertification studies).
struct LiangAlbedo {
  static constexpr const char* bands = "blue, red, nir, swir1, swir2";
  float operator()(float blue, float red, float nir, float swir1, float swir2) const {
    return 0.356f * blue + 0.130f * red + 0.373f * nir + 0.085f * swir1 + 0.072f * swir2 - 0.0018f;
  }
};

/// Desertification difference index of the albedo-NDVI feature space: desertification advances
/// along the direction perpendicular to the line Albedo = k NDVI + b (k < 0) that runs from dense
/// vegetation (dark, green) to bare sand (bright), so DDI = a NDVI - Albedo with a = -1 / k: the
/// higher, the less desertified. Zeng Yongnian, Xiang Nanping, Feng Zhaodong & Hu Hao (2006),
/// "Albedo-NDVI space and remote sensing synthesis index models for desertification monitoring",
/// Scientia Geographica Sinica 26(1), 75-81 (曾永年 等, 地理科学). k is frozen per region so that years
/// compare (config desertification.albedo_ndvi_slope).
struct AlbedoNdviDdi {
  float albedo_ndvi_slope = -0.26f;
  float operator()(float ndvi, float albedo) const {
    if (std::isnan(ndvi) || std::isnan(albedo) || !(albedo_ndvi_slope < 0)) return kNaN;
    return -ndvi / albedo_ndvi_slope - albedo;
  }
};

/// Fractional vegetation cover, dimidiate pixel model: FVC = (NDVI - NDVI_soil) / (NDVI_veg -
/// NDVI_soil), clamped to [0, 1]. Gutman & Ignatov (1998), IJRS 19(8), 1533-1543; as used for China's
/// grasslands by Li Miaomiao et al. (2004), 北京师范大学学报(自然科学版) 40(4).
struct DimidiateFvc {
  float ndvi_soil = 0.05f, ndvi_veg = 0.85f;
  float operator()(float ndvi) const {
    if (std::isnan(ndvi)) return kNaN;
    return std::clamp((ndvi - ndvi_soil) / (ndvi_veg - ndvi_soil), 0.0f, 1.0f);
  }
};

/// Desertification grade from vegetation cover, the cover criterion of sandified-land grading in
/// GB/T 24255-2009 (沙化土地监测技术规程): the sparser the cover, the more severe. Cut points are
/// configuration (desertification.*), defaults 0.60 / 0.40 / 0.25 / 0.10.
enum class DesertGrade : unsigned char { not_graded = 0, none = 1, light = 2, moderate = 3, severe = 4, extreme = 5 };

/// The grade of a value by four descending cut points: at or above `none_min` none, ..., below
/// `severe_min` extreme; NaN is not graded. Both gradings below are this rule on their own value.
inline DesertGrade grade_by_cut_points(float v, float none_min, float light_min, float moderate_min, float severe_min) {
  if (std::isnan(v)) return DesertGrade::not_graded;
  if (v >= none_min) return DesertGrade::none;
  if (v >= light_min) return DesertGrade::light;
  if (v >= moderate_min) return DesertGrade::moderate;
  if (v >= severe_min) return DesertGrade::severe;
  return DesertGrade::extreme;
}

struct DesertGrading {
  float none_min = 0.60f, light_min = 0.40f, moderate_min = 0.25f, severe_min = 0.10f;
  DesertGrade operator()(float fvc) const { return grade_by_cut_points(fvc, none_min, light_min, moderate_min, severe_min); }
};

/// Desertification grade from the DDI, by frozen cut points (config desertification.*_min_ddi):
/// at or above none_min no desertification, ..., below severe_min extreme. Same codes as DesertGrade.
struct DdiGrading {
  float none_min = 1.85f, light_min = 1.20f, moderate_min = 0.70f, severe_min = 0.20f;
  DesertGrade operator()(float ddi) const { return grade_by_cut_points(ddi, none_min, light_min, moderate_min, severe_min); }
};

}  // namespace geo::index
