// `ecomon sample-design`: a stratified random reference sample for a run's year, to label in the
// field or on high-resolution imagery and hand back as accuracy.samples_file. Strata are zone x map
// class (LANDCOVER), so that each county gets a stratified estimate of its own (the within-unit
// estimator of ground/reference_sample.hpp) and rare classes (shrubland, water) get enough units to
// estimate their errors (Olofsson et al. 2014, Remote Sensing of Environment 148:42-57, sec. 5.1.2:
// stratified random sampling with a minimum per stratum).
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <ostream>
#include <random>

#include "app/commands.hpp"
#include "base/errors.hpp"
#include "base/output_folder.hpp"
#include "catalog/workspace_catalog.hpp"
#include "config/settings.hpp"
#include "engine/season_engine.hpp"
#include "libgeo/io/projection.hpp"
#include "libgeo/io/raster.hpp"
#include "libgeo/io/vector.hpp"
#include "base/csv.hpp"
#include "rules/cell_rules.hpp"

namespace ecomon {

namespace {

namespace fs = std::filesystem;

struct Stratum {
  std::size_t cells = 0;  // cells of the zone's class
  double area = 0;        // their area (m^2)
  std::size_t wanted = 0;
  std::vector<std::pair<int, int>> chosen;  // (row, col), reservoir
};

const std::vector<ReportColumn>& sample_design_columns() {
  static const std::vector<ReportColumn> cols = {
      {"point_id", "样点编号", "zone code - map class - number"},
      {"lon", "经度", "WGS84 longitude of the cell centre"},
      {"lat", "纬度", "WGS84 latitude of the cell centre"},
      {"stratum", "层", "zone code/map class"},
      {"unit_code", "单元代码", "zone code"},
      {"map_class", "图面类别", "LANDCOVER class of the cell in the year's map"},
      {"stratum_area_m2", "层面积(m²)", "the stratum's area (its cells' ellipsoidal area): the design's weight, read back by the run"},
      {"stratum_cells", "层像元数", "the stratum's cells: with the points drawn, the finite population correction"},
      {"year", "年份", "the map year the point labels"},
      {"class", "参考类别", "to fill: what is on the ground (tree, shrubland, grassland, cropland, water, wetland, bare, built_up)"},
      {"forest", "森林", "optional, to fill: yes when the point is forest on the official definition, no when not"},
  };
  return cols;
}

}  // namespace

std::size_t sample_design_command(const SampleDesignOptions& o, std::ostream& log) {
  geo::io::initialise_gdal(64);
  const std::string year = std::to_string(o.year);
  const std::string map_path = (fs::path(o.output_dir) / "years" / year / ("ecomon_" + year + "_LANDCOVER.tif")).string();
  const std::string zones_path = (fs::path(o.output_dir) / "zones.gpkg").string();
  if (!fs::exists(map_path))
    throw ConfigError(map_path + ": no land cover map of " + year + " in " + o.output_dir + " (run `ecomon run` on that year's scenes first, with output.products selecting season/LANDCOVER)");
  if (!fs::exists(zones_path)) throw ConfigError(zones_path + ": missing (an output folder of `ecomon run` holds the zones it used)");
  if (o.output.empty()) throw ConfigError("sample-design: -o points.csv is required");
  refuse_workspace_file(o.output, "-o");
  refuse_workspace_file(fs::path(o.output).replace_extension(".gpkg").string(), "-o (its .gpkg)");
  const geo::io::RasterReader map(map_path);
  const geo::Grid& grid = map.grid();
  std::vector<geo::io::Zone> zones;
  try {
    zones = geo::io::read_zones({zones_path, "code", "name", "zones"}, grid.crs_wkt);
  } catch (const geo::io::IoError& e) {
    throw ZonesError(e.what());
  }
  const geo::ZoneCover zone_cover = geo::io::zone_cover(zones, grid);
  const geo::CellAreaModel areas = geo::io::cell_area_model(grid);
  const std::vector<geo::Window> strips = geo::strips(grid, 256);

  // Pass 1: the strata's sizes.
  std::map<std::pair<int, int>, Stratum> strata;  // (zone, class)
  for (const geo::Window& w : strips) {
    const auto classes = map.read<std::uint8_t>(w);
    const auto cell = areas.areas(w);
    const std::vector<int> zone = zones_of_cells(zone_cover, w);
    for (std::size_t i = 0; i < classes.size(); ++i) {
      if (zone[i] < 0 || classes[i] < 1 || classes[i] >= kLandCoverClasses) continue;
      Stratum& s = strata[{zone[i], classes[i]}];
      s.cells += 1, s.area += cell[i];
    }
  }
  if (strata.empty()) throw ConfigError(map_path + ": no classed cell inside the zones of " + zones_path);

  // Sizes. A fixed number per stratum, or per zone the sample that gives its overall accuracy the
  // standard error aimed at: n = (sum_h W_h S_h / S(O))^2 with S_h = sqrt(U_h (1 - U_h)) for the
  // user's accuracy expected of each class (Olofsson et al. 2014, eq. 13; Cochran 1977, eq. 5.25),
  // spread over the classes by area, each at least the floor.
  std::map<int, double> zone_area;
  for (const auto& [key, s] : strata) zone_area[key.first] += s.area;
  const double s_h = std::sqrt(o.expected_users_accuracy * (1 - o.expected_users_accuracy));
  const double target_se = o.target_se.value_or(0.025);
  for (auto& [key, s] : strata) {
    std::size_t n = 0;
    if (o.per_stratum) {
      n = std::size_t(*o.per_stratum);
    } else {
      const double zone_n = std::ceil(std::pow(s_h / target_se, 2));  // sum_h W_h S_h = S_h for one U
      n = std::max(std::size_t(o.min_per_stratum), std::size_t(std::ceil(zone_n * s.area / zone_area[key.first])));
    }
    s.wanted = std::min(n, s.cells);
  }

  // Pass 2: a simple random sample of each stratum's cells, by reservoir (Vitter's algorithm R) in
  // row-major order from one generator: the same seed gives the same points.
  std::mt19937_64 random(o.seed);
  std::map<std::pair<int, int>, std::size_t> seen;
  for (const geo::Window& w : strips) {
    const auto classes = map.read<std::uint8_t>(w);
    const std::vector<int> zone = zones_of_cells(zone_cover, w);
    for (std::size_t i = 0; i < classes.size(); ++i) {
      if (zone[i] < 0 || classes[i] < 1 || classes[i] >= kLandCoverClasses) continue;
      const std::pair<int, int> key{zone[i], classes[i]};
      Stratum& s = strata[key];
      std::size_t& k = seen[key];
      const std::pair<int, int> cell{w.row0 + int(i) / w.cols, w.col0 + int(i) % w.cols};
      if (k < s.wanted) {
        s.chosen.push_back(cell);
      } else {
        const std::uint64_t j = random() % (k + 1);
        if (j < s.wanted) s.chosen[j] = cell;
      }
      ++k;
    }
  }

  std::vector<std::vector<std::string>> rows;
  std::vector<geo::Point> points;
  for (auto& [key, s] : strata) {
    std::sort(s.chosen.begin(), s.chosen.end());
    const geo::io::Zone& z = zones[std::size_t(key.first)];
    const std::string cls = land_cover_name(LandCover(key.second));
    log << "sample-design: " << z.code << " " << z.name << ", " << cls << ": " << s.chosen.size() << " of " << s.cells << " cells ("
        << format_fixed(s.area / 1e6, 2) << " km2)\n";
    for (std::size_t k = 0; k < s.chosen.size(); ++k) {
      points.push_back({grid.transform.col_to_x(s.chosen[k].second + 0.5), grid.transform.row_to_y(s.chosen[k].first + 0.5)});
      rows.push_back({z.code + "-" + cls + "-" + std::to_string(k + 1), "", "", z.code + "/" + cls, z.code, cls, format_fixed(s.area, 3),
                      std::to_string(s.cells), year, "", ""});
    }
  }
  geo::io::CoordinateTransformer(grid.crs_wkt, geo::io::crs_wkt("EPSG:4326")).transform(points);
  for (std::size_t k = 0; k < rows.size(); ++k) rows[k][1] = format_fixed(points[k].x, 7), rows[k][2] = format_fixed(points[k].y, 7);
  try {
    write_csv(o.output, sample_design_columns(), rows, "en");
    std::vector<std::string> names;
    for (const auto& c : sample_design_columns()) names.push_back(c.key);
    geo::io::write_points_gpkg(fs::path(o.output).replace_extension(".gpkg").string(), "sample", names, rows, points);
  } catch (const geo::io::IoError& e) {
    throw OutputError(e.what());
  }
  log << "sample-design: " << rows.size() << " points in " << strata.size() << " strata (zone x map class) -> " << o.output << " and "
      << fs::path(o.output).replace_extension(".gpkg").string() << "; label `class` (and `forest` where it matters) and set "
      << "accuracy.samples_file to the labelled file\n";
  return rows.size();
}

}  // namespace ecomon
