#pragma once
// Exact fraction of each raster cell covered by a polygon.
//
// Method (after Baston, "exactextract", and the cell-walking formulation of exact area coverage):
// the covered area of a cell is the integral of the polygon's winding number over the cell. The
// winding number at a point is the signed count of polygon edges crossed by a ray going "up" (towards
// the first row), so each edge contributes, to every cell it lies above or passes through, the area of
// that cell below the edge. We walk every edge through the columns it spans, integrate the clipped
// linear edge exactly in the rows it passes through (boundary cells), and push the rows entirely below
// it as one running "fill" per column (interior cells), which a single prefix pass then spreads down.
// Cost: O(cells the boundary touches + cells in the window), memory: one window of doubles.
#include <vector>

#include "libgeo/block.hpp"
#include "libgeo/geometry.hpp"
#include "libgeo/grid.hpp"

namespace geo {

/// Coverage fractions in [0, 1] of `window`'s cells of `transform`, row-major.
Block<double> coverage_fractions(const MultiPolygon& polygon, const GeoTransform& transform, const Window& window);

/// Mean over t in [0,1] of clamp(a + (b - a) t, 0, 1): the exact integral of a clamped linear
/// function, written piecewise so that it stays accurate when a and b are nearly equal.
double mean_clamped_linear(double a, double b);

}  // namespace geo
