#pragma once
// Planar polygon geometry: the zone geometry unit every libgeo algorithm takes (exact coverage,
// areas); built from OGR features in io/vector.cpp, free of GDAL itself.
#include <vector>

#include "libgeo/grid.hpp"

namespace geo {

struct Point {
  double x = 0, y = 0;
};
/// A closed ring; the closing vertex may or may not repeat the first.
using Ring = std::vector<Point>;

/// A polygon with one exterior ring and any number of holes. Ring orientation does not matter.
struct Polygon {
  Ring exterior;
  std::vector<Ring> holes;
};

/// A (multi)polygon: the zone geometry unit.
struct MultiPolygon {
  std::vector<Polygon> parts;
  bool empty() const { return parts.empty(); }
  Box bounds() const;
};

/// Signed shoelace area (positive for counter-clockwise in a y-up frame).
double signed_area(const Ring& ring);
/// Planar area of the multipolygon (holes subtracted).
double planar_area(const MultiPolygon& mp);

}  // namespace geo
