#include "server/api.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "base/errors.hpp"
#include "base/interrupt.hpp"
#include "config/settings.hpp"
#include "libgeo/io/projection.hpp"
#include "libgeo/zone_cover.hpp"

namespace ecomon::server {

namespace {

using Json = nlohmann::ordered_json;

std::vector<Route>& registry() {
  static std::vector<Route> all;
  return all;
}

std::vector<std::string> segments(const std::string& path) {
  std::vector<std::string> out;
  std::size_t start = 1;
  while (start <= path.size()) {
    const std::size_t slash = std::min(path.find('/', start), path.size());
    out.push_back(path.substr(start, slash - start));
    start = slash + 1;
  }
  return out;
}

// Whether `path` matches `pattern`, with the captures of its {name} segments.
bool matches(const std::string& pattern, const std::string& path, std::map<std::string, std::string>& captures) {
  if (path.empty() || path[0] != '/') return false;
  const std::vector<std::string> want = segments(pattern), got = segments(path);
  if (want.size() != got.size()) return false;
  std::map<std::string, std::string> found;
  for (std::size_t k = 0; k < want.size(); ++k) {
    if (want[k].size() > 2 && want[k].front() == '{' && want[k].back() == '}') {
      if (got[k].empty()) return false;
      found[want[k].substr(1, want[k].size() - 2)] = got[k];
    } else if (want[k] != got[k]) {
      return false;
    }
  }
  captures = std::move(found);
  return true;
}

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// Positions (arrays of two or more numbers) anywhere under `j`, stopping at `limit`.
std::size_t count_positions(const Json& j, std::size_t limit, std::size_t found = 0) {
  if (found > limit || !j.is_array()) return found;
  if (j.size() >= 2 && j[0].is_number() && j[1].is_number()) return found + 1;
  for (const Json& e : j) {
    found = count_positions(e, limit, found);
    if (found > limit) break;
  }
  return found;
}

const char* const kGeometryTypes[] = {"Polygon", "MultiPolygon", "Feature", "FeatureCollection"};

}  // namespace

RouteRegistration::RouteRegistration(Route route) { registry().push_back(std::move(route)); }

std::vector<Route> routes() {
  std::vector<Route> out = registry();
  std::stable_sort(out.begin(), out.end(), [](const Route& a, const Route& b) { return std::tie(a.pattern, a.method) < std::tie(b.pattern, b.method); });
  return out;
}

Response json_response(std::string body, int status) {
  Response r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

Response error_response(int status, const std::string& what) { return json_response(Json{{"error", what}}.dump(2) + "\n", status); }

Response handle(const Request& request, Context& context) {
  try {
    std::vector<std::string> allowed;
    for (const Route& route : registry()) {
      std::map<std::string, std::string> captures;
      if (!matches(route.pattern, request.path, captures)) continue;
      if (route.method != request.method) {
        allowed.push_back(route.method);
        continue;
      }
      const ThreadDeadline deadline(context.limits.seconds);
      return route.handle(request, captures, context);
    }
    if (!allowed.empty()) {
      std::sort(allowed.begin(), allowed.end());
      std::string allow;
      for (const std::string& m : allowed) allow += (allow.empty() ? "" : ", ") + m;
      Response r = error_response(405, request.method + " " + request.path + ": method not allowed (allowed: " + allow + ")");
      r.headers.push_back({"Allow", allow});
      return r;
    }
    std::string known;
    for (const Route& route : routes()) known += (known.empty() ? "" : ", ") + route.method + " " + route.pattern;
    return error_response(404, request.method + " " + request.path + ": no such endpoint (endpoints: " + known + ")");
  } catch (const RequestError& e) {
    Response r = error_response(e.status, e.what());
    r.headers.insert(r.headers.end(), e.headers.begin(), e.headers.end());
    return r;
  } catch (const DeadlineExceeded& e) {
    Response r = error_response(503, request.method + " " + request.path + ": " + e.what() + "; ask for a smaller area or fewer years");
    return r;
  } catch (const std::out_of_range& e) {  // a year, zone or product the workspace lacks, named by the workspace
    return error_response(404, e.what());
  } catch (const std::exception& e) {
    spdlog::error("{} {}: {}", request.method, request.path, e.what());
    return error_response(500, request.method + " " + request.path + ": " + e.what());
  } catch (...) {
    return error_response(500, request.method + " " + request.path + ": unexpected failure");
  }
}

WorkspaceView::WorkspaceView(std::string dir) : dir_(std::move(dir)) {
  workspace_ = std::make_shared<const Workspace>(Workspace::open(dir_));
  checked_at_ms_ = now_ms();
}

std::shared_ptr<const Workspace> WorkspaceView::current() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (now_ms() - checked_at_ms_ < 1000) return workspace_;
  checked_at_ms_ = now_ms();
  try {
    if (Workspace::latest_publication(dir_) != workspace_->publication()) {
      workspace_ = std::make_shared<const Workspace>(Workspace::open(dir_));
      spdlog::info("{}: a run published new results (run {}); answering from them", dir_, workspace_->publication());
    }
  } catch (const std::exception& e) {
    // The catalog busy or being replaced: answer from what was opened, try again later.
    spdlog::warn("{}: could not check for new results ({}); answering from run {}", dir_, e.what(), workspace_->publication());
  }
  return workspace_;
}

std::shared_ptr<const Workspace> WorkspaceView::refresh() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    checked_at_ms_ = 0;
  }
  return current();
}

