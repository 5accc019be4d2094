// The page of `ecomon serve` (GET /): a map of the counties coloured by forest coverage or grassland
// cover, a year slider, a county's figures and series on a click, and a polygon drawn on the map
// answered by POST /query with its intervals. Offline: Leaflet from Debian's libjs-leaflet and
// ECharts built into the binary are served by the server itself; no basemap tiles. Everything the
// page shows comes from the other endpoints (the same answers as `ecomon query`), and
// GET /map/zones gives the counties' outlines with the year's two figures for the choropleth;
// GET /map/products and /map/product.png the pictures of the year's product rasters (the report's
// maps: land cover, forest, FVC, sandification), warped onto the web map, under the outlines.
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <sstream>

#include <nlohmann/json.hpp>

#include "libgeo/io/projection.hpp"
#include "products/indicators.hpp"
#include "report/embedded_scripts.hpp"
#include "report/raster_maps.hpp"
#include "report/zone_reports.hpp"
#include "results/year_result.hpp"
#include "server/api.hpp"

namespace ecomon::server {

namespace {

using Json = nlohmann::ordered_json;

// Debian's libjs-leaflet: the only files the server reads outside the workspace, by fixed names.
constexpr const char* kLeafletDir = "/usr/share/javascript/leaflet/";

Response text_response(std::string body, std::string content_type) {
  Response r;
  r.body = std::move(body);
  r.content_type = std::move(content_type);
  r.headers.push_back({"Cache-Control", "max-age=3600"});
  return r;
}

// A ring's coordinates, rounded to 1e-6 degrees (about 0.1 m): GeoJSON of a manageable size.
Json ring_json(const geo::Ring& ring) {
  Json out = Json::array();
  for (const geo::Point& p : ring) out.push_back({std::round(p.x * 1e6) / 1e6, std::round(p.y * 1e6) / 1e6});
  if (!ring.empty() && (ring.front().x != ring.back().x || ring.front().y != ring.back().y))
    out.push_back({std::round(ring.front().x * 1e6) / 1e6, std::round(ring.front().y * 1e6) / 1e6});
  return out;
}

Json geometry_json(const geo::MultiPolygon& mp) {
  Json polygons = Json::array();
  for (const geo::Polygon& part : mp.parts) {
    Json rings = Json::array({ring_json(part.exterior)});
    for (const geo::Ring& hole : part.holes) rings.push_back(ring_json(hole));
    polygons.push_back(std::move(rings));
  }
  return {{"type", "MultiPolygon"}, {"coordinates", std::move(polygons)}};
}

// The year a map request asks for (?year=, default the latest), one the workspace has.
int map_year(const Request& r, const Workspace& ws) {
  const std::vector<int> years = ws.years();
  if (years.empty()) throw RequestError(404, ws.root() + ": the workspace has no year with stored results yet");
  const auto at = r.parameters.find("year");
  if (at == r.parameters.end()) return years.back();
  const std::vector<int> asked = parse_years(at->second, "?year=");
  if (asked.size() != 1) throw RequestError(400, "?year=" + at->second + ": one year");
  ws.year(asked.front());  // 404 naming the years there are (std::out_of_range)
  return asked.front();
}

// A product's picture on the web map (EPSG:3857, as Leaflet draws), with its corners in lon/lat.
struct MapPicture {
  std::string png;
  double south = 0, west = 0, north = 0, east = 0;
};

constexpr int kMapPictureWidth = 1200;

// Drawn once per raster file as it is on disk (path, size, modification time) and kept, so that a
// year's maps cost one drawing, not one per request; a rerun's new file is drawn anew.
std::shared_ptr<const MapPicture> map_picture(const std::string& product, const std::string& path) {
  static std::mutex mutex;
  static std::map<std::string, std::shared_ptr<const MapPicture>> drawn;
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  const auto modified = std::filesystem::last_write_time(path, ec).time_since_epoch().count();
  const std::string key = product + "\n" + path + "\n" + std::to_string(size) + "\n" + std::to_string(modified);
  {
    const std::lock_guard<std::mutex> lock(mutex);
    if (const auto at = drawn.find(key); at != drawn.end()) return at->second;
  }
  const geo::io::RasterPicture picture = draw_map_product(product, path, kMapPictureWidth, "EPSG:3857");
  const geo::GeoTransform& t = picture.grid.transform;
  std::vector<geo::Point> corners{{t.origin_x, t.origin_y},
                                  {t.origin_x + t.pixel_width * picture.grid.cols, t.origin_y + t.pixel_height * picture.grid.rows}};
  geo::io::CoordinateTransformer(picture.grid.crs_wkt, "EPSG:4326").transform(corners);
  auto out = std::make_shared<MapPicture>();
  out->png = picture.png;
  out->west = std::min(corners[0].x, corners[1].x), out->east = std::max(corners[0].x, corners[1].x);
  out->south = std::min(corners[0].y, corners[1].y), out->north = std::max(corners[0].y, corners[1].y);
  const std::lock_guard<std::mutex> lock(mutex);
  if (drawn.size() >= 64) drawn.clear();  // a bound on what is kept: 64 pictures of a few hundred KB
  drawn[key] = out;
  return out;
}

// The year's raster of a product, when the run wrote it (output.products selects what is written).
std::optional<std::string> written_raster(const StoredYearRasters& rasters, const std::string& product) {
  const auto at = rasters.paths.find(product);
  if (at == rasters.paths.end() || !std::filesystem::exists(at->second)) return std::nullopt;
  return at->second;
}

// The year's raster of a product the maps draw; 404 naming what there is otherwise.
std::string map_product_path(const Workspace& ws, int year, const std::string& product) {
  std::string names;
  bool drawn = false;
  for (const MapProduct& m : map_products(false)) {
    names += (names.empty() ? "" : ", ") + m.name;
    drawn = drawn || m.name == product;
  }
  if (!drawn) throw RequestError(404, "?name=" + product + ": not a product the maps draw (" + names + ")");
  const std::optional<std::string> path = written_raster(ws.rasters(year), product);
  if (!path) throw RequestError(404, product + ": not written for " + std::to_string(year) + " (output.products did not select it)");
  return *path;
}

// The page: its styles and script inline, Leaflet and ECharts from /static/.
constexpr const char* kServePage = R"html(<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>ecomon 生态监测</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/static/leaflet.css">
<style>
body { margin: 0; font-family: "Noto Sans CJK SC", "Noto Sans SC", "Microsoft YaHei", sans-serif; color: #222; }
header { padding: 0.4em 0.8em; background: #2e7d32; color: #fff; display: flex; gap: 1em; align-items: center; flex-wrap: wrap; }
header h1 { font-size: 1.1em; margin: 0; } header label { font-size: 0.9em; }
main { display: flex; height: calc(100vh - 3em); } #map { flex: 1.4; background: #eef2ee; } #side { flex: 1; overflow-y: auto; padding: 0.6em 0.8em; }
table { border-collapse: collapse; width: 100%; font-size: 0.85em; margin: 0.4em 0; } th, td { border: 1px solid #ccc; padding: 0.2em 0.4em; text-align: left; }
td.n { text-align: right; white-space: nowrap; } #chart { width: 100%; height: 240px; } .legend { background: #fff; padding: 0.3em 0.5em; font-size: 0.8em; line-height: 1.5; }
.legend i { display: inline-block; width: 12px; height: 12px; margin-right: 4px; vertical-align: middle; } button { cursor: pointer; }
@media (max-width: 700px) { main { flex-direction: column; height: auto; } #map { height: 60vh; } }
</style>
</head>
<body>
<header><h1>ecomon 生态监测</h1>
<label>年份 <input type="range" id="year" min="0" max="0" step="1" value="0"> <span id="year-label"></span></label>
<label>指标 <select id="indicator"><option value="forest_coverage_pct">森林覆盖率</option><option value="grassland_cover_pct">草原综合植被盖度</option></select></label>
<label>产品图层 <select id="product"><option value="">（无）</option></select></label>
<button id="draw">画多边形</button><button id="finish" disabled>完成并查询</button></header>
<main><div id="map"></div><div id="side"><p id="hint">点击旗县区查看指标；或点“画多边形”，在地图上逐点点击，再点“完成并查询”。</p>
<div id="zone"></div><div id="chart"></div><div id="answer"></div></div></main>
<script src="/static/leaflet.js"></script>
<script src="/static/echarts.js"></script>
<script>
(function () {
  var map = L.map('map', { zoomSnap: 0.25, attributionControl: false });
  var years = [], layer = null, fitted = false, drawing = null, chart = null, overlay = null, products = {};
  var colours = ['#f7fcf5', '#c7e9c0', '#74c476', '#31a354', '#006d2c'];
  function fmt(v, d) { return (v === null || v === undefined || isNaN(v)) ? '—' : Number(v).toFixed(d); }
  function esc(s) { return String(s).replace(/[&<>"]/g, function (c) { return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' }[c]; }); }
  function year() { return years[Number(document.getElementById('year').value)]; }
  function indicator() { return document.getElementById('indicator').value; }
  function breaks(values) {
    var v = values.filter(function (x) { return x !== null; }).sort(function (a, b) { return a - b; });
    if (!v.length) return [0, 0, 0, 0];
    return [0.2, 0.4, 0.6, 0.8].map(function (q) { return v[Math.min(v.length - 1, Math.floor(q * v.length))]; });
  }
  var legend = L.control({ position: 'bottomleft' });
  legend.onAdd = function () { this.div = L.DomUtil.create('div', 'legend'); return this.div; };
  legend.addTo(map);
  function product() { return products[document.getElementById('product').value]; }
  // The year's product pictures (the report's maps, warped onto the web map) under the outlines.
  function loadProducts(y) {
    return fetch('/map/products?year=' + y).then(function (r) { return r.json(); }).then(function (d) {
      var select = document.getElementById('product'), chosen = select.value;
      products = {};
      select.innerHTML = '<option value="">（无）</option>' + d.products.map(function (p) {
        products[p.name] = p;
        return '<option value="' + esc(p.name) + '">' + esc(p.title) + '</option>';
      }).join('');
      select.value = products[chosen] ? chosen : '';
    });
  }
  // Resolves when the picture has loaded (at once without a product layer).
  function showProduct() {
    if (overlay) { map.removeLayer(overlay); overlay = null; }
    var p = product();
    if (!p) return Promise.resolve();
    overlay = L.imageOverlay(p.url, p.bounds, { opacity: 0.9 }).addTo(map);
    overlay.bringToBack();
    return new Promise(function (done) { overlay.once('load', done); overlay.once('error', done); });
  }
  function load() {
    var y = year();
    document.getElementById('year-label').textContent = y;
    document.body.removeAttribute('data-product');
    var listed = loadProducts(y), pictured = listed.then(showProduct);
    var outlined = listed.then(function () { return fetch('/map/zones?year=' + y); })
      .then(function (r) { return r.json(); }).then(function (fc) {
      var key = indicator(), b = breaks(fc.features.map(function (f) { return f.properties[key]; }));
      function colour(v) { if (v === null) return '#bbbbbb'; var i = 0; while (i < b.length && v > b[i]) i++; return colours[i]; }
      if (layer) map.removeLayer(layer);
      layer = L.geoJSON(fc, {
        style: function (f) { return { color: '#555', weight: 1, fillOpacity: product() ? 0 : 0.8, fillColor: colour(f.properties[key]) }; },
        onEachFeature: function (f, l) {
          l.bindTooltip(f.properties.name + ' ' + fmt(f.properties[key], 2) + '%');
          l.on('click', function () { if (!drawing) showZone(f.properties.code); });
          l.getElement && l.on('add', function () { var e = l.getElement(); if (e) e.setAttribute('data-code', f.properties.code); });
        }
      }).addTo(map);
      if (!fitted) { map.fitBounds(layer.getBounds()); fitted = true; }
      var rows, p = product();
      if (p) {
        rows = ['<b>' + esc(p.title) + ' ' + y + '</b>'].concat(p.legend.map(function (e) {
          return '<i style="background:' + e.colour + '"></i>' + esc(e.label);
        }));
        if (p.unit) rows.push('单位：' + esc(p.unit));
      } else {
        rows = ['<b>' + document.getElementById('indicator').selectedOptions[0].textContent + ' (%) ' + y + '</b>'];
        var low = 0;
        b.concat([null]).forEach(function (high, i) {
          rows.push('<i style="background:' + colours[i] + '"></i>' + fmt(low, 1) + (high === null ? '+' : '–' + fmt(high, 1)));
          low = high;
        });
        rows.push('<i style="background:#bbbbbb"></i>无数据');
      }
      legend.div.innerHTML = rows.join('<br>');
      document.body.setAttribute('data-zones', String(fc.features.length));
    });
    // The product shown, once its picture and its legend are both there.
    Promise.all([pictured, outlined]).then(function () { var p = product(); if (p) document.body.setAttribute('data-product', p.name); });
  }
  function indicatorRows(indicators, keys) {
    return keys.filter(function (k) { return indicators[k]; }).map(function (k) {
      var i = indicators[k], ci = (i.ci95_low !== undefined) ? fmt(i.ci95_low, 2) + '–' + fmt(i.ci95_high, 2) : '—';
      var unit = { km2: '平方公里', '1': '', 'g C/m2': '克碳/平方米', 't C': '吨碳' }[i.unit];
      return '<tr data-key="' + k + '"><td>' + esc(i.zh.replace(/_.*$/, '')) + '</td><td class="n value">' +
        (typeof i.value === 'number' ? fmt(i.value, 2) : esc(i.text)) + '</td><td class="n">' + ci + '</td><td>' +
        esc(unit === undefined ? i.unit : unit) + '</td></tr>';
    }).join('');
  }
  var keys = ['forest_coverage_pct', 'forest_area_km2', 'grassland_cover_pct', 'fvc_mean', 'grassland_area_km2', 'water_area_km2',
              'wetland_area_km2', 'observed_fraction', 'zone_area_km2'];
  var header = '<tr><th>指标</th><th>数值</th><th>95%置信区间</th><th>单位</th></tr>';
  function showZone(code) {
    fetch('/zones/' + encodeURIComponent(code)).then(function (r) { return r.json(); }).then(function (a) {
      var y = year(), now = a.years.filter(function (x) { return x.year === y; })[0] || a.years[a.years.length - 1];
      document.getElementById('zone').innerHTML = '<h2 id="zone-name">' + esc(a.name) + ' ' + now.year + '</h2><table id="zone-figures">' + header +
        indicatorRows(now.indicators, keys) + '</table>';
      if (!chart) chart = echarts.init(document.getElementById('chart'), null, { renderer: 'svg' });
      var pick = function (k, f) { return a.years.map(function (x) { var i = x.indicators[k]; return i ? i[f] : null; }); };
      var low = pick('forest_coverage_pct', 'ci95_low'), high = pick('forest_coverage_pct', 'ci95_high');
      chart.setOption({ title: { text: a.name + ' 森林覆盖率 (%)', textStyle: { fontSize: 13 } }, tooltip: { trigger: 'axis' },
        grid: { left: 45, right: 15, top: 35, bottom: 25 }, xAxis: { type: 'category', data: a.years.map(function (x) { return String(x.year); }), boundaryGap: false },
        yAxis: { type: 'value', scale: true, axisLabel: { formatter: function (v) { return String(Number(v.toPrecision(4))); } } },
        series: [{ type: 'line', data: low, stack: 'b', lineStyle: { opacity: 0 }, symbol: 'none' },
                 { type: 'line', data: high.map(function (h, i) { return h === null || low[i] === null ? null : h - low[i]; }), stack: 'b',
                   lineStyle: { opacity: 0 }, symbol: 'none', areaStyle: { color: 'rgba(46,125,50,0.18)' } },
                 { type: 'line', data: pick('forest_coverage_pct', 'value'), color: '#2e7d32' }], animation: false }, true);
    });
  }
  map.on('click', function (e) {
    if (!drawing) return;
    drawing.points.push([e.latlng.lng, e.latlng.lat]);
    drawing.line.setLatLngs(drawing.points.map(function (p) { return [p[1], p[0]]; }));
    document.getElementById('finish').disabled = drawing.points.length < 3;
  });
  document.getElementById('draw').onclick = function () {
    if (drawing) map.removeLayer(drawing.line);
    drawing = { points: [], line: L.polygon([], { color: '#c62828' }).addTo(map) };
    document.getElementById('hint').textContent = '在地图上逐点点击多边形的顶点，再点“完成并查询”。';
  };
  document.getElementById('finish').onclick = function () {
    if (!drawing || drawing.points.length < 3) return;
    var ring = drawing.points.concat([drawing.points[0]]), y = year();
    document.getElementById('finish').disabled = true;
    fetch('/query', { method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ type: 'Polygon', coordinates: [ring], years: [y] }) })
      .then(function (r) { return r.json(); }).then(function (a) {
        drawing = null;
        if (a.error) { document.getElementById('answer').innerHTML = '<p class="error">' + esc(a.error) + '</p>'; return; }
        var first = a.features ? a.features[0].properties : (a.answers ? a.answers[0] : a);
        var now = first.years[0];
        document.getElementById('answer').innerHTML = '<h2>所画多边形 ' + now.year + '</h2><table id="answer-figures">' + header +
          indicatorRows(now.indicators, keys) + '</table>';
      });
  };
  document.getElementById('year').oninput = load;
  document.getElementById('indicator').onchange = load;
  document.getElementById('product').onchange = load;
  fetch('/years').then(function (r) { return r.json(); }).then(function (d) {
    years = d.years.map(function (y) { return y.year; });
    var slider = document.getElementById('year');
    slider.max = String(years.length - 1); slider.value = String(years.length - 1);
    load();
  });
})();
</script>
</body>
</html>
)html";

const RouteRegistration page_route({"GET", "/", "The map page: counties, years, a county's figures, a polygon drawn and answered", "", {}, "",
                                    [](const Request&, const std::map<std::string, std::string>&, Context&) {
                                      return text_response(kServePage, "text/html; charset=utf-8");
                                    }});

const RouteRegistration static_route(
    {"GET",
     "/static/{file}",
     "The page's scripts and styles: leaflet.js and leaflet.css (Debian's libjs-leaflet), echarts.js (built in)",
     "",
     {{"file", "path", "string", "leaflet.js, leaflet.css or echarts.js", true}},
     "",
     [](const Request&, const std::map<std::string, std::string>& captures, Context&) {
       const std::string& file = captures.at("file");
       if (file == "echarts.js") return text_response(std::string(echarts_js()), "text/javascript; charset=utf-8");
       // Only these names reach the file system, each a fixed path.
       const std::map<std::string, std::string> leaflet = {{"leaflet.js", "text/javascript; charset=utf-8"},
                                                           {"leaflet.css", "text/css; charset=utf-8"}};
       const auto at = leaflet.find(file);
       if (at == leaflet.end()) throw RequestError(404, "/static/" + file + ": no such file (leaflet.js, leaflet.css, echarts.js)");
       std::ifstream in(std::string(kLeafletDir) + file, std::ios::binary);
       if (!in)
         throw RequestError(404, std::string(kLeafletDir) + file + ": not installed (Debian's libjs-leaflet: scripts/install_deps.sh installs it)");
       std::ostringstream bytes;
       bytes << in.rdbuf();
       return text_response(bytes.str(), at->second);
     }});

const RouteRegistration map_zones_route(
    {"GET",
     "/map/zones",
     "The zones' outlines (GeoJSON, WGS84) with a year's forest coverage and grassland cover, for the page's map",
     "Each feature's properties: code, name, year, forest_coverage_pct, grassland_cover_pct, fvc_mean, observed_fraction (the stored "
     "tallies', as county_timeseries.csv has them; null where undefined).",
     {{"year", "query", "integer", "The year (default: the latest)", false}},
     "",
     [](const Request& r, const std::map<std::string, std::string>&, Context& c) {
       const auto ws = c.workspace.current();
       const int year = map_year(r, *ws);
       const Settings settings = ws->settings(year);
       const std::vector<geo::io::Zone> on_grid = ws->zones(year);
       const std::vector<geo::io::Zone> wgs84 = zone_outlines_lonlat(settings);
       const YearResult result = ws->year_result(year);
       Json features = Json::array();
       for (std::size_t z = 0; z < on_grid.size() && z < result.tallies.size(); ++z) {
         const auto outline = std::find_if(wgs84.begin(), wgs84.end(), [&](const geo::io::Zone& w) { return w.code == on_grid[z].code; });
         if (outline == wgs84.end()) continue;
         const ZoneRow row{on_grid[z], result.tallies[z], nullptr, &result};
         Json properties{{"code", on_grid[z].code}, {"name", on_grid[z].name}, {"year", year}};
         for (const char* key : {"forest_coverage_pct", "grassland_cover_pct", "fvc_mean", "observed_fraction"}) {
           const double v = indicator(key).number(row);
           properties[key] = std::isfinite(v) ? Json(v) : Json(nullptr);
         }
         features.push_back({{"type", "Feature"}, {"properties", std::move(properties)}, {"geometry", geometry_json(outline->geometry)}});
       }
       return json_response(Json{{"type", "FeatureCollection"}, {"year", year}, {"features", std::move(features)}}.dump() + "\n");
     }});

const RouteRegistration map_products_route(
    {"GET",
     "/map/products",
     "The year's product pictures for the page's map: name, title, unit, legend, the picture's URL and its bounds",
     "The products the report maps (land cover, forest on the official definition, FVC, sandification grade) that the year "
     "has rasters of, each drawn from its raster in the report's colours and warped onto the web map (EPSG:3857); `bounds` "
     "are its south-west and north-east corners in lat/lon, as Leaflet's imageOverlay takes them.",
     {{"year", "query", "integer", "The year (default: the latest)", false}},
     "",
     [](const Request& r, const std::map<std::string, std::string>&, Context& c) {
       const auto ws = c.workspace.current();
       const int year = map_year(r, *ws);
       const StoredYearRasters rasters = ws->rasters(year);
       Json products = Json::array();
       for (const MapProduct& m : map_products(true)) {
         const std::optional<std::string> path = written_raster(rasters, m.name);
         if (!path) continue;
         const auto slot = c.slots.take(c.limits.seconds);
         const auto picture = map_picture(m.name, *path);
         Json legend = Json::array();
         for (const MapLegendEntry& e : m.legend) legend.push_back({{"label", e.label}, {"colour", e.colour}});
         products.push_back({{"name", m.name},
                             {"title", m.title},
                             {"unit", m.unit},
                             {"legend", std::move(legend)},
                             {"url", "/map/product.png?name=" + m.name + "&year=" + std::to_string(year)},
                             {"bounds", {{picture->south, picture->west}, {picture->north, picture->east}}}});
       }
       return json_response(Json{{"year", year}, {"products", std::move(products)}}.dump() + "\n");
     }});

const RouteRegistration map_product_picture_route(
    {"GET",
     "/map/product.png",
     "A product's picture for a year (PNG, EPSG:3857, transparent outside the raster and where it has no data)",
     "",
     {{"name", "query", "string", "LANDCOVER, FOREST, FVC or SANDIFICATION_GRADE", true},
      {"year", "query", "integer", "The year (default: the latest)", false}},
     "",
     [](const Request& r, const std::map<std::string, std::string>&, Context& c) {
       const auto name = r.parameters.find("name");
       if (name == r.parameters.end()) throw RequestError(400, "?name= is required (the product to draw)");
       const auto ws = c.workspace.current();
       const int year = map_year(r, *ws);
       const std::string path = map_product_path(*ws, year, name->second);
       const auto slot = c.slots.take(c.limits.seconds);
       Response out;
       out.body = map_picture(name->second, path)->png;
       out.content_type = "image/png";
       return out;
     }});

}  // namespace


}  // namespace ecomon::server
