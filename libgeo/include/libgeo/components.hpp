#pragma once
// Minimum-patch filtering of a binary mask (8-connected), streamed by strips with a row halo.
//
// A patch smaller than `min_area` holds fewer than N = ceil(min_area / smallest_cell_area) cells, so
// it lies within N - 1 rows of any of its cells. Labelling a strip grown by h = N - 1 rows above and
// below therefore sees every small patch touching the strip whole, and any patch that leaves the grown
// strip shows at least h + 1 cells (one per row crossed) inside it, i.e. at least `min_area`. So the
// local decision "keep if the locally connected area >= min_area" is exact, with bounded memory.
#include <cstdint>

#include "libgeo/block.hpp"

namespace geo {

/// Rows of halo needed above and below a strip for exact filtering.
int min_patch_halo_rows(double min_area, double smallest_cell_area);

/// Keeps the cells of `mask` (1 = in, 0 = out, anything else = no data, never connected) that belong to
/// an 8-connected patch of area >= `min_area`; `mask` and `cell_areas` cover the halo-grown window,
/// the result covers `core` (a window inside it) with 0 for removed cells and other values passed on.
Block<std::uint8_t> remove_small_patches(const Block<std::uint8_t>& mask, const Block<double>& cell_areas, double min_area,
                                         const Window& core);

}  // namespace geo
