#pragma once
// Net primary productivity by the CASA light-use-efficiency model (Potter, Randerson, Field et al.
// 1993, Global Biogeochemical Cycles 7:811-841), in the parameterisation for China's vegetation of
// Zhu Wenquan, Pan Yaozhong & Zhang Jinshui (2007), Journal of Plant Ecology (Chinese) 31:413-424:
//   NPP = APAR x epsilon                     (g C/m2 per month)
//   APAR = SOL x FPAR x 0.5                  (SOL: total solar radiation, MJ/m2 per month; half is PAR)
//   FPAR = (FPAR_NDVI + FPAR_SR) / 2, each a linear stretch between the class's 5% and 95% values
//          (FPAR from 0.001 to 0.95), SR = (1 + NDVI) / (1 - NDVI)
//   epsilon = T1 x T2 x W x epsilon_max      (epsilon_max by vegetation class, g C/MJ)
//   T1 = 0.8 + 0.02 Topt - 0.0005 Topt^2     (0 in a month of mean temperature <= -10 C)
//   T2 = 1.1814 / (1 + exp(0.2 (Topt - 10 - T))) / (1 + exp(0.3 (-Topt - 10 + T))); when T is more than
//        10 C above or 13 C below Topt, half of T2 at T = Topt
//   W = 0.5 + 0.5 E / Ep: E the regional actual evapotranspiration (Zhou & Zhang 1995),
//        E = P Rn (P^2 + Rn^2 + P Rn) / ((P + Rn)(P^2 + Rn^2)), Rn = sqrt(Ep0 P) (0.369 + 0.598 sqrt(Ep0 / P)),
//        Ep = (E + Ep0) / 2, Ep0 the Thornthwaite (1948) potential evapotranspiration
//        Ep0 = 16 (10 T / I)^a mm (T > 0), I = sum over the year's months of (T / 5)^1.514, a cubic in I.
// Topt is the mean temperature of the month of the year's highest NDVI. A month with T <= 0 has
// W = 0.5 (no water limitation is computed for frozen months; T1 and T2 keep them small anyway).
#include <array>

#include "rules/cell_rules.hpp"

namespace ecomon::casa {

/// One class's parameters (Zhu et al. 2007, Table 1): the NDVI and SR of 5% and 95% FPAR, and the
/// maximum light-use efficiency.
struct ClassParameters {
  float ndvi_min = 0.023f, ndvi_max = 0.634f;
  float sr_min = 1.05f, sr_max = 4.46f;
  float epsilon_max = 0.542f;  // g C/MJ
};

/// The parameters of a LANDCOVER class (tree as deciduous broadleaf forest, the Hetao shelterbelts'
/// poplar and willow; shrubland; grassland; cropland; wetland as grassland); water, bare land and
/// built-up have no vegetation (epsilon_max 0).
ClassParameters parameters_of(LandCover c);

/// FPAR from NDVI (the mean of the NDVI and SR stretches), in [0.001, 0.95].
float fpar(float ndvi, const ClassParameters& p);
/// The temperature stress scalars for a month of mean temperature `t` (C), the year's `t_opt`.
float temperature_stress_1(float t_opt, float t);
float temperature_stress_2(float t_opt, float t);
/// Thornthwaite's heat index I and exponent a from the year's 12 monthly mean temperatures.
struct Thornthwaite {
  double heat_index = 0, exponent = 0;
  explicit Thornthwaite(const std::array<float, 12>& monthly_t);
  /// Potential evapotranspiration of a month of mean temperature t, mm (0 when t <= 0 or I = 0).
  double potential(float t) const;
};
/// The water stress scalar of a month: precipitation p (mm), Thornthwaite's potential ep0 (mm), t (C).
float water_stress(float p, double ep0, float t);

/// One cell's year: monthly NDVI (NaN: none), mean temperature (C), precipitation (mm) and solar
/// radiation (MJ/m2), and its class. Returns the year's NPP, g C/m2 (NaN when a month's climate is missing).
float annual_npp(const std::array<float, 12>& ndvi, const std::array<float, 12>& t, const std::array<float, 12>& p,
                 const std::array<float, 12>& sol, LandCover c);

/// Fills the months between two months with an NDVI linearly (a month without a clear scene between
/// two with one); months before the first and after the last keep NaN: no production is counted
/// there (give scenes from spring to autumn for the whole growing season).
void fill_monthly_gaps(std::array<float, 12>& ndvi);

/// The NPP of one month, given the stress scalars' inputs (for hand-computed tests).
float monthly_npp(float ndvi, float sol, float t, float t_opt, float w, const ClassParameters& p);

}  // namespace ecomon::casa
