#pragma once
// Yearly season composites on one regional equal-area grid, and the series and trends built on them.
//
// Design (issue 3): every scene of a year, whatever its sensor or UTM zone, is sampled (nearest
// neighbour) onto one fixed regional grid in an equal-area CRS. Each grid cell is a ground location
// counted exactly once, whatever the overlap of scenes; its true area is the same everywhere (equal
// area), so a county's area is the coverage-weighted count of cells. Observations of a cell are
// taken in (date, product id) order, and a second clear observation of the same day (overlapping
// scenes of one pass) is ignored, so results do not depend on the order scenes are found in.
#include <string>
#include <vector>

#include "config/settings.hpp"
#include "libgeo/grid.hpp"
#include "libgeo/io/vector.hpp"
#include "report/csv_report.hpp"
#include "sensors/observation.hpp"

namespace ecomon {

/// Per-zone areas (m^2) of one year's composites.
struct YearTally {
  double total_area = 0;       // cells covered by at least one scene's data
  double observed_area = 0;    // cells with at least one clear observation in the season
  double clear_obs_area = 0;   // sum of clear observations x area (for the mean count)
  double land_area = 0;        // observed, water frequency below one half
  double fvc_area = 0;         // sum of FVC x area over land
  double forest_area = 0;
  double forest_phenology_area = 0;  // forest confirmed green in both spring and autumn
  double water_area = 0;       // permanent water
  double wetland_area = 0;     // water frequency >= the seasonal threshold (permanent included)
  double grade_area[5] = {0, 0, 0, 0, 0};
  void merge(const YearTally& o);
};

struct YearResult {
  int year = 0;
  int scenes = 0;                     // scenes used (in the season or shoulder windows)
  std::vector<YearTally> tallies;     // one per zone
  std::string fvc_product;            // the year's FVC GeoTIFF ("" if products are off)
};

/// The regional grid: the zones' bounding box in `season.grid_crs`, cut to the union of the scene
/// footprints, snapped outwards to `season.pixel_size`. Empty when they do not meet.
geo::Grid regional_grid(const std::vector<SceneProbe>& scenes, const std::vector<geo::io::Zone>& zones_in_grid_crs,
                        const Settings& settings);

/// One year's composites (products under output.dir/years/YYYY/) and zone tallies.
YearResult composite_year(int year, const std::vector<ObservationSource*>& sources, const geo::Grid& grid,
                          const std::vector<geo::io::Zone>& zones, const Settings& settings, const std::string& work_dir);

/// Per-pixel Theil-Sen slope and Mann-Kendall class of the yearly FVC (needs 3 years of products);
/// returns the paths written under output.dir/trends/.
std::vector<std::string> pixel_trends(const std::vector<YearResult>& years, const geo::Grid& grid, const Settings& settings,
                                      const std::string& work_dir);

const std::vector<ReportColumn>& timeseries_columns();
const std::vector<ReportColumn>& trend_columns();
void write_timeseries(const std::string& path, const std::vector<geo::io::Zone>& zones, const std::vector<YearResult>& years,
                      const std::string& headers);
void write_trends(const std::string& path, const std::vector<geo::io::Zone>& zones, const std::vector<YearResult>& years,
                  double alpha, const std::string& headers);

/// The yearly series as an aligned text table (zones with data only), for the terminal.
std::string format_series_table(const std::vector<geo::io::Zone>& zones, const std::vector<YearResult>& years);

/// Month-day ("07-15") of a YYYY-MM-DD date.
inline std::string month_day(const std::string& date) { return date.size() >= 10 ? date.substr(5, 5) : ""; }

}  // namespace ecomon
