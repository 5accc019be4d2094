// GCJ-02 <-> WGS84: the inversion reproduces the forward model, and the offset has the size it has
// over Inner Mongolia (a few hundred metres).
#include <gtest/gtest.h>

#include <cmath>

#include "libgeo/gcj02.hpp"

using namespace geo::gcj02;

TEST(Gcj02, InversionRoundTripsToBelowAMillimetre) {
  for (double lon = 97.0; lon <= 111.5; lon += 0.73)
    for (double lat = 37.4; lat <= 42.8; lat += 0.41) {
      const LonLat wgs{lon, lat};
      const LonLat back = to_wgs84(from_wgs84(wgs));
      EXPECT_NEAR(back.lon, lon, 1e-9);
      EXPECT_NEAR(back.lat, lat, 1e-9);
    }
}

TEST(Gcj02, OffsetOverBayannurIsHundredsOfMetres) {
  const LonLat linhe{107.387, 40.743};
  const LonLat g = from_wgs84(linhe);
  const double dx = (g.lon - linhe.lon) * 111320.0 * std::cos(linhe.lat * 0.0174533), dy = (g.lat - linhe.lat) * 110574.0;
  const double d = std::hypot(dx, dy);
  EXPECT_GT(d, 100.0);
  EXPECT_LT(d, 1000.0);
}

TEST(Gcj02, IdentityOutsideChina) {
  const LonLat paris{2.35, 48.85};
  EXPECT_EQ(from_wgs84(paris).lon, 2.35);
  EXPECT_EQ(to_wgs84(paris).lat, 48.85);
}
