#pragma once
// Planning targets and their verdicts. A targets file (config/targets.yaml; format in config/README.md)
// names units (groups of zones; a zone code is a unit by itself) and targets on them; for each target
// and year the threshold that applies and the verdict of a value's 95% interval against it.
#include <cmath>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace ecomon {

enum class TargetRule { at_least, at_most };

/// The carbon indicator a target may name besides the season indicators (products/indicators.hpp
/// target_indicators()): the annual carbon stock change of a pair of years, tCO2e per year, positive
/// for a sink (carbon_report.csv `annual_tco2e`); judged on each pair, in the pair's second year.
inline constexpr const char* kCarbonSinkIndicator = "carbon_sink_tco2e_per_yr";
/// met / not_met / at_risk: the 95% interval is a statistical one and lies above, below or across
/// the threshold; not_assessed: the figure has no error model (a map's pixel count without a
/// reference sample, uncalibrated cover), so no verdict is claimed; no_data: too little observed.
enum class Verdict { met, not_met, at_risk, not_assessed, no_data };
const char* verdict_name(Verdict v);

struct TargetPoint {
  int year = 0;
  double value = 0;
};

struct Target {
  std::string id, unit, indicator;
  TargetRule rule = TargetRule::at_least;
  std::optional<TargetPoint> baseline;
  TargetPoint target;
  bool binding = false;
  std::string source;  // FILE:LINE of the planning document
};

struct TargetUnit {
  std::string code, name;
  std::vector<std::string> zones;
};

struct TargetsFile {
  std::string path;
  std::map<std::string, TargetUnit> units;
  std::vector<Target> targets;
};


/// Parses a targets file's text, strictly: unknown keys, a missing field, an unknown indicator or
/// rule, a repeated id, a baseline not before the target year are ConfigErrors naming `path` and the key.
TargetsFile parse_targets(const std::string& text, const std::string& path);
/// Reads and parses a targets file.
TargetsFile load_targets(const std::string& path);
/// Every zone a unit names must be among `zone_codes` (the run's zones file): else a ConfigError
/// naming the targets file, the unit and the zone.
void check_target_units(const TargetsFile& targets, const std::set<std::string>& zone_codes, const std::string& zones_file);

/// The threshold in `year`: on the straight line from the baseline to the target before the target
/// year (the baseline value before the baseline year), the target from then on; the target in every
/// year when there is no baseline.
double threshold_for_year(const Target& target, int year);

/// The verdict of a value's 95% interval [low, high] against `threshold`: met when the whole interval
/// meets it, not_met when the whole interval misses it, at_risk when it straddles it, and no_data when
/// less than `min_observed_fraction` of the unit was observed or the interval is not a number.
Verdict judge(TargetRule rule, double low, double high, double threshold, double observed_fraction, double min_observed_fraction);

}  // namespace ecomon
