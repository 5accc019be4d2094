#include "libgeo/coverage.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace geo {

double mean_clamped_linear(double a, double b) {
  if (a > b) std::swap(a, b);  // the mean is symmetric under reversing the segment
  if (b <= 0) return 0;
  if (a >= 1) return 1;
  if (a >= 0 && b <= 1) return 0.5 * (a + b);
  const double d = b - a;                         // > 0: the segment crosses 0 or 1
  const double t0 = a < 0 ? -a / d : 0.0;         // where the value reaches 0
  const double t1 = b > 1 ? (1.0 - a) / d : 1.0;  // where it reaches 1
  const double v0 = std::max(a, 0.0), v1 = std::min(b, 1.0);
  return (t1 - t0) * 0.5 * (v0 + v1) + (1.0 - t1);
}

namespace {

// Accumulates one ring's signed contribution into `partial` (boundary cells) and `fill` (difference
// array down each column). Coordinates are in window cell units: u = column, v = row (down).
void accumulate_ring(const Ring& ring, double orientation, const GeoTransform& gt, const Window& w, std::vector<double>& partial,
                     std::vector<double>& fill) {
  const std::size_t n = ring.size();
  if (n < 3) return;
  const int cols = w.cols, rows = w.rows;
  auto to_u = [&](const Point& p) { return gt.x_to_col(p.x) - w.col0; };
  auto to_v = [&](const Point& p) { return gt.y_to_row(p.y) - w.row0; };
  for (std::size_t i = 0; i < n; ++i) {
    const Point& pa = ring[i];
    const Point& pb = ring[(i + 1) % n];
    double ua = to_u(pa), va = to_v(pa), ub = to_u(pb), vb = to_v(pb);
    if (ua == ub) continue;  // vertical edges bound no area from above
    // With v pointing down (north-up grid), the edges lying above the interior of a ring with
    // positive shoelace area in (x, y) are the ones running towards -u: they count +1.
    double sign = (ub > ua ? -1.0 : 1.0) * orientation;
    if (gt.pixel_height > 0) sign = -sign;  // south-up grids flip the v axis back
    if (gt.pixel_width < 0) sign = -sign;
    if (ua > ub) {
      std::swap(ua, ub);
      std::swap(va, vb);
    }
    if (ub <= 0 || ua >= cols) continue;
    const double slope = (vb - va) / (ub - ua);
    // Clamp before converting: far-away vertices must not overflow int.
    const int c_first = ua <= 0 ? 0 : int(std::floor(ua));
    const int c_last = ub >= cols ? cols - 1 : int(std::ceil(ub)) - 1;
    for (int c = c_first; c <= c_last; ++c) {
      const double p = std::max(ua, double(c)), q = std::min(ub, double(c + 1));
      if (q <= p) continue;
      const double vp = va + (p - ua) * slope, vq = va + (q - ua) * slope;
      const double width = q - p;
      const double vmin = std::min(vp, vq), vmax = std::max(vp, vq);
      // Rows entirely below the edge get the full width: record it once, at the first such row.
      const double first_full = std::ceil(vmax);
      const int r_full = first_full >= rows ? rows : int(std::max(first_full, 0.0));
      if (r_full < rows) fill[std::size_t(r_full) * cols + c] += sign * width;
      // Rows the edge passes through get the exact clamped integral.
      const int r_begin = vmin <= 0 ? 0 : int(std::floor(std::min(vmin, double(rows))));
      for (int r = r_begin; r < r_full; ++r) {
        const double share = mean_clamped_linear(r + 1 - vp, r + 1 - vq);
        partial[std::size_t(r) * cols + c] += sign * width * share;
      }
    }
  }
}

}  // namespace

Block<double> coverage_fractions(const MultiPolygon& polygon, const GeoTransform& transform, const Window& window) {
  Block<double> out(window, 0.0);
  if (window.empty() || polygon.empty()) return out;
  std::vector<double> partial(std::size_t(window.size()), 0.0), fill(std::size_t(window.size()), 0.0);
  for (const auto& part : polygon.parts) {
    const double ext = signed_area(part.exterior);
    if (ext == 0) continue;
    accumulate_ring(part.exterior, ext > 0 ? 1.0 : -1.0, transform, window, partial, fill);
    for (const auto& hole : part.holes) {
      const double h = signed_area(hole);
      if (h != 0) accumulate_ring(hole, h > 0 ? -1.0 : 1.0, transform, window, partial, fill);
    }
  }
  // Spread the fill down each column and combine; clamp the last-bit noise of nearly full cells.
  const int cols = window.cols;
  std::vector<double> running(std::size_t(cols), 0.0);
  for (int r = 0; r < window.rows; ++r) {
    double* dst = out.row(r);
    const double* pr = partial.data() + std::size_t(r) * cols;
    const double* fr = fill.data() + std::size_t(r) * cols;
    for (int c = 0; c < cols; ++c) {
      running[c] += fr[c];
      dst[c] = std::clamp(running[c] + pr[c], 0.0, 1.0);
    }
  }
  return out;
}

}  // namespace geo
