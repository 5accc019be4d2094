#pragma once
// The workspace's catalog (`catalog.sqlite` in the output folder; SQLite in WAL mode): every scene a
// run has seen, every task done with the results it produced, every output written (path, content
// hash, the task it derives from, ecomon's version) and every run (start, end, counts, exit status,
// host). A nightly run reads it to do only what is new or changed: a year's task is keyed by
// content (catalog/task_key.hpp), and a task counts as done only once its results and outputs are
// recorded, in one transaction after its files were renamed into place, so that a run killed at any
// moment leaves a catalog that describes whole files only.
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "catalog/content_hash.hpp"
#include "results/published.hpp"

struct sqlite3;

namespace ecomon {

/// A scene as the catalog keeps it (one row per path).
struct CatalogScene {
  std::string path, scene_id, sensor, date, footprint;  // footprint: "xmin ymin xmax ymax crs-name" of its grid
  std::uint64_t bytes = 0;
  std::string content_hash;
  std::string status;  // pending (seen, not done yet) | done | quarantined | duplicate | forgotten | gone (not in the last run's input)
  std::string reason;  // why quarantined / duplicate / forgotten
  int year = 0;
  std::int64_t last_run = 0;
  std::string updated;  // UTC, ISO 8601
};

/// A run's counts, written when it ends.
struct RunSummary {
  std::int64_t scenes_found = 0, scenes_processed = 0, scenes_unchanged = 0, scenes_quarantined = 0;
  std::int64_t years_processed = 0, years_unchanged = 0;
  double megapixels = 0, seconds = 0;
  int exit_status = 0;
  std::string message;
};

struct CatalogRun {
  std::int64_t id = 0;
  std::string started, ended, host, version, command;
  std::int64_t pid = 0;
  RunSummary summary;
  bool finished = false;  // false: still running, or killed (no end recorded)
};

class WorkspaceCatalog {
 public:
  /// How a catalog is opened: made if missing (a run), existing only (forget), read only (status:
  /// a user who may read the workspace but not write it), or immutable (shards on many machines,
  /// while no run writes it: read without locks or shared memory, which a network filesystem does
  /// not give; what an unfinished write left in its journal is not seen, so a shard may only do more).
  enum class Open { create, existing, read_only, immutable };
  /// The version of the tables this ecomon writes (PRAGMA user_version): a catalog of a newer one is
  /// refused before any work, saying so.
  static constexpr int kSchemaVersion = 2;
  /// `dir`/catalog.sqlite. Throws OutputError naming the file and, for a damaged or newer catalog,
  /// what to do.
  explicit WorkspaceCatalog(const std::string& dir, Open open = Open::create);
  explicit WorkspaceCatalog(const std::string& dir, bool create) : WorkspaceCatalog(dir, create ? Open::create : Open::existing) {}
  ~WorkspaceCatalog();
  WorkspaceCatalog(const WorkspaceCatalog&) = delete;
  WorkspaceCatalog& operator=(const WorkspaceCatalog&) = delete;

  static std::string file_in(const std::string& dir);
  const std::string& path() const { return path_; }
  /// The workspace's folder (absolute, normalised): what stored paths are relative to.
  const std::string& root() const { return root_; }

  /// The content hash of a file, read from the catalog when its size and modification time are
  /// those recorded with it, else computed (and recorded, unless the catalog was opened read-only).
  /// A file in the workspace is kept under its path in it (workspace_relative): found again whatever
  /// folder a command names the workspace from (`--out out`, `ecomon report /abs/out`).
  std::string file_hash(const std::string& path);
  /// A file's SHA2-256 multihash (base/file_checksum.hpp: what STAC's file:checksum holds), kept the
  /// same way: a nightly run does not read every raster of the workspace again to describe it.
  std::string file_checksum(const std::string& path);
  /// The checksums of many files, in their order: those not kept computed in parallel (reading and
  /// hashing hundreds of MiB of rasters is most of what describing a run's outputs costs).
  std::vector<std::string> file_checksums(const std::vector<std::string>& paths);
  /// The content hashes of many files, in their order, kept the same way (those not kept computed in
  /// parallel).
  std::vector<std::string> file_hashes(const std::vector<std::string>& paths);
  /// Keeps digests another process took (a shard, of the scenes it read and the files it wrote): those
  /// whose file's stamp is still the one they were taken at, in one transaction; returns how many.
  /// Checksums are SHA2-256 multihashes (file_checksum), hashes content hashes (file_hash).
  std::size_t keep_checksums(const std::vector<StampedDigest>& checksums);
  std::size_t keep_hashes(const std::vector<StampedDigest>& hashes);
  /// Starts taking a file's content hash and checksum now, on a thread of its own (EarlyDigests: a
  /// run's rasters as each is published), kept by the next call that needs a digest or records a
  /// task, which then does not read the file again. The one member safe from any thread; nothing in
  /// a read-only catalog.
  void digest_soon(const std::string& path);

