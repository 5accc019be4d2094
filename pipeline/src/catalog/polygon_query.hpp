#pragma once
// A polygon query over a workspace: the indicators of county_timeseries.csv for any polygon, from
// what the runs wrote, never from a scene. The year rasters are re-tallied under the polygon by the
// season pass's own row tally (engine/season_tally.hpp), and the figures come from the indicator
// registry with the year's stored calibration and sample, so the query of a county's polygon is that
// county's row. A zone of the run (`--zone CODE`) is answered from its stored tallies, reading no
// raster. For pairs of years: the land cover transitions inside the polygon and the carbon stock
// change with its interval.
#include <string>
#include <utility>
#include <vector>

#include "carbon/stock_change.hpp"
#include "catalog/workspace.hpp"
#include "libgeo/io/vector.hpp"
#include "results/transition_result.hpp"
#include "results/year_result.hpp"

namespace ecomon {

/// One year of an answer: the year's results as the polygon's row reads them (tallies: the
/// polygon's alone; the sample's units inside it marked as its own).
struct QueryYear {
  YearResult result;
  /// The reference sample inside the polygon: "" (the year has none), "assessed" (the areas and
  /// forest coverage are the sample's domain estimates), "not_assessed" (fewer than `units_needed`
  /// of its units inside: the map's figures only, no confidence interval).
  std::string sample_status;
  std::size_t sample_units_inside = 0;
  int sample_units_needed = 0;
};

struct QueryAnswer {
  geo::io::Zone zone;  // the polygon on the workspace's grid, with its ellipsoidal area
  std::vector<std::pair<std::string, std::string>> properties;  // the feature's, carried through
  std::string source;                                           // "rasters" (a polygon) or "stored tallies" (a zone of the run)
  std::vector<QueryYear> years;                                 // ascending
  std::vector<TransitionResult> transitions;                    // by pair of years (carbon.pairs over the years asked)
  std::vector<CarbonChange> carbon;                             // by pair, with the year's carbon settings
  std::vector<std::string> notes;                               // what could not be answered, and why
  bool outside_data = false;                                    // the polygon misses the workspace's grid
};

/// The years to answer: `asked` (empty: every year of the workspace) that the workspace has; throws
/// std::out_of_range naming a year it lacks and the years it has.
std::vector<int> query_years(const Workspace& ws, const std::vector<int>& asked);

/// The answer for a polygon given on the workspace's grid (geo::io::read_query_polygons).
QueryAnswer query_polygon(const Workspace& ws, geo::io::QueryPolygon polygon, const std::vector<int>& years);
/// The answer for a zone of the run, from its stored tallies; throws std::out_of_range naming an
/// unknown code and the codes there are.
QueryAnswer query_zone(const Workspace& ws, const std::string& code, const std::vector<int>& years);

/// The answers as JSON: one object for one answer, an array for several. Per year, every column of
/// county_timeseries.csv with its Chinese name, unit, value and text; for the indicators a target
/// may name, the interval and what it accounts for (`ci95_low`/`ci95_high` only when it is a
/// statistical interval, else `bounds_low`/`bounds_high`).
std::string answers_json(const std::vector<QueryAnswer>& answers);
/// The answers as CSV: county_timeseries.csv's header and one row per polygon and year, cell for cell
/// as the run writes them.
std::string answers_csv(const std::vector<QueryAnswer>& answers, const std::string& headers);

/// The answers as a terminal table: the main indicators by year (with their 95% intervals where they
/// are statistical), the sample's status, the largest land cover changes and the carbon stock change.
std::string answers_text(const std::vector<QueryAnswer>& answers);

}  // namespace ecomon
