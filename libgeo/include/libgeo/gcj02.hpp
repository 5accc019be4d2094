#pragma once
// GCJ-02 ("Mars coordinates", the obfuscated datum of Chinese web maps) to WGS84.
//
// Forward model: the widely published reverse-engineered GCJ-02 offset polynomial (krasnoperov /
// eviltransform / coordtransform lineage), on the Krasovsky 1940 ellipsoid (a = 6378245 m,
// e^2 = 0.00669342162296594323). Its agreement with the official transform is reported at ~1-2 m.
// Inverse: fixed-point iteration wgs <- wgs - (gcj(wgs) - target), which converges geometrically
// (the offset's derivative is ~1e-3), stopping below 1e-10 degrees (~0.01 mm): the inversion adds
// no error of its own to the forward model's.
#include <cmath>
#include <numbers>

namespace geo::gcj02 {

struct LonLat {
  double lon = 0, lat = 0;
};

inline bool outside_china(double lon, double lat) { return lon < 72.004 || lon > 137.8347 || lat < 0.8293 || lat > 55.8271; }

inline LonLat offset(double lon, double lat) {
  const double pi = std::numbers::pi;
  const double x = lon - 105.0, y = lat - 35.0;
  double dlat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * std::sqrt(std::abs(x));
  dlat += (20.0 * std::sin(6.0 * x * pi) + 20.0 * std::sin(2.0 * x * pi)) * 2.0 / 3.0;
  dlat += (20.0 * std::sin(y * pi) + 40.0 * std::sin(y / 3.0 * pi)) * 2.0 / 3.0;
  dlat += (160.0 * std::sin(y / 12.0 * pi) + 320.0 * std::sin(y * pi / 30.0)) * 2.0 / 3.0;
  double dlon = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * std::sqrt(std::abs(x));
  dlon += (20.0 * std::sin(6.0 * x * pi) + 20.0 * std::sin(2.0 * x * pi)) * 2.0 / 3.0;
  dlon += (20.0 * std::sin(x * pi) + 40.0 * std::sin(x / 3.0 * pi)) * 2.0 / 3.0;
  dlon += (150.0 * std::sin(x / 12.0 * pi) + 300.0 * std::sin(x / 30.0 * pi)) * 2.0 / 3.0;
  const double a = 6378245.0, ee = 0.00669342162296594323;
  const double rad = lat / 180.0 * pi;
  double magic = std::sin(rad);
  magic = 1 - ee * magic * magic;
  const double sqrt_magic = std::sqrt(magic);
  dlat = (dlat * 180.0) / ((a * (1 - ee)) / (magic * sqrt_magic) * pi);
  dlon = (dlon * 180.0) / (a / sqrt_magic * std::cos(rad) * pi);
  return {dlon, dlat};
}

/// WGS84 -> GCJ-02 (identity outside China).
inline LonLat from_wgs84(LonLat p) {
  if (outside_china(p.lon, p.lat)) return p;
  const LonLat d = offset(p.lon, p.lat);
  return {p.lon + d.lon, p.lat + d.lat};
}

/// GCJ-02 -> WGS84 by iterating the forward model.
inline LonLat to_wgs84(LonLat g) {
  if (outside_china(g.lon, g.lat)) return g;
  LonLat w = g;
  for (int i = 0; i < 30; ++i) {
    const LonLat f = from_wgs84(w);
    const double elon = f.lon - g.lon, elat = f.lat - g.lat;
    w.lon -= elon;
    w.lat -= elat;
    if (std::abs(elon) < 1e-10 && std::abs(elat) < 1e-10) break;
  }
  return w;
}

}  // namespace geo::gcj02
