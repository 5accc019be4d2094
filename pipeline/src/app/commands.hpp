#pragma once
// Each CLI command is a thin wrapper over one of these calls and its options struct (as GDAL's apps).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "libgeo/area_estimate.hpp"

namespace ecomon {

struct RunOptions {
  std::string config_path;
  std::string input_dir, zones_file, zone_field, output_dir, targets_file;
  std::string zones_layer;  // with zones_file: its layer (the config's zones.layer is for the config's file)
  std::optional<int> threads;  // unset: from config; negative: an error
  std::vector<std::string> overrides;
  bool force = false;           // --force: redo every year, whatever the catalog says
  bool wait_for_lock = false;   // --wait: wait for another run on the output folder to end
  bool nightly = false;         // --nightly: --wait, and stdout gets the run's summary line only (the tables are in files)
  std::string version = "dev";  // ecomon's version and commit: part of every task key
  std::string shard;            // --shard I/N: the I-th share of the scene tasks, for the run (the reduce) that follows
};
/// Processes every scene; returns the process exit code (0 all scenes fine, 3 some scene failed).
int run_command(const RunOptions& options);
/// `ecomon check`: everything `run` reads before the imagery (the config and its overrides, the zones,
/// the targets, plots, reference sample, carbon factor table and climate folder) checked as `run`
/// checks it, without reading a scene; a summary on `out`. Throws the error `run` would stop with.
void check_command(const RunOptions& options, std::ostream& out);

struct PlanOptions {
  RunOptions run;
  int shards = 1;
  std::string format = "table";  // table | json
};
/// `ecomon plan CONFIG`: the run's tasks as a dry run (id, kind, inputs, status: pending, done by a
/// shard, or unchanged in the catalog; estimated megapixels and seconds; each scene task's shard of
/// `shards`), reading the scenes' metadata only and writing nothing. Returns 0.
int plan_command(const PlanOptions& options, std::ostream& out);

struct StatusOptions {
  std::string output_dir;
  bool json = false;
};
/// `ecomon status OUTDIR`: the catalog's scenes by status (the quarantined with their reasons), the
/// last runs and what is pending; `json` for monitoring systems. Returns the exit code (0, or 3
/// when the last run did not finish or ended non-zero).
int status_command(const StatusOptions& options, std::ostream& out);

struct ForgetOptions {
  std::string output_dir, scene_id;
  bool restore = false;
};
/// `ecomon forget OUTDIR SCENE_ID`: later runs leave the scene out and derive its year again
/// without it (`restore`: take it back). Returns the exit code (2 when the catalog never saw it).
int forget_command(const ForgetOptions& options, std::ostream& out);

struct ZonalOptions {
  std::string raster, zones, field, layer;
  int band = 1;
  std::string stats = "count,sum,mean,min,max";
  bool raw = false;     // keep digital numbers (default: the band's scale and offset applied)
  std::string weights;  // a raster on the same grid: weighted_mean's weights
  std::string output;   // -o FILE: CSV with a BOM, written atomically (default: stdout, no BOM)
  int window_rows = 256;
  int threads = 0;      // threads decoding the raster's tiles (0 = all cores); the figures are the same for any count
};
/// Zonal statistics as CSV: to `out`, or to options.output.
void zonal_command(const ZonalOptions& options, std::ostream& out);

struct QueryOptions {
  std::string workspace;             // an output folder of `ecomon run`
  std::string wkt, geojson, zone;    // exactly one: a polygon as WKT, a GeoJSON file, or a zone code of the run
  std::string crs;                   // the polygon's CRS (empty: EPSG:4326, or the GeoJSON's own)
  int year = 0;                      // one year (0: every year, or --years)
  std::string years;                 // "2021-2023", "2021,2023"
  std::string format = "json";       // json | csv | text
  std::string output;                // -o FILE (atomically); default stdout
};
/// The indicators of county_timeseries.csv for a polygon (or a zone) in every year asked, from the
/// workspace alone (catalog/polygon_query.hpp): JSON or CSV to `out` or options.output.
void query_command(const QueryOptions& options, std::ostream& out);

struct ReportOptions {
  std::string workspace;          // an output folder of `ecomon run`
  std::string to;                 // where to write the reports (default: the workspace itself)
  bool tables_on_stdout = true;   // the terminal's tables, as `ecomon run` prints them
};
/// Every report rendered again from the workspace alone (catalog/workspace_results.hpp).
int report_command(const ReportOptions& options);

struct ServeOptions {
  std::string workspace;            // an output folder of `ecomon run`
  std::string bind = "127.0.0.1";   // this machine only unless told otherwise
  int port = 8080;                  // 0: any free port (printed)
  int threads = 0;                  // queries reading rasters at once (0: the machine's cores)
  double max_cells = 250e6;         // cells one request may read (bounding windows x years)
  double timeout_seconds = 60;      // per request
  std::size_t max_vertices = 200000;  // per request
  std::string version;
};
/// Serves the workspace's results over HTTP until SIGINT or SIGTERM; returns 0.
int serve_command(const ServeOptions& options);

struct ZonesImportOptions {
  std::vector<std::string> inputs;
  std::string output, code_field = "id", name_field = "name", layer = "counties";
  bool from_gcj02 = false;
};
/// Merges polygon layers into one GeoPackage (WGS84), optionally undoing the GCJ-02 offset, and
/// repairs invalid rings. Returns the number of zones written.
int zones_import_command(const ZonesImportOptions& options, std::ostream& log);

struct AccuracyOptions {
  std::string map;      // a class raster (any GDAL raster with a CRS; integer class codes)
  std::string samples;  // CSV: lon, lat, class (WGS84 degrees; the reference class code)
};
/// Prints, as CSV to `out`, per class the map's area, user's and producer's accuracy and the
/// area-adjusted area estimate with its standard error and 95% interval (Olofsson et al. 2014), and
/// the overall accuracy. A bad sample (missing column, a number that is not one, a point outside the
/// map or on its no data) is a ConfigError naming the file and the row.
void accuracy_command(const AccuracyOptions& options, std::ostream& out);

struct SampleDesignOptions {
  std::string output_dir;  // a run's output folder: years/<year>/ecomon_<year>_LANDCOVER.tif and zones.gpkg
  int year = 0;
  std::optional<int> per_stratum;   // a fixed number of units per stratum (county x map class)
  std::optional<double> target_se;  // else: the standard error of each county's overall accuracy to aim at (default 0.025)
  int min_per_stratum = 50;         // the floor per stratum with --target-se (rare classes get their 50)
  double expected_users_accuracy = 0.8;
  std::uint64_t seed = 1;
  std::string output;  // points.csv; the GeoPackage beside it (.gpkg)
};
/// A stratified random reference sample of a run's year (strata: zone x LANDCOVER class), written
/// as CSV (UTF-8 BOM) and GeoPackage to label. Returns the number of points.
std::size_t sample_design_command(const SampleDesignOptions& options, std::ostream& log);


}  // namespace ecomon
