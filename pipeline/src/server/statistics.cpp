// POST /statistics?product=FVC&year=2023: titiler's /cog/statistics request and answer (rio-tiler's
// BandStatistics keys), so that a client written for titiler works unchanged, computed with exact
// coverage fractions and the band's scale and offset applied (libgeo/io/zonal_raster.hpp), and an
// "ecomon" block in each feature's properties saying so.
#include <cmath>

#include <nlohmann/json.hpp>

#include "libgeo/io/raster.hpp"
#include "libgeo/io/zonal_raster.hpp"
#include "server/api.hpp"

namespace ecomon::server {

namespace {

using Json = nlohmann::ordered_json;

Json number(double v) { return std::isfinite(v) ? Json(v) : Json(nullptr); }

// "2", "98" -> percentiles; rio-tiler's default when none is asked: 2 and 98.
std::vector<double> percentiles_of(const Request& r) {
  std::vector<double> out;
  const auto [first, last] = r.parameters.equal_range("p");
  for (auto it = first; it != last; ++it) {
    std::size_t used = 0;
    double p = -1;
    try {
      p = std::stod(it->second, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used != it->second.size() || !(p >= 0 && p <= 100)) throw RequestError(400, "?p=" + it->second + ": a percentile from 0 to 100");
    out.push_back(p);
  }
  if (out.empty()) out = {2, 98};
  return out;
}

int histogram_bins_of(const Request& r) {
  const auto at = r.parameters.find("histogram_bins");
  if (at == r.parameters.end()) return 10;
  std::size_t used = 0;
  int bins = 0;
  try {
    bins = std::stoi(at->second, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != at->second.size() || bins < 1 || bins > 1000) throw RequestError(400, "?histogram_bins=" + at->second + ": an integer from 1 to 1000");
  return bins;
}

std::string label(double p) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", p);
  std::string s = buf;
  for (char& ch : s)
    if (ch == '.') ch = '_';
  return s;
}

// rio-tiler's BandStatistics of one zone: weights are coverage fractions throughout (count is their
// sum, as rio-tiler's with `coverage`); the histogram spans [min, max] in equal bins of weight.
Json band_statistics(const geo::io::ZoneValues& z, const std::vector<double>& percentiles, int bins, bool categorical) {
  const geo::ValueDistribution& d = z.values;
  Json s;
  s["min"] = number(z.stats.count > 0 ? z.stats.min : NAN);
  s["max"] = number(z.stats.count > 0 ? z.stats.max : NAN);
  s["mean"] = number(z.stats.mean());
  s["count"] = z.stats.count;
  s["sum"] = z.stats.sum;
  s["std"] = number(d.stdev());
  s["median"] = number(d.quantile(0.5));
  s["majority"] = number(d.majority());
  s["minority"] = number(d.minority());
  s["unique"] = d.variety();
  Json counts = Json::array(), edges = Json::array();
  if (categorical) {
    for (const auto& [v, w] : d.weight_of) counts.push_back(w), edges.push_back(v);
  } else if (z.stats.count > 0) {
    const double lo = z.stats.min, hi = z.stats.max, width = hi > lo ? (hi - lo) / bins : 1.0;
    std::vector<double> h(std::size_t(bins), 0.0);
    for (const auto& [v, w] : d.weight_of) {
      const int k = hi > lo ? std::min(bins - 1, int((v - lo) / width)) : 0;
      h[std::size_t(k)] += w;
    }
    for (double w : h) counts.push_back(w);
    for (int k = 0; k <= bins; ++k) edges.push_back(lo + k * width);
  }
  s["histogram"] = Json::array({counts, edges});
  const double total = z.stats.count + z.masked_weight;
  s["valid_percent"] = total > 0 ? std::round(10000.0 * z.stats.count / total) / 100.0 : 0.0;
  s["masked_pixels"] = z.masked_weight;
  s["valid_pixels"] = z.stats.count;
  for (double p : percentiles) s["percentile_" + label(p)] = number(d.quantile(p / 100.0));
  return s;
}

const RouteRegistration statistics_route(
    {"POST",
     "/statistics",
     "Statistics of a product's raster under polygons, in titiler's /statistics shape",
     "The body is a GeoJSON Feature, FeatureCollection or geometry (optional \"crs\"); the answer is the Feature (or each feature) with "
     "properties.statistics.b1 holding rio-tiler's keys. Cells are weighted by the fraction of them the polygon covers (exact), values "
     "have the band's scale and offset applied, percentiles are weighted quantiles (R type 2), and masked_pixels / valid_pixels are "
     "coverage-weighted cell counts; properties.ecomon says so.",
     {{"product", "query", "string", "A product of GET /products (FVC, NDVI_MAX, LANDCOVER, ...)", true},
      {"year", "query", "integer", "A year of GET /years", true},
      {"p", "query", "number", "A percentile to return (repeatable; default 2 and 98)", false},
      {"histogram_bins", "query", "integer", "Bins of the histogram (default 10)", false},
      {"categorical", "query", "string", "true: the histogram counts each value (land cover classes)", false}},
     "GeoJSON Feature, FeatureCollection or geometry, with optional \"crs\"",
     [](const Request& r, const std::map<std::string, std::string>&, Context& c) {
       const auto product_at = r.parameters.find("product"), year_at = r.parameters.find("year");
       if (product_at == r.parameters.end() || year_at == r.parameters.end())
         throw RequestError(400, "POST /statistics needs ?product=NAME&year=YEAR (GET /products lists them)");
       const std::vector<int> year = parse_years(year_at->second, "?year=");
       if (year.size() != 1) throw RequestError(400, "?year=" + year_at->second + ": one year");
       const std::vector<double> percentiles = percentiles_of(r);
       const int bins = histogram_bins_of(r);
       const auto cat = r.parameters.find("categorical");
       const bool categorical = cat != r.parameters.end() && (cat->second == "true" || cat->second == "1");
       const GeometryRequest request = parse_geometry_request(r.body, c.limits);
       const auto ws = c.workspace.current();
       ws->year(year[0]);  // 404 naming the years there are
       const auto paths = ws->rasters(year[0]).paths;
       const auto path = paths.find(product_at->second);
       if (path == paths.end()) {
         std::string there;
         for (const auto& [name, p] : paths) there += (there.empty() ? "" : ", ") + name;
         throw RequestError(404, "?product=" + product_at->second + ": no such product in " + std::to_string(year[0]) + " (products: " + there + ")");
       }
       const auto slot = c.slots.take(c.limits.seconds);
       std::vector<geo::io::QueryPolygon> polygons = request_polygons(request, *ws, c.limits, 1.0);
       const geo::io::ReaderPool::Lease lease = ws->readers()->borrow(path->second);
       const geo::io::RasterReader& raster = *lease;
       std::vector<geo::io::Zone> zones;
       for (const auto& p : polygons) zones.push_back(p.zone);
       const std::vector<geo::io::ZoneValues> values = geo::io::zonal_statistics(raster, zones, {1, false, true, nullptr, 256});
       if (!ws->rasters_unchanged(year[0])) {
         RequestError busy(503, "a run is replacing this workspace's rasters; retry when it has published its results");
         busy.headers.push_back({"Retry-After", "30"});
         throw busy;
       }
       // Plain variables, not a structured binding: the lambda below captures them (clang 14 refuses bindings).
       const std::pair<double, double> scale_offset = raster.scale_offset(1);
       const double scale = scale_offset.first, offset = scale_offset.second;
       const Json input = Json::parse(request.geojson);
       auto feature_of = [&](std::size_t k, const Json& given) {
         Json f = given.value("type", "") == "Feature" ? given : Json{{"type", "Feature"}, {"geometry", given}, {"properties", Json::object()}};
         if (!f.contains("properties") || !f["properties"].is_object()) f["properties"] = Json::object();
         f["properties"]["statistics"] = {{"b1", band_statistics(values[k], percentiles, bins, categorical)}};
         f["properties"]["ecomon"] = {{"product", product_at->second},
                                      {"year", year[0]},
                                      {"weights", "exact coverage fraction of each cell"},
                                      {"scale_offset_applied", true},
                                      {"scale", scale},
                                      {"offset", offset},
                                      {"percentiles", "weighted quantiles (R type 2)"},
                                      {"pixels", "masked_pixels and valid_pixels are coverage-weighted cell counts"},
                                      {"polygon_area_km2", polygons[k].zone.geodesic_area_m2 / 1e6}};
         return f;
       };
       if (input.value("type", "") == "FeatureCollection") {
         Json out{{"type", "FeatureCollection"}, {"features", Json::array()}};
         for (std::size_t k = 0; k < input["features"].size() && k < values.size(); ++k) out["features"].push_back(feature_of(k, input["features"][k]));
         return json_response(out.dump(2) + "\n");
       }
       return json_response(feature_of(0, input).dump(2) + "\n");
     }});

}  // namespace

}  // namespace ecomon::server
