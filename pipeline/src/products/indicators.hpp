#pragma once
// The indicators: every column of every per-zone report, defined once (key, Chinese name, meaning,
// and how it is computed from a zone's tallies), as exactextract defines each statistic in one line.
// The CSVs, the terminal tables and the trend test all look columns up here by key, so a column's
// header, documentation and values cannot drift apart. A report is a list of keys (zone_reports.cpp).
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "rules/zone_tally.hpp"
#include "libgeo/io/vector.hpp"

namespace ecomon {

struct SceneResult;
struct YearResult;

/// One row of a per-zone report: a zone, its tallies, and the scene or the season they came from.
struct ZoneRow {
  const geo::io::Zone& zone;
  const ZoneTally& tally;
  const SceneResult* scene = nullptr;  // rows of county_report.csv
  const YearResult* year = nullptr;    // rows of county_timeseries.csv
  bool method_step = false;            // season rows: the method differs from the zone's previous year with data
};

/// The `interval_basis` of a season row: indicator=basis for each indicator a target may name.
std::string interval_bases(const ZoneRow& row);

/// The method of a season row (its forest rule, land-cover source and calibration), as the
/// `method` column spells it; a change between years is a method step.
std::string season_method(const ZoneRow& row);

/// A unit's figure with the bounds of its 95% interval (config/README.md, "How the interval is computed").
struct Estimate {
  double value = 0, low = 0, high = 0;
  /// The interval widened by what a reference sample cannot see: in a stratum none of whose units
  /// showed the class (or all of whose did), the one-sided 95% Clopper-Pearson bound of the share it
  /// may still hold (or lack) (UnitAreaEstimate::unseen_low/high). NaN where no sample was used.
  /// Reported beside the interval; verdicts rest on the interval (low, high).
  double unseen_low = std::numeric_limits<double>::quiet_NaN(), unseen_high = std::numeric_limits<double>::quiet_NaN();
  /// What the interval accounts for (config/README.md, "What an interval accounts for"):
  /// `unobserved_only` (the map's pixel count, bounded by the unobserved part being none or all of
  /// it: no error model, so no verdict), `sample+unobserved` (a reference sample's area-adjusted
  /// estimate and its standard error), `calibration+unobserved` (the ground plots' line and the error
  /// of its calibrated mean).
  std::string basis = kUnobservedOnly;

  Estimate() = default;
  Estimate(double v, double l, double h, std::string b = kUnobservedOnly) : value(v), low(l), high(h), basis(std::move(b)) {}

  static constexpr const char* kUnobservedOnly = "unobserved_only";
  /// A carbon figure's interval over the density table's uncertainty only (no reference sample: the
  /// map's error is not assessed), so no verdict either.
  static constexpr const char* kFactorsOnly = "factors_only";
  /// Whether the interval is a statistical one for the indicator, so that a verdict may rest on it.
  bool statistical() const { return basis != kUnobservedOnly && basis != kFactorsOnly; }
};

struct Indicator {
  std::string key, zh, meaning;
  /// The number, NaN where undefined (nothing observed, no land); empty for text columns.
  std::function<double(const ZoneRow&)> number;
  /// The CSV cell: for numbers, fixed-point with `digits` decimals, empty when undefined.
  std::function<std::string(const ZoneRow&)> text;
  /// Season indicators a target may name: the estimate over the zone's whole area and its interval.
  std::function<Estimate(const ZoneRow&)> estimate;
};

/// The indicators a target may name (the contract of the targets file).
const std::vector<std::string>& target_indicators();
/// Every indicator, in registry order.
const std::vector<Indicator>& indicators();
/// The indicator with this key; throws std::logic_error for a key no indicator has.
const Indicator& indicator(const std::string& key);
/// The unit of an indicator's number, as its key spells it (`_km2` km2, `_wanmu` 万亩, `_pct` %,
/// `_gc_m2` g C/m2, `_tc` t C; fractions and index means 1); "" for text columns.
std::string indicator_unit(const std::string& key);

}  // namespace ecomon
