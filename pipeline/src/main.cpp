// ecomon: command-line entry point. Each subcommand parses its options into a struct and calls
// one library function (commands.hpp); errors are printed as "ecomon: <what>" with exit code 2.
#include <CLI/CLI.hpp>
#include <spdlog/cfg/env.h>
#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/pattern_formatter.h>
#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>

#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string>

#include "app/commands.hpp"
#include "report/report_writer.hpp"
#include "base/errors.hpp"
#include "base/heap.hpp"
#include "base/interrupt.hpp"
#include "libgeo/io/raster.hpp"
#include "config/settings.hpp"
#include "engine/season_engine.hpp"
#include "ecomon_version.hpp"

namespace {

// `%*` in a log pattern: the message as a JSON string (quoted, escaped; bytes that are not UTF-8
// replaced), so that --log-format json gives one valid JSON object per line for log collectors.
class JsonMessage final : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg& msg, const std::tm&, spdlog::memory_buf_t& dest) override {
    const std::string quoted = nlohmann::json(std::string(msg.payload.data(), msg.payload.size()))
                                   .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    dest.append(quoted.data(), quoted.data() + quoted.size());
  }
  std::unique_ptr<custom_flag_formatter> clone() const override { return std::make_unique<JsonMessage>(); }
};

}  // namespace

namespace {

// Every error that ends a run is reported on one line, "ecomon: <what>" (the message names the file
// and the problem), and ends the process with exit code 2 (base/errors.hpp).
int stopped(const char* kind, const std::exception& e) {
  spdlog::debug("stopped by a {} error", kind);
  std::cerr << "ecomon: " << e.what() << "\n";
  return 2;
}

// The subcommand: the first argument that is not an option (or an option's value) of its own.
std::string subcommand_of(int argc, char** argv) {
  int i = 1;
  while (i < argc && argv[i][0] == '-')
    i += (std::strcmp(argv[i], "--log-file") == 0 || std::strcmp(argv[i], "--log-format") == 0) ? 2 : 1;
  return i < argc ? argv[i] : "";
}

// A run touches hundreds of MB of fresh heap (strips, GDAL's block cache), and each 4 KiB page is a
// page fault. ECOMON_HUGE_PAGES=1 advises the first GiB of the heap (address space only) for
// transparent huge pages: a fault per 2 MiB. Off by default: on this project's 2-core virtual
// machines a 2 MiB page first touched costs more system time than the 512 small ones it replaces,
// and two shards' season tiles took 2.12 s without against 2.58 s with them (five alternated runs
// each; the full bench run and a tile pass alone the same way round; README: Speed). A GLIBC_TUNABLES
// that names glibc.malloc.hugetlb leaves it to glibc. Kernels with transparent huge pages off ignore
// the advice.
std::size_t huge_page_heap_bytes() {
  const char* on = std::getenv("ECOMON_HUGE_PAGES");
  const char* tunables = std::getenv("GLIBC_TUNABLES");
  if (!on || std::strcmp(on, "1") != 0 || (tunables && std::strstr(tunables, "glibc.malloc.hugetlb"))) return 0;
  return std::size_t(1) << 30;
}

// Whether passes of strips populate their pages in one call (base/heap.hpp): yes unless
// ECOMON_POPULATE_HEAP=0 (for measuring the difference).
bool populating_heap() {
  const char* on = std::getenv("ECOMON_POPULATE_HEAP");
  return !on || std::strcmp(on, "0") != 0;
}

}  // namespace

