#pragma once
// The one streaming machine of both engines. Strips of a grid, each grown by a halo of rows, go
//   read (serial, in order) -> compute (parallel) -> emit: write and merge (serial, in order),
// with at most plan.tokens strips in flight, so memory is bounded by the window budget, never by the
// size of the grid or the number of scenes. Emitting in order, row by row, makes results independent
// of the thread count and the strip height.
#include <spdlog/spdlog.h>
#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>
#include <tbb/partitioner.h>
#include <tbb/parallel_pipeline.h>
#include <tbb/task_arena.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "base/heap.hpp"
#include "base/interrupt.hpp"
#include "config/settings.hpp"
#include "rules/zone_tally.hpp"
#include "libgeo/grid.hpp"
#include "libgeo/io/raster.hpp"

namespace ecomon {

/// What every strip carries: its core rows and the grown window (core plus halo) read for them.
struct StripWindows {
  geo::Window core, grown;
};

/// The most a pass of strips populates of the heap at its start: a bench run (two threads, a Landsat
/// scene and its season) plans more than it touches, and populated pages count as the process's memory.
inline constexpr double kMostHeapPopulated = 512.0 * 1024 * 1024;

/// `Strip` derives from StripWindows. read(Strip&) fills it from the sources (called in strip
/// order), compute(Strip&) does the per-cell work (concurrently), emit(Strip&) writes and merges
/// (in strip order). `only`: the strips of that window of the grid instead of the whole grid.
template <typename Strip, typename Read, typename Compute, typename Emit>
void run_strips(const StripPlan& plan, const geo::Grid& grid, int halo_rows, Read read, Compute compute, Emit emit,
                std::optional<geo::Window> only = std::nullopt) {
  const std::vector<geo::Window> strips = only ? geo::strips(*only, plan.rows) : geo::strips(grid, plan.rows);
  // The strips' pages populated in one call, not faulted one by one (base/heap.hpp); the first pass of
  // a process pays it, later ones reuse the pages.
  if (const std::size_t populated = strips.empty() ? 0 : populate_heap(std::size_t(std::min(plan.heap_bytes, kMostHeapPopulated))))
    spdlog::debug("heap: {} MiB populated for {} strips of {} rows in flight", populated >> 20, plan.tokens, plan.rows);
  std::size_t next = 0;
  tbb::task_arena arena(plan.threads);
  arena.execute([&] {
    tbb::parallel_pipeline(
        plan.tokens,
        tbb::make_filter<void, std::shared_ptr<Strip>>(tbb::filter_mode::serial_in_order,
                                                       [&](tbb::flow_control& fc) -> std::shared_ptr<Strip> {
                                                         if (next >= strips.size()) {
                                                           fc.stop();
                                                           return nullptr;
                                                         }
                                                         strip_checkpoint();  // Ctrl-C: stop between strips
                                                         auto s = std::make_shared<Strip>();
                                                         s->core = strips[next++];
                                                         s->grown = s->core.with_row_halo(halo_rows, grid.full());
                                                         read(*s);
                                                         return s;
                                                       }) &
            tbb::make_filter<std::shared_ptr<Strip>, std::shared_ptr<Strip>>(tbb::filter_mode::parallel,
                                                                             [&](std::shared_ptr<Strip> s) {
                                                                               compute(*s);
                                                                               return s;
                                                                             }) &
            tbb::make_filter<std::shared_ptr<Strip>, void>(tbb::filter_mode::serial_in_order, [&](std::shared_ptr<Strip> s) { emit(*s); }));
  });
}

/// Wall seconds since `start` (the debug log's phase timings).
inline double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

/// Merges a strip's per-row zone tallies ([zone][row]) into the totals, row by row in order.
inline void merge_rows(std::vector<ZoneTally>& totals, const std::vector<std::vector<ZoneTally>>& zone_rows) {
  for (std::size_t z = 0; z < totals.size(); ++z)
    for (const auto& row : zone_rows[z]) totals[z].merge(row);
}

/// Finishes COG writers (codec and overviews dominate what is left): independent files, in parallel.
/// Null writers (products not written) are skipped. Their folders are flushed once each when all are
/// in place (geo::io::FolderSyncBatch), not after each file and sidecar.
inline void finish_all(std::vector<std::unique_ptr<geo::io::CogWriter>>& writers, int threads) {
  kill_point("before-finish");
  std::set<std::string> folders;
  for (const auto& w : writers)
    if (w) folders.insert(std::filesystem::path(w->path()).parent_path().string());
  geo::io::FolderSyncBatch folder_syncs({folders.begin(), folders.end()});
  tbb::task_arena arena(threads);
  arena.execute([&] {
    // One file per task, taken in order as threads free up (the int16 index products, the largest,
    // come first), so no thread is left with a run of large files while the other idles.
    tbb::parallel_for(
        tbb::blocked_range<std::size_t>(0, writers.size(), 1),
        [&](const tbb::blocked_range<std::size_t>& r) {
          for (std::size_t i = r.begin(); i != r.end(); ++i)
            if (writers[i]) writers[i]->finish();
        },
        tbb::simple_partitioner());
  });
  folder_syncs.finish();
}

}  // namespace ecomon
