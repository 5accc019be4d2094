#pragma once
// A scene's task done by a shard (`ecomon run CONFIG --shard I/N`), kept as a file in the shared
// workspace, tasks/scene-<key>.json, written atomically (a rename in one folder): shards on many
// machines never write the same file, and never the SQLite catalog (unsafe over NFS). The run that
// follows them (the reduce: a plain `ecomon run`) takes a task's results instead of doing the scene
// again when the key is the same and every file the task wrote is still there; it records them in
// its catalog as its own. The results go through the catalog's one serialisation
// (catalog/stored_year.hpp); the season inputs, which a stored year does not keep, are listed beside.
#include <optional>
#include <set>
#include <string>

#include "catalog/content_hash.hpp"
#include "engine/season_engine.hpp"
#include "report/report_writer.hpp"
#include "results/scene_result.hpp"

namespace ecomon {

struct SceneTaskRecord {
  std::string key;  // scene_task_key
  int year = 0;
  SceneResult result;  // zones left empty: the run's own
  StatusRow status;    // ok, or failed with the reason (a scene that cannot be read is a task done, with that result)
  /// The checksums of the products (STAC's file:checksum), hashed by the shard, so that the reduce,
  /// which runs after every shard, does not read every scene's rasters again to describe them.
  std::vector<StampedDigest> checksums;
  /// The content hashes (catalog/content_hash.hpp) of the scene's files, which key its task, and of
  /// the products, which the catalog records: the reduce keeps them rather than reading every scene
  /// again (kept_task_hashes).
  std::vector<StampedDigest> hashes;
};

/// The checksums (SHA-256 multihashes, base/file_checksum.hpp) and the content hashes (hash_file) of
/// `files`, in order, each with the file's stamp: one read of each file feeds both, the files in
/// parallel. Throws OutputError naming the first file that cannot be read.
struct ChecksumsAndHashes {
  std::vector<StampedDigest> checksums, hashes;
};
ChecksumsAndHashes checksums_and_hashes_of_files(const std::vector<std::string>& files);

/// The folder of the tasks' files and of the season inputs they keep (tasks/ in the workspace).
std::string scene_tasks_dir(const std::string& root);
/// Where the season inputs of a task are written (tasks/scene-<key>/).
std::string scene_task_work_dir(const std::string& root, const std::string& key);

/// Writes the task's file atomically, its paths relative to `root`.
void write_scene_task(const std::string& root, const SceneTaskRecord& task);

/// What a task's file in the workspace gave: the task when it can be taken, and whether there was a
/// file at all. A file that is there but cannot be taken is done with all the same (the work is done
/// again and the file removed), so a run needs both.
template <class Task>
struct TaskFile {
  std::optional<Task> task;  // none: no file, or one that cannot be taken
  bool found = false;        // a file (or anything else) at the task's name
};

/// The task's record when its file is there, reads back, has the same key and every file it names
/// (products and season inputs) exists; otherwise no task (the scene is done again). A damaged file,
/// or one naming a file that is gone, is said in the log.
TaskFile<SceneTaskRecord> read_scene_task(const std::string& root, const std::string& key);

/// The content hashes listed by every scene task in the workspace (a task file that cannot be taken
/// lists none): for a run to keep in its catalog before it hashes the scenes.
std::vector<StampedDigest> kept_task_hashes(const std::string& root);

/// Removes the task's file (its season inputs go with the year that reads them).
void remove_scene_task(const std::string& root, const std::string& key);
/// Removes the task's file and its season inputs: a task no year takes (done again, or stale).
void discard_scene_task(const std::string& root, const std::string& key);

// A season tile task (a band of rows of a year's regional grid, engine/season_engine.hpp), kept the
// same way: tasks/season-<key>.json, written last and atomically, beside tasks/season-<key>/ with
// the tile's product rows and its results as text (tallies.txt, which the JSON names). Done by a
// shard once every scene task of its year is.

/// Where the tile's product rows are written (tasks/season-<key>/).
std::string season_task_dir(const std::string& root, const std::string& key);
/// Writes the tile task's file atomically, its paths relative to `root`.
void write_season_task(const std::string& root, const std::string& key, int year, const SeasonTile& tile);
/// The tile when its file is there, reads back, has the same key and every file it names exists;
/// otherwise no tile (it is made again). A damaged file, or one naming a file that is gone, is said
/// in the log.
TaskFile<SeasonTile> read_season_task(const std::string& root, const std::string& key);
/// Whether read_season_task would give the tile, without parsing its tallies (a megabyte of text a
/// tile): the task's file records their hash and the product files they name. What a shard and
/// `ecomon plan` ask of every tile; only the reduce takes the tallies.
bool season_task_done(const std::string& root, const std::string& key);
/// Removes the tile task's file and its folder.
void remove_season_task(const std::string& root, const std::string& key);

/// Removes every scene and tile task whose key is not in `keep` (left by shards run with other
/// settings or on inputs that changed since: no run of this config takes them); returns how many.
std::size_t remove_tasks_but(const std::string& root, const std::set<std::string>& keep);

}  // namespace ecomon
