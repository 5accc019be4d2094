#include "base/interrupt.hpp"
#include "app/run_plan.hpp"

#include <algorithm>
#include <numeric>
#include <stdexcept>

#include "base/output_folder.hpp"
#include "libgeo/io/raster.hpp"

namespace ecomon {

RunPlan make_run_plan(const std::vector<SceneProbe>& scenes, bool seasons, const std::set<int>& unchanged) {
  std::vector<std::size_t> order(scenes.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return std::tie(scenes[a].info.date, scenes[a].info.id) < std::tie(scenes[b].info.date, scenes[b].info.id);
  });
  std::map<int, std::vector<std::size_t>> by_year;  // dates are checked ISO 8601 by the probe
  for (std::size_t i : order) by_year[std::stoi(scenes[i].info.date.substr(0, 4))].push_back(i);
  RunPlan plan;
  std::vector<std::size_t> year_jobs;
  for (const auto& [year, indices] : by_year) {
    if (seasons && unchanged.count(year)) continue;
    std::vector<std::size_t> scene_jobs;
    for (std::size_t i : indices) {
      scene_jobs.push_back(plan.jobs.size());
      plan.jobs.push_back({Job::Kind::scene, scenes[i].info.id, i, year, {}});
    }
    if (!seasons) continue;
    year_jobs.push_back(plan.jobs.size());
    plan.jobs.push_back({Job::Kind::year, "season " + std::to_string(year), 0, year, scene_jobs});
  }
  if (seasons && (!year_jobs.empty() || !unchanged.empty())) {
    plan.jobs.push_back({Job::Kind::trends, "trends", 0, 0, year_jobs});
    plan.jobs.push_back({Job::Kind::transitions, "transitions", 0, 0, year_jobs});
  }
  return plan;
}

void LocalExecutor::execute(const RunPlan& plan, const std::function<void(const Job&)>& run_job, Catalog& catalog) {
  for (std::size_t j = 0; j < plan.jobs.size(); ++j) {
    const Job& job = plan.jobs[j];
    for (std::size_t before : job.after)
      if (before >= j) throw std::logic_error("run plan: job " + job.key + " is planned before a job it depends on");
    const auto t0 = std::chrono::steady_clock::now();
    JobRecord record{job.key, "ok", "", 0};
    auto seconds = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(); };
    try {
      stop_if_interrupted();
      run_job(job);
    } catch (const Interrupted& e) {
      // Ctrl-C or SIGTERM: the run stops; unwinding removes its temporary files and unlocks the folder.
      catalog.record({job.key, "interrupted", e.what(), seconds()});
      throw;
    } catch (const OutputError& e) {
      // The output folder is unusable: no later job could write either. The run stops.
      catalog.record({job.key, "failed", e.what(), seconds()});
      throw;
    } catch (const geo::io::WriteError& e) {
      record.status = "failed";
      record.message = e.what();
      record.outside_input = true;
    } catch (const std::exception& e) {
      record.status = "failed";
      record.message = e.what();
    }
    record.seconds = seconds();
    catalog.record(record);
  }
}

std::vector<int> assign_to_shards(const std::vector<double>& sizes, const std::vector<std::string>& keys, int shards) {
  if (shards < 1) throw std::invalid_argument("shards: at least 1");
  std::vector<std::size_t> order(sizes.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return sizes[a] != sizes[b] ? sizes[a] > sizes[b] : keys[a] < keys[b]; });
  std::vector<double> load(std::size_t(shards), 0.0);
  std::vector<int> shard(sizes.size(), 0);
  for (std::size_t i : order) {
    const auto least = std::min_element(load.begin(), load.end());  // the first of equals: the lowest shard
    shard[i] = int(least - load.begin());
    *least += sizes[i];
  }
  return shard;
}

namespace {

std::vector<int> assign_tasks(const std::vector<ShareableTask>& tasks, int shards) {
  std::vector<double> sizes;
  std::vector<std::string> keys;
  for (const ShareableTask& t : tasks) sizes.push_back(t.size), keys.push_back(t.key);
  return assign_to_shards(sizes, keys, shards);
}

// The largest share's estimate.
double largest_share(const std::vector<ShareableTask>& tasks, const std::vector<int>& shard_of, int shards) {
  std::vector<double> load(std::size_t(shards), 0.0);
  for (std::size_t i = 0; i < tasks.size(); ++i) load[std::size_t(shard_of[i])] += tasks[i].size;
  return load.empty() ? 0.0 : *std::max_element(load.begin(), load.end());
}

}  // namespace

TaskShares share_tasks(const std::vector<ShareableTask>& scenes, const std::vector<ShareableTask>& tiles, int shards) {
  TaskShares shares;
  shares.scenes = assign_tasks(scenes, shards);
  shares.tiles = assign_tasks(tiles, shards);
  if (tiles.empty() || shards < 2) return shares;  // nothing waits for the scenes, or nothing to share
  // The years as tasks of their own, keyed by the year (zero-padded: keys sort as the years do).
  std::map<int, double> year_sizes;
  for (const auto* kind : {&scenes, &tiles})
    for (const ShareableTask& t : *kind) year_sizes[t.year] += t.size;
  std::vector<ShareableTask> years;
  for (const auto& [year, size] : year_sizes) {
    std::string key = std::to_string(year);
    years.push_back({size, std::string(key.size() < 6 ? 6 - key.size() : 0, '0') + key, year});
  }
  const std::vector<int> year_shard = assign_tasks(years, shards);
  const double by_task = largest_share(scenes, shares.scenes, shards) + largest_share(tiles, shares.tiles, shards);
  // (The same sums added in another order may differ in their last bits: equal within 1e-9.)
  if (largest_share(years, year_shard, shards) > by_task * (1 + 1e-9)) return shares;
  std::map<int, int> shard_of_year;
  for (std::size_t y = 0; y < years.size(); ++y) shard_of_year[years[y].year] = year_shard[y];
  for (std::size_t i = 0; i < scenes.size(); ++i) shares.scenes[i] = shard_of_year.at(scenes[i].year);
  for (std::size_t i = 0; i < tiles.size(); ++i) shares.tiles[i] = shard_of_year.at(tiles[i].year);
  shares.by_year = true;
  return shares;
}

}  // namespace ecomon
