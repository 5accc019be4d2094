// ecomon under a real Slurm: a one-node cluster (Debian's munged, slurmctld and slurmd, started by
// tests/slurm/cluster.sh, no systemd, no cgroups), scripts/slurm/submit.sh submitting a job array of 3
// shards (the scene tasks), a second (the season tiles, bands of 64 rows) and the reduce, each with
// afterok on the one before, on a two-year simulated case: the outputs are byte-identical to one
// process. Then one shard made to fail: the tiles and the reduce are cancelled and publish nothing,
// and the resubmission runs only the failed shard's scene tasks, then the tiles. Last, 2 shards for
// the two years: whole years shared, one array and the reduce, the same bytes. The daemons are
// stopped by their pids whatever happens (the cluster's guard).
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <thread>

#include "helpers.hpp"
#include "simulator.hpp"

using namespace testing_helpers;
namespace fs = std::filesystem;

namespace {

struct Cluster {
  fs::path dir;
  std::string env;  // "SLURM_CONF=... "
  bool up = false;
  explicit Cluster(const fs::path& d) : dir(d) {
    const auto r = run_shell(std::string(ECOMON_SOURCE_DIR) + "/tests/slurm/cluster.sh start " + dir.string());
    std::smatch m;
    up = r.exit_code == 0 && std::regex_search(r.output, m, std::regex("export (SLURM_CONF=\\S+)"));
    if (up)
      env = m[1].str() + " ";
    else
      ADD_FAILURE() << "the one-node Slurm cluster did not start:\n" << r.output;
  }
  ~Cluster() { run_shell(std::string(ECOMON_SOURCE_DIR) + "/tests/slurm/cluster.sh stop " + dir.string()); }
  // A job's state once it left the queue (COMPLETED, FAILED, CANCELLED ...), waiting up to 5 minutes.
  std::string final_state(const std::string& job) const {
    for (int i = 0; i < 3000; ++i) {
      const auto r = run_shell(env + "scontrol -o show job " + job);
      std::smatch m;
      std::vector<std::string> each;  // an array's tasks in any order: sorted
      static const std::regex job_state("JobState=(\\S+)");
      for (auto it = std::sregex_iterator(r.output.begin(), r.output.end(), job_state); it != std::sregex_iterator(); ++it)
        each.push_back((*it)[1].str());
      std::sort(each.begin(), each.end());
      std::string states;
      for (const std::string& state : each) states += state + " ";
      if (!states.empty() && states.find("PENDING") == std::string::npos && states.find("RUNNING") == std::string::npos &&
          states.find("COMPLETING") == std::string::npos && states.find("CONFIGURING") == std::string::npos)
        return states.substr(0, states.size() - 1);
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return "TIMEOUT";
  }
};

}  // namespace

TEST(Slurm, AJobArrayOfShardsAndTheReduceGiveOneProcesssBytesAndAFailedShardCancelsTheReduce) {
  for (const char* daemon : {"/usr/sbin/slurmctld", "/usr/sbin/slurmd", "/usr/sbin/munged", "/usr/bin/sbatch"})
    ASSERT_TRUE(fs::exists(daemon)) << daemon << " is missing: scripts/install_deps.sh --tests installs Slurm and munge";
  const fs::path dir = fresh_dir("slurm");
  simulate_two_summers(dir / "scenes", 8100);
  const std::string zones = write_two_zones_and_city_target(dir);
  const auto config = [&](const std::string& out) {
    const fs::path path = dir / (out + ".yaml");
    std::ofstream(path) << "input:\n  dir: " << (dir / "scenes").string() << "\nzones:\n  file: " << zones
                        << "\noutput:\n  dir: " << (dir / out).string()
                        << "\nseason:\n  pixel_size: 60\nrun:\n  tile_rows: 64\ntargets:\n  file: " << (dir / "targets.yaml").string() << "\n";
    return path.string();
  };
  const auto single = run_cli("run " + config("single") + " --threads 1");
  ASSERT_EQ(single.exit_code, 0) << single.output;

  const Cluster cluster(dir / "cluster");
  ASSERT_TRUE(cluster.up);
  const std::string submit = std::string(ECOMON_SOURCE_DIR) + "/scripts/slurm/submit.sh";
  const std::regex ids("shards: job (\\d+) .*tiles: job (\\d+) .*reduce: job (\\d+)");
  std::smatch m;

  // Three shards and the reduce.
  const auto first = run_shell("cd " + dir.string() + " && " + cluster.env + "ECOMON=" + ecomon_binary() + " " + submit + " " +
                               config("sharded") + " 3 -o " + (dir / "slurm-%x-%A_%a.out").string());
  ASSERT_EQ(first.exit_code, 0) << first.output;
  ASSERT_TRUE(std::regex_search(first.output, m, ids)) << first.output;
  EXPECT_EQ(cluster.final_state(m[1]), "COMPLETED COMPLETED COMPLETED");
  EXPECT_EQ(cluster.final_state(m[2]), "COMPLETED COMPLETED COMPLETED");
  ASSERT_EQ(cluster.final_state(m[3]), "COMPLETED") << read_file(dir / "cluster" / "slurmctld.log");
  // Every tile made once: by the second array, or by a shard of the first that started when every
  // scene task was already done (the tasks that are ready are a shard's work).
  int tiles_made = 0;
  for (const std::string& array : {"shard-" + m[1].str(), "tiles-" + m[2].str()})
    for (int shard : {0, 1, 2}) {
      const std::string log = read_file(dir / ("slurm-ecomon-" + array + "_" + std::to_string(shard) + ".out"));
      std::smatch done;
      if (std::regex_search(log, done, std::regex("season tile tasks are this shard's; (\\d+) done now"))) tiles_made += std::stoi(done[1]);
    }
  EXPECT_EQ(tiles_made, 16) << "two years of tiles of 64 rows of 495";
  EXPECT_EQ(differing(without_revisions(folder_bytes(dir / "sharded")), without_revisions(folder_bytes(dir / "single"))),
            std::vector<std::string>{});

  // Shard 1 of a second workspace fails (a wrapper standing for a node whose disk is full: exit 75):
  // the reduce is cancelled, nothing is published.
  const fs::path wrapper = dir / "flaky_ecomon.sh", flag = dir / "shard1_fails";
  std::ofstream(wrapper) << "#!/bin/sh\nif [ \"$SLURM_ARRAY_TASK_ID\" = 1 ] && [ -e " << flag.string()
                         << " ]; then echo 'no space left' >&2; exit 75; fi\n"
                         << "exec " << ecomon_binary() << " \"$@\"\n";
  fs::permissions(wrapper, fs::perms::owner_all);
  std::ofstream(flag) << "";
  const auto failing = run_shell("cd " + dir.string() + " && " + cluster.env + "ECOMON=" + wrapper.string() + " " + submit + " " +
                                 config("retried") + " 3 -o " + (dir / "slurm-%x-%A_%a.out").string());
  ASSERT_EQ(failing.exit_code, 0) << failing.output;
  ASSERT_TRUE(std::regex_search(failing.output, m, ids)) << failing.output;
  const std::string failed_array = m[1];
  EXPECT_EQ(cluster.final_state(m[1]), "COMPLETED COMPLETED FAILED");
  const std::string tiles_state = cluster.final_state(m[2]);  // one record or one per task: cancelled before it was split
  EXPECT_TRUE(std::regex_match(tiles_state, std::regex("CANCELLED( CANCELLED)*"))) << tiles_state;
  EXPECT_EQ(cluster.final_state(m[3]), "CANCELLED");
  EXPECT_FALSE(fs::exists(dir / "retried" / "county_timeseries.csv")) << "a cancelled reduce publishes no county table";
  EXPECT_FALSE(fs::exists(dir / "retried" / "catalog.sqlite"));

  // The disk has room again: submitted once more, shards 0 and 2 find their tasks done, shard 1 does its own.
  fs::remove(flag);
  const auto again = run_shell("cd " + dir.string() + " && " + cluster.env + "ECOMON=" + wrapper.string() + " " + submit + " " +
                               config("retried") + " 3 -o " + (dir / "slurm-%x-%A_%a.out").string());
  ASSERT_TRUE(std::regex_search(again.output, m, ids)) << again.output;
  const std::string array = m[1];
  EXPECT_EQ(cluster.final_state(m[1]), "COMPLETED COMPLETED COMPLETED");
  EXPECT_EQ(cluster.final_state(m[2]), "COMPLETED COMPLETED COMPLETED");
  ASSERT_EQ(cluster.final_state(m[3]), "COMPLETED");
  for (int shard : {0, 2}) {
    const std::string log = read_file(dir / ("slurm-ecomon-shard-" + array + "_" + std::to_string(shard) + ".out"));
    EXPECT_FALSE(std::regex_search(log, std::regex("scene tasks are this shard's; [1-9]\\d* done now")))
        << "shard " << shard << " did its scene tasks again:\n"
        << log;
  }
  const std::string log1 = read_file(dir / ("slurm-ecomon-shard-" + array + "_1.out"));
  EXPECT_TRUE(std::regex_search(log1, std::regex("scene tasks are this shard's; [1-9]\\d* done now"))) << log1;
  EXPECT_EQ(differing(without_revisions(folder_bytes(dir / "retried")), without_revisions(folder_bytes(dir / "single"))),
            std::vector<std::string>{});

  // Two shards for the two years alike: whole years are shared (ecomon plan), each shard makes its
  // year's tiles after its scenes, and the reduce follows the one array.
  const auto by_year = run_shell("cd " + dir.string() + " && " + cluster.env + "ECOMON=" + ecomon_binary() + " " + submit + " " +
                                 config("by_year") + " 2 -o " + (dir / "slurm-%x-%A_%a.out").string());
  ASSERT_EQ(by_year.exit_code, 0) << by_year.output;
  ASSERT_TRUE(std::regex_search(by_year.output, m, std::regex("shards: job (\\d+) .*whole years.*reduce: job (\\d+)"))) << by_year.output;
  EXPECT_EQ(by_year.output.find("tiles: job"), std::string::npos) << by_year.output;
  EXPECT_EQ(cluster.final_state(m[1]), "COMPLETED COMPLETED");
  ASSERT_EQ(cluster.final_state(m[2]), "COMPLETED") << read_file(dir / "cluster" / "slurmctld.log");
  for (int shard : {0, 1}) {
    const std::string log = read_file(dir / ("slurm-ecomon-shard-" + m[1].str() + "_" + std::to_string(shard) + ".out"));
    EXPECT_TRUE(std::regex_search(log, std::regex("8 of 16 season tile tasks are this shard's; 8 done now"))) << log;
  }
  EXPECT_EQ(differing(without_revisions(folder_bytes(dir / "by_year")), without_revisions(folder_bytes(dir / "single"))),
            std::vector<std::string>{});
}
