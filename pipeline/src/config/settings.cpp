#include "config/settings.hpp"

#include <yaml-cpp/yaml.h>

#include "libgeo/io/projection.hpp"

#include <cctype>
#include <cmath>
#include <filesystem>
#include <functional>
#include <sstream>
#include <thread>

namespace ecomon {

namespace {

enum class Kind { integer, number, number_or_auto, boolean, text, path, choice, month_day };

// A checked value: its text, and for numeric kinds the number parsed once (never re-read from text).
struct Value {
  std::string text;
  double number = 0;
  int integer() const { return int(number); }  // integer kinds are checked integral and in range
};

struct KeyDef {
  std::string key;
  Kind kind;
  std::string unit;
  std::string default_text;
  double min = 0, max = 0;             // for integer / number kinds
  std::vector<std::string> choices;    // for choice
  std::string doc;
  std::function<void(Settings&, const Value&)> set;  // receives the checked value
};

std::string kind_name(const KeyDef& d) {
  switch (d.kind) {
    case Kind::integer: return "integer";
    case Kind::number: return "number";
    case Kind::number_or_auto: return "number or `auto`";
    case Kind::boolean: return "boolean";
    case Kind::text: return "string";
    case Kind::path: return "path";
    case Kind::choice: return "one of";
    case Kind::month_day: return "date MM-DD";
  }
  return "?";
}

std::string range_text(const KeyDef& d) {
  std::ostringstream o;
  switch (d.kind) {
    case Kind::integer:
    case Kind::number:
    case Kind::number_or_auto:
      o << "[" << d.min << ", " << d.max << "]";
      break;
    case Kind::choice:
      for (std::size_t i = 0; i < d.choices.size(); ++i) o << (i ? ", " : "") << d.choices[i];
      break;
    case Kind::boolean: o << "true, false"; break;
    case Kind::month_day: o << "01-01 to 12-31"; break;
    default: o << "any"; break;
  }
  return o.str();
}

const std::vector<KeyDef>& schema() {
  static const std::vector<KeyDef> defs = {
      {"run.threads", Kind::integer, "threads", "0", 0, 256, {}, "Worker threads for the TBB pipeline; 0 uses every core.",
       [](Settings& s, const Value& v) { s.threads = v.integer(); }},
      {"run.window_rows", Kind::integer, "rows", "256", 8, 16384, {},
       "Rows per streamed strip (at most; see run.memory_budget_mb). Results do not depend on it.",
       [](Settings& s, const Value& v) { s.window_rows = v.integer(); }},
      {"run.memory_budget_mb", Kind::integer, "MiB", "1024", 64, 1048576, {},
       "Window budget: strips are made shorter than run.window_rows when needed so that the strips in flight (2 per thread, ~80 bytes per pixel) fit in it. Results do not depend on it.",
       [](Settings& s, const Value& v) { s.memory_budget_mb = v.integer(); }},
      {"run.gdal_cache_mb", Kind::integer, "MiB", "128", 16, 65536, {},
       "GDAL block cache. Streaming needs little; GDAL's default (5% of RAM) costs a streaming reader ~1 GB for nothing.",
       [](Settings& s, const Value& v) { s.gdal_cache_mb = v.integer(); }},
      {"input.dir", Kind::path, "", "(required)", 0, 0, {},
       "Folder searched recursively for scenes: Landsat (folders with *_MTL.txt/xml, or .tar archives of them) and Sentinel-2 L2A (.SAFE, its .zip, or band GeoTIFFs with MTD_MSIL2A.xml).",
       [](Settings& s, const Value& v) { s.input_dir = v.text; }},
      {"zones.file", Kind::path, "", "(required)", 0, 0, {}, "Zone polygons: any OGR source (GeoPackage, Shapefile, GeoJSON).",
       [](Settings& s, const Value& v) { s.zones_file = v.text; }},
      {"zones.layer", Kind::text, "", "(first layer)", 0, 0, {}, "Layer name inside the zones file.",
       [](Settings& s, const Value& v) { s.zones_layer = v.text; }},
      {"zones.code_field", Kind::text, "", "code", 0, 0, {}, "Field holding the zone code (e.g. the 6-digit adcode).",
       [](Settings& s, const Value& v) { s.zone_code_field = v.text; }},
      {"zones.name_field", Kind::text, "", "name", 0, 0, {}, "Field holding the zone name; empty uses the code.",
       [](Settings& s, const Value& v) { s.zone_name_field = v.text; }},
      {"output.dir", Kind::path, "", "ecomon_out", 0, 0, {}, "Folder for products and reports (created if missing).",
       [](Settings& s, const Value& v) { s.output_dir = v.text; }},
      {"output.codec", Kind::choice, "", "ZSTD", 0, 0, {"ZSTD", "DEFLATE", "LZW", "NONE"},
       "GeoTIFF codec. ZSTD level 1 encodes ~9x faster than DEFLATE level 6 at about the same size (scripts/bench.sh); DEFLATE is the most widely readable.",
       [](Settings& s, const Value& v) { s.codec = v.text; }},
      {"output.level", Kind::integer, "", "1", 1, 22, {}, "Codec level (ZSTD 1-22, DEFLATE 1-9).",
       [](Settings& s, const Value& v) { s.codec_level = v.integer(); }},
      {"output.block_size", Kind::integer, "pixels", "512", 64, 4096, {}, "COG internal tile size (a multiple of 16).",
       [](Settings& s, const Value& v) { s.block_size = v.integer(); }},
      {"output.products", Kind::boolean, "", "true", 0, 0, {}, "Write product GeoTIFFs; false writes the reports only.",
       [](Settings& s, const Value& v) { s.write_products = v.text == "true"; }},
      {"fvc.ndvi_soil", Kind::number_or_auto, "NDVI", "0.05", -1, 1, {},
       "Bare-soil NDVI end-member of the dimidiate pixel model; `auto` takes the scene's `fvc.soil_percentile` of NDVI over clear land.",
       [](Settings& s, const Value& v) { s.ndvi_soil = v.text == "auto" ? std::nullopt : std::optional<double>(v.number); }},
      {"fvc.ndvi_veg", Kind::number_or_auto, "NDVI", "0.85", -1, 1, {},
       "Full-vegetation NDVI end-member; `auto` takes the scene's `fvc.veg_percentile` of NDVI over clear land.",
       [](Settings& s, const Value& v) { s.ndvi_veg = v.text == "auto" ? std::nullopt : std::optional<double>(v.number); }},
      {"fvc.soil_percentile", Kind::number, "%", "5", 0, 50, {}, "Percentile used by `fvc.ndvi_soil: auto`.",
       [](Settings& s, const Value& v) { s.soil_percentile = v.number; }},
      {"fvc.veg_percentile", Kind::number, "%", "95", 50, 100, {}, "Percentile used by `fvc.ndvi_veg: auto`.",
       [](Settings& s, const Value& v) { s.veg_percentile = v.number; }},
      {"water.mndwi_min", Kind::number, "MNDWI", "0.0", -1, 1, {}, "A clear pixel is water when MNDWI exceeds this (Xu 2006 uses 0).",
       [](Settings& s, const Value& v) { s.water_mndwi_min = v.number; }},
      {"forest.ndvi_min", Kind::number, "NDVI", "0.60", -1, 1, {}, "Canopy threshold: clear, non-water pixels at or above it are forest candidates.",
       [](Settings& s, const Value& v) { s.forest_ndvi_min = v.number; }},
      {"forest.min_patch_ha", Kind::number, "ha", "0.5", 0, 100, {},
       "Minimum forest patch (8-connected, ellipsoidal area); China's forest-land definition uses 0.0667 ha (1 mu) for stands and the brief's 0.5 ha here.",
       [](Settings& s, const Value& v) { s.forest_min_patch_ha = v.number; }},
      {"desertification.none_min_fvc", Kind::number, "fraction", "0.60", 0, 1, {}, "FVC at or above which land is graded 'none'.",
       [](Settings& s, const Value& v) { s.desert_none_min = v.number; }},
      {"desertification.light_min_fvc", Kind::number, "fraction", "0.40", 0, 1, {}, "FVC at or above which land is 'light' (GB/T 24255 cover criterion).",
       [](Settings& s, const Value& v) { s.desert_light_min = v.number; }},
      {"desertification.moderate_min_fvc", Kind::number, "fraction", "0.25", 0, 1, {}, "FVC at or above which land is 'moderate'.",
       [](Settings& s, const Value& v) { s.desert_moderate_min = v.number; }},
      {"desertification.severe_min_fvc", Kind::number, "fraction", "0.10", 0, 1, {}, "FVC at or above which land is 'severe'; below is 'extreme'.",
       [](Settings& s, const Value& v) { s.desert_severe_min = v.number; }},
      {"season.enabled", Kind::boolean, "", "true", 0, 0, {},
       "Build yearly season composites on the regional grid, county_timeseries.csv and county_trends.csv.",
       [](Settings& s, const Value& v) { s.season_enabled = v.text == "true"; }},
      {"season.start", Kind::month_day, "", "07-01", 0, 0, {}, "First day of the peak-season window (grassland cover is surveyed at its peak).",
       [](Settings& s, const Value& v) { s.season_start = v.text; }},
      {"season.end", Kind::month_day, "", "08-31", 0, 0, {}, "Last day of the peak-season window.",
       [](Settings& s, const Value& v) { s.season_end = v.text; }},
      {"season.spring_start", Kind::month_day, "", "05-01", 0, 0, {}, "Spring window for the forest phenology rule (crops are not yet green).",
       [](Settings& s, const Value& v) { s.spring_start = v.text; }},
      {"season.spring_end", Kind::month_day, "", "05-31", 0, 0, {}, "End of the spring window.",
       [](Settings& s, const Value& v) { s.spring_end = v.text; }},
      {"season.autumn_start", Kind::month_day, "", "09-01", 0, 0, {}, "Autumn window for the forest phenology rule (crops senesce, are harvested).",
       [](Settings& s, const Value& v) { s.autumn_start = v.text; }},
      {"season.autumn_end", Kind::month_day, "", "09-30", 0, 0, {}, "End of the autumn window.",
       [](Settings& s, const Value& v) { s.autumn_end = v.text; }},
      {"season.grid_crs", Kind::text, "", "China Albers (aea 25/47/105, WGS84)", 0, 0, {},
       "CRS of the regional output grid: a projected CRS in metres (PROJ/EPSG/WKT string; geographic CRSs are refused). Equal-area, so every cell has the same true area and every ground location is counted once, whatever the scenes' UTM zones.",
       [](Settings& s, const Value& v) { s.grid_crs = v.text; }},
      {"season.pixel_size", Kind::number, "m", "30", 5, 2000, {}, "Cell size of the regional grid.",
       [](Settings& s, const Value& v) { s.grid_pixel = v.number; }},
      {"water.permanent_min_frequency", Kind::number, "fraction", "0.75", 0, 1, {},
       "Water frequency (wet / clear observations in the season, as Digital Earth Australia's WOfS, Mueller et al. 2016) at or above which water is permanent.",
       [](Settings& s, const Value& v) { s.water_permanent_min = v.number; }},
      {"water.seasonal_min_frequency", Kind::number, "fraction", "0.25", 0, 1, {},
       "Water frequency at or above which a cell is wetland (seasonal water, or permanent).",
       [](Settings& s, const Value& v) { s.water_seasonal_min = v.number; }},
      {"water.land_max_frequency", Kind::number, "fraction", "0.5", 0, 1, {},
       "Season rule: a cell wet in at least this share of its clear season observations is water, not land: it has no cover, forest or desertification grade (cells between this and water.permanent_min_frequency count as wetland only).",
       [](Settings& s, const Value& v) { s.water_land_max_frequency = v.number; }},
      {"forest.shoulder_ndvi_min", Kind::number, "NDVI", "0.45", -1, 1, {},
       "Phenology rule: a forest cell must also reach this NDVI in the spring and autumn windows where it was observed in them; irrigated crops do not.",
       [](Settings& s, const Value& v) { s.forest_shoulder_ndvi_min = v.number; }},
      {"trend.alpha", Kind::number, "", "0.05", 0.001, 0.5, {}, "Significance level of the Mann-Kendall test.",
       [](Settings& s, const Value& v) { s.trend_alpha = v.number; }},
      {"report.headers", Kind::choice, "", "en", 0, 0, {"en", "zh", "en_zh"},
       "CSV header language: English keys, Chinese names, or both (\"区划代码 zone_code\").",
       [](Settings& s, const Value& v) { s.report_headers = v.text; }},
  };
  return defs;
}

const KeyDef* find_key(const std::string& key) {
  for (const auto& d : schema())
    if (d.key == key) return &d;
  return nullptr;
}

bool is_section(const std::string& prefix) {
  for (const auto& d : schema())
    if (d.key.rfind(prefix + ".", 0) == 0) return true;
  return false;
}

std::string keys_under(const std::string& prefix) {
  std::string out;
  for (const auto& d : schema())
    if (prefix.empty() || d.key.rfind(prefix + ".", 0) == 0) out += (out.empty() ? "" : ", ") + d.key;
  return out;
}

// Checks `text` against the key's type and range, then stores it.
void apply(Settings& s, const KeyDef& d, const std::string& text, const std::string& where) {
  Value value{text, 0};
  auto fail = [&](const std::string& why) {
    throw ConfigError(where + ": key '" + d.key + "' " + why + " (expected " + kind_name(d) + " " + range_text(d) + ")");
  };
  auto parse_number = [&](const std::string& t) {
    std::size_t used = 0;
    double v = 0;
    try {
      v = std::stod(t, &used);
    } catch (const std::exception&) {
      fail("has value '" + t + "', not a number");
    }
    if (used != t.size() || !std::isfinite(v)) fail("has value '" + t + "', not a number");
    if (v < d.min || v > d.max) fail("has value " + t + ", out of range");
    return v;
  };
  switch (d.kind) {
    case Kind::integer: {
      value.number = parse_number(text);
      if (value.number != std::floor(value.number)) fail("has value " + text + ", not an integer");
      break;
    }
    case Kind::number: value.number = parse_number(text); break;
    case Kind::number_or_auto:
      if (text != "auto") value.number = parse_number(text);
      break;
    case Kind::boolean:
      if (text != "true" && text != "false") fail("has value '" + text + "'");
      break;
    case Kind::choice: {
      std::string upper = text;
      bool ok = false;
      for (const auto& c : d.choices) ok = ok || c == text;
      if (!ok) fail("has value '" + upper + "'");
      break;
    }
    case Kind::month_day: {
      static const int days[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
      const bool shape = text.size() == 5 && text[2] == '-' && std::isdigit(text[0]) && std::isdigit(text[1]) &&
                         std::isdigit(text[3]) && std::isdigit(text[4]);
      const int m = shape ? std::stoi(text.substr(0, 2)) : 0, day = shape ? std::stoi(text.substr(3, 2)) : 0;
      if (!shape || m < 1 || m > 12 || day < 1 || day > days[m - 1]) fail("has value '" + text + "', not a valid MM-DD");
      break;
    }
    case Kind::text:
    case Kind::path: break;
  }
  d.set(s, value);
}

void walk(Settings& s, const YAML::Node& node, const std::string& prefix, const std::string& file,
          const std::filesystem::path& base) {
  if (!node.IsMap()) throw ConfigError(file + ": '" + (prefix.empty() ? "top level" : prefix) + "' must be a mapping");
  for (const auto& kv : node) {
    const std::string name = kv.first.as<std::string>();
    const std::string key = prefix.empty() ? name : prefix + "." + name;
    if (const KeyDef* d = find_key(key)) {
      if (!kv.second.IsScalar())
        throw ConfigError(file + ": key '" + key + "' must be a single value (expected " + kind_name(*d) + " " + range_text(*d) + ")");
      std::string text = kv.second.as<std::string>();
      if (d->kind == Kind::path && !text.empty() && std::filesystem::path(text).is_relative())
        text = (base / text).lexically_normal().string();
      apply(s, *d, text, file);
    } else if (is_section(key)) {
      walk(s, kv.second, key, file, base);
    } else {
      const std::string section = prefix;
      throw ConfigError(file + ": unknown key '" + key + "' (known keys" + (section.empty() ? "" : " in '" + section + "'") +
                        ": " + keys_under(section) + ")");
    }
  }
}

}  // namespace

void apply_override(Settings& s, const std::string& assignment) {
  const auto eq = assignment.find('=');
  if (eq == std::string::npos) throw ConfigError("--set " + assignment + ": expected key.path=value");
  const std::string key = assignment.substr(0, eq), value = assignment.substr(eq + 1);
  const KeyDef* d = find_key(key);
  if (!d) throw ConfigError("--set: unknown key '" + key + "' (known keys: " + keys_under("") + ")");
  apply(s, *d, value, "--set");
}

void validate(const Settings& s, const std::string& where) {
  if (s.ndvi_soil && s.ndvi_veg && !(*s.ndvi_veg > *s.ndvi_soil))
    throw ConfigError(where + ": fvc.ndvi_veg (" + std::to_string(*s.ndvi_veg) + ") must be greater than fvc.ndvi_soil (" +
                      std::to_string(*s.ndvi_soil) + ")");
  if (!(s.desert_none_min > s.desert_light_min && s.desert_light_min > s.desert_moderate_min &&
        s.desert_moderate_min > s.desert_severe_min))
    throw ConfigError(where + ": desertification cut points must decrease: none_min_fvc > light_min_fvc > moderate_min_fvc > severe_min_fvc");
  if (s.block_size % 16 != 0) throw ConfigError(where + ": key 'output.block_size' must be a multiple of 16");
  if (!(s.water_permanent_min > s.water_seasonal_min))
    throw ConfigError(where + ": water.permanent_min_frequency must be greater than water.seasonal_min_frequency");
  if (s.season_start > s.season_end || s.spring_start > s.spring_end || s.autumn_start > s.autumn_end)
    throw ConfigError(where + ": each season window must start before it ends (season, spring, autumn)");
  // season.pixel_size is in metres: a geographic grid would make cells of that many degrees.
  if (const std::string why = geo::io::projected_metres_problem(s.grid_crs); !why.empty())
    throw ConfigError(where + ": key 'season.grid_crs' " + why + " ('" + s.grid_crs.substr(0, 80) +
                      "'); the regional grid needs a projected CRS in metres, ideally equal-area (e.g. the default China Albers)");
}

Settings load_settings(const std::string& path, const std::vector<std::string>& overrides) {
  Settings s;
  if (!path.empty()) {
    YAML::Node root;
    try {
      root = YAML::LoadFile(path);
    } catch (const YAML::BadFile&) {
      throw ConfigError(path + ": cannot read the config file");
    } catch (const YAML::Exception& e) {
      throw ConfigError(path + ": not valid YAML: " + e.what());
    }
    if (!root.IsNull()) walk(s, root, "", path, std::filesystem::absolute(path).parent_path());
  }
  for (const auto& o : overrides) apply_override(s, o);
  validate(s, path.empty() ? "settings" : path);
  return s;
}

StripPlan plan_strips(const Settings& s, double bytes_per_cell, int cols, int halo_rows) {
  StripPlan plan;
  plan.threads = s.threads > 0 ? s.threads : std::max(1, int(std::thread::hardware_concurrency()));
  plan.tokens = std::size_t(2 * plan.threads);
  const double budget_rows = double(s.memory_budget_mb) * 1024.0 * 1024.0 / (bytes_per_cell * cols * double(plan.tokens));
  plan.rows = std::clamp(int(budget_rows) - 2 * halo_rows, 8, std::max(8, s.window_rows));
  return plan;
}

std::string settings_reference_markdown() {
  std::ostringstream o;
  o << "| key | type | unit | default | allowed | meaning |\n|---|---|---|---|---|---|\n";
  for (const auto& d : schema())
    o << "| `" << d.key << "` | " << kind_name(d) << " | " << d.unit << " | " << d.default_text << " | " << range_text(d)
      << " | " << d.doc << " |\n";
  return o.str();
}

}  // namespace ecomon
