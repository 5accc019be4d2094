// `ecomon run` and `ecomon check`: the run's inputs read and checked before any scene, the scenes
// probed, the regional grid planned, then a plan of jobs, each returning its typed result, which the
// command collects and hands to the report writers and the catalog.
#include "app/commands.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>
#include <tbb/global_control.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <map>
#include <sstream>
#include <optional>
#include <set>
#include <ostream>
#include <utility>

#include "config/schema.hpp"
#include "config/settings.hpp"
#include "engine/scene_engine.hpp"
#include "base/errors.hpp"
#include "base/file_checksum.hpp"
#include "libgeo/coverage.hpp"
#include "libgeo/gcj02.hpp"
#include "libgeo/io/projection.hpp"
#include "libgeo/io/raster.hpp"
#include "libgeo/io/zonal_raster.hpp"
#include "libgeo/io/vector.hpp"
#include "libgeo/zonal.hpp"
#include "base/output_folder.hpp"
#include "base/threads.hpp"
#include "app/run_plan.hpp"
#include "products/index_products.hpp"
#include "products/product_specs.hpp"
#include "sensors/sensor_driver.hpp"
#include "sensors/radiometry.hpp"
#include "report/report_writer.hpp"
#include "report/revisions_writer.hpp"
#include "report/zone_reports.hpp"
#include "engine/season_engine.hpp"
#include "engine/transitions.hpp"
#include "landcover/climate.hpp"
#include "carbon/stock_change.hpp"
#include "landcover/layer.hpp"
#include "targets/verdicts.hpp"
#include "base/interrupt.hpp"
#include "catalog/content_hash.hpp"
#include "catalog/scene_task.hpp"
#include "catalog/stored_year.hpp"
#include "catalog/task_key.hpp"
#include "catalog/workspace_catalog.hpp"
#include "catalog/workspace_results.hpp"

namespace ecomon {

// Config keys read here (config/schema.hpp; their table: config/README.md).
namespace {

using namespace config_keys;

// run
const ConfigKeys keys_run(10, {
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
    {KEY(run, tile_rows),
     Kind::integer,
     "rows",
     16,
     1048576,
     {},
     "Rows of the regional grid in a season tile task: shards (`ecomon run --shard I/N`) make a year's composites as bands of this many "
     "rows, full width, after its scenes. Results do not depend on it."}
});

// input
const ConfigKeys keys_input(20, {
    {KEY(input, dir),
     Kind::path,
     "",
     0,
     0,
     {},
     "Folder searched recursively for the scenes of every sensor ecomon reads (README, \"What it does\"; a run on a folder "
     "without any lists what each sensor's products look like).",
     "(required)"}
});

// zones
const ConfigKeys keys_zones(30, {
    {KEY(zones, file), Kind::path, "", 0, 0, {}, "Zone polygons: any OGR source (GeoPackage, Shapefile, GeoJSON).", "(required)"},
    {KEY(zones, layer), Kind::text, "", 0, 0, {}, "Layer name inside the zones file; a file of several layers needs it (--zones on the command line comes with its own --zones-layer).", "(the file's only layer)"},
    {KEY(zones, code_field), Kind::text, "", 0, 0, {}, "Field holding the zone code (e.g. the 6-digit adcode)."},
    {KEY(zones, name_field), Kind::text, "", 0, 0, {}, "Field holding the zone name; empty uses the code."}
});

}  // namespace

namespace fs = std::filesystem;

namespace {

// Reads the zones once, before any scene, so that every zones problem (unreadable file, missing
// field, empty or repeated code, coordinates outside the CRS) stops the run with exit code 2, and
// what was repaired or decoded is said once per zone.
std::vector<geo::io::Zone> check_zones(const geo::io::ZoneSource& zones) {
  std::vector<geo::io::Zone> read;
  try {
    read = geo::io::read_zones(zones, "");
  } catch (const geo::io::IoError& e) {
    throw ZonesError(e.what());
  }
  for (const auto& z : read)
    for (const auto& note : z.notes) spdlog::warn("zones file {}, zone {} ({}): {}", zones.path, z.code, z.name, note);
  return read;
}

// forest.special_shrubland names zones by code: a code that is not a zone would silently leave that
// zone's shrubland out of its official forest coverage.
void check_designated_shrubland(const Settings& settings, const std::vector<geo::io::Zone>& zones) {
  std::set<std::string> codes;
  for (const auto& z : zones) codes.insert(z.code);
  for (const std::string& code : designated_shrubland_zones(settings.forest))
    if (!codes.count(code))
      throw ConfigError("forest.special_shrubland names zone " + code + ", which is not in " + settings.zones.file + " (field " +
                        settings.zones.code_field + "); its shrubland would not count as forest");
}

// The run's settings: the config file, then the command line's overrides, checked as one.
Settings run_settings(const RunOptions& o) {
  if (o.threads && *o.threads < 0)
    throw ConfigError("--threads " + std::to_string(*o.threads) + ": must be 0 (every core) or a positive number of threads");
  std::vector<std::string> overrides = o.overrides;
  if (!o.input_dir.empty()) overrides.push_back("input.dir=" + o.input_dir);
  // --zones names another file: the config's zones.layer belongs to the config's file, not to it.
  if (!o.zones_file.empty()) overrides.push_back("zones.file=" + o.zones_file), overrides.push_back("zones.layer=" + o.zones_layer);
  if (o.zones_file.empty() && !o.zones_layer.empty()) throw ConfigError("--zones-layer " + o.zones_layer + ": goes with --zones FILE");
  if (!o.zone_field.empty()) overrides.push_back("zones.code_field=" + o.zone_field);
  if (!o.output_dir.empty()) overrides.push_back("output.dir=" + o.output_dir);
  if (o.threads) overrides.push_back("run.threads=" + std::to_string(*o.threads));
  if (!o.targets_file.empty()) overrides.push_back("targets.file=" + o.targets_file);
  Settings settings = load_settings(o.config_path, overrides);
  if (settings.input.dir.empty()) throw ConfigError(o.config_path + ": key 'input.dir' is required (or --input)");
  if (settings.zones.file.empty()) throw ConfigError(o.config_path + ": key 'zones.file' is required (or --zones)");
  return settings;
}

// A run in three parts, none of which a job writes into:
// - RunContext: what every job reads, fixed before the first (settings, inputs, the scenes found,
//   the regional grid and its zones, the layers on it, the catalog's keys);
// - the jobs, each a function of the context (and of the results of the jobs it follows) that
//   returns one typed value: a scene's SceneJobResult, a year's YearResult, the trends' rasters, the
//   transitions' TransitionsJobResult;
// - RunRecord: what the command collects of them, in job order, and of the probing and the catalog
//   (statuses, failures, the years reloaded), which the reports and the catalog read at the end.

// What every job of a run reads: fixed once the scenes are probed and the grid is planned.
struct RunContext {
  RunContext(const Settings& s, const OutputFolder& o, const geo::io::ZoneSource& z) : settings(s), output(o), zones(z) {}
  RunContext(const RunContext&) = delete;
  RunContext& operator=(const RunContext&) = delete;
  const Settings& settings;
  const OutputFolder& output;
  const geo::io::ZoneSource& zones;
  const TargetsFile* targets = nullptr;
  const std::vector<GroundPlot>* plots = nullptr;
  const std::vector<ReferenceSample>* samples = nullptr;
  const CarbonFactors* carbon_factors = nullptr;  // the density table of the stock changes (none: no stock change)
  WorkspaceCatalog* catalog = nullptr;            // scenes recorded in it, unchanged years reloaded from it, done years recorded in it
  WorkspaceCatalog* hash_cache = nullptr;         // a catalog read (a shard's: opened immutable) for the files' hashes alone
  // Without a catalog to keep them (a shard, `ecomon plan`): the hashes the workspace's scene tasks
  // list (kept_task_hashes), by path, taken while the file's stamp is the one listed.
  std::map<std::string, StampedDigest> listed_hashes;
  std::int64_t run_id = 0;
  std::string version;
  bool tables_on_stdout = true;  // nightly mode: the tables stay in the output folder, stdout gets the summary only
  // The scenes to process (after the probing: duplicates, forgotten and failed ones left out).
  std::vector<FoundScene> found;
  std::vector<SceneProbe> probes;
  // The content hashes of each scene's files as the probing took them, by scene id: a shard lists
  // them in its tasks for the reduce to keep.
  std::map<std::string, std::vector<StampedDigest>> scene_file_hashes;
  std::map<std::string, std::string> content_hashes;  // by scene id
  // The regional grid and the zones on it (season.enabled and an overlap), with the layers on it.
  std::vector<geo::io::Zone> grid_zones;
  geo::Grid grid;
  std::unique_ptr<LandCoverLayer> land_cover;           // landcover.file on the regional grid
  std::unique_ptr<GrasslandTypeLayer> grassland_types;  // landcover.grassland_types_file on the regional grid
  std::map<int, std::string> year_keys;                 // the task key of every year with scenes

  bool seasons() const { return settings.season.enabled && grid.cols > 0; }
  int year_of(const SceneProbe& p) const { return std::stoi(p.info.date.substr(0, 4)); }
};

// What a scene's job returns.
struct SceneJobResult {
  SceneResult result;
  StatusRow status;
};

// A year's season inputs as the scene jobs left them; the work files among them are removed with
// it, whatever becomes of the year.
struct SeasonInputsOfYear {
  std::vector<std::pair<SceneInfo, SeasonInputFiles>> scenes;
  std::vector<double> soils, vegs;  // the scenes' NDVI end-members (`auto`: the year takes their median)
  bool owns_files = true;           // false: a shard's season tiles read them, the reduce removes them
  SeasonInputsOfYear() = default;
  SeasonInputsOfYear(SeasonInputsOfYear&& o) noexcept
      : scenes(std::exchange(o.scenes, {})), soils(std::move(o.soils)), vegs(std::move(o.vegs)), owns_files(o.owns_files) {}
  SeasonInputsOfYear& operator=(SeasonInputsOfYear&&) = delete;
  ~SeasonInputsOfYear() {
    if (!owns_files) return;
    for (const auto& [scene, files] : scenes)
      for (const std::string& p : files.work_files) geo::io::remove_raster(p);
  }
  void add(const SceneResult& r) {
    scenes.push_back({r.scene, r.season_inputs});
    soils.push_back(r.ndvi_soil);
    vegs.push_back(r.ndvi_veg);
  }
};

// What the command collects: the jobs' results in job order, the scenes' statuses and failures, the
// years reloaded from the catalog.
struct RunRecord {
  std::vector<SceneResult> scenes;
  std::vector<YearResult> years;  // ascending
  std::map<int, SeasonInputsOfYear> season_inputs;  // by year, until its year's job
  TransitionsAndCarbon transitions;
  std::vector<StatusRow> statuses;
  std::size_t failed = 0, failed_probe = 0;
  std::size_t unchanged_scenes = 0, reused_years = 0;
  std::size_t unwritten = 0;  // scenes whose outputs could not be written (JobRecord::outside_input)

