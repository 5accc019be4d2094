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
// Both are kept as sparse entries (one per boundary cell, one per edge and column), so a window's
// fractions come row by row: cost O(cells the boundary touches + cells in the window), memory
// O(cells the boundary touches + columns), never a window of doubles.
#include <cstddef>
#include <vector>

#include "libgeo/block.hpp"
#include "libgeo/geometry.hpp"
#include "libgeo/grid.hpp"

namespace geo {

/// The coverage fractions of a window's cells, one row at a time, top row first: what a zonal pass
/// over a large zone needs, without the window's worth of fractions that coverage_fractions holds.
class CoverageRows {
 public:
  CoverageRows(const MultiPolygon& polygon, const GeoTransform& transform, const Window& window);
  /// The rows of `window`, a part of `frame`, with the fractions a pass over the whole frame gives
  /// them, to the bit: edges placed in the frame's cell units, and the fill of its rows above the
  /// window spread down in row order. A zone's cells thus weigh the same whatever strip, tile or
  /// thread band they are visited in (frame: the zone's window on the grid).
  CoverageRows(const MultiPolygon& polygon, const GeoTransform& transform, const Window& frame, const Window& window);
  const Window& window() const { return window_; }
  /// The fractions in [0, 1] of the next row (the window's first on the first call), window().cols of
  /// them from its first column; valid until the next call. Called at most window().rows times.
  const double* next();

  /// A boundary cell's or a fill's contribution (frame cell units). Public for the accumulation
  /// helper only.
  struct Entry {
    int row, col;
    double value;
  };

 private:
  Window window_, frame_;
  std::vector<Entry> partial_, fill_;  // sorted by (row, col); a cell's entries in edge order
  std::size_t next_partial_ = 0, next_fill_ = 0;
  int row_ = 0;                     // the next row, in frame rows
  std::vector<double> running_;     // each frame column's fill summed down to the current row
  std::vector<double> fractions_;   // the current row over the frame's columns: clamp(running + partial)
  std::vector<int> patched_;        // the columns of the previous row that had a partial entry
};

/// Coverage fractions in [0, 1] of `window`'s cells of `transform`, row-major.
Block<double> coverage_fractions(const MultiPolygon& polygon, const GeoTransform& transform, const Window& window);

/// Mean over t in [0,1] of clamp(a + (b - a) t, 0, 1): the exact integral of a clamped linear
/// function, written piecewise so that it stays accurate when a and b are nearly equal.
double mean_clamped_linear(double a, double b);

}  // namespace geo
