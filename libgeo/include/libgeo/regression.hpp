#pragma once
// Ordinary least squares of one predictor, as a calibration fits satellite values to ground
// measurements, with what a user needs to judge it: R2, RMSE and bias of the fit, leave-one-out
// RMSE (the error expected on a plot the fit has not seen), and the standard error of the mean
// response at any x, which is the error of a calibrated mean (not the per-plot RMSE).
//
//   slope b = Sxy / Sxx, intercept a = mean(y) - b mean(x)
//   residual standard error s = sqrt(SSE / (n - 2))
//   SE of the mean response at x0: s sqrt(1/n + (x0 - mean(x))^2 / Sxx)
//     (Montgomery, Peck & Vining, Introduction to Linear Regression Analysis, 5th ed., sec. 2.4.2)
//   leave-one-out residual e_i / (1 - h_ii), h_ii = 1/n + (x_i - mean(x))^2 / Sxx (the PRESS residual, ibid. sec. 4.3)
// Free of GDAL.
#include <cmath>
#include <vector>

namespace geo {

struct LinearFit {
  int n = 0;
  double slope = std::nan(""), intercept = std::nan("");
  double r2 = std::nan("");           // coefficient of determination
  double rmse = std::nan("");         // root mean square of the residuals (fitted - y)
  double bias = std::nan("");         // mean of (x - y): the error of x as a measure of y, before the fit
  double loo_rmse = std::nan("");     // leave-one-out (PRESS) RMSE
  double residual_se = std::nan("");  // s, with n - 2 degrees of freedom
  double mean_x = std::nan(""), sxx = std::nan("");

  double predict(double x) const { return intercept + slope * x; }
  /// Standard error of the fitted mean response at x (the error of a calibrated mean of y).
  double mean_response_se(double x) const { return residual_se * std::sqrt(1.0 / n + (x - mean_x) * (x - mean_x) / sxx); }
  int degrees_of_freedom() const { return n - 2; }
};

/// Fits y = intercept + slope x. Needs at least 3 pairs and x not all equal (std::invalid_argument).
LinearFit fit_line(const std::vector<double>& x, const std::vector<double>& y);

/// The p-quantile (0.5 < p < 1) of Student's t with `df` >= 1 degrees of freedom, to 1e-6: the
/// regularised incomplete beta function by its continued fraction (Numerical Recipes, 3rd ed.,
/// sec. 6.4), inverted by bisection.
double student_t_quantile(double p, int df);

}  // namespace geo
