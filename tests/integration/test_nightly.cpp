// Nightly operation on a workspace: the catalog, incremental runs (a rerun does no new work and
// changes no output; a new scene redoes its year only), --force, forget, status.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <regex>
#include <sstream>
#include <thread>

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include "helpers.hpp"
#include "libgeo/io/raster.hpp"
#include "simulator.hpp"

using namespace testing_helpers;
namespace fs = std::filesystem;

namespace {

struct Workspace : ::testing::Test {
  static inline fs::path dir;
  static inline std::string zones, config;

  static ecomon::SimulationOptions scene(const std::string& date, std::uint64_t seed) {
    ecomon::SimulationOptions o = urad_test_scene(dir / "inbox");
    o.west = 108.88, o.east = 108.96;  // a little wider than the bad-input scene: enough cells for a sample
    o.date = date, o.seed = seed;
    return o;
  }

  static void SetUpTestSuite() {
    dir = fresh_dir("nightly");
    for (auto [date, seed] : {std::pair{"2022-07-15", 1}, {"2022-08-10", 2}, {"2023-07-20", 3}, {"2023-08-12", 4}})
      ecomon::simulate_scene(scene(date, std::uint64_t(seed)));
    zones = write_zones(dir / "z.geojson", {box_feature("a", "west", 108.885, 40.905, 108.92, 40.925),
                                            box_feature("b", "east", 108.92, 40.905, 108.955, 40.925)});
    // Ground plots and a reference sample (labels arbitrary): the stored years must re-fit both exactly.
    std::mt19937_64 rng(5);
    std::uniform_real_distribution<double> lon(108.886, 108.954), lat(40.906, 40.924), cover(5, 80);
    std::ofstream plots(dir / "plots.csv");
    plots << "plot_id,lon,lat,date,cover_pct\n";
    for (int k = 0; k < 24; ++k) plots << "p" << k << "," << lon(rng) << "," << lat(rng) << "," << (k % 2 ? "2022-07-20" : "2023-07-20") << "," << cover(rng) << "\n";
    std::ofstream sample(dir / "sample.csv");
    sample << "lon,lat,class\n";
    for (int k = 0; k < 160; ++k) sample << lon(rng) << "," << lat(rng) << "," << (k % 3 == 0 ? "grassland" : k % 3 == 1 ? "bare" : "cropland") << "\n";
    config = (dir / "nightly.yaml").string();
    std::ofstream(config) << "input: {dir: inbox}\nzones: {file: z.geojson}\ncalibration: {plots_file: plots.csv, min_plots: 3}\n"
                          << "accuracy: {samples_file: sample.csv}\nseason: {pixel_size: 60}\n";
  }

  static CommandResult run(const std::string& input, const std::string& out, const std::string& extra = "") {
    return run_cli("run " + config + " --input " + (dir / input).string() + " --out " + (dir / out).string() + " " + extra);
  }
  static nlohmann::json status(const std::string& out) {
    const auto r = run_shell("{ " + ecomon_binary() + " status --json " + (dir / out).string() + " 2>/dev/null; }");
    return nlohmann::json::parse(r.output);
  }
};

}  // namespace

TEST_F(Workspace, ARerunDoesNoNewWorkAndChangesNoOutput) {
  const auto first = run("inbox", "rerun");
  ASSERT_EQ(first.exit_code, 0) << first.output;
  const auto before = folder_bytes(dir / "rerun");
  const auto second = run("inbox", "rerun");
  ASSERT_EQ(second.exit_code, 0) << second.output;
  EXPECT_EQ(differing(folder_bytes(dir / "rerun"), before), std::vector<std::string>{});
  const auto s = status("rerun");
  const auto& last = s["runs"][0];
  EXPECT_EQ(last["scenes_processed"], 0) << s.dump(2);
  EXPECT_EQ(last["scenes_unchanged"], 4);
  EXPECT_EQ(last["years_unchanged"], 2);
  EXPECT_EQ(last["years_processed"], 0);
  EXPECT_EQ(last["state"], "ok");
  EXPECT_EQ(s["scenes"]["done"], 4);
  EXPECT_NE(second.output.find("run summary: 4 scene(s): 0 processed, 4 unchanged"), std::string::npos) << second.output;
  // --force redoes every year, and gives the same bytes again.
  const auto forced = run("inbox", "rerun", "--force");
  ASSERT_EQ(forced.exit_code, 0) << forced.output;
  EXPECT_EQ(status("rerun")["runs"][0]["scenes_processed"], 4);
  EXPECT_EQ(differing(folder_bytes(dir / "rerun"), before), std::vector<std::string>{});
}

