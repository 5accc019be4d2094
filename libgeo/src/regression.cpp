#include "libgeo/regression.hpp"

#include <stdexcept>

namespace geo {

LinearFit fit_line(const std::vector<double>& x, const std::vector<double>& y) {
  if (x.size() != y.size()) throw std::invalid_argument("fit_line: x and y differ in length");
  const std::size_t n = x.size();
  if (n < 3) throw std::invalid_argument("fit_line: needs at least 3 pairs, got " + std::to_string(n));
  double mx = 0, my = 0;
  for (std::size_t i = 0; i < n; ++i) mx += x[i], my += y[i];
  mx /= double(n), my /= double(n);
  double sxx = 0, sxy = 0, syy = 0, bias = 0;
  for (std::size_t i = 0; i < n; ++i) {
    sxx += (x[i] - mx) * (x[i] - mx);
    sxy += (x[i] - mx) * (y[i] - my);
    syy += (y[i] - my) * (y[i] - my);
    bias += x[i] - y[i];
  }
  if (!(sxx > 0)) throw std::invalid_argument("fit_line: every x is the same; no slope can be fitted");
  LinearFit f;
  f.n = int(n);
  f.mean_x = mx, f.sxx = sxx;
  f.slope = sxy / sxx;
  f.intercept = my - f.slope * mx;
  double sse = 0, press = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const double e = y[i] - f.predict(x[i]);
    const double leverage = 1.0 / double(n) + (x[i] - mx) * (x[i] - mx) / sxx;
    sse += e * e;
    press += (e / (1 - leverage)) * (e / (1 - leverage));
  }
  f.rmse = std::sqrt(sse / double(n));
  f.loo_rmse = std::sqrt(press / double(n));
  f.residual_se = std::sqrt(sse / double(n - 2));
  f.bias = bias / double(n);
  f.r2 = syy > 0 ? 1 - sse / syy : std::nan("");
  return f;
}

namespace {

// Continued fraction of the incomplete beta function, evaluated by the modified Lentz method.
double beta_continued_fraction(double a, double b, double x) {
  constexpr double tiny = 1e-300, eps = 1e-15;
  double c = 1, d = 1 - (a + b) * x / (a + 1);
  if (std::abs(d) < tiny) d = tiny;
  d = 1 / d;
  double h = d;
  for (int m = 1; m <= 300; ++m) {
    const double m2 = 2.0 * m;
    // Even step.
    double num = m * (b - m) * x / ((a + m2 - 1) * (a + m2));
    d = 1 + num * d;
    c = 1 + num / c;
    if (std::abs(d) < tiny) d = tiny;
    if (std::abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    // Odd step.
    num = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1));
    d = 1 + num * d;
    c = 1 + num / c;
    if (std::abs(d) < tiny) d = tiny;
    if (std::abs(c) < tiny) c = tiny;
    d = 1 / d;
    const double step = d * c;
    h *= step;
    if (std::abs(step - 1) < eps) break;
  }
  return h;
}

// Regularised incomplete beta I_x(a, b).
double incomplete_beta(double a, double b, double x) {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const double log_front = std::lgamma(a + b) - std::lgamma(a) - std::lgamma(b) + a * std::log(x) + b * std::log1p(-x);
  // The fraction converges fast for x below (a + 1) / (a + b + 2); above it, use I_x(a,b) = 1 - I_{1-x}(b,a).
  if (x < (a + 1) / (a + b + 2)) return std::exp(log_front) * beta_continued_fraction(a, b, x) / a;
  return 1 - std::exp(log_front) * beta_continued_fraction(b, a, 1 - x) / b;
}

// P(T <= t) for t >= 0 and df degrees of freedom.
double student_t_cdf(double t, int df) {
  const double v = df;
  return 1 - 0.5 * incomplete_beta(v / 2, 0.5, v / (v + t * t));
}

}  // namespace

double student_t_quantile(double p, int df) {
  if (!(p > 0.5 && p < 1) || df < 1) throw std::invalid_argument("student_t_quantile: needs 0.5 < p < 1 and df >= 1");
  double lo = 0, hi = 1;
  while (student_t_cdf(hi, df) < p) hi *= 2;
  for (int i = 0; i < 200 && hi - lo > 1e-9; ++i) {
    const double mid = 0.5 * (lo + hi);
    (student_t_cdf(mid, df) < p ? lo : hi) = mid;
  }
  return 0.5 * (lo + hi);
}

}  // namespace geo
