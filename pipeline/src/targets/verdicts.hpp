#pragma once
// The verdict of every target in every year of a run: the unit's figure from the indicator registry
// (products/indicators.cpp, one definition for the series and the verdicts), its 95% interval, the
// threshold that applies that year, and met / at_risk / not_met when the interval is a statistical
// one, not_assessed when it is not (the map value alone is then compared in map_verdict), no_data
// when too little was observed. The member zones of a
// unit get rows too (scope `member`), judged against the unit's threshold, to show which of them
// carry the unit and which hold it back.
#include <limits>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "base/csv.hpp"
#include "carbon/stock_change.hpp"
#include "config/settings.hpp"
#include "libgeo/grid.hpp"
#include "libgeo/io/reader_pool.hpp"
#include "libgeo/io/vector.hpp"
#include "results/year_result.hpp"
#include "products/indicators.hpp"
#include "targets/targets.hpp"

namespace ecomon {

struct VerdictRow {
  const Target* target = nullptr;
  std::string scope;  // unit | member
  std::string unit_code, unit_name;
  int year = 0;
  Estimate estimate{kUnknown, kUnknown, kUnknown};
  double threshold = 0, distance = kUnknown, observed_fraction = 0;
  Verdict verdict = Verdict::no_data;
  Verdict map_verdict = Verdict::no_data;  // the value alone against the threshold (met / not_met), whatever the interval
  bool calibrated = false;
  bool simulated = false;  // the year's scenes are simulated
  std::string method;      // the unit's method that year (county_timeseries.csv `method`), "" without data
  // The same target, scope and unit in the latest earlier year of the run with a value: what a bulletin
  // prints beside this year's figure ("较上年").
  int previous_year = 0;
  double previous_value = kUnknown;

  static constexpr double kUnknown = std::numeric_limits<double>::quiet_NaN();
};

/// A unit of the targets file in one year as a row of the indicator registry sees it: the tallies of
/// its member zones found in `zones` merged (in the members' order), its area their sum. A unit none
/// of whose zones the run has is empty (unobserved).
struct UnitOfYear {
  geo::io::Zone zone;
  ZoneTally tally;
};
UnitOfYear unit_of_year(const std::string& code, const std::string& name, const std::vector<std::string>& members,
                        const std::vector<geo::io::Zone>& zones, const YearResult& year);

/// The targets file settings.targets.file names (none without one), its units checked against
/// `zones` (check_target_units).
std::optional<TargetsFile> targets_for_zones(const Settings& settings, const std::vector<geo::io::Zone>& zones);
/// The targets file's units as carbon groups, reported beside the zones (none without a file).
std::vector<CarbonGroup> carbon_groups(const TargetsFile* targets);

/// The land cover transitions between the pairs of years carbon.pairs names, and with a factor table
/// the carbon stock changes of the zones and the targets' units.
struct TransitionsAndCarbon {
  std::vector<TransitionResult> transitions;  // by pair of years, in carbon.pairs order
  std::vector<CarbonChange> carbon;           // by unit, then pair (carbon_stock_changes)
};
/// What the run's transitions job and a workspace's reports compute, one function: the years'
/// LANDCOVER rasters read on `grid` (borrowed from `readers` when given). None when the settings
/// want no transitions (transitions_wanted).
TransitionsAndCarbon transitions_and_carbon(const std::vector<YearResult>& years, const geo::Grid& grid,
                                            const std::vector<geo::io::Zone>& zones, const Settings& settings, const TargetsFile* targets,
                                            const CarbonFactors* factors, geo::io::ReaderPool* readers = nullptr);

/// Every target x year of `years` (and each member zone of the target's unit), in the targets file's
/// order, then year, unit before members. A unit none of whose zones is in `zones` (a region-wide
/// target run on a few counties) has no_data rows. A carbon target (kCarbonSinkIndicator) is judged
/// on each pair of years of `carbon` (its unit's and its member zones' rows), in the pair's second year.
std::vector<VerdictRow> evaluate_targets(const TargetsFile& targets, const std::vector<geo::io::Zone>& zones,
                                         const std::vector<YearResult>& years, double min_observed_fraction,
                                         const std::vector<CarbonChange>* carbon = nullptr);

/// Columns of targets_report.csv.
const std::vector<ReportColumn>& targets_report_columns();
/// One CSV row per verdict row, in the order of targets_report_columns().
std::vector<std::string> targets_report_cells(const VerdictRow& row);

/// The terminal table of the verdicts (unit rows, member rows indented).
std::string format_targets_table(const std::vector<VerdictRow>& rows);

}  // namespace ecomon
