// The run spread over shards (`ecomon run CONFIG --shard I/N`, as a Slurm job array or GNU parallel
// would start them: once for the scene tasks, once more for the season tiles) and the plain run that
// follows (the reduce): every output byte-identical to one `ecomon run` in one process, for 1, 2 or 3
// shards, any tile size (run.tile_rows) and any thread count, also when only some tiles were made by
// shards; `ecomon plan` shows the tasks and their shares; a shard run again does nothing; a scene
// that cannot be read fails in its shard as it fails in one process (reported, quarantined), and
// does not hold back the reduce; a task file cut short or gone is done again by the reduce, and its
// files removed; a workspace sharded through a relative path and then moved is taken whole.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <functional>
#include <fstream>
#include <map>
#include <regex>
#include <set>

#include <nlohmann/json.hpp>

#include "catalog/content_hash.hpp"
#include "catalog/workspace_catalog.hpp"
#include "helpers.hpp"
#include "simulator.hpp"

using namespace testing_helpers;
namespace fs = std::filesystem;

namespace {

struct Shards : ::testing::Test {
  static inline fs::path dir;
  static inline std::string args;  // the run's inputs, without --out
  static inline std::map<std::string, std::string> single;
  static inline int single_exit = -1;

  // `--shard 0/1` on one thread into `out`: the scene tasks the first time, the season tiles the next.
  static void one_shard_of_one(const fs::path& out, const std::string& settings) {
    const auto s = run_cli("run " + args + settings + " --out " + out.string() + " --threads 1 --shard 0/1");
    ASSERT_EQ(s.exit_code, 0) << s.output;
  }

  static void SetUpTestSuite() {
    dir = fresh_dir("shards");
    simulate_two_summers(dir / "scenes", 7100);
    // One more scene of 2023 whose red band is cut short: it fails when its bands are read.
    ecomon::SimulationOptions o;
    o.output_dir = (dir / "scenes").string();
    o.west = 106.80, o.east = 107.00, o.south = 40.45, o.north = 40.75, o.utm_zone = 48, o.clouds = 1, o.seed = 7199, o.pixel_size = 60;
    o.date = "2023-08-26";
    const auto bad = ecomon::simulate_scene(o);
    for (const auto& e : fs::directory_iterator(bad.folder))
      if (e.path().filename().string().find("SR_B4") != std::string::npos) fs::resize_file(e.path(), 600);
    const std::string zones = write_two_zones_and_city_target(dir);
    args = "/dev/null --input " + (dir / "scenes").string() + " --zones " + zones + " --set season.pixel_size=60 --targets " +
           (dir / "targets.yaml").string();
    const auto r = run_cli("run " + args + " --out " + (dir / "single").string() + " --threads 2");
    single_exit = r.exit_code;
    single = without_revisions(folder_bytes(dir / "single"));
  }

  // What every reduce of shards' work says: its exit code is one process's, tiles made by shards
  // were taken (when `tiles_taken`), and the scene a shard did was not decoded again.
  static void expect_shards_work_taken(const CommandResult& reduce, bool tiles_taken) {
    EXPECT_EQ(reduce.exit_code, single_exit) << reduce.output;
    if (tiles_taken) {
      EXPECT_NE(reduce.output.find("tiles made by shards, taken"), std::string::npos) << reduce.output;
    }
    EXPECT_EQ(reduce.output.find("LC08_L2SP_129032_20220715_20220715_02_T1 (LANDSAT_8 2022-07-15"), std::string::npos)
        << "the reduce decoded a scene a shard did\n"
        << reduce.output;
  }

