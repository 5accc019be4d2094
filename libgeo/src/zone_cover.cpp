#include "libgeo/zone_cover.hpp"

namespace geo {

ZoneCover::ZoneCover(const Grid& grid, std::vector<const MultiPolygon*> polygons) : transform_(grid.transform), polygons_(std::move(polygons)) {
  for (const MultiPolygon* p : polygons_) windows_.push_back(p == nullptr || p->empty() ? Window{} : grid.window_of(p->bounds()));
}

ZoneCover::Part ZoneCover::part(std::size_t z, const Window& w) const {
  Part p;
  p.window = windows_[z].intersect(w);
  if (!p.window.empty()) p.fraction = coverage_fractions(*polygons_[z], transform_, p.window);
  return p;
}

}  // namespace geo