TEST_F(Workspace, ANewSceneRedoesItsYearOnlyAndForgetLeavesItOut) {
  // The workspace before the new scene, and a fresh run on everything, for comparison.
  fs::create_directories(dir / "later");
  fs::copy(dir / "inbox", dir / "later", fs::copy_options::recursive);
  const auto added = ecomon::simulate_scene([] {
    auto o = scene("2023-08-28", 9);
    o.output_dir = (dir / "later").string();
    return o;
  }());
  ASSERT_EQ(run("later", "fresh").exit_code, 0);
  ASSERT_EQ(run("inbox", "grow").exit_code, 0);
  const auto the_2022_file = dir / "grow" / "years" / "2022" / "ecomon_2022_FVC.tif";
  ASSERT_TRUE(fs::exists(the_2022_file));
  const auto mtime_2022 = fs::last_write_time(the_2022_file);
  const auto grown = run("later", "grow");
  ASSERT_EQ(grown.exit_code, 0) << grown.output;
  const auto last = status("grow")["runs"][0];
  EXPECT_EQ(last["scenes_processed"], 3) << last.dump(2);  // 2023's three scenes: its composite reads them all
  EXPECT_EQ(last["years_processed"], 1);
  EXPECT_EQ(last["years_unchanged"], 1);
  EXPECT_EQ(fs::last_write_time(the_2022_file), mtime_2022);  // 2022 not touched
  EXPECT_EQ(differing(without_revisions(folder_bytes(dir / "grow")), without_revisions(folder_bytes(dir / "fresh"))), std::vector<std::string>{});
  // Regression: the 2023 figures changed without a word. Now every changed figure is in
  // revisions.csv with its reason, the log says so, and `ecomon status` shows them.
  const auto revised = parse_quoted_csv(read_file(dir / "grow" / "revisions.csv"));
  ASSERT_FALSE(revised.empty()) << grown.output;
  for (const auto& r : revised) {
    EXPECT_EQ(r.at("year"), "2023") << r.at("indicator");  // 2022 is unchanged
    EXPECT_NE(r.at("previous_value"), r.at("new_value"));
    EXPECT_EQ(r.at("reason"), "1 scene(s) added (" + added.product_id + ")");
  }
  EXPECT_NE(grown.output.find("revisions: " + std::to_string(revised.size()) + " figure(s) published by run"), std::string::npos) << grown.output;
  EXPECT_EQ(status("grow")["last_run_revisions"].size(), revised.size());
  EXPECT_TRUE(parse_quoted_csv(read_file(dir / "fresh" / "revisions.csv")).empty());

  // Forgotten: the scene is left out and its year derived again without it, as if it had never come.
  const auto forget = run_cli("forget " + (dir / "grow").string() + " " + added.product_id);
  ASSERT_EQ(forget.exit_code, 0) << forget.output;
  ASSERT_EQ(run("later", "grow").exit_code, 0);
  EXPECT_EQ(status("grow")["runs"][0]["years_processed"], 1);
  EXPECT_NE(read_file(dir / "grow" / "scene_status.csv").find("forgotten"), std::string::npos);
  for (const auto& r : parse_quoted_csv(read_file(dir / "grow" / "revisions.csv")))
    EXPECT_EQ(r.at("reason"), "1 scene(s) left out (forgotten, gone or quarantined) (" + added.product_id + ")");
  ASSERT_EQ(run("inbox", "reference").exit_code, 0);
  EXPECT_EQ(read_file(dir / "grow" / "county_timeseries.csv"), read_file(dir / "reference" / "county_timeseries.csv"));
  // Taken back: the same bytes as the fresh run on everything.
  ASSERT_EQ(run_cli("forget --restore " + (dir / "grow").string() + " " + added.product_id).exit_code, 0);
  ASSERT_EQ(run("later", "grow").exit_code, 0);
  EXPECT_EQ(differing(without_revisions(folder_bytes(dir / "grow")), without_revisions(folder_bytes(dir / "fresh"))), std::vector<std::string>{});
  EXPECT_EQ(run_cli("forget " + (dir / "grow").string() + " NO_SUCH_SCENE").exit_code, 2);
}