int main(int argc, char** argv) {
  // One heap for every thread, except in the server's many request threads (serve_command): a strip
  // takes a few large blocks, so threads seldom wait on its lock. Measured with the bench scene: page
  // faults 185-257 thousand to 125 thousand, peak memory 615-710 MiB to 555-565, the run 5-15% faster
  // (README: Speed).
  const bool serving = subcommand_of(argc, argv) == "serve";
  const ecomon::HeapSetup heap = ecomon::set_up_heap(!serving, serving ? 0 : huge_page_heap_bytes(), !serving && populating_heap());
  CLI::App app{"ecomon: ecological monitoring from satellite surface reflectance (products, per-county reports, zonal statistics)"};
  app.require_subcommand(1);
  app.fallthrough();  // the options below may follow the subcommand
  app.set_version_flag("--version", std::string("ecomon ") + ecomon::kVersion + " (commit " + ecomon::kCommit + ")");
  bool verbose = false, quiet = false;
  std::string log_file;
  app.add_flag("-v,--verbose", verbose, "Debug log: where the time goes, strip plans, report writers (or SPDLOG_LEVEL=debug)");
  app.add_flag("-q,--quiet", quiet, "Log warnings and errors only");
  app.add_option("--log-file", log_file, "Also write the log to this file (appended)");
  std::string log_format = "text";
  app.add_option("--log-format", log_format, "text, or json: one JSON object per line (time, level, pid, message) for log collectors")
      ->check(CLI::IsMember({"text", "json"}));

  // `run` and `check` read the same inputs, so they take the same options.
  auto add_run_options = [](CLI::App* cmd, ecomon::RunOptions& o) {
    cmd->add_option("config", o.config_path, "YAML config (see config/README.md)")->required()->check(CLI::ExistingFile);
    cmd->add_option("--input", o.input_dir, "Input folder (overrides input.dir)");
    cmd->add_option("--zones", o.zones_file, "Zones file (overrides zones.file, and zones.layer with it)");
    cmd->add_option("--zones-layer", o.zones_layer, "With --zones: the layer to use when the file has several");
    cmd->add_option("--zone-field", o.zone_field, "Zone code field (overrides zones.code_field)");
    cmd->add_option("--out", o.output_dir, "Output folder (overrides output.dir)");
    cmd->add_option("--targets", o.targets_file, "Targets file (overrides targets.file; format in config/README.md)");
    cmd->add_option("--threads", o.threads, "Threads (overrides run.threads; 0 = all cores)");
    cmd->add_option("--set", o.overrides, "Override any config key: --set key.path=value (repeatable)");
  };
  ecomon::RunOptions run;
  auto* run_cmd = app.add_subcommand("run", "Process every scene under the input: products and county_report.csv");
  add_run_options(run_cmd, run);
  run_cmd->add_flag("--force", run.force, "Redo every year, whatever the catalog says is done and unchanged");
  run_cmd->add_flag("--wait", run.wait_for_lock, "When another run holds the output folder, wait for it to end instead of stopping");
  run_cmd->add_flag("--nightly", run.nightly,
                    "Nightly mode (cron, systemd): --wait, and stdout gets the run's summary line only (the tables are in the output folder)");
  run.version = std::string(ecomon::kVersion) + " " + ecomon::kCommit;
  run_cmd->add_option("--shard", run.shard,
                      "I/N: do the I-th of N shares of the scene tasks only, as tasks/ files in the shared output folder (no lock, no "
                      "catalog: for Slurm job arrays or GNU parallel); a plain `ecomon run` afterwards takes them and derives the rest");
  ecomon::PlanOptions plan;
  auto* plan_cmd = app.add_subcommand("plan", "Dry run: the tasks a run would do (scene, year, derive), their status, size, time and shard");
  add_run_options(plan_cmd, plan.run);
  plan_cmd->add_option("--shards", plan.shards, "Show each scene task's shard of N (as `ecomon run --shard I/N` assigns them)")
      ->check(CLI::PositiveNumber);
  plan_cmd->add_option("--format", plan.format, "table (default) or json")->check(CLI::IsMember({"table", "json"}));
  plan.run.version = std::string(ecomon::kVersion) + " " + ecomon::kCommit;
  ecomon::RunOptions check;
  auto* check_cmd = app.add_subcommand(
      "check", "Check a config and what it names (zones, targets, plots, sample, carbon factors) without reading imagery");
  add_run_options(check_cmd, check);

  ecomon::ZonalOptions zonal;
  auto* zonal_cmd = app.add_subcommand("zonal", "Coverage-weighted zonal statistics of a raster (exactextract semantics), CSV on stdout or -o FILE");
  zonal_cmd->add_option("raster", zonal.raster, "Raster file")->required();
  zonal_cmd->add_option("zones", zonal.zones, "Zones (any OGR polygon source)")->required();
  zonal_cmd->add_option("--field", zonal.field, "Zone identifier field")->required();
  zonal_cmd->add_option("--layer", zonal.layer, "Layer of the zones source (default: first)");
  zonal_cmd->add_option("--band", zonal.band, "Band, 1-based")->check(CLI::PositiveNumber);
  zonal_cmd->add_option("--stats", zonal.stats,
                        "Comma-separated: count,sum,mean,min,max,stdev,median,quantile_N (0<N<100),majority,minority,variety,frac "
                        "(a column per value),weighted_mean (with --weights); default count,sum,mean,min,max");
  zonal_cmd->add_flag("--raw", zonal.raw, "Digital numbers as stored (default: the band's scale and offset applied)");
  zonal_cmd->add_option("--weights", zonal.weights, "A raster on the same grid whose values weight each cell (weighted_mean)");
  zonal_cmd->add_option("--threads", zonal.threads, "Threads decoding the raster and tallying its rows (0 = all cores; the figures are the same for any count)")
      ->check(CLI::NonNegativeNumber);
  zonal_cmd->add_option("-o,--output", zonal.output, "Write the CSV here (UTF-8 with a BOM, atomically) instead of stdout");

  ecomon::ZonesImportOptions import;
  auto* import_cmd = app.add_subcommand("zones-import", "Merge polygon layers into one WGS84 GeoPackage (fields code, name)");
  import_cmd->add_option("inputs", import.inputs, "Polygon files")->required();
  import_cmd->add_option("-o,--output", import.output, "GeoPackage to write")->required();
  import_cmd->add_option("--code-field", import.code_field, "Source field with the zone code");
  import_cmd->add_option("--name-field", import.name_field, "Source field with the zone name");
  import_cmd->add_option("--layer", import.layer, "Output layer name");
  import_cmd->add_flag("--from-gcj02", import.from_gcj02, "Source coordinates are GCJ-02 (Chinese web maps): convert to WGS84");

  ecomon::AccuracyOptions accuracy;
  auto* accuracy_cmd = app.add_subcommand(
      "accuracy",
      "Accuracy and area-adjusted class areas of a map against a labelled reference sample (Olofsson et al. 2014), CSV on stdout");
  accuracy_cmd->add_option("--map", accuracy.map, "Class raster (e.g. a FOREST, WATER or land-cover product)")->required();
  accuracy_cmd->add_option("--samples", accuracy.samples, "CSV of reference points: lon, lat, class (WGS84)")->required();

  ecomon::SampleDesignOptions design;
  auto* design_cmd = app.add_subcommand(
      "sample-design",
      "A stratified random reference sample (strata: county x map class) of a run's year, as CSV and GeoPackage to label");
  design_cmd->add_option("output_dir", design.output_dir, "Output folder of `ecomon run` (years/<year>/, zones.gpkg)")->required();
  design_cmd->add_option("--year", design.year, "Year of the land cover map to sample")->required()->check(CLI::Range(1972, 2100));
  auto* per_stratum = design_cmd->add_option("--per-stratum", design.per_stratum, "Units per stratum (county x map class)")
                          ->check(CLI::Range(1, 100000));
  design_cmd->add_option("--target-se", design.target_se, "Standard error of each county's overall accuracy to aim at (default 0.025)")
      ->check(CLI::Range(0.001, 0.5))
      ->excludes(per_stratum);
  design_cmd->add_option("--min-per-stratum", design.min_per_stratum, "Floor per stratum with --target-se (default 50)")
      ->check(CLI::Range(1, 100000));
  design_cmd->add_option("--expected-users-accuracy", design.expected_users_accuracy,
                         "User's accuracy expected of each class, for the sample size (default 0.8)")
      ->check(CLI::Range(0.5, 0.99));
  design_cmd->add_option("--seed", design.seed, "Random seed: the same seed gives the same points");
  design_cmd->add_option("-o,--output", design.output, "CSV to write (the GeoPackage is written beside it, .gpkg)")->required();

  ecomon::ServeOptions serve;
  serve.version = std::string(ecomon::kVersion) + " " + ecomon::kCommit;
  auto* serve_cmd = app.add_subcommand(
      "serve", "The results of an output folder over HTTP: POST /query (any polygon, as `ecomon query`), /statistics (titiler's shape), "
               "GET /zones/{code}, /years, /products, /health, /openapi.json; read-only");
  serve_cmd->add_option("output_dir", serve.workspace, "Output folder of `ecomon run`")->required();
  serve_cmd->add_option("--bind", serve.bind, "Address to listen on (default 127.0.0.1: this machine only)");
  serve_cmd->add_option("--port", serve.port, "Port (default 8080; 0: any free port, printed)")->check(CLI::Range(0, 65535));
  serve_cmd->add_option("--threads", serve.threads, "Queries that read rasters at once (default: the machine's cores)")->check(CLI::NonNegativeNumber);
  serve_cmd->add_option("--max-cells", serve.max_cells, "Cells one request may read: its polygons' bounding windows x years (default 250e6)")
      ->check(CLI::PositiveNumber);
  serve_cmd->add_option("--max-vertices", serve.max_vertices, "Vertices one request's geometry may have (default 200000)");
  serve_cmd->add_option("--timeout", serve.timeout_seconds, "Seconds one request may take (default 60)")->check(CLI::PositiveNumber);

  ecomon::QueryOptions query;
  auto* query_cmd = app.add_subcommand(
      "query", "The plans' indicators (county_timeseries.csv's columns, with intervals) for any polygon, from a run's output folder");
  query_cmd->add_option("output_dir", query.workspace, "Output folder of `ecomon run`")->required();
  auto* wkt_opt = query_cmd->add_option("--wkt", query.wkt, "The polygon as WKT (POLYGON or MULTIPOLYGON)");
  auto* geojson_opt = query_cmd->add_option("--geojson", query.geojson, "A GeoJSON file: a geometry, a Feature or a FeatureCollection");
  auto* zone_opt = query_cmd->add_option("--zone", query.zone, "A zone code of the run: its stored figures, no raster read");
  wkt_opt->excludes(geojson_opt)->excludes(zone_opt);
  geojson_opt->excludes(zone_opt);
  query_cmd->add_option("--crs", query.crs, "CRS of the polygon's coordinates (default EPSG:4326; any CRS PROJ knows, e.g. EPSG:4490)");
  query_cmd->add_option("--year", query.year, "One year (default: every year of the workspace)");
  query_cmd->add_option("--years", query.years, "Years: 2021-2023 or 2021,2023");
  query_cmd->add_option("--format", query.format, "json, csv (county_timeseries.csv's columns) or text (a table for the terminal)")
      ->check(CLI::IsMember({"json", "csv", "text"}));
  query_cmd->add_option("-o,--output", query.output, "Write the answer here (atomically) instead of stdout");

  ecomon::ReportOptions report;
  auto* report_cmd = app.add_subcommand(
      "report", "Every report of a run (county_timeseries.csv, targets_report.csv, ...) rendered again from its output folder alone");
  report_cmd->add_option("output_dir", report.workspace, "Output folder of `ecomon run`")->required();
  report_cmd->add_option("--to", report.to, "Write the reports into this folder (default: the output folder itself)");
  report_cmd->add_flag("--no-tables{false}", report.tables_on_stdout, "Do not print the tables on stdout");

  ecomon::StatusOptions status;
  auto* status_cmd = app.add_subcommand("status", "What the output folder's catalog holds: scenes by status, the last runs, what is pending");
  status_cmd->add_option("output_dir", status.output_dir, "Output folder of `ecomon run`")->required();
  status_cmd->add_flag("--json", status.json, "As JSON, for monitoring systems");
  ecomon::ForgetOptions forget;
  auto* forget_cmd = app.add_subcommand("forget", "Leave a scene out of later runs (its year is derived again without it at the next run)");
  forget_cmd->add_option("output_dir", forget.output_dir, "Output folder of `ecomon run`")->required();
  forget_cmd->add_option("scene_id", forget.scene_id, "Scene (product) id, as `ecomon status` lists it")->required();
  forget_cmd->add_flag("--restore", forget.restore, "Take a forgotten scene back");

  auto* reference_cmd = app.add_subcommand("config-reference", "Print the table of every config key (Markdown)");
  app.add_subcommand(
      "report-columns",
      "Print the columns of county_report.csv, county_timeseries.csv, county_trends.csv, scene_status.csv and ecomon accuracy (Markdown)");

  // Usage errors (an unknown command or option, a missing argument) end with exit code 2, like a bad
  // config; --help and --version with 0.
  if (argc > 1 && argv[1][0] != '-') {
    std::string names;
    bool known = false;
    for (const CLI::App* sub : app.get_subcommands([](CLI::App*) { return true; })) {
      known = known || sub->get_name() == argv[1];
      names += (names.empty() ? "" : ", ") + sub->get_name();
    }
    if (!known) {
      std::cerr << "ecomon: unknown command '" << argv[1] << "' (commands: " << names << "; ecomon --help)\n";
      return 2;
    }
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);
    std::cerr << "ecomon: " << e.what() << " (ecomon --help lists the commands, ecomon COMMAND --help their options)\n";
    return 2;
  }
  ecomon::install_interrupt_handlers();
  // Logs go to stderr (and --log-file); stdout carries results only (the terminal tables, zonal and accuracy CSV).
  std::vector<spdlog::sink_ptr> sinks = {std::make_shared<spdlog::sinks::stderr_color_sink_mt>()};
  try {
    if (!log_file.empty()) sinks.push_back(std::make_shared<spdlog::sinks::basic_file_sink_mt>(log_file));
  } catch (const spdlog::spdlog_ex& e) {
    std::cerr << "ecomon: --log-file " << log_file << ": cannot be written: " << e.what() << "\n";
    return 2;
  }
  auto logger = std::make_shared<spdlog::logger>("ecomon", sinks.begin(), sinks.end());
  spdlog::set_default_logger(logger);
  if (log_format == "json") {
    auto formatter = std::make_unique<spdlog::pattern_formatter>(spdlog::pattern_time_type::utc);
    formatter->add_flag<JsonMessage>('*').set_pattern(R"({"time":"%Y-%m-%dT%H:%M:%S.%fZ","level":"%l","program":"ecomon","pid":%P,"message":%*})");
    spdlog::set_formatter(std::move(formatter));
  }
  // GDAL's messages in the log's own format (a raw "ERROR 1:" line would break --log-format json):
  // failures as warnings (the error that follows names the file), warnings at debug level.
  geo::io::set_gdal_message_sink([](bool error, const std::string& message) {
    if (error)
      spdlog::warn("GDAL: {}", message);
    else
      spdlog::debug("GDAL: {}", message);
  });
  spdlog::cfg::load_env_levels();  // SPDLOG_LEVEL=debug
  if (verbose) spdlog::set_level(spdlog::level::debug);
  if (quiet) spdlog::set_level(spdlog::level::warn);
  {
    const char* tunables = std::getenv("GLIBC_TUNABLES");
    spdlog::debug("heap: {}{}; GLIBC_TUNABLES={}", heap.one_arena ? "one arena, " : "", heap.note, tunables ? tunables : "(unset)");
  }
  try {
    if (*run_cmd) return ecomon::run_command(run);
    if (*plan_cmd) return ecomon::plan_command(plan, std::cout);
    if (*check_cmd) {
      ecomon::check_command(check, std::cout);
      return 0;
    }
    if (*zonal_cmd) {
      ecomon::zonal_command(zonal, std::cout);
      return 0;
    }
    if (*import_cmd) {
      ecomon::zones_import_command(import, std::cerr);
      return 0;
    }
    if (*accuracy_cmd) {
      ecomon::accuracy_command(accuracy, std::cout);
      return 0;
    }
    if (*design_cmd) {
      ecomon::sample_design_command(design, std::cerr);
      return 0;
    }
    if (*query_cmd) {
      ecomon::query_command(query, std::cout);
      return 0;
    }
    if (*serve_cmd) return ecomon::serve_command(serve);
    if (*report_cmd) return ecomon::report_command(report);
    if (*status_cmd) return ecomon::status_command(status, std::cout);
    if (*forget_cmd) return ecomon::forget_command(forget, std::cout);
    if (*reference_cmd) {
      std::cout << ecomon::settings_reference_markdown();
      return 0;
    }
    const auto tables = ecomon::report_column_tables();  // registered beside their writers
    for (const auto& [name, cols] : tables) {
      std::cout << "### " << name << "\n\n| column | 中文 | meaning |\n|---|---|---|\n";
      for (const auto& c : *cols) std::cout << "| `" << c.key << "` | " << c.zh << " | " << c.meaning << " |\n";
      std::cout << "\n";
    }
    return 0;
  } catch (const ecomon::Interrupted& e) {
    std::cerr << "ecomon: " << e.what() << "\n";
    return 128 + e.signal;
  } catch (const ecomon::ConfigError& e) {
    return stopped("configuration", e);
  } catch (const ecomon::ZonesError& e) {
    return stopped("zones", e);
  } catch (const ecomon::SceneError& e) {
    return stopped("input", e);
  } catch (const ecomon::OutputError& e) {
    return stopped("output", e);
  } catch (const std::exception& e) {
    return stopped("unexpected", e);
  }
}
