// `ecomon accuracy`: a class map checked against a reference sample of labelled points, with the
// area-adjusted estimator of Olofsson et al. (2014) (libgeo/area_estimate.hpp). The map's classes
// are the strata; mapped areas are ellipsoidal (libgeo/cell_area.hpp), so they are true areas
// whatever the map's projection.
#include <cmath>
#include <map>
#include <optional>
#include <ostream>
#include <set>

#include "app/commands.hpp"
#include "report/accuracy_writer.hpp"
#include "base/errors.hpp"
#include "libgeo/area_estimate.hpp"
#include "libgeo/cell_area.hpp"
#include "libgeo/io/projection.hpp"
#include "libgeo/io/raster.hpp"
#include "libgeo/io/table.hpp"
#include "ground/table_fields.hpp"
#include "base/csv.hpp"

namespace ecomon {

namespace {

// Class codes are integers a class map stores (at most 32 bits); a larger number is no class and
// would overflow the integer it is kept in.
constexpr double kLargestCode = 2147483647.0;
// The estimator keeps a class-by-class matrix: a map with more distinct codes than this is not a
// class map (a continuous or an identifier raster), and its matrix would not fit in memory. Land
// cover legends have tens of classes (WorldCover 11, CLCD 9, CORINE 44).
constexpr std::size_t kMaxClasses = 1000;

struct Sample {
  double lon = 0, lat = 0;
  long reference_class = 0;
};

std::vector<Sample> read_samples(const std::string& path) {
  geo::io::Table t;
  try {
    t = geo::io::read_csv_table(path);
  } catch (const geo::io::IoError& e) {
    throw ConfigError(e.what());
  }
  const int lon = t.column("lon"), lat = t.column("lat"), cls = t.column("class");
  for (const auto& [name, index] : {std::pair{"lon", lon}, {"lat", lat}, {"class", cls}})
    if (index < 0) throw ConfigError(path + ": no column '" + name + "' (a reference sample needs lon, lat, class)");
  std::vector<Sample> out;
  for (std::size_t r = 0; r < t.rows.size(); ++r) {
    const geo::Point at = table_lonlat(t, r, lon, lat);
    Sample s{at.x, at.y, 0};
    const double c = table_number(t, r, cls);
    if (c != std::floor(c) || std::abs(c) > kLargestCode)
      throw ConfigError(table_row(path, r) + ": class " + t.rows[r][std::size_t(cls)] + " is not a class code (an integer of at most " +
                        std::to_string(long(kLargestCode)) + " in size)");
    s.reference_class = long(c);
    out.push_back(s);
  }
  if (out.empty()) throw ConfigError(path + ": no sample rows");
  return out;
}

ConfigError too_many_classes(const std::string& what, const std::string& holding) {
  return ConfigError(what + ": " + holding + " more than " + std::to_string(kMaxClasses) +
                     " distinct class codes; an accuracy assessment stratifies by class, so the map must be a class map (land "
                     "cover codes), not a continuous or identifier raster");
}

}  // namespace

void accuracy_command(const AccuracyOptions& o, std::ostream& out) {
  geo::io::initialise_gdal(64);
  const std::vector<Sample> samples = read_samples(o.samples);
  const geo::io::RasterReader map(o.map);
  const geo::Grid& grid = map.grid();
  if (grid.crs_wkt.empty()) throw ConfigError(o.map + ": has no CRS; the sample's coordinates cannot be placed on it");
  const auto nodata = map.nodata();
  // The class code of a map value (none for no data); `where` says where, for the error only.
  auto class_of = [&](double v, auto where) -> std::optional<long> {
    if (std::isnan(v) || (nodata && v == *nodata)) return std::nullopt;
    if (v != std::floor(v) || std::abs(v) > kLargestCode)
      throw ConfigError(o.map + ": value " + std::to_string(v) + " at " + where() + " is not a class code");
    return long(v);
  };

  // Mapped area of every class, strip by strip.
  std::map<long, double> mapped_m2;
  const geo::CellAreaModel areas = geo::io::cell_area_model(grid);
  for (const geo::Window& w : geo::strips(grid, 256)) {
    const geo::Block<double> values = map.read<double>(w);
    const geo::Block<double> cell = areas.areas(w);
    for (std::size_t i = 0; i < values.size(); ++i)
      if (const auto c = class_of(values[i], [&] { return "row " + std::to_string(w.row0 + int(i) / w.cols); })) mapped_m2[*c] += cell[i];
    if (mapped_m2.size() > kMaxClasses) throw too_many_classes(o.map, "its cells hold");
  }

  // The map class under every sample unit.
  std::vector<geo::Point> points;
  for (const Sample& s : samples) points.push_back({s.lon, s.lat});
  geo::io::CoordinateTransformer(geo::io::crs_wkt("EPSG:4326"), grid.crs_wkt).transform(points);
  std::vector<long> map_class(samples.size());
  std::set<long> classes;
  for (const auto& [c, a] : mapped_m2) classes.insert(c);
  for (std::size_t k = 0; k < samples.size(); ++k) {
    const std::string row = o.samples + ", row " + std::to_string(k + 1);
    const double col = grid.transform.x_to_col(points[k].x), r = grid.transform.y_to_row(points[k].y);
    if (!(col >= 0 && col < grid.cols && r >= 0 && r < grid.rows))
      throw ConfigError(row + ": (" + std::to_string(samples[k].lon) + ", " + std::to_string(samples[k].lat) + ") lies outside " + o.map);
    const geo::Window cell{int(col), int(r), 1, 1};
    const auto c = class_of(map.read<double>(cell)[0], [&] { return "the sample of " + row; });
    if (!c) throw ConfigError(row + ": lies on no data of " + o.map + " (a sample unit must fall in a map class)");
    map_class[k] = *c;
    classes.insert(*c);
    classes.insert(samples[k].reference_class);
  }

  if (classes.size() > kMaxClasses) throw too_many_classes(o.map + " and " + o.samples, "the map and the sample hold");
  const std::vector<long> codes(classes.begin(), classes.end());
  std::map<long, std::size_t> index;
  for (std::size_t i = 0; i < codes.size(); ++i) index[codes[i]] = i;
  std::vector<std::vector<double>> counts(codes.size(), std::vector<double>(codes.size(), 0));
  for (std::size_t k = 0; k < samples.size(); ++k) counts[index[map_class[k]]][index[samples[k].reference_class]] += 1;
  std::vector<double> mapped(codes.size(), 0);
  for (std::size_t i = 0; i < codes.size(); ++i) mapped[i] = mapped_m2.count(codes[i]) ? mapped_m2[codes[i]] : 0.0;

  for (std::size_t i = 0; i < codes.size(); ++i) {
    double n = 0;
    for (double c : counts[i]) n += c;
    if (mapped[i] > 0 && n < 2)
      throw ConfigError(o.samples + ": map class " + std::to_string(codes[i]) + " of " + o.map + " has " + std::to_string(int(n)) +
                        " sample unit(s); its accuracy and the area estimate need at least 2 in every mapped class");
  }
  const geo::AreaEstimate e = geo::olofsson_area_estimate(counts, mapped);

  const auto& columns = accuracy_columns();
  for (std::size_t i = 0; i < columns.size(); ++i) out << (i ? "," : "") << columns[i].key;
  out << "\n";
  for (std::size_t j = 0; j < codes.size(); ++j) {
    const auto cells = accuracy_cells(codes[j], e, j);
    for (std::size_t i = 0; i < cells.size(); ++i) out << (i ? "," : "") << cells[i];
    out << "\n";
  }
}

}  // namespace ecomon
