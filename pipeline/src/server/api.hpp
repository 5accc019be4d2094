#pragma once
// The HTTP API of `ecomon serve`, free of any HTTP library: a request (method, path, query
// parameters, body) in, a response (status, JSON) out. Endpoints register themselves beside the code
// that answers them (server/routes.cpp, server/statistics.cpp), with the description the OpenAPI
// document is rendered from, so that a new endpoint is one file and no switch. The HTTP library
// (app/serve_command.cpp) only carries requests to handle() and its answers back.
//
// Safe by default: read-only; product, year and zone names are looked up in the workspace, never
// used as paths; every request is bounded (body size, vertices, the cells it would read, its time);
// every failure is a 4xx or 5xx with {"error": "..."}; handle() never throws.
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

#include "catalog/workspace.hpp"
#include "libgeo/io/vector.hpp"

namespace ecomon::server {

struct Request {
  std::string method;                                   // GET, POST, ...
  std::string path;                                     // "/zones/150821" (decoded, no query string)
  std::multimap<std::string, std::string> parameters;   // the query string's, decoded
  std::string body;
};

struct Response {
  int status = 200;
  std::string body;
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;
};

/// A request the server refuses: its status (4xx, or 503 when busy) and what is wrong.
struct RequestError : std::runtime_error {
  int status;
  std::vector<std::pair<std::string, std::string>> headers;
  RequestError(int code, const std::string& what) : std::runtime_error(what), status(code) {}
};

/// What one request may cost.
struct Limits {
  std::size_t max_body_bytes = 8u << 20;
  std::size_t max_vertices = 200000;
  std::size_t max_features = 200;
  /// Cells a request would read: the bounding window of its polygons on the grid, times the years
  /// (times the products a polygon query reads), estimated before reading.
  double max_cells = 400e6;
  double seconds = 60;          // per request
  int concurrent_queries = 2;   // requests that read rasters at once; the others wait (health never does)
};

/// The workspace as requests see it: the latest publication of the folder, reopened when a run has
/// published since (checked at most once a second); a request keeps the object it started with, so a
/// rerun never changes the answer under it.
class WorkspaceView {
 public:
  explicit WorkspaceView(std::string dir);
  std::shared_ptr<const Workspace> current();
  /// Reopens now if a run has published since (a request that found its rasters replaced).
  std::shared_ptr<const Workspace> refresh();
  const std::string& dir() const { return dir_; }

 private:
  std::string dir_;
  std::mutex mutex_;
  std::shared_ptr<const Workspace> workspace_;
  std::int64_t checked_at_ms_ = 0;
};

/// Counts the requests reading rasters; a request that cannot start within the time limit is a 503.
class QuerySlots {
 public:
  explicit QuerySlots(int slots) : free_(slots > 0 ? slots : 1) {}
  class Held {
   public:
    explicit Held(QuerySlots& s) : slots_(&s) {}
    Held(Held&& o) noexcept : slots_(o.slots_) { o.slots_ = nullptr; }
    ~Held();
   private:
    QuerySlots* slots_;
  };
  Held take(double wait_seconds);

 private:
  std::mutex mutex_;
  std::condition_variable freed_;
  int free_;
};

/// What a handler has: the workspace, the limits, the slots of the heavy requests.
struct Context {
  WorkspaceView& workspace;
  const Limits& limits;
  QuerySlots& slots;
  std::string version;
};

/// A parameter of an endpoint (the OpenAPI document's).
struct Parameter {
  std::string name, in, type, description;  // in: path or query; type: string, integer, number
  bool required = false;
};

/// An endpoint: method, path pattern ("/zones/{code}": braces capture a segment), its description,
/// and its handler (path captures by name).
struct Route {
  std::string method, pattern, summary, description;
  std::vector<Parameter> parameters;
  std::string request_body;  // the body's description; empty: none
  std::function<Response(const Request&, const std::map<std::string, std::string>&, Context&)> handle;
};

/// Endpoints register themselves: `const RouteRegistration r({...});` in the file answering them.
struct RouteRegistration {
  explicit RouteRegistration(Route route);
};
/// Every endpoint, ordered by path then method.
std::vector<Route> routes();

/// Answers any request: the matching route; 404 for a path no route has, 405 (with Allow) for a
/// known path and another method; a refused request's 4xx; 500 for a failure of ecomon. Never throws.
Response handle(const Request& request, Context& context);

/// A JSON error answer {"error": what}.
Response error_response(int status, const std::string& what);
/// A JSON answer of `body` (already JSON text).
Response json_response(std::string body, int status = 200);

/// A POST /query or /statistics body: a GeoJSON geometry, Feature or FeatureCollection, with the
/// optional members "crs" (a name PROJ knows, as "EPSG:4490", or GeoJSON 2008's named crs object)
/// and "years" (an array of years, or "2022-2023" / "2022,2023"). Throws RequestError: 400 for JSON
/// that does not parse or is cut short, 413 for more than the limit's vertices or features, 422 for
/// what is not a GeoJSON object of these types.
struct GeometryRequest {
  std::string geojson;  // the body without "crs" and "years": what read_query_polygons reads
  std::string crs = "EPSG:4326";
  std::vector<int> years;
};
GeometryRequest parse_geometry_request(const std::string& body, const Limits& limits);

/// "2023", "2021-2023" or "2021,2023" (empty: none); throws RequestError 400 naming `what`.
std::vector<int> parse_years(const std::string& text, const std::string& what);

/// The polygons of a geometry request on the workspace's grid; 422 for an invalid one (naming where
/// it self-intersects), for an unknown CRS and for polygons outside the data; 413 when the cells they
/// would read, times `per_cell_reads`, pass the limit.
std::vector<geo::io::QueryPolygon> request_polygons(const GeometryRequest& request, const Workspace& ws, const Limits& limits,
                                                    double per_cell_reads);

}  // namespace ecomon::server
