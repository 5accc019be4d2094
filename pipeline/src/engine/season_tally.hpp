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

/// The rasters of a year as a run wrote them: product name -> path (a product without a file is
/// absent; GRASSLAND_TYPE is there when the year had a grassland-type layer). `readers`: where to
/// borrow open readers of them (a workspace's, kept across a server's requests); none: each tally
/// opens its own.
struct StoredYearRasters {
  std::map<std::string, std::string> paths;
  geo::io::ReaderPool* readers = nullptr;
};

/// Every zone's tally of a year re-made from its stored rasters on `grid`, as the season pass made it
/// (every field but the scenes seen and the sample's units, which come from the scenes and the sample,
/// not the rasters). Throws std::runtime_error naming a tallied product that is missing (not selected
/// by output.products, so not written) or a raster not on the grid. `threads`: the rows are tallied
/// on that many threads; the sums are the same for any count.
std::vector<ZoneTally> tally_stored_year(const StoredYearRasters& rasters, const geo::Grid& grid, const std::vector<geo::io::Zone>& zones,
                                         const std::vector<SeasonZone>& season_zones, const CellRules& rules, int threads = 1);

}  // namespace ecomon
