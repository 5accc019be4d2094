#pragma once
// A run as a plan of jobs: one per scene (products and per-zone tallies on its own grid), one per
// year (season composites on the regional grid, after that year's scenes) and one for the trends
// (after every year). Jobs are the unit a Catalog records and an Executor runs: the nightly run
// resumes by skipping what its catalog says is done, the MPI executor sends jobs to other machines.
#include <chrono>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "sensors/observation.hpp"

namespace ecomon {

struct Job {
  enum class Kind { scene, year, trends, transitions };
  Kind kind = Kind::scene;
  std::string key;                 // unique and stable: the scene id, "season 2023", "trends", "transitions"
  std::size_t scene = 0;           // scene jobs: index into the planned scenes
  int year = 0;                    // scene and year jobs
  std::vector<std::size_t> after;  // indices of the jobs that must have run first
};

struct RunPlan {
  std::vector<Job> jobs;  // in an order that respects `after`: years in order, each after its scenes
};

/// Plans scene jobs for `scenes` (grouped by year, in (date, id) order), a year job per year when
/// `seasons`, and a trends job and a land cover transitions job after all years. The years in
/// `unchanged` (their results reloaded from the catalog) get no job; the trends and transitions
/// still run, on every year.
RunPlan make_run_plan(const std::vector<SceneProbe>& scenes, bool seasons, const std::set<int>& unchanged = {});

/// The shard (0 .. shards-1) of each task, `sizes` its estimated work: the largest first, each to the
/// shard with the least work so far (ties: the lowest shard), tasks of equal size in `keys` order
/// (Graham's longest-processing-time rule, at most 4/3 of the best makespan). The same tasks give
/// the same shares on every machine, whatever is already done, so N shards of a job array agree
/// without talking to each other.
std::vector<int> assign_to_shards(const std::vector<double>& sizes, const std::vector<std::string>& keys, int shards);

/// A task of a shard run as the shares see it: its estimated work, its key and its year.
struct ShareableTask {
  double size = 0;
  std::string key;
  int year = 0;
};

/// The shards of a shard run's scene tasks and season tile tasks.
struct TaskShares {
  std::vector<int> scenes, tiles;
  /// Whole years to a shard: each year's scene tasks and tile tasks in one shard, which then makes
  /// its years' tiles right after their scenes, in the same start, from the products it has just
  /// written, without waiting for the other shards.
  bool by_year = false;
};

/// Shares a shard run's tasks: whole years (assign_to_shards over the years, each year's size the sum
/// of its tasks') when that gives no share a larger estimate than sharing the scene tasks and then
/// the tile tasks does (the two passes' largest shares added: the tiles wait for every scene); else
/// the scene tasks and the tile tasks each by assign_to_shards. An archive of many years reprocessed
/// goes by year; a nightly run, whose only changed year is one share, by task. The same tasks give the
/// same shares on every machine.
TaskShares share_tasks(const std::vector<ShareableTask>& scenes, const std::vector<ShareableTask>& tiles, int shards);

/// What a catalog keeps of a job.
struct JobRecord {
  std::string key, status, message;  // status: ok | failed
  double seconds = 0;
  /// Failed writing its outputs (a full disk, an I/O error: geo::io::WriteError), not because of
  /// its input: the scene is not quarantined but tried again at the next run.
  bool outside_input = false;
};

/// Where the state of a run's jobs is kept. In memory for now; the nightly run keeps it in SQLite to
/// resume after a crash and to skip what was done.
class Catalog {
 public:
  virtual ~Catalog() = default;
  virtual void record(const JobRecord& record) = 0;
  virtual std::vector<JobRecord> records() const = 0;
};

class MemoryCatalog final : public Catalog {
 public:
  void record(const JobRecord& r) override { records_.push_back(r); }
  std::vector<JobRecord> records() const override { return records_; }

 private:
  std::vector<JobRecord> records_;
};

/// Runs the jobs of a plan, each after the jobs it depends on, and records each in the catalog. A
/// job that throws is recorded as failed and the others go on (its dependants run without it); an
/// OutputError is recorded and ends the run.
class Executor {
 public:
  virtual ~Executor() = default;
  virtual void execute(const RunPlan& plan, const std::function<void(const Job&)>& run_job, Catalog& catalog) = 0;
};

/// This machine: jobs one after another in plan order; each uses every core inside (TBB strips).
class LocalExecutor final : public Executor {
 public:
  void execute(const RunPlan& plan, const std::function<void(const Job&)>& run_job, Catalog& catalog) override;
};

}  // namespace ecomon
