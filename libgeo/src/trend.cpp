#include "libgeo/trend.hpp"

#include <algorithm>
#include <map>

namespace geo {

TrendResult theil_sen_mann_kendall(const std::vector<double>& times, const std::vector<double>& values) {
  std::vector<double> t, y;
  for (std::size_t i = 0; i < values.size() && i < times.size(); ++i)
    if (std::isfinite(values[i]) && std::isfinite(times[i])) {
      t.push_back(times[i]);
      y.push_back(values[i]);
    }
  TrendResult r;
  r.n = int(y.size());
  if (r.n < 3) return r;
  std::vector<double> slopes;
  double s = 0;
  for (std::size_t i = 0; i < y.size(); ++i)
    for (std::size_t j = i + 1; j < y.size(); ++j) {
      const double d = y[j] - y[i];
      s += (d > 0) - (d < 0);
      if (t[j] != t[i]) slopes.push_back(d / (t[j] - t[i]));
    }
  std::sort(slopes.begin(), slopes.end());
  const std::size_t m = slopes.size();
  if (m) r.slope = m % 2 ? slopes[m / 2] : 0.5 * (slopes[m / 2 - 1] + slopes[m / 2]);
  const double n = r.n;
  double ties = 0;
  std::map<double, int> groups;
  for (double v : y) ++groups[v];
  for (const auto& [v, g] : groups)
    if (g > 1) ties += double(g) * (g - 1) * (2.0 * g + 5);
  r.s = s;
  r.variance = (n * (n - 1) * (2 * n + 5) - ties) / 18.0;
  r.tau = s / (n * (n - 1) / 2);
  if (r.variance > 0) {
    r.z = s > 0 ? (s - 1) / std::sqrt(r.variance) : s < 0 ? (s + 1) / std::sqrt(r.variance) : 0.0;
    r.p = std::erfc(std::abs(r.z) / std::sqrt(2.0));  // two-sided normal p
  }
  return r;
}

}  // namespace geo