  std::int64_t begin_run(const std::string& version, const std::string& command);
  /// Records the run's end and syncs every commit (sync_commits): a run that ended is on disk.
  void end_run(std::int64_t run, const RunSummary& summary);
  /// Makes every commit so far survive a power cut. Commits do not wait for the disk (synchronous=
  /// NORMAL in WAL mode): a power cut may lose the last ones, which costs a redo; a run calls this
  /// before deleting what a redo would need (the shards' task files it took). Throws OutputError.
  void sync_commits();

  void record_scene(std::int64_t run, const CatalogScene& scene);

  /// The results text of a done task, when its key is recorded, its results match the checksum
  /// stored with them, and every output it wrote is still there as it was written (same size and
  /// modification time). `damaged` (when given) is set when the results fail their checksum: the task
  /// is then done again.
  std::optional<std::string> done_task(const std::string& key, bool* damaged = nullptr) const;
  /// Records a task (replacing any earlier task of the same kind and year) with its results and
  /// outputs (each hashed now), and marks its scenes done: one transaction.
  void record_task(std::int64_t run, const std::string& key, const std::string& kind, int year, const std::vector<std::string>& scene_ids,
                   const std::string& results, const std::vector<std::string>& outputs);
  /// Marks scenes done (their year's task was found done and unchanged).
  void mark_scenes_done(std::int64_t run, const std::vector<std::string>& scene_ids);
  /// Records files written outside any task (the reports), with their hashes: one transaction.
  void record_outputs(std::int64_t run, const std::string& task, const std::vector<std::string>& outputs);

  /// `ecomon forget`: the scene is left out of later runs (its tasks are dropped, so that what
  /// depended on it is derived again without it); `restore` undoes it. Returns false when the catalog
  /// has never seen the scene.
  bool forget_scene(const std::string& scene_id, bool restore);
  bool is_forgotten(const std::string& scene_id) const;
  /// Drops every task (`--force`): the next run redoes everything.
  void drop_tasks();

  /// The figures the workspace published last (and, in `run`, the run that published them; 0 none).
  std::vector<PublishedFigure> published_figures(std::int64_t& run) const;
  /// The run whose publication is the workspace's latest (0: none yet): what a reader compares to
  /// know that a run has published new results since it opened the workspace.
  std::int64_t publication_run() const;
  /// Each year as published last: its task key and scenes.
  std::map<int, PublishedYear> published_years() const;
  /// Each year's task as recorded now (after this run's tasks): its key and scenes.
  std::map<int, PublishedYear> year_tasks() const;
  /// Records what this run published (replacing the previous publication) and the revisions it
  /// made: one transaction, after the reports were written.
  void publish(std::int64_t run, const std::vector<PublishedFigure>& figures, const std::map<int, PublishedYear>& years,
               const std::vector<Revision>& revisions);
  /// The revisions a run made (`ecomon status`).
  std::vector<Revision> revisions_of_run(std::int64_t run) const;

  /// The outputs of earlier runs that no task records any more (output.products narrowed, a year
  /// redone without them, a forgotten scene's products): each file still as it was written is
  /// removed (with the folders it leaves empty), and every such row forgotten. Returns the files
  /// removed. A file changed since it was recorded is left alone.
  std::vector<std::string> remove_stale_outputs();
  /// Whether a run recorded `path` as one of its outputs.
  bool records_output(const std::string& path) const;

  std::vector<CatalogScene> scenes() const;
  std::vector<CatalogRun> last_runs(int n) const;
  std::int64_t task_count() const;

 private:
  void exec(const std::string& sql) const;
  std::size_t keep_digests(const std::string& table, const std::string& column, const std::vector<StampedDigest>& digests);
  void keep_early_digests();
  [[noreturn]] void fail(const std::string& what) const;
  std::string path_;
  std::string root_;
  sqlite3* db_ = nullptr;
  bool read_only_ = false;  // file_hash computes without keeping
  std::unique_ptr<EarlyDigests> early_ = std::make_unique<EarlyDigests>();
};

/// A path as the catalog stores it: relative to the workspace `root` ("@/years/2023/...") when it
/// lies in it, so that a copied or moved workspace reads and checks its own files; else as given.
/// `path` and `root` may each be relative to the working directory (`--out out`) or absolute.
std::string workspace_relative(const std::string& path, const std::string& root);
/// And back: a stored path placed in the workspace `root` (absolute when `root` is).
std::string workspace_absolute(const std::string& stored, const std::string& root);

/// Throws OutputError when `path` (a file a command is about to write) is one of a workspace's own
/// files: its catalog, its lock, or an output a run recorded (the workspace found by walking up from
/// the file's folder to a catalog.sqlite). `option` names it in the message (e.g. "-o").
void refuse_workspace_file(const std::string& path, const std::string& option);

/// Now, UTC, ISO 8601 to the second.
std::string utc_now();

}  // namespace ecomon