  RunRecord() = default;
  RunRecord(const RunRecord&) = delete;
  RunRecord& operator=(const RunRecord&) = delete;
  // The years' work files (the FVC written for the trends alone), whatever became of the trends.
  ~RunRecord() {
    for (const YearResult& y : years)
      for (const std::string& p : y.work_files) geo::io::remove_raster(p);
  }

  void add_year(YearResult y) {
    const auto at = std::find_if(years.begin(), years.end(), [&](const YearResult& r) { return r.year > y.year; });
    years.insert(at, std::move(y));
  }
  void add_scene(SceneJobResult r, int year, bool seasons) {
    if (seasons) season_inputs[year].add(r.result);
    statuses.push_back(std::move(r.status));
    scenes.push_back(std::move(r.result));
  }
};

constexpr const char* kRetriedNextRun = " (the outputs could not be written, not the scene's fault: tried again at the next run)";

std::string footprint(const SceneProbe& p) {
  const geo::Box b = p.grid.extent();
  char buffer[160];
  std::snprintf(buffer, sizeof buffer, "%.3f %.3f %.3f %.3f", b.xmin, b.ymin, b.xmax, b.ymax);
  return buffer;
}

void set_scene_status(const RunContext& ctx, const std::vector<std::string>& paths, const std::string& status, const std::string& reason,
                      const std::string& id) {
  if (!ctx.catalog) return;
  for (const auto& p : paths) {
    CatalogScene row;
    row.path = p, row.scene_id = id, row.status = status, row.reason = reason;
    if (!id.empty()) {
      const auto f = std::find_if(ctx.probes.begin(), ctx.probes.end(), [&](const SceneProbe& q) { return q.info.id == id; });
      if (f != ctx.probes.end()) {
        row.sensor = f->info.spacecraft + " " + f->info.sensor, row.date = f->info.date, row.footprint = footprint(*f);
        row.year = ctx.year_of(*f);
        row.content_hash = ctx.content_hashes.count(id) ? ctx.content_hashes.at(id) : "";
      }
    }
    ctx.catalog->record_scene(ctx.run_id, row);
  }
}

// A bad scene, in the catalog: quarantined with its reason (it is tried again when it changes).
void quarantine(const RunContext& ctx, const std::vector<std::string>& paths, const std::string& reason, const std::string& id = "") {
  set_scene_status(ctx, paths, "quarantined", reason, id);
}

void fail(RunRecord& record, const std::string& path, const std::string& message, const std::string& id) {
  record.statuses.push_back({path, "failed", message, id, 0});
  ++record.failed;
  if (id.empty()) ++record.failed_probe;
}

// Identity and footprint of every scene (no pixel decoded); the same product twice (a folder and
// its .tar, two copies) is kept once, the first by path. Problems of discovery are failures; a
// scene the catalog was told to forget is left out.
// Files' content hashes, in their order: kept in the catalog between runs, or computed anew without
// one; the files not kept are hashed in parallel (and recorded in one transaction).
std::function<std::vector<std::string>(const std::vector<std::string>&)> files_hasher(const RunContext& ctx) {
  if (ctx.catalog) return [&ctx](const std::vector<std::string>& files) { return ctx.catalog->file_hashes(files); };
  return [&ctx](const std::vector<std::string>& files) {
    std::vector<std::string> hashes(files.size()), missing;
    std::vector<std::size_t> missing_at;
    for (std::size_t i = 0; i < files.size(); ++i) {
      if (const auto listed = ctx.listed_hashes.find(files[i]); listed != ctx.listed_hashes.end() && file_stamp(files[i]) == listed->second.stamp)
        hashes[i] = listed->second.digest;
      else
        missing.push_back(files[i]), missing_at.push_back(i);
    }
    const std::vector<std::string> computed = ctx.hash_cache ? ctx.hash_cache->file_hashes(missing) : digests_of_files(missing, hash_file);
    for (std::size_t k = 0; k < missing.size(); ++k) hashes[missing_at[k]] = computed[k];
    return hashes;
  };
}

// One file's content hash, as files_hasher gives it.
std::function<std::string(const std::string&)> file_hasher(const RunContext& ctx) {
  return [hash = files_hasher(ctx)](const std::string& f) { return hash({f}).front(); };
}

// The hashes the workspace's scene tasks list, for a run without a catalog to keep them in: the
// shards of the season tiles (and `ecomon plan` after shards) do not read every scene again.
void take_listed_hashes(RunContext& ctx, const std::string& workspace) {
  for (StampedDigest& d : kept_task_hashes(workspace)) ctx.listed_hashes[d.path] = std::move(d);
}

void probe_scenes(const Discovery& discovery, RunContext& ctx, RunRecord& record) {
  for (const auto& p : discovery.problems) {
    spdlog::error("{}", p.message);
    fail(record, p.path, p.message, "");
    quarantine(ctx, {p.path}, p.message);
  }
  std::map<std::string, std::string> path_of_id;
  for (const auto& candidate : discovery.scenes) {
    interrupt_point("probe");  // probing and hashing a large inbox takes minutes: answer Ctrl-C between scenes too
    try {
      SceneProbe probe = probe_scene(candidate);
      const auto [kept, inserted] = path_of_id.emplace(probe.info.id, candidate.path);
      CatalogScene row{candidate.path, probe.info.id, probe.info.spacecraft + " " + probe.info.sensor, probe.info.date, footprint(probe),
                       0, "", "pending", "", std::stoi(probe.info.date.substr(0, 4)), 0, ""};
      if (!inserted) {
        spdlog::warn("scene {} found twice: {} and {}; the second is skipped", probe.info.id, kept->second, candidate.path);
        record.statuses.push_back({candidate.path, "duplicate", "same product as " + kept->second, probe.info.id, 0});
        row.status = "duplicate", row.reason = "same product as " + kept->second;
        if (ctx.catalog) ctx.catalog->record_scene(ctx.run_id, row);
        continue;
      }
      if (ctx.catalog && ctx.catalog->is_forgotten(probe.info.id)) {
        spdlog::info("scene {} ({}): left out (ecomon forget)", probe.info.id, candidate.path);
        record.statuses.push_back({candidate.path, "forgotten", "left out by `ecomon forget`", probe.info.id, 0});
        row.status = "forgotten", row.reason = "ecomon forget";
        ctx.catalog->record_scene(ctx.run_id, row);
        continue;
      }
      // The content hash keys the scene's task and its year's (a shard, which keeps no catalog, hashes
      // the files anew; a run keeps their hashes in its catalog between runs).
      std::vector<StampedDigest> hashed;
      row.content_hash = scene_content_hash(candidate.path, probe.info.id, [&, hasher = files_hasher(ctx)](const std::vector<std::string>& files) {
        std::vector<FileStamp> stamps;  // before the hashes: a file changed meanwhile is hashed again by whoever keeps it
        for (const std::string& f : files) stamps.push_back(file_stamp(f));
        std::vector<std::string> hashes = hasher(files);
        for (std::size_t i = 0; i < files.size(); ++i) hashed.push_back({files[i], stamps[i], hashes[i]});
        return hashes;
      });
      ctx.scene_file_hashes[probe.info.id] = std::move(hashed);
      ctx.content_hashes[probe.info.id] = row.content_hash;
      if (ctx.catalog) ctx.catalog->record_scene(ctx.run_id, row);
      ctx.found.push_back(candidate);
      ctx.probes.push_back(std::move(probe));
    } catch (const Interrupted&) {
      throw;  // not the scene's fault: it is not quarantined
    } catch (const std::exception& e) {
      spdlog::error("{}", e.what());
      fail(record, candidate.path, e.what(), "");
      quarantine(ctx, {candidate.path}, e.what());
    }
  }
}

void plan_layers(RunContext& ctx);

// The regional grid: the zones' extent cut to the scenes' footprints, in season.grid_crs.
void plan_grid(RunContext& ctx, bool with_layers = true) {
  const Settings& settings = ctx.settings;
  if (!settings.season.enabled) return;
  ctx.grid_zones = geo::io::read_zones(ctx.zones, geo::io::crs_wkt(settings.season.grid_crs));
  ctx.grid = regional_grid(ctx.probes, ctx.grid_zones, settings);
  if (ctx.grid.cols == 0) {
    spdlog::warn("the zones and the scenes do not overlap: no season composites");
    return;
  }
  spdlog::info("regional grid: {} x {} cells of {} m ({})", ctx.grid.cols, ctx.grid.rows, settings.season.pixel_size, settings.season.grid_crs);
  const double cell_ha = season_cell_ha(settings);
  if (cell_ha > settings.forest.min_patch_ha)
    spdlog::warn("season cells of {:.2f} ha are larger than forest.min_patch_ha ({} ha): the minimum-patch rule cannot apply", cell_ha,
                 settings.forest.min_patch_ha);
  if (with_layers) plan_layers(ctx);
}

// The user's layers on the regional grid (landcover.file, landcover.grassland_types_file).
void plan_layers(RunContext& ctx) {
  const Settings& settings = ctx.settings;
  if (!ctx.seasons()) return;
  if (!settings.landcover.file.empty()) ctx.land_cover = std::make_unique<LandCoverLayer>(settings.landcover, ctx.grid, ctx.output.work_dir());
  if (!settings.landcover.grassland_types_file.empty())
    ctx.grassland_types = std::make_unique<GrasslandTypeLayer>(settings.landcover, ctx.grid, ctx.output.work_dir());
}

// A year from the catalog: its scenes' results and statuses, and its season (the calibration and
// the sample's estimates fitted again from the stored matches, as composite_year fits them).
void load_stored_year(const RunContext& ctx, RunRecord& record, StoredYear stored) {
  // Where each scene is now (the inbox may have moved since; the content is the same).
  std::map<std::string, std::pair<std::string, std::string>> now;  // id -> (found path, metadata path)
  for (std::size_t i = 0; i < ctx.probes.size(); ++i) now[ctx.probes[i].info.id] = {ctx.found[i].path, ctx.probes[i].info.path};
  for (SceneResult& r : stored.scenes) {
    r.zones = ctx.grid_zones;  // reports read code, name and area (the same in every CRS)
    if (const auto at = now.find(r.scene.id); at != now.end()) r.scene.path = at->second.second;
    record.scenes.push_back(std::move(r));
  }
  for (StatusRow& st : stored.statuses) {
    if (const auto at = now.find(st.scene_id); at != now.end()) st.path = at->second.first;
    if (st.status == "failed") ++record.failed, quarantine(ctx, {st.path}, st.message, st.scene_id);
    record.statuses.push_back(std::move(st));
  }
  ++record.reused_years;
  if (!stored.produced) return;
  YearResult& y = stored.year;
  y.products = stored_year_rasters(stored);  // derived, not stored: the renderers (STAC, the report's maps) list them
  refit_stored_year(y, {ctx.plots, nullptr, ctx.samples}, ctx.settings, ctx.grid_zones, ctx.grid);
  record.add_year(std::move(y));
}

// The years whose task the catalog has done with the same key (the same scenes, settings, grid,
// zones and version): their results are reloaded, their scenes are not read. Returns those years;
// sets every year's key in the context.
std::set<int> reuse_unchanged_years(RunContext& ctx, RunRecord& record) {
  std::set<int> reused;
  if (!ctx.catalog || !ctx.seasons()) return reused;
  std::map<int, std::vector<std::pair<std::string, std::string>>> scenes_of_year;
  for (const SceneProbe& p : ctx.probes) scenes_of_year[ctx.year_of(p)].emplace_back(p.info.id, ctx.content_hashes.at(p.info.id));
  const auto hash = [&ctx](const std::string& f) { return ctx.catalog->file_hash(f); };
  for (const auto& [year, scenes] : scenes_of_year) {
    const std::string key = year_task_key(ctx.version, ctx.settings, ctx.grid, ctx.grid_zones, year, scenes, hash);
    ctx.year_keys[year] = key;
    bool damaged = false;
    const std::optional<std::string> text = ctx.catalog->done_task(key, &damaged);
    if (damaged)
      spdlog::warn("{}: the stored results of {} do not match their checksum (damaged since they were written); the year is done again",
                   ctx.catalog->path(), year);
    if (!text) continue;
    StoredYear stored;
    try {
      stored = parse_stored_year(*text, ctx.catalog->root());
    } catch (const std::exception& e) {
      spdlog::warn("{}: the stored results of {} cannot be read ({}); the year is done again", ctx.catalog->path(), year, e.what());
      continue;
    }
    // Its scenes as they were: done, or quarantined again with their reasons.
    std::vector<std::string> done;
    for (const StatusRow& st : stored.statuses)
      if (st.status == "ok") done.push_back(st.scene_id);
    ctx.catalog->mark_scenes_done(ctx.run_id, done);
    load_stored_year(ctx, record, std::move(stored));
    reused.insert(year);
    record.unchanged_scenes += scenes.size();
    spdlog::info("season {}: unchanged ({} scenes, the same settings): results from {}", year, scenes.size(), ctx.catalog->path());
  }
  return reused;
}

// Products and per-zone tallies of one scene on its own grid. Its bands are decoded here only: the
// season pass reads the index and CLEAR rasters this pass wrote (engine/season_source.hpp).
SceneJobResult run_scene_job(const RunContext& ctx, const Job& job, const std::string& season_inputs_dir = "") {
  const auto t0 = std::chrono::steady_clock::now();
  const FoundScene& found = ctx.found[job.scene];
  if (const BandSet lacking = rule_bands().without(found.driver->bands); !lacking.empty())
    throw SceneError(found.path + ": its sensor (" + found.driver->name + ") has no " + lacking.names() +
                     " band, which the cover, forest and water rules read");
  auto source = open_scene(found, ctx.output.work_dir(), required_bands() & found.driver->bands);
  const SceneInfo& scene = source->info();
  spdlog::info("scene {} ({} {}, {})", scene.id, scene.spacecraft, scene.date, scene.reflectance);
  SceneJobResult out;
  SceneResult& r = out.result;
  r = process_scene(*source, ctx.settings, ctx.zones, season_inputs_dir.empty() ? ctx.output.work_dir() : season_inputs_dir, ctx.seasons());
  r.implausible_pixels = source->implausible_pixels();
  const std::uint64_t masked = r.implausible_pixels + r.undefined_index_pixels;
  if (masked > 0)
    spdlog::warn("scene {}: {} clear pixels masked as implausible ({} with a reflectance outside {}..{}, {} with NDVI or MNDWI undefined)",
                 scene.id, masked, r.implausible_pixels, kPlausibleReflectanceMin, kPlausibleReflectanceMax, r.undefined_index_pixels);
  bool any_overlap = false;
  for (const auto& t : r.tallies) any_overlap = any_overlap || t.total_area > 0;
  if (!any_overlap)
    spdlog::warn("no zone of {} overlaps scene {} (zones in the wrong CRS, or the wrong scenes?)", ctx.settings.zones.file, scene.id);
  spdlog::debug("  {} products in {:.2f} s", r.products.size(), std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  out.status = {scene.path, "ok", masked > 0 ? std::to_string(masked) + " clear pixels masked as implausible" : "", scene.id, masked};
  return out;
}

// The plots not used, counted by reason in one line per year (each plot's status is in
// calibration_plots.csv; the first of each reason named by row), and the year's line, or why there is none.
void log_calibration(const RunContext& ctx, int year, const Calibration& c) {
  std::map<std::string, std::pair<int, const GroundPlot*>> skipped;  // reason -> (plots, the first)
  for (const PlotMatch& m : c.matches) {
    if (m.status == PlotStatus::matched) continue;
    const std::string reason = m.status == PlotStatus::outside_data ? "outside the data (no scene of the year covers it)"
                               : m.status == PlotStatus::unobserved ? "never clear in the season"
                                                                    : std::string("on ") + land_cover_name(m.land_cover) + ", not grassland";
    auto& [n, first] = skipped[reason];
    if (n++ == 0) first = &(*ctx.plots)[m.plot];
  }
  for (const auto& [reason, n_first] : skipped)
    spdlog::warn("{}: {} plot(s) of {} {}; skipped (the first: row {}, plot {}; each plot's status in calibration_plots.csv)",
                 ctx.settings.calibration.plots_file, n_first.first, year, reason, n_first.second->row, n_first.second->id);
  if (!c.fit) {
    spdlog::warn("season {}: no calibration: {}; grassland cover is uncalibrated", year, c.problem);
    return;
  }
  spdlog::info(
      "season {}: calibration from {} plots: measured = {:.4f} + {:.4f} x satellite (R2 {:.3f}, RMSE {:.2f}, "
      "leave-one-out RMSE {:.2f} cover points, satellite bias {:+.2f})",
      year, c.fit->n, c.fit->intercept, c.fit->slope, c.fit->r2, 100 * c.fit->rmse, 100 * c.fit->loo_rmse, 100 * c.fit->bias);
  if (c.zones_with_plots >= 2)
    spdlog::info("season {}: calibration residuals shared within a zone: SD {:.2f} cover points ({} zones with 2 or more plots); "
                 "carried by every zone's grassland cover interval",
                 year, 100 * std::sqrt(c.between_zone_variance), c.zones_with_plots);
  else
    spdlog::warn("season {}: plots in {} zone(s) with 2 or more: the calibration's zone effect cannot be estimated and is not in the "
                 "grassland cover intervals (lay plots in several counties)",
                 year, c.zones_with_plots);
}

// The sample units not used, and the year's overall accuracy, or why there is no estimate.
void log_accuracy(const RunContext& ctx, int year, const ClassAccuracy& a) {
  const std::string& file = ctx.settings.accuracy.samples_file;
  int skipped = 0;
  for (const PlotMatch& m : a.matches) skipped += m.status != PlotStatus::matched;
  if (skipped > 0)
    spdlog::warn("{}: {} of {} sample units of {} are outside the data or never clear in the season; skipped (landcover_accuracy.csv)",
                 file, skipped, a.matches.size(), year);
  if (a.design) {
    spdlog::info("season {}: the reference sample's own design: {} strata from its file, sized from {}", year, a.design->strata.size(),
                 a.design->sizes_from);
    if (a.off_stratum > 0) {
      std::string rows;
      for (int r : a.off_stratum_rows) rows += (rows.empty() ? "" : ", ") + std::to_string(r);
      spdlog::warn("{}: {} sample unit(s) of {} lie on cells this year's map classes otherwise than their design stratum's map_class "
                   "(rows {}{}); they are estimated in their design stratum, as drawn",
                   file, a.off_stratum, year, rows, a.off_stratum > a.off_stratum_rows.size() ? ", ..." : "");
    }
  } else {
    spdlog::info("season {}: {} has no design columns (stratum, or unit_code and map_class): its strata are the classes of this run's {} "
                 "LANDCOVER map over the region, a unit's areas post-stratified by its zones",
                 year, file, year);
  }
  if (!a.region) {
    spdlog::warn("season {}: no area-adjusted estimate from {}: {}", year, file, a.problem);
    return;
  }
  spdlog::info("season {}: land cover overall accuracy {:.3f} +- {:.3f} (reference sample, {} units)", year, a.region->overall_accuracy,
               a.region->overall_se, a.matches.size() - std::size_t(skipped));
}

// What a year's composites read besides the regional grid and its layers: its settings (`auto`
// end-members resolved from its scenes), its scenes' season inputs as sources, its climate.
struct YearSources {
  Settings settings;
  std::vector<std::unique_ptr<SeasonSource>> sources;
  std::vector<SeasonSource*> pointers;
  std::unique_ptr<ClimateLayers> climate;

  YearAncillary ancillary(const RunContext& ctx) const {
    return {ctx.plots, ctx.land_cover.get(), ctx.samples, ctx.grassland_types.get(), climate.get()};
  }
};

std::unique_ptr<YearSources> year_sources(const RunContext& ctx, int year, const SeasonInputsOfYear& inputs) {
  auto out = std::make_unique<YearSources>();
  Settings& year_settings = out->settings;
  year_settings = ctx.settings;
  auto median = [](std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v.empty() ? 0.0 : v.size() % 2 ? v[v.size() / 2] : 0.5 * (v[v.size() / 2 - 1] + v[v.size() / 2]);
  };
  // `auto` end-members: the median of the year's per-scene values.
  if (!ctx.settings.fvc.ndvi_soil) year_settings.fvc.ndvi_soil = median(inputs.soils);
  if (!ctx.settings.fvc.ndvi_veg) year_settings.fvc.ndvi_veg = median(inputs.vegs);
  for (const auto& [scene, files] : inputs.scenes) {
    out->sources.push_back(std::make_unique<SceneProductSource>(scene, files));
    out->pointers.push_back(out->sources.back().get());
  }
  // The year's monthly climate for the CASA model, warped onto the grid (a year without all of it: no NPP, said).
  if (!ctx.settings.carbon.casa.climate_dir.empty()) {
    std::string problem;
    out->climate = ClimateLayers::prepare(ctx.settings.carbon.casa.climate_dir, year, ctx.grid, ctx.output.work_dir(), problem);
    if (!out->climate) spdlog::warn("season {}: no NPP: {}", year, problem);
  }
  return out;
}

// The year's composites on the regional grid, from what its scenes' jobs wrote (none: no scene of
// the year had data in its windows). `done_tile`: the tiles shards made (none: every tile made here).
std::optional<YearResult> run_year_job(const RunContext& ctx, int year, const SeasonInputsOfYear& inputs, const DoneSeasonTile& done_tile) {
  const std::unique_ptr<YearSources> in = year_sources(ctx, year, inputs);
  const auto t0 = std::chrono::steady_clock::now();
  YearResult y = composite_year(year, in->pointers, ctx.grid, ctx.grid_zones, in->settings, ctx.output.work_dir(), in->ancillary(ctx),
                                done_tile);
  if (y.scenes == 0) return std::nullopt;
  spdlog::info("season {}: {} scenes composited in {:.2f} s", year, y.scenes, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  if (y.calibration) log_calibration(ctx, y.year, *y.calibration);
  if (y.accuracy) log_accuracy(ctx, y.year, *y.accuracy);
  return y;
}

// After a year's job: its scenes' and season's results, stored under the year's key with the files
// they wrote (in one transaction, after those files are in place). `records`: the run's jobs so far (its failed scenes).
void store_year(const RunContext& ctx, RunRecord& record, int year, const std::vector<JobRecord>& records) {
  if (!ctx.catalog || !ctx.year_keys.count(year)) return;
  StoredYear stored;
  std::set<std::string> ids;
  for (const SceneProbe& p : ctx.probes)
    if (ctx.year_of(p) == year) ids.insert(p.info.id);
  for (const SceneResult& r : record.scenes)
    if (ids.count(r.scene.id)) {  // the serialisation keeps what a reload needs (catalog/stored_year.cpp)
      stored.outputs.insert(stored.outputs.end(), r.products.begin(), r.products.end());
      stored.scenes.push_back(r);
    }
  for (const StatusRow& st : record.statuses)
    if (ids.count(st.scene_id) && st.status == "ok") stored.statuses.push_back(st);
  // A year is done only with every usable scene in it: one whose outputs could not be written
  // leaves the year to be done again at the next run.
  for (const JobRecord& rec : records)
    if (rec.status == "failed" && rec.outside_input && ids.count(rec.key)) {
      spdlog::error("season {}: not stored as done: scene {} could not be written; the year is done again at the next run", year, rec.key);
      return;
    }
  for (const JobRecord& rec : records)
    if (rec.status == "failed" && ids.count(rec.key)) {
      const auto f = std::find_if(ctx.probes.begin(), ctx.probes.end(), [&](const SceneProbe& p) { return p.info.id == rec.key; });
      const std::string& path = ctx.found[std::size_t(f - ctx.probes.begin())].path;
      stored.statuses.push_back({path, "failed", rec.message, rec.key, 0});
      quarantine(ctx, {path}, rec.message, rec.key);
    }
  const auto y = std::find_if(record.years.begin(), record.years.end(), [&](const YearResult& r) { return r.year == year; });
  stored.produced = y != record.years.end();
  if (stored.produced) {
    stored.year = *y;
    if (!y->work_files.empty()) {  // a product the trends or transitions read is not kept: the year is done again next time
      std::vector<std::string> done;
      for (const StatusRow& st : stored.statuses)
        if (st.status == "ok") done.push_back(st.scene_id);
      ctx.catalog->mark_scenes_done(ctx.run_id, done);
      return;
    }
    stored.outputs.insert(stored.outputs.end(), y->products.begin(), y->products.end());
  } else {
    stored.year.year = year;
  }
  stored.settings = setting_values(ctx.settings);
  ctx.catalog->record_task(ctx.run_id, ctx.year_keys.at(year), "year", year, {ids.begin(), ids.end()},
                           serialise_stored_year(stored, ctx.catalog->root()), stored.outputs);
}

// The per-pixel trends over the years.
std::vector<std::string> run_trends_job(const RunContext& ctx, const std::vector<YearResult>& years) {
  std::vector<std::string> written = pixel_trends(years, ctx.grid, ctx.settings, ctx.output.work_dir());
  for (const auto& p : written) spdlog::info("trend raster {}", p);
  return written;
}

// Land cover transition matrices between the pairs of years carbon.pairs asks for, and the stock changes.
TransitionsAndCarbon run_transitions_job(const RunContext& ctx, const std::vector<YearResult>& years) {
  TransitionsAndCarbon out =
      transitions_and_carbon(years, ctx.grid, ctx.grid_zones, ctx.settings, ctx.targets, ctx.carbon_factors);
  for (const TransitionResult& t : out.transitions) spdlog::info("land cover transitions {}-{}", t.year_from, t.year_to);
  return out;
}

// Failed jobs, from the jobs' records, into the status report.
// A scene's task: the scene (index into the probes), its year, its key by content and its size.
struct SceneTask {
  std::size_t scene = 0;
  int year = 0;
  std::string key;
  double megapixels = 0;
};

std::vector<SceneTask> scene_tasks(const RunContext& ctx) {
  std::vector<SceneTask> tasks;
  const auto hash = file_hasher(ctx);
  for (std::size_t i = 0; i < ctx.probes.size(); ++i) {
    const SceneProbe& p = ctx.probes[i];
    const int year = ctx.year_of(p);
    tasks.push_back({i, year, scene_task_key(ctx.version, ctx.settings, year, p.info.id, ctx.content_hashes.at(p.info.id), ctx.seasons(), hash),
                     double(p.grid.cols) * double(p.grid.rows) / 1e6});
  }
  return tasks;
}

// A season tile task: a band of rows of a year's regional grid (season_tiles), keyed by the year's
// task key and its rows; its size the cells it composites times the year's scenes.
struct TileTask {
  int year = 0;
  geo::Window rows;
  std::string key;
  double megapixels = 0;
};

// Every year's task key (the scenes found, the settings, the grid and the zones), as the catalog keys
// the year.
std::map<int, std::string> year_task_keys(const RunContext& ctx) {
  std::map<int, std::vector<std::pair<std::string, std::string>>> scenes_of_year;
  for (const SceneProbe& p : ctx.probes) scenes_of_year[ctx.year_of(p)].emplace_back(p.info.id, ctx.content_hashes.at(p.info.id));
  std::map<int, std::string> keys;
  const auto hash = file_hasher(ctx);
  for (const auto& [year, scenes] : scenes_of_year)
    keys[year] = year_task_key(ctx.version, ctx.settings, ctx.grid, ctx.grid_zones, year, scenes, hash);
  return keys;
}

// A tile's task key: its year's, its rows, the season products the run writes.
std::string tile_task_key(const RunContext& ctx, const std::string& year_key, const geo::Window& rows) {
  return season_tile_key(year_key, rows, season_products_written(ctx.settings));
}

std::vector<TileTask> tile_tasks(const RunContext& ctx, const std::map<int, std::string>& year_keys) {
  std::vector<TileTask> tasks;
  if (!ctx.seasons()) return tasks;
  std::map<int, double> scenes;
  for (const SceneProbe& p : ctx.probes) ++scenes[ctx.year_of(p)];
  for (const auto& [year, key] : year_keys)
    for (const geo::Window& rows : season_tiles(ctx.grid, ctx.settings.run.tile_rows))
      tasks.push_back({year, rows, tile_task_key(ctx, key, rows), double(rows.cols) * double(rows.rows) / 1e6 * scenes[year]});
  return tasks;
}

// The tasks shards share: the scene tasks and the season tiles of every year but those `catalog` has
// done with the same key (the reduce reloads those), every scene task without seasons. What
// `ecomon plan` shows and `--shard` runs, so that both give the same shares.
struct ShardTasks {
  std::map<int, std::string> year_keys;  // every year's
  std::set<int> unchanged;
  std::vector<SceneTask> scenes;
  std::vector<TileTask> tiles;
};

ShardTasks shard_tasks(const RunContext& ctx, const WorkspaceCatalog* catalog) {
  ShardTasks out;
  out.year_keys = year_task_keys(ctx);
  std::map<int, std::string> changed;
  for (const auto& [year, key] : out.year_keys)
    if (catalog && ctx.seasons() && catalog->done_task(key))
      out.unchanged.insert(year);
    else
      changed[year] = key;
  for (SceneTask& t : scene_tasks(ctx))
    if (!out.unchanged.count(t.year)) out.scenes.push_back(std::move(t));
  out.tiles = tile_tasks(ctx, changed);
  return out;
}

// Whether any shard left a season tile in the workspace (the year then goes tile by tile).
bool season_tasks_left(const std::string& root) {
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(scene_tasks_dir(root), ec)) {
    const std::string name = e.path().filename().string();
    if (name.rfind("season-", 0) == 0 && e.path().extension() == ".json") return true;
  }
  return false;
}

// The zones a scene's rows in the reports name (code, name and area, the same in every CRS): the
// regional grid's, or read in lon/lat when the run has no season.
std::vector<geo::io::Zone> report_zones(const RunContext& ctx) {
  if (!ctx.grid_zones.empty()) return ctx.grid_zones;
  return geo::io::read_zones(ctx.zones, geo::io::crs_wkt("EPSG:4326"));
}

void collect_failures(const RunContext& ctx, RunRecord& record, const RunPlan& plan, const Catalog& jobs) {
  for (const auto& rec : jobs.records()) {
    if (rec.status != "failed") continue;
    const auto job = std::find_if(plan.jobs.begin(), plan.jobs.end(), [&](const Job& j) { return j.key == rec.key; });
    const bool scene_job = job != plan.jobs.end() && job->kind == Job::Kind::scene;
    if (rec.outside_input) {
      // The outputs could not be written (a full disk, an I/O error): not the scene's fault. It is
      // tried again at the next run, and its year was not stored as done (store_year).
      ++record.unwritten;
      fail(record, scene_job ? ctx.found[job->scene].path : rec.key, rec.message + kRetriedNextRun, scene_job ? rec.key : "");
      if (scene_job) set_scene_status(ctx, {ctx.found[job->scene].path}, "pending", rec.message + kRetriedNextRun, rec.key);
      continue;
    }
    fail(record, scene_job ? ctx.found[job->scene].path : rec.key, rec.message, scene_job ? rec.key : "");
    if (scene_job) quarantine(ctx, {ctx.found[job->scene].path}, rec.message, rec.key);
  }
}

// The run's counts, for its summary line and the catalog.
RunSummary run_summary(const RunContext& ctx, const RunRecord& record, const RunPlan& plan) {
  RunSummary s;
  s.scenes_found = std::int64_t(ctx.probes.size() + record.failed_probe);
  s.scenes_unchanged = std::int64_t(record.unchanged_scenes);
  for (const Job& j : plan.jobs) {
    if (j.kind == Job::Kind::scene) {
      ++s.scenes_processed;
      s.megapixels += double(ctx.probes[j.scene].grid.cols) * double(ctx.probes[j.scene].grid.rows) / 1e6;
    }
    if (j.kind == Job::Kind::year) ++s.years_processed;
  }
  s.scenes_quarantined = std::int64_t(record.failed);
  s.years_unchanged = std::int64_t(record.reused_years);
  return s;
}

// Sample units that label a year the run has no season of are used by no estimate: said, naming
// the file and the first row, so that a sample meant for another run is not silently ignored.
void warn_unused_sample_years(const RunContext& ctx, const RunRecord& record) {
  if (!ctx.samples) return;
  std::set<int> run_years;
  for (const auto& y : record.years) run_years.insert(y.year);
  std::map<int, std::pair<int, int>> unused;  // year -> (units, first row)
  for (const auto& s : *ctx.samples)
    if (s.year != 0 && !run_years.count(s.year)) {
      auto& [n, first] = unused[s.year];
      if (n++ == 0) first = s.row;
    }
  for (const auto& [year, n_first] : unused)
    spdlog::warn("{}, row {}: labels {}, a year this run has no season of ({} unit(s) of that year); not used",
                 ctx.settings.accuracy.samples_file, n_first.second, year, n_first.first);
}

// One warning when published figures changed (they may have been sent on), naming each year's reason.
void log_revisions(const RunContext& ctx, const std::vector<Revision>& revisions, const std::map<int, std::string>& reasons,
                   std::int64_t previous_run) {
  if (revisions.empty()) {
    spdlog::info("revisions: none (no figure published by an earlier run changed)");
    return;
  }
  std::map<int, std::size_t> per_year;
  for (const Revision& r : revisions) ++per_year[r.year];
  std::string years;
  for (const auto& [year, n] : per_year) {
    const auto why = reasons.find(year);
    years += (years.empty() ? "" : "; ") + std::to_string(year) + ": " + std::to_string(n) + " (" +
             (why == reasons.end() ? std::string("reason unknown") : why->second) + ")";
  }
  spdlog::warn("revisions: {} figure(s) published by run {} changed: {}; each in {}", revisions.size(), previous_run, years,
               ctx.output.path({"revisions.csv"}));
}

// Every report writer, on the complete results: rendered as `ecomon report` renders a workspace's
// (catalog/workspace_results.hpp), from the results the jobs returned and the years reloaded. Returns
// the exit code: 0, or 3 when something failed.
int report(const RunContext& ctx, RunRecord& record) {
  warn_unused_sample_years(ctx, record);
  CollectedResults collected;
  collected.settings = ctx.settings;
  collected.zones = ctx.grid_zones;
  collected.scenes = record.scenes;
  collected.years = record.years;  // copies: the record removes the years' work files when it ends
  collected.statuses = record.statuses;
  if (ctx.targets) collected.targets = *ctx.targets;
  if (ctx.plots) collected.plots = *ctx.plots;
  if (ctx.samples) collected.samples = *ctx.samples;
  if (ctx.carbon_factors) collected.factors = *ctx.carbon_factors;
  collected.transitions = std::move(record.transitions);
  const WorkspaceResults results(std::move(collected));
  RunResults run_results = results.view(ctx.output, ctx.tables_on_stdout);
  run_results.scenes_unchanged = record.unchanged_scenes;
  if (ctx.catalog) run_results.checksums_of = [&ctx](const std::vector<std::string>& paths) { return ctx.catalog->file_checksums(paths); };
  // What this run publishes against what the workspace published last: the revisions.
  const std::vector<PublishedFigure> figures = published_figures(run_results);
  std::vector<Revision> revisions;
  std::map<int, PublishedYear> years_now;
  std::int64_t previous_run = 0;
  std::map<int, std::string> reasons;
  if (ctx.catalog) {
    const std::vector<PublishedFigure> before = ctx.catalog->published_figures(previous_run);
    const std::map<int, PublishedYear> years_before = ctx.catalog->published_years(), tasks = ctx.catalog->year_tasks();
    for (const YearResult& y : record.years)
      if (const auto t = tasks.find(y.year); t != tasks.end()) {
        years_now[y.year] = t->second;
        if (const auto b = years_before.find(y.year); b != years_before.end()) reasons[y.year] = year_change_reason(b->second, t->second);
      }
    revisions = find_revisions(before, figures, reasons, previous_run);
  }
  run_results.revisions = &revisions;
  // The reports' folders flushed once each when every report is in place, not after each file.
  geo::io::FolderSyncBatch report_folder_syncs({ctx.output.root(), ctx.output.path({"report_files"})});
  write_reports(make_report_writers(), run_results, threads_or_all_cores(ctx.settings.run.threads), [](const std::string& name) {
    kill_point("report");
    spdlog::debug("report writer {}", name);
  });
  report_folder_syncs.finish();
  if (ctx.catalog) {
    ctx.catalog->publish(ctx.run_id, figures, years_now, revisions);
    log_revisions(ctx, revisions, reasons, previous_run);
  }
  // The zones as the run saw them (WGS84): for QGIS, and for `ecomon sample-design` on this folder.
  try {
    geo::io::write_zones_gpkg(ctx.output.path({"zones.gpkg"}), "zones", geo::io::read_zones(ctx.zones, geo::io::crs_wkt("EPSG:4326")), "code",
                              "name");
  } catch (const geo::io::IoError& e) {
    throw OutputError(e.what());
  }
  if (record.unwritten > 0)
    spdlog::error("{} scene(s) could not be written (a full disk or an I/O error in {}): not quarantined; they and their years are done "
                  "again at the next run (exit 2)",
                  record.unwritten, ctx.output.root());
  return record.unwritten > 0 ? 2 : record.failed == 0 ? 0 : 3;
}

}  // namespace

// What a run reads before any scene, each checked (a bad config, zones, targets, plots, sample or
// factor table stops the run here): the same for `run` and `check`.
struct RunInputs {
  Settings settings;
  geo::io::ZoneSource zone_source;
  std::vector<geo::io::Zone> zones;
  std::optional<TargetsFile> targets;
  std::optional<std::vector<GroundPlot>> plots;
  std::optional<std::vector<ReferenceSample>> samples;
  std::optional<CarbonFactors> carbon_factors;
};

RunInputs read_run_inputs(const RunOptions& o) {
  RunInputs in{run_settings(o), {}, {}, {}, {}, {}, {}};
  const Settings& settings = in.settings;
  // Every file or folder a key names exists, before anything is read (the land cover layer, the
  // climate folder and the factor table would otherwise be found missing only after the scenes).
  for (const SettingValue& v : setting_values(settings)) {
    if (!v.path || v.text.empty() || v.text[0] == '(' || v.key == "output.dir" || v.key == "input.dir") continue;
    std::error_code ec;
    if (!fs::exists(v.text, ec))
      throw ConfigError(v.key + ": " + v.text + ": does not exist" + (o.config_path.empty() ? "" : " (" + o.config_path + ")"));
  }
  geo::io::initialise_gdal(settings.run.gdal_cache_mb);
  in.zone_source = {settings.zones.file, settings.zones.code_field, settings.zones.name_field, settings.zones.layer};
  in.zones = check_zones(in.zone_source);
  check_designated_shrubland(settings, in.zones);
  check_product_selection(settings.output);
  in.targets = targets_for_zones(settings, in.zones);  // checked against the zones before any scene is read
  if (!settings.calibration.plots_file.empty()) in.plots = load_ground_plots(settings.calibration.plots_file);
  if (!settings.accuracy.samples_file.empty()) in.samples = load_reference_sample(settings.accuracy.samples_file);
  if (transitions_wanted(settings)) in.carbon_factors = carbon_factors_for(settings);
  // Climate rasters in the wrong unit (kelvin, metres, kJ) would give plausible-looking nonsense.
  std::error_code ec;
  if (!settings.carbon.casa.climate_dir.empty() && fs::is_directory(settings.carbon.casa.climate_dir, ec))
    ClimateLayers::check_units(settings.carbon.casa.climate_dir);
  return in;
}

void check_command(const RunOptions& o, std::ostream& result) {
  const RunInputs in = read_run_inputs(o);
  const Settings& settings = in.settings;
  if (!settings.carbon.casa.climate_dir.empty() && !fs::is_directory(settings.carbon.casa.climate_dir))
    throw ConfigError("carbon.casa.climate_dir " + settings.carbon.casa.climate_dir + ": is not a folder");
  std::error_code ec;
  if (!fs::is_directory(settings.input.dir, ec)) throw SceneError("input.dir " + settings.input.dir + ": is not a folder");
  if (fs::exists(settings.output.dir, ec) && !fs::is_directory(settings.output.dir, ec))
    throw OutputError(settings.output.dir + ": cannot be the output folder: it is a file");
  // The land cover layer's codes against landcover.scheme, as run checks them on its grid, here on a
  // grid of at most 1,000 x 1,000 cells over the zones (no scene read: the regional grid is not known).
  if (!settings.landcover.file.empty()) {
    const auto zones = geo::io::read_zones(in.zone_source, geo::io::crs_wkt(settings.season.grid_crs));
    geo::Box box = geo::Box::none();
    for (const auto& z : zones)
      if (!z.geometry.empty()) box.include(z.geometry.bounds());
    if (!box.empty()) {
      const double p = std::max(settings.season.pixel_size, std::max(box.xmax - box.xmin, box.ymax - box.ymin) / 1000);
      geo::Grid g;
      g.crs_wkt = geo::io::crs_wkt(settings.season.grid_crs);
      g.transform = geo::GeoTransform{std::floor(box.xmin / p) * p, p, std::ceil(box.ymax / p) * p, -p};
      g.cols = std::max(1, int(std::ceil((box.xmax - g.transform.origin_x) / p)));
      g.rows = std::max(1, int(std::ceil((g.transform.origin_y - box.ymin) / p)));
      const fs::path work = fs::temp_directory_path() / ("ecomon_check_" + std::to_string(::getpid()));
      fs::create_directories(work);
      try {
        const LandCoverLayer layer(settings.landcover, g, work.string());
      } catch (...) {
        fs::remove_all(work, ec);
        throw;
      }
      fs::remove_all(work, ec);
    }
  }
  // Printed once everything passed.
  result << o.config_path << ": checked, nothing refused\n";
  result << "zones:    " << in.zones.size() << " from " << settings.zones.file << "\n";
  if (in.targets)
    result << "targets:  " << in.targets->targets.size() << " targets, " << in.targets->units.size() << " units from " << in.targets->path
           << "\n";
  if (in.plots) result << "plots:    " << in.plots->size() << " from " << settings.calibration.plots_file << "\n";
  if (in.samples) result << "sample:   " << in.samples->size() << " units from " << settings.accuracy.samples_file << "\n";
  if (in.carbon_factors)
    result << "carbon:   densities from " << in.carbon_factors->path << " (" << in.carbon_factors->pools() << ")\n";
  result << "input:    " << settings.input.dir << " (scenes not read: `ecomon run` reads them)\n";
}

namespace {

// The run's summary line at info level even under -q (which logs warnings only): a nightly job's log
// must say how every run ended. Logged at the end, when no other thread logs.
void log_even_when_quiet(const std::string& line) {
  const auto logger = spdlog::default_logger();
  const auto level = logger->level();
  if (level > spdlog::level::info) logger->set_level(spdlog::level::info);
  logger->info(line);
  logger->set_level(level);
}

}  // namespace

namespace {

// "I/N" of --shard: 0 <= I < N.
std::pair<int, int> parse_shard(const std::string& text) {
  const auto slash = text.find('/');
  try {
    if (slash == std::string::npos) throw std::invalid_argument("no /");
    std::size_t used_i = 0, used_n = 0;
    const int i = std::stoi(text.substr(0, slash), &used_i), n = std::stoi(text.substr(slash + 1), &used_n);
    if (used_i != slash || used_n != text.size() - slash - 1 || n < 1 || i < 0 || i >= n) throw std::invalid_argument("range");
    return {i, n};
  } catch (const std::exception&) {
    throw ConfigError("--shard " + text + ": expected I/N with 0 <= I < N (the I-th of N shares of the scene tasks, e.g. 0/4)");
  }
}

// The exit code of a shard whose tasks could not all be done for a reason outside their input (a
// full disk, an I/O error, an output folder it cannot write): EX_TEMPFAIL, retry the shard. A scene
// that cannot be read is not retried: its failure is the task's result, the reduce reports it.
constexpr int kShardRetry = 75;

// The tasks of a shard's share that could not be done for a reason outside their input: counted,
// the shard exits kShardRetry.
struct ShardCounts {
  std::size_t mine = 0, already = 0, done = 0, failed = 0, retry = 0;
  double megapixels = 0;
};

// Runs one task of the shard's share, sorting its failure: an output it cannot write is retried
// (the shard exits kShardRetry); anything else is the input's, which `on_input_failure` records,
// returning whether the task is to be retried all the same.
template <typename Task, typename OnInputFailure>
void run_shard_task(ShardCounts& counts, double megapixels, Task task, OnInputFailure on_input_failure) {
  try {
    stop_if_interrupted();
    task();
    ++counts.done, counts.megapixels += megapixels;
  } catch (const Interrupted&) {
    throw;
  } catch (const OutputError& e) {
    spdlog::error("{}", e.what());
    ++counts.retry;
  } catch (const geo::io::WriteError& e) {
    spdlog::error("{} (not the task's fault: the shard can be run again)", e.what());
    ++counts.retry;
  } catch (const std::exception& e) {
    spdlog::error("{}", e.what());
    ++(on_input_failure(e) ? counts.retry : counts.failed);
  }
}

double seconds_from(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// Logs what a shard did of one kind of task (`what`: "N scene tasks"), whatever the verbosity, and
// returns its exit code: kShardRetry when a task is to be retried.
int report_shard(int index, int count, const ShardCounts& counts, const std::string& what, double seconds, const std::string& then) {
  const bool retry = counts.retry > 0;
  log_even_when_quiet(fmt::format("shard {}/{}: {} of {} are this shard's; {} done now ({:.1f} Mpx in {:.1f} s), {} done before, "
                                  "{} failed on their input (the reduce reports them), {} to retry; exit {}{}",
                                  index, count, counts.mine, what, counts.done, counts.megapixels, seconds, counts.already, counts.failed,
                                  counts.retry, retry ? kShardRetry : 0, then));
  return retry ? kShardRetry : 0;
}

// The shares of a shard run's tasks (share_tasks), as every shard and `ecomon plan` compute them.
TaskShares shares_of(const ShardTasks& shared, int count) {
  std::vector<ShareableTask> scenes, tiles;
  for (const SceneTask& t : shared.scenes) scenes.push_back({t.megapixels, t.key, t.year});
  for (const TileTask& t : shared.tiles) tiles.push_back({t.megapixels, t.key, t.year});
  return share_tasks(scenes, tiles, count);
}

// `ecomon run CONFIG --shard I/N`: the I-th share of the tasks that are ready (share_tasks over every
// task of the config, done or not, so that every shard computes the same shares). First the scene
// tasks, each not already done written as tasks/scene-<key>.json with its products and season inputs.
// Then the season tile tasks: each year's bands of run.tile_rows rows, written as
// tasks/season-<key>.json with the tile's product rows; when whole years are shared, a shard's right
// after its scenes, else once every scene task is done (the shards run again). No lock, no catalog:
// shards on many machines share the workspace. The run that follows (the reduce) takes them and derives.
int run_shard(const RunOptions& o, const RunInputs& in, const Discovery& discovery, int index, int count) {
  const Settings& settings = in.settings;
  const OutputFolder output(settings.output.dir, OutputFolder::Shared{});
  RunContext ctx{settings, output, in.zone_source};
  // The workspace's catalog, when a run made one, read (never written: shards on many machines, SQLite
  // over NFS) for the content hashes of the files it saw: a nightly shard does not read again an
  // archive of scenes that did not change.
  std::optional<WorkspaceCatalog> known_hashes;
  std::error_code no_catalog;
  if (fs::exists(WorkspaceCatalog::file_in(settings.output.dir), no_catalog)) {
    known_hashes.emplace(settings.output.dir, WorkspaceCatalog::Open::immutable);
    ctx.hash_cache = &*known_hashes;
  }
  ctx.plots = in.plots ? &*in.plots : nullptr;
  ctx.samples = in.samples ? &*in.samples : nullptr;
  ctx.version = o.version;
  RunRecord record;  // the probing's failures: the reduce finds and reports them again
  take_listed_hashes(ctx, output.root());
  probe_scenes(discovery, ctx, record);
  plan_grid(ctx, false);
  // Years the catalog has done with the same key (the reduce reloads them): none of their tasks is
  // pending, as `ecomon plan` says.
  const ShardTasks shared = shard_tasks(ctx, known_hashes ? &*known_hashes : nullptr);
  const std::vector<SceneTask>& tasks = shared.scenes;
  const std::vector<TileTask>& tiles = shared.tiles;
  const TaskShares shares = shares_of(shared, count);
  std::vector<std::optional<SceneTaskRecord>> done_before;
  for (const SceneTask& t : tasks) done_before.push_back(read_scene_task(output.root(), t.key).task);
  const bool scenes_done = std::all_of(done_before.begin(), done_before.end(), [](const auto& r) { return r.has_value(); });

  // The season tiles of `years` that are this shard's, each year's from its scenes' season inputs in
  // `records` (the reduce removes those), with the layers on the regional grid.
  auto run_tiles = [&](const std::vector<std::optional<SceneTaskRecord>>& records, const std::set<int>& years) {
    ShardCounts counts;
    plan_layers(ctx);
    std::map<int, SeasonInputsOfYear> inputs;
    for (std::size_t i = 0; i < tasks.size(); ++i)
      if (years.count(tasks[i].year) && records[i] && records[i]->status.status == "ok")
        inputs[tasks[i].year].add(records[i]->result), inputs[tasks[i].year].owns_files = false;
    std::map<int, std::unique_ptr<YearSources>> sources;  // by year, made for the first tile of the year
    for (std::size_t i = 0; i < tiles.size(); ++i) {
      if (shares.tiles[i] != index || !years.count(tiles[i].year)) continue;
      ++counts.mine;
      const TileTask& t = tiles[i];
      if (season_task_done(output.root(), t.key) || !inputs.count(t.year)) {
        ++counts.already;  // done, or a year without a scene that could be read: nothing to make
        continue;
      }
      run_shard_task(
          counts, t.megapixels,
          [&] {
            auto& year = sources[t.year];
            if (!year) year = year_sources(ctx, t.year, inputs.at(t.year));
            const std::string dir = season_task_dir(output.root(), t.key);
            std::error_code ec;
            fs::remove_all(dir, ec);  // a tile of a shard that stopped half-way
            const SeasonTile tile = composite_tile(t.year, year->pointers, ctx.grid, ctx.grid_zones, year->settings, output.work_dir(),
                                                   year->ancillary(ctx), t.rows, dir);
            write_season_task(output.root(), t.key, t.year, tile);
          },
          [](const std::exception&) { return true; });  // a tile has no input of its own that could be bad: retried
    }
    return counts;
  };
  const std::string tiles_what = std::to_string(tiles.size()) + " season tile tasks";
  const std::string tiles_then = "; tiles of " + std::to_string(settings.run.tile_rows) + " rows (run.tile_rows); then `ecomon run CONFIG` derives";
  std::set<int> every_year;
  for (const SceneTask& t : tasks) every_year.insert(t.year);

  if (scenes_done && ctx.seasons()) {
    const auto started = std::chrono::steady_clock::now();
    const ShardCounts counts = run_tiles(done_before, every_year);
    output.remove_empty_work_dir();
    return report_shard(index, count, counts, tiles_what, seconds_from(started), tiles_then);
  }
  ShardCounts counts;
  const auto started = std::chrono::steady_clock::now();
  for (std::size_t i = 0; i < tasks.size(); ++i) {
    if (shares.scenes[i] != index) continue;
    ++counts.mine;
    const SceneTask& t = tasks[i];
    if (done_before[i]) {
      ++counts.already;
      continue;
    }
    const SceneProbe& probe = ctx.probes[t.scene];
    Job job;
    job.kind = Job::Kind::scene, job.key = probe.info.id, job.scene = t.scene, job.year = t.year;
    const std::string work = scene_task_work_dir(output.root(), t.key);
    run_shard_task(
        counts, t.megapixels,
        [&] {
          fs::create_directories(work);
          SceneJobResult r = run_scene_job(ctx, job, work);
          ChecksumsAndHashes of_products = checksums_and_hashes_of_files(r.result.products);
          std::vector<StampedDigest> hashes = ctx.scene_file_hashes[probe.info.id];
          hashes.insert(hashes.end(), of_products.hashes.begin(), of_products.hashes.end());
          write_scene_task(output.root(), {t.key, t.year, std::move(r.result), std::move(r.status), std::move(of_products.checksums), std::move(hashes)});
        },
        [&](const std::exception& e) {
          // The scene cannot be read: that is its task's result, which the reduce reports and quarantines.
          write_scene_task(output.root(),
                           {t.key, t.year, {}, {ctx.found[t.scene].path, "failed", e.what(), probe.info.id, 0}, {}, ctx.scene_file_hashes[probe.info.id]});
          return false;
        });
  }
  output.remove_empty_work_dir();
  std::string then;
  if (ctx.seasons())
    then = shares.by_year ? "; whole years are shared: its years' season tiles follow now"
                          : "; the season tiles follow once every scene task is done: run the shards again";
  int exit_code = report_shard(index, count, counts, std::to_string(tasks.size()) + " scene tasks", seconds_from(started), then);
  if (!shares.by_year || !ctx.seasons()) return exit_code;
  // Whole years are this shard's: the tiles of those whose every scene task is done now, at once (a
  // scene task to retry holds back its year's tiles until the shard runs again).
  std::vector<std::optional<SceneTaskRecord>> done_now(tasks.size());
  std::set<int> ready, held_back;
  for (std::size_t i = 0; i < tasks.size(); ++i) {
    if (shares.scenes[i] != index) continue;
    done_now[i] = done_before[i] ? done_before[i] : read_scene_task(output.root(), tasks[i].key).task;
    (done_now[i] ? ready : held_back).insert(tasks[i].year);
  }
  for (const int year : held_back) ready.erase(year);
  if (ready.empty()) return exit_code;
  const auto tiles_started = std::chrono::steady_clock::now();
  const ShardCounts tile_counts = run_tiles(done_now, ready);
  output.remove_empty_work_dir();
  const int tiles_exit = report_shard(index, count, tile_counts, tiles_what, seconds_from(tiles_started), tiles_then);
  return exit_code != 0 ? exit_code : tiles_exit;
}

}  // namespace

int plan_command(const PlanOptions& options, std::ostream& out) {
  const RunOptions& o = options.run;
  if (options.shards < 1) throw ConfigError("--shards " + std::to_string(options.shards) + ": at least 1");
  const RunInputs in = read_run_inputs(o);
  const Settings& settings = in.settings;
  const Discovery discovery = discover_scenes(settings.input.dir);
  // The workspace is read, never written: its catalog opened read-only (when there is one), the
  // probing's scratch in a temporary folder of its own, not the workspace's.
  std::optional<WorkspaceCatalog> catalog;
  std::error_code ec;
  if (fs::exists(WorkspaceCatalog::file_in(settings.output.dir), ec)) catalog.emplace(settings.output.dir, WorkspaceCatalog::Open::read_only);
  const fs::path scratch = fs::temp_directory_path() / ("ecomon_plan_" + std::to_string(::getpid()));
  struct RemoveScratch {
    fs::path dir;
    ~RemoveScratch() {
      std::error_code e;
      fs::remove_all(dir, e);
    }
  } remove_scratch{scratch};
  const OutputFolder probing(scratch.string(), OutputFolder::Shared{});
  RunContext ctx{settings, probing, in.zone_source};
  ctx.version = o.version;
  ctx.hash_cache = catalog ? &*catalog : nullptr;  // read for its files' hashes: the probing records nothing
  take_listed_hashes(ctx, settings.output.dir);
  RunRecord record;
  probe_scenes(discovery, ctx, record);
  plan_grid(ctx, false);

  // Throughput for the estimate: this workspace's own runs (megapixels read per second), else the
  // benchmark's figure on 2 cores (scripts/bench.sh: a 51.6 Mpx scene in about 25 s).
  double rate = 2.0;
  std::string rate_basis = "scripts/bench.sh on 2 cores";
  if (catalog) {
    double mpx = 0, seconds = 0;
    for (const CatalogRun& r : catalog->last_runs(10))
      if (r.finished && r.summary.scenes_processed > 0) mpx += r.summary.megapixels, seconds += r.summary.seconds;
    if (mpx > 0 && seconds > 0) rate = mpx / seconds, rate_basis = "this workspace's last runs";
  }
  struct Row {
    std::string id, kind, inputs, status;
    double megapixels = 0;
    int shard = -1;
  };
  std::vector<Row> rows;
  // The shards' tasks with their shares (the scenes, then the tiles: right after their scenes when
  // whole years are shared, else once every scene task is done); the years the catalog has
  // unchanged, once, with their scenes.
  const ShardTasks shared = shard_tasks(ctx, catalog ? &*catalog : nullptr);
  const TaskShares shares = shares_of(shared, options.shards);
  for (std::size_t i = 0; i < shared.scenes.size(); ++i) {
    const SceneTask& t = shared.scenes[i];
    rows.push_back({"scene-" + t.key.substr(0, 12), "scene", ctx.found[t.scene].path,
                    read_scene_task(settings.output.dir, t.key).task ? "done by a shard" : "pending", t.megapixels, shares.scenes[i]});
  }
  std::map<int, int> scenes_of_year;
  for (const SceneProbe& p : ctx.probes) ++scenes_of_year[ctx.year_of(p)];
  for (const int year : shared.unchanged)
    rows.push_back({"year-" + shared.year_keys.at(year).substr(0, 12), "year", std::to_string(year) + ": " +
                    std::to_string(scenes_of_year[year]) + " scenes, reloaded from the catalog", "unchanged", 0, -1});
  for (std::size_t i = 0; i < shared.tiles.size(); ++i) {
    const TileTask& t = shared.tiles[i];
    rows.push_back({"tile-" + t.key.substr(0, 12), "tile",
                    std::to_string(t.year) + " rows " + std::to_string(t.rows.row0) + "-" + std::to_string(t.rows.row_end() - 1) + ", " +
                        std::to_string(scenes_of_year[t.year]) + " scenes",
                    season_task_done(settings.output.dir, t.key) ? "done by a shard" : "pending", t.megapixels, shares.tiles[i]});
  }
  if (ctx.seasons())
    rows.push_back({"derive", "derive", "every year: its tiles into its COGs; trends, transitions, carbon, reports", "pending", 0, -1});

  std::size_t pending = 0;
  double pending_mpx = 0;
  for (const Row& r : rows)
    if (r.status == "pending") ++pending, pending_mpx += r.megapixels;
  if (options.format == "json") {
    nlohmann::json j = {{"config", o.config_path}, {"workspace", settings.output.dir}, {"shards", options.shards},
                        {"megapixels_per_second", rate}, {"rate_basis", rate_basis}, {"shared_by_year", shares.by_year},
                        {"tasks", nlohmann::json::array()}};
    for (const Row& r : rows) {
      nlohmann::json t = {{"id", r.id}, {"kind", r.kind}, {"inputs", r.inputs}, {"status", r.status},
                          {"megapixels", std::round(r.megapixels * 1000) / 1000}, {"seconds", std::round(r.megapixels / rate * 10) / 10}};
      if (r.shard >= 0) t["shard"] = r.shard;
      j["tasks"].push_back(t);
    }
    out << j.dump(2) << "\n";
    return 0;
  }
  out << pad_to_width("task", 20) << pad_to_width("kind", 8) << pad_to_width("status", 17) << pad_to_width("shard", 7) << pad_to_width("Mpx", 10)
      << pad_to_width("est. s", 9) << "inputs\n";
  for (const Row& r : rows)
    out << pad_to_width(r.id, 20) << pad_to_width(r.kind, 8) << pad_to_width(r.status, 17)
        << pad_to_width(r.shard >= 0 ? std::to_string(r.shard) + "/" + std::to_string(options.shards) : "-", 7)
        << pad_to_width(format_fixed(r.megapixels, 1), 10) << pad_to_width(format_fixed(r.megapixels / rate, 1), 9) << r.inputs << "\n";
  out << pending << " of " << rows.size() << " tasks pending, " << format_fixed(pending_mpx, 1) << " Mpx, about "
      << format_fixed(pending_mpx / rate, 0) << " s at " << format_fixed(rate, 2) << " Mpx/s (" << rate_basis
      << (shares.by_year ? "); whole years are shared: a shard runs its scene tasks and then their tiles: ecomon run CONFIG --shard I/"
                         : "); shards run the scene tasks, then (run again) the tiles: ecomon run CONFIG --shard I/")
      << options.shards << ", then ecomon run CONFIG derives\n";
  return 0;
}

int run_command(const RunOptions& o) {
  // Fail early, before any scene is read.
  const RunInputs in = read_run_inputs(o);
  const Settings& settings = in.settings;
  // run.threads bounds every parallel loop of the run, those outside the strip pipelines' arenas too
  // (a scene's bands opened, checksums, carbon): TBB would otherwise start a worker per core, and a
  // worker left spinning for work takes the core that a second shard or process runs on (a season
  // tile shard on one thread spent 1.4 s in sched_yield beside its 3 s of work).
  const tbb::global_control thread_limit(tbb::global_control::max_allowed_parallelism, std::size_t(threads_or_all_cores(settings.run.threads)));
  const Discovery discovery = discover_scenes(settings.input.dir);
  if (discovery.scenes.empty() && discovery.problems.empty())
    throw SceneError(settings.input.dir + ": no scene found (" + sensor_inputs_text() + ")");
  if (!o.shard.empty()) {
    const auto [index, count] = parse_shard(o.shard);
    return run_shard(o, in, discovery, index, count);
  }
  const OutputFolder output(settings.output.dir, o.wait_for_lock || o.nightly);  // exclusive for this run
  WorkspaceCatalog catalog(output.root());
  geo::io::set_publish_observer([&catalog, &output](const char* stage, const std::string& path) {
    const bool before = std::strcmp(stage, "before-rename") == 0;
    kill_point(before ? "before-publish" : "after-publish");
    // A test's full disk at the N-th output published (ECOMON_TEST_WRITE_FAILS_AT=N): as the
    // rename of a product would fail with ENOSPC, without filling a disk.
    static const long fail_at = [] {
      const char* v = std::getenv("ECOMON_TEST_WRITE_FAILS_AT");
      return v ? std::strtol(v, nullptr, 10) : 0L;
    }();
    static std::atomic<long> published{0};
    if (before && fail_at > 0 && ++published == fail_at)
      throw geo::io::WriteError(path + ": cannot write: No space left on device (ECOMON_TEST_WRITE_FAILS_AT)");
    // A raster the run publishes, read for its digests while it is in the page cache (EarlyDigests).
    if (!before && path.ends_with(".tif") && !path.starts_with(output.work_dir())) catalog.digest_soon(path);
  });
  // Taken down before the catalog it calls.
  struct ObserverReset {
    ~ObserverReset() { geo::io::set_publish_observer(nullptr); }
  } observer_reset;
  if (o.force) catalog.drop_tasks();
  const auto started = std::chrono::steady_clock::now();
  const std::int64_t run_id = catalog.begin_run(o.version, o.force ? "run --force" : "run");
  RunSummary summary;
  RunSummary done_so_far;  // what an interrupted run did before it stopped: its record in the catalog
  std::vector<std::string> taken_tasks;    // shards' scene tasks whose results this run took
  std::vector<std::string> redone_tasks;   // ... and those it did again (a task file that cannot be taken)
  std::vector<std::string> settled_tiles;  // ... and season tiles, taken or (a task that cannot be taken) made again
  std::set<std::string> current_tasks;     // the keys of every task of this config: any other is stale
  try {
    {  // the run and what it holds in the work folder (the land cover layer on the grid) end here
      RunContext ctx{settings, output, in.zone_source};
      ctx.targets = in.targets ? &*in.targets : nullptr;
      ctx.plots = in.plots ? &*in.plots : nullptr;
      ctx.samples = in.samples ? &*in.samples : nullptr;
      ctx.carbon_factors = in.carbon_factors ? &*in.carbon_factors : nullptr;
      ctx.catalog = &catalog, ctx.run_id = run_id, ctx.version = o.version;
      ctx.tables_on_stdout = !o.nightly;
      RunRecord record;
      // The hashes shards took of the scenes they did (and of the files they wrote): the probing does
      // not read those scenes again.
      catalog.keep_hashes(kept_task_hashes(output.root()));
      probe_scenes(discovery, ctx, record);
      plan_grid(ctx);
      // The jobs: each scene on its own grid; each year on the regional grid after its scenes (but
      // the years the catalog has, unchanged); trends and transitions on every year.
      const std::set<int> unchanged = reuse_unchanged_years(ctx, record);
      const RunPlan plan = make_run_plan(ctx.probes, ctx.seasons(), unchanged);
      MemoryCatalog jobs;
      // Progress, one log line per job done (a terminal and a log file alike): scenes done of the
      // total, megapixels per second, and the time left at that rate.
      double total_mpx = 0, done_mpx = 0;
      std::size_t total_scenes = 0, done_scenes = 0;
      const auto mpx_of = [&](const Job& j) { return double(ctx.probes[j.scene].grid.cols) * double(ctx.probes[j.scene].grid.rows) / 1e6; };
      for (const Job& j : plan.jobs)
        if (j.kind == Job::Kind::scene) total_mpx += mpx_of(j), ++total_scenes;
      const auto jobs_start = std::chrono::steady_clock::now();
      // Each job returns its value; the command collects it (no job writes into another's state).
      // Scenes a shard did (`--shard I/N`, tasks/ in the workspace) are taken, not done again.
      std::map<std::size_t, std::string> task_key_of_scene;
      for (const SceneTask& t : scene_tasks(ctx)) task_key_of_scene[t.scene] = t.key;
      std::optional<std::vector<geo::io::Zone>> zones_of_reports;
      const auto run_job = [&](const Job& job) {
        switch (job.kind) {
          case Job::Kind::scene: {
            TaskFile<SceneTaskRecord> file = read_scene_task(output.root(), task_key_of_scene.at(job.scene));
            if (std::optional<SceneTaskRecord>& task = file.task) {
              taken_tasks.push_back(task->key);
              if (task->status.status != "ok") throw SceneError(task->status.message);  // failed as it would fail here
              spdlog::info("scene {}: done by a shard (tasks/scene-{}.json)", task->status.scene_id, task->key);
              if (ctx.catalog)
                ctx.catalog->keep_checksums(task->checksums);
              if (!zones_of_reports) zones_of_reports = report_zones(ctx);
              task->result.zones = *zones_of_reports;
              return record.add_scene({std::move(task->result), std::move(task->status)}, job.year, ctx.seasons());
            }
            if (file.found)  // one a shard left that cannot be taken
              redone_tasks.push_back(task_key_of_scene.at(job.scene));
            return record.add_scene(run_scene_job(ctx, job), job.year, ctx.seasons());
          }
          case Job::Kind::year: {
            std::optional<YearResult> y;
            {
              const SeasonInputsOfYear inputs = std::move(record.season_inputs[job.year]);  // its work files go with it
              record.season_inputs.erase(job.year);
              // Tiles shards made (`--shard`, tasks/season-<key>.json) are taken, the others made here.
              DoneSeasonTile done_tile;
              if (ctx.year_keys.count(job.year) && season_tasks_left(output.root()))
                done_tile = [&, year_key = ctx.year_keys.at(job.year)](std::size_t, const geo::Window& rows) {
                  const std::string key = tile_task_key(ctx, year_key, rows);
                  TaskFile<SeasonTile> file = read_season_task(output.root(), key);
                  // Taken, or made here when its task cannot be taken: either way its files are done with.
                  if (file.found) settled_tiles.push_back(key);
                  return std::move(file.task);
                };
              y = run_year_job(ctx, job.year, inputs, done_tile);
            }
            if (y) record.add_year(std::move(*y));
            return;
          }
          case Job::Kind::trends:
            run_trends_job(ctx, record.years);
            return;
          case Job::Kind::transitions:
            record.transitions = run_transitions_job(ctx, record.years);
            return;
        }
      };
      LocalExecutor().execute(
          plan,
          [&](const Job& job) {
            const auto job_start = std::chrono::steady_clock::now();
            try {
              run_job(job);
            } catch (const std::exception& e) {
              spdlog::error("{}", e.what());  // when it happens; the catalog keeps it for the status report
              throw;
            }
            if (job.kind == Job::Kind::year) store_year(ctx, record, job.year, jobs.records()), ++done_so_far.years_processed;
            if (job.kind != Job::Kind::scene) return;
            done_mpx += mpx_of(job), ++done_scenes;
            ++done_so_far.scenes_processed, done_so_far.megapixels = done_mpx;
            const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - jobs_start).count();
            const double rate = seconds > 0 ? done_mpx / seconds : 0;
            spdlog::info("  done in {:.2f} s; {}/{} scenes ({:.0f}%), {:.1f} of {:.1f} Mpx at {:.1f} Mpx/s, about {:.0f} s of scenes left",
                         std::chrono::duration<double>(std::chrono::steady_clock::now() - job_start).count(), done_scenes, total_scenes,
                         100.0 * double(done_scenes) / double(total_scenes), done_mpx, total_mpx, rate,
                         rate > 0 ? (total_mpx - done_mpx) / rate : 0.0);
          },
          jobs);
      collect_failures(ctx, record, plan, jobs);
      summary = run_summary(ctx, record, plan);
      summary.exit_status = report(ctx, record);
      for (const SceneTask& t : scene_tasks(ctx)) current_tasks.insert(t.key);
      for (const TileTask& t : tile_tasks(ctx, ctx.year_keys)) current_tasks.insert(t.key);
    }
    output.remove_empty_work_dir();  // sources and writers removed their temporary files
    // The shards' task files taken (their season inputs went with their years), once what the
    // catalog recorded of them is on disk: a power cut then cannot lose both.
    if (!taken_tasks.empty() || !settled_tiles.empty()) catalog.sync_commits();
    for (const std::string& key : taken_tasks) remove_scene_task(output.root(), key);
    for (const std::string& key : redone_tasks) discard_scene_task(output.root(), key);  // not taken: its season inputs too
    for (const std::string& key : settled_tiles) remove_season_task(output.root(), key);
    if (const std::size_t stale = remove_tasks_but(output.root(), current_tasks); stale > 0)
      spdlog::info("removed {} task(s) of shards that no run of this config takes (run with other settings, or on inputs since changed) "
                   "from {}",
                   stale, scene_tasks_dir(output.root()));
    // The reports and tables at the top of the folder, as written by this run.
    std::vector<std::string> reports;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(output.root(), ec)) {
      const std::string name = e.path().filename().string();
      if (e.is_regular_file() && name[0] != '.' && name.rfind("catalog.sqlite", 0) != 0) reports.push_back(e.path().string());
    }
    std::sort(reports.begin(), reports.end());
    catalog.record_outputs(run_id, "reports", reports);
    // Rasters of earlier runs that this one no longer makes would sit beside reports that no longer
    // match them.
    const std::vector<std::string> stale = catalog.remove_stale_outputs();
    if (!stale.empty())
      spdlog::info("removed {} output(s) of earlier runs that this run no longer makes (output.products narrowed, or their year redone "
                   "without them; the first: {})",
                   stale.size(), stale.front());
  } catch (const Interrupted& e) {
    if (summary.scenes_processed == 0 && summary.years_processed == 0) summary = done_so_far;
    summary.exit_status = 128 + e.signal, summary.message = e.what();
    summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    catalog.end_run(run_id, summary);
    throw;
  } catch (const std::exception& e) {
    summary.exit_status = 2, summary.message = e.what();
    summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    catalog.end_run(run_id, summary);
    throw;
  }
  summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  kill_point("run-end");
  catalog.end_run(run_id, summary);
  const std::string line = fmt::format(
      "run summary: {} scene(s): {} processed, {} unchanged, {} quarantined; {} year(s) processed, {} unchanged; {:.0f} Mpx in {:.1f} s "
      "({:.1f} Mpx/s); exit {}; status in {} (`ecomon status {}`)",
      summary.scenes_found, summary.scenes_processed, summary.scenes_unchanged, summary.scenes_quarantined, summary.years_processed,
      summary.years_unchanged, summary.megapixels, summary.seconds, summary.seconds > 0 ? summary.megapixels / summary.seconds : 0.0,
      summary.exit_status, catalog.path(), output.root());
  log_even_when_quiet(line);
  if (o.nightly) std::printf("%s\n", line.c_str());
  return summary.exit_status;
}


}  // namespace ecomon
