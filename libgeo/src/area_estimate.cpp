#include "libgeo/area_estimate.hpp"

#include <string>

namespace geo {

AreaEstimate olofsson_area_estimate(const std::vector<std::vector<double>>& n, const std::vector<double>& mapped_area) {
  const std::size_t k = mapped_area.size();
  if (n.size() != k)
    throw std::invalid_argument("the error matrix has " + std::to_string(n.size()) + " rows for " + std::to_string(k) + " map classes");
  double total_area = 0;
  std::vector<double> n_row(k, 0);  // n_i
  for (std::size_t i = 0; i < k; ++i) {
    if (n[i].size() != k)
      throw std::invalid_argument("row " + std::to_string(i) + " of the error matrix is not " + std::to_string(k) + " long");
    if (!(mapped_area[i] >= 0)) throw std::invalid_argument("map class " + std::to_string(i) + " has a negative mapped area");
    for (double c : n[i]) {
      if (!(c >= 0)) throw std::invalid_argument("map class " + std::to_string(i) + " has a negative sample count");
      n_row[i] += c;
    }
    if (mapped_area[i] > 0 && n_row[i] < 2)
      throw std::invalid_argument("map class " + std::to_string(i) + " has mapped area but " + std::to_string(int(n_row[i])) +
                                  " sample unit(s): at least 2 are needed for its variance");
    total_area += mapped_area[i];
  }
  if (!(total_area > 0)) throw std::invalid_argument("the map has no area");

  AreaEstimate out;
  out.classes.resize(k);
  auto weight = [&](std::size_t i) { return mapped_area[i] / total_area; };
  // Share of map class i's sample in reference class j (0 for a class with no area or no sample).
  auto share = [&](std::size_t i, std::size_t j) { return n_row[i] > 0 ? n[i][j] / n_row[i] : 0.0; };
  auto p = [&](std::size_t i, std::size_t j) { return weight(i) * share(i, j); };  // eq. 4
  // Variance term of a proportion estimated within stratum i (0 for an empty stratum).
  auto within = [&](std::size_t i, double q) { return n_row[i] > 1 ? q * (1 - q) / (n_row[i] - 1) : 0.0; };

  double overall = 0, overall_var = 0;
  for (std::size_t j = 0; j < k; ++j) {
    ClassEstimate& c = out.classes[j];
    c.mapped_area = mapped_area[j];
    c.sample_count = int(n_row[j]);
    double p_col = 0, area_var = 0, reference_total = 0;  // p_.j, V(p_.j), N_.j
    for (std::size_t i = 0; i < k; ++i) {
      p_col += p(i, j);
      area_var += weight(i) * weight(i) * within(i, share(i, j));  // eq. 10
      reference_total += mapped_area[i] * share(i, j);
    }
    c.area = total_area * p_col;                   // eq. 9
    c.area_se = total_area * std::sqrt(area_var);  // eq. 11
    if (n_row[j] > 0) {
      c.users_accuracy = share(j, j);                                      // eq. 2: p_jj / p_j. = n_jj / n_j
      c.users_se = std::sqrt(within(j, c.users_accuracy));                 // eq. 6
      overall += p(j, j);                                                  // eq. 1
      overall_var += weight(j) * weight(j) * within(j, c.users_accuracy);  // eq. 5
    }
    if (p_col > 0) {
      c.producers_accuracy = p(j, j) / p_col;  // eq. 3
      const double pa = c.producers_accuracy;
      double v = mapped_area[j] * mapped_area[j] * (1 - pa) * (1 - pa) * within(j, share(j, j));  // eq. 7
      for (std::size_t i = 0; i < k; ++i)
        if (i != j) v += pa * pa * mapped_area[i] * mapped_area[i] * within(i, share(i, j));
      c.producers_se = std::sqrt(v) / reference_total;
    }
  }
  out.overall_accuracy = overall;
  out.overall_se = std::sqrt(overall_var);
  return out;
}

}  // namespace geo

