#include "catalog/scene_task.hpp"

#include <spdlog/spdlog.h>

#include <filesystem>
#include <iterator>

#include <nlohmann/json.hpp>

#include "base/errors.hpp"
#include "base/file_checksum.hpp"
#include "catalog/content_hash.hpp"
#include "catalog/stored_year.hpp"
#include "catalog/workspace_catalog.hpp"
#include "libgeo/io/raster.hpp"
#include "libgeo/io/vsi.hpp"

namespace ecomon {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr const char* kFormat = "ecomon-scene-task-1";

std::string task_file(const std::string& root, const std::string& key) { return scene_tasks_dir(root) + "/scene-" + key + ".json"; }

// A task's file as JSON, of `format` and `key`; throws std::runtime_error on anything else.
json read_task_json(const std::string& path, const char* format, const std::string& key) {
  json file = json::parse(geo::io::read_text_file(path));
  if (file.at("format") != format || file.at("key") != key) throw std::runtime_error("another format or key");
  return file;
}

}  // namespace

std::string scene_tasks_dir(const std::string& root) { return (fs::path(root) / "tasks").string(); }

namespace {

json stamped_digests_json(const std::vector<StampedDigest>& digests, const char* name, const std::string& root) {
  json out = json::array();
  for (const StampedDigest& d : digests)
    out.push_back({{"path", workspace_relative(d.path, root)}, {"bytes", d.stamp.bytes}, {"mtime_ns", d.stamp.mtime_ns}, {name, d.digest}});
  return out;
}

std::vector<StampedDigest> stamped_digests_from(const json& file, const char* key, const char* name, const std::string& root) {
  std::vector<StampedDigest> out;
  if (const auto list = file.find(key); list != file.end())
    for (const auto& k : *list)
      out.push_back({workspace_absolute(k.at("path").get<std::string>(), root),
                     {k.at("bytes").get<std::uint64_t>(), k.at("mtime_ns").get<std::int64_t>()},
                     k.at(name).get<std::string>()});
  return out;
}

}  // namespace

ChecksumsAndHashes checksums_and_hashes_of_files(const std::vector<std::string>& files) {
  ChecksumsAndHashes out;
  for (const std::string& f : files) {
    const FileStamp stamp = file_stamp(f);  // taken before the digests: a file changed since is digested anew by whoever keeps them
    out.checksums.push_back({f, stamp, {}}), out.hashes.push_back({f, stamp, {}});
  }
  for_each_in_parallel(files.size(), [&](std::size_t i) {
    Sha256Multihash checksum(files[i]);
    FileContentHash hash;
    const std::string problem = read_file_in_pieces(files[i], "hash", [&](const char* bytes, std::size_t n) {
      checksum.add(bytes, n);
      hash.add(bytes, n);
    });
    if (!problem.empty()) throw OutputError(problem + " (to checksum and hash it)");
    out.checksums[i].digest = checksum.finish(), out.hashes[i].digest = hash.finish();
  });
  return out;
}

std::string scene_task_work_dir(const std::string& root, const std::string& key) { return scene_tasks_dir(root) + "/scene-" + key; }

void write_scene_task(const std::string& root, const SceneTaskRecord& task) {
  // The scene's results as a one-scene stored year: the catalog's own serialisation, paths relative.
  StoredYear one;
  one.year.year = task.year;
  one.scenes = {task.result};
  one.statuses = {task.status};
  json season_inputs = json::object();
  for (const auto& [name, path] : task.result.season_inputs.paths) season_inputs[name] = workspace_relative(path, root);
  json work_files = json::array();
  for (const std::string& path : task.result.season_inputs.work_files) work_files.push_back(workspace_relative(path, root));
  const json file = {{"format", kFormat},
                     {"key", task.key},
                     {"year", task.year},
                     {"scene_id", task.status.scene_id},
                     {"status", task.status.status},
                     {"results", serialise_stored_year(one, root)},
                     {"season_inputs", season_inputs},
                     {"work_files", work_files},
                     {"checksums", stamped_digests_json(task.checksums, "sha256", root)},
                     {"hashes", stamped_digests_json(task.hashes, "hash", root)}};
  fs::create_directories(scene_tasks_dir(root));
  geo::io::write_file_atomically(task_file(root, task.key), file.dump(1) + "\n");
}

