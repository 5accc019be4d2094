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
