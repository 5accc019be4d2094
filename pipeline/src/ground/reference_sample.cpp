#include "ground/reference_sample.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <map>

#include "config/schema.hpp"
#include "config/settings.hpp"
#include "ground/table_fields.hpp"
#include "libgeo/io/table.hpp"

namespace ecomon {

// Config keys read here (config/schema.hpp; their table: config/README.md).
namespace {

using namespace config_keys;

// accuracy
const ConfigKeys keys_accuracy(140, {
    {KEY(accuracy, samples_file),
     Kind::path,
     "",
     0,
     0,
     {},
     "Reference sample, CSV with columns lon, lat (WGS84), class (LANDCOVER code 1-8 or name) and optionally year (the map year "
     "it labels; empty or absent: every year). Each year's LANDCOVER map is checked against it: landcover_accuracy.csv (the "
     "estimator of Olofsson et al. 2014), and each unit's official forest, water, wetland and grassland areas estimated from it "
     "with their standard errors, in the series and the targets' intervals (\"Reference sample in the run\" below). An optional "
     "column forest (yes/no) gives the labeller's judgement of the official forest definition.",
     "(none)"},
    {KEY(accuracy, min_unit_stratum_units),
     Kind::integer,
     "units",
     2,
     100000,
     {},
     "Sample units a unit (county, city) needs in every map class it has for the within-unit stratified estimate of its forest, "
     "water, wetland and grassland areas; with fewer in some class, the domain estimator over the region's sample is used "
     "(\"Reference sample in the run\" below)."}
});

}  // namespace

std::vector<ReferenceSample> load_reference_sample(const std::string& path) {
  geo::io::Table t;
  try {
    t = geo::io::read_csv_table(path);
  } catch (const std::exception& e) {
    throw ConfigError(std::string("accuracy.samples_file: ") + e.what());
  }
  const int lon = t.column("lon"), lat = t.column("lat"), cls = t.column("class"), year = t.column("year"), forest = t.column("forest");
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
    if (forest >= 0 && !t.rows[r][std::size_t(forest)].empty()) {
      std::string f = t.rows[r][std::size_t(forest)];
      std::transform(f.begin(), f.end(), f.begin(), [](unsigned char c) { return char(std::tolower(c)); });
      if (f == "1" || f == "yes" || f == "true")
        s.forest = true;
      else if (f == "0" || f == "no" || f == "false")
        s.forest = false;
      else
        throw ConfigError(table_row(path, r) + ": forest '" + t.rows[r][std::size_t(forest)] + "' is not yes or no (1 or 0)");
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

double proportion_variance(double x, double n) {
  if (x > 0 && x < n) {
    const double p = x / n;
    return p * (1 - p) / (n - 1);
  }
  const double p = (x + 2) / (n + 4);
  return p * (1 - p) / (n + 4);
}

namespace {

// What reference unit `s` counts as (bit q for SampleQuantity q).
std::uint8_t counts_as(const ReferenceSample& s, bool designated) {
  const LandCover c = s.reference;
  const bool forest = s.forest.value_or(c == LandCover::tree || (c == LandCover::shrubland && designated));
  const bool water = c == LandCover::water, wetland = water || c == LandCover::wetland, grassland = c == LandCover::grassland;
  return std::uint8_t((forest << int(SampleQuantity::forest)) | (water << int(SampleQuantity::water)) |
                      (wetland << int(SampleQuantity::wetland)) | (grassland << int(SampleQuantity::grassland)));
}

}  // namespace

ClassAccuracy assess_land_cover(std::vector<PlotMatch> matches, const std::vector<ReferenceSample>& sample,
                                const std::array<double, kLandCoverClasses>& mapped, const std::vector<bool>& designated_unit,
                                int min_unit_stratum_units, const std::vector<int>& zone_of_unit) {
  ClassAccuracy a;
  a.zone_of_unit = zone_of_unit;
  std::sort(matches.begin(), matches.end(), [](const PlotMatch& x, const PlotMatch& y) { return x.plot < y.plot; });
  a.matches = std::move(matches);
  a.mapped = mapped;
  a.min_unit_stratum_units = min_unit_stratum_units;
  a.stratum.assign(sample.size(), LandCover::unknown);
  a.counts_as.assign(sample.size(), 0);
  a.reference.assign(sample.size(), LandCover::unknown);
  a.satellite_cover.assign(sample.size(), std::nan(""));
  a.grassland_type.assign(sample.size(), 0);
  // A unit is used when its cell was observed and classed (any class): the map's class there is the stratum.
  for (PlotMatch& m : a.matches) {
    if (m.status == PlotStatus::unobserved || m.status == PlotStatus::outside_data || m.land_cover == LandCover::unknown) continue;
    m.status = PlotStatus::matched;
    a.counts[std::size_t(m.land_cover)][std::size_t(sample[m.plot].reference)] += 1;
    a.stratum[m.plot] = m.land_cover;
    a.reference[m.plot] = sample[m.plot].reference;
    a.satellite_cover[m.plot] = m.satellite_cover;
    a.grassland_type[m.plot] = m.grassland_type;
    a.counts_as[m.plot] = counts_as(sample[m.plot], m.plot < designated_unit.size() && designated_unit[m.plot]);
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

ClassAccuracy::StratumTerms ClassAccuracy::strata_terms(const ZoneTally& tally) const {
  StratumTerms out;
  std::array<std::vector<std::size_t>, kLandCoverClasses> in_strata;  // the region's units per class
  for (std::size_t k = 0; k < stratum.size(); ++k)
    if (stratum[k] != LandCover::unknown) in_strata[std::size_t(stratum[k])].push_back(k);
  auto zone_of = [&](std::size_t k) { return zone_of_unit.empty() ? 0 : k < zone_of_unit.size() ? zone_of_unit[k] : -1; };
  std::map<int, std::array<std::vector<std::size_t>, kLandCoverClasses>> own;  // per zone of the tally, its own units per class
  for (std::size_t k : tally.sample_units)
    if (k < stratum.size() && stratum[k] != LandCover::unknown) own[zone_of(k)][std::size_t(stratum[k])].push_back(k);
  // The zones of the tally with their class areas (a tally without the breakdown is one zone).
  std::map<int, std::array<double, kLandCoverClasses>> zones = tally.class_area_by_zone;
  if (zones.empty())
    for (int h = 0; h < kLandCoverClasses; ++h) zones[0][std::size_t(h)] = tally.landcover_area[h];
  for (const auto& [zone, sizes] : zones)
    for (int h = 1; h < kLandCoverClasses; ++h) {
      const double zone_size = sizes[std::size_t(h)];
      if (!(zone_size > 0)) continue;
      const auto& in_region = in_strata[std::size_t(h)];
      if (in_region.size() < 2 && out.problem.find(land_cover_name(LandCover(h))) == std::string::npos)
        out.problem += std::string(out.problem.empty() ? "" : "; ") + "map class " + land_cover_name(LandCover(h)) + " has " +
                       std::to_string(in_region.size()) + " sample unit(s) in the region, fewer than 2";
      // Each class of the zone on its own: its total by the zone's units when it has enough, else
      // by the domain estimator (both estimate the same total; the zone's is the sum).
      auto mine = own[zone][std::size_t(h)];
      const bool within = int(mine.size()) >= min_unit_stratum_units;
      out.within_unit = out.within_unit && within;
      StratumTerm t{zone_size, within ? zone_size : mapped[std::size_t(h)], within, within ? mine : in_region, {}};
      std::sort(mine.begin(), mine.end());
      for (std::size_t k : t.units) t.own.push_back(std::binary_search(mine.begin(), mine.end(), k) ? 1 : 0);
      out.terms.push_back(std::move(t));
    }
  return out;
}

UnitAreaEstimate ClassAccuracy::unit_area(const ZoneTally& tally, SampleQuantity q) const {
  UnitAreaEstimate out;
  const StratumTerms st = strata_terms(tally);
  out.within_unit = st.within_unit, out.problem = st.problem;
  if (!out.valid()) return out;
  const auto bit = std::uint8_t(1u << int(q));
  double variance = 0;
  for (const StratumTerm& t : st.terms) {
    double own_n = 0, own_x = 0;  // the zone's own units of the class, and those that count as q
    for (std::size_t i = 0; i < t.units.size(); ++i)
      if (t.own[i]) own_n += 1, own_x += (counts_as[t.units[i]] & bit) ? 1 : 0;
    const double own_variance = t.zone_size * t.zone_size * proportion_variance(own_x, own_n);
    if (t.within) {
      out.area += t.zone_size * own_x / own_n;
      variance += own_variance;
    } else {
      // Domain estimator: y_u = 1 when unit u counts as q and lies in the zone, over all n_h units
      // of the class; its sample variance is n/(n-1) y(1-y) for a 0/1 variable.
      const double nh = double(t.units.size()), y = own_x / nh;
      out.area += t.size * y;
      variance += std::max(t.size * t.size * y * (1 - y) / (nh - 1), own_variance);
    }
  }
  out.se = std::sqrt(variance);
  return out;
}

UnitAreaEstimate ClassAccuracy::unit_ratio(const ZoneTally& tally, const std::vector<double>& y, const std::vector<double>& x) const {
  UnitAreaEstimate out;
  const StratumTerms st = strata_terms(tally);
  out.within_unit = st.within_unit, out.problem = st.problem;
  if (!out.valid()) return out;
  // The i-th unit's value in a term: its own if it is the zone's, 0 otherwise (the domain estimator).
  auto value = [&](const std::vector<double>& v, std::size_t i, const StratumTerm& t) {
    const std::size_t k = t.units[i];
    return t.own[i] && std::isfinite(v[k]) ? v[k] : 0.0;
  };
  double total_y = 0, total_x = 0;
  for (const StratumTerm& t : st.terms) {
    double sy = 0, sx = 0;
    for (std::size_t i = 0; i < t.units.size(); ++i) sy += value(y, i, t), sx += value(x, i, t);
    total_y += t.size * sy / double(t.units.size());
    total_x += t.size * sx / double(t.units.size());
  }
  if (!(total_x > 0)) {
    out.problem = "the sample holds no unit of the denominator in this unit";
    return out;
  }
  const double ratio = total_y / total_x;
  double variance = 0;
  for (const StratumTerm& t : st.terms) {
    const double n = double(t.units.size());
    double mean = 0, squares = 0;
    for (std::size_t i = 0; i < t.units.size(); ++i) mean += value(y, i, t) - ratio * value(x, i, t);
    mean /= n;
    for (std::size_t i = 0; i < t.units.size(); ++i) {
      const double d = value(y, i, t) - ratio * value(x, i, t) - mean;
      squares += d * d;
    }
    variance += n > 1 ? t.size * t.size * squares / (n - 1) / n : 0;
  }
  out.area = ratio;
  out.se = std::sqrt(variance) / total_x;
  return out;
}

}  // namespace ecomon
