#pragma once
// Monotonic trend of a short yearly series.
//
// Theil-Sen slope: the median of the pairwise slopes (y_j - y_i) / (t_j - t_i), i < j (Theil 1950;
// Sen 1968, JASA 63(324), 1379-1389). Mann-Kendall test: S = sum of sign(y_j - y_i); its variance
// with the tie correction Var(S) = [n(n-1)(2n+5) - sum_g t_g(t_g-1)(2t_g+5)] / 18 over groups of tied
// values (Kendall 1975; Hirsch, Slack & Smith 1982, Water Resour. Res. 18(1)); Z with continuity
// correction, two-sided p from the normal distribution.
#include <cmath>
#include <vector>

namespace geo {

struct TrendResult {
  int n = 0;                    // number of (finite) values used
  double slope = std::nan("");  // Theil-Sen slope, units per time unit
  double s = 0;                 // Mann-Kendall S
  double variance = 0;          // Var(S), tie-corrected
  double z = std::nan("");
  double p = std::nan("");    // two-sided
  double tau = std::nan("");  // Kendall's tau-a = S / (n(n-1)/2)
};

/// Trend of `values` at times `times` (NaN values are skipped). Fewer than 3 values give NaNs.
TrendResult theil_sen_mann_kendall(const std::vector<double>& times, const std::vector<double>& values);

}  // namespace geo
