#include "libgeo/zonal.hpp"

#include <sstream>
#include <stdexcept>

namespace geo {

std::vector<Statistic> parse_statistics(const std::string& list) {
  std::vector<Statistic> out;
  std::stringstream ss(list);
  std::string item;
  while (std::getline(ss, item, ',')) {
    if (item == "count")
      out.push_back(Statistic::count);
    else if (item == "sum")
      out.push_back(Statistic::sum);
    else if (item == "mean")
      out.push_back(Statistic::mean);
    else if (item == "min")
      out.push_back(Statistic::min);
    else if (item == "max")
      out.push_back(Statistic::max);
    else
      throw std::invalid_argument("unknown statistic '" + item + "' (allowed: count, sum, mean, min, max)");
  }
  if (out.empty()) throw std::invalid_argument("no statistic requested (allowed: count, sum, mean, min, max)");
  return out;
}

std::string statistic_name(Statistic s) {
  switch (s) {
    case Statistic::count:
      return "count";
    case Statistic::sum:
      return "sum";
    case Statistic::mean:
      return "mean";
    case Statistic::min:
      return "min";
    case Statistic::max:
      return "max";
  }
  return "?";
}

double statistic_value(const WeightedStats& s, Statistic which) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  switch (which) {
    case Statistic::count:
      return s.count;
    case Statistic::sum:
      return s.sum;
    case Statistic::mean:
      return s.mean();
    case Statistic::min:
      return s.count > 0 ? s.min : nan;
    case Statistic::max:
      return s.count > 0 ? s.max : nan;
  }
  return nan;
}

}  // namespace geo