  // `tile_shards`: the shards that run the second time (the season tiles); the reduce makes the
  // tiles of the others itself.
  // `before_reduce`: what befalls the shards' work before the reduce runs; the reduce's log to `log`.
  static std::map<std::string, std::string> sharded(const std::string& name, int shards, int reduce_threads, int tile_rows,
                                                    int tile_shards = -1, const std::function<void(const fs::path&)>& before_reduce = {},
                                                    std::string* log = nullptr) {
    const fs::path out = dir / name;
    const std::string tiles = " --set run.tile_rows=" + std::to_string(tile_rows);
    for (int pass = 0; pass < 2; ++pass)
      for (int i = 0; i < (pass == 0 || tile_shards < 0 ? shards : tile_shards); ++i) {
        const auto s = run_cli("run " + args + tiles + " --out " + out.string() + " --threads 1 --shard " + std::to_string(i) + "/" +
                               std::to_string(shards));
        EXPECT_EQ(s.exit_code, 0) << s.output;
        EXPECT_NE(s.output.find(pass == 0 ? " scene tasks are this shard's" : " season tile tasks are this shard's"), std::string::npos)
            << s.output;
      }
    EXPECT_TRUE(fs::exists(out / "tasks")) << "the shards' task files";
    EXPECT_FALSE(fs::exists(out / "catalog.sqlite")) << "a shard writes no catalog";
    if (before_reduce) before_reduce(out);
    const auto reduce = run_cli("run " + args + tiles + " --out " + out.string() + " --threads " + std::to_string(reduce_threads));
    expect_shards_work_taken(reduce, tile_shards != 0);
    EXPECT_NE(reduce.output.find("done by a shard"), std::string::npos) << reduce.output;
    EXPECT_FALSE(fs::exists(out / "tasks")) << "the task files taken are removed";
    if (log) *log = reduce.output;
    return without_revisions(folder_bytes(out));
  }
};

}  // namespace

TEST_F(Shards, ThreeShardsAndTheReduceGiveTheBytesOfOneProcess) {
  ASSERT_EQ(single_exit, 3) << "the cut scene fails";
  ASSERT_GT(single.size(), 40u);
  EXPECT_EQ(differing(sharded("three", 3, 2, 64), single), std::vector<std::string>{});
  const auto status = parse_csv(read_file(dir / "three" / "scene_status.csv"));
  int failed = 0;
  for (const auto& row : status) failed += row.at("status") == "failed";
  EXPECT_EQ(failed, 1);
}

TEST_F(Shards, OneOrTwoShardsAnyTileSizeAndOneThreadGiveTheSameBytes) {
  EXPECT_EQ(differing(sharded("one", 1, 1, 1024), single), std::vector<std::string>{});
  EXPECT_EQ(differing(sharded("two", 2, 1, 37), single), std::vector<std::string>{});
}

TEST_F(Shards, TheReduceMakesTheTilesNoShardMadeAndGivesTheSameBytes) {
  // Of three shards, only the first ran for the tiles: the reduce takes its tiles and makes the rest.
  EXPECT_EQ(differing(sharded("some_tiles", 3, 2, 100, 1), single), std::vector<std::string>{});
  // No shard ran for the tiles: the reduce makes every tile, from the shards' scene tasks.
  EXPECT_EQ(differing(sharded("no_tiles", 2, 2, 100, 0), single), std::vector<std::string>{});
}

