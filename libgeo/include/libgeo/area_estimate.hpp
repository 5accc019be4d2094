#pragma once
// Area estimation and accuracy assessment from a reference sample stratified by the map's classes:
// the estimators of Olofsson, Foody, Herold, Stehman, Woodcock & Wulder (2014), "Good practices for
// estimating area and assessing accuracy of land change", Remote Sensing of Environment 148, 42-57.
//
// Strata are the map classes i with mapped area A_i and weight W_i = A_i / A, n_ij sample units of
// map class i with reference class j, n_i = sum_j n_ij. Then
//   p_ij = W_i n_ij / n_i                                         (eq. 4, estimated area proportions)
//   overall O = sum_j p_jj;  user's U_i = p_ii / p_i.;  producer's P_j = p_jj / p_.j     (eqs. 1-3)
//   V(O) = sum_i W_i^2 U_i (1 - U_i) / (n_i - 1)                  (eq. 5)
//   V(U_i) = U_i (1 - U_i) / (n_i - 1)                            (eq. 6)
//   V(P_j) = [N_j^2 (1 - P_j)^2 U_j (1 - U_j) / (n_j - 1)
//             + P_j^2 sum_{i != j} N_i^2 (n_ij / n_i)(1 - n_ij / n_i) / (n_i - 1)] / N_.j^2   (eq. 7)
//            with N_i the mapped area of class i and N_.j = sum_i N_i n_ij / n_i
//   area of reference class j: A_j = A p_.j                       (eq. 9)
//   SE(p_.j) = sqrt(sum_i W_i^2 (n_ij / n_i)(1 - n_ij / n_i) / (n_i - 1))   (eq. 10)
//   SE(A_j) = A SE(p_.j); 95% interval A_j +- 1.96 SE(A_j)         (eqs. 11-12)
// Free of GDAL: the caller counts the sample and measures the mapped areas.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <stdexcept>
#include <vector>

namespace geo {

struct ClassEstimate {
  double mapped_area = 0;  // A_i, the map's own figure
  int sample_count = 0;    // n_i (sample units in this map class)
  double users_accuracy = std::nan(""), users_se = std::nan("");
  double producers_accuracy = std::nan(""), producers_se = std::nan("");
  double area = 0, area_se = 0;  // A_j and its standard error (units of mapped_area)
  double ci95_low() const { return area - 1.96 * area_se; }
  double ci95_high() const { return area + 1.96 * area_se; }
};

struct AreaEstimate {
  std::vector<ClassEstimate> classes;  // in the order of the matrix
  double overall_accuracy = std::nan(""), overall_se = std::nan("");
};

/// `counts[i][j]`: sample units mapped as class i whose reference class is j (square, k x k);
/// `mapped_area[i]`: the map's area of class i. Throws std::invalid_argument on a non-square matrix,
/// a negative count or area, or a mapped class with area but fewer than 2 sample units (its variance
/// is undefined).
AreaEstimate olofsson_area_estimate(const std::vector<std::vector<double>>& counts, const std::vector<double>& mapped_area);

// Stratified random sampling in general: strata that need not be the map's classes (a sample drawn
// by county x map class, or on an older map than the one assessed). Cochran (1977), Sampling
// Techniques, 3rd ed., eqs. 5.1-5.6 (total and its variance, with the finite population
// correction 1 - n_h/N_h) and sec. 6.11 (the combined ratio estimator); Stehman (2014), "Estimating
// area and map accuracy for stratified random sampling when the strata are different from the map
// classes", International Journal of Remote Sensing 35:4923-4939 (every accuracy as the ratio of
// two estimated totals, areas as totals of an indicator). With the map's classes as strata and no finite population
// correction these reduce to olofsson_area_estimate() (a test checks it).

/// One stratum: its size in the units of the estimate (an area) and the number of sampling units
/// (cells) it holds, for the finite population correction (infinity: none applied).
struct SampleStratum {
  double size = 0;
  double population = std::numeric_limits<double>::infinity();
  /// The finite population correction 1 - n/N for n units drawn (0 for a stratum sampled whole).
  double fpc(double n) const { return population > 0 && std::isfinite(population) ? std::max(0.0, 1.0 - n / population) : 1.0; }
};

/// The sampled units' values of a stratum: y for a total, y and x for a ratio (x empty for a total).
struct StratumValues {
  SampleStratum stratum;
  std::vector<double> y, x;
};

struct TotalEstimate {
  double total = 0, variance = 0;
  double se() const { return std::sqrt(variance); }
};

/// Y = sum_h N_h ybar_h, V(Y) = sum_h N_h^2 (1 - n_h/N_h) s_yh^2 / n_h (Cochran eqs. 5.3 and 5.6,
/// N_h an area as in Stehman 2014). Throws std::invalid_argument for a stratum with size and no
/// unit, or with one unit that is not the whole stratum (its variance is undefined).
TotalEstimate stratified_total(const std::vector<StratumValues>& strata);

struct RatioEstimate {
  double ratio = std::nan(""), se = std::nan("");
  double numerator = 0, denominator = 0;  // the estimated totals Y and X
};

/// R = Y / X, V(R) = sum_h N_h^2 (1 - n_h/N_h) s_dh^2 / n_h / X^2 with d = y - R x (Cochran sec.
/// 6.11, the linearised variance). NaN ratio when X is 0. Throws as stratified_total().
RatioEstimate stratified_ratio(const std::vector<StratumValues>& strata);

/// A sample unit of an accuracy assessment: its stratum (index into the strata) and its map and
/// reference classes (indices into the classes, 0..k-1).
struct SampledUnit {
  std::size_t stratum = 0, map_class = 0, reference_class = 0;
};

/// Accuracy and reference areas with strata that may differ from the map classes (Stehman 2014):
/// area of reference class j the total of [ref = j], overall accuracy the total of [map = ref] over
/// the area, user's accuracy of i the ratio of the totals of [map = i and ref = i] and [map = i],
/// producer's of j of [map = j and ref = j] and [ref = j],
/// standard errors from stratified_total() and stratified_ratio(). `mapped_area[i]` (k classes) is
/// the map's own area of class i, reported beside. Throws as stratified_total().
AreaEstimate stratified_accuracy(const std::vector<SampleStratum>& strata, const std::vector<SampledUnit>& units,
                                 const std::vector<double>& mapped_area);

}  // namespace geo
