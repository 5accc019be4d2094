#pragma once
// The land cover transition pass: for pairs of the run's years, the two LANDCOVER rasters read
// together strip by strip through the strip runner, each zone's areas tallied per (from, to) class
// pair row by row and merged in order (deterministic for any thread count and strip height).
#include <string>
#include <utility>
#include <vector>

#include "config/settings.hpp"
#include "libgeo/grid.hpp"
#include "libgeo/io/reader_pool.hpp"
#include "libgeo/io/vector.hpp"
#include "results/transition_result.hpp"
#include "results/year_result.hpp"

namespace ecomon {

/// The pairs of years (first, second) carbon.pairs asks for among years that have a LANDCOVER raster,
/// in order: `consecutive` (each year and the next), `span` (first and last), `consecutive_and_span`
/// (both, the span once), `none`.
std::vector<std::pair<int, int>> transition_pairs(const std::vector<YearResult>& years, const std::string& pairs);

/// Whether the run computes transitions: some pair, so each year keeps its LANDCOVER (a work file when not selected).
bool transitions_wanted(const Settings& settings);

/// The transition matrix of every zone between two years. `readers`: where to borrow open readers of
/// the two LANDCOVER rasters (a workspace's); none: opened here.
TransitionResult land_cover_transitions(const YearResult& from, const YearResult& to, const geo::Grid& grid,
                                        const std::vector<geo::io::Zone>& zones, const Settings& settings,
                                        geo::io::ReaderPool* readers = nullptr);
/// The transitions of every pair of `years` that `pairs` asks for (transition_pairs), in its order.
std::vector<TransitionResult> transitions_of_pairs(const std::vector<YearResult>& years, const std::string& pairs, const geo::Grid& grid,
                                                   const std::vector<geo::io::Zone>& zones, const Settings& settings,
                                                   geo::io::ReaderPool* readers = nullptr);

}  // namespace ecomon
