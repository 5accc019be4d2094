// The endpoints of `ecomon serve` over a workspace's results: health, years, products, zones, a
// zone's figures, a polygon's figures (the JSON of `ecomon query`) and the OpenAPI document, each
// registered here with its description.
#include <algorithm>

#include <nlohmann/json.hpp>

#include "catalog/polygon_query.hpp"
#include "config/settings.hpp"
#include "products/product_specs.hpp"
#include "server/api.hpp"

namespace ecomon::server {

namespace {

using Json = nlohmann::ordered_json;

// The years a request asks for: ?year=Y, ?years=A-B (or a body's), all when none; 404 naming a year
// the workspace lacks (query_years throws std::out_of_range).
std::vector<int> asked_years(const Request& r, const Workspace& ws, std::vector<int> asked = {}) {
  for (const auto& key : {"year", "years"}) {
    const auto [first, last] = r.parameters.equal_range(key);
    for (auto it = first; it != last; ++it) {
      const std::vector<int> more = parse_years(it->second, std::string("?") + key + "=");
      asked.insert(asked.end(), more.begin(), more.end());
    }
  }
  const std::vector<int> years = query_years(ws, asked);
  if (years.empty()) throw RequestError(404, ws.root() + ": the workspace has no year with stored results yet");
  return years;
}

Json years_json(const Workspace& ws) {
  Json out = Json::array();
  for (int y : ws.years()) {
    Json products = Json::array();
    for (const auto& [name, path] : ws.rasters(y).paths) products.push_back(name);
    out.push_back({{"year", y}, {"scenes", ws.year(y).scenes.size()}, {"products", products}});
  }
  return out;
}

const RouteRegistration health_route({"GET", "/health", "Whether the server is up, and the results it answers from", "", {}, "",
                                [](const Request&, const std::map<std::string, std::string>&, Context& c) {
                                  const auto ws = c.workspace.current();
                                  Json years = Json::array();
                                  for (int y : ws->years()) years.push_back(y);
                                  return json_response(Json{{"status", "ok"},
                                                            {"version", c.version},
                                                            {"workspace", ws->root()},
                                                            {"publication_run", ws->publication()},
                                                            {"years", years}}
                                                           .dump(2) +
                                                       "\n");
                                }});

const RouteRegistration years_route({"GET", "/years", "The years with stored results, their scene counts and products", "", {}, "",
                               [](const Request&, const std::map<std::string, std::string>&, Context& c) {
                                 return json_response(Json{{"years", years_json(*c.workspace.current())}}.dump(2) + "\n");
                               }});

const RouteRegistration products_route(
    {"GET", "/products", "The year products (rasters) the workspace holds: name, description, scale, no-data and the years that have them",
     "", {}, "", [](const Request&, const std::map<std::string, std::string>&, Context& c) {
       const auto ws = c.workspace.current();
       std::map<std::string, std::vector<int>> years_of;
       for (int y : ws->years())
         for (const auto& [name, path] : ws->rasters(y).paths) years_of[name].push_back(y);
       Json out = Json::array();
       for (const ProductSpec& spec : season_products()) {
         const auto at = years_of.find(spec.name);
         if (at == years_of.end()) continue;
         out.push_back({{"name", spec.name},
                        {"description", spec.description},
                        {"categorical", spec.categorical},
                        {"scale", spec.scale},
                        {"nodata", spec.nodata},
                        {"years", at->second}});
         years_of.erase(at);
       }
       for (const auto& [name, years] : years_of) out.push_back({{"name", name}, {"years", years}});  // trends and the like
       return json_response(Json{{"products", out}}.dump(2) + "\n");
     }});

const RouteRegistration zones_route({"GET", "/zones", "The zones (counties) of the latest year: code, name and area", "", {}, "",
                               [](const Request&, const std::map<std::string, std::string>&, Context& c) {
                                 const auto ws = c.workspace.current();
                                 const std::vector<int> ys = ws->years();
                                 if (ys.empty()) throw RequestError(404, ws->root() + ": the workspace has no year with stored results yet");
                                 Json out = Json::array();
                                 for (const auto& z : ws->zones(ys.back()))
                                   out.push_back({{"code", z.code}, {"name", z.name}, {"area_km2", z.geodesic_area_m2 / 1e6}});
                                 return json_response(Json{{"year", ys.back()}, {"zones", out}}.dump(2) + "\n");
                               }});

const RouteRegistration zone_route(
    {"GET",
     "/zones/{code}",
     "A zone's figures as the run reported them (its stored tallies): the JSON of `ecomon query --zone`",
     "Per year, every indicator of county_timeseries.csv with its Chinese name, unit and interval; for pairs of years the land cover "
     "transitions and the carbon stock change.",
     {{"code", "path", "string", "The zone's code (GET /zones lists them)", true},
      {"year", "query", "string", "A year, \"2022-2023\" or \"2022,2023\" (default: every year)", false},
      {"years", "query", "string", "As year", false}},
     "",
     [](const Request& r, const std::map<std::string, std::string>& captures, Context& c) {
       const auto ws = c.workspace.current();
       const std::vector<int> years = asked_years(r, *ws);
       const auto slot = c.slots.take(c.limits.seconds);
       return json_response(answers_json({query_zone(*ws, captures.at("code"), years)}));
     }});

const RouteRegistration query_route(
    {"POST",
     "/query",
     "A polygon's figures in the plans' indicators, with intervals: the JSON of `ecomon query`",
     "The body is a GeoJSON Polygon, MultiPolygon, Feature or FeatureCollection (answered feature by feature, properties carried "
     "through), with optional members \"crs\" (default EPSG:4326; any CRS PROJ knows, CGCS2000 EPSG:4490 included) and \"years\". "
     "Figures come from the stored rasters under the polygon (exact coverage fractions, ellipsoidal cell areas); where the year has a "
     "reference sample, the areas and forest coverage are its design-based domain estimates when enough units lie inside, else "
     "\"not_assessed\".",
     {{"years", "query", "string", "A year, \"2022-2023\" or \"2022,2023\" (default: the body's \"years\", else every year)", false}},
     "GeoJSON geometry, Feature or FeatureCollection, with optional \"crs\" and \"years\"",
     [](const Request& r, const std::map<std::string, std::string>&, Context& c) {
       const GeometryRequest request = parse_geometry_request(r.body, c.limits);
       const auto slot = c.slots.take(c.limits.seconds);
       std::shared_ptr<const Workspace> ws = c.workspace.current();
       for (int attempt = 0;; ++attempt) {
         const std::vector<int> years = asked_years(r, *ws, request.years);
         std::vector<QueryAnswer> answers;
         for (auto& polygon : request_polygons(request, *ws, c.limits, double(years.size())))
           answers.push_back(query_polygon(*ws, std::move(polygon), years));
         // A run replaced rasters while they were read: answer from its publication, or say so.
         if (std::all_of(years.begin(), years.end(), [&](int y) { return ws->rasters_unchanged(y); }))
           return json_response(answers_json(answers));
         const auto fresh = c.workspace.refresh();
         if (attempt > 0 || fresh->publication() == ws->publication()) {
           RequestError busy(503, "a run is replacing this workspace's rasters; retry when it has published its results");
           busy.headers.push_back({"Retry-After", "30"});
           throw busy;
         }
         ws = fresh;
       }
     }});

// The OpenAPI 3.0 document, rendered from the registered routes.
const RouteRegistration openapi_route(
    {"GET", "/openapi.json", "This API's OpenAPI 3.0 document", "", {}, "", [](const Request&, const std::map<std::string, std::string>&, Context& c) {
       Json paths = Json::object();
       for (const Route& route : routes()) {
         Json op{{"summary", route.summary}};
         if (!route.description.empty()) op["description"] = route.description;
         std::string id = route.method;
         std::transform(id.begin(), id.end(), id.begin(), [](unsigned char ch) { return char(std::tolower(ch)); });
         for (char ch : route.pattern) id += std::isalnum(static_cast<unsigned char>(ch)) ? ch : '_';
         op["operationId"] = id;
         if (!route.parameters.empty()) {
           Json params = Json::array();
           for (const Parameter& p : route.parameters)
             params.push_back({{"name", p.name}, {"in", p.in}, {"required", p.required}, {"description", p.description}, {"schema", {{"type", p.type}}}});
           op["parameters"] = params;
         }
         if (!route.request_body.empty())
           op["requestBody"] = {{"required", true},
                                {"description", route.request_body},
                                {"content", {{"application/json", {{"schema", {{"type", "object"}}}}}}}};
         const Json error{{"description", "A refused request: {\"error\": \"...\"} naming the problem"},
                          {"content", {{"application/json", {{"schema", {{"$ref", "#/components/schemas/Error"}}}}}}}};
         Json responses{{"200", {{"description", "The answer"}, {"content", {{"application/json", {{"schema", {{"type", "object"}}}}}}}}}};
         for (const char* code : {"400", "404", "405", "413", "422", "503"}) responses[code] = error;
         op["responses"] = responses;
         std::string method = route.method;
         std::transform(method.begin(), method.end(), method.begin(), [](unsigned char ch) { return char(std::tolower(ch)); });
         paths[route.pattern][method] = op;
       }
       const Json doc{{"openapi", "3.0.3"},
                      {"info",
                       {{"title", "ecomon serve"},
                        {"version", c.version},
                        {"description", "The results of an ecomon workspace: figures in the Five-Year Plans' indicators for any polygon, "
                                        "with 95% intervals, and titiler-compatible raster statistics. Read-only."}}},
                      {"paths", paths},
                      {"components",
                       {{"schemas",
                         {{"Error", {{"type", "object"}, {"required", {"error"}}, {"properties", {{"error", {{"type", "string"}}}}}}}}}}}};
       return json_response(doc.dump(2) + "\n");
     }});

}  // namespace

}  // namespace ecomon::server
