#include "rules/casa.hpp"

#include <algorithm>
#include <cmath>

namespace ecomon::casa {

ClassParameters parameters_of(LandCover c) {
  // Zhu, Pan & Zhang (2007), Table 1: NDVI 5% 0.023 for every class; NDVI and SR at 95% and
  // epsilon_max by class (deciduous broadleaf forest 0.747 / 6.91 / 0.692; shrubland 0.636 / 4.49 /
  // 0.429; grassland and cropland 0.634 / 4.46 / 0.542).
  switch (c) {
    case LandCover::tree:
      return {0.023f, 0.747f, 1.05f, 6.91f, 0.692f};
    case LandCover::shrubland:
      return {0.023f, 0.636f, 1.05f, 4.49f, 0.429f};
    case LandCover::grassland:
    case LandCover::cropland:
    case LandCover::wetland:
      return {0.023f, 0.634f, 1.05f, 4.46f, 0.542f};
    default:
      return {0.023f, 0.634f, 1.05f, 4.46f, 0.0f};
  }
}

float fpar(float ndvi, const ClassParameters& p) {
  constexpr float kMin = 0.001f, kMax = 0.95f;
  const float sr = (1 + ndvi) / (1 - ndvi);
  const float by_ndvi = (ndvi - p.ndvi_min) / (p.ndvi_max - p.ndvi_min) * (kMax - kMin) + kMin;
  const float by_sr = (sr - p.sr_min) / (p.sr_max - p.sr_min) * (kMax - kMin) + kMin;
  return std::clamp(0.5f * (by_ndvi + by_sr), kMin, kMax);
}

float temperature_stress_1(float t_opt, float t) {
  if (t <= -10) return 0;
  return 0.8f + 0.02f * t_opt - 0.0005f * t_opt * t_opt;
}

namespace {
float t2_raw(float t_opt, float t) {
  return 1.1814f / (1 + std::exp(0.2f * (t_opt - 10 - t))) / (1 + std::exp(0.3f * (-t_opt - 10 + t)));
}
}  // namespace

float temperature_stress_2(float t_opt, float t) {
  if (t - t_opt > 10 || t - t_opt < -13) return 0.5f * t2_raw(t_opt, t_opt);
  return t2_raw(t_opt, t);
}

Thornthwaite::Thornthwaite(const std::array<float, 12>& monthly_t) {
  for (float t : monthly_t)
    if (t > 0) heat_index += std::pow(double(t) / 5, 1.514);
  const double i = heat_index;
  exponent = 6.75e-7 * i * i * i - 7.71e-5 * i * i + 1.792e-2 * i + 0.49239;
}

double Thornthwaite::potential(float t) const {
  if (!(t > 0) || !(heat_index > 0)) return 0;
  return 16 * std::pow(10 * double(t) / heat_index, exponent);
}

float water_stress(float p, double ep0, float t) {
  if (!(t > 0) || !(ep0 > 0)) return 0.5f;
  if (!(p > 0)) return 0.5f;  // no rain: no actual evapotranspiration, E / Ep = 0
  const double rn = std::sqrt(ep0 * p) * (0.369 + 0.598 * std::sqrt(ep0 / p));
  const double e = p * rn * (p * p + rn * rn + p * rn) / ((p + rn) * (p * p + rn * rn));
  const double ep = (e + ep0) / 2;
  return float(0.5 + 0.5 * std::min(1.0, e / ep));
}

void fill_monthly_gaps(std::array<float, 12>& ndvi) {
  int last = -1;
  for (int m = 0; m < 12; ++m) {
    if (!std::isfinite(ndvi[std::size_t(m)])) continue;
    if (last >= 0 && m - last > 1)
      for (int k = last + 1; k < m; ++k)
        ndvi[std::size_t(k)] = ndvi[std::size_t(last)] + (ndvi[std::size_t(m)] - ndvi[std::size_t(last)]) * float(k - last) / float(m - last);
    last = m;
  }
}

float monthly_npp(float ndvi, float sol, float t, float t_opt, float w, const ClassParameters& p) {
  if (!(p.epsilon_max > 0) || !std::isfinite(ndvi)) return 0;
  const float apar = sol * fpar(ndvi, p) * 0.5f;
  const float epsilon = temperature_stress_1(t_opt, t) * temperature_stress_2(t_opt, t) * w * p.epsilon_max;
  return apar * epsilon;
}

float annual_npp(const std::array<float, 12>& ndvi, const std::array<float, 12>& t, const std::array<float, 12>& p,
                 const std::array<float, 12>& sol, LandCover c) {
  for (std::size_t m = 0; m < 12; ++m)
    if (!std::isfinite(t[m]) || !std::isfinite(p[m]) || !std::isfinite(sol[m])) return std::nanf("");
  const ClassParameters par = parameters_of(c);
  // Topt: the temperature of the month of the highest NDVI.
  std::size_t peak = 0;
  for (std::size_t m = 1; m < 12; ++m)
    if (std::isfinite(ndvi[m]) && (!std::isfinite(ndvi[peak]) || ndvi[m] > ndvi[peak])) peak = m;
  const float t_opt = t[peak];
  const Thornthwaite th(t);
  float total = 0;
  for (std::size_t m = 0; m < 12; ++m)
    total += monthly_npp(ndvi[m], sol[m], t[m], t_opt, water_stress(p[m], th.potential(t[m]), t[m]), par);
  return total;
}

}  // namespace ecomon::casa