// Two years of the same size over two shards: whole years are shared, and a shard makes its year's
// tiles right after its scenes, in the same start. The plan says so and gives every task of a year
// one shard; the second pass finds nothing left; the reduce gives one process's bytes.
TEST_F(Shards, WholeYearsSharedMakeTheirTilesInTheFirstPassAndGiveTheSameBytes) {
  const fs::path scenes = dir / "two_summers";
  simulate_two_summers(scenes, 7100);  // the fixture's scenes without the cut one: two a year, alike
  const std::string year_args = std::regex_replace(args, std::regex("--input \\S+"), "--input " + scenes.string()) + " --set run.tile_rows=80";
  ASSERT_NE(year_args.find(scenes.string()), std::string::npos) << year_args;
  const auto one = run_cli("run " + year_args + " --out " + (dir / "years_single").string() + " --threads 2");
  ASSERT_TRUE(one.exit_code == 0 || one.exit_code == 3) << one.output;  // 3: a target not met
  const fs::path out = dir / "years_sharded";
  const auto planned = run_cli("plan " + year_args + " --out " + out.string() + " --shards 2 --format json");
  ASSERT_EQ(planned.exit_code, 0) << planned.output;
  const auto json_text = planned.output.substr(planned.output.find("{\n"));
  const auto plan = nlohmann::json::parse(json_text.substr(0, json_text.rfind('}') + 1));
  EXPECT_TRUE(plan.at("shared_by_year").get<bool>()) << plan.dump(1);
  std::map<std::string, std::set<int>> shards_of_year;  // "2022" -> the shards of its scene and tile tasks
  for (const auto& t : plan.at("tasks")) {
    if (!t.contains("shard")) continue;
    // A scene's inputs are its folder (LC08_L2SP_129032_20220715_...), a tile's start with its year.
    const std::string inputs = t.at("inputs");
    const std::string name = t.at("kind") == "scene" ? fs::path(inputs).filename().string() : inputs;
    const std::string year = name.find(t.at("kind") == "scene" ? "_2022" : "2022 ") != std::string::npos ? "2022" : "2023";
    shards_of_year[year].insert(t.at("shard").get<int>());
  }
  EXPECT_EQ(shards_of_year["2022"].size(), 1u) << plan.dump(1);
  EXPECT_EQ(shards_of_year["2023"].size(), 1u) << plan.dump(1);
  EXPECT_NE(shards_of_year["2022"], shards_of_year["2023"]) << plan.dump(1);

  for (int i = 0; i < 2; ++i) {
    const auto s = run_cli("run " + year_args + " --out " + out.string() + " --threads 1 --shard " + std::to_string(i) + "/2");
    ASSERT_EQ(s.exit_code, 0) << s.output;
    EXPECT_NE(s.output.find("2 of 4 scene tasks are this shard's; 2 done now"), std::string::npos) << s.output;
    EXPECT_NE(s.output.find("whole years are shared"), std::string::npos) << s.output;
    std::smatch m;
    ASSERT_TRUE(std::regex_search(s.output, m, std::regex("(\\d+) of (\\d+) season tile tasks are this shard's; (\\d+) done now"))) << s.output;
    EXPECT_EQ(m[1], m[3]) << "every tile of its year, in the same start\n" << s.output;
    EXPECT_EQ(2 * std::stoi(m[1]), std::stoi(m[2])) << s.output;
  }
  for (int i = 0; i < 2; ++i) {  // the second pass of a job array: nothing left
    const auto s = run_cli("run " + year_args + " --out " + out.string() + " --threads 1 --shard " + std::to_string(i) + "/2");
    ASSERT_EQ(s.exit_code, 0) << s.output;
    EXPECT_TRUE(std::regex_search(s.output, std::regex("season tile tasks are this shard's; 0 done now"))) << s.output;
  }
  const auto reduce = run_cli("run " + year_args + " --out " + out.string() + " --threads 2");
  EXPECT_EQ(reduce.exit_code, one.exit_code) << reduce.output;
  EXPECT_NE(reduce.output.find("tiles made by shards, taken"), std::string::npos) << reduce.output;
  EXPECT_EQ(differing(without_revisions(folder_bytes(out)), without_revisions(folder_bytes(dir / "years_single"))), std::vector<std::string>{});
}

