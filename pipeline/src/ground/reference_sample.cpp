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
     "it labels; empty or absent: every year) and the design's columns of ecomon sample-design (stratum, unit_code, map_class, "
     "stratum_area_m2, stratum_cells), whose strata the estimates then use. Each year's LANDCOVER map is checked against it: landcover_accuracy.csv (the "
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
     "For a sample file without the design's columns (stratum, unit_code, map_class): the units a unit (county, city) needs in "
     "every map class it has for the within-unit stratified estimate of its forest, water, wetland and grassland areas; with fewer "
     "in some class, the domain estimator over the region's sample is used. A sample with its design is estimated on its own "
     "strata (\"Reference sample in the run\" below)."}
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
  const int stratum = t.column("stratum"), unit_code = t.column("unit_code"), map_class = t.column("map_class"),
            stratum_area = t.column("stratum_area_m2"), stratum_cells = t.column("stratum_cells");
  const bool design = stratum >= 0 || (unit_code >= 0 && map_class >= 0);
  if (!design && (stratum_area >= 0 || stratum_cells >= 0))
    throw ConfigError(path + ": stratum sizes (stratum_area_m2, stratum_cells) without the strata they size (a column stratum, or unit_code "
                      "and map_class)");
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
    if (design) {
      auto cell = [&](int col) { return col >= 0 ? t.rows[r][std::size_t(col)] : std::string(); };
      s.unit_code = cell(unit_code);
      if (map_class >= 0) {
        const std::string m = cell(map_class);
        const auto named = land_cover_from_name(m);
        const double code = finite_number(m).value_or(0);
        if (!named && (code != std::floor(code) || code < 1 || code >= kLandCoverClasses))
          throw ConfigError(table_row(path, r) + ": map_class '" + m + "' is not a LANDCOVER class (the design's stratum class)");
        s.map_class = named ? *named : LandCover(int(code));
      }
      s.stratum = stratum >= 0 ? cell(stratum) : s.unit_code + "/" + land_cover_name(s.map_class);
      if (cell(stratum).empty() && (s.unit_code.empty() || s.map_class == LandCover::unknown))
        throw ConfigError(table_row(path, r) + ": no stratum (the file has the design's columns: every row needs its stratum, or unit_code "
                          "and map_class)");
      auto size = [&](int col, const char* name) {
        if (col < 0) return std::nan("");
        const double v = table_number(t, r, col);
        if (!(v > 0)) throw ConfigError(table_row(path, r) + ": " + name + " '" + cell(col) + "' is not a positive size");
        return v;
      };
      s.stratum_area_m2 = size(stratum_area, "stratum_area_m2");
      s.stratum_cells = size(stratum_cells, "stratum_cells");
    }
    sample.push_back(s);
  }
  if (sample.empty()) throw ConfigError(path + ": no sample rows");
  // One size per stratum: rows of a stratum that disagree are a damaged file.
  std::map<std::pair<int, std::string>, std::size_t> first_of;
  for (std::size_t k = 0; k < sample.size(); ++k) {
    const auto [at, fresh] = first_of.emplace(std::pair{sample[k].year, sample[k].stratum}, k);
    const ReferenceSample &a = sample[at->second], &b = sample[k];
    auto same = [](double x, double y) { return (std::isnan(x) && std::isnan(y)) || x == y; };
    if (!fresh && (!same(a.stratum_area_m2, b.stratum_area_m2) || !same(a.stratum_cells, b.stratum_cells)))
      throw ConfigError(table_row(path, std::size_t(b.row - 1)) + ": stratum '" + b.stratum + "' of " + std::to_string(b.year) +
                        " sized otherwise than on row " + std::to_string(a.row));
  }
  return sample;
}

double unseen_share_bound(double n) { return n > 0 ? 1 - std::pow(0.05, 1 / n) : 1.0; }

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

