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
#include <cmath>
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

}  // namespace geo
