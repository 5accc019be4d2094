#include "libgeo/geometry.hpp"

#include <cmath>

namespace geo {

Box MultiPolygon::bounds() const {
  Box b = Box::none();
  for (const auto& part : parts)
    for (const auto& p : part.exterior) b.include(p.x, p.y);
  return b;
}

double signed_area(const Ring& ring) {
  const std::size_t n = ring.size();
  if (n < 3) return 0;
  // Shoelace relative to the first vertex, to keep precision for projected coordinates.
  double twice = 0;
  const Point o = ring[0];
  for (std::size_t i = 1; i + 1 < n; ++i) twice += (ring[i].x - o.x) * (ring[i + 1].y - o.y) - (ring[i + 1].x - o.x) * (ring[i].y - o.y);
  return 0.5 * twice;
}

double planar_area(const MultiPolygon& mp) {
  double a = 0;
  for (const auto& part : mp.parts) {
    a += std::abs(signed_area(part.exterior));
    for (const auto& h : part.holes) a -= std::abs(signed_area(h));
  }
  return a;
}

}  // namespace geo