// A scene task cut short, and tile tasks whose tallies are gone or cut short (a disk that filled, a
// copy that stopped), are said in the log and done again by the reduce: the same bytes as one
// process, and no task's files left behind.
TEST_F(Shards, TasksWhoseFilesAreGoneOrCutShortAreDoneAgain) {
  std::vector<fs::path> tallies, scene_tasks;
  const auto damage = [&](const fs::path& out) {
    for (const auto& e : fs::directory_iterator(out / "tasks")) {
      const std::string name = e.path().filename().string();
      if (name.rfind("season-", 0) == 0 && fs::exists(e.path() / "tallies.txt")) tallies.push_back(e.path() / "tallies.txt");
      if (name.rfind("scene-", 0) == 0 && e.path().extension() == ".json") scene_tasks.push_back(e.path());
    }
    std::sort(tallies.begin(), tallies.end());
    std::sort(scene_tasks.begin(), scene_tasks.end());
    // Not the task of the scene sharded() checks the reduce did not decode (task keys change with
    // the binary, so their order does too).
    scene_tasks.erase(std::remove_if(scene_tasks.begin(), scene_tasks.end(),
                                     [](const fs::path& p) { return read_file(p).find("\"scene_id\": \"LC08_L2SP_129032_20220715") != std::string::npos; }),
                      scene_tasks.end());
    ASSERT_GE(tallies.size(), 2u);
    ASSERT_GE(scene_tasks.size(), 1u);
    fs::remove(tallies[0]);
    fs::resize_file(tallies[1], fs::file_size(tallies[1]) / 2);
    fs::resize_file(scene_tasks[0], fs::file_size(scene_tasks[0]) / 2);
  };
  std::string log;
  EXPECT_EQ(differing(sharded("damaged_tasks", 2, 1, 100, -1, damage, &log), single), std::vector<std::string>{});
  for (std::size_t t = 0; t < 2 && t < tallies.size(); ++t) {
    const std::string task = tallies[t].parent_path().string() + ".json";
    EXPECT_NE(log.find(task + ": a shard's task file that cannot be taken"), std::string::npos) << task << "\n" << log;
  }
  if (!scene_tasks.empty()) {
    EXPECT_NE(log.find(scene_tasks[0].string() + ": a shard's task file that cannot be taken ("), std::string::npos) << log;
  }
}

// Shards started in the project's folder with a relative `--out` (as a job array submitted from
// there runs), and the workspace then moved: its task files name their files inside it, so the
// reduce in its new place, from another working directory, takes every task and decodes nothing.
TEST_F(Shards, AWorkspaceShardedThroughARelativePathAndThenMovedIsTaken) {
  const std::string tiles = " --set run.tile_rows=100";
  for (int pass = 0; pass < 2; ++pass) {
    const auto s = run_shell("cd '" + dir.string() + "' && " + ecomon_binary() + " run " + args + tiles + " --out relative --threads 1 --shard 0/1");
    ASSERT_EQ(s.exit_code, 0) << s.output;
  }
  ASSERT_TRUE(fs::exists(dir / "relative" / "tasks"));
  fs::rename(dir / "relative", dir / "moved");
  const auto reduce = run_cli("run " + args + tiles + " --out " + (dir / "moved").string() + " --threads 2");
  expect_shards_work_taken(reduce, true);
  EXPECT_EQ(reduce.output.find("cannot be taken"), std::string::npos) << reduce.output;
  EXPECT_EQ(differing(without_revisions(folder_bytes(dir / "moved")), single), std::vector<std::string>{});
}

TEST_F(Shards, PlanShowsTheTasksTheirSharesAndWhatIsDoneAndAShardRunAgainDoesNothing) {
  const fs::path out = dir / "planned";
  const auto before = run_cli("plan " + args + " --out " + out.string() + " --shards 2 --format json");
  ASSERT_EQ(before.exit_code, 0) << before.output;
  EXPECT_FALSE(fs::exists(out)) << "a plan writes nothing";
  const auto json_text = before.output.substr(before.output.find("{\n"));
  const auto plan = nlohmann::json::parse(json_text.substr(0, json_text.rfind('}') + 1));
  std::map<std::string, int> kinds, per_shard;
  for (const auto& t : plan.at("tasks")) {
    ++kinds[t.at("kind").get<std::string>()];
    EXPECT_EQ(t.at("status"), "pending") << t.dump();
    if (t.at("kind") == "scene") {
      ++per_shard[std::to_string(t.at("shard").get<int>())];
      EXPECT_GT(t.at("megapixels").get<double>(), 0.1) << t.dump();
      EXPECT_GT(t.at("seconds").get<double>(), 0) << t.dump();
    }
  }
  EXPECT_EQ(kinds["scene"], 5);
  EXPECT_GE(kinds["tile"], 2) << "every year's tiles";
  EXPECT_EQ(kinds["tile"] % 2, 0) << "as many tiles in each year";
  EXPECT_EQ(kinds["derive"], 1);
  EXPECT_EQ(per_shard["0"] + per_shard["1"], 5);
  EXPECT_GE(per_shard["0"], 2);
  EXPECT_GE(per_shard["1"], 2);

  const auto shard = run_cli("run " + args + " --out " + out.string() + " --threads 1 --shard 1/2");
  ASSERT_EQ(shard.exit_code, 0) << shard.output;
  const auto again = run_cli("run " + args + " --out " + out.string() + " --threads 1 --shard 1/2");
  ASSERT_EQ(again.exit_code, 0) << again.output;
  std::smatch m;
  ASSERT_TRUE(std::regex_search(again.output, m, std::regex("(\\d+) of 5 scene tasks are this shard's; 0 done now"))) << again.output;
  EXPECT_NE(again.output.find(m[1].str() + " done before"), std::string::npos) << again.output;
  const auto after = run_cli("plan " + args + " --out " + out.string() + " --shards 2");
  ASSERT_EQ(after.exit_code, 0) << after.output;
  // Its scene tasks done (and, when whole years are shared, its years' tiles with them).
  const std::regex scene_done("\\sscene\\s+done by a shard");
  const auto done = std::distance(std::sregex_iterator(after.output.begin(), after.output.end(), scene_done), std::sregex_iterator());
  EXPECT_EQ(done, std::stoi(m[1])) << after.output;
  EXPECT_NE(after.output.find("tasks pending"), std::string::npos) << after.output;
}

