// stac/: a STAC 1.1 catalog of the run's rasters, so that any STAC client (pystac, QGIS's STAC
// browser, stac-browser, odc-stac) finds them with their grid, encoding, classes and checksums.
//
//   stac/catalog.json                          the run
//   stac/<collection>/collection.json          one per product and level: ecomon-season-FVC,
//                                              ecomon-scene-NDVI, ecomon-trends-FVC_TREND_CLASS
//   stac/<collection>/<item>/<item>.json       one per raster: a year's composite, a scene's
//                                              product, the trend over the years
//
// Every link and asset href is relative (a self-contained catalog: the folder can be moved or
// served as it is). Each item declares the extensions it fills: projection (the grid's CRS, shape,
// transform and bounds), raster (scale and offset; nodata, data type and unit are STAC 1.1's common
// band fields), classification (a class raster's values, names and colours), file (size and a
// SHA2-256 multihash) and processing (the software and the lineage). Nothing in it says when it was
// written, so the same results give the same bytes. The figures are the rasters' own: the grid, the
// encoding and the nodata are read from each file, the classes and the unit from the product's spec
// that wrote them.
#include <spdlog/spdlog.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>

#include "base/errors.hpp"
#include "base/file_checksum.hpp"
#include "base/version.hpp"
#include "libgeo/io/projection.hpp"
#include "libgeo/io/raster.hpp"
#include "products/product_specs.hpp"
#include "report/report_writer.hpp"

namespace ecomon {

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr const char* kStacVersion = "1.1.0";
constexpr const char* kProjection = "https://stac-extensions.github.io/projection/v2.0.0/schema.json";
constexpr const char* kRaster = "https://stac-extensions.github.io/raster/v2.0.0/schema.json";
constexpr const char* kFile = "https://stac-extensions.github.io/file/v2.1.0/schema.json";
constexpr const char* kProcessing = "https://stac-extensions.github.io/processing/v1.2.0/schema.json";
constexpr const char* kClassification = "https://stac-extensions.github.io/classification/v1.1.0/schema.json";

// One raster the catalog lists.
struct RasterEntry {
  std::string level;       // scene, season, trends
  const ProductSpec* spec;  // the product that wrote it
  std::string path;        // absolute
  std::string item_id;
  std::string start, end;  // RFC 3339 instants the raster stands for
  std::optional<std::string> datetime;  // a scene's acquisition (else the interval alone)
  std::string lineage;
};

const ProductSpec* find_spec(const std::vector<ProductSpec>& specs, const std::string& name) {
  for (const ProductSpec& p : specs)
    if (p.name == name) return &p;
  return nullptr;
}

// STAC 1.1's data types from GDAL's names.
std::string stac_data_type(const std::string& gdal) {
  static const std::map<std::string, std::string> types = {{"Byte", "uint8"},    {"Int8", "int8"},       {"UInt16", "uint16"},
                                                           {"Int16", "int16"},   {"UInt32", "uint32"},   {"Int32", "int32"},
                                                           {"Float32", "float32"}, {"Float64", "float64"}, {"UInt64", "uint64"},
                                                           {"Int64", "int64"}};
  const auto t = types.find(gdal);
  return t == types.end() ? "other" : t->second;
}

// The classification extension's `name` allows [0-9A-Za-z-_] only: the label's words joined by '-'.
std::string class_name(const std::string& label) {
  std::string out;
  bool gap = false;
  for (unsigned char ch : label) {
    if (std::isalnum(ch)) {
      if (gap && !out.empty()) out += '-';
      out += char(std::tolower(ch));
      gap = false;
    } else {
      gap = true;
    }
  }
  return out.empty() ? "class" : out;
}

std::string hex_colour(const geo::io::ColourEntry& c) {
  char text[8];
  std::snprintf(text, sizeof text, "%02x%02x%02x", c.r, c.g, c.b);
  return text;
}

// The grid's footprint in WGS84 longitude/latitude: its edges densified (a projected rectangle is
// curved in degrees) and their bounds; polygon ring counter-clockwise, as RFC 7946 asks.
struct Footprint {
  json geometry;
  std::vector<double> bbox;
};

Footprint footprint(const geo::Grid& grid) {
  const geo::Box e = grid.extent();
  constexpr int kSteps = 16;
  std::vector<geo::Point> ring;
  for (int i = 0; i < kSteps; ++i) ring.push_back({e.xmin + (e.xmax - e.xmin) * i / kSteps, e.ymin});
  for (int i = 0; i < kSteps; ++i) ring.push_back({e.xmax, e.ymin + (e.ymax - e.ymin) * i / kSteps});
  for (int i = 0; i < kSteps; ++i) ring.push_back({e.xmax - (e.xmax - e.xmin) * i / kSteps, e.ymax});
  for (int i = 0; i < kSteps; ++i) ring.push_back({e.xmin, e.ymax - (e.ymax - e.ymin) * i / kSteps});
  if (!geo::io::is_geographic(grid.crs_wkt)) geo::io::CoordinateTransformer(grid.crs_wkt, "EPSG:4326").transform(ring);
  ring.push_back(ring.front());
  Footprint f;
  double west = 180, south = 90, east = -180, north = -90;
  json coordinates = json::array();
  for (const geo::Point& p : ring) {
    // Seven decimals: about a centimetre, and the same text on every machine.
    const double lon = std::round(p.x * 1e7) / 1e7, lat = std::round(p.y * 1e7) / 1e7;
    coordinates.push_back({lon, lat});
    west = std::min(west, lon), east = std::max(east, lon), south = std::min(south, lat), north = std::max(north, lat);
  }
  f.geometry = {{"type", "Polygon"}, {"coordinates", json::array({coordinates})}};
  f.bbox = {west, south, east, north};
  return f;
}

// What an item takes from its raster's grid: the footprint and the CRS's code (or WKT2). Worked out
// once per grid of a catalog: the rasters of a scene, and of every year, share one, and each PROJ
// lookup (identifying the CRS, creating the operation to WGS 84) costs about a millisecond.
struct GridFacts {
  Footprint where;
  std::string code, wkt2;
};

const GridFacts& facts_of(const geo::Grid& grid, std::map<std::string, GridFacts>& known) {
  const geo::GeoTransform& t = grid.transform;
  std::ostringstream key;
  key.precision(17);
  key << grid.cols << ' ' << grid.rows << ' ' << t.origin_x << ' ' << t.pixel_width << ' ' << t.origin_y << ' ' << t.pixel_height << ' ' << grid.crs_wkt;
  const auto [at, added] = known.try_emplace(key.str());
  if (added) {
    at->second.where = footprint(grid);
    at->second.code = geo::io::crs_authority_code(grid.crs_wkt);
    if (at->second.code.empty()) at->second.wkt2 = geo::io::crs_wkt2(grid.crs_wkt);
  }
  return at->second;
}

std::string relative_href(const std::string& target, const fs::path& from_dir) {
  return fs::relative(fs::path(target), from_dir).generic_string();
}

json link(const std::string& rel, const std::string& href, const std::string& type = "application/json") {
  return {{"rel", rel}, {"href", href}, {"type", type}};
}

std::string collection_id(const RasterEntry& r) { return "ecomon-" + r.level + "-" + r.spec->name; }

class StacWriter : public ReportWriter {
 public:
  // The rasters and their checksums only: no other writer's output, and none reads its catalog.
  bool runs_beside_the_others() const override { return true; }