namespace {

// The sample's design strata of the year (by the file's columns), sized from the file or, where it
// gives no size, on this map's zone x class; "" problem when every stratum has a size.
std::string design_of_year(ClassAccuracy& a, const std::vector<ReferenceSample>& sample, const std::vector<PlotMatch>& matches,
                           const SampleFrame& frame) {
  ClassAccuracy::Design d;
  d.stratum_of_unit.assign(sample.size(), -1);
  std::map<std::string, int> index;
  bool from_file = true;
  std::string problem;
  for (const PlotMatch& m : matches) {  // every unit of the year, matched or not: a stratum's size is the design's
    const ReferenceSample& s = sample[m.plot];
    auto [at, fresh] = index.emplace(s.stratum, int(d.names.size()));
    d.stratum_of_unit[m.plot] = at->second;
    if (!fresh) continue;
    d.names.push_back(s.stratum);
    d.unit_codes.push_back(s.unit_code);
    geo::SampleStratum st;
    if (std::isfinite(s.stratum_area_m2)) {
      st.size = s.stratum_area_m2;
      st.population = std::isfinite(s.stratum_cells) ? s.stratum_cells : frame.cell_area > 0 ? st.size / frame.cell_area : st.population;
    } else {
      from_file = false;
      const auto zone = std::find(frame.zone_codes.begin(), frame.zone_codes.end(), s.unit_code);
      if (zone == frame.zone_codes.end() || s.map_class == LandCover::unknown) {
        if (problem.empty())
          problem = "stratum '" + s.stratum + "' has no size (no stratum_area_m2 in the sample file, and its unit_code is not a zone of this run)";
      } else {
        st.size = frame.class_area[std::size_t(zone - frame.zone_codes.begin())][std::size_t(s.map_class)];
        if (frame.cell_area > 0) st.population = st.size / frame.cell_area;
      }
    }
    d.strata.push_back(st);
  }
  d.sizes_from = from_file ? "the sample file (stratum_area_m2)" : "this run's map (zone x class; the sample file gives no stratum_area_m2)";
  a.design = std::move(d);
  return problem;
}

}  // namespace

ClassAccuracy assess_land_cover(std::vector<PlotMatch> matches, const std::vector<ReferenceSample>& sample,
                                const std::array<double, kLandCoverClasses>& mapped, const std::vector<bool>& designated_unit,
                                int min_unit_stratum_units, const std::vector<int>& zone_of_unit, const SampleFrame& frame) {
  ClassAccuracy a;
  a.zone_of_unit = zone_of_unit;
  std::sort(matches.begin(), matches.end(), [](const PlotMatch& x, const PlotMatch& y) { return x.plot < y.plot; });
  a.matches = std::move(matches);
  a.mapped = mapped;
  a.min_unit_stratum_units = min_unit_stratum_units;
  a.cell_area = frame.cell_area;
  a.zone_codes = frame.zone_codes;
  a.stratum.assign(sample.size(), LandCover::unknown);
  a.counts_as.assign(sample.size(), 0);
  a.reference.assign(sample.size(), LandCover::unknown);
  a.satellite_cover.assign(sample.size(), std::nan(""));
  a.grassland_type.assign(sample.size(), 0);
  const bool has_design = !sample.empty() && !sample.front().stratum.empty();
  if (has_design) a.problem = design_of_year(a, sample, a.matches, frame);
  // A unit is used when its cell was observed and classed (any class): the map's class there is its
  // map class (and, without a design, its stratum).
  for (PlotMatch& m : a.matches) {
    if (m.status == PlotStatus::unobserved || m.status == PlotStatus::outside_data || m.land_cover == LandCover::unknown) continue;
    m.status = PlotStatus::matched;
    a.counts[std::size_t(m.land_cover)][std::size_t(sample[m.plot].reference)] += 1;
    a.stratum[m.plot] = m.land_cover;
    a.reference[m.plot] = sample[m.plot].reference;
    a.satellite_cover[m.plot] = m.satellite_cover;
    a.grassland_type[m.plot] = m.grassland_type;
    a.counts_as[m.plot] = counts_as(sample[m.plot], m.plot < designated_unit.size() && designated_unit[m.plot]);
    if (has_design && sample[m.plot].map_class != LandCover::unknown && sample[m.plot].map_class != m.land_cover) {
      if (a.off_stratum++ < 5) a.off_stratum_rows.push_back(sample[m.plot].row);
    }
  }
  for (int c = 1; c < kLandCoverClasses; ++c) {
    double in_map = 0, in_reference = 0;
    for (int k = 0; k < kLandCoverClasses; ++k)
      in_map += a.counts[std::size_t(c)][std::size_t(k)], in_reference += a.counts[std::size_t(k)][std::size_t(c)];
    if (mapped[std::size_t(c)] > 0 || in_map > 0 || in_reference > 0) a.classes.push_back(LandCover(c));
  }
  if (!has_design)
    for (LandCover c : a.classes) {
      double n = 0;
      for (double v : a.counts[std::size_t(c)]) n += v;
      if (mapped[std::size_t(c)] > 0 && n < 2) {
        a.problem += std::string(a.problem.empty() ? "" : "; ") + "map class " + land_cover_name(c) + " has " + std::to_string(int(n)) +
                     " sample unit(s), fewer than 2";
      }
    }
  if (!a.problem.empty()) return a;
  std::vector<double> areas(a.classes.size(), 0);
  std::vector<std::size_t> class_index(kLandCoverClasses, 0);
  for (std::size_t i = 0; i < a.classes.size(); ++i) areas[i] = mapped[std::size_t(a.classes[i])], class_index[std::size_t(a.classes[i])] = i;
  try {
    if (has_design) {
      // The region on the design's strata (Stehman 2014): every stratum of the year, its matched units.
      // A stratum left with no observed unit, or one that is not the whole stratum, cannot be
      // estimated: named.
      std::vector<std::size_t> observed(a.design->strata.size(), 0);
      for (std::size_t k = 0; k < a.stratum.size(); ++k)
        if (a.stratum[k] != LandCover::unknown && a.design->stratum_of_unit[k] >= 0) ++observed[std::size_t(a.design->stratum_of_unit[k])];
      for (std::size_t h = 0; h < observed.size(); ++h)
        if (a.design->strata[h].size > 0 && (observed[h] == 0 || (observed[h] == 1 && a.design->strata[h].fpc(1) > 0))) {
          a.problem = "stratum " + a.design->names[h] + " of the sample's design has " + std::to_string(observed[h]) +
                      " unit(s) observed clear this year, fewer than 2 (and it is not sampled whole)";
          return a;
        }
      std::vector<geo::SampledUnit> units;
      for (std::size_t k = 0; k < a.stratum.size(); ++k)
        if (a.stratum[k] != LandCover::unknown && a.design->stratum_of_unit[k] >= 0)
          units.push_back({std::size_t(a.design->stratum_of_unit[k]), class_index[std::size_t(a.stratum[k])],
                           class_index[std::size_t(a.reference[k])]});
      a.region = geo::stratified_accuracy(a.design->strata, units, areas);
    } else {
      std::vector<std::vector<double>> counts(a.classes.size(), std::vector<double>(a.classes.size(), 0));
      for (std::size_t i = 0; i < a.classes.size(); ++i)
        for (std::size_t j = 0; j < a.classes.size(); ++j) counts[i][j] = a.counts[std::size_t(a.classes[i])][std::size_t(a.classes[j])];
      a.region = geo::olofsson_area_estimate(counts, areas);
    }
  } catch (const std::invalid_argument& e) {
    a.problem = e.what();
    a.region.reset();
  }
  return a;
}

