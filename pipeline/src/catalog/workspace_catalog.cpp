#include "catalog/workspace_catalog.hpp"

#include "base/file_checksum.hpp"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <sqlite3.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <ctime>
#include <exception>
#include <filesystem>
#include <functional>

#include "base/errors.hpp"
#include "base/interrupt.hpp"
#include "libgeo/io/raster.hpp"

namespace ecomon {

namespace {

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS runs(id INTEGER PRIMARY KEY AUTOINCREMENT, started TEXT NOT NULL, ended TEXT, host TEXT, pid INTEGER,
  version TEXT, command TEXT, scenes_found INTEGER, scenes_processed INTEGER, scenes_unchanged INTEGER, scenes_quarantined INTEGER,
  years_processed INTEGER, years_unchanged INTEGER, megapixels REAL, seconds REAL, exit_status INTEGER, message TEXT);
CREATE TABLE IF NOT EXISTS scenes(path TEXT PRIMARY KEY, scene_id TEXT, sensor TEXT, date TEXT, footprint TEXT, bytes INTEGER,
  content_hash TEXT, status TEXT NOT NULL, reason TEXT, year INTEGER, last_run INTEGER, updated TEXT);
CREATE INDEX IF NOT EXISTS scenes_by_id ON scenes(scene_id);
CREATE TABLE IF NOT EXISTS file_hashes(path TEXT PRIMARY KEY, bytes INTEGER NOT NULL, mtime_ns INTEGER NOT NULL, hash TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS file_checksums(path TEXT PRIMARY KEY, bytes INTEGER NOT NULL, mtime_ns INTEGER NOT NULL, sha256 TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS tasks(key TEXT PRIMARY KEY, kind TEXT NOT NULL, year INTEGER, scene_ids TEXT, results TEXT NOT NULL,
  run INTEGER, recorded TEXT);
CREATE TABLE IF NOT EXISTS outputs(path TEXT PRIMARY KEY, hash TEXT NOT NULL, bytes INTEGER, mtime_ns INTEGER, task TEXT, version TEXT,
  run INTEGER, recorded TEXT);
CREATE TABLE IF NOT EXISTS forgotten(scene_id TEXT PRIMARY KEY, at TEXT);
CREATE TABLE IF NOT EXISTS published(source TEXT NOT NULL, unit_code TEXT NOT NULL, unit_name TEXT, year INTEGER NOT NULL,
  indicator TEXT NOT NULL, value TEXT, run INTEGER, PRIMARY KEY(source, unit_code, year, indicator));
CREATE TABLE IF NOT EXISTS published_years(year INTEGER PRIMARY KEY, key TEXT, scene_ids TEXT, run INTEGER);
CREATE TABLE IF NOT EXISTS revisions(run INTEGER NOT NULL, source TEXT, unit_code TEXT, unit_name TEXT, year INTEGER, indicator TEXT,
  previous TEXT, value TEXT, previous_run INTEGER, reason TEXT);
)sql";

// One prepared statement, finalised on every path.
// What to do about a catalog SQLite cannot read: the catalog is a cache of what can be done again.
constexpr const char* kRebuild =
    "; the catalog only saves work: move it away (mv catalog.sqlite catalog.sqlite.damaged) and run again to rebuild it, every year "
    "done again from the imagery";

// SQLite's message, with the system's reason when there is one ("disk I/O error (No space left on
// device)"), and for a damaged catalog what to do.
std::string sqlite_error(sqlite3* db) {
  std::string message = db ? sqlite3_errmsg(db) : "out of memory";
  if (db && sqlite3_system_errno(db) != 0) message += std::string(" (") + std::strerror(sqlite3_system_errno(db)) + ")";
  if (db && (sqlite3_errcode(db) == SQLITE_CORRUPT || sqlite3_errcode(db) == SQLITE_NOTADB)) message += kRebuild;
  return message;
}

class Statement {
 public:
  Statement(sqlite3* db, const char* sql, const std::string& where) : db_(db), where_(where) {
    if (sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr) != SQLITE_OK) throw OutputError(where_ + ": " + sqlite_error(db_));
  }
  ~Statement() { sqlite3_finalize(stmt_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  Statement& bind(int i, const std::string& v) {
    sqlite3_bind_text(stmt_, i, v.c_str(), int(v.size()), SQLITE_TRANSIENT);
    return *this;
  }
  Statement& bind(int i, std::int64_t v) {
    sqlite3_bind_int64(stmt_, i, v);
    return *this;
  }
  Statement& bind(int i, double v) {
    sqlite3_bind_double(stmt_, i, v);
    return *this;
  }
  /// true while there is a row.
  bool step() {
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    throw OutputError(where_ + ": " + sqlite_error(db_));
  }
  std::string text(int col) const {
    const auto* t = sqlite3_column_text(stmt_, col);
    return t ? reinterpret_cast<const char*>(t) : "";
  }
  std::int64_t integer(int col) const { return sqlite3_column_int64(stmt_, col); }
  double real(int col) const { return sqlite3_column_double(stmt_, col); }
  bool null(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }

 private:
  sqlite3* db_;
  std::string where_;
  sqlite3_stmt* stmt_ = nullptr;
};

std::string host_name() {
  char buffer[256] = {0};
  return ::gethostname(buffer, sizeof buffer - 1) == 0 ? buffer : "";
}

}  // namespace

std::string utc_now() {
  const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buffer;
}

std::string WorkspaceCatalog::file_in(const std::string& dir) { return (std::filesystem::path(dir) / "catalog.sqlite").string(); }

WorkspaceCatalog::WorkspaceCatalog(const std::string& dir, Open open)
    : path_(file_in(dir)), root_(std::filesystem::absolute(dir).lexically_normal().string()) {
  while (root_.size() > 1 && root_.back() == '/') root_.pop_back();
  const bool existed = std::filesystem::exists(path_);
  read_only_ = open == Open::read_only || open == Open::immutable;
  if (open != Open::create && !existed) throw OutputError(path_ + ": no catalog here (is " + dir + " an ecomon output folder?)");
  const int flags = read_only_            ? SQLITE_OPEN_READONLY | SQLITE_OPEN_URI
                    : open == Open::create ? SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE
                                           : SQLITE_OPEN_READWRITE;
  // immutable: SQLite's URI parameter (no locking, no -shm, no change detection); the path
  // percent-encoded where a URI would read it otherwise.
  std::string name = path_;
  if (open == Open::immutable) {
    name = "file:";
    for (const char c : std::filesystem::absolute(path_).string()) {
      if (c == '%' || c == '?' || c == '#') {
        char hex[4];
        std::snprintf(hex, sizeof hex, "%%%02X", static_cast<unsigned char>(c));
        name += hex;
      } else {
        name += c;
      }
    }
    name += "?immutable=1";
  }
  try {
    if (sqlite3_open_v2(name.c_str(), &db_, flags, nullptr) != SQLITE_OK) fail("cannot open");
    sqlite3_busy_timeout(db_, 10000);
    // The schema's version first, before any work: a newer ecomon's catalog is not ours to change.
    int version = 0;
    {
      Statement v(db_, "PRAGMA user_version", path_);
      if (v.step()) version = int(v.integer(0));
    }
    if (version > kSchemaVersion)
      throw OutputError(path_ + ": written by a newer ecomon (catalog schema " + std::to_string(version) + "; this ecomon reads up to " +
                        std::to_string(kSchemaVersion) + "): run that version, or move the catalog away to rebuild it with this one");
    if (!read_only_) {
      // WAL: a reader (`ecomon status`) never blocks the run. synchronous=NORMAL in WAL mode: a
      // commit waits for no disk (a run makes dozens, each a sync of the WAL under FULL). A killed
      // process loses nothing; a power cut may lose the last commits,
      // never the catalog's consistency (SQLite's documentation of PRAGMA synchronous). A lost
      // record costs a redo, never a wrong "done": every output is on disk before the record that
      // lists it, and done_task checks each is still as it was written. sync_commits() makes them
      // durable where a run ends or is about to delete what a redo would need. A catalog that
      // cannot be in WAL mode (a filesystem without shared memory) keeps FULL.
      const bool wal = [&] {
        Statement mode(db_, "PRAGMA journal_mode=WAL", path_);
        return mode.step() && mode.text(0) == "wal";
      }();
      exec(wal ? "PRAGMA synchronous=NORMAL;" : "PRAGMA synchronous=FULL;");
      exec(kSchema);
      exec("PRAGMA user_version=" + std::to_string(kSchemaVersion));
    }
  } catch (...) {
    sqlite3_close(db_);
    db_ = nullptr;
    if (!existed)  // a catalog this run could not even start (a full disk) is not left behind empty
      for (const char* suffix : {"", "-wal", "-shm", "-journal"}) std::filesystem::remove(path_ + suffix);
    throw;
  }
}

std::string workspace_relative(const std::string& path, const std::string& root) {
  if (path.empty()) return path;
  // Both compared absolute and normal: a shard's root is the folder as given (`--out out`), and a
  // path under it kept relative to the working directory would point into the first workspace
  // after a copy, or nowhere from another working directory.
  const std::string absolute = std::filesystem::absolute(path).lexically_normal().string();
  std::string base = std::filesystem::absolute(root).lexically_normal().string();
  while (base.size() > 1 && base.back() == '/') base.pop_back();  // "out/" and "out" alike
  if (absolute.size() > base.size() && absolute.compare(0, base.size(), base) == 0 && absolute[base.size()] == '/')
    return "@" + absolute.substr(base.size());
  return path;
}

std::string workspace_absolute(const std::string& stored, const std::string& root) {
  return stored.rfind("@/", 0) == 0 ? root + stored.substr(1) : stored;
}

void refuse_workspace_file(const std::string& path, const std::string& option) {
  namespace fs = std::filesystem;
  const fs::path file = fs::absolute(path).lexically_normal();
  for (fs::path dir = file.parent_path(); !dir.empty(); dir = dir.parent_path()) {
    std::error_code ec;
    if (fs::is_regular_file(dir / "catalog.sqlite", ec)) {
      const std::string name = file.filename().string();
      bool recorded = name.rfind("catalog.sqlite", 0) == 0 || name == ".ecomon.lock";
      if (!recorded) {
        try {
          const WorkspaceCatalog catalog(dir.string(), WorkspaceCatalog::Open::read_only);
          recorded = catalog.records_output(file.string());
        } catch (const OutputError&) {
          recorded = false;  // an unreadable catalog: the command is not the place to say so
        }
      }
      if (recorded)
        throw OutputError(option + " " + path + ": is a file of the workspace " + dir.string() +
                          " (its catalog, its lock, or an output a run wrote and records): choose another name");
      return;
    }
    if (dir == dir.parent_path()) return;
  }
}

std::vector<std::string> WorkspaceCatalog::remove_stale_outputs() {
  namespace fs = std::filesystem;
  struct Row {
    std::string stored;
    FileStamp stamp;
  };
  std::vector<Row> stale;
  {
    Statement q(db_, "SELECT path, bytes, mtime_ns FROM outputs WHERE task NOT IN (SELECT key FROM tasks) ORDER BY path", path_);
    while (q.step()) stale.push_back({q.text(0), {std::uint64_t(q.integer(1)), q.integer(2)}});
  }
  std::vector<std::string> removed;
  for (const Row& r : stale) {
    const std::string file = workspace_absolute(r.stored, root_);
    try {
      if (file.rfind(root_ + "/", 0) == 0 && file_stamp(file) == r.stamp && fs::remove(file)) {
        removed.push_back(file);
        std::error_code ec;
        if (fs::path(file).extension() == ".tif")
          for (const std::string& sidecar : geo::io::raster_sidecar_paths(file)) fs::remove(sidecar, ec);
        for (fs::path dir = fs::path(file).parent_path(); dir.string().size() > root_.size() && fs::is_empty(dir, ec);
             dir = dir.parent_path())
          fs::remove(dir, ec);
      }
    } catch (const std::exception&) {
      // gone already, or changed by someone: not ours to remove
    }
    Statement d(db_, "DELETE FROM outputs WHERE path = ?", path_);
    d.bind(1, r.stored).step();
  }
  return removed;
}

bool WorkspaceCatalog::records_output(const std::string& path) const {
  Statement q(db_, "SELECT 1 FROM outputs WHERE path = ? OR path = ?", path_);
  q.bind(1, workspace_relative(path, root_)).bind(2, path);
  return q.step();
}

WorkspaceCatalog::~WorkspaceCatalog() {
  // Any command's commits on disk when it closes the catalog: the close's checkpoint would sync
  // them only when no other process (a server, `ecomon status`) has the catalog open.
  try {
    sync_commits();
  } catch (const std::exception& e) {
    spdlog::warn("{}", e.what());
  }
  sqlite3_close(db_);
}

void WorkspaceCatalog::fail(const std::string& what) const {
  throw OutputError(path_ + ": " + what + ": " + sqlite_error(db_));
}

void WorkspaceCatalog::exec(const std::string& sql) const {
  char* error = nullptr;
  if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
    std::string message = error ? error : "unknown error";
    if (sqlite3_system_errno(db_) != 0) message += std::string(" (") + std::strerror(sqlite3_system_errno(db_)) + ")";
    sqlite3_free(error);
    const int code = sqlite3_errcode(db_);
    throw OutputError(path_ + ": " + message + (code == SQLITE_CORRUPT || code == SQLITE_NOTADB ? kRebuild : ""));
  }
}

namespace {

// A file's digest recorded in `table` (path, bytes, mtime_ns, `column`) with the stamp it was taken
// at, under `key`: the file's workspace_relative path.
void record_digest(sqlite3* db, const std::string& where, const std::string& table, const std::string& column,
                   const std::string& key, const FileStamp& stamp, const std::string& digest) {
  Statement u(db, ("INSERT OR REPLACE INTO " + table + "(path, bytes, mtime_ns, " + column + ") VALUES(?, ?, ?, ?)").c_str(), where);
  u.bind(1, key).bind(2, std::int64_t(stamp.bytes)).bind(3, stamp.mtime_ns).bind(4, digest).step();
}

// Runs `write` in one transaction (a commit is a sync of the catalog's journal), or in the caller's
// when it holds one; rolled back when `write` throws.
template <typename Write>
void in_one_transaction(sqlite3* db, const std::string& where, Write write) {
  const bool own_transaction = sqlite3_get_autocommit(db) != 0;
  if (own_transaction && sqlite3_exec(db, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) != SQLITE_OK)
    throw OutputError(where + ": " + sqlite_error(db));
  try {
    write();
  } catch (...) {
    if (own_transaction) sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
  if (own_transaction && sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr) != SQLITE_OK) {
    const std::string message = sqlite_error(db);
    sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
    throw OutputError(where + ": " + message);
  }
}

// Files' digests kept in `table`, each with the file's stamp taken once, before any read: the one
// recorded when the file's size and modification time are still those recorded with it, else
// compute(its index in `files`, its stamp) (the files missing, in parallel: the catalog is touched by
// this thread only) and recorded, unless `read_only` (`ecomon plan` and the shards read, never
// write, the catalog).
std::vector<StampedDigest> kept_by_stamp(sqlite3* db, const std::string& where, const std::string& root, bool read_only,
                                         const std::string& table, const std::string& column, const std::vector<std::string>& files,
                                         const std::function<std::string(std::size_t index, const FileStamp& stamp)>& compute) {
  std::vector<StampedDigest> digests;
  std::vector<std::size_t> missing;
  for (std::size_t i = 0; i < files.size(); ++i) {
    digests.push_back({files[i], file_stamp(files[i]), ""});
    const FileStamp& stamp = digests[i].stamp;
    Statement q(db, ("SELECT bytes, mtime_ns, " + column + " FROM " + table + " WHERE path = ?").c_str(), where);
    q.bind(1, workspace_relative(files[i], root));
    if (q.step() && std::uint64_t(q.integer(0)) == stamp.bytes && q.integer(1) == stamp.mtime_ns) {
      digests[i].digest = q.text(2);
    } else {
      missing.push_back(i);
    }
  }
  // Each read writes its own file's slot: a path listed twice has two.
  for_each_in_parallel(missing.size(), [&](std::size_t k) { digests[missing[k]].digest = compute(missing[k], digests[missing[k]].stamp); });
  if (read_only || missing.empty()) return digests;
  in_one_transaction(db, where, [&] {
    for (const std::size_t i : missing) record_digest(db, where, table, column, workspace_relative(files[i], root), digests[i].stamp, digests[i].digest);
  });
  return digests;
}

std::vector<std::string> digests_of(const std::vector<StampedDigest>& stamped) {
  std::vector<std::string> digests;
  for (const StampedDigest& d : stamped) digests.push_back(d.digest);
  return digests;
}

}  // namespace

std::string WorkspaceCatalog::file_hash(const std::string& file) { return file_hashes({file}).front(); }

std::string WorkspaceCatalog::file_checksum(const std::string& file) { return file_checksums({file}).front(); }

std::size_t WorkspaceCatalog::keep_checksums(const std::vector<StampedDigest>& checksums) {
  return keep_digests("file_checksums", "sha256", checksums);
}

std::size_t WorkspaceCatalog::keep_hashes(const std::vector<StampedDigest>& hashes) { return keep_digests("file_hashes", "hash", hashes); }

std::size_t WorkspaceCatalog::keep_digests(const std::string& table, const std::string& column, const std::vector<StampedDigest>& digests) {
  if (read_only_ || digests.empty()) return 0;
  std::vector<const StampedDigest*> unchanged;
  for (const StampedDigest& d : digests) {
    try {
      if (file_stamp(d.path) == d.stamp) unchanged.push_back(&d);
    } catch (const std::exception&) {
      // gone since: nothing to keep
    }
  }
  // One transaction: a reduce keeps hundreds.
  in_one_transaction(db_, path_, [&] {
    for (const StampedDigest* d : unchanged) record_digest(db_, path_, table, column, workspace_relative(d->path, root_), d->stamp, d->digest);
  });
  return unchanged.size();
}

void WorkspaceCatalog::digest_soon(const std::string& path) {
  if (!read_only_) early_->add(path);
}

void WorkspaceCatalog::keep_early_digests() {
  EarlyDigests::Taken taken = early_->take();
  keep_hashes(taken.hashes);
  keep_checksums(taken.checksums);
}

std::vector<std::string> WorkspaceCatalog::file_hashes(const std::vector<std::string>& files) {
  keep_early_digests();
  return digests_of(kept_by_stamp(db_, path_, root_, read_only_, "file_hashes", "hash", files,
                                  [&](std::size_t i, const FileStamp&) { return hash_file(files[i]); }));
}

std::vector<std::string> WorkspaceCatalog::file_checksums(const std::vector<std::string>& files) {
  keep_early_digests();
  return digests_of(kept_by_stamp(db_, path_, root_, read_only_, "file_checksums", "sha256", files,
                                  [&](std::size_t i, const FileStamp&) { return sha256_multihash_of_file(files[i]); }));
}

std::int64_t WorkspaceCatalog::begin_run(const std::string& version, const std::string& command) {
  // What this run finds is recorded again as it finds it; what it does not find is gone from the input.
  exec("UPDATE scenes SET status = 'gone', reason = 'not in the input of the last run' WHERE status != 'forgotten'");
  Statement s(db_, "INSERT INTO runs(started, host, pid, version, command) VALUES(?, ?, ?, ?, ?)", path_);
  s.bind(1, utc_now()).bind(2, host_name()).bind(3, std::int64_t(::getpid())).bind(4, version).bind(5, command).step();
  return sqlite3_last_insert_rowid(db_);
}

void WorkspaceCatalog::end_run(std::int64_t run, const RunSummary& r) {
  Statement s(db_,
              "UPDATE runs SET ended = ?, scenes_found = ?, scenes_processed = ?, scenes_unchanged = ?, scenes_quarantined = ?, "
              "years_processed = ?, years_unchanged = ?, megapixels = ?, seconds = ?, exit_status = ?, message = ? WHERE id = ?",
              path_);
  s.bind(1, utc_now()).bind(2, r.scenes_found).bind(3, r.scenes_processed).bind(4, r.scenes_unchanged).bind(5, r.scenes_quarantined);
  s.bind(6, r.years_processed).bind(7, r.years_unchanged).bind(8, r.megapixels).bind(9, r.seconds);
  s.bind(10, std::int64_t(r.exit_status)).bind(11, r.message).bind(12, run).step();
  sync_commits();
}

void WorkspaceCatalog::sync_commits() {
  if (read_only_) return;
  // Every commit so far is in the WAL: synced, they survive a power cut. No WAL: every commit was
  // checkpointed into the database, which the checkpoint synced (or the catalog is not in WAL mode,
  // where each commit synced itself).
  const int fd = ::open((path_ + "-wal").c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return;
  const int rc = ::fdatasync(fd);
  const int error = errno;
  ::close(fd);
  if (rc != 0) throw OutputError(path_ + "-wal: cannot sync the catalog's last commits: " + std::strerror(error));
}

void WorkspaceCatalog::record_scene(std::int64_t run, const CatalogScene& c) {
  Statement s(db_,
              "INSERT OR REPLACE INTO scenes(path, scene_id, sensor, date, footprint, bytes, content_hash, status, reason, year, last_run, "
              "updated) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
              path_);
  s.bind(1, c.path).bind(2, c.scene_id).bind(3, c.sensor).bind(4, c.date).bind(5, c.footprint).bind(6, std::int64_t(c.bytes));
  s.bind(7, c.content_hash).bind(8, c.status).bind(9, c.reason).bind(10, std::int64_t(c.year)).bind(11, run).bind(12, utc_now()).step();
}

namespace {

// A task's results as stored: their hash on the first line, so that a damaged byte is found.
std::string with_checksum(const std::string& results) { return "xxh128 " + hash_text(results) + "\n" + results; }

std::optional<std::string> checked(const std::string& stored) {
  const auto eol = stored.find('\n');
  if (stored.rfind("xxh128 ", 0) != 0 || eol == std::string::npos) return std::nullopt;
  std::string results = stored.substr(eol + 1);
  if (stored.substr(7, eol - 7) != hash_text(results)) return std::nullopt;
  return results;
}

}  // namespace

std::optional<std::string> WorkspaceCatalog::done_task(const std::string& key, bool* damaged) const {
  std::string results;
  {
    Statement q(db_, "SELECT results FROM tasks WHERE key = ?", path_);
    q.bind(1, key);
    if (!q.step()) return std::nullopt;
    const auto ok = checked(q.text(0));
    if (!ok) {
      if (damaged) *damaged = true;
      return std::nullopt;
    }
    results = *ok;
  }
  Statement o(db_, "SELECT path, bytes, mtime_ns FROM outputs WHERE task = ?", path_);
  o.bind(1, key);
  while (o.step()) {
    try {
      const FileStamp stamp = file_stamp(workspace_absolute(o.text(0), root_));
      if (!(stamp == FileStamp{std::uint64_t(o.integer(1)), o.integer(2)})) return std::nullopt;  // changed since
    } catch (const std::exception&) {
      return std::nullopt;  // removed since
    }
  }
  return results;
}

void WorkspaceCatalog::record_task(std::int64_t run, const std::string& key, const std::string& kind, int year,
                                   const std::vector<std::string>& scene_ids, const std::string& results,
                                   const std::vector<std::string>& outputs) {
  keep_early_digests();
  // Hashed before the transaction, which holds the write lock for milliseconds only: kept by stamp
  // (the hashes a shard took of the files it wrote are not taken again), the others in parallel.
  // A file read now gives its SHA-256 checksum in the same read, kept for STAC, which asks next.
  std::vector<StampedDigest> checksums(outputs.size());
  const std::vector<StampedDigest> hashes =
      kept_by_stamp(db_, path_, root_, read_only_, "file_hashes", "hash", outputs, [&](std::size_t i, const FileStamp& stamp) {
        HashAndChecksum both = hash_and_checksum_of_file(outputs[i]);
        checksums[i] = {outputs[i], stamp, std::move(both.checksum)};  // the stamp taken before the read: a file changed since is not kept
        return std::move(both.hash);
      });
  checksums.erase(std::remove_if(checksums.begin(), checksums.end(), [](const StampedDigest& d) { return d.digest.empty(); }), checksums.end());
  keep_checksums(checksums);
  std::string ids;
  for (const std::string& id : scene_ids) ids += (ids.empty() ? "" : " ") + id;
  in_one_transaction(db_, path_, [&] {
    Statement d(db_, "DELETE FROM tasks WHERE kind = ? AND year = ?", path_);
    d.bind(1, kind).bind(2, std::int64_t(year)).step();
    Statement t(db_, "INSERT OR REPLACE INTO tasks(key, kind, year, scene_ids, results, run, recorded) VALUES(?, ?, ?, ?, ?, ?, ?)", path_);
    t.bind(1, key).bind(2, kind).bind(3, std::int64_t(year)).bind(4, ids).bind(5, with_checksum(results)).bind(6, run).bind(7, utc_now()).step();
    kill_point("catalog-task");
    for (std::size_t i = 0; i < outputs.size(); ++i) {
      Statement o(db_,
                  "INSERT OR REPLACE INTO outputs(path, hash, bytes, mtime_ns, task, version, run, recorded) "
                  "VALUES(?, ?, ?, ?, ?, (SELECT version FROM runs WHERE id = ?), ?, ?)",
                  path_);
      o.bind(1, workspace_relative(outputs[i], root_)).bind(2, hashes[i].digest).bind(3, std::int64_t(hashes[i].stamp.bytes)).bind(4, hashes[i].stamp.mtime_ns);
      o.bind(5, key).bind(6, run).bind(7, run).bind(8, utc_now()).step();
    }
    mark_scenes_done(run, scene_ids);
  });
  kill_point("task-recorded");
}

void WorkspaceCatalog::mark_scenes_done(std::int64_t run, const std::vector<std::string>& scene_ids) {
  for (const std::string& id : scene_ids) {
    Statement s(db_, "UPDATE scenes SET status = 'done', reason = '', last_run = ?, updated = ? WHERE scene_id = ? AND status = 'pending'",
                path_);
    s.bind(1, run).bind(2, utc_now()).bind(3, id).step();
  }
}

void WorkspaceCatalog::record_outputs(std::int64_t run, const std::string& task, const std::vector<std::string>& outputs) {
  record_task(run, task, "outputs", 0, {}, "", outputs);
}

bool WorkspaceCatalog::forget_scene(const std::string& scene_id, bool restore) {
  bool known = false;
  {
    Statement q(db_, "SELECT 1 FROM scenes WHERE scene_id = ? UNION SELECT 1 FROM forgotten WHERE scene_id = ?", path_);
    q.bind(1, scene_id).bind(2, scene_id);
    known = q.step();
  }
  if (!known) return false;
  in_one_transaction(db_, path_, [&] {
    if (restore) {
      Statement d(db_, "DELETE FROM forgotten WHERE scene_id = ?", path_);
      d.bind(1, scene_id).step();
      Statement s(db_, "UPDATE scenes SET status = 'pending', reason = '' WHERE scene_id = ? AND status = 'forgotten'", path_);
      s.bind(1, scene_id).step();
    } else {
      Statement f(db_, "INSERT OR REPLACE INTO forgotten(scene_id, at) VALUES(?, ?)", path_);
      f.bind(1, scene_id).bind(2, utc_now()).step();
      Statement s(db_, "UPDATE scenes SET status = 'forgotten', reason = 'ecomon forget' WHERE scene_id = ?", path_);
      s.bind(1, scene_id).step();
    }
    // The tasks that read it (or, restored, that were made without it) are done again.
    Statement t(db_, "DELETE FROM tasks WHERE kind = 'year' AND year IN (SELECT year FROM scenes WHERE scene_id = ?)", path_);
    t.bind(1, scene_id).step();
  });
  return true;
}

bool WorkspaceCatalog::is_forgotten(const std::string& scene_id) const {
  Statement q(db_, "SELECT 1 FROM forgotten WHERE scene_id = ?", path_);
  q.bind(1, scene_id);
  return q.step();
}

void WorkspaceCatalog::drop_tasks() { exec("DELETE FROM tasks"); }

std::vector<CatalogScene> WorkspaceCatalog::scenes() const {
  std::vector<CatalogScene> out;
  Statement q(db_,
              "SELECT path, scene_id, sensor, date, footprint, bytes, content_hash, status, reason, year, last_run, updated FROM scenes "
              "ORDER BY date, scene_id, path",
              path_);
  while (q.step())
    out.push_back({q.text(0), q.text(1), q.text(2), q.text(3), q.text(4), std::uint64_t(q.integer(5)), q.text(6), q.text(7), q.text(8),
                   int(q.integer(9)), q.integer(10), q.text(11)});
  return out;
}

std::vector<CatalogRun> WorkspaceCatalog::last_runs(int n) const {
  std::vector<CatalogRun> out;
  Statement q(db_,
              "SELECT id, started, ended, host, pid, version, command, scenes_found, scenes_processed, scenes_unchanged, "
              "scenes_quarantined, years_processed, years_unchanged, megapixels, seconds, exit_status, message FROM runs "
              "ORDER BY id DESC LIMIT ?",
              path_);
  q.bind(1, std::int64_t(n));
  while (q.step()) {
    CatalogRun r;
    r.id = q.integer(0);
    r.started = q.text(1);
    r.ended = q.text(2);
    r.finished = !q.null(2);
    r.host = q.text(3);
    r.pid = q.integer(4);
    r.version = q.text(5);
    r.command = q.text(6);
    r.summary = {q.integer(7), q.integer(8),  q.integer(9), q.integer(10), q.integer(11), q.integer(12),
                 q.real(13),   q.real(14), int(q.integer(15)), q.text(16)};
    out.push_back(std::move(r));
  }
  return out;
}

namespace {

std::vector<std::string> split_ids(const std::string& text) {
  std::vector<std::string> ids;
  std::size_t at = 0;
  while (at < text.size()) {
    const std::size_t end = std::min(text.find(' ', at), text.size());
    if (end > at) ids.push_back(text.substr(at, end - at));
    at = end + 1;
  }
  std::sort(ids.begin(), ids.end());
  return ids;
}

}  // namespace

std::vector<PublishedFigure> WorkspaceCatalog::published_figures(std::int64_t& run) const {
  std::vector<PublishedFigure> out;
  run = 0;
  Statement q(db_, "SELECT source, unit_code, unit_name, year, indicator, value, run FROM published ORDER BY source, unit_code, year, indicator",
              path_);
  while (q.step()) {
    out.push_back({q.text(0), q.text(1), q.text(2), int(q.integer(3)), q.text(4), q.text(5)});
    run = std::max(run, q.integer(6));
  }
  return out;
}

std::int64_t WorkspaceCatalog::publication_run() const {
  Statement q(db_, "SELECT coalesce(max(run), 0) FROM published_years", path_);
  return q.step() ? q.integer(0) : 0;
}

std::map<int, PublishedYear> WorkspaceCatalog::published_years() const {
  std::map<int, PublishedYear> out;
  Statement q(db_, "SELECT year, key, scene_ids FROM published_years", path_);
  while (q.step()) out[int(q.integer(0))] = {int(q.integer(0)), q.text(1), split_ids(q.text(2))};
  return out;
}

std::map<int, PublishedYear> WorkspaceCatalog::year_tasks() const {
  std::map<int, PublishedYear> out;
  Statement q(db_, "SELECT year, key, scene_ids FROM tasks WHERE kind = 'year'", path_);
  while (q.step()) out[int(q.integer(0))] = {int(q.integer(0)), q.text(1), split_ids(q.text(2))};
  return out;
}

void WorkspaceCatalog::publish(std::int64_t run, const std::vector<PublishedFigure>& figures, const std::map<int, PublishedYear>& years,
                               const std::vector<Revision>& revisions) {
  in_one_transaction(db_, path_, [&] {
    exec("DELETE FROM published");
    for (const PublishedFigure& f : figures) {
      Statement i(db_, "INSERT INTO published(source, unit_code, unit_name, year, indicator, value, run) VALUES(?, ?, ?, ?, ?, ?, ?)", path_);
      i.bind(1, f.source).bind(2, f.unit_code).bind(3, f.unit_name).bind(4, std::int64_t(f.year)).bind(5, f.indicator).bind(6, f.value);
      i.bind(7, run).step();
    }
    for (const auto& [year, y] : years) {
      std::string ids;
      for (const std::string& id : y.scene_ids) ids += (ids.empty() ? "" : " ") + id;
      Statement i(db_, "INSERT OR REPLACE INTO published_years(year, key, scene_ids, run) VALUES(?, ?, ?, ?)", path_);
      i.bind(1, std::int64_t(year)).bind(2, y.key).bind(3, ids).bind(4, run).step();
    }
    for (const Revision& v : revisions) {
      Statement i(db_,
                  "INSERT INTO revisions(run, source, unit_code, unit_name, year, indicator, previous, value, previous_run, reason) "
                  "VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                  path_);
      i.bind(1, run).bind(2, v.source).bind(3, v.unit_code).bind(4, v.unit_name).bind(5, std::int64_t(v.year)).bind(6, v.indicator);
      i.bind(7, v.previous).bind(8, v.value).bind(9, std::int64_t(v.previous_run)).bind(10, v.reason).step();
    }
  });
}

std::vector<Revision> WorkspaceCatalog::revisions_of_run(std::int64_t run) const {
  std::vector<Revision> out;
  Statement q(db_,
              "SELECT source, unit_code, unit_name, year, indicator, previous, value, reason, previous_run FROM revisions WHERE run = ? "
              "ORDER BY rowid",
              path_);
  q.bind(1, run);
  while (q.step())
    out.push_back({q.text(0), q.text(1), q.text(2), int(q.integer(3)), q.text(4), q.text(5), q.text(6), q.text(7), q.integer(8)});
  return out;
}

std::int64_t WorkspaceCatalog::task_count() const {
  Statement q(db_, "SELECT count(*) FROM tasks WHERE kind = 'year'", path_);
  q.step();
  return q.integer(0);
}

}  // namespace ecomon
