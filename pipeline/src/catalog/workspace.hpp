#pragma once
// A workspace (a run's output folder and its catalog) as the commands that read results see it:
// `ecomon status`, a polygon query, a server, a reduce step. Read-only: opening it never writes, and
// every figure comes from what the runs stored (the catalog's year results and the rasters they list),
// never from a scene.
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "catalog/stored_year.hpp"
#include "engine/season_tally.hpp"
#include "libgeo/grid.hpp"
#include "libgeo/io/vector.hpp"

namespace ecomon {

class WorkspaceCatalog;

class Workspace {
 public:
  /// Opens `dir` read-only. Throws OutputError naming the folder when it holds no catalog (not a
  /// workspace), or the catalog is damaged or of a newer ecomon.
  static Workspace open(const std::string& dir);
  Workspace(Workspace&&) noexcept;
  Workspace& operator=(Workspace&&) noexcept;
  ~Workspace();

  /// The folder (absolute, normalised).
  const std::string& root() const;
  /// The years the workspace published with stored results, ascending (a year whose results could not
  /// be stored, or whose rasters changed since, is left out).
  std::vector<int> years() const;
  /// A published year's stored results. Throws std::out_of_range naming the year and the years there are.
  const StoredYear& year(int y) const;
  /// The settings a published year was made with (the thresholds its rasters and tallies apply).
  Settings settings(int y) const;
  /// The year's season rasters on disk, by product name (years/<y>/ecomon_<y>_<NAME>.tif).
  StoredYearRasters rasters(int y) const;
  /// The regional grid the years were made on (that of their rasters); throws when no year has one.
  geo::Grid grid() const;
  /// The year's zones on the grid: its settings' zones file, read as the run read it (the same
  /// polygons, bit for bit). Throws naming the file when it is gone or changed shape.
  std::vector<geo::io::Zone> zones(int y) const;
  /// The year's results as the run published them: the stored tallies, with the calibration line
  /// and the sample's estimates fitted again from the stored matches on the year's plots and sample
  /// files (as a rerun reloads them). Throws naming a ground file that is gone.
  YearResult year_result(int y) const;

 private:
  Workspace() = default;
  std::unique_ptr<WorkspaceCatalog> catalog_;
  std::map<int, StoredYear> years_;
  // What year_result() and zones() read from outside the catalog, read once (a query of many
  // polygons, a server's requests).
  struct Cache;
  std::unique_ptr<Cache> cache_;
};

}  // namespace ecomon
