#pragma once
// Ground plots and the calibration of satellite cover to measured cover (calibration.plots_file).
//
// Each plot is matched to its cell of the year's peak composite (the FVC of the maximum-NDVI
// composite, engine/season_engine.cpp); plots on grassland fit a line from satellite cover to
// measured cover (libgeo/regression.hpp), which the grassland cover of every zone then goes
// through (products/indicators.cpp). Because the line is linear, the calibrated mean of a zone is
// the line at the zone's satellite mean, and its error is the standard error of the fitted mean
// response there: the error of a mean, not a plot's RMSE.
#include <cmath>
#include <cstddef>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "base/fields.hpp"
#include "libgeo/grid.hpp"
#include "libgeo/regression.hpp"
#include "rules/cell_rules.hpp"

namespace ecomon {

struct GroundPlot {
  std::string id;
  double lon = 0, lat = 0;  // WGS84 degrees
  std::string date;         // YYYY-MM-DD: the plot calibrates the season of its year
  int year = 0;
  double cover_pct = 0;  // measured vegetation cover, percent
  int row = 0;           // data row in the file (1 = first row after the header), for messages
};

/// Reads a plots CSV (columns plot_id, lon, lat, date, cover_pct; others ignored). Throws
/// ConfigError naming the file, and the row for a bad value: a missing column, a number that is
/// not one, a point that is not a WGS84 longitude/latitude, a date that is not a real YYYY-MM-DD calendar date, a cover
/// outside 0-100, a repeated plot id on the same date, no rows.
std::vector<GroundPlot> load_ground_plots(const std::string& path);

enum class PlotStatus { matched, outside_data, unobserved, not_grassland };
const char* plot_status_name(PlotStatus status);

/// A plot of the year on the regional grid.
struct PlotCell {
  std::size_t plot = 0;  // index into the plots
  int col = 0, row = 0;
};

/// What the season found under a plot.
struct PlotMatch {
  std::size_t plot = 0;
  PlotStatus status = PlotStatus::outside_data;
  double satellite_cover = std::nan("");  // peak-composite FVC, 0-1 (observed cells)
  LandCover land_cover = LandCover::unknown;
  std::uint16_t grassland_type = 0;  // with a grassland-type layer: the type code of the plot's cell (0 none)
  int zone = -1;                     // the zone (index) holding most of the plot's cell, -1 none

  static constexpr auto fields() {
    return std::make_tuple(field("plot", &PlotMatch::plot), field("status", &PlotMatch::status), field("satellite_cover", &PlotMatch::satellite_cover),
                           field("land_cover", &PlotMatch::land_cover), field("grassland_type", &PlotMatch::grassland_type),
                           field("zone", &PlotMatch::zone));
  }
};

/// One year's calibration: every plot of the year and the line fitted to the matched ones.
struct Calibration {
  std::vector<PlotMatch> matches;                     // every plot dated in the year, in file order
  std::optional<geo::LinearFit> fit;                  // measured cover (0-1) on satellite cover (0-1), from >= calibration.min_plots
  std::map<std::uint16_t, geo::LinearFit> type_fits;  // per grassland type with >= calibration.min_plots plots of its own
  std::string problem;                                // why there is no fit (too few matched plots, all at one cover)
  /// The between-zone variance of the line's residuals (cover fraction squared): the part of a
  /// zone's error shared by all its cells, which the line's error of the mean (independent plots)
  /// leaves out. One-way random-effects ANOVA over the zones with at least 2 matched plots,
  /// sigma_b^2 = max(0, (MSB - MSW) / n0) (Searle, Casella & McCulloch 1992, Variance Components,
  /// sec. 3.5); 0 when fewer than 2 zones have 2 plots (`zones_with_plots` says how many).
  double between_zone_variance = 0;
  int zones_with_plots = 0;
  bool applied() const { return fit.has_value(); }
  /// The calibrated mean cover (0-1) of an area of a grassland type whose satellite mean cover is
  /// `satellite_mean`, through the type's own line when it has one, else the pooled line (type 0, no
  /// type, never has its own), with the bounds of its 95% interval (t quantile, n - 2 degrees of
  /// freedom), clamped to 0-1.
  struct Mean {
    double value, low, high;
  };
  Mean calibrated_mean(double satellite_mean, std::uint16_t grassland_type = 0) const;

  /// As a catalog stores it (base/fields.hpp): the matches only; the lines are fitted again from them
  /// on load (fit_calibration), so that a stored year cannot drift from the function that fits.
  static constexpr auto fields() {
    return std::make_tuple(field("matches", &Calibration::matches), field<Storage::derived>("fit", &Calibration::fit),
                           field<Storage::derived>("type_fits", &Calibration::type_fits), field<Storage::derived>("problem", &Calibration::problem),
                           field<Storage::derived>("between_zone_variance", &Calibration::between_zone_variance),
                           field<Storage::derived>("zones_with_plots", &Calibration::zones_with_plots));
  }
};

/// A point on the ground dated in a year (0: every year).
struct GroundPoint {
  double lon = 0, lat = 0;
  int year = 0;
};
/// The points of `year` (and those of every year) on the grid, by row; `point_of(k)` gives point k.
/// Points outside the grid are returned in `outside` as outside_data matches.
std::vector<PlotCell> points_on_grid(std::size_t count, const std::function<GroundPoint(std::size_t)>& point_of, int year,
                                     const geo::Grid& grid, std::vector<PlotMatch>& outside);

/// The plots dated in `year` on the grid (cells outside it are returned in `outside` as
/// outside_data matches).
std::vector<PlotCell> plots_on_grid(const std::vector<GroundPlot>& plots, int year, const geo::Grid& grid, std::vector<PlotMatch>& outside);

/// Sorts the year's matches into file order and fits the line when at least `min_plots` matched.
Calibration fit_calibration(std::vector<PlotMatch> matches, const std::vector<GroundPlot>& plots, int min_plots);

}  // namespace ecomon