TaskFile<SceneTaskRecord> read_scene_task(const std::string& root, const std::string& key) {
  const std::string path = task_file(root, key);
  std::error_code ec;
  if (!fs::exists(fs::symlink_status(path, ec))) return {};
  try {
    const json file = read_task_json(path, kFormat, key);
    const StoredYear one = parse_stored_year(file.at("results").get<std::string>(), root);
    if (one.statuses.size() != 1) throw std::runtime_error("not one scene's status");
    SceneTaskRecord task;
    task.key = key;
    task.year = file.at("year").get<int>();
    task.status = one.statuses.front();
    if (task.status.status == "ok") {
      if (one.scenes.size() != 1) throw std::runtime_error("not one scene's results");
      task.result = one.scenes.front();
      for (const auto& [name, relative] : file.at("season_inputs").items())
        task.result.season_inputs.paths[name] = workspace_absolute(relative.get<std::string>(), root);
      for (const auto& relative : file.at("work_files")) task.result.season_inputs.work_files.push_back(workspace_absolute(relative, root));
      task.checksums = stamped_digests_from(file, "checksums", "sha256", root);
      // Every file the task wrote is still there, or the scene is done again.
      for (const std::string& p : task.result.products)
        if (!fs::is_regular_file(p, ec)) throw std::runtime_error("it names " + p + ", which is not there");
      for (const auto& [name, p] : task.result.season_inputs.paths)
        if (!fs::is_regular_file(p, ec)) throw std::runtime_error("it names " + p + ", which is not there");
    }
    return {std::move(task), true};
  } catch (const std::exception& e) {
    spdlog::warn("{}: a shard's task file that cannot be taken ({}); the scene is done again", path, e.what());
    return {std::nullopt, true};
  }
}

std::vector<StampedDigest> kept_task_hashes(const std::string& root) {
  std::vector<StampedDigest> out;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(scene_tasks_dir(root), ec)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind("scene-", 0) != 0 || entry.path().extension() != ".json") continue;
    try {
      const json file = read_task_json(entry.path().string(), kFormat, entry.path().stem().string().substr(6));
      std::vector<StampedDigest> listed = stamped_digests_from(file, "hashes", "hash", root);
      std::move(listed.begin(), listed.end(), std::back_inserter(out));
    } catch (const std::exception&) {
      // read_scene_task says what is wrong with it when its scene comes
    }
  }
  return out;
}

void remove_scene_task(const std::string& root, const std::string& key) {
  std::error_code ec;
  fs::remove(task_file(root, key), ec);
  fs::remove(scene_task_work_dir(root, key), ec);  // empty once its year removed the season inputs
  fs::remove(scene_tasks_dir(root), ec);           // empty once every task was taken
}

void discard_scene_task(const std::string& root, const std::string& key) {
  std::error_code ec;
  fs::remove_all(scene_task_work_dir(root, key), ec);
  remove_scene_task(root, key);
}

namespace {

constexpr const char* kSeasonFormat = "ecomon-season-task-3";

std::string season_task_file(const std::string& root, const std::string& key) { return scene_tasks_dir(root) + "/season-" + key + ".json"; }

}  // namespace

std::string season_task_dir(const std::string& root, const std::string& key) { return scene_tasks_dir(root) + "/season-" + key; }

namespace {

// The tile's tallies (a zone's tally per row: about a kilobyte a zone and row) beside its product
// rows as plain text, not a JSON string: read back without unescaping a megabyte per tile, which was
// half of what the reduce spent taking a tile's results. Its name relative to tasks/, as the task's
// JSON gives it, and its path.
std::string season_tally_name(const std::string& key) { return "season-" + key + "/tallies.txt"; }
std::string season_tally_file(const std::string& root, const std::string& key) { return scene_tasks_dir(root) + "/" + season_tally_name(key); }

}  // namespace

