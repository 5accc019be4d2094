#pragma once
// Strict YAML configuration: every key is declared once in a schema with its type, unit, default,
// allowed range and documentation. Unknown keys, wrong types and out-of-range values are errors that
// name the file, the key and what is allowed. `--set key.path=value` goes through the same checks.
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "base/fields.hpp"
#include "base/errors.hpp"

namespace ecomon {

// One options struct per section, each field named as its key (`season.pixel_size` is
// settings.season.pixel_size); the defaults are the initialisers, which `config-reference` prints.
struct RunSection {
  int threads = 0;              // 0 = all cores
  int window_rows = 256;        // strip height streamed through the pipeline (upper bound)
  int memory_budget_mb = 1024;  // caps strip height so that strips in flight fit
  int gdal_cache_mb = 128;
  int tile_rows = 1024;         // rows of the regional grid per season tile task (`ecomon run --shard`)
};
struct InputSection {
  std::string dir;
};
struct ZonesSection {
  std::string file, layer, code_field = "code", name_field = "name";
};
struct OutputSection {
  std::string dir = "ecomon_out";
  std::string codec = "ZSTD";
  int level = 1;
  int block_size = 512;
  std::string products = "all";  // all | none | names, comma-separated (a YAML list in a file): see product_selected()
};
struct FvcSection {
  std::optional<double> ndvi_soil = 0.05, ndvi_veg = 0.85;  // nullopt = `auto` (scene percentiles)
  double soil_percentile = 5, veg_percentile = 95;
};
struct WaterSection {
  double mndwi_min = 0.0;
  double permanent_min_frequency = 0.75, seasonal_min_frequency = 0.25;  // water frequency classes
  double land_max_frequency = 0.5;                                       // season cells wetter than this are water
};
struct ForestSection {
  double ndvi_min = 0.60;
  double min_patch_ha = 0.5;
  double shoulder_ndvi_min = 0.45;
  std::string special_shrubland = "all";  // all | none | zone codes, comma-separated (a YAML list in a file)
  double shrub_min_cover = 0.30;          // cover of shrubland that counts as forest where designated
};
struct LandcoverSection {  // the yearly land cover: the user's layer (landcover/layer.hpp), else the imagery (rules/cell_rules.hpp)
  std::string file;
  std::string scheme = "worldcover";  // worldcover | clcd | custom
  std::string custom_codes;           // custom: "code=class,..." (a YAML mapping in a file)
  std::string resampling = "nearest";  // nearest | mode
  std::string grassland_types_file;   // raster of type codes, or polygons with grassland_type_field
  std::string grassland_type_field = "type";
  double bare_max_fvc = 0.05;
  double shrub_min_fvc = 0.15;
  double shrub_min_green_ratio = 0.75;
  double crop_min_fvc = 0.40;
  double crop_max_green_ratio = 0.30;
  double crop_max_autumn_ratio = 0.65;
  // Shrubland where May was not seen: the September ratio against May-decided neighbours, else a fixed cut
  double autumn_reference_radius_m = 1500;
  double autumn_smoothing_radius_m = 250;
  int autumn_reference_min_cells = 12;
  double shrub_autumn_margin = 0.06;
  double shrub_min_autumn_ratio = 0.90;
  int majority_radius = 1;  // cells: shrubland / grassland by the majority of the (2r+1)^2 window; 0 = off
};
struct SandificationSection {  // FVC cut points, fractions (GB/T 24255)
  double none_min_fvc = 0.60, light_min_fvc = 0.40, moderate_min_fvc = 0.25, severe_min_fvc = 0.10;
};
struct DesertificationSection {  // the albedo-NDVI desertification index (DDI), frozen per region
  double albedo_ndvi_slope = -0.26;
  double none_min_ddi = 1.85, light_min_ddi = 1.20, moderate_min_ddi = 0.70, severe_min_ddi = 0.20;
};
struct TargetsSection {
  std::string file;                    // empty: no targets report
  double min_observed_fraction = 0.5;  // below it a unit's verdict is no_data
};
struct CalibrationSection {  // ground plots (calibration/plots.hpp)
  std::string plots_file;    // empty: grassland cover is uncalibrated
  int min_plots = 5;         // matched plots a year needs for its line
};
struct AccuracySection {         // a reference sample in the run (ground/reference_sample.hpp)
  std::string samples_file;      // empty: no area-adjusted estimates
  int min_unit_stratum_units = 5;  // sample units a unit needs in each of its map classes for its own (within-unit) estimate
};
struct ReportSection {
  std::string headers = "en";   // en | zh | en_zh
  std::string language = "zh";  // report.html: zh | en
};
struct SeasonSection {
  bool enabled = true;
  std::string start = "07-01", end = "08-31";                // peak-season window (MM-DD)
  std::string spring_start = "05-01", spring_end = "05-31";  // phenology shoulder windows
  std::string autumn_start = "09-01", autumn_end = "09-30";
  double method_min_share = 0.5;  // share of a zone's observed area a rule must have applied to, to name the method
  std::string grid_crs = "+proj=aea +lat_0=0 +lat_1=25 +lat_2=47 +lon_0=105 +x_0=0 +y_0=0 +datum=WGS84 +units=m +no_defs";
  double pixel_size = 30;
};
struct TrendSection {
  double alpha = 0.05;
};
struct CasaSection {
  std::string climate_dir;  // monthly climate rasters for the CASA model; "" = no NPP
};
struct CarbonSection {
  CasaSection casa;
  std::string pairs = "consecutive_and_span";  // which pairs of years get a land cover transition matrix
  std::string factors_file;                    // carbon density table; "" = config/carbon_factors.csv as built in
  std::optional<double> grassland_root_shoot_ratio;  // replaces the table's grassland R (IPCC form); nullopt = the table's
  bool stable_growth = false;                  // add the gain-loss growth of land that keeps its class
  int draws = 2000;                            // Monte Carlo draws of the 95% interval
  int seed = 20240101;                         // Monte Carlo seed
};

struct Settings {
  RunSection run;
  InputSection input;
  ZonesSection zones;
  OutputSection output;
  FvcSection fvc;
  WaterSection water;
  ForestSection forest;
  LandcoverSection landcover;
  SandificationSection sandification;
  DesertificationSection desertification;
  ReportSection report;
  SeasonSection season;
  TrendSection trend;
  CarbonSection carbon;
  TargetsSection targets;
  CalibrationSection calibration;
  AccuracySection accuracy;
};

/// Parses YAML config text (the fuzzing entry point): every key checked, cross-key checks done.
/// `where` names the source in errors; relative paths resolve against `base_dir`. Throws ConfigError.
Settings parse_settings(const std::string& text, const std::string& where, const std::string& base_dir = ".");
/// Loads a config file (YAML), applying `overrides` ("key.path=value") afterwards. Relative paths in
/// the file are taken relative to the file's folder; those in overrides relative to the working folder.
Settings load_settings(const std::string& path, const std::vector<std::string>& overrides);
/// Applies one "key.path=value" override to settings (checked like a file entry).
void apply_override(Settings& settings, const std::string& assignment);
/// Cross-key checks (end-members ordered, grade cut points descending); `where` prefixes messages.
void validate(const Settings& settings, const std::string& where);
/// How a pipeline streams: worker threads (run.threads, 0 = every core), strips in flight (two per
/// thread) and strip height: at most run.window_rows, lower when the strips in flight, with
/// `halo_rows` above and below each, would exceed run.memory_budget_mb at `bytes_per_cell`.
struct StripPlan {
  int threads = 1;
  std::size_t tokens = 2;
  int rows = 8;
  // What the pass holds: its strips in flight with their halos. Not GDAL's block cache: the rasters
  // are read and written without it where their layout allows (io/direct_tiles.hpp, CogFile), so
  // pages populated for it would be zeroed for nothing (a reduce: 128 MiB of its 156).
  double heap_bytes = 0;
};
StripPlan plan_strips(const Settings& settings, double bytes_per_cell, int cols, int halo_rows);

/// One key's value in a Settings, as text with numbers exact (%.17g): what a task key hashes
/// (catalog/task_key.hpp). `path`: the key names a file or folder (its content, not its name, is what counts).
struct SettingValue {
  std::string key, text;
  bool path = false;
  static constexpr auto fields() {
    return std::make_tuple(field("key", &SettingValue::key), field("text", &SettingValue::text), field("path", &SettingValue::path));
  }
};
/// Every registered key's value in `settings`, in the schema's order.
std::vector<SettingValue> setting_values(const Settings& settings);

/// And back: the Settings whose setting_values() are `values` (a workspace's stored settings), keys
/// not listed at their defaults. Throws ConfigError prefixed by `where` for an unknown key or value.
Settings settings_from_values(const std::vector<SettingValue>& values, const std::string& where);

/// The schema as a Markdown table (config/README.md embeds it; a test keeps the two in step).
std::string settings_reference_markdown();

/// Area of one cell of the regional grid, in hectares (season.pixel_size squared): when it exceeds
/// forest.min_patch_ha, the minimum-patch rule cannot apply (the run and the terminal say so).
inline double season_cell_ha(const Settings& s) { return s.season.pixel_size * s.season.pixel_size / 1e4; }

/// Whether output.products selects the product `name` of `level` ("scene", "season" or "trends"):
/// `all` (or `true`) selects every product, `none` (or `false`) none; otherwise each listed item
/// selects a whole level (`scene`, `season`, `trends`), one product of a level (`season/FVC`), or a
/// name at every level that has it (`FVC`: the scene and the season FVC). Case does not matter.
bool product_selected(const OutputSection& output, const std::string& level, const std::string& name);
/// The items output.products lists (none for `all`, `none`, `true`, `false`), upper-cased.
std::vector<std::string> listed_products(const OutputSection& output);

/// The zone codes forest.special_shrubland lists (none for `all` and `none`).
std::vector<std::string> designated_shrubland_zones(const ForestSection& forest);
/// Whether shrubland of `zone_code` counts as forest under forest.special_shrubland.
bool counts_special_shrubland(const ForestSection& forest, const std::string& zone_code);

}  // namespace ecomon
