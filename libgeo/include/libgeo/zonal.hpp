#pragma once
// Zonal accumulators with exactextract's semantics: each cell is weighted by the fraction of it the
// zone covers; no-data cells are skipped. count = sum of weights, sum = sum of value * weight,
// mean = sum / count.
//
// Determinism: callers add cells of one row in column order into a per-row accumulator and merge row
// accumulators in row order. The floating-point sums then depend only on the raster, never on the
// strip height or on how many threads computed the strips.
#include <algorithm>
#include <limits>
#include <map>
#include <string>
#include <vector>

namespace geo {

struct WeightedStats {
  double count = 0;  // sum of coverage weights of valid cells
  double sum = 0;    // sum of value * weight
  double min = std::numeric_limits<double>::infinity();
  double max = -std::numeric_limits<double>::infinity();

  void add(double value, double weight) {
    if (!(weight > 0)) return;
    count += weight;
    sum += value * weight;
    min = std::min(min, value);
    max = std::max(max, value);
  }
  void merge(const WeightedStats& o) {
    count += o.count;
    sum += o.sum;
    min = std::min(min, o.min);
    max = std::max(max, o.max);
  }
  double mean() const { return count > 0 ? sum / count : std::numeric_limits<double>::quiet_NaN(); }
};

/// Every value a zone holds with its total coverage weight: what the order and category statistics
/// read (median, quantiles, majority, minority, variety, frac, stdev). Merging is exact (sums of
/// weights per value in row order), so the result does not depend on how the rows were cut.
struct ValueDistribution {
  std::map<double, double> weight_of;  // value -> sum of the weights of its cells

  void add(double value, double weight) {
    if (weight > 0) weight_of[value] += weight;
  }
  void merge(const ValueDistribution& o) {
    for (const auto& [v, w] : o.weight_of) weight_of[v] += w;
  }
  double total() const;
  /// The weighted quantile q in [0, 1]: the smallest value whose cumulative weight share reaches q,
  /// the mean of it and the next value where the share equals q exactly (R's quantile type 2, the
  /// inverse of the empirical distribution with averaging at its steps, with weights). NaN if empty.
  double quantile(double q) const;
  /// The value of greatest (majority) or least (minority) total weight; of tied values the smallest.
  double majority() const;
  double minority() const;
  /// Distinct values.
  double variety() const { return double(weight_of.size()); }
  /// The weighted population standard deviation, sqrt(sum w (x - mean)^2 / sum w).
  double stdev() const;
  /// The share of the zone's weight that `value` holds (0 if absent; NaN for an empty zone).
  double frac(double value) const;
};

/// A statistic of `ecomon zonal` (exactextract's names): count, sum, mean, min, max, stdev, median,
/// quantile (q in (0, 1), written quantile_25 for q = 0.25), majority, minority, variety, frac
/// (one column per distinct value: frac_<value>) and weighted_mean (sum x c w / sum c w, with w a
/// second raster's value at the cell).
enum class Statistic { count, sum, mean, min, max, stdev, median, quantile, majority, minority, variety, frac, weighted_mean };
struct StatisticRequest {
  Statistic kind = Statistic::count;
  double q = 0.5;  // for quantile
  bool operator==(const StatisticRequest& o) const { return kind == o.kind && q == o.q; }
};

/// Parses "count,mean,quantile_25"; throws std::invalid_argument naming an unknown one and the
/// allowed names.
std::vector<StatisticRequest> parse_statistics(const std::string& list);
std::string statistic_name(const StatisticRequest& s);
/// Whether any of them needs the zone's value distribution (order and category statistics).
bool needs_distribution(const std::vector<StatisticRequest>& stats);
/// The statistic's value; NaN (printed empty) for a zone with no valid cell. frac and
/// weighted_mean are not single values of these: frac is ValueDistribution::frac per value, and
/// weighted_mean the mean of a WeightedStats filled with weights coverage x weight.
double statistic_value(const WeightedStats& s, const ValueDistribution& d, const StatisticRequest& which);

}  // namespace geo
