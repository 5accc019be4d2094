#pragma once
// A year's zone figures from the season products' stored values: the one accumulation that the
// season pass runs on the values it is about to write, and that a re-tally runs on the rasters a run
// wrote (a polygon query, a check of a workspace). Both walk the same rows in the same order with the
// same cell areas and coverage fractions, so they agree to the last bit.
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "libgeo/grid.hpp"
#include "libgeo/io/reader_pool.hpp"
#include "libgeo/io/vector.hpp"
#include "libgeo/zone_cover.hpp"
#include "products/season_cell.hpp"
#include "rules/cell_rules.hpp"
#include "rules/zone_tally.hpp"

namespace ecomon {

/// One row of stored values: per season product (season_products() order) a pointer to the row's
/// values from column `col0` (nullptr: not stored), the cells they decode to (stored_cells()) and the
/// cells' areas (m^2), all from column col0.
struct StoredRow {
  int row = 0, col0 = 0, cols = 0;
  std::vector<const std::int32_t*> values;
  const StoredCell* cells = nullptr;
  const double* areas = nullptr;
};

/// Adds the row to each zone it crosses (parts: ZoneCover::part() of each zone over a window holding
/// the row), through the products' own tallies, cells in column order. `row_tally(z)`: the zone's
/// tally of this row (a fresh one per row, merged in row order by the caller).
void tally_season_row(const StoredRow& row, const std::vector<geo::ZoneCover::Part>& parts, const std::vector<SeasonZone>& zones,
                      const std::function<ZoneTally&(std::size_t)>& row_tally);

/// The season products the tallies read (their mean, area or class), and those stored_cells() decodes.
std::vector<std::string> tallied_season_products();

/// Where each source (scene) of a year has data on the regional grid: YearResult::source_footprints.
using SourceFootprints = std::vector<std::vector<std::int32_t>>;
/// The runs of one grid row of a source's cells with data, appended to `runs` (row order kept when
/// rows are given in order): `has_data(k)` for the row's cells k = 0..cols-1 from column col0.
template <typename HasData>
void append_footprint_row(std::vector<std::int32_t>& runs, int row, int col0, int cols, HasData&& has_data) {
  for (int k = 0; k < cols;) {
    if (!has_data(k)) {
      ++k;
      continue;
    }
    const int start = k;
    while (k < cols && has_data(k)) ++k;
    runs.insert(runs.end(), {row, col0 + start, col0 + k});
  }
}
/// Marks in `t` (a zone's tally of grid row `row`, its cells in `part`) the sources with data in a
/// cell of the row the zone covers: the zone's count of scenes, from the footprints alone. Does
/// nothing to a row without data (total_area 0), as the season pass never counts one.
void mark_sources_seen(ZoneTally& t, const geo::ZoneCover::Part& part, int row, const SourceFootprints& footprints);

/// The rasters of a year as a run wrote them: product name -> path (a product without a file is
/// absent; GRASSLAND_TYPE is there when the year had a grassland-type layer). `readers`: where to
/// borrow open readers of them (a workspace's, kept across a server's requests); none: each tally
/// opens its own.
struct StoredYearRasters {
  std::map<std::string, std::string> paths;
  geo::io::ReaderPool* readers = nullptr;
  const SourceFootprints* footprints = nullptr;  // the year's (YearResult::source_footprints); none: no scene counted
};

/// Every zone's tally of a year re-made from its stored rasters on `grid`, as the season pass made it
/// (every field but the sample's units, which come from the sample, not the rasters; the scenes seen
/// come from the footprints). Throws std::runtime_error naming a tallied product that is missing (not selected
/// by output.products, so not written) or a raster not on the grid. `threads`: the rows are tallied
/// on that many threads; the sums are the same for any count.
std::vector<ZoneTally> tally_stored_year(const StoredYearRasters& rasters, const geo::Grid& grid, const std::vector<geo::io::Zone>& zones,
                                         const std::vector<SeasonZone>& season_zones, const CellRules& rules, int threads = 1);

}  // namespace ecomon
