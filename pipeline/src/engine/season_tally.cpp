#include "engine/season_tally.hpp"

#include <algorithm>
#include <optional>
#include <stdexcept>

#include "base/interrupt.hpp"
#include "engine/strip_runner.hpp"
#include "libgeo/cell_area.hpp"
#include "libgeo/coverage.hpp"
#include "libgeo/io/projection.hpp"
#include "libgeo/io/raster.hpp"
#include "libgeo/io/reader_pool.hpp"
#include "products/product_specs.hpp"

namespace ecomon {

void tally_season_row(const StoredRow& row, const std::vector<geo::ZoneCover::Part>& parts, const std::vector<SeasonZone>& zones,
                      const std::function<ZoneTally&(std::size_t)>& row_tally) {
  const std::vector<ProductSpec>& specs = season_products();
  std::vector<double> w;
  for (std::size_t z = 0; z < parts.size(); ++z) {
    const geo::Window& sub = parts[z].window;
    if (sub.empty() || row.row < sub.row0 || row.row >= sub.row_end()) continue;
    if (sub.col0 < row.col0 || sub.col_end() > row.col0 + row.cols) throw std::logic_error("tally_season_row: the row does not hold the zone's part");
    ZoneTally& t = row_tally(z);
    const std::size_t k0 = std::size_t(sub.col0 - row.col0), n = std::size_t(sub.cols);
    w.resize(n);
    parts[z].weights(row.row, row.areas + k0, w.data());
    for (std::size_t k = 0; k < n; ++k) {
      if (!row.cells[k0 + k].has_data) w[k] = 0.0;
      if (w[k] > 0) t.total_area += w[k];
    }
    for (std::size_t p = 0; p < specs.size(); ++p)
      if (specs[p].season_tally) {
        if (!row.values[p]) throw std::logic_error("tally_season_row: no values of " + specs[p].name);
        specs[p].season_tally(t, zones[z], row.cells + k0, row.values[p] + k0, w.data(), n);
      }
  }
}

void mark_sources_seen(ZoneTally& t, const geo::ZoneCover::Part& part, int row, const SourceFootprints& footprints) {
  if (t.total_area <= 0 || part.empty() || row < part.window.row0 || row >= part.window.row_end()) return;
  t.sources_seen.assign(footprints.size(), 0);
  const double* fraction = part.row(row);
  const int c0 = part.window.col0, c1 = part.window.col_end();
  for (std::size_t s = 0; s < footprints.size(); ++s) {
    const std::vector<std::int32_t>& runs = footprints[s];
    // The first run of the row: runs are (row, first, end) triples in row order.
    std::size_t lo = 0, hi = runs.size() / 3;
    while (lo < hi) {
      const std::size_t mid = (lo + hi) / 2;
      if (runs[3 * mid] < row) lo = mid + 1; else hi = mid;
    }
    for (std::size_t k = lo; k < runs.size() / 3 && runs[3 * k] == row && !t.sources_seen[s]; ++k)
      for (int col = std::max<int>(runs[3 * k + 1], c0); col < std::min<int>(runs[3 * k + 2], c1); ++col)
        if (fraction[col - c0] > 0) {
          t.sources_seen[s] = 1;
          break;
        }
  }
}

std::vector<std::string> tallied_season_products() {
  std::vector<std::string> names;
  for (const ProductSpec& p : season_products())
    if (p.season_tally) names.push_back(p.name);
  for (const char* decoded : {"CLEAR_COUNT", "WATER_FREQUENCY", "FVC", "SHOULDER_WINDOWS", "LANDCOVER_SOURCE", "GRASSLAND_TYPE"})
    if (std::find(names.begin(), names.end(), decoded) == names.end()) names.push_back(decoded);
  return names;
}

std::vector<ZoneTally> tally_stored_year(const StoredYearRasters& rasters, const geo::Grid& grid, const std::vector<geo::io::Zone>& zones,
                                         const std::vector<SeasonZone>& season_zones, const CellRules& rules, int threads) {
  const std::vector<ProductSpec>& specs = season_products();
  // The tallied products' rasters; one that needs an optional input the year lacked is simply absent
  // (the season pass tallied nodata for it too), any other missing one is an error.
  std::vector<std::optional<geo::io::ReaderPool::Lease>> leases(specs.size());
  std::vector<const geo::io::RasterReader*> readers(specs.size(), nullptr);
  std::string missing;
  for (const std::string& name : tallied_season_products()) {
    const std::size_t p = season_product_index(name);
    const auto at = rasters.paths.find(name);
    if (at == rasters.paths.end()) {
      if (specs[p].needs == ProductSpec::Needs::nothing) missing += (missing.empty() ? "" : ", ") + name;
      continue;
    }
    readers[p] = &*leases[p].emplace(geo::io::borrow_reader(rasters.readers, at->second));
    const geo::Grid& g = readers[p]->grid();
    if (g.cols != grid.cols || g.rows != grid.rows || !(g.transform == grid.transform))
      throw std::runtime_error(at->second + ": not on the workspace's regional grid (" + std::to_string(grid.cols) + " x " +
                               std::to_string(grid.rows) + " cells)");
  }
  if (!missing.empty())
    throw std::runtime_error("the year's rasters lack " + missing +
                             " (output.products did not select them): figures for another area cannot be made from what the run wrote");
  const bool grassland_types = readers[season_product_index("GRASSLAND_TYPE")] != nullptr;

  std::vector<ZoneTally> totals(zones.size());
  std::vector<const geo::MultiPolygon*> polygons;
  for (const auto& z : zones) polygons.push_back(&z.geometry);
  const geo::ZoneCover cover(grid, polygons);
  const geo::Window all = cover.bounding_window();
  if (all.empty()) return totals;
  const geo::CellAreaModel area_model = geo::io::cell_area_model(grid);
  // Strips of the zones' window (a query of a field reads a few blocks, a county its window), read in
  // order, tallied row by row in parallel, and the rows merged in row order: the same sums as the
  // season pass's, whatever the thread count.
  struct TallyStrip : StripWindows {
    std::vector<geo::Block<std::int32_t>> values;
    std::vector<std::map<std::size_t, ZoneTally>> rows;  // per row of the strip: its zones' tallies
  };
  StripPlan plan;
  plan.threads = std::max(1, threads);
  plan.tokens = std::size_t(plan.threads + 1);
  // About 16 MiB of stored values per strip, so that memory follows the thread count, not the width
  // of the zones' window (a county's strip of 256 rows would hold 45 MiB).
  std::size_t row_bytes = 0;
  for (const auto& r : readers) row_bytes += r ? std::size_t(all.cols) * sizeof(std::int32_t) : 0;
  plan.rows = int(std::clamp<std::size_t>(row_bytes ? (16u << 20) / row_bytes : 256, 16, 256));
  const Deadline deadline = thread_deadline();  // a server request's, checked on TBB's threads too
  run_strips<TallyStrip>(
      plan, grid, 0,
      [&](TallyStrip& t) {
        deadline.check();
        t.values.resize(specs.size());
        for (std::size_t p = 0; p < specs.size(); ++p)
          if (readers[p]) readers[p]->read_into(t.core, t.values[p]);
      },
      [&](TallyStrip& t) {
        const geo::Window& strip = t.core;
        const geo::Block<double> areas = area_model.areas(strip);
        std::vector<geo::ZoneCover::Part> parts;
        for (std::size_t z = 0; z < zones.size(); ++z) parts.push_back(cover.part(z, strip));
        // Products not stored tally as nodata, as the season pass tallied them.
        std::vector<std::vector<std::int32_t>> absent(specs.size());
        for (std::size_t p = 0; p < specs.size(); ++p)
          if (!readers[p] && specs[p].season_tally) absent[p].assign(std::size_t(strip.cols), std::int32_t(specs[p].nodata));
        std::vector<const std::int32_t*> row_values(specs.size());
        std::vector<StoredCell> cells(std::size_t(strip.cols));
        t.rows.resize(std::size_t(strip.rows));
        for (int r = 0; r < strip.rows; ++r) {
          const std::size_t offset = std::size_t(r) * std::size_t(strip.cols);
          for (std::size_t p = 0; p < specs.size(); ++p) row_values[p] = readers[p] ? t.values[p].data() + offset : nullptr;
          stored_cells(row_values, cells.size(), rules, grassland_types, cells.data());
          for (std::size_t p = 0; p < specs.size(); ++p)
            if (!row_values[p] && !absent[p].empty()) row_values[p] = absent[p].data();
          auto& row_tallies = t.rows[std::size_t(r)];
          tally_season_row({strip.row0 + r, strip.col0, strip.cols, row_values, cells.data(), &areas.at(r, 0)}, parts, season_zones,
                           [&](std::size_t z) -> ZoneTally& { return row_tallies[z]; });
          if (rasters.footprints)
            for (auto& [z, tally] : row_tallies) mark_sources_seen(tally, parts[z], strip.row0 + r, *rasters.footprints);
        }
        t.values.clear();
      },
      [&](TallyStrip& t) {
        for (const auto& row : t.rows)
          for (const auto& [z, tally] : row) totals[z].merge(tally);
      },
      all);
  return totals;
}

}  // namespace ecomon