TEST_F(Workspace, StatusSaysWhatTheCatalogHolds) {
  ASSERT_EQ(run("inbox", "status").exit_code, 0);
  const auto text = run_cli("status " + (dir / "status").string());
  EXPECT_EQ(text.exit_code, 0) << text.output;
  EXPECT_NE(text.output.find("done 4"), std::string::npos) << text.output;
  EXPECT_NE(text.output.find("years done: 2"), std::string::npos) << text.output;
  const auto s = status("status");
  EXPECT_EQ(s["runs"].size(), 1u);
  EXPECT_EQ(s["runs"][0]["exit_status"], 0);
  EXPECT_EQ(run_cli("status " + (dir / "no_such_folder").string()).exit_code, 2);
}

// SIGKILL at 21 points of a run (between strips, before and after outputs are renamed into place,
// before COGs are finished, inside and after a catalog transaction, between report writers, before
// the run's end is recorded): whatever is left under a final name is whole (the bytes of an
// uninterrupted run), and the next run ends with exactly the outputs of an uninterrupted run.
TEST_F(Workspace, AKillAtAnyPointLeavesWholeFilesAndTheNextRunTheSameBytes) {
  const std::string small_strips = "--set run.window_rows=8";
  ASSERT_EQ(run("inbox", "kill_reference", small_strips).exit_code, 0);
  const auto reference = folder_bytes(dir / "kill_reference");
  const std::vector<std::string> points = {"strip:1",          "strip:3",          "strip:9",          "strip:20",        "strip:40",
                                           "strip:60",         "before-publish:1", "before-publish:4", "before-publish:11",
                                           "before-publish:25", "after-publish:2", "after-publish:17", "before-finish:1", "before-finish:3",
                                           "catalog-task:1",   "catalog-task:2",   "task-recorded:1",  "report:1",        "report:4",
                                           "report:7",         "run-end:1"};
  ASSERT_GE(points.size(), 20u);
  for (const std::string& point : points) {
    SCOPED_TRACE(point);
    std::string out = "kill_" + point;
    std::replace(out.begin(), out.end(), ':', '_');
    const auto killed = run_shell("ECOMON_TEST_KILL_AT=" + point + " " + ecomon_binary() + " run " + config + " --input " +
                                  (dir / "inbox").string() + " --out " + (dir / out).string() + " " + small_strips);
    // Killed (not a normal end: the point was reached).
    EXPECT_TRUE(killed.exit_code == -1 || killed.exit_code == 137) << "exit " << killed.exit_code << "\n" << killed.output;
    for (const auto& [name, bytes] : folder_bytes(dir / out)) {
      if (name.find(".partial") != std::string::npos || name.rfind(".tmp/", 0) == 0) continue;  // not final names
      ASSERT_TRUE(reference.count(name)) << name;
      EXPECT_TRUE(reference.at(name) == bytes) << name << " is visible under its final name but not whole";
    }
    const auto rerun = run("inbox", out, small_strips);
    EXPECT_EQ(rerun.exit_code, 0) << rerun.output;
    EXPECT_EQ(differing(folder_bytes(dir / out), reference), std::vector<std::string>{});
  }
}