void write_season_task(const std::string& root, const std::string& key, int year, const SeasonTile& tile) {
  fs::create_directories(season_task_dir(root, key));
  const std::string tallies = serialise_season_tile(tile, root);
  geo::io::write_file_atomically(season_tally_file(root, key), tallies);
  json product_files = json::array();
  for (const std::string& p : tile.product_files)
    if (!p.empty()) product_files.push_back(workspace_relative(p, root));
  // The tallies' hash and the files they name: a shard asks whether a tile is done without parsing them.
  const json file = {{"format", kSeasonFormat}, {"key", key}, {"year", year}, {"row0", tile.row0}, {"rows", tile.rows},
                     {"results", season_tally_name(key)}, {"results_hash", hash_text(tallies)}, {"product_files", product_files}};
  geo::io::write_file_atomically(season_task_file(root, key), file.dump(1) + "\n");
}

namespace {

// The tile task's tallies when its file names them, they hash to what it recorded and every product
// file it names is there; else throws saying what is wrong.
std::string checked_season_tallies(const std::string& root, const std::string& key, const std::string& path) {
  const json file = read_task_json(path, kSeasonFormat, key);
  if (file.at("results") != season_tally_name(key)) throw std::runtime_error("its results are not its tile's tallies.txt");
  std::string tallies = geo::io::read_text_file(season_tally_file(root, key));
  if (hash_text(tallies) != file.at("results_hash").get<std::string>()) throw std::runtime_error("its tallies.txt is not the one it wrote");
  std::error_code ec;
  for (const auto& relative : file.at("product_files")) {
    const std::string p = workspace_absolute(relative.get<std::string>(), root);
    if (!fs::is_regular_file(p, ec)) throw std::runtime_error("it names " + p + ", which is not there");
  }
  return tallies;
}

// The tile task's file taken by `take` (given its checked tallies); no task, after saying why in the
// log, when the file cannot be taken. What reading the tile and asking whether it is done share.
template <typename Take>
auto taken_season_task(const std::string& root, const std::string& key, Take take) -> TaskFile<decltype(take(std::string()))> {
  const std::string path = season_task_file(root, key);
  std::error_code ec;
  if (!fs::exists(fs::symlink_status(path, ec))) return {};
  try {
    return {take(checked_season_tallies(root, key, path)), true};
  } catch (const std::exception& e) {
    spdlog::warn("{}: a shard's task file that cannot be taken ({}); the tile is made again", path, e.what());
    return {std::nullopt, true};
  }
}

}  // namespace

TaskFile<SeasonTile> read_season_task(const std::string& root, const std::string& key) {
  return taken_season_task(root, key, [&](const std::string& tallies) { return parse_season_tile(tallies, root); });
}

bool season_task_done(const std::string& root, const std::string& key) {
  return taken_season_task(root, key, [](const std::string&) { return true; }).task.has_value();
}

void remove_season_task(const std::string& root, const std::string& key) {
  std::error_code ec;
  fs::remove(season_task_file(root, key), ec);
  fs::remove_all(season_task_dir(root, key), ec);
  fs::remove(scene_tasks_dir(root), ec);  // empty once every task was taken
}

std::size_t remove_tasks_but(const std::string& root, const std::set<std::string>& keep) {
  std::set<std::pair<std::string, std::string>> other;  // (kind, key)
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(scene_tasks_dir(root), ec)) {
    const std::string name = e.path().filename().string();
    for (const std::string kind : {"scene", "season"}) {
      if (name.rfind(kind + "-", 0) != 0) continue;
      std::string key = name.substr(kind.size() + 1);
      if (key.size() > 5 && key.compare(key.size() - 5, 5, ".json") == 0) key.resize(key.size() - 5);
      if (!keep.count(key)) other.insert({kind, key});
    }
  }
  for (const auto& [kind, key] : other) {
    if (kind == "scene")
      discard_scene_task(root, key);  // its season inputs too: no year reads them
    else
      remove_season_task(root, key);
  }
  return other.size();
}

}  // namespace ecomon