ClassAccuracy::StratumTerms ClassAccuracy::strata_terms(const ZoneTally& tally) const {
  StratumTerms out;
  std::vector<std::uint8_t> in_tally(stratum.size(), 0);
  for (std::size_t k : tally.sample_units)
    if (k < in_tally.size()) in_tally[k] = 1;
  if (design) {
    // The design's strata that hold a unit of the tally or are of its zones; each with all its
    // matched units, those outside the tally counting 0 (strata by county: the county's own).
    std::vector<std::uint8_t> of_tally(design->strata.size(), 0);
    for (std::size_t k = 0; k < stratum.size(); ++k)
      if (in_tally[k] && design->stratum_of_unit[k] >= 0) of_tally[std::size_t(design->stratum_of_unit[k])] = 1;
    for (const auto& [zone, sizes] : tally.class_area_by_zone)
      for (std::size_t h = 0; h < design->strata.size(); ++h)
        if (zone >= 0 && std::size_t(zone) < zone_codes.size() && design->unit_codes[h] == zone_codes[std::size_t(zone)]) of_tally[h] = 1;
    for (std::size_t h = 0; h < design->strata.size(); ++h) {
      if (!of_tally[h]) continue;
      StratumTerm t{design->strata[h], true, {}, {}};
      for (std::size_t k = 0; k < stratum.size(); ++k)
        if (stratum[k] != LandCover::unknown && design->stratum_of_unit[k] == int(h)) t.units.push_back(k), t.own.push_back(in_tally[k]);
      if (t.units.empty() && t.stratum.size > 0 && out.problem.empty())
        out.problem = "stratum " + design->names[h] + " of the sample's design has no unit observed this year";
      out.terms.push_back(std::move(t));
    }
    return out;
  }
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
  auto cells = [&](double area) { return cell_area > 0 ? area / cell_area : std::numeric_limits<double>::infinity(); };
  for (const auto& [zone, sizes] : zones)
    for (int h = 1; h < kLandCoverClasses; ++h) {
      const double zone_size = sizes[std::size_t(h)];
      if (!(zone_size > 0)) continue;
      const auto& in_region = in_strata[std::size_t(h)];
      if (in_region.size() < 2 && out.problem.find(land_cover_name(LandCover(h))) == std::string::npos)
        out.problem += std::string(out.problem.empty() ? "" : "; ") + "map class " + land_cover_name(LandCover(h)) + " has " +
                       std::to_string(in_region.size()) + " sample unit(s) in the region, fewer than 2";
      // Each class of the zone on its own: its total by the zone's units when it has enough, else
      // by the domain estimator over the region's units of the class (both estimate the same total).
      const auto& mine = own[zone][std::size_t(h)];
      const bool within = int(mine.size()) >= min_unit_stratum_units;
      out.within_unit = out.within_unit && within;
      const double size = within ? zone_size : mapped[std::size_t(h)];
      StratumTerm t{{size, cells(size)}, within, within ? mine : in_region, {}};
      for (std::size_t k : t.units) t.own.push_back(in_tally[k] && zone_of(k) == zone ? 1 : 0);
      out.terms.push_back(std::move(t));
    }
  return out;
}

