#pragma once
// True (ellipsoidal) area of raster cells.
//
// Projected grids: a cell's ellipsoidal area is its nominal area divided by the projection's areal
// scale factor at the cell (Snyder 1987, "Map Projections: A Working Manual", USGS PP 1395, eq. 4-12;
// for UTM about 0.9992 on the central meridian to 1.0010 at the zone edge). The factor is smooth, so it
// is sampled on a lattice fixed to the grid (every `lattice_step` cells) and interpolated bilinearly;
// the interpolation error for 30 m UTM cells and a 32-cell step is below 1e-8 relative.
// Geographic grids: exact area of an ellipsoidal quadrangle (authalic-latitude formula, Snyder 1987
// eq. 3-12/3-13), no sampling.
#include <functional>
#include <memory>

#include "libgeo/block.hpp"
#include "libgeo/grid.hpp"

namespace geo {

struct Ellipsoid {
  double a = 6378137.0;            // WGS84 semi-major axis, m
  double f = 1.0 / 298.257223563;  // WGS84 flattening
};

/// Ratio projected area / ellipsoidal area at a projected coordinate (x, y).
using ArealScaleFunction = std::function<double(double x, double y)>;

class CellAreaModel {
 public:
  static CellAreaModel projected(const GeoTransform& transform, ArealScaleFunction areal_scale, int lattice_step = 32);
  static CellAreaModel geographic(const GeoTransform& transform, Ellipsoid ellipsoid = {});
  /// Nominal area (|dx*dy|) for every cell, for grids in arbitrary units (tests, unprojected data).
  static CellAreaModel nominal(const GeoTransform& transform);

  /// Ellipsoidal area in m^2 of every cell of `window`, row-major. Depends only on the cell, never
  /// on the window: this keeps area sums independent of the streaming strip height.
  Block<double> areas(const Window& window) const;

 private:
  enum class Kind { projected, geographic, nominal };
  Kind kind_ = Kind::nominal;
  GeoTransform transform_;
  ArealScaleFunction areal_scale_;
  int step_ = 32;
  Ellipsoid ellipsoid_;
};

/// Area on the ellipsoid between the equator and latitude phi (radians), per radian of longitude.
double ellipsoid_zone_area(double phi, const Ellipsoid& e = {});

}  // namespace geo
