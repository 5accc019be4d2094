#pragma once
// Land cover transitions between two years of a run, per zone: the area (m^2, coverage-weighted,
// ellipsoidal) of every (class in the first year, class in the second) pair, from the two years'
// LANDCOVER rasters on the regional grid. The carbon stock change (IPCC 2006 Guidelines, Vol. 4,
// Approach 2 land representation: a transition matrix) is computed from these.
#include <array>
#include <vector>

#include "rules/cell_rules.hpp"

namespace ecomon {

struct TransitionResult {
  int year_from = 0, year_to = 0;
  using Matrix = std::array<double, kLandCoverClasses * kLandCoverClasses>;  // [from * classes + to], classes 1..8 (0 unused)
  std::vector<Matrix> areas;           // by zone
  std::vector<double> unpaired_area;   // by zone: observed in one of the two years only (not in the matrix)
  bool simulated = false;              // either year is simulated

  static std::size_t index(LandCover from, LandCover to) { return std::size_t(from) * kLandCoverClasses + std::size_t(to); }
};

}  // namespace ecomon
