#include "config/settings.hpp"

#include <yaml-cpp/yaml.h>

#include "config/strict_yaml.hpp"
#include "libgeo/io/projection.hpp"
#include "rules/cell_rules.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <cstdio>
#include <functional>
#include <map>
#include <optional>
#include <type_traits>
#include <variant>
#include <sstream>
#include <thread>

namespace ecomon {

namespace {

enum class Kind { integer, number, number_or_auto, boolean, text, path, choice, month_day, zone_list, product_list, code_table };

// A checked value: its text, and for numeric kinds the number parsed once (never re-read from text).
struct Value {
  std::string text;
  double number = 0;
  int integer() const { return int(number); }  // integer kinds are checked integral and in range
};

// The Settings field a key sets: its type decides how a checked value is stored, and the default
// that `config-reference` prints is read from a default-constructed Settings, so it cannot drift.
template <typename T>
using FieldOf = T& (*)(Settings&);
using Field = std::variant<FieldOf<int>, FieldOf<double>, FieldOf<bool>, FieldOf<std::string>, FieldOf<std::optional<double>>>;

// A key and its field from one spelling: KEY(season, pixel_size) is "season.pixel_size" and
// settings.season.pixel_size, so a key and its field cannot be named apart.
#define KEY(section, name) #section "." #name, Field(+[](Settings& s) -> decltype(auto) { return (s.section.name); })

struct KeyDef {
  std::string key;
  Field field;
  Kind kind;
  std::string unit;
  double min = 0, max = 0;           // for integer / number kinds
  std::vector<std::string> choices;  // for choice
  std::string doc;
  std::string when_empty = "";  // what an empty default means ("(required)", "(first layer)")
};

// "a,b,,c" -> {"a", "b", "", "c"}: the zone codes of a zone_list value, empty ones kept for the check.
std::vector<std::string> split_commas(const std::string& text) {
  std::vector<std::string> parts;
  for (std::size_t start = 0;;) {
    const std::size_t comma = text.find(',', start);
    parts.push_back(text.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
    if (comma == std::string::npos) return parts;
    start = comma + 1;
  }
}

std::string number_text(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

// The key's value in `s`, as text (the documented default, for a default-constructed Settings).
std::string value_text(const KeyDef& d, const Settings& s) {
  return std::visit(
      [&](auto field) -> std::string {
        const auto& v = field(const_cast<Settings&>(s));
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, int>)
          return std::to_string(v);
        else if constexpr (std::is_same_v<T, double>)
          return number_text(v);
        else if constexpr (std::is_same_v<T, bool>)
          return v ? "true" : "false";
        else if constexpr (std::is_same_v<T, std::string>)
          return v.empty() ? d.when_empty : v;
        else
          return v ? number_text(*v) : "auto";
      },
      d.field);
}

// Stores a checked value in the key's field.
void store(Settings& s, const KeyDef& d, const Value& value) {
  std::visit(
      [&](auto field) {
        auto& v = field(s);
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, int>)
          v = value.integer();
        else if constexpr (std::is_same_v<T, double>)
          v = value.number;
        else if constexpr (std::is_same_v<T, bool>)
          v = value.text == "true";
        else if constexpr (std::is_same_v<T, std::string>)
          v = value.text;
        else
          v = value.text == "auto" ? std::nullopt : std::optional<double>(value.number);
      },
      d.field);
}

std::string kind_name(const KeyDef& d) {
  switch (d.kind) {
    case Kind::integer:
      return "integer";
    case Kind::number:
      return "number";
    case Kind::number_or_auto:
      return "number or `auto`";
    case Kind::boolean:
      return "boolean";
    case Kind::text:
      return "string";
    case Kind::path:
      return "path";
    case Kind::choice:
      return "one of";
    case Kind::month_day:
      return "date MM-DD";
    case Kind::zone_list:
      return "`all`, `none` or a list of zone codes";
    case Kind::product_list:
      return "`all`, `none` or a list of products";
    case Kind::code_table:
      return "mapping of raster codes to land cover classes";
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
    case Kind::boolean:
      o << "true, false";
      break;
    case Kind::month_day:
      o << "01-01 to 12-31";
      break;
    case Kind::zone_list:
      o << "all, none, [code, ...]";
      break;
    case Kind::product_list:
      o << "all, none, [scene, season, trends, LEVEL/NAME, NAME, ...]";
      break;
    case Kind::code_table:
      o << "{code: tree | shrubland | grassland | cropland | water | wetland | bare | built_up, ...}";
      break;
    default:
      o << "any";
      break;
  }
  return o.str();
}

const std::vector<KeyDef>& schema() {
  static const std::vector<KeyDef> defs = {
      {KEY(run, threads), Kind::integer, "threads", 0, 256, {}, "Worker threads for the TBB pipeline; 0 uses every core."},
      {KEY(run, window_rows),
       Kind::integer,
       "rows",
       8,
       16384,
       {},
       "Rows per streamed strip (at most; see run.memory_budget_mb). Results do not depend on it."},
      {KEY(run, memory_budget_mb),
       Kind::integer,
       "MiB",
       64,
       1048576,
       {},
       "Window budget: strips are made shorter than run.window_rows when needed so that the strips in flight (2 per thread, ~80 bytes per "
       "pixel) fit in it. Results do not depend on it."},
      {KEY(run, gdal_cache_mb),
       Kind::integer,
       "MiB",
       16,
       65536,
       {},
       "GDAL block cache. Streaming needs little; GDAL's default (5% of RAM) costs a streaming reader ~1 GB for nothing."},
      {KEY(input, dir),
       Kind::path,
       "",
       0,
       0,
       {},
       "Folder searched recursively for the scenes of every sensor ecomon reads (README, \"What it does\"; a run on a folder "
       "without any lists what each sensor's products look like).",
       "(required)"},
      {KEY(zones, file), Kind::path, "", 0, 0, {}, "Zone polygons: any OGR source (GeoPackage, Shapefile, GeoJSON).", "(required)"},
      {KEY(zones, layer), Kind::text, "", 0, 0, {}, "Layer name inside the zones file.", "(first layer)"},
      {KEY(zones, code_field), Kind::text, "", 0, 0, {}, "Field holding the zone code (e.g. the 6-digit adcode)."},
      {KEY(zones, name_field), Kind::text, "", 0, 0, {}, "Field holding the zone name; empty uses the code."},
      {KEY(output, dir), Kind::path, "", 0, 0, {}, "Folder for products and reports (created if missing)."},
      {KEY(output, codec),
       Kind::choice,
       "",
       0,
       0,
       {"ZSTD", "DEFLATE", "LZW", "NONE"},
       "GeoTIFF codec. ZSTD level 1 encodes ~9x faster than DEFLATE level 6 at about the same size (scripts/bench.sh); DEFLATE is the most "
       "widely readable."},
      {KEY(output, level), Kind::integer, "", 1, 22, {}, "Codec level (ZSTD 1-22, DEFLATE 1-9)."},
      {KEY(output, block_size), Kind::integer, "pixels", 64, 4096, {}, "COG internal tile size (a multiple of 16)."},
      {KEY(output, products),
       Kind::product_list,
       "",
       0,
       0,
       {},
       "Which product GeoTIFFs to write: `all` (`true`), `none` (`false`: the reports only), or a list of levels and products: "
       "`scene` (every per-scene product under products/), `season` (every yearly composite under years/), `trends` (the "
       "FVC trend rasters), `season/LANDCOVER` (one product of one level), `FVC` (that name at every level). Products a selected "
       "one needs (the season composites read each scene's NDVI, MNDWI, CLEAR and ALBEDO; the trends read each year's FVC) are "
       "computed either way and kept as work files only; the reports do not depend on the choice. `ecomon sample-design` reads "
       "the year's LANDCOVER, so keep `season` (or `season/LANDCOVER`) for it."},
      {KEY(fvc, ndvi_soil),
       Kind::number_or_auto,
       "NDVI",
       -1,
       1,
       {},
       "Bare-soil NDVI end-member of the dimidiate pixel model; `auto` takes the scene's `fvc.soil_percentile` of NDVI over clear land."},
      {KEY(fvc, ndvi_veg),
       Kind::number_or_auto,
       "NDVI",
       -1,
       1,
       {},
       "Full-vegetation NDVI end-member; `auto` takes the scene's `fvc.veg_percentile` of NDVI over clear land."},
      {KEY(fvc, soil_percentile), Kind::number, "%", 0, 50, {}, "Percentile used by `fvc.ndvi_soil: auto`."},
      {KEY(fvc, veg_percentile), Kind::number, "%", 50, 100, {}, "Percentile used by `fvc.ndvi_veg: auto`."},
      {KEY(water, mndwi_min), Kind::number, "MNDWI", -1, 1, {}, "A clear pixel is water when MNDWI exceeds this (Xu 2006 uses 0)."},
      {KEY(forest, ndvi_min),
       Kind::number,
       "NDVI",
       -1,
       1,
       {},
       "Canopy threshold: clear, non-water pixels at or above it are forest candidates."},
      {KEY(forest, min_patch_ha),
       Kind::number,
       "ha",
       0,
       100,
       {},
       "Minimum forest patch (8-connected, ellipsoidal area). China's forest-resource inventory counts stands from 0.0667 ha (1 mu); "
       "0.5 ha matches the forest definition of FAO's Forest Resources Assessment."},
      {KEY(sandification, none_min_fvc), Kind::number, "fraction", 0, 1, {}, "FVC at or above which land is graded 'none'."},
      {KEY(sandification, light_min_fvc),
       Kind::number,
       "fraction",
       0,
       1,
       {},
       "FVC at or above which land is 'light' (GB/T 24255 cover criterion)."},
      {KEY(sandification, moderate_min_fvc), Kind::number, "fraction", 0, 1, {}, "FVC at or above which land is 'moderate'."},
      {KEY(sandification, severe_min_fvc),
       Kind::number,
       "fraction",
       0,
       1,
       {},
       "FVC at or above which land is 'severe'; below is 'extreme'."},
      {KEY(desertification, albedo_ndvi_slope),
       Kind::number,
       "albedo per NDVI",
       -10,
       -0.01,
       {},
       "Slope k of the line Albedo = k NDVI + b from dense vegetation to bare sand in the albedo-NDVI space; DDI = -NDVI / k - Albedo "
       "(Zeng et al. 2006). Fit it once on a baseline year of your region and keep it, so that years compare. The default is a line "
       "from bare sand (NDVI 0.05, albedo 0.30) to dense steppe (NDVI 0.75, albedo 0.12)."},
      {KEY(desertification, none_min_ddi),
       Kind::number,
       "DDI",
       -10,
       10,
       {},
       "DDI at or above which natural land is not desertified. The defaults put the grades where the line of "
       "desertification.albedo_ndvi_slope crosses the GB/T 24255 cover cut points (0.60, 0.40, 0.25, 0.10 of cover: NDVI 0.53, "
       "0.37, 0.25, 0.13); freeze your own from a baseline year (natural breaks of its DDI)."},
      {KEY(desertification, light_min_ddi), Kind::number, "DDI", -10, 10, {}, "DDI at or above which land is 'light'."},
      {KEY(desertification, moderate_min_ddi), Kind::number, "DDI", -10, 10, {}, "DDI at or above which land is 'moderate'."},
      {KEY(desertification, severe_min_ddi), Kind::number, "DDI", -10, 10, {}, "DDI at or above which land is 'severe'; below, 'extreme'."},
      {KEY(season, enabled),
       Kind::boolean,
       "",
       0,
       0,
       {},
       "Build yearly season composites on the regional grid, county_timeseries.csv and county_trends.csv."},
      {KEY(season, start), Kind::month_day, "", 0, 0, {}, "First day of the peak-season window (grassland cover is surveyed at its peak)."},
      {KEY(season, end), Kind::month_day, "", 0, 0, {}, "Last day of the peak-season window."},
      {KEY(season, spring_start), Kind::month_day, "", 0, 0, {}, "Spring window for the forest phenology rule (crops are not yet green)."},
      {KEY(season, spring_end), Kind::month_day, "", 0, 0, {}, "End of the spring window."},
      {KEY(season, autumn_start),
       Kind::month_day,
       "",
       0,
       0,
       {},
       "Autumn window for the forest phenology rule (crops senesce, are harvested)."},
      {KEY(season, autumn_end), Kind::month_day, "", 0, 0, {}, "End of the autumn window."},
      {KEY(season, grid_crs),
       Kind::text,
       "",
       0,
       0,
       {},
       "CRS of the regional output grid: a projected CRS in metres (PROJ/EPSG/WKT string; geographic CRSs are refused). Equal-area, so "
       "every cell has the same true area and every ground location is counted once, whatever the scenes' UTM zones."},
      {KEY(season, pixel_size), Kind::number, "m", 5, 2000, {}, "Cell size of the regional grid."},
      {KEY(water, permanent_min_frequency),
       Kind::number,
       "fraction",
       0,
       1,
       {},
       "Water frequency (wet / clear observations in the season, as Digital Earth Australia's WOfS, Mueller et al. 2016) at or above which "
       "water is permanent."},
      {KEY(water, seasonal_min_frequency),
       Kind::number,
       "fraction",
       0,
       1,
       {},
       "Water frequency at or above which a cell is wetland (seasonal water, or permanent)."},
      {KEY(water, land_max_frequency),
       Kind::number,
       "fraction",
       0,
       1,
       {},
       "Season rule: a cell wet in at least this share of its clear season observations is water, not land: it has no cover, forest or "
       "sandification grade (cells between this and water.permanent_min_frequency count as wetland only)."},
      {KEY(forest, shoulder_ndvi_min),
       Kind::number,
       "NDVI",
       -1,
       1,
       {},
       "Phenology rule: a forest cell must also reach this NDVI in the spring and autumn windows where it was observed in them; irrigated "
       "crops do not."},
      {KEY(forest, special_shrubland),
       Kind::zone_list,
       "",
       0,
       0,
       {},
       "Zones whose shrubland counts as forest (国家特别规定灌木林地: shrubland of at least forest.shrub_min_cover in counties under 400 "
       "mm "
       "of yearly rain, which is all of Bayannur and Alxa; national forest resource inventory rules): `all`, `none`, or a list of zone "
       "codes (`--set forest.special_shrubland=150822,150825`)."},
      {KEY(forest, shrub_min_cover),
       Kind::number,
       "fraction",
       0,
       1,
       {},
       "Peak-season cover at or above which shrubland (land cover class shrubland) counts as forest in the zones of "
       "forest.special_shrubland; 0.30 is the special-shrubland cover of the national forest resource inventory."},
      {KEY(landcover, file),
       Kind::path,
       "",
       0,
       0,
       {},
       "Your land cover raster (any GDAL format and CRS: the national land survey's derived layers, ESA WorldCover, CLCD). Resampled "
       "onto the regional grid (landcover.resampling); where it has a class, the class is the layer's, not the imagery's "
       "(\"Land cover from your layer\" below).",
       "(none: land cover from the imagery)"},
      {KEY(landcover, scheme),
       Kind::choice,
       "",
       0,
       0,
       {"worldcover", "clcd", "custom"},
       "Codes of landcover.file: ESA WorldCover, the China Land Cover Dataset, or your own table (landcover.custom_codes)."},
      {KEY(landcover, custom_codes),
       Kind::code_table,
       "",
       0,
       0,
       {},
       "With landcover.scheme custom: each raster code and its class, e.g. `{1: cropland, 2: tree, 4: grassland}`; codes not listed "
       "have no class there (the imagery decides).",
       "(none)"},
      {KEY(landcover, resampling),
       Kind::choice,
       "",
       0,
       0,
       {"nearest", "mode"},
       "How landcover.file is put on the regional grid: the source cell under the cell centre (nearest, the default: the rule the "
       "imagery is sampled by, so that the layer's class and the imagery's cover agree cell by cell and the shrub cover rule reads "
       "the cover of the cell the class came from), or the majority class of the source cells in each grid cell (mode; for a much "
       "finer layer, at the cost of disagreeing with the imagery at class edges)."},
      {KEY(landcover, grassland_types_file),
       Kind::path,
       "",
       0,
       0,
       {},
       "Grassland types (温性草原, 温性荒漠草原, 温性草原化荒漠, ...): a raster of integer type codes (any CRS; put on the grid like "
       "landcover.file) or polygons with an integer field (landcover.grassland_type_field). With ground plots, each type with at "
       "least calibration.min_plots plots gets its own calibration line, and a unit's grassland cover is its types' calibrated "
       "covers weighted by their grassland areas (\"Ground-plot calibration\" below). Code 0 is no type.",
       "(none)"},
      {KEY(landcover, grassland_type_field),
       Kind::text,
       "",
       0,
       0,
       {},
       "Integer field holding the type code when landcover.grassland_types_file is polygons."},
      {KEY(landcover, bare_max_fvc),
       Kind::number,
       "fraction",
       0,
       1,
       {},
       "Land cover from the imagery: land with a peak cover below this is bare (sand, gobi, rock). ecomon's default, below the sparsest "
       "desert steppe; set it from your plots."},
      {KEY(landcover, shrub_min_fvc),
       Kind::number,
       "fraction",
       0,
       1,
       {},
       "Shrubland needs at least this peak cover, and to keep it in spring and autumn (landcover.shrub_min_green_ratio)."},
      {KEY(landcover, shrub_min_green_ratio),
       Kind::number,
       "ratio",
       0,
       2,
       {},
       "Green ratio of a window = its cover over the peak cover. Woody canopies (shrubs, trees) hold their leaves from May to "
       "September: a May ratio at or above this (and a September one, where seen) is shrubland (below the tree canopy threshold); "
       "grass, still greening in May, is not. Without a May observation shrubland is not told from grassland."},
      {KEY(landcover, crop_min_fvc),
       Kind::number,
       "fraction",
       0,
       1,
       {},
       "Irrigated cropland needs at least this peak cover (Hetao maize and sunflower close their canopy in July-August)."},
      {KEY(landcover, crop_max_green_ratio),
       Kind::number,
       "ratio",
       0,
       2,
       {},
       "Cropland is green only at the peak: sown in May, so its May green ratio is below this; grassland, greening up, lies between "
       "this and landcover.shrub_min_green_ratio."},
      {KEY(landcover, crop_max_autumn_ratio),
       Kind::number,
       "ratio",
       0,
       2,
       {},
       "Cropland is harvested from mid-September (Hetao maize and sunflower): a September green ratio below this is cropland, so a "
       "field whose May scene was clouded is still told from the steppe, which browns slowly (0.8-0.9 of its peak in September)."},
      {KEY(landcover, majority_radius),
       Kind::integer,
       "cells",
       0,
       7,
       {},
       "Land cover from the imagery: shrubland and grassland are told apart by one noisy May-over-peak ratio, so each such cell "
       "takes the majority of the shrubland and grassland cells of the (2r+1) x (2r+1) window around it (its own class on a tie; "
       "grassland becomes shrubland only at a peak cover of landcover.shrub_min_fvc or more), before the forest patch rule. "
       "Shrub belts and Caragana patches span many cells; one cell's verdict, wrong in about one cell in ten under sensor noise "
       "and haze, is not. 0 turns it off; the layer's classes (landcover.file) are never changed."},
      {KEY(season, method_min_share),
       Kind::number,
       "fraction",
       0,
       1,
       {},
       "A zone-year's method is named by the rules that decided most of it: the phenology rule and the land cover from both seasons when "
       "at least this share of its observed area was seen in a shoulder window (else `canopy_only` / `peak_only`). A change of method "
       "between years is a method step: the series marks it and the trend test starts after it."},
      {KEY(targets, file),
       Kind::path,
       "",
       0,
       0,
       {},
       "Targets file (format in \"Targets file\" below; the plans' targets: config/targets.yaml). With it, the run writes "
       "targets_report.csv and prints the verdicts; `--targets FILE` sets it.",
       "(none: no targets report)"},
      {KEY(targets, min_observed_fraction),
       Kind::number,
       "fraction",
       0,
       1,
       {},
       "A unit observed (clear in the season) over less than this share of its whole area gets the verdict no_data."},
      {KEY(calibration, plots_file),
       Kind::path,
       "",
       0,
       0,
       {},
       "Ground plots, CSV with columns plot_id, lon, lat (WGS84), date (YYYY-MM-DD), cover_pct (measured vegetation cover, %). Each "
       "plot calibrates the season of its year: it is matched to its cell of the peak composite, the plots on observed grassland fit a "
       "line from satellite cover to measured cover, and grassland_cover_pct goes through it (\"Ground-plot calibration\" below). "
       "Every plot and its status: calibration_plots.csv; the line per year: calibration.csv.",
       "(none: uncalibrated)"},
      {KEY(calibration, min_plots),
       Kind::integer,
       "plots",
       3,
       100000,
       {},
       "Matched plots (on observed grassland) a year needs for its line; with fewer, that year is uncalibrated (a method step if "
       "others are calibrated)."},
      {KEY(accuracy, samples_file),
       Kind::path,
       "",
       0,
       0,
       {},
       "Reference sample, CSV with columns lon, lat (WGS84), class (LANDCOVER code 1-8 or name) and optionally year (the map year "
       "it labels; empty or absent: every year). Each year's LANDCOVER map is checked against it: landcover_accuracy.csv (the "
       "estimator of Olofsson et al. 2014), and each unit's official forest, water, wetland and grassland areas estimated from it "
       "with their standard errors, in the series and the targets' intervals (\"Reference sample in the run\" below). An optional "
       "column forest (yes/no) gives the labeller's judgement of the official forest definition.",
       "(none)"},
      {KEY(accuracy, min_unit_stratum_units),
       Kind::integer,
       "units",
       2,
       100000,
       {},
       "Sample units a unit (county, city) needs in every map class it has for the within-unit stratified estimate of its forest, "
       "water, wetland and grassland areas; with fewer in some class, the domain estimator over the region's sample is used "
       "(\"Reference sample in the run\" below)."},
      {KEY(trend, alpha), Kind::number, "", 0.001, 0.5, {}, "Significance level of the Mann-Kendall test."},
      {KEY(report, headers),
       Kind::choice,
       "",
       0,
       0,
       {"en", "zh", "en_zh"},
       "CSV header language: English keys, Chinese names, or both (\"区划代码 zone_code\")."},
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
    case Kind::number:
      value.number = parse_number(text);
      break;
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
      const bool shape = text.size() == 5 && text[2] == '-' && std::isdigit(text[0]) && std::isdigit(text[1]) && std::isdigit(text[3]) &&
                         std::isdigit(text[4]);
      const int m = shape ? std::stoi(text.substr(0, 2)) : 0, day = shape ? std::stoi(text.substr(3, 2)) : 0;
      if (!shape || m < 1 || m > 12 || day < 1 || day > days[m - 1]) fail("has value '" + text + "', not a valid MM-DD");
      break;
    }
    case Kind::product_list: {
      // `all`, `none` (or true / false), or names separated by commas (a YAML list arrives joined so);
      // whether each names a product is checked against the product registry when the run starts.
      if (text == "all" || text == "none" || text == "true" || text == "false") break;
      for (const std::string& item : split_commas(text))
        if (item.empty() || item.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_/") != std::string::npos)
          fail("has value '" + text + "': '" + item + "' is not a product or level name (letters, digits, _ and one /)");
      break;
    }
    case Kind::zone_list: {
      // `all`, `none`, or codes separated by commas (a YAML list arrives joined so).
      if (text == "all" || text == "none") break;
      for (const std::string& code : split_commas(text))
        if (code.empty() || code.find_first_of(" \t[]") != std::string::npos)
          fail("has value '" + text + "': '" + code + "' is not a zone code");
      break;
    }
    case Kind::code_table: {
      // `code: class` pairs (a YAML mapping arrives joined as "code=class,code=class").
      if (text.empty()) break;
      for (const std::string& pair : split_commas(text)) {
        const auto eq = pair.find('=');
        const std::string code = pair.substr(0, eq), name = eq == std::string::npos ? "" : pair.substr(eq + 1);
        const bool numeric =
            !code.empty() && code.size() <= 5 && std::all_of(code.begin(), code.end(), ::isdigit) && std::stoi(code) < 65535;
        if (!numeric) fail("has '" + pair + "': '" + code + "' is not a raster code (an integer 0-65534)");
        if (!land_cover_from_name(name)) fail("has '" + pair + "': '" + name + "' is not a land cover class (" + range_text(d) + ")");
      }
      break;
    }
    case Kind::text:
    case Kind::path:
      break;
  }
  store(s, d, value);
}

// `line_of_key`: the line of every key set so far, so that one key written twice in two forms
// (`season.start:` and `start:` under `season:`) is refused like a key repeated in one mapping.
void walk(Settings& s, const YAML::Node& node, const std::string& prefix, const std::string& file, const std::filesystem::path& base,
          std::map<std::string, int>& line_of_key) {
  if (!node.IsMap()) throw ConfigError(file + ": '" + (prefix.empty() ? "top level" : prefix) + "' must be a mapping");
  for (const auto& kv : node) {
    const std::string name = kv.first.as<std::string>();
    const std::string key = prefix.empty() ? name : prefix + "." + name;
    if (const KeyDef* d = find_key(key)) {
      const int line = kv.first.Mark().line + 1;
      if (const auto [first, inserted] = line_of_key.emplace(key, line); !inserted)
        throw ConfigError(file + ": line " + std::to_string(line) + ": key '" + key + "' is given twice (first on line " +
                          std::to_string(first->second) + "); remove one");
      if (d->kind == Kind::code_table && kv.second.IsMap()) {
        std::string joined;
        for (const auto& item : kv.second) {
          if (!item.second.IsScalar()) throw ConfigError(file + ": key '" + key + "' must map each code to a class name");
          if (!joined.empty()) joined.push_back(',');
          joined.append(item.first.as<std::string>()).append("=").append(item.second.as<std::string>());
        }
        apply(s, *d, joined, file);
        continue;
      }
      if ((d->kind == Kind::zone_list || d->kind == Kind::product_list) && kv.second.IsSequence()) {
        const char* what = d->kind == Kind::zone_list ? "zone codes" : "products";
        std::string joined;
        for (const auto& item : kv.second) {
          if (!item.IsScalar()) throw ConfigError(file + ": key '" + key + "' must list " + what + " as plain values");
          if (!joined.empty()) joined.push_back(',');
          joined.append(item.as<std::string>());
        }
        if (joined.empty())
          throw ConfigError(file + ": key '" + key + "' is an empty list (write `none` " +
                            (d->kind == Kind::zone_list ? "to count no shrubland)" : "to write no product)"));
        apply(s, *d, joined, file);
        continue;
      }
      if (!kv.second.IsScalar())
        throw ConfigError(file + ": key '" + key + "' must be a single value (expected " + kind_name(*d) + " " + range_text(*d) + ")");
      std::string text = kv.second.as<std::string>();
      if (d->kind == Kind::path && !text.empty() && std::filesystem::path(text).is_relative())
        text = (base / text).lexically_normal().string();
      apply(s, *d, text, file);
    } else if (is_section(key)) {
      walk(s, kv.second, key, file, base, line_of_key);
    } else {
      const std::string section = prefix;
      throw ConfigError(file + ": unknown key '" + key + "' (known keys" + (section.empty() ? "" : " in '" + section + "'") + ": " +
                        keys_under(section) + ")");
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
  if (s.fvc.ndvi_soil && s.fvc.ndvi_veg && !(*s.fvc.ndvi_veg > *s.fvc.ndvi_soil))
    throw ConfigError(where + ": fvc.ndvi_veg (" + std::to_string(*s.fvc.ndvi_veg) + ") must be greater than fvc.ndvi_soil (" +
                      std::to_string(*s.fvc.ndvi_soil) + ")");
  if (!(s.sandification.none_min_fvc > s.sandification.light_min_fvc && s.sandification.light_min_fvc > s.sandification.moderate_min_fvc &&
        s.sandification.moderate_min_fvc > s.sandification.severe_min_fvc))
    throw ConfigError(where + ": sandification cut points must decrease: none_min_fvc > light_min_fvc > moderate_min_fvc > severe_min_fvc");
  const DesertificationSection& d = s.desertification;
  if (!(d.none_min_ddi > d.light_min_ddi && d.light_min_ddi > d.moderate_min_ddi && d.moderate_min_ddi > d.severe_min_ddi))
    throw ConfigError(where +
                      ": desertification cut points must decrease: none_min_ddi > light_min_ddi > moderate_min_ddi > severe_min_ddi");
  if (s.landcover.scheme == "custom" && s.landcover.custom_codes.empty() && !s.landcover.file.empty())
    throw ConfigError(where + ": landcover.scheme is custom but landcover.custom_codes is empty (map each code of " + s.landcover.file +
                      " to a class)");
  if (s.landcover.scheme != "custom" && !s.landcover.custom_codes.empty())
    throw ConfigError(where + ": landcover.custom_codes is set but landcover.scheme is " + s.landcover.scheme +
                      " (the table applies to the custom scheme only)");
  if (!(s.landcover.crop_max_autumn_ratio <= s.landcover.shrub_min_green_ratio))
    throw ConfigError(where + ": landcover.crop_max_autumn_ratio must not exceed landcover.shrub_min_green_ratio (shrubs hold in autumn)");
  if (!(s.landcover.crop_max_green_ratio < s.landcover.shrub_min_green_ratio))
    throw ConfigError(where +
                      ": landcover.crop_max_green_ratio must be below landcover.shrub_min_green_ratio (crops green up, shrubs hold)");
  if (!(s.landcover.bare_max_fvc < s.landcover.shrub_min_fvc && s.landcover.bare_max_fvc < s.landcover.crop_min_fvc))
    throw ConfigError(where + ": landcover.bare_max_fvc must be below landcover.shrub_min_fvc and landcover.crop_min_fvc");
  if (s.output.block_size % 16 != 0) throw ConfigError(where + ": key 'output.block_size' must be a multiple of 16");
  if (!(s.water.permanent_min_frequency > s.water.seasonal_min_frequency))
    throw ConfigError(where + ": water.permanent_min_frequency must be greater than water.seasonal_min_frequency");
  if (s.season.start > s.season.end || s.season.spring_start > s.season.spring_end || s.season.autumn_start > s.season.autumn_end)
    throw ConfigError(where + ": each season window must start before it ends (season, spring, autumn)");
  // season.pixel_size is in metres: a geographic grid would make cells of that many degrees.
  if (const std::string why = geo::io::projected_metres_problem(s.season.grid_crs); !why.empty())
    throw ConfigError(where + ": key 'season.grid_crs' " + why + " ('" + s.season.grid_crs.substr(0, 80) +
                      "'); the regional grid needs a projected CRS in metres, ideally equal-area (e.g. the default China Albers)");
}

namespace {

// Reads YAML text into `s` (no cross-key validation yet). Relative paths resolve against `base`.
void parse_into(Settings& s, const std::string& text, const std::string& where, const std::filesystem::path& base) {
  const YAML::Node root = load_strict_yaml(text, where);
  try {
    std::map<std::string, int> line_of_key;
    if (!root.IsNull()) walk(s, root, "", where, base, line_of_key);
  } catch (const YAML::Exception& e) {
    throw ConfigError(where + ": not valid YAML: " + e.what());
  }
}

}  // namespace

Settings parse_settings(const std::string& text, const std::string& where, const std::string& base_dir) {
  Settings s;
  parse_into(s, text, where, std::filesystem::absolute(base_dir));
  validate(s, where);
  return s;
}

Settings load_settings(const std::string& path, const std::vector<std::string>& overrides) {
  Settings s;
  if (!path.empty()) {
    std::ifstream f(path, std::ios::binary);
    std::stringstream text;
    text << f.rdbuf();
    if (!f) throw ConfigError(path + ": cannot read the config file");
    parse_into(s, text.str(), path, std::filesystem::absolute(path).parent_path());
  }
  for (const auto& o : overrides) apply_override(s, o);
  validate(s, path.empty() ? "settings" : path);
  return s;
}

StripPlan plan_strips(const Settings& s, double bytes_per_cell, int cols, int halo_rows) {
  StripPlan plan;
  plan.threads = s.run.threads > 0 ? s.run.threads : std::max(1, int(std::thread::hardware_concurrency()));
  plan.tokens = std::size_t(2 * plan.threads);
  const double budget_rows = double(s.run.memory_budget_mb) * 1024.0 * 1024.0 / (bytes_per_cell * cols * double(plan.tokens));
  plan.rows = std::clamp(int(budget_rows) - 2 * halo_rows, 8, std::max(8, s.run.window_rows));
  return plan;
}

std::vector<std::string> designated_shrubland_zones(const ForestSection& forest) {
  if (forest.special_shrubland == "all" || forest.special_shrubland == "none") return {};
  return split_commas(forest.special_shrubland);
}

bool counts_special_shrubland(const ForestSection& forest, const std::string& zone_code) {
  if (forest.special_shrubland == "all") return true;
  const std::vector<std::string> codes = designated_shrubland_zones(forest);
  return std::find(codes.begin(), codes.end(), zone_code) != codes.end();
}

namespace {

std::string upper(std::string s) {
  for (char& c : s) c = char(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

std::vector<std::string> listed_products(const OutputSection& output) {
  const std::string& p = output.products;
  if (p == "all" || p == "none" || p == "true" || p == "false") return {};
  std::vector<std::string> items;
  for (const std::string& item : split_commas(p)) items.push_back(upper(item));
  return items;
}

bool product_selected(const OutputSection& output, const std::string& level, const std::string& name) {
  if (output.products == "all" || output.products == "true") return true;
  const std::string l = upper(level), n = upper(name);
  for (const std::string& item : listed_products(output))
    if (item == l || item == l + "/" + n || item == n) return true;
  return false;
}

std::string settings_reference_markdown() {
  std::ostringstream o;
  o << "| key | type | unit | default | allowed | meaning |\n|---|---|---|---|---|---|\n";
  const Settings defaults;
  for (const auto& d : schema())
    o << "| `" << d.key << "` | " << kind_name(d) << " | " << d.unit << " | " << value_text(d, defaults) << " | " << range_text(d) << " | "
      << d.doc << " |\n";
  return o.str();
}

}  // namespace ecomon
