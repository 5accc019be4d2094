#pragma once
// A workspace (a run's output folder and its catalog) as the commands that read results see it:
// `ecomon status`, a polygon query, a server, a reduce step. Read-only: opening it never writes, and
// every figure comes from what the runs stored (the catalog's year results and the rasters they list),
// never from a scene.
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "catalog/stored_year.hpp"
#include "engine/season_tally.hpp"
#include "ground/reference_sample.hpp"
#include "libgeo/grid.hpp"
#include "libgeo/io/reader_pool.hpp"
#include "libgeo/io/vector.hpp"
#include "libgeo/io/vsi.hpp"

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

  /// The run whose publication this workspace object holds (0: none yet).
  std::int64_t publication() const { return publication_; }
  /// The latest publication of the folder now (a cheap read of its catalog): when it differs from
  /// publication(), a run has published since this object was opened.
  static std::int64_t latest_publication(const std::string& dir);
  /// Whether the year's rasters are still the files this object opened (same inode, size and
  /// modification time): a run replacing them (each by an atomic rename) makes this false, so that a
  /// reader never answers from a mix of two runs' rasters.
  bool rasters_unchanged(int y) const;
  /// The year's reference sample (its settings' accuracy.samples_file), read once; empty without one.
  const std::vector<ReferenceSample>& reference_sample(int y) const;

  /// The folder (absolute, normalised).
  const std::string& root() const;
  /// The years the workspace published with stored results, ascending (a year whose results could not
  /// be stored, or whose rasters changed since, is left out).
  std::vector<int> years() const;
  /// A published year's stored results. Throws std::out_of_range naming the year and the years there are.
  const StoredYear& year(int y) const;
  /// The settings a published year was made with (the thresholds its rasters and tallies apply).
  Settings settings(int y) const;
  /// The year's season rasters on disk, by product name (years/<y>/ecomon_<y>_<NAME>.tif), with this
  /// workspace's readers to borrow.
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
  /// The revisions the publication made (published figures it changed, and why).
  std::vector<Revision> revisions() const;
  /// Files' SHA2-256 multihashes in the order of `paths`: those the catalog holds for the file as it
  /// is now (same size and modification time), the others computed (the catalog is not written).
  std::vector<std::string> file_checksums(const std::vector<std::string>& paths) const;
  /// The open readers this workspace lends (kept between queries; a replaced file is opened anew).
  geo::io::ReaderPool* readers() const { return readers_.get(); }

 private:
  Workspace() = default;
  std::unique_ptr<WorkspaceCatalog> catalog_;
  std::map<int, StoredYear> years_;
  std::map<int, std::string> unreadable_;  // published years whose stored text could not be read, and why
  std::int64_t publication_ = 0;
  std::map<std::string, geo::io::FileStamp> raster_stamps_;  // every year's rasters as opened
  // Open readers of the rasters, lent to queries and kept between them (with their decoded blocks).
  std::unique_ptr<geo::io::ReaderPool> readers_;
  // What year_result() and zones() read from outside the catalog, read once (a query of many
  // polygons, a server's requests).
  struct Cache;
  std::unique_ptr<Cache> cache_;
};

}  // namespace ecomon