// A full disk (a file-size limit of 0: every write fails as on a full disk) on a workspace with
// results: a clear error naming the file and the reason, exit 2, the previous outputs and the
// catalog as they were.
TEST_F(Workspace, AFullDiskLeavesThePreviousOutputsAndTheCatalogAsTheyWere) {
  ASSERT_EQ(run("inbox", "full").exit_code, 0);
  const auto before = folder_bytes(dir / "full");
  const auto status_before = status("full");
  fs::create_directories(dir / "inbox_plus");
  fs::copy(dir / "inbox", dir / "inbox_plus", fs::copy_options::recursive);
  auto o = scene("2022-08-30", 12);
  o.output_dir = (dir / "inbox_plus").string();
  ecomon::simulate_scene(o);
  const auto r = run_shell("bash -c 'trap \"\" XFSZ; ulimit -f 0; exec " + ecomon_binary() + " run " + config + " --input " +
                           (dir / "inbox_plus").string() + " --out " + (dir / "full").string() + "'");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("catalog.sqlite"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("File too large"), std::string::npos) << r.output;
  EXPECT_EQ(differing(folder_bytes(dir / "full"), before), std::vector<std::string>{});
  EXPECT_EQ(status("full"), status_before);
}

// --log-format json: every log line one JSON object (time, level, pid, message), for log collectors.
TEST_F(Workspace, JsonLogLinesAreOneObjectEach) {
  // With a scene whose band is cut short inside its directory, so that GDAL itself complains (a band
  // cut among its tiles is found short by ecomon's own tile reader first): GDAL's messages too are
  // JSON lines (they were raw "ERROR 1: ..." lines).
  fs::create_directories(dir / "json_inbox");
  fs::copy(dir / "inbox", dir / "json_inbox", fs::copy_options::recursive);
  for (const auto& e : fs::recursive_directory_iterator(dir / "json_inbox"))
    if (e.path().filename().string().find("20230720") != std::string::npos && e.path().string().find("SR_B4.TIF") != std::string::npos) {
      fs::resize_file(e.path(), 64);
      break;
    }
  const auto r = run_shell("{ " + ecomon_binary() + " run " + config + " --input " + (dir / "json_inbox").string() + " --out " +
                           (dir / "json").string() + " --log-format json 2>&1 >/dev/null; }");
  EXPECT_NE(r.output.find("GDAL: "), std::string::npos) << r.output;
  EXPECT_EQ(r.output.find("ERROR 1:"), std::string::npos) << r.output;
  std::istringstream lines(r.output);
  int n = 0;
  for (std::string line; std::getline(lines, line); ++n) {
    const auto j = nlohmann::json::parse(line);  // throws (fails the test) on a line that is not JSON
    EXPECT_TRUE(j.contains("time") && j.contains("level") && j.contains("message")) << line;
  }
  EXPECT_GT(n, 5);
  EXPECT_NE(r.output.find("run summary"), std::string::npos);
}

// Whether a process other than this one has `file` open: a run that has reached the folder's lock
// (it tries the lock as soon as it has opened the file).
bool another_process_has_open(const fs::path& file) {
  const fs::path target = fs::weakly_canonical(file);
  const std::string self = std::to_string(::getpid());
  std::error_code ec;
  for (auto proc = fs::directory_iterator("/proc", ec); !ec && proc != fs::directory_iterator(); proc.increment(ec)) {
    const std::string pid = proc->path().filename().string();
    if (pid == self || !std::all_of(pid.begin(), pid.end(), [](char c) { return c >= '0' && c <= '9'; })) continue;
    std::error_code fd_ec;
    for (auto fd = fs::directory_iterator(proc->path() / "fd", fd_ec); !fd_ec && fd != fs::directory_iterator(); fd.increment(fd_ec)) {
      std::error_code link_ec;
      if (fs::read_symlink(fd->path(), link_ec) == target) return true;
    }
  }
  return false;
}

