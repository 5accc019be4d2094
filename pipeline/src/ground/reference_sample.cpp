#include "ground/reference_sample.hpp"

#include <algorithm>
#include <cmath>

#include "config/settings.hpp"
#include "ground/table_fields.hpp"
#include "libgeo/io/table.hpp"

namespace ecomon {

std::vector<ReferenceSample> load_reference_sample(const std::string& path) {
  geo::io::Table t;
  try {
    t = geo::io::read_csv_table(path);
  } catch (const std::exception& e) {
    throw ConfigError(std::string("accuracy.samples_file: ") + e.what());
  }
  const int lon = t.column("lon"), lat = t.column("lat"), cls = t.column("class"), year = t.column("year");
  for (const auto& [name, index] : {std::pair{"lon", lon}, {"lat", lat}, {"class", cls}})
    if (index < 0) throw ConfigError(path + ": no column '" + name + "' (a reference sample needs lon, lat, class; year is optional)");
  std::vector<ReferenceSample> sample;
  for (std::size_t r = 0; r < t.rows.size(); ++r) {
    ReferenceSample s;
    s.row = int(r + 1);
    const geo::Point p = table_lonlat(t, r, lon, lat);
    s.lon = p.x, s.lat = p.y;
    const std::string& label = t.rows[r][std::size_t(cls)];
    if (const auto named = land_cover_from_name(label)) {
      s.reference = *named;
    } else {
      const double code = finite_number(label).value_or(0);
      if (code != std::floor(code) || code < 1 || code >= kLandCoverClasses)
        throw ConfigError(table_row(path, r) + ": class '" + label +
                          "' is not a LANDCOVER class (1-8, or tree, shrubland, grassland, cropland, water, wetland, bare, built_up)");
      s.reference = LandCover(int(code));  // 0 also stands for "not a number": refused above
    }
    if (year >= 0 && !t.rows[r][std::size_t(year)].empty()) {
      const double y = table_number(t, r, year);
      if (y != std::floor(y) || y < 1970 || y > 2200)
        throw ConfigError(table_row(path, r) + ": year '" + t.rows[r][std::size_t(year)] + "' is not a year");
      s.year = int(y);
    }
    sample.push_back(s);
  }
  if (sample.empty()) throw ConfigError(path + ": no sample rows");
  return sample;
}

ClassAccuracy assess_land_cover(std::vector<PlotMatch> matches, const std::vector<ReferenceSample>& sample,
                                const std::array<double, kLandCoverClasses>& mapped) {
  ClassAccuracy a;
  std::sort(matches.begin(), matches.end(), [](const PlotMatch& x, const PlotMatch& y) { return x.plot < y.plot; });
  a.matches = std::move(matches);
  // A unit is used when its cell was observed and classed (any class): the map's class there is the stratum.
  for (PlotMatch& m : a.matches) {
    if (m.status == PlotStatus::unobserved || m.status == PlotStatus::outside_data || m.land_cover == LandCover::unknown) continue;
    m.status = PlotStatus::matched;
    a.counts[std::size_t(m.land_cover)][std::size_t(sample[m.plot].reference)] += 1;
  }
  for (int c = 1; c < kLandCoverClasses; ++c) {
    double in_map = 0, in_reference = 0;
    for (int k = 0; k < kLandCoverClasses; ++k)
      in_map += a.counts[std::size_t(c)][std::size_t(k)], in_reference += a.counts[std::size_t(k)][std::size_t(c)];
    if (mapped[std::size_t(c)] > 0 || in_map > 0 || in_reference > 0) a.classes.push_back(LandCover(c));
  }
  for (LandCover c : a.classes) {
    double n = 0;
    for (double v : a.counts[std::size_t(c)]) n += v;
    if (mapped[std::size_t(c)] > 0 && n < 2) {
      a.problem += std::string(a.problem.empty() ? "" : "; ") + "map class " + land_cover_name(c) + " has " + std::to_string(int(n)) +
                   " sample unit(s), fewer than 2";
    }
  }
  if (!a.problem.empty()) return a;
  std::vector<std::vector<double>> counts(a.classes.size(), std::vector<double>(a.classes.size(), 0));
  std::vector<double> areas(a.classes.size(), 0);
  for (std::size_t i = 0; i < a.classes.size(); ++i) {
    areas[i] = mapped[std::size_t(a.classes[i])];
    for (std::size_t j = 0; j < a.classes.size(); ++j) counts[i][j] = a.counts[std::size_t(a.classes[i])][std::size_t(a.classes[j])];
  }
  a.region = geo::olofsson_area_estimate(counts, areas);
  return a;
}

AdjustedArea ClassAccuracy::adjusted(const ZoneTally& tally, LandCover j) const {
  AdjustedArea out;
  double variance = 0;
  for (int i = 1; i < kLandCoverClasses; ++i) {
    const double mapped_area = tally.landcover_area[i];
    if (!(mapped_area > 0)) continue;
    double n = 0;
    for (double v : counts[std::size_t(i)]) n += v;
    const double p = counts[std::size_t(i)][std::size_t(j)] / n;  // n >= 2 for every class mapped in the region
    out.area += mapped_area * p;
    variance += mapped_area * mapped_area * p * (1 - p) / (n - 1);
  }
  out.se = std::sqrt(variance);
  return out;
}

}  // namespace ecomon
