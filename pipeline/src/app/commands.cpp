// The small commands: `ecomon zonal` (coverage-weighted statistics of a raster under zones) and
// `ecomon zones-import`. `run` and `check` are in run_command.cpp.
#include "app/commands.hpp"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <map>
#include <sstream>
#include <optional>
#include <set>
#include <ostream>
#include <utility>

#include "config/schema.hpp"
#include "config/settings.hpp"
#include "engine/scene_engine.hpp"
#include "base/errors.hpp"
#include "base/threads.hpp"
#include "libgeo/coverage.hpp"
#include "libgeo/gcj02.hpp"
#include "libgeo/io/projection.hpp"
#include "libgeo/io/raster.hpp"
#include "libgeo/io/zonal_raster.hpp"
#include "libgeo/io/vector.hpp"
#include "libgeo/zonal.hpp"
#include "base/output_folder.hpp"
#include "app/run_plan.hpp"
#include "products/index_products.hpp"
#include "products/product_specs.hpp"
#include "sensors/sensor_driver.hpp"
#include "sensors/radiometry.hpp"
#include "report/report_writer.hpp"
#include "report/revisions_writer.hpp"
#include "report/zone_reports.hpp"
#include "engine/season_engine.hpp"
#include "engine/transitions.hpp"
#include "landcover/climate.hpp"
#include "carbon/stock_change.hpp"
#include "landcover/layer.hpp"
#include "targets/verdicts.hpp"
#include "base/interrupt.hpp"
#include "catalog/stored_year.hpp"
#include "catalog/task_key.hpp"
#include "catalog/workspace_catalog.hpp"

namespace ecomon {

namespace {

std::string format_number(double v) {
  if (!std::isfinite(v)) return "";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.15g", v);
  return buf;
}

}  // namespace

void zonal_command(const ZonalOptions& o, std::ostream& out) {
  geo::io::initialise_gdal(16);
  const auto stats = geo::parse_statistics(o.stats);
  // The file's tiles decoded and the rows tallied on every core, the rows merged in order (the same
  // figures for any thread count).
  const int threads = threads_or_all_cores(o.threads);
  geo::io::RasterReader raster(o.raster, threads);
  if (raster.grid().crs_wkt.empty()) throw geo::io::IoError(o.raster + ": has no CRS; zones cannot be placed on it");
  const bool weighted = std::any_of(stats.begin(), stats.end(), [](const auto& s) { return s.kind == geo::Statistic::weighted_mean; });
  if (weighted && o.weights.empty()) throw std::invalid_argument("weighted_mean needs --weights RASTER (the weight of each cell)");
  std::optional<geo::io::RasterReader> weights;
  if (!o.weights.empty()) weights.emplace(o.weights, threads);
  const auto zones = geo::io::read_zones({o.zones, o.field, "", o.layer}, raster.grid().crs_wkt);
  if (!zones.empty() && geo::io::zone_cover(zones, raster.grid()).bounding_window().empty())
    std::fprintf(stderr, "warning: no zone of %s intersects %s (zones in the wrong CRS?)\n", o.zones.c_str(), o.raster.c_str());
  const std::vector<geo::io::ZoneValues> of = geo::io::zonal_statistics(
      raster, zones, {o.band, o.raw, geo::needs_distribution(stats), weights ? &*weights : nullptr, std::max(1, o.window_rows), threads});
  // frac: one column per value any zone holds, in value order.
  std::vector<double> frac_values;
  if (std::any_of(stats.begin(), stats.end(), [](const auto& s) { return s.kind == geo::Statistic::frac; })) {
    std::map<double, bool> seen;
    for (const auto& z : of)
      for (const auto& [v, w] : z.values.weight_of) seen[v] = true;
    for (const auto& [v, unused] : seen) frac_values.push_back(v);
  }
  std::ostringstream csv;
  csv << o.field;
  for (const auto& s : stats) {
    if (s.kind == geo::Statistic::frac)
      for (double v : frac_values) csv << ",frac_" << format_number(v);
    else
      csv << "," << geo::statistic_name(s);
  }
  csv << "\n";
  for (std::size_t z = 0; z < zones.size(); ++z) {
    csv << csv_escape(zones[z].code);
    for (const auto& s : stats) {
      if (s.kind == geo::Statistic::frac)
        for (double v : frac_values) csv << "," << format_number(of[z].values.frac(v));
      else if (s.kind == geo::Statistic::weighted_mean)
        csv << "," << format_number(of[z].weighted.mean());
      else
        csv << "," << format_number(geo::statistic_value(of[z].stats, of[z].values, s));
    }
    csv << "\n";
  }
  if (o.output.empty()) {
    out << csv.str();
  } else {
    refuse_workspace_file(o.output, "-o");
    geo::io::write_file_atomically(o.output, "\xEF\xBB\xBF" + csv.str());  // the BOM: Excel opens it as UTF-8
  }
}

int zones_import_command(const ZonesImportOptions& o, std::ostream& log) {
  geo::io::initialise_gdal(64);
  std::vector<geo::io::Zone> all;
  double worst_roundtrip_m = 0;
  for (const auto& in : o.inputs) {
    auto zones = geo::io::read_zones({in, o.code_field, o.name_field, ""}, "EPSG:4326");
    for (auto& z : zones) {
      if (o.from_gcj02) {
        auto convert = [&](geo::Ring& ring) {
          for (auto& p : ring) {
            const auto w = geo::gcj02::to_wgs84({p.x, p.y});
            const auto back = geo::gcj02::from_wgs84(w);
            const double err = std::hypot((back.lon - p.x) * 111320.0 * std::cos(p.y * 0.0174533), (back.lat - p.y) * 110574.0);
            worst_roundtrip_m = std::max(worst_roundtrip_m, err);
            p = geo::Point{w.lon, w.lat};
          }
        };
        for (auto& part : z.geometry.parts) {
          convert(part.exterior);
          for (auto& h : part.holes) convert(h);
        }
        z.geodesic_area_m2 = geo::io::geodesic_area(z.geometry);
      }
      all.push_back(std::move(z));
    }
  }
  refuse_workspace_file(o.output, "-o");
  const int repaired = geo::io::write_zones_gpkg(o.output, o.layer, all, "code", "name");
  log << "wrote " << all.size() << " zones to " << o.output << " (layer " << o.layer << ", fields code, name; " << repaired
      << " invalid polygon(s) repaired)";
  if (o.from_gcj02) log << "; GCJ-02 inversion round-trip error <= " << worst_roundtrip_m << " m";
  log << "\n";
  return int(all.size());
}

}  // namespace ecomon