TEST_F(Shards, AShareThatIsNotOneIsRefusedNamingIt) {
  for (const char* share : {"2/2", "1/0", "x", "1/2/3", "-1/2"}) {
    const auto r = run_cli("run " + args + " --out " + (dir / "refused").string() + " --shard " + share);
    EXPECT_EQ(r.exit_code, 2) << share << "\n" << r.output;
    EXPECT_NE(r.output.find(std::string("--shard ") + share), std::string::npos) << r.output;
  }
}

TEST_F(Shards, ShardsOfTheNextNightSkipTheYearsTheCatalogHasUnchanged) {
  // A nightly run: the shards and the reduce made the workspace; the next night nothing changed. The
  // shards read the catalog (never write it) and find no task pending; the reduce reloads both years.
  ASSERT_EQ(differing(sharded("next_night", 2, 2, 100), single), std::vector<std::string>{});
  const fs::path out = dir / "next_night";
  const std::string tiles = " --set run.tile_rows=100";
  const auto plan = run_cli("plan " + args + tiles + " --out " + out.string() + " --shards 2");
  ASSERT_EQ(plan.exit_code, 0) << plan.output;
  EXPECT_NE(plan.output.find("1 of 3 tasks pending"), std::string::npos) << "two years unchanged, the derive step\n" << plan.output;
  for (int pass = 0; pass < 2; ++pass)
    for (int i = 0; i < 2; ++i) {
      const auto s = run_cli("run " + args + tiles + " --out " + out.string() + " --threads 1 --shard " + std::to_string(i) + "/2");
      EXPECT_EQ(s.exit_code, 0) << s.output;
      EXPECT_TRUE(std::regex_search(s.output, std::regex("0 of 0 (scene|season tile) tasks are this shard's; 0 done now"))) << s.output;
    }
  EXPECT_FALSE(fs::exists(out / "tasks")) << "no task file written";
  const auto reduce = run_cli("run " + args + tiles + " --out " + out.string() + " --threads 2");
  EXPECT_EQ(reduce.exit_code, single_exit) << reduce.output;
  EXPECT_NE(reduce.output.find("2 unchanged"), std::string::npos) << reduce.output;
  EXPECT_EQ(differing(without_revisions(folder_bytes(out)), single), std::vector<std::string>{});
}

