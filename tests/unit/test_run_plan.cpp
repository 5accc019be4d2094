// The run plan: scene jobs by year in (date, id) order, each year after its scenes, trends last; the
// local executor records every job, goes on after a failed one, and stops at an output error.
#include <gtest/gtest.h>

#include "base/output_folder.hpp"
#include "app/run_plan.hpp"

using namespace ecomon;

namespace {

SceneProbe probe(const std::string& id, const std::string& date) { return {{id, date, "", "", "SR", id}, {}}; }

}  // namespace

TEST(RunPlan, ScenesByYearThenTheirYearThenTrends) {
  const std::vector<SceneProbe> scenes = {probe("B", "2023-07-20"), probe("A", "2022-08-01"), probe("C", "2023-05-14"),
                                          probe("D", "2023-07-20")};
  const RunPlan plan = make_run_plan(scenes, true);
  std::vector<std::string> keys;
  for (const auto& j : plan.jobs) keys.push_back(j.key);
  EXPECT_EQ(keys, (std::vector<std::string>{"A", "season 2022", "C", "B", "D", "season 2023", "trends", "transitions"}));
  EXPECT_EQ(plan.jobs[5].after, (std::vector<std::size_t>{2, 3, 4}));
  EXPECT_EQ(plan.jobs[6].after, (std::vector<std::size_t>{1, 5}));
  EXPECT_EQ(plan.jobs[3].scene, 0u);                        // B is scenes[0]
  EXPECT_EQ(make_run_plan(scenes, false).jobs.size(), 4u);  // no seasons: scene jobs only
}

TEST(RunPlan, TheExecutorRecordsGoesOnAfterAFailureAndStopsAtAnOutputError) {
  const RunPlan plan = make_run_plan({probe("A", "2023-07-01"), probe("B", "2023-07-02")}, true);
  MemoryCatalog catalog;
  std::vector<std::string> ran;
  LocalExecutor().execute(
      plan,
      [&](const Job& j) {
        ran.push_back(j.key);
        if (j.key == "A") throw std::runtime_error("A: band missing");
      },
      catalog);
  EXPECT_EQ(ran, (std::vector<std::string>{"A", "B", "season 2023", "trends", "transitions"}));
  const auto records = catalog.records();
  ASSERT_EQ(records.size(), 5u);
  EXPECT_EQ(records[0].status, "failed");
  EXPECT_EQ(records[0].message, "A: band missing");
  EXPECT_EQ(records[1].status, "ok");

  MemoryCatalog second;
  ran.clear();
  EXPECT_THROW(LocalExecutor().execute(
                   plan,
                   [&](const Job& j) {
                     ran.push_back(j.key);
                     if (j.key == "B") throw OutputError("out: disk full");
                   },
                   second),
               OutputError);
  EXPECT_EQ(ran, (std::vector<std::string>{"A", "B"}));
  EXPECT_EQ(second.records().back().status, "failed");
}

// Shares of the scene tasks, by hand: Graham's longest-processing-time rule over 3 shards.
TEST(RunPlan, ShardsTakeTheLargestTaskFirstToTheLeastLoadedShard) {
  const std::vector<double> sizes = {3, 5, 2, 1, 4, 3, 2};
  const std::vector<std::string> keys = {"a", "x", "c", "z", "y", "b", "d"};
  const std::vector<int> shard = ecomon::assign_to_shards(sizes, keys, 3);
  // In size order, then key: x(5) -> 0 (loads 5,0,0), y(4) -> 1 (5,4,0), a(3) -> 2 (5,4,3), b(3) -> 2 (5,4,6),
  // c(2) -> 1 (5,6,6), d(2) -> 0 (7,6,6), z(1) -> 1, the first of the least (7,7,6).
  EXPECT_EQ(shard, (std::vector<int>{2, 0, 1, 1, 1, 2, 0}));
  // The same tasks in another order get the same shards.
  EXPECT_EQ(ecomon::assign_to_shards({4, 3, 5}, {"y", "a", "x"}, 3), (std::vector<int>{1, 2, 0}));
  // One shard takes everything; more shards than tasks leave some empty.
  EXPECT_EQ(ecomon::assign_to_shards(sizes, keys, 1), std::vector<int>(7, 0));
  EXPECT_EQ(ecomon::assign_to_shards({1, 1}, {"b", "a"}, 4), (std::vector<int>{1, 0}));
  EXPECT_THROW(ecomon::assign_to_shards(sizes, keys, 0), std::invalid_argument);
}
