#include "ground/plots.hpp"

#include <algorithm>
#include <functional>
#include <map>
#include <set>
#include <tuple>

#include "config/schema.hpp"
#include "config/settings.hpp"
#include "libgeo/io/projection.hpp"
#include "ground/table_fields.hpp"
#include "libgeo/io/table.hpp"
#include "sensors/identifiers.hpp"

namespace ecomon {

// Config keys read here (config/schema.hpp; their table: config/README.md).
namespace {

using namespace config_keys;

// calibration
const ConfigKeys keys_calibration(130, {
    {KEY(calibration, plots_file),
     Kind::path,
     "",
     0,
     0,
     {},
     "Ground plots, CSV with columns plot_id, lon, lat (WGS84), date (YYYY-MM-DD), cover_pct (measured vegetation cover, %). Each "
     "plot calibrates the season of its year: it is matched to its cell of the peak composite, the plots on observed grassland fit a "
     "line from satellite cover to measured cover, and grassland_cover_pct goes through it (\"Ground-plot calibration\" below). "
     "Every plot and its status: calibration_plots.csv; the line per year: calibration.csv.",
     "(none: uncalibrated)"},
    {KEY(calibration, min_plots),
     Kind::integer,
     "plots",
     3,
     100000,
     {},
     "Matched plots (on observed grassland) a year needs for its line; with fewer, that year is uncalibrated (a method step if "
     "others are calibrated)."}
});

}  // namespace

std::vector<GroundPlot> load_ground_plots(const std::string& path) {
  geo::io::Table t;
  try {
    t = geo::io::read_csv_table(path);
  } catch (const std::exception& e) {
    throw ConfigError(std::string("calibration.plots_file: ") + e.what());
  }
  const char* names[] = {"plot_id", "lon", "lat", "date", "cover_pct"};
  int col[5];
  for (int k = 0; k < 5; ++k)
    if ((col[k] = t.column(names[k])) < 0)
      throw ConfigError(path + ": no column '" + names[k] + "' (ground plots need plot_id, lon, lat, date, cover_pct)");
  std::vector<GroundPlot> plots;
  std::set<std::pair<std::string, std::string>> seen;
  for (std::size_t r = 0; r < t.rows.size(); ++r) {
    GroundPlot p;
    p.row = int(r + 1);
    p.id = t.rows[r][std::size_t(col[0])];
    if (p.id.empty()) throw ConfigError(table_row(path, r) + ": plot_id is empty");
    const geo::Point at = table_lonlat(t, r, col[1], col[2], " (plot " + p.id + ")");
    p.lon = at.x, p.lat = at.y;
    p.date = t.rows[r][std::size_t(col[3])];
    if (const std::string problem = iso_date_problem(p.date); !problem.empty())
      throw ConfigError(table_row(path, r) + " (plot " + p.id + "): date '" + p.date + "' is not YYYY-MM-DD (" + problem + ")");
    p.year = std::stoi(p.date.substr(0, 4));
    p.cover_pct = table_number(t, r, col[4]);
    if (p.cover_pct < 0 || p.cover_pct > 100)
      throw ConfigError(table_row(path, r) + " (plot " + p.id + "): cover_pct " + t.rows[r][std::size_t(col[4])] +
                        " is outside 0-100 (measured cover in percent)");
    if (!seen.emplace(p.id, p.date).second) throw ConfigError(table_row(path, r) + ": plot " + p.id + " is listed twice for " + p.date);
    plots.push_back(std::move(p));
  }
  if (plots.empty()) throw ConfigError(path + ": no plot rows");
  // Cover written as fractions (0-1) passes the 0-100 check row by row and would fit a line of slope
  // about 0.01: a grassland cover of under 1% marked calibrated. Cover under 1% on every plot is not
  // a grassland survey, so the file is refused, with the fix.
  const auto largest = std::max_element(plots.begin(), plots.end(),
                                        [](const GroundPlot& a, const GroundPlot& b) { return a.cover_pct < b.cover_pct; });
  if (largest->cover_pct <= 1.0 && largest->cover_pct > 0)
    throw ConfigError(path + ": every plot's cover_pct is between 0 and 1 (largest " + t.rows[std::size_t(largest->row - 1)][std::size_t(col[4])] +
                      ", plot " + largest->id + "): these look like fractions, but cover_pct is percent (0-100); multiply them by 100");
  return plots;
}

const char* plot_status_name(PlotStatus s) {
  switch (s) {
    case PlotStatus::matched:
      return "matched";
    case PlotStatus::outside_data:
      return "outside_data";
    case PlotStatus::unobserved:
      return "unobserved";
    case PlotStatus::not_grassland:
      return "not_grassland";
  }
  return "";
}

std::vector<PlotCell> points_on_grid(std::size_t count, const std::function<GroundPoint(std::size_t)>& point_of, int year,
                                     const geo::Grid& grid, std::vector<PlotMatch>& outside) {
  std::vector<std::size_t> of_year;
  std::vector<geo::Point> points;
  for (std::size_t k = 0; k < count; ++k) {
    const GroundPoint p = point_of(k);
    if (p.year == year || p.year == 0) of_year.push_back(k), points.push_back({p.lon, p.lat});
  }
  std::vector<PlotCell> cells;
  if (points.empty()) return cells;
  geo::io::CoordinateTransformer(geo::io::crs_wkt("EPSG:4326"), grid.crs_wkt).transform(points);
  for (std::size_t i = 0; i < of_year.size(); ++i) {
    const double c = grid.transform.x_to_col(points[i].x), r = grid.transform.y_to_row(points[i].y);
    if (c >= 0 && c < grid.cols && r >= 0 && r < grid.rows)
      cells.push_back({of_year[i], int(c), int(r)});
    else
      outside.push_back({of_year[i], PlotStatus::outside_data, std::nan(""), LandCover::unknown});
  }
  std::sort(cells.begin(), cells.end(),
            [](const PlotCell& a, const PlotCell& b) { return std::tie(a.row, a.plot) < std::tie(b.row, b.plot); });
  return cells;
}

std::vector<PlotCell> plots_on_grid(const std::vector<GroundPlot>& plots, int year, const geo::Grid& grid,
                                    std::vector<PlotMatch>& outside) {
  return points_on_grid(
      plots.size(),
      [&](std::size_t k) {
        return GroundPoint{plots[k].lon, plots[k].lat, plots[k].year};
      },
      year, grid, outside);
}

Calibration fit_calibration(std::vector<PlotMatch> matches, const std::vector<GroundPlot>& plots, int min_plots) {
  Calibration c;
  std::sort(matches.begin(), matches.end(), [](const PlotMatch& a, const PlotMatch& b) { return a.plot < b.plot; });
  c.matches = std::move(matches);
  std::vector<double> satellite, measured;
  for (const PlotMatch& m : c.matches)
    if (m.status == PlotStatus::matched) satellite.push_back(m.satellite_cover), measured.push_back(plots[m.plot].cover_pct / 100);
  const int n = int(satellite.size());
  if (n < std::max(3, min_plots)) {
    c.problem = std::to_string(n) + " plot(s) on observed grassland, fewer than calibration.min_plots (" + std::to_string(min_plots) + ")";
    return c;
  }
  if (std::adjacent_find(satellite.begin(), satellite.end(), std::not_equal_to<>()) == satellite.end()) {
    c.problem = "every matched plot has the same satellite cover; no line can be fitted";
    return c;
  }
  c.fit = geo::fit_line(satellite, measured);
  // Residuals by zone: the variance component shared within a zone.
  std::map<int, std::vector<double>> residuals;
  for (const PlotMatch& m : c.matches)
    if (m.status == PlotStatus::matched && m.zone >= 0)
      residuals[m.zone].push_back(plots[m.plot].cover_pct / 100 - c.fit->predict(m.satellite_cover));
  double total = 0, count = 0, sum_squares_n = 0;
  int groups = 0;
  for (const auto& [zone, r] : residuals)
    if (r.size() >= 2) {
      ++groups;
      count += double(r.size()), sum_squares_n += double(r.size() * r.size());
      for (double v : r) total += v;
    }
  c.zones_with_plots = groups;
  if (groups >= 2) {
    const double grand = total / count;
    double within = 0, between = 0;
    for (const auto& [zone, r] : residuals) {
      if (r.size() < 2) continue;
      double mean = 0;
      for (double v : r) mean += v;
      mean /= double(r.size());
      for (double v : r) within += (v - mean) * (v - mean);
      between += double(r.size()) * (mean - grand) * (mean - grand);
    }
    const double msw = within / (count - groups), msb = between / (groups - 1);
    const double n0 = (count - sum_squares_n / count) / (groups - 1);
    c.between_zone_variance = std::max(0.0, (msb - msw) / n0);
  }
  // A line per grassland type with enough plots of its own (a type layer given).
  std::map<std::uint16_t, std::pair<std::vector<double>, std::vector<double>>> by_type;
  for (const PlotMatch& m : c.matches)
    if (m.status == PlotStatus::matched && m.grassland_type != 0) {
      by_type[m.grassland_type].first.push_back(m.satellite_cover);
      by_type[m.grassland_type].second.push_back(plots[m.plot].cover_pct / 100);
    }
  for (const auto& [type, xy] : by_type) {
    const auto& x = xy.first;
    if (int(x.size()) < std::max(3, min_plots) || std::adjacent_find(x.begin(), x.end(), std::not_equal_to<>()) == x.end()) continue;
    c.type_fits.emplace(type, geo::fit_line(xy.first, xy.second));
  }
  return c;
}

Calibration::Mean Calibration::calibrated_mean(double satellite_mean, std::uint16_t grassland_type) const {
  const auto own = type_fits.find(grassland_type);
  const geo::LinearFit& line = own != type_fits.end() ? own->second : *fit;
  const double value = line.predict(satellite_mean);
  const double half = geo::student_t_quantile(0.975, line.degrees_of_freedom()) * line.mean_response_se(satellite_mean);
  auto unit = [](double v) { return std::clamp(v, 0.0, 1.0); };
  return {unit(value), unit(value - half), unit(value + half)};
}

}  // namespace ecomon
