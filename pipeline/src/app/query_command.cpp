// `ecomon query OUTDIR (--wkt WKT | --geojson FILE | --zone CODE)`: a thin command over the polygon
// query (catalog/polygon_query.hpp) of a workspace.
#include <cstdio>
#include <iostream>
#include <set>
#include <stdexcept>

#include <spdlog/spdlog.h>

#include "app/commands.hpp"
#include "base/errors.hpp"
#include "catalog/polygon_query.hpp"
#include "config/settings.hpp"
#include "libgeo/io/projection.hpp"
#include "libgeo/io/raster.hpp"
#include "libgeo/io/vsi.hpp"
#include "server/api.hpp"

namespace ecomon {

void query_command(const QueryOptions& o, std::ostream& out) {
  if (o.format != "json" && o.format != "csv" && o.format != "text") throw ConfigError("--format " + o.format + ": json, csv or text");
  const int given = int(!o.wkt.empty()) + int(!o.geojson.empty()) + int(!o.zone.empty());
  if (given != 1) throw ConfigError("query: give exactly one of --wkt, --geojson and --zone");
  geo::io::initialise_gdal(256);
  const Workspace ws = Workspace::open(o.workspace);
  std::vector<int> asked;
  try {
    asked = server::parse_years(o.years, "--years");
  } catch (const server::RequestError& e) {
    throw ConfigError(e.what());
  }
  if (o.year > 0) asked.push_back(o.year);
  std::vector<int> years;
  try {
    years = query_years(ws, asked);
  } catch (const std::out_of_range& e) {
    throw ConfigError(e.what());
  }
  if (years.empty()) throw OutputError(o.workspace + ": the workspace has no year with stored results yet");
  std::vector<QueryAnswer> answers;
  if (!o.zone.empty()) {
    try {
      answers.push_back(query_zone(ws, o.zone, years));
    } catch (const std::out_of_range& e) {
      throw ConfigError(std::string("--zone: ") + e.what());
    }
  } else {
    const std::string what = o.wkt.empty() ? "--geojson " + o.geojson : "--wkt";
    const std::string text = o.wkt.empty() ? geo::io::read_text_file(o.geojson) : o.wkt;
    const Settings s = ws.settings(years.back());
    std::vector<geo::io::QueryPolygon> polygons;
    try {
      polygons = geo::io::read_query_polygons(text, o.crs, geo::io::crs_wkt(s.season.grid_crs), what);
    } catch (const geo::io::IoError& e) {
      throw ConfigError(e.what());
    }
    for (auto& p : polygons) {
      const std::string code = p.zone.code;
      try {
        answers.push_back(query_polygon(ws, std::move(p), years));
      } catch (const std::out_of_range& e) {
        throw ConfigError(what + " (" + code + "): " + e.what());
      }
    }
  }
  if (answers.size() == 1 && answers[0].outside_data) {
    const geo::Box b = ws.grid().extent();
    char extent[160];
    std::snprintf(extent, sizeof extent, "x %.0f to %.0f, y %.0f to %.0f", b.xmin, b.xmax, b.ymin, b.ymax);
    throw ConfigError((o.wkt.empty() ? "--geojson " + o.geojson : std::string("--wkt")) +
                      ": the polygon lies outside the workspace's data (its regional grid: " + extent + " in " +
                      ws.settings(years.back()).season.grid_crs + ")");
  }
  for (const QueryAnswer& a : answers)
    for (const std::string& note : a.notes) spdlog::warn("query {}: {}", a.zone.code, note);
  const std::string text = o.format == "csv"    ? answers_csv(answers, ws.settings(years.back()).report.headers)
                           : o.format == "text" ? answers_text(answers)
                                                : answers_json(answers);
  if (o.output.empty()) {
    // A CSV on a terminal or a pipe carries no BOM (the file does: Excel needs it).
    out << (o.format == "csv" && text.rfind("\xEF\xBB\xBF", 0) == 0 ? text.substr(3) : text);
  } else {
    geo::io::write_file_atomically(o.output, text);
  }
}

}  // namespace ecomon