  void write(const RunResults& r) override {
    const std::vector<RasterEntry> rasters = listed_rasters(r);
    // Built whole in a scratch folder inside the output, then put in place of the old catalog: a
    // reader finds either the old catalog or the new one, and no item of a raster that is gone.
    const fs::path target = r.output.path({"stac"});
    const fs::path scratch = fs::path(r.output.work_dir()) / "stac";
    fs::remove_all(scratch);
    StacFiles files;  // by path in the catalog

    std::map<std::string, std::vector<const RasterEntry*>> collections;  // by id, so in id order
    for (const RasterEntry& raster : rasters) collections[collection_id(raster)].push_back(&raster);
    // Every raster's checksum at once: the files not known to the catalog read and hashed in parallel.
    std::vector<std::string> paths;
    for (const RasterEntry& raster : rasters) paths.push_back(raster.path);
    const std::vector<std::string> digests = r.checksums_of ? r.checksums_of(paths) : digests_of_files(paths, sha256_multihash_of_file);
    std::map<std::string, std::string> checksum_of;
    for (std::size_t i = 0; i < paths.size(); ++i) checksum_of[paths[i]] = digests[i];

    json catalog = {{"type", "Catalog"},
                    {"stac_version", kStacVersion},
                    {"id", "ecomon"},
                    {"title", "ecomon run"},
                    {"description", "The rasters of an ecomon run: season composites and land cover per year, per-scene products and "
                                    "trends over the years, on the run's grids." +
                                        std::string(any_simulated(r) ? " Made from SIMULATED scenes." : "")},
                    {"links", json::array({link("root", "./catalog.json")})}};
    std::map<std::string, GridFacts> grids;
    for (const auto& [id, entries] : collections) {
      catalog["links"].push_back(link("child", "./" + id + "/collection.json"));
      write_collection(id, entries, target, checksum_of, files, grids);
    }
    add_json(files, "catalog.json", catalog);
    geo::io::write_files_durably(scratch.string(), files);

    const fs::path old = fs::path(r.output.work_dir()) / "stac-old";
    std::error_code ec;
    fs::remove_all(old, ec);
    if (fs::exists(target)) fs::rename(target, old);
    fs::rename(scratch, target);
    fs::remove_all(old, ec);
    spdlog::info("STAC catalog {} ({} collections, {} items)", (target / "catalog.json").string(), collections.size(), rasters.size());
  }