QuerySlots::Held::~Held() {
  if (!slots_) return;
  {
    std::lock_guard<std::mutex> lock(slots_->mutex_);
    ++slots_->free_;
  }
  slots_->freed_.notify_one();
}

QuerySlots::Held QuerySlots::take(double wait_seconds) {
  std::unique_lock<std::mutex> lock(mutex_);
  if (!freed_.wait_for(lock, std::chrono::duration<double>(wait_seconds), [&] { return free_ > 0; })) {
    RequestError busy(503, "the server is busy with other queries; retry shortly");
    busy.headers.push_back({"Retry-After", "5"});
    throw busy;
  }
  --free_;
  return Held(*this);
}

std::vector<int> parse_years(const std::string& text, const std::string& what) {
  std::vector<int> out;
  if (text.empty()) return out;
  auto year = [&](const std::string& t) {
    std::size_t used = 0;
    int y = 0;
    try {
      y = std::stoi(t, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (t.empty() || used != t.size() || y < 1900 || y > 2200) throw RequestError(400, what + " " + text + ": '" + t + "' is not a year");
    return y;
  };
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t comma = std::min(text.find(',', start), text.size());
    const std::string part = text.substr(start, comma - start);
    if (const std::size_t dash = part.find('-'); dash != std::string::npos && dash > 0) {
      const int a = year(part.substr(0, dash)), b = year(part.substr(dash + 1));
      if (b < a) throw RequestError(400, what + " " + text + ": " + part + " runs backwards");
      if (b - a > 300) throw RequestError(400, what + " " + text + ": " + part + " spans too many years");
      for (int y = a; y <= b; ++y) out.push_back(y);
    } else {
      out.push_back(year(part));
    }
    start = comma + 1;
  }
  return out;
}

GeometryRequest parse_geometry_request(const std::string& body, const Limits& limits) {
  if (body.size() > limits.max_body_bytes)
    throw RequestError(413, "the body has " + std::to_string(body.size()) + " bytes; the limit is " + std::to_string(limits.max_body_bytes));
  if (body.find_first_not_of(" \t\r\n") == std::string::npos)
    throw RequestError(400, "empty body: expected a GeoJSON Polygon, MultiPolygon, Feature or FeatureCollection");
  Json j;
  try {
    j = Json::parse(body);
  } catch (const Json::parse_error& e) {
    if (e.byte >= body.size())
      throw RequestError(400, "truncated body: the JSON ends at byte " + std::to_string(body.size()) + " before it is complete");
    throw RequestError(400, "invalid JSON at byte " + std::to_string(e.byte) + ": " + e.what());
  }
  if (!j.is_object() || !j.contains("type") || !j["type"].is_string())
    throw RequestError(422, "the body is JSON but not a GeoJSON object (no \"type\"): expected a Polygon, MultiPolygon, Feature or FeatureCollection");
  const std::string type = j["type"].get<std::string>();
  if (std::find(std::begin(kGeometryTypes), std::end(kGeometryTypes), type) == std::end(kGeometryTypes))
    throw RequestError(422, "a GeoJSON " + type + " is not a polygon: expected a Polygon, MultiPolygon, Feature or FeatureCollection");
  if (type == "FeatureCollection") {
    if (!j.contains("features") || !j["features"].is_array()) throw RequestError(422, "a FeatureCollection without a \"features\" array");
    if (j["features"].empty()) throw RequestError(422, "an empty FeatureCollection: no polygon to answer for");
    if (j["features"].size() > limits.max_features)
      throw RequestError(413, "the FeatureCollection has " + std::to_string(j["features"].size()) + " features; the limit is " +
                                  std::to_string(limits.max_features));
  }
  if ((type == "Polygon" || type == "MultiPolygon") && (!j.contains("coordinates") || !j["coordinates"].is_array() || j["coordinates"].empty()))
    throw RequestError(422, "an empty " + type + ": no coordinates");
  const std::size_t vertices = count_positions(type == "Feature" || type == "FeatureCollection" ? j : j.value("coordinates", Json::array()),
                                               limits.max_vertices);
  if (vertices > limits.max_vertices)
    throw RequestError(413, "the geometry has more than " + std::to_string(limits.max_vertices) + " vertices (the limit); simplify it");
  GeometryRequest out;
  if (j.contains("crs")) {
    const Json& crs = j["crs"];
    if (crs.is_string()) {
      out.crs = crs.get<std::string>();
    } else if (crs.is_object() && crs.contains("properties") && crs["properties"].is_object() && crs["properties"].contains("name") &&
               crs["properties"]["name"].is_string()) {
      out.crs = crs["properties"]["name"].get<std::string>();
    } else {
      throw RequestError(422, "\"crs\": a name PROJ knows (\"EPSG:4490\") or {\"type\": \"name\", \"properties\": {\"name\": ...}}");
    }
    j.erase("crs");
  }
  if (j.contains("years")) {
    const Json& years = j["years"];
    if (years.is_string()) {
      out.years = parse_years(years.get<std::string>(), "\"years\"");
    } else if (years.is_number_integer()) {
      out.years = {years.get<int>()};
    } else if (years.is_array() && std::all_of(years.begin(), years.end(), [](const Json& y) { return y.is_number_integer(); })) {
      for (const Json& y : years) out.years.push_back(y.get<int>());
    } else {
      throw RequestError(422, "\"years\": an array of years, a year, or \"2022-2023\"");
    }
    j.erase("years");
  }
  out.geojson = j.dump();
  return out;
}

std::vector<geo::io::QueryPolygon> request_polygons(const GeometryRequest& request, const Workspace& ws, const Limits& limits,
                                                    double per_cell_reads) {
  const std::vector<int> years = ws.years();
  if (years.empty()) throw RequestError(404, ws.root() + ": the workspace has no year with stored results yet");
  const Settings s = ws.settings(years.back());
  std::vector<geo::io::QueryPolygon> polygons;
  try {
    polygons = geo::io::read_query_polygons(request.geojson, request.crs, geo::io::crs_wkt(s.season.grid_crs), "the request's geometry",
                                            limits.max_vertices);
  } catch (const std::exception& e) {
    throw RequestError(422, e.what());
  }
  const geo::Grid grid = ws.grid();
  double cells = 0;
  bool any_inside = false;
  for (const auto& p : polygons) {
    const geo::Window w = geo::ZoneCover(grid, {&p.zone.geometry}).window(0);
    any_inside = any_inside || !w.empty();
    cells += double(w.cols) * double(w.rows);
  }
  if (!any_inside) {
    const geo::Box b = grid.extent();
    char extent[200];
    std::snprintf(extent, sizeof extent, "x %.0f to %.0f, y %.0f to %.0f in %s", b.xmin, b.xmax, b.ymin, b.ymax, s.season.grid_crs.c_str());
    throw RequestError(422, std::string("the polygon lies outside the workspace's data (its regional grid: ") + extent + ")");
  }
  if (cells * per_cell_reads > limits.max_cells) {
    char what[300];
    std::snprintf(what, sizeof what,
                  "the request would read %.0f cells (its polygons' bounding windows, %.0f cells, for %.0f year(s)); the limit is %.0f: "
                  "ask for a smaller area or fewer years",
                  cells * per_cell_reads, cells, per_cell_reads, limits.max_cells);
    throw RequestError(413, what);
  }
  return polygons;
}

}  // namespace ecomon::server