// --wait: a second run waits for the holder of the lock instead of stopping, and then runs.
TEST_F(Workspace, WaitWaitsForTheRunHoldingTheFolder) {
  fs::create_directories(dir / "waited");
  const int fd = ::open((dir / "waited" / ".ecomon.lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);  // not inherited by the runs
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::flock(fd, LOCK_EX), 0);
  const auto refused = run("inbox", "waited");
  EXPECT_EQ(refused.exit_code, 2) << refused.output;
  EXPECT_NE(refused.output.find("in use by another ecomon run"), std::string::npos) << refused.output;
  // The lock is released once the waiting run has reached it (its start takes longer under the
  // sanitizers than any fixed delay one would choose), and a second later; at the latest after 5 min.
  const fs::path lock_file = dir / "waited" / ".ecomon.lock";
  std::thread release([fd, lock_file] {
    for (int i = 0; i < 3000 && !another_process_has_open(lock_file); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    std::this_thread::sleep_for(std::chrono::milliseconds(1000));
    ::close(fd);  // releases the flock
  });
  const auto waited = run("inbox", "waited", "--wait");
  release.join();
  EXPECT_EQ(waited.exit_code, 0) << waited.output;
  EXPECT_NE(waited.output.find("waiting for it to end (--wait)"), std::string::npos) << waited.output;
  EXPECT_TRUE(fs::exists(dir / "waited" / "county_report.csv"));
}

// Regression: an inbox named by a relative path holding a USGS .tar or a .zip made the content
// hash's walk from "/vsitar/downloads/x.tar/..." spin for ever at "/" (10 min 43 s, stopped),
// and one Ctrl-C did not stop it (the flag was read between strips only).
TEST_F(Workspace, ArchivesInAnInboxNamedByARelativePathAreReadAndCtrlCStopsTheHashing) {
  const fs::path root = dir / "relative";
  fs::create_directories(root / "downloads");
  fs::create_directories(root / "zipped");
  auto o = scene("2023-07-20", 3);
  o.output_dir = (root / "unpacked").string();
  const ecomon::SimulatedScene s = ecomon::simulate_scene(o);
  ASSERT_EQ(run_shell("tar -C " + (root / "unpacked").string() + " -cf " + (root / "downloads" / (s.product_id + ".tar")).string() + " " +
                      s.product_id)
                .exit_code,
            0);
  ASSERT_EQ(run_shell("cd " + (root / "unpacked").string() + " && python3 -m zipfile -c " + (root / "zipped" / (s.product_id + ".zip")).string() +
                      " " + s.product_id)
                .exit_code,
            0);
  for (const char* inbox : {"downloads", "zipped"}) {
    // From the folder that holds the inbox, by its relative name; bounded so that a hang fails.
    const auto r = run_shell("cd " + root.string() + " && timeout 300 " + ecomon_binary() + " run " + config + " --input " + inbox +
                             " --out out_" + inbox);
    ASSERT_EQ(r.exit_code, 0) << inbox << "\n" << r.output;
    EXPECT_NE(read_file(root / ("out_" + std::string(inbox)) / "scene_status.csv").find(",ok,"), std::string::npos) << inbox;
  }
  // A SIGINT while hashing (raised by the test hook at the first megabyte): exit 130 at once, the
  // scene neither processed nor quarantined, and the next run does it.
  const auto stopped = run_shell("cd " + root.string() + " && ECOMON_TEST_INTERRUPT_AT=hash:1 timeout 300 " + ecomon_binary() + " run " +
                                 config + " --input downloads --out out_interrupted");
  EXPECT_EQ(stopped.exit_code, 130) << stopped.output;
  EXPECT_NE(stopped.output.find("interrupted by SIGINT"), std::string::npos) << stopped.output;
  EXPECT_EQ(stopped.output.find("quarantined"), std::string::npos) << stopped.output;
  const auto again = run_shell("cd " + root.string() + " && timeout 300 " + ecomon_binary() + " run " + config +
                               " --input downloads --out out_interrupted");
  EXPECT_EQ(again.exit_code, 0) << again.output;
}

// Regression: the year's key hashed the file a setting names, not the files GDAL reads through it. A
// VRT landcover.file whose GeoTIFF was replaced kept the old forest coverage (37.21% against 0.00%
// fresh); a Shapefile whose .dbf changed kept the old per-type calibration.
TEST_F(Workspace, ReplacingAFileThatADatasetReadsThroughAnotherRedoesTheYear) {
  const fs::path root = dir / "through_vrt";
  fs::create_directories(root);
  auto write_layer = [&](std::uint8_t code) {
    auto [g, codes] = worldcover_layer_of(108.87, 40.94, 0.0005, 200, 100);
    for (std::size_t i = 0; i < codes.size(); ++i) codes[i] = code;
    geo::io::write_geotiff((root / "layer.tif").string(), g, codes, 0.0);
  };
  write_layer(10);  // all trees
  ASSERT_EQ(run_shell("gdalbuildvrt -q " + (root / "layer.vrt").string() + " " + (root / "layer.tif").string()).exit_code, 0);
  const std::string layer = " --set landcover.file=" + (root / "layer.vrt").string() + " --set landcover.scheme=worldcover";
  ASSERT_EQ(run("inbox", "through_vrt/out", layer).exit_code, 0);
  const std::string trees = read_file(root / "out" / "county_timeseries.csv");
  write_layer(60);  // all bare: the VRT's bytes are unchanged
  const auto again = run("inbox", "through_vrt/out", layer);
  ASSERT_EQ(again.exit_code, 0) << again.output;
  EXPECT_EQ(status("through_vrt/out")["runs"][0]["years_processed"], 2);
  ASSERT_EQ(run("inbox", "through_vrt/fresh", layer).exit_code, 0);
  EXPECT_NE(read_file(root / "out" / "county_timeseries.csv"), trees);
  EXPECT_EQ(read_file(root / "out" / "county_timeseries.csv"), read_file(root / "fresh" / "county_timeseries.csv"));
}

// Regression: a night with a full disk quarantined the scenes it could not write and stored their
// year as done; every later night reused that year and never retried them (150821's water stayed
// 19.19 km2 instead of 27.41), exiting 3, which the systemd unit counts as success.
TEST_F(Workspace, AFullDiskOneNightIsRetriedTheNextAndGivesTheFreshRunsBytes) {
  const auto full = run_shell("ECOMON_TEST_WRITE_FAILS_AT=2 " + ecomon_binary() + " run " + config + " --input " + (dir / "inbox").string() +
                              " --out " + (dir / "transient").string());
  EXPECT_EQ(full.exit_code, 2) << full.output;
  EXPECT_NE(full.output.find("could not be written"), std::string::npos) << full.output;
  const auto s = status("transient");
  EXPECT_EQ(s["scenes"].value("quarantined", 0), 0) << s.dump(2);
  EXPECT_GE(s["scenes"].value("pending", 0), 1) << s.dump(2);
  EXPECT_NE(read_file(dir / "transient" / "scene_status.csv").find("tried again at the next run"), std::string::npos);
  // The next night, with space: the scene and its year are done, and the folder is a fresh run's.
  const auto next = run("inbox", "transient");
  ASSERT_EQ(next.exit_code, 0) << next.output;
  EXPECT_GE(status("transient")["runs"][0]["years_processed"], 1);
  ASSERT_EQ(run("inbox", "transient_fresh").exit_code, 0);
  EXPECT_EQ(differing(without_revisions(folder_bytes(dir / "transient")), without_revisions(folder_bytes(dir / "transient_fresh"))),
            std::vector<std::string>{});
}

// Regression: the catalog was trusted blindly. One changed hex digit in a stored year's results gave
// forest coverage 46.83% instead of 35.32%, reused every night; sample-design -o OUT/catalog.sqlite
// wrote over the catalog; a copied workspace read and checked the original's files; a newer schema
// made the run do all the work and then fail; a damaged catalog stopped every run with no hint.
TEST_F(Workspace, TheCatalogIsCheckedNotTrustedBlindly) {
  const fs::path out = dir / "trusted";
  ASSERT_EQ(run("inbox", "trusted").exit_code, 0);
  const auto before = folder_bytes(out);
  auto sql = [&](const fs::path& catalog, const std::string& statement) {
    return run_shell("python3 -c \"import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); c.execute(sys.argv[2]); c.commit()\" " +
                     catalog.string() + " \"" + statement + "\"");
  };
  // One stored byte changed: the checksum says so, the year is done again, the bytes are the same.
  ASSERT_EQ(sql(out / "catalog.sqlite", "UPDATE tasks SET results = replace(results, 'tallies', 'tallieZ') WHERE kind = 'year' AND year = 2023")
                .exit_code,
            0);
  const auto damaged = run("inbox", "trusted");
  ASSERT_EQ(damaged.exit_code, 0) << damaged.output;
  EXPECT_NE(damaged.output.find("the stored results of 2023 do not match their checksum"), std::string::npos) << damaged.output;
  EXPECT_EQ(status("trusted")["runs"][0]["years_processed"], 1);
  EXPECT_EQ(differing(without_revisions(folder_bytes(out)), without_revisions(before)), std::vector<std::string>{});
  // No command writes over the workspace's own files.
  const std::string catalog_bytes = read_file(out / "catalog.sqlite");
  const auto over = run_cli("sample-design " + out.string() + " --year 2023 -o " + (out / "catalog.sqlite").string());
  EXPECT_EQ(over.exit_code, 2) << over.output;
  EXPECT_NE(over.output.find("is a file of the workspace"), std::string::npos) << over.output;
  EXPECT_EQ(read_file(out / "catalog.sqlite"), catalog_bytes);
  EXPECT_EQ(run_cli("sample-design " + out.string() + " --year 2023 -o " + (out / "county_timeseries.csv").string()).exit_code, 2);
  // A copy reads its own files: with the original gone, nothing is redone and nothing changes.
  ASSERT_EQ(run_shell("cp -a " + out.string() + " " + (dir / "trusted_copy").string() + " && mv " + out.string() + " " +
                      (dir / "trusted_moved").string())
                .exit_code,
            0);
  const auto copied = run("inbox", "trusted_copy");
  ASSERT_EQ(copied.exit_code, 0) << copied.output;
  EXPECT_EQ(status("trusted_copy")["runs"][0]["years_unchanged"], 2);
  EXPECT_EQ(differing(without_revisions(folder_bytes(dir / "trusted_copy")), without_revisions(before)), std::vector<std::string>{});
  // A catalog of a newer schema: refused before any work, saying what to do.
  ASSERT_EQ(sql(dir / "trusted_copy" / "catalog.sqlite", "PRAGMA user_version = 99").exit_code, 0);
  const auto newer = run("inbox", "trusted_copy");
  EXPECT_EQ(newer.exit_code, 2) << newer.output;
  EXPECT_NE(newer.output.find("written by a newer ecomon (catalog schema 99"), std::string::npos) << newer.output;
  EXPECT_EQ(newer.output.find("scene LC08"), std::string::npos) << newer.output;
  // A damaged catalog: the message says how to rebuild, and the rebuild gives the same bytes.
  {
    std::fstream f(dir / "trusted_moved" / "catalog.sqlite", std::ios::in | std::ios::out | std::ios::binary);
    f.write("this is not a database file", 27);
  }
  for (const char* suffix : {"-wal", "-shm"}) fs::remove(dir / "trusted_moved" / (std::string("catalog.sqlite") + suffix));
  const auto broken = run("inbox", "trusted_moved");
  EXPECT_EQ(broken.exit_code, 2) << broken.output;
  EXPECT_NE(broken.output.find("mv catalog.sqlite catalog.sqlite.damaged"), std::string::npos) << broken.output;
  fs::rename(dir / "trusted_moved" / "catalog.sqlite", dir / "trusted_moved" / "catalog.sqlite.damaged");
  ASSERT_EQ(run("inbox", "trusted_moved").exit_code, 0);
  auto rebuilt = without_revisions(folder_bytes(dir / "trusted_moved"));
  rebuilt.erase("catalog.sqlite.damaged");
  EXPECT_EQ(differing(rebuilt, without_revisions(before)), std::vector<std::string>{});
}

// Regression: narrowing output.products left the earlier rasters beside reports that no longer
// matched them. They are removed (the catalog knows every file a run wrote), and said.
TEST_F(Workspace, NarrowingTheProductsRemovesTheRastersNoLongerMade) {
  ASSERT_EQ(run("inbox", "narrowed", "--set output.products=all").exit_code, 0);
  const auto narrowed = run("inbox", "narrowed", "--set output.products=season/LANDCOVER,season/FVC");
  ASSERT_EQ(narrowed.exit_code, 0) << narrowed.output;
  EXPECT_NE(narrowed.output.find("output(s) of earlier runs that this run no longer makes"), std::string::npos) << narrowed.output;
  ASSERT_EQ(run("inbox", "narrowed_fresh", "--set output.products=season/LANDCOVER,season/FVC").exit_code, 0);
  EXPECT_EQ(differing(without_revisions(folder_bytes(dir / "narrowed")), without_revisions(folder_bytes(dir / "narrowed_fresh"))),
            std::vector<std::string>{});
  EXPECT_FALSE(fs::exists(dir / "narrowed" / "products"));
}

// `ecomon run` backs the first GiB of its heap with transparent huge pages (main.cpp, base/heap.cpp)
// when ECOMON_HUGE_PAGES=1 asks, unless a GLIBC_TUNABLES that names glibc's own tunable for it says
// otherwise; a GLIBC_TUNABLES of the user's is left as it is.
TEST_F(Workspace, ARunPutsItsHeapOnHugePagesWhenAsked) {
  fs::create_directories(dir / "heap_inbox");
  auto heap_line = [&](const std::string& environment) {
    const auto r = run_shell("cd " + dir.string() + " && env -u GLIBC_TUNABLES -u ECOMON_HUGE_PAGES " + environment + " timeout 120 " +
                             ecomon_binary() + " -v run " + config + " --input heap_inbox --out heap_out");
    const auto at = r.output.find("heap: ");
    return at == std::string::npos ? "no heap line in: " + r.output : r.output.substr(at, r.output.find('\n', at) - at);
  };
  // 1 GiB less what aligning its ends to whole 2 MiB pages takes; a kernel built without huge pages,
  // or the address sanitizer's allocator (a build with ECOMON_SANITIZE, which has no arenas), says so.
#if defined(__SANITIZE_ADDRESS__)
  const std::string heap = "heap: ";
  const std::string advised = heap + "no huge pages \\(the address sanitizer's allocator has no glibc heap to advise\\); GLIBC_TUNABLES=";
#else
  const std::string heap = "heap: one arena, ";
  const std::string advised = heap + (fs::exists("/sys/kernel/mm/transparent_hugepage/enabled")
                                          ? "10(2[2-4]) MiB advised for huge pages; GLIBC_TUNABLES="
                                          : "no huge pages \\(the kernel has none to offer\\); GLIBC_TUNABLES=");
#endif
  const std::string asked = heap_line("ECOMON_HUGE_PAGES=1"),
                    with_the_users = heap_line("ECOMON_HUGE_PAGES=1 GLIBC_TUNABLES=glibc.malloc.tcache_count=8");
  EXPECT_TRUE(std::regex_match(asked, std::regex(advised + "\\(unset\\)"))) << asked;
  EXPECT_TRUE(std::regex_match(with_the_users, std::regex(advised + "glibc\\.malloc\\.tcache_count=8"))) << with_the_users;
  EXPECT_EQ(heap_line("ECOMON_HUGE_PAGES=1 GLIBC_TUNABLES=glibc.malloc.hugetlb=0"), heap + "no huge pages; GLIBC_TUNABLES=glibc.malloc.hugetlb=0");
  EXPECT_EQ(heap_line(""), heap + "no huge pages; GLIBC_TUNABLES=(unset)") << "by default";
  EXPECT_EQ(heap_line("ECOMON_HUGE_PAGES=0"), heap + "no huge pages; GLIBC_TUNABLES=(unset)");
}