TEST_F(Shards, TasksOfShardsThatWroteOtherProductsAreNotTaken) {
  // Shards run with output.products=season (no per-scene rasters): the reduce, which writes every
  // product, takes none of their tasks and makes everything itself, the bytes of one process, and
  // removes their tasks.
  const fs::path out = dir / "other_products";
  const std::string other = " --set run.tile_rows=100 --set output.products=season";
  for (int pass = 0; pass < 2; ++pass)
    for (int i = 0; i < 2; ++i) {
      const auto s = run_cli("run " + args + other + " --out " + out.string() + " --threads 1 --shard " + std::to_string(i) + "/2");
      EXPECT_EQ(s.exit_code, 0) << s.output;
    }
  const auto plan = run_cli("plan " + args + " --set run.tile_rows=100 --out " + out.string() + " --shards 2");
  EXPECT_EQ(plan.output.find("done by a shard"), std::string::npos) << plan.output;
  const auto reduce = run_cli("run " + args + " --set run.tile_rows=100 --out " + out.string() + " --threads 2");
  EXPECT_EQ(reduce.exit_code, single_exit) << reduce.output;
  EXPECT_EQ(reduce.output.find("done by a shard"), std::string::npos) << reduce.output;
  EXPECT_EQ(reduce.output.find("tiles made by shards, taken"), std::string::npos) << reduce.output;
  // Their tasks are of no use to any run of this config: the reduce removes them, saying so.
  EXPECT_NE(reduce.output.find("that no run of this config takes"), std::string::npos) << reduce.output;
  EXPECT_FALSE(fs::exists(out / "tasks"));
  EXPECT_EQ(differing(without_revisions(folder_bytes(out)), single), std::vector<std::string>{});
}

// A shard hashes the products it writes (STAC's file:checksum) and lists the checksums in its task
// file, so that the reduce does not read every scene's rasters again: the reduce keeps a listed
// checksum while the file's size and modification time are those listed with it, and hashes the file
// itself when they are not. Shown by two listed checksums replaced by markers, one of them listed
// with another modification time: the first marker is what the STAC catalog publishes, the second
// is not, its file's item being the one-process run's.
TEST_F(Shards, TheReduceKeepsTheChecksumsAShardListedForFilesUnchangedSince) {
  const fs::path out = dir / "checksums";
  const std::string tiles = " --set run.tile_rows=64";
  const auto shard = [&] { one_shard_of_one(out, tiles); };
  shard();
  const std::string kept(4 + 64, 'a'), stale(4 + 64, 'b');  // not any file's SHA-256 multihash
  bool edited = false;
  for (const auto& e : fs::directory_iterator(out / "tasks")) {
    if (edited || e.path().extension() != ".json" || e.path().filename().string().rfind("scene-", 0) != 0) continue;
    nlohmann::json task = nlohmann::json::parse(read_file(e.path()));
    if (task.at("status") != "ok") continue;
    auto& checksums = task.at("checksums");
    ASSERT_GE(checksums.size(), 2u) << e.path();
    for (const auto& c : checksums) EXPECT_EQ(c.at("sha256").get<std::string>().substr(0, 4), "1220") << "SHA2-256 multihash, " << e.path();
    checksums[0]["sha256"] = kept;
    checksums[1]["sha256"] = stale;
    checksums[1]["mtime_ns"] = checksums[1]["mtime_ns"].get<std::int64_t>() + 1;
    std::ofstream(e.path()) << task.dump(1);
    edited = true;
  }
  ASSERT_TRUE(edited) << "a scene task done";
  shard();  // the season tiles
  const auto reduce = run_cli("run " + args + tiles + " --out " + out.string() + " --threads 2");
  ASSERT_EQ(reduce.exit_code, single_exit) << reduce.output;
  int with_kept = 0, with_stale = 0;
  for (const auto& e : fs::recursive_directory_iterator(out / "stac")) {
    if (!e.is_regular_file()) continue;
    const std::string text = read_file(e.path());
    with_kept += text.find(kept) != std::string::npos;
    with_stale += text.find(stale) != std::string::npos;
  }
  EXPECT_EQ(with_kept, 1) << "the checksum listed for an unchanged file is published";
  EXPECT_EQ(with_stale, 0) << "a checksum listed with another stamp is not";
  // Every other STAC file is the one-process run's: the stale one's file hashed again.
  const auto bytes = without_revisions(folder_bytes(out));
  int other = 0;
  for (const std::string& path : differing(bytes, single))
    if (path.rfind("stac/", 0) == 0) other += !bytes.count(path) || bytes.at(path).find(kept) == std::string::npos;
  EXPECT_EQ(other, 0) << "STAC files other than the kept marker's differ from one process's";
}

