#pragma once
// The scene engine: one TBB pipeline per scene streams full-width strips through
//   read (serial, in order) -> compute products and per-zone row tallies (parallel) ->
//   write strips and merge tallies (serial, in order).
// Memory is bounded by strip height x tokens in flight, never by scene size. Tallies are merged one
// pixel row at a time in row order, so the report is byte-identical for any thread count and strip height.
#include <string>
#include <vector>

#include "config/settings.hpp"
#include "engine/season_source.hpp"
#include "results/scene_result.hpp"
#include "rules/zone_tally.hpp"
#include "base/errors.hpp"
#include "sensors/observation.hpp"
#include "libgeo/io/vector.hpp"

namespace ecomon {

/// Processes one scene: products (if enabled) and per-zone tallies for `zone_source`. Temporary
/// files go to `work_dir` (this run's own scratch folder). With `write_season_inputs`, the rasters the
/// season pass reads (CLEAR and the season indices) are written even when not selected (as work files).
SceneResult process_scene(ObservationSource& source, const Settings& settings, const geo::io::ZoneSource& zone_source,
                          const std::string& work_dir, bool write_season_inputs = false);

}  // namespace ecomon
