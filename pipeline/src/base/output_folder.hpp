#pragma once
// The output folder of a run: the only place ecomon writes. Every output path is built by
// path_inside(), which refuses any result outside the folder, whatever names the input metadata
// carried; and the folder is held with an exclusive lock for the whole run, so two runs cannot
// interleave their files (a second run stops at once, naming the holder).
#include <stdexcept>
#include <string>
#include <vector>

#include "base/errors.hpp"

namespace ecomon {

/// `root`/`parts[0]`/`parts[1]`/... Each part must be a single non-empty path component (no "/",
/// no "." or "..", no NUL); the result must lie inside `root`. Throws OutputError otherwise.
std::string path_inside(const std::string& root, const std::vector<std::string>& parts);

class OutputFolder {
 public:
  /// Creates `dir` if needed and takes its lock (`dir`/.ecomon.lock, flock). Throws OutputError
  /// naming the holder (pid, host, start time) when another run has it.
  /// With `wait`, waits for the holder to finish instead (saying so once; Ctrl-C still stops).
  explicit OutputFolder(const std::string& dir, bool wait = false);
  /// A shard's view of a folder that many shards share (`ecomon run --shard I/N`, on several machines):
  /// no lock (each shard writes only files of its own tasks, under names no other shard uses, and
  /// never the catalog), no clean-up of other processes' partial files (they may be live shards on
  /// another machine), a scratch folder named by host and pid (.tmp/shard-<host>-<pid>).
  struct Shared {};
  OutputFolder(const std::string& dir, Shared);
  ~OutputFolder();
  OutputFolder(const OutputFolder&) = delete;
  OutputFolder& operator=(const OutputFolder&) = delete;

  const std::string& root() const { return root_; }
  std::string path(const std::vector<std::string>& parts) const { return path_inside(root_, parts); }
  /// This run's scratch folder (`dir`/.tmp/<pid>), removed with its parent when empty at the end
  /// (a shard leaves the parent to the reduce).
  const std::string& work_dir() const { return work_dir_; }
  /// Removes the scratch folder if empty (every writer removed its temporary files).
  void remove_empty_work_dir() const;

 private:
  void remove_leftovers_of_dead_runs() const;
  void remove_empty_parent() const;
  std::string root_, work_dir_;
  int lock_fd_ = -1;
  bool shared_ = false;  // a shard's view (Shared)
};

}  // namespace ecomon