namespace geo {

namespace {

// The stratum's term N_h^2 (1 - n_h/N_h) s_h^2 / n_h of the values v (mean m).
double stratum_variance(const SampleStratum& s, const std::vector<double>& v, double mean) {
  const double n = double(v.size()), f = s.fpc(n);
  if (f == 0) return 0;  // sampled whole: known exactly
  if (v.size() < 2)
    throw std::invalid_argument("a stratum has " + std::to_string(v.size()) +
                                " sample unit(s) and is not sampled whole: at least 2 are needed for its variance");
  double squares = 0;
  for (double x : v) squares += (x - mean) * (x - mean);
  return s.size * s.size * f * squares / (n - 1) / n;
}

double mean_of(const std::vector<double>& v) {
  double sum = 0;
  for (double x : v) sum += x;
  return sum / double(v.size());
}

void check_sampled(const StratumValues& s) {
  if (s.stratum.size > 0 && s.y.empty()) throw std::invalid_argument("a stratum with area has no sample unit");
}

}  // namespace

TotalEstimate stratified_total(const std::vector<StratumValues>& strata) {
  TotalEstimate out;
  for (const StratumValues& s : strata) {
    check_sampled(s);
    if (s.y.empty()) continue;
    const double m = mean_of(s.y);
    out.total += s.stratum.size * m;
    out.variance += stratum_variance(s.stratum, s.y, m);
  }
  return out;
}

RatioEstimate stratified_ratio(const std::vector<StratumValues>& strata) {
  RatioEstimate out;
  for (const StratumValues& s : strata) {
    check_sampled(s);
    if (s.x.size() != s.y.size()) throw std::invalid_argument("a ratio needs x and y for every sample unit");
    if (s.y.empty()) continue;
    out.numerator += s.stratum.size * mean_of(s.y);
    out.denominator += s.stratum.size * mean_of(s.x);
  }
  if (!(out.denominator != 0)) return out;
  out.ratio = out.numerator / out.denominator;
  double variance = 0;
  std::vector<double> d;
  for (const StratumValues& s : strata) {
    if (s.y.empty()) continue;
    d.resize(s.y.size());
    for (std::size_t i = 0; i < d.size(); ++i) d[i] = s.y[i] - out.ratio * s.x[i];
    variance += stratum_variance(s.stratum, d, mean_of(d));
  }
  out.se = std::sqrt(variance) / std::abs(out.denominator);
  return out;
}

AreaEstimate stratified_accuracy(const std::vector<SampleStratum>& strata, const std::vector<SampledUnit>& units,
                                 const std::vector<double>& mapped_area) {
  const std::size_t k = mapped_area.size();
  double total_area = 0;
  for (const SampleStratum& s : strata) total_area += s.size;
  if (!(total_area > 0)) throw std::invalid_argument("the strata have no area");
  for (const SampledUnit& u : units)
    if (u.stratum >= strata.size() || u.map_class >= k || u.reference_class >= k)
      throw std::invalid_argument("a sample unit's stratum or class is out of range");
  // The per-stratum values of an indicator of a unit, as x (and y) of stratified_ratio().
  auto values = [&](auto y_of, auto x_of) {
    std::vector<StratumValues> v(strata.size());
    for (std::size_t h = 0; h < strata.size(); ++h) v[h].stratum = strata[h];
    for (const SampledUnit& u : units) {
      v[u.stratum].y.push_back(y_of(u) ? 1.0 : 0.0);
      v[u.stratum].x.push_back(x_of(u) ? 1.0 : 0.0);
    }
    return v;
  };
  auto always = [](const SampledUnit&) { return true; };
  AreaEstimate out;
  out.classes.resize(k);
  for (std::size_t j = 0; j < k; ++j) {
    ClassEstimate& c = out.classes[j];
    c.mapped_area = mapped_area[j];
    for (const SampledUnit& u : units) c.sample_count += u.map_class == j;
    const TotalEstimate area = stratified_total(values([j](const SampledUnit& u) { return u.reference_class == j; }, always));
    c.area = area.total, c.area_se = area.se();
    const auto right = [j](const SampledUnit& u) { return u.map_class == j && u.reference_class == j; };
    if (c.sample_count > 0) {
      const RatioEstimate users = stratified_ratio(values(right, [j](const SampledUnit& u) { return u.map_class == j; }));
      c.users_accuracy = users.ratio, c.users_se = users.se;
    }
    const RatioEstimate producers = stratified_ratio(values(right, [j](const SampledUnit& u) { return u.reference_class == j; }));
    if (producers.denominator > 0) c.producers_accuracy = producers.ratio, c.producers_se = producers.se;
  }
  const TotalEstimate overall = stratified_total(values([](const SampledUnit& u) { return u.map_class == u.reference_class; }, always));
  out.overall_accuracy = overall.total / total_area;
  out.overall_se = overall.se() / total_area;
  return out;
}

}  // namespace geo