namespace {

// A term's units' values for geo::stratified_total/ratio: the unit's own value where it is the
// tally's, 0 elsewhere (the domain estimator).
template <class Value>
std::vector<double> term_values(const std::vector<std::size_t>& units, const std::vector<std::uint8_t>& own, Value value) {
  std::vector<double> v(units.size(), 0.0);
  for (std::size_t i = 0; i < units.size(); ++i)
    if (own[i]) v[i] = value(units[i]);
  return v;
}

}  // namespace

UnitAreaEstimate ClassAccuracy::unit_area(const ZoneTally& tally, SampleQuantity q) const {
  UnitAreaEstimate out;
  const StratumTerms st = strata_terms(tally);
  out.within_unit = st.within_unit, out.problem = st.problem;
  if (!out.valid()) return out;
  const auto bit = std::uint8_t(1u << int(q));
  auto shows_q = [&](std::size_t k) { return (counts_as[k] & bit) ? 1.0 : 0.0; };
  std::vector<geo::StratumValues> values;
  for (const StratumTerm& t : st.terms) {
    values.push_back({t.stratum, term_values(t.units, t.own, shows_q), {}});
    // The unseen-class bound: the tally's own units of the stratum all without (or all with) q.
    double own_n = 0, own_x = 0;
    for (std::size_t i = 0; i < t.units.size(); ++i)
      if (t.own[i]) own_n += 1, own_x += shows_q(t.units[i]);
    if (own_n > 0 && t.stratum.fpc(double(t.units.size())) > 0 && (own_x == 0 || own_x == own_n)) {
      const double domain_size = t.stratum.size * own_n / double(t.units.size());
      (own_x == 0 ? out.unseen_high : out.unseen_low) += domain_size * unseen_share_bound(own_n);
    }
  }
  try {
    const geo::TotalEstimate e = geo::stratified_total(values);
    out.area = e.total, out.se = e.se();
  } catch (const std::invalid_argument& e) {
    out.problem = e.what();
  }
  return out;
}

UnitAreaEstimate ClassAccuracy::unit_ratio(const ZoneTally& tally, const std::vector<double>& y, const std::vector<double>& x) const {
  UnitAreaEstimate out;
  const StratumTerms st = strata_terms(tally);
  out.within_unit = st.within_unit, out.problem = st.problem;
  if (!out.valid()) return out;
  auto finite = [](const std::vector<double>& v) { return [&v](std::size_t k) { return std::isfinite(v[k]) ? v[k] : 0.0; }; };
  std::vector<geo::StratumValues> values;
  for (const StratumTerm& t : st.terms) values.push_back({t.stratum, term_values(t.units, t.own, finite(y)), term_values(t.units, t.own, finite(x))});
  try {
    const geo::RatioEstimate r = geo::stratified_ratio(values);
    if (!(r.denominator > 0)) {
      out.problem = "the sample holds no unit of the denominator in this unit";
      return out;
    }
    out.area = r.ratio, out.se = r.se;
  } catch (const std::invalid_argument& e) {
    out.problem = e.what();
  }
  return out;
}

}  // namespace ecomon
