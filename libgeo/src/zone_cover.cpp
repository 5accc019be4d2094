#include "libgeo/zone_cover.hpp"

#include <algorithm>

namespace geo {

ZoneCover::ZoneCover(const Grid& grid, std::vector<const MultiPolygon*> polygons) : transform_(grid.transform), polygons_(std::move(polygons)) {
  for (const MultiPolygon* p : polygons_) windows_.push_back(p == nullptr || p->empty() ? Window{} : grid.window_of(p->bounds()));
}

ZoneCover::Part ZoneCover::part(std::size_t z, const Window& w) const {
  Part p;
  p.window = windows_[z].intersect(w);
  if (p.window.empty()) return p;
  // The zone's own fractions (computed on its whole window), as for_each_row gives them.
  p.fraction = Block<double>::uninitialized(p.window);
  CoverageRows rows(*polygons_[z], transform_, windows_[z], p.window);
  for (int r = 0; r < p.window.rows; ++r) std::copy_n(rows.next(), p.window.cols, p.fraction.row(r));
  return p;
}

Window ZoneCover::bounding_window() const {
  Window all{0, 0, 0, 0};
  for (const Window& w : windows_) {
    if (w.empty()) continue;
    if (all.empty()) {
      all = w;
      continue;
    }
    const int c0 = std::min(all.col0, w.col0), r0 = std::min(all.row0, w.row0);
    all = Window{c0, r0, std::max(all.col_end(), w.col_end()) - c0, std::max(all.row_end(), w.row_end()) - r0};
  }
  return all;
}

}  // namespace geo