// The content hashes a shard took of a scene's files (which key its task) and of the files it wrote
// (which the catalog records) are taken by the shards that follow and kept by the reduce while each
// file's stamp is unchanged, so neither reads every scene again; one listed with another stamp is
// taken anew.
TEST_F(Shards, TheReduceKeepsTheContentHashesAShardListedForFilesUnchangedSince) {
  const fs::path out = dir / "hashes";
  const std::string tiles = " --set run.tile_rows=64";
  const auto shard = [&] { one_shard_of_one(out, tiles); };
  shard();
  const std::string kept(16, 'a'), stale(16, 'b');  // not any file's content hash
  // In one scene's task a kept hash of a file it read (its key changes with it: the reduce does that
  // scene itself) and a stale one; in another's a kept hash of a product (taken as the shard did it).
  std::string kept_input, stale_input, kept_product;
  for (const auto& e : fs::directory_iterator(out / "tasks")) {
    if (!kept_product.empty() || e.path().extension() != ".json" || e.path().filename().string().rfind("scene-", 0) != 0) continue;
    nlohmann::json task = nlohmann::json::parse(read_file(e.path()));
    if (task.at("status") != "ok") continue;
    std::vector<nlohmann::json*> inputs, products;
    for (auto& h : task.at("hashes")) (h.at("path").get<std::string>().rfind("@/", 0) == 0 ? products : inputs).push_back(&h);
    ASSERT_GE(inputs.size(), 2u) << "the scene's files, " << e.path();
    ASSERT_EQ(products.size(), task.at("checksums").size()) << "every product, " << e.path();
    for (const nlohmann::json* h : inputs) EXPECT_EQ(h->at("hash").get<std::string>(), ecomon::hash_file(h->at("path").get<std::string>()));
    if (kept_input.empty()) {
      kept_input = inputs[0]->at("path").get<std::string>(), stale_input = inputs[1]->at("path").get<std::string>();
      (*inputs[0])["hash"] = kept;
      (*inputs[1])["hash"] = stale;
      (*inputs[1])["mtime_ns"] = inputs[1]->at("mtime_ns").get<std::int64_t>() + 1;
    } else {
      kept_product = (out / products[0]->at("path").get<std::string>().substr(2)).string();
      (*products[0])["hash"] = kept;
    }
    std::ofstream(e.path()) << task.dump(1);
  }
  ASSERT_FALSE(kept_product.empty()) << "two scene tasks done";
  const auto scene_task_files = [&] {
    int n = 0;
    for (const auto& e : fs::directory_iterator(out / "tasks"))
      n += e.path().extension() == ".json" && e.path().filename().string().rfind("scene-", 0) == 0;
    return n;
  };
  const int before = scene_task_files();
  // The next shard takes the listed hashes too (it keeps no catalog): the kept one changes its scene's
  // key, so it does that scene's task again under the new key rather than reading every scene.
  shard();
  EXPECT_EQ(scene_task_files(), before + 1) << "the scene whose listed hash was kept, done under its new key";
  shard();  // the season tiles
  const auto reduce = run_cli("run " + args + tiles + " --out " + out.string() + " --threads 2");
  ASSERT_EQ(reduce.exit_code, single_exit) << reduce.output;
  ecomon::WorkspaceCatalog catalog(out.string(), ecomon::WorkspaceCatalog::Open::immutable);
  EXPECT_EQ(catalog.file_hash(kept_input), kept) << "the hash listed for an unchanged scene file is kept";
  EXPECT_EQ(catalog.file_hash(stale_input), ecomon::hash_file(stale_input)) << "one listed with another stamp is taken anew";
  EXPECT_EQ(catalog.file_hash(kept_product), kept) << "the hash listed for a product the shard wrote is kept";
}
