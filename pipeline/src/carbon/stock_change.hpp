#pragma once
// Carbon stock change between two years of a run, per unit (every zone, and every unit of the
// targets file), from the land cover transitions and the carbon density of each class:
//   stock difference (IPCC 2006 Guidelines, Vol. 4, Ch. 2, eq. 2.8 on an Approach 2 transition matrix):
//     dC = sum over transitions (from, to) of area x (C_to - C_from)
//   and, with carbon.stable_growth, the gain-loss growth of land that keeps its class (Vol. 4 eq. 2.9):
//     + sum over classes of stable area x G x (1 + R) x CF x years.
// With a reference sample labelling both years, the class areas are the sample's (Olofsson et al. 2014
// per year, as the targets' areas are): dC = (D_to - D_from) x A, D the sample's estimate of the mean
// density over the unit (ClassAccuracy::unit_ratio with y = the density of each unit's reference
// class), A the area observed in both years.
// The 95% interval: a seeded Monte Carlo (IPCC 2006 Vol. 1, Ch. 3, Approach 2) over the factor table's
// uncertainties (each class's density drawn once per draw, for both dates) and, with the sample, the
// sampling error of D_to - D_from (normal, its variance a quadratic form in the densities).
// Land observed in only one of the two years is taken at the rate of the land observed in both
// (as the targets' area indicators take their unobserved part); observed_fraction says how much that is.
#include <string>
#include <vector>

#include "carbon/carbon_factors.hpp"
#include "config/settings.hpp"
#include "libgeo/io/vector.hpp"
#include "results/transition_result.hpp"
#include "results/year_result.hpp"

namespace ecomon {

/// A group of zones reported as one unit (a unit of the targets file: a city, a league).
struct CarbonGroup {
  std::string code, name;
  std::vector<std::string> zones;  // zone codes; those not among the run's zones are left out
};

struct CarbonChange {
  std::string unit_code, unit_name;
  int year_from = 0, year_to = 0;
  std::string method;          // stock_difference | stock_difference+gain_loss
  std::string interval_basis;  // sample+factors | factors_only
  std::string sample_problem;  // why the sample did not give the areas ("" when it did, or there is none)
  double unit_area_m2 = 0, paired_area_m2 = 0;
  double map_stock_change_tc = 0;      // the map's transitions alone, over the paired area, tC
  double stock_change_tc = 0;          // the figure over the unit's whole area, tC (positive: a gain, a sink)
  double ci95_low_tc = 0, ci95_high_tc = 0;
  double gained_tree_m2 = 0, lost_tree_m2 = 0;  // the map's transitions into and out of tree cover (paired area)
  LandCover largest_from = LandCover::unknown, largest_to = LandCover::unknown;
  double largest_tc = 0;  // the largest contributing transition's stock change (map, paired area)
  bool simulated = false;
  int draws = 0;

  double observed_fraction() const { return unit_area_m2 > 0 ? paired_area_m2 / unit_area_m2 : 0.0; }
  int years() const { return year_to - year_from; }
  /// Whether the interval accounts for the map's classification error (a reference sample in both years).
  bool statistical() const { return interval_basis == kSampleAndFactors; }

  static constexpr const char* kSampleAndFactors = "sample+factors";
  static constexpr const char* kFactorsOnly = "factors_only";  // Estimate::kFactorsOnly
};

/// tC to tCO2e (the molecular weights' ratio, 44/12).
inline constexpr double kCO2PerC = 44.0 / 12.0;

/// Every unit's stock change for every pair of `transitions`: zones in order, then `groups` in order
/// (a group named like a zone, or with none of the run's zones, left out); each unit's pairs in
/// `transitions` order. The Monte Carlo
/// of each (unit, pair) has its own generator, seeded from carbon.seed, the unit code and the years,
/// so the result is the same for any thread count and any order.
std::vector<CarbonChange> carbon_stock_changes(const std::vector<TransitionResult>& transitions, const std::vector<YearResult>& years,
                                               const std::vector<geo::io::Zone>& zones, const std::vector<CarbonGroup>& groups,
                                               const CarbonFactors& factors, const Settings& settings);

}  // namespace ecomon
