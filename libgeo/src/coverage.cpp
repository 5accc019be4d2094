#include "libgeo/coverage.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

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

using Entry = CoverageRows::Entry;

// Appends one ring's signed contributions to `partial` (boundary cells) and `fill` (difference
// array down each column), in edge order, for the cells of `frame` in `wanted` (frame cell units):
// the fill of every row above them too, which the rows wanted start from. Coordinates are in frame
// cell units: u = column, v = row (down).
void accumulate_ring(const Ring& ring, double orientation, const GeoTransform& gt, const Window& w, const Window& wanted,
                     std::vector<Entry>& partial, std::vector<Entry>& fill) {
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
    const int c_first = std::max(ua <= 0 ? 0 : int(std::floor(ua)), wanted.col0);
    const int c_last = std::min(ub >= cols ? cols - 1 : int(std::ceil(ub)) - 1, wanted.col_end() - 1);
    for (int c = c_first; c <= c_last; ++c) {
      const double p = std::max(ua, double(c)), q = std::min(ub, double(c + 1));
      if (q <= p) continue;
      const double vp = va + (p - ua) * slope, vq = va + (q - ua) * slope;
      const double width = q - p;
      const double vmin = std::min(vp, vq), vmax = std::max(vp, vq);
      // Rows entirely below the edge get the full width: record it once, at the first such row.
      const double first_full = std::ceil(vmax);
      const int r_full = first_full >= rows ? rows : int(std::max(first_full, 0.0));
      if (r_full < wanted.row_end()) fill.push_back({r_full, c, sign * width});
      // Rows the edge passes through get the exact clamped integral.
      const int r_begin = std::max(vmin <= 0 ? 0 : int(std::floor(std::min(vmin, double(rows)))), wanted.row0);
      const int r_end = std::min(r_full, wanted.row_end());
      for (int r = r_begin; r < r_end; ++r) {
        const double share = mean_clamped_linear(r + 1 - vp, r + 1 - vq);
        partial.push_back({r, c, sign * width * share});
      }
    }
  }
}

}  // namespace

CoverageRows::CoverageRows(const MultiPolygon& polygon, const GeoTransform& transform, const Window& window)
    : CoverageRows(polygon, transform, window, window) {}

CoverageRows::CoverageRows(const MultiPolygon& polygon, const GeoTransform& transform, const Window& frame, const Window& window)
    : window_(window), frame_(frame), running_(std::size_t(std::max(frame.cols, 0)), 0.0), fractions_(std::size_t(std::max(frame.cols, 0)), 0.0) {
  if (window.empty()) return;
  if (window.col0 < frame.col0 || window.row0 < frame.row0 || window.col_end() > frame.col_end() || window.row_end() > frame.row_end())
    throw std::invalid_argument("CoverageRows: the window is not inside the frame");
  const Window wanted{window.col0 - frame.col0, window.row0 - frame.row0, window.cols, window.rows};
  for (const auto& part : polygon.parts) {
    const double ext = signed_area(part.exterior);
    if (ext == 0) continue;
    accumulate_ring(part.exterior, ext > 0 ? 1.0 : -1.0, transform, frame, wanted, partial_, fill_);
    for (const auto& hole : part.holes) {
      const double h = signed_area(hole);
      if (h != 0) accumulate_ring(hole, h > 0 ? -1.0 : 1.0, transform, frame, wanted, partial_, fill_);
    }
  }
  // Stable: a cell's contributions keep their edge order, so their sums are the ones a dense
  // window of accumulators would form.
  const auto by_cell = [](const Entry& a, const Entry& b) { return a.row != b.row ? a.row < b.row : a.col < b.col; };
  std::stable_sort(partial_.begin(), partial_.end(), by_cell);
  std::stable_sort(fill_.begin(), fill_.end(), by_cell);
  // The fill of the frame's rows above the window, spread down row by row as over the whole frame.
  row_ = wanted.row0;
  while (next_fill_ < fill_.size() && fill_[next_fill_].row < row_) {
    const int r = fill_[next_fill_].row, c = fill_[next_fill_].col;
    double sum = 0.0;
    for (; next_fill_ < fill_.size() && fill_[next_fill_].row == r && fill_[next_fill_].col == c; ++next_fill_) sum += fill_[next_fill_].value;
    running_[std::size_t(c)] += sum;
  }
  for (std::size_t c = 0; c < running_.size(); ++c) fractions_[c] = std::clamp(running_[c], 0.0, 1.0);
}

const double* CoverageRows::next() {
  const int r = row_++;
  // The cells the previous row patched with its boundary contributions go back to the fill alone.
  for (int c : patched_) fractions_[std::size_t(c)] = std::clamp(running_[std::size_t(c)], 0.0, 1.0);
  patched_.clear();
  // Spread the fill down each column: a cell's entries summed from zero, then added to the column's
  // running total (the dense formulation's arithmetic, so the fractions are the same to the bit).
  while (next_fill_ < fill_.size() && fill_[next_fill_].row == r) {
    const int c = fill_[next_fill_].col;
    double sum = 0.0;
    for (; next_fill_ < fill_.size() && fill_[next_fill_].row == r && fill_[next_fill_].col == c; ++next_fill_) sum += fill_[next_fill_].value;
    running_[std::size_t(c)] += sum;
    fractions_[std::size_t(c)] = std::clamp(running_[std::size_t(c)], 0.0, 1.0);
  }
  // Boundary cells: the running fill plus the edges' exact areas; clamp the last-bit noise of nearly
  // full cells.
  while (next_partial_ < partial_.size() && partial_[next_partial_].row == r) {
    const int c = partial_[next_partial_].col;
    double sum = 0.0;
    for (; next_partial_ < partial_.size() && partial_[next_partial_].row == r && partial_[next_partial_].col == c; ++next_partial_)
      sum += partial_[next_partial_].value;
    fractions_[std::size_t(c)] = std::clamp(running_[std::size_t(c)] + sum, 0.0, 1.0);
    patched_.push_back(c);
  }
  return fractions_.data() + (window_.col0 - frame_.col0);
}

Block<double> coverage_fractions(const MultiPolygon& polygon, const GeoTransform& transform, const Window& window) {
  Block<double> out = Block<double>::uninitialized(window);
  if (window.empty()) return out;
  CoverageRows rows(polygon, transform, window);
  for (int r = 0; r < window.rows; ++r) std::copy_n(rows.next(), window.cols, out.row(r));
  return out;
}

}  // namespace geo
