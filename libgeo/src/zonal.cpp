#include "libgeo/zonal.hpp"

#include <cmath>
#include <sstream>
#include <stdexcept>

namespace geo {

double ValueDistribution::total() const {
  double t = 0;
  for (const auto& [v, w] : weight_of) t += w;
  return t;
}

double ValueDistribution::quantile(double q) const {
  const double total_weight = total();
  if (!(total_weight > 0)) return std::numeric_limits<double>::quiet_NaN();
  const double target = q * total_weight;
  double cumulative = 0;
  for (auto it = weight_of.begin(); it != weight_of.end(); ++it) {
    cumulative += it->second;
    // Relative tolerance: the weights are sums of coverage fractions (q x total may round).
    const double tolerance = 1e-12 * total_weight;
    if (std::abs(cumulative - target) <= tolerance) {
      const auto next = std::next(it);
      return next == weight_of.end() ? it->first : 0.5 * (it->first + next->first);
    }
    if (cumulative > target) return it->first;
  }
  return weight_of.rbegin()->first;
}

double ValueDistribution::majority() const {
  double best = std::numeric_limits<double>::quiet_NaN(), best_weight = -1;
  for (const auto& [v, w] : weight_of)
    if (w > best_weight) best = v, best_weight = w;  // strict: of tied values the smallest (first)
  return best;
}

double ValueDistribution::minority() const {
  double best = std::numeric_limits<double>::quiet_NaN(), best_weight = std::numeric_limits<double>::infinity();
  for (const auto& [v, w] : weight_of)
    if (w < best_weight) best = v, best_weight = w;
  return best;
}

double ValueDistribution::stdev() const {
  double t = 0, s = 0;
  for (const auto& [v, w] : weight_of) t += w, s += v * w;
  if (!(t > 0)) return std::numeric_limits<double>::quiet_NaN();
  const double mean = s / t;
  double ss = 0;
  for (const auto& [v, w] : weight_of) ss += w * (v - mean) * (v - mean);
  return std::sqrt(ss / t);
}

double ValueDistribution::frac(double value) const {
  const double t = total();
  if (!(t > 0)) return std::numeric_limits<double>::quiet_NaN();
  const auto it = weight_of.find(value);
  return it == weight_of.end() ? 0.0 : it->second / t;
}

namespace {

constexpr const char* kAllowed =
    "count, sum, mean, min, max, stdev, median, quantile_N (0 < N < 100), majority, minority, variety, frac, weighted_mean";

}  // namespace

std::vector<StatisticRequest> parse_statistics(const std::string& list) {
  static const std::pair<const char*, Statistic> kNames[] = {
      {"count", Statistic::count},       {"sum", Statistic::sum},         {"mean", Statistic::mean},
      {"min", Statistic::min},           {"max", Statistic::max},         {"stdev", Statistic::stdev},
      {"median", Statistic::median},     {"majority", Statistic::majority}, {"minority", Statistic::minority},
      {"variety", Statistic::variety},   {"frac", Statistic::frac},       {"weighted_mean", Statistic::weighted_mean}};
  std::vector<StatisticRequest> out;
  std::stringstream ss(list);
  std::string item;
  while (std::getline(ss, item, ',')) {
    StatisticRequest r;
    bool known = false;
    for (const auto& [name, kind] : kNames)
      if (item == name) r.kind = kind, known = true;
    if (!known && item.rfind("quantile_", 0) == 0) {
      const std::string digits = item.substr(9);
      char* end = nullptr;
      const double percent = digits.empty() ? 0 : std::strtod(digits.c_str(), &end);
      if (end != nullptr && *end == '\0' && percent > 0 && percent < 100) r.kind = Statistic::quantile, r.q = percent / 100, known = true;
    }
    if (!known) throw std::invalid_argument("unknown statistic '" + item + "' (allowed: " + kAllowed + ")");
    out.push_back(r);
  }
  if (out.empty()) throw std::invalid_argument(std::string("no statistic requested (allowed: ") + kAllowed + ")");
  return out;
}

std::string statistic_name(const StatisticRequest& s) {
  switch (s.kind) {
    case Statistic::count: return "count";
    case Statistic::sum: return "sum";
    case Statistic::mean: return "mean";
    case Statistic::min: return "min";
    case Statistic::max: return "max";
    case Statistic::stdev: return "stdev";
    case Statistic::median: return "median";
    case Statistic::quantile: {
      std::ostringstream name;
      name << "quantile_" << s.q * 100;
      return name.str();
    }
    case Statistic::majority: return "majority";
    case Statistic::minority: return "minority";
    case Statistic::variety: return "variety";
    case Statistic::frac: return "frac";
    case Statistic::weighted_mean: return "weighted_mean";
  }
  return "?";
}

bool needs_distribution(const std::vector<StatisticRequest>& stats) {
  for (const StatisticRequest& s : stats)
    switch (s.kind) {
      case Statistic::stdev:
      case Statistic::median:
      case Statistic::quantile:
      case Statistic::majority:
      case Statistic::minority:
      case Statistic::variety:
      case Statistic::frac:
        return true;
      default:
        break;
    }
  return false;
}

double statistic_value(const WeightedStats& s, const ValueDistribution& d, const StatisticRequest& which) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const bool any = s.count > 0;
  switch (which.kind) {
    case Statistic::count: return s.count;
    case Statistic::sum: return s.sum;
    case Statistic::mean: return s.mean();
    case Statistic::min: return any ? s.min : nan;
    case Statistic::max: return any ? s.max : nan;
    case Statistic::stdev: return any ? d.stdev() : nan;
    case Statistic::median: return any ? d.quantile(0.5) : nan;
    case Statistic::quantile: return any ? d.quantile(which.q) : nan;
    case Statistic::majority: return any ? d.majority() : nan;
    case Statistic::minority: return any ? d.minority() : nan;
    case Statistic::variety: return d.variety();
    case Statistic::frac:
    case Statistic::weighted_mean: return nan;  // not single values of these (see the declaration)
  }
  return nan;
}

}  // namespace geo
