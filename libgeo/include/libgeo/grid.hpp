#pragma once
// Grid and window arithmetic for north-up rasters. No GDAL here: a Grid is just numbers.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

namespace geo {

/// Affine transform of a north-up raster (GDAL convention, no rotation terms):
/// x = origin_x + col * pixel_width, y = origin_y + row * pixel_height (pixel_height < 0).
struct GeoTransform {
  double origin_x = 0, pixel_width = 1, origin_y = 0, pixel_height = -1;

  double col_to_x(double col) const { return origin_x + col * pixel_width; }
  double row_to_y(double row) const { return origin_y + row * pixel_height; }
  /// Fractional column/row of a world coordinate (0 = left/top edge of the first cell).
  double x_to_col(double x) const { return (x - origin_x) / pixel_width; }
  double y_to_row(double y) const { return (y - origin_y) / pixel_height; }
  double cell_area_nominal() const { return std::abs(pixel_width * pixel_height); }
  bool operator==(const GeoTransform&) const = default;
};

/// A rectangle of cells: [col0, col0+cols) x [row0, row0+rows).
struct Window {
  int col0 = 0, row0 = 0, cols = 0, rows = 0;

  bool empty() const { return cols <= 0 || rows <= 0; }
  std::int64_t size() const { return empty() ? 0 : std::int64_t(cols) * rows; }
  int col_end() const { return col0 + cols; }
  int row_end() const { return row0 + rows; }
  bool operator==(const Window&) const = default;

  Window intersect(const Window& o) const {
    int c0 = std::max(col0, o.col0), r0 = std::max(row0, o.row0);
    int c1 = std::min(col_end(), o.col_end()), r1 = std::min(row_end(), o.row_end());
    if (c1 <= c0 || r1 <= r0) return Window{c0, r0, 0, 0};
    return Window{c0, r0, c1 - c0, r1 - r0};
  }
  /// The window grown by `rows_above`/`rows_below` rows, clipped to `bounds`.
  Window with_row_halo(int halo_rows, const Window& bounds) const {
    return Window{col0, row0 - halo_rows, cols, rows + 2 * halo_rows}.intersect(bounds);
  }
};

/// Axis-aligned bounding box in world coordinates.
struct Box {
  double xmin = 0, ymin = 0, xmax = 0, ymax = 0;
  bool empty() const { return !(xmax > xmin && ymax > ymin); }
  /// The box that contains nothing yet: grow it with include().
  static Box none() {
    const double big = std::numeric_limits<double>::max();
    return Box{big, big, -big, -big};
  }
  void include(double x, double y) {
    xmin = std::min(xmin, x), ymin = std::min(ymin, y), xmax = std::max(xmax, x), ymax = std::max(ymax, y);
  }
  void include(const Box& o) {
    xmin = std::min(xmin, o.xmin), ymin = std::min(ymin, o.ymin), xmax = std::max(xmax, o.xmax), ymax = std::max(ymax, o.ymax);
  }
  Box intersect(const Box& o) const {
    return Box{std::max(xmin, o.xmin), std::max(ymin, o.ymin), std::min(xmax, o.xmax), std::min(ymax, o.ymax)};
  }
};

/// A raster grid: size, transform and CRS (as WKT; only io/ interprets it).
struct Grid {
  int cols = 0, rows = 0;
  GeoTransform transform;
  std::string crs_wkt;

  Window full() const { return Window{0, 0, cols, rows}; }
  Box extent() const {
    double x0 = transform.origin_x, x1 = transform.col_to_x(cols);
    double y0 = transform.origin_y, y1 = transform.row_to_y(rows);
    return Box{std::min(x0, x1), std::min(y0, y1), std::max(x0, x1), std::max(y0, y1)};
  }
  /// Smallest window of cells touching `box` (clipped to the grid; may be empty).
  Window window_of(const Box& box) const {
    double c0 = transform.x_to_col(box.xmin), c1 = transform.x_to_col(box.xmax);
    double r0 = transform.y_to_row(box.ymax), r1 = transform.y_to_row(box.ymin);
    if (c0 > c1) std::swap(c0, c1);
    if (r0 > r1) std::swap(r0, r1);
    auto clampi = [](double v, int lo, int hi) { return int(std::clamp(v, double(lo), double(hi))); };
    int ic0 = clampi(std::floor(c0), 0, cols), ic1 = clampi(std::ceil(c1), 0, cols);
    int ir0 = clampi(std::floor(r0), 0, rows), ir1 = clampi(std::ceil(r1), 0, rows);
    return Window{ic0, ir0, ic1 - ic0, ir1 - ir0};
  }
  /// Whether another grid has the same size and transform (CRS compared by the caller).
  bool same_geometry(const Grid& o, double tolerance = 1e-6) const {
    auto near = [&](double a, double b) { return std::abs(a - b) <= tolerance * std::max(1.0, std::abs(a)); };
    return cols == o.cols && rows == o.rows && near(transform.origin_x, o.transform.origin_x) &&
           near(transform.origin_y, o.transform.origin_y) && near(transform.pixel_width, o.transform.pixel_width) &&
           near(transform.pixel_height, o.transform.pixel_height);
  }
};

/// Splits a grid into full-width strips of `strip_rows` rows, top to bottom. Strips are the unit of
/// streaming: memory is bounded by strip size, and per-row accumulation keeps results independent of it.
inline std::vector<Window> strips(const Grid& grid, int strip_rows) {
  if (strip_rows <= 0) throw std::invalid_argument("strip height must be positive");
  std::vector<Window> out;
  for (int r = 0; r < grid.rows; r += strip_rows) out.push_back(Window{0, r, grid.cols, std::min(strip_rows, grid.rows - r)});
  return out;
}

/// The strips of a window of a grid (its columns only, its rows top to bottom): what a pass over
/// some zones reads.
inline std::vector<Window> strips(const Window& window, int strip_rows) {
  if (strip_rows <= 0) throw std::invalid_argument("strip height must be positive");
  std::vector<Window> out;
  for (int r = window.row0; r < window.row_end(); r += strip_rows)
    out.push_back(Window{window.col0, r, window.cols, std::min(strip_rows, window.row_end() - r)});
  return out;
}

}  // namespace geo
