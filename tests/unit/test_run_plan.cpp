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

// Whole years or tasks, by hand: years go whole when that gives no larger share than the two passes.
TEST(RunPlan, WholeYearsAreSharedWhenNoShareGrowsByIt) {
  using ecomon::ShareableTask;
  // Two years alike, two shards: by task, scenes 5+5 | 5+5 and tiles 3+3 | 3+3, the largest shares
  // 10 + 6; by year 16 | 16. Whole years: 2022 (key "002022") to shard 0, 2023 to shard 1.
  const std::vector<ShareableTask> scenes = {{5, "s1", 2022}, {5, "s2", 2022}, {5, "s3", 2023}, {5, "s4", 2023}};
  const std::vector<ShareableTask> tiles = {{3, "t1", 2022}, {3, "t2", 2022}, {3, "t3", 2023}, {3, "t4", 2023}};
  ecomon::TaskShares shares = ecomon::share_tasks(scenes, tiles, 2);
  EXPECT_TRUE(shares.by_year);
  EXPECT_EQ(shares.scenes, (std::vector<int>{0, 0, 1, 1}));
  EXPECT_EQ(shares.tiles, (std::vector<int>{0, 0, 1, 1}));
  // Three shards for the two years: by year the largest share is 16, by task 10 + 6 = 16 as well
  // (scenes 5 | 5 | 5+5, tiles 3 | 3 | 3+3): whole years, the third shard idle.
  shares = ecomon::share_tasks(scenes, tiles, 3);
  EXPECT_TRUE(shares.by_year);
  // Three scenes a year over three shards: by task 5 + 3 = 8 each, by year 24: tasks.
  const std::vector<ShareableTask> six = {{5, "a", 2022}, {5, "b", 2022}, {5, "c", 2022}, {5, "d", 2023}, {5, "e", 2023}, {5, "f", 2023}};
  const std::vector<ShareableTask> six_tiles = {{3, "t1", 2022}, {3, "t2", 2022}, {3, "t3", 2022}, {3, "t4", 2023}, {3, "t5", 2023}, {3, "t6", 2023}};
  shares = ecomon::share_tasks(six, six_tiles, 3);
  EXPECT_FALSE(shares.by_year);
  EXPECT_EQ(shares.scenes, ecomon::assign_to_shards({5, 5, 5, 5, 5, 5}, {"a", "b", "c", "d", "e", "f"}, 3));
  // A nightly run: one year changed, its tasks shared out; and years of unequal size.
  const std::vector<ShareableTask> one_year = {{5, "s1", 2024}, {5, "s2", 2024}};
  const std::vector<ShareableTask> its_tiles = {{3, "t1", 2024}, {3, "t2", 2024}};
  shares = ecomon::share_tasks(one_year, its_tiles, 2);
  EXPECT_FALSE(shares.by_year);
  EXPECT_EQ(shares.scenes, (std::vector<int>{0, 1}));
  EXPECT_EQ(shares.tiles, (std::vector<int>{0, 1}));
  const std::vector<ShareableTask> unequal = {{9, "s1", 2022}, {9, "s2", 2022}, {1, "s3", 2023}, {1, "s4", 2023}};
  EXPECT_FALSE(ecomon::share_tasks(unequal, tiles, 2).by_year);  // by year 24 | 8, by task 10 + 6
  // No tiles (no season products): nothing waits for the scenes; one shard: nothing to share.
  EXPECT_FALSE(ecomon::share_tasks(scenes, {}, 2).by_year);
  EXPECT_FALSE(ecomon::share_tasks(scenes, tiles, 1).by_year);
  EXPECT_EQ(ecomon::share_tasks(scenes, tiles, 1).tiles, std::vector<int>(4, 0));
}