 private:
  static bool any_simulated(const RunResults& r) {
    return std::any_of(r.scenes.begin(), r.scenes.end(), [](const SceneResult& s) { return s.scene.simulated; });
  }

  using StacFiles = std::vector<std::pair<std::string, std::string>>;

  static void add_json(StacFiles& files, const fs::path& path, const json& value) {
    files.emplace_back(path.string(), value.dump(2) + "\n");
  }

  static std::vector<RasterEntry> listed_rasters(const RunResults& r) {
    std::vector<RasterEntry> out;
    for (const YearResult& y : r.years) {
      const std::string year = std::to_string(y.year);
      const std::string prefix = "ecomon_" + year + "_";
      for (const std::string& path : y.products) {
        const std::string stem = fs::path(path).stem().string();
        if (stem.rfind(prefix, 0) != 0) continue;
        const ProductSpec* spec = find_spec(season_products(), stem.substr(prefix.size()));
        if (!spec) continue;
        out.push_back({"season", spec, path, spec->name + "-" + year, year + "-01-01T00:00:00Z", year + "-12-31T23:59:59Z", std::nullopt,
                       "Season composite of " + year + " on the regional grid, from " + std::to_string(y.scenes) + " scene(s)"});
      }
    }
    for (const SceneResult& s : r.scenes) {
      const std::string prefix = s.scene.id + "_";
      for (const std::string& path : s.products) {
        const std::string stem = fs::path(path).stem().string();
        if (stem.rfind(prefix, 0) != 0) continue;
        const ProductSpec* spec = find_spec(scene_products(), stem.substr(prefix.size()));
        if (!spec) continue;
        const std::string when = s.scene.date + "T00:00:00Z";
        out.push_back({"scene", spec, path, s.scene.id + "-" + spec->name, when, s.scene.date + "T23:59:59Z", when,
                       "From " + s.scene.spacecraft + " " + s.scene.sensor + " scene " + s.scene.id + " (" + s.scene.reflectance +
                           " reflectance), masked for cloud, shadow and snow"});
      }
    }
    std::vector<int> trend_years;
    for (const YearResult& y : r.years)
      if (!y.fvc_product.empty()) trend_years.push_back(y.year);
    for (const ProductSpec& spec : trend_products()) {
      const std::string path = r.output.path({"trends", spec.name + ".tif"});
      if (trend_years.size() < 3 || !fs::exists(path)) continue;
      const std::string first = std::to_string(trend_years.front()), last = std::to_string(trend_years.back());
      out.push_back({"trends", &spec, path, spec.name + "-" + first + "-" + last, first + "-01-01T00:00:00Z", last + "-12-31T23:59:59Z",
                     std::nullopt, "Per-cell trend of the season FVC over " + first + "-" + last});
    }
    return out;
  }

