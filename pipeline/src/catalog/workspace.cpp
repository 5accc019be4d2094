#include "catalog/workspace.hpp"

#include <filesystem>

#include <stdexcept>

#include "base/errors.hpp"
#include "catalog/workspace_catalog.hpp"
#include "engine/season_engine.hpp"
#include "ground/plots.hpp"
#include "ground/reference_sample.hpp"
#include "libgeo/io/projection.hpp"
#include "libgeo/io/raster.hpp"

namespace ecomon {

struct Workspace::Cache {
  std::mutex mutex;
  std::map<int, std::vector<geo::io::Zone>> zones;
  std::map<int, YearResult> results;
  std::optional<geo::Grid> grid;
  std::map<int, std::vector<ReferenceSample>> samples;
};

Workspace::Workspace(Workspace&&) noexcept = default;
Workspace& Workspace::operator=(Workspace&&) noexcept = default;
Workspace::~Workspace() = default;

Workspace Workspace::open(const std::string& dir) {
  if (!std::filesystem::exists(WorkspaceCatalog::file_in(dir)))
    throw OutputError(dir + ": not an ecomon workspace (no " + std::filesystem::path(WorkspaceCatalog::file_in(dir)).filename().string() +
                      "; `ecomon run` makes one in its output folder)");
  Workspace w;
  w.cache_ = std::make_unique<Cache>();
  w.readers_ = std::make_unique<geo::io::ReaderPool>();
  w.catalog_ = std::make_unique<WorkspaceCatalog>(dir, WorkspaceCatalog::Open::read_only);
  for (const auto& [year, published] : w.catalog_->published_years()) {
    const std::optional<std::string> text = w.catalog_->done_task(published.key);
    if (!text) continue;  // not stored (a work product not kept), or its files changed since
    try {
      StoredYear stored = parse_stored_year(*text, w.catalog_->root());
      if (stored.produced) w.years_.emplace(year, std::move(stored));
    } catch (const std::exception& e) {
      w.unreadable_[year] = e.what();  // another ecomon's form: `ecomon run` makes the year again
    }
  }
  w.publication_ = w.catalog_->publication_run();
  for (const auto& [year, stored] : w.years_)
    for (const auto& [name, path] : w.rasters(year).paths) w.raster_stamps_[path] = geo::io::stamp_of(path);
  return w;
}

std::int64_t Workspace::latest_publication(const std::string& dir) {
  return WorkspaceCatalog(dir, WorkspaceCatalog::Open::read_only).publication_run();
}

std::vector<std::string> Workspace::file_checksums(const std::vector<std::string>& paths) const { return catalog_->file_checksums(paths); }

bool Workspace::rasters_unchanged(int y) const {
  for (const auto& [name, path] : rasters(y).paths) {
    const auto at = raster_stamps_.find(path);
    if (at == raster_stamps_.end() || !(geo::io::stamp_of(path) == at->second)) return false;
  }
  return true;
}

const std::vector<ReferenceSample>& Workspace::reference_sample(int y) const {
  const Settings s = settings(y);
  const std::lock_guard<std::mutex> lock(cache_->mutex);
  auto at = cache_->samples.find(y);
  if (at == cache_->samples.end())
    at = cache_->samples.emplace(y, s.accuracy.samples_file.empty() ? std::vector<ReferenceSample>{} : load_reference_sample(s.accuracy.samples_file)).first;
  return at->second;
}

std::vector<Revision> Workspace::revisions() const { return publication_ ? catalog_->revisions_of_run(publication_) : std::vector<Revision>{}; }

const std::string& Workspace::root() const { return catalog_->root(); }

std::vector<int> Workspace::years() const {
  std::vector<int> out;
  for (const auto& [y, stored] : years_) out.push_back(y);
  return out;
}

const StoredYear& Workspace::year(int y) const {
  const auto at = years_.find(y);
  if (at != years_.end()) return at->second;
  if (const auto bad = unreadable_.find(y); bad != unreadable_.end())
    throw std::out_of_range(root() + ": the stored results of " + std::to_string(y) + " cannot be read (" + bad->second +
                            "; stored by another version of ecomon?): `ecomon run` makes them again");
  std::string there;
  for (const auto& [year, stored] : years_) there += (there.empty() ? "" : ", ") + std::to_string(year);
  throw std::out_of_range(root() + ": no results for " + std::to_string(y) + " (the workspace has " + (there.empty() ? "none" : there) + ")");
}

Settings Workspace::settings(int y) const { return settings_from_values(year(y).settings, root() + ": the settings of " + std::to_string(y)); }

StoredYearRasters Workspace::rasters(int y) const {
  StoredYearRasters out;
  out.readers = readers_.get();
  out.footprints = &year(y).year.source_footprints;
  const std::string prefix = "ecomon_" + std::to_string(y) + "_";
  for (const std::string& path : year(y).outputs) {
    const std::filesystem::path p(path);
    const std::string file = p.filename().string();
    if (p.parent_path().filename() != std::to_string(y) || file.rfind(prefix, 0) != 0 || p.extension() != ".tif") continue;
    out.paths[file.substr(prefix.size(), file.size() - prefix.size() - 4)] = path;
  }
  return out;
}

geo::Grid Workspace::grid() const {
  {
    const std::lock_guard<std::mutex> lock(cache_->mutex);
    if (cache_->grid) return *cache_->grid;
  }
  for (const auto& [y, stored] : years_)
    for (const auto& [name, path] : rasters(y).paths) {
      const geo::Grid g = readers_->borrow(path)->grid();
      const std::lock_guard<std::mutex> lock(cache_->mutex);
      cache_->grid = g;
      return g;
    }
  throw std::runtime_error(root() + ": no year's rasters (output.products selected none)");
}

std::vector<geo::io::Zone> Workspace::zones(int y) const {
  {
    const std::lock_guard<std::mutex> lock(cache_->mutex);
    if (const auto at = cache_->zones.find(y); at != cache_->zones.end()) return at->second;
  }
  const Settings s = settings(y);
  try {
    std::vector<geo::io::Zone> read = geo::io::read_zones({s.zones.file, s.zones.code_field, s.zones.name_field, s.zones.layer}, geo::io::crs_wkt(s.season.grid_crs));
    const std::lock_guard<std::mutex> lock(cache_->mutex);
    return cache_->zones[y] = std::move(read);
  } catch (const std::exception& e) {
    throw std::runtime_error(root() + ": the zones of " + std::to_string(y) + " (zones.file of that run): " + e.what());
  }
}

YearResult Workspace::year_result(int y) const {
  {
    const std::lock_guard<std::mutex> lock(cache_->mutex);
    if (const auto at = cache_->results.find(y); at != cache_->results.end()) return at->second;
  }
  YearResult result = year(y).year;
  // The year's GeoTIFFs as the run listed them (YearResult::products is derived, not stored): those of
  // its stored outputs still on disk, so that a renderer (STAC, the report's maps) finds them.
  for (const std::string& path : stored_year_rasters(year(y)))
    if (std::filesystem::exists(path)) result.products.push_back(path);
  const Settings s = settings(y);
  std::optional<std::vector<GroundPlot>> plots;
  std::optional<std::vector<ReferenceSample>> samples;
  if (result.calibration && !s.calibration.plots_file.empty()) plots = load_ground_plots(s.calibration.plots_file);
  if (result.accuracy && !s.accuracy.samples_file.empty()) samples = load_reference_sample(s.accuracy.samples_file);
  YearAncillary ground;
  ground.plots = plots ? &*plots : nullptr;
  ground.samples = samples ? &*samples : nullptr;
  refit_stored_year(result, ground, s, zones(y), grid());
  // The fitted objects keep no pointer into the files read here.
  const std::lock_guard<std::mutex> lock(cache_->mutex);
  return cache_->results[y] = std::move(result);
}

}  // namespace ecomon
