#include "libgeo/cell_area.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <vector>

namespace geo {

CellAreaModel CellAreaModel::projected(const GeoTransform& transform, ArealScaleFunction areal_scale, int lattice_step) {
  CellAreaModel m;
  m.kind_ = Kind::projected;
  m.transform_ = transform;
  m.areal_scale_ = std::move(areal_scale);
  m.step_ = lattice_step;
  return m;
}

CellAreaModel CellAreaModel::geographic(const GeoTransform& transform, Ellipsoid ellipsoid) {
  CellAreaModel m;
  m.kind_ = Kind::geographic;
  m.transform_ = transform;
  m.ellipsoid_ = ellipsoid;
  return m;
}

CellAreaModel CellAreaModel::nominal(const GeoTransform& transform) {
  CellAreaModel m;
  m.kind_ = Kind::nominal;
  m.transform_ = transform;
  return m;
}

double ellipsoid_zone_area(double phi, const Ellipsoid& el) {
  // Snyder (1987) eq. 3-12: q = (1-e^2) [ sin/(1-e^2 sin^2) - 1/(2e) ln((1-e sin)/(1+e sin)) ];
  // the area from the equator to phi per radian of longitude is a^2 q / 2.
  const double e2 = el.f * (2 - el.f), e = std::sqrt(e2), s = std::sin(phi);
  const double q = (1 - e2) * (s / (1 - e2 * s * s) - (1 / (2 * e)) * std::log((1 - e * s) / (1 + e * s)));
  return el.a * el.a * q / 2;
}

Block<double> CellAreaModel::areas(const Window& w) const {
  Block<double> out = Block<double>::uninitialized(w);  // every cell is written below
  const double nominal = transform_.cell_area_nominal();
  switch (kind_) {
    case Kind::nominal:
      for (std::size_t i = 0; i < out.size(); ++i) out[i] = nominal;
      break;
    case Kind::geographic: {
      const double deg = std::numbers::pi / 180.0;
      const double dlon = std::abs(transform_.pixel_width) * deg;
      for (int r = 0; r < w.rows; ++r) {
        const double y0 = transform_.row_to_y(w.row0 + r), y1 = transform_.row_to_y(w.row0 + r + 1);
        const double a = dlon * std::abs(ellipsoid_zone_area(y0 * deg, ellipsoid_) - ellipsoid_zone_area(y1 * deg, ellipsoid_));
        double* row = out.row(r);
        for (int c = 0; c < w.cols; ++c) row[c] = a;
      }
      break;
    }
    case Kind::projected: {
      // Lattice nodes at global cell centres (k*step + 0.5): fixed to the grid, not to the window.
      const int s = step_;
      auto floor_div = [](int a, int b) { return a >= 0 ? a / b : -((-a + b - 1) / b); };
      const int kr0 = floor_div(w.row0, s), kr1 = floor_div(w.row_end() - 1, s) + 1;
      const int kc0 = floor_div(w.col0, s), kc1 = floor_div(w.col_end() - 1, s) + 1;
      const int ncols = kc1 - kc0 + 1;
      std::vector<double> inv_scale(std::size_t((kr1 - kr0 + 1) * ncols));
      for (int kr = kr0; kr <= kr1; ++kr)
        for (int kc = kc0; kc <= kc1; ++kc) {
          const double x = transform_.col_to_x(kc * s + 0.5), y = transform_.row_to_y(kr * s + 0.5);
          inv_scale[std::size_t((kr - kr0) * ncols + (kc - kc0))] = 1.0 / areal_scale_(x, y);
        }
      for (int r = 0; r < w.rows; ++r) {
        const int gr = w.row0 + r;
        const int kr = floor_div(gr, s);
        const double tr = double(gr - kr * s) / s;
        double* row = out.row(r);
        const double* n0 = &inv_scale[std::size_t((kr - kr0) * ncols)];
        const double* n1 = n0 + ncols;
        // Lattice interval by lattice interval, so that the inner loop has no division by the step
        // and vectorises; each cell's arithmetic is the same whatever the window.
        for (int kc = kc0; kc < kc1; ++kc) {
          const int j = kc - kc0;
          const int first = std::max(w.col0, kc * s), end = std::min(w.col_end(), (kc + 1) * s);
          const double left0 = n0[j], right0 = n0[j + 1], left1 = n1[j], right1 = n1[j + 1];
          for (int gc = first; gc < end; ++gc) {
            const double tc = double(gc - kc * s) / s;
            const double top = left0 + (right0 - left0) * tc;
            const double bottom = left1 + (right1 - left1) * tc;
            row[gc - w.col0] = nominal * (top + (bottom - top) * tr);
          }
        }
      }
      break;
    }
  }
  return out;
}

}  // namespace geo