  // An item's properties and asset, from the file on disk and the product's spec.
  static json item(const RasterEntry& raster, const fs::path& item_dir, const fs::path& catalog_root, const std::string& checksum,
                   std::map<std::string, GridFacts>& grids) {
    const geo::io::RasterReader reader(raster.path);
    const geo::Grid& grid = reader.grid();
    const GridFacts& facts = facts_of(grid, grids);
    const Footprint& where = facts.where;
    const bool classes = !raster.spec->colours.empty();

    json properties = {{"title", raster.spec->name + " " + raster.item_id}, {"description", raster.spec->description}};
    properties["datetime"] = raster.datetime ? json(*raster.datetime) : json(nullptr);
    properties["start_datetime"] = raster.start;
    properties["end_datetime"] = raster.end;
    properties["proj:code"] = facts.code.empty() ? json(nullptr) : json(facts.code);
    if (facts.code.empty()) properties["proj:wkt2"] = facts.wkt2;
    properties["proj:shape"] = {grid.rows, grid.cols};
    const geo::GeoTransform& t = grid.transform;
    properties["proj:transform"] = {t.pixel_width, 0.0, t.origin_x, 0.0, t.pixel_height, t.origin_y};
    const geo::Box e = grid.extent();
    properties["proj:bbox"] = {e.xmin, e.ymin, e.xmax, e.ymax};
    properties["processing:software"] = {{"ecomon", ecomon_version()}};
    properties["processing:lineage"] = raster.lineage;
    properties["processing:level"] = raster.level == "scene" ? "L2" : "L3";

    json asset = {{"href", relative_href(raster.path, item_dir)},
                  {"type", "image/tiff; application=geotiff; profile=cloud-optimized"},
                  {"title", raster.spec->description},
                  {"roles", json::array({"data"})},
                  {"data_type", stac_data_type(reader.data_type_name())},
                  {"file:size", fs::file_size(raster.path)},
                  {"file:checksum", checksum}};
    if (const auto nodata = reader.nodata()) asset["nodata"] = *nodata;
    const auto [scale, offset] = reader.scale_offset();
    asset["raster:scale"] = scale;
    asset["raster:offset"] = offset;
    asset["raster:spatial_resolution"] = std::abs(t.pixel_width);
    if (!raster.spec->unit.empty()) asset["unit"] = raster.spec->unit;
    if (classes) {
      json list = json::array();
      for (const geo::io::ColourEntry& c : raster.spec->colours) {
        json entry = {{"value", c.value}, {"name", class_name(c.label)}, {"title", c.label}, {"color_hint", hex_colour(c)}};
        if (double(c.value) == raster.spec->nodata) entry["nodata"] = true;
        list.push_back(entry);
      }
      asset["classification:classes"] = list;
    }
    // Sidecars a GIS reads beside the raster: the class names (GDAL) and QGIS's style.
    json assets = {{"data", asset}};
    const std::string aux = raster.path + ".aux.xml";
    if (fs::exists(aux))
      assets["metadata"] = {{"href", relative_href(aux, item_dir)}, {"type", "application/xml"}, {"roles", json::array({"metadata"})},
                            {"title", "GDAL's auxiliary metadata: class names and attribute table"}};
    const std::string qml = (fs::path(raster.path).parent_path() / fs::path(raster.path).stem()).string() + ".qml";
    if (fs::exists(qml))
      assets["style"] = {{"href", relative_href(qml, item_dir)}, {"type", "application/xml"}, {"roles", json::array({"style"})},
                         {"title", "QGIS layer style"}};

    json extensions = {kProjection, kRaster, kFile, kProcessing};
    if (classes) extensions.push_back(kClassification);
    const std::string collection = collection_id(raster);
    return {{"type", "Feature"},
            {"stac_version", kStacVersion},
            {"stac_extensions", extensions},
            {"id", raster.item_id},
            {"collection", collection},
            {"geometry", where.geometry},
            {"bbox", where.bbox},
            {"properties", properties},
            {"assets", assets},
            {"links", json::array({link("root", relative_href((catalog_root / "catalog.json").string(), item_dir)),
                                   link("parent", "../collection.json"), link("collection", "../collection.json")})}};
  }

  static void write_collection(const std::string& id, const std::vector<const RasterEntry*>& entries, const fs::path& target,
                               const std::map<std::string, std::string>& checksum_of, StacFiles& files, std::map<std::string, GridFacts>& grids) {
    const RasterEntry& first = *entries.front();
    json links = json::array({link("root", "../catalog.json"), link("parent", "../catalog.json")});
    double west = 180, south = 90, east = -180, north = -90;
    std::string start = first.start, end = first.end;
    for (const RasterEntry* raster : entries) {
      // Items are placed as they will be once the scratch folder is put in place of the catalog.
      const fs::path item_dir = target / id / raster->item_id;
      const json value =
          item(*raster, item_dir, target, checksum_of.at(raster->path), grids);
      add_json(files, fs::path(id) / raster->item_id / (raster->item_id + ".json"), value);
      links.push_back(link("item", "./" + raster->item_id + "/" + raster->item_id + ".json", "application/geo+json"));
      const auto& b = value["bbox"];
      west = std::min(west, b[0].get<double>()), south = std::min(south, b[1].get<double>());
      east = std::max(east, b[2].get<double>()), north = std::max(north, b[3].get<double>());
      start = std::min(start, raster->start), end = std::max(end, raster->end);
    }
    const ProductSpec& spec = *first.spec;
    json collection = {{"type", "Collection"},
                       {"stac_version", kStacVersion},
                       {"stac_extensions", json::array()},  // the items carry the extensions' fields
                       {"id", id},
                       {"title", spec.name + " (" + first.level + ")"},
                       {"description", spec.description},
                       {"license", "other"},
                       {"extent",
                        {{"spatial", {{"bbox", json::array({json::array({west, south, east, north})})}}},
                         {"temporal", {{"interval", json::array({json::array({start, end})})}}}}},
                       {"links", links}};
    add_json(files, fs::path(id) / "collection.json", collection);
  }
};

const ReportWriterRegistration registration("85-stac", [] { return std::make_unique<StacWriter>(); });

}  // namespace

}  // namespace ecomon
