#pragma once
// Zones on a grid, and the cells of any window each zone covers with their coverage fractions: the
// one zone x window accumulation of a strip-by-strip zonal pass (exactextract's per-feature window,
// cut by strips). Every zonal tally of ecomon reads its cells through it: the scene pass, the season
// pass, land-cover transitions and `ecomon zonal`.
//
// Determinism: rows are visited in order and a row's cells in column order, so that sums formed
// per row and merged in row order depend only on the grid, never on the strip height or the thread
// that computed the strip (libgeo/zonal.hpp).
#include <cstddef>
#include <vector>

#include "libgeo/block.hpp"
#include "libgeo/coverage.hpp"
#include "libgeo/grid.hpp"

namespace geo {

class ZoneCover {
 public:
  /// The zones' polygons in the grid's CRS (kept by pointer: they must outlive this), each placed
  /// on the grid by its bounds; an empty polygon or one off the grid covers no cell.
  ZoneCover(const Grid& grid, std::vector<const MultiPolygon*> polygons);

  std::size_t size() const { return polygons_.size(); }
  /// The cells of the grid zone z's bounds cover: the only ones whose fraction can be non-zero.
  const Window& window(std::size_t z) const { return windows_[z]; }
  /// The smallest window holding every zone's window (empty when no zone touches the grid): all a
  /// pass over these zones needs to read.
  Window bounding_window() const;

  /// Zone z's part of `w`: the window of its cells there, and their coverage fractions (row-major;
  /// an empty window and no fractions where the zone misses `w`).
  struct Part {
    Window window;
    Block<double> fraction;
    bool empty() const { return window.empty(); }
    /// The fractions of grid row `row` (which the part must hold), from column window.col0.
    const double* row(int row) const { return &fraction.at(row - window.row0, 0); }
    /// The weights of grid row `row`'s cells in the zone, from column window.col0: coverage fraction x
    /// cell area (`areas`: the row's cell areas from that column), 0 where the zone covers none of
    /// the cell. Every area tally of a zone adds these, so that all of them weigh a cell alike.
    void weights(int row, const double* areas, double* out) const { weigh(this->row(row), areas, window.cols, out); }
  };
  Part part(std::size_t z, const Window& w) const;

  /// For every zone whose bounds touch `w`, zone by zone, each row of its part in row order:
  /// visit(zone, grid row, grid column of the first cell, fractions of the row's cells, cell count).
  /// Cells of fraction 0 are in the row (the caller skips them). The fractions come a row at a time
  /// (CoverageRows), never a zone's window of them at once, and are the zone's own (computed on its
  /// whole window): the same bits whatever window `w` cuts out of it.
  template <class Visit>
  void for_each_row(const Window& w, Visit&& visit) const {
    for (std::size_t z = 0; z < polygons_.size(); ++z) {
      const Window pw = windows_[z].intersect(w);
      if (pw.empty()) continue;
      CoverageRows rows(*polygons_[z], transform_, windows_[z], pw);
      for (int r = pw.row0; r < pw.row_end(); ++r) visit(z, r, pw.col0, rows.next(), pw.cols);
    }
  }

  /// As for_each_row, with each cell's weight (Part::weights: fraction x area) instead of its
  /// fraction: the zone accumulation of an area tally. `areas`: cell areas over a window holding `w`.
  template <class Visit>
  void for_each_weighted_row(const Window& w, const Block<double>& areas, Visit&& visit) const {
    std::vector<double> weights;
    for_each_row(w, [&](std::size_t z, int row, int col0, const double* fraction, int cells) {
      weights.resize(std::size_t(cells));
      weigh(fraction, &areas.at(row - areas.window().row0, col0 - areas.window().col0), cells, weights.data());
      visit(z, row, col0, static_cast<const double*>(weights.data()), cells);
    });
  }

  /// A row's cell weights: coverage fraction x cell area, 0 where the zone covers none of the cell
  /// (so that every area tally weighs a cell alike).
  static void weigh(const double* fraction, const double* areas, int cells, double* out) {
    for (int k = 0; k < cells; ++k) out[k] = fraction[k] > 0 ? fraction[k] * areas[k] : 0.0;
  }

 private:
  GeoTransform transform_;
  std::vector<const MultiPolygon*> polygons_;
  std::vector<Window> windows_;
};

}  // namespace geo
