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

enum class Statistic { count, sum, mean, min, max };

/// Parses "count,sum,mean" into statistics; throws std::invalid_argument naming an unknown one.
std::vector<Statistic> parse_statistics(const std::string& list);
std::string statistic_name(Statistic s);
/// The statistic's value; NaN (printed empty) for mean/min/max of a zone with no valid cell.
double statistic_value(const WeightedStats& s, Statistic which);

}  // namespace geo
