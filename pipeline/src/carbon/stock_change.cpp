#include "carbon/stock_change.hpp"

#include <tbb/parallel_for.h>

#include <algorithm>
#include <cmath>
#include <map>

#include "config/schema.hpp"

namespace ecomon {

// Config keys read here (config/schema.hpp; their table: config/README.md).
namespace {

using namespace config_keys;

const ConfigKeys keys_carbon_change(172, {
    {KEY(carbon, stable_growth),
     Kind::boolean,
     "",
     0,
     0,
     {},
     "Add the growth of land that keeps its class (IPCC gain-loss: stable area x growth_t_dm_per_ha_yr x (1 + R) x CF x years) to the "
     "stock difference, so that forest that stays forest counts its growth; carbon_report.csv's method says stock_difference+gain_loss. "
     "The growth is the table's, not measured by the imagery."},
    {KEY(carbon, draws), Kind::integer, "draws", 1000, 1000000, {}, "Monte Carlo draws of each carbon figure's 95% interval."},
    {KEY(carbon, seed),
     Kind::integer,
     "",
     0,
     2147483647,
     {},
     "Seed of the carbon Monte Carlo: the same seed gives byte-identical intervals for any thread count."},
});

using Vec = std::array<double, kLandCoverClasses>;
using Sym = std::array<Vec, kLandCoverClasses>;

// A unit: its member zones (indices into the run's zones) and their summed area.
struct CarbonUnit {
  std::string code, name;
  std::vector<std::size_t> zones;
  double area = 0;
};

std::vector<CarbonUnit> carbon_units(const std::vector<geo::io::Zone>& zones, const std::vector<CarbonGroup>& groups) {
  std::vector<CarbonUnit> units;
  std::map<std::string, std::size_t> index;
  for (std::size_t z = 0; z < zones.size(); ++z) {
    units.push_back({zones[z].code, zones[z].name, {z}, zones[z].geodesic_area_m2});
    index.emplace(zones[z].code, z);
  }
  for (const CarbonGroup& group : groups) {
    if (index.count(group.code)) continue;  // a unit of one zone named like it: already there
    CarbonUnit u{group.code, group.name, {}, 0};
    for (const std::string& member : group.zones)
      if (const auto z = index.find(member); z != index.end()) u.zones.push_back(z->second), u.area += zones[z->second].geodesic_area_m2;
    if (!u.zones.empty()) units.push_back(std::move(u));
  }
  return units;
}

// The sample's estimate, for one unit and year, of the mean density as a function of the class
// densities: mean = share . C, its variance C' M C (ClassAccuracy::unit_ratio is linear in y and its
// variance quadratic, so M follows from the variances at unit vectors and their pairwise sums).
struct SampleDensity {
  Vec share{};
  Sym m{};
  std::string problem;
};

SampleDensity sample_density(const ClassAccuracy& a, const ZoneTally& tally) {
  SampleDensity out;
  const std::size_t n = a.stratum.size();
  std::vector<double> x(n, 0.0);
  for (std::size_t k = 0; k < n; ++k) x[k] = a.stratum[k] != LandCover::unknown ? 1.0 : 0.0;
  auto ratio = [&](int c1, int c2) {
    std::vector<double> y(n, 0.0);
    for (std::size_t k = 0; k < n; ++k)
      if (x[k] > 0) y[k] = (int(a.reference[k]) == c1 ? 1.0 : 0.0) + (c2 > 0 && int(a.reference[k]) == c2 ? 1.0 : 0.0);
    return a.unit_ratio(tally, y, x);
  };
  Vec var{};
  for (int c = 1; c < kLandCoverClasses; ++c) {
    const UnitAreaEstimate e = ratio(c, 0);
    if (!e.valid()) {
      out.problem = e.problem;
      return out;
    }
    out.share[std::size_t(c)] = e.area;
    var[std::size_t(c)] = e.se * e.se;
  }
  for (int c = 1; c < kLandCoverClasses; ++c) {
    out.m[std::size_t(c)][std::size_t(c)] = var[std::size_t(c)];
    for (int d = c + 1; d < kLandCoverClasses; ++d) {
      const UnitAreaEstimate e = ratio(c, d);
      const double cross = (e.se * e.se - var[std::size_t(c)] - var[std::size_t(d)]) / 2;
      out.m[std::size_t(c)][std::size_t(d)] = out.m[std::size_t(d)][std::size_t(c)] = cross;
    }
  }
  return out;
}

double dot(const Vec& a, const Vec& b) {
  double s = 0;
  for (std::size_t i = 1; i < a.size(); ++i) s += a[i] * b[i];
  return s;
}
double quadratic(const Sym& m, const Vec& c) {
  double s = 0;
  for (std::size_t i = 1; i < c.size(); ++i) s += c[i] * dot(m[i], c);
  return s;
}

// FNV-1a over the text, then mixed with the seed and years (splitmix64), for each (unit, pair) its own stream.
std::uint64_t stream_seed(int seed, const std::string& unit, int from, int to) {
  std::uint64_t h = 1469598103934665603ull;
  for (unsigned char ch : unit) h = (h ^ ch) * 1099511628211ull;
  std::uint64_t z = h ^ (std::uint64_t(std::uint32_t(seed)) << 32) ^ (std::uint64_t(std::uint32_t(from)) << 16) ^ std::uint64_t(std::uint32_t(to));
  z += 0x9e3779b97f4a7c15ull;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

// The q-quantile of sorted values (linear between order statistics, Hyndman & Fan 1996 type 7).
double quantile(const std::vector<double>& sorted, double q) {
  const double h = (double(sorted.size()) - 1) * q;
  const auto lo = std::size_t(std::floor(h));
  const std::size_t hi = std::min(lo + 1, sorted.size() - 1);
  return sorted[lo] + (h - double(lo)) * (sorted[hi] - sorted[lo]);
}

const YearResult* year_of(const std::vector<YearResult>& years, int y) {
  const auto it = std::find_if(years.begin(), years.end(), [y](const YearResult& r) { return r.year == y; });
  return it == years.end() ? nullptr : &*it;
}

}  // namespace

std::vector<CarbonChange> carbon_stock_changes(const std::vector<TransitionResult>& transitions, const std::vector<YearResult>& years,
                                               const std::vector<geo::io::Zone>& zones, const std::vector<CarbonGroup>& groups,
                                               const CarbonFactors& factors, const Settings& settings) {
  const std::vector<CarbonUnit> units = carbon_units(zones, groups);
  const CarbonDraw central = central_carbon(factors);
  std::vector<CarbonChange> out(units.size() * transitions.size());
  tbb::parallel_for(std::size_t(0), out.size(), [&](std::size_t i) {
    const CarbonUnit& unit = units[i / transitions.size()];
    const TransitionResult& t = transitions[i % transitions.size()];
    CarbonChange& c = out[i];
    c.unit_code = unit.code, c.unit_name = unit.name, c.year_from = t.year_from, c.year_to = t.year_to;
    c.unit_area_m2 = unit.area, c.simulated = t.simulated, c.draws = settings.carbon.draws;
    // The unit's matrix (ha), its class area changes and stable areas.
    TransitionResult::Matrix ha{};
    for (std::size_t z : unit.zones)
      for (std::size_t k = 0; k < ha.size(); ++k) ha[k] += t.areas[z][k] / 1e4;
    Vec change{}, stable{};
    double paired_ha = 0;
    for (int a = 1; a < kLandCoverClasses; ++a)
      for (int b = 1; b < kLandCoverClasses; ++b) {
        const double v = ha[TransitionResult::index(LandCover(a), LandCover(b))];
        paired_ha += v;
        if (a == b) {
          stable[std::size_t(a)] += v;
          continue;
        }
        change[std::size_t(b)] += v, change[std::size_t(a)] -= v;
        const double tc = v * (central.density[std::size_t(b)] - central.density[std::size_t(a)]);
        if (std::abs(tc) > std::abs(c.largest_tc)) c.largest_tc = tc, c.largest_from = LandCover(a), c.largest_to = LandCover(b);
        if (b == int(LandCover::tree)) c.gained_tree_m2 += v * 1e4;
        if (a == int(LandCover::tree)) c.lost_tree_m2 += v * 1e4;
      }
    c.paired_area_m2 = paired_ha * 1e4;
    const bool growth = settings.carbon.stable_growth;
    c.method = growth ? "stock_difference+gain_loss" : "stock_difference";
    const double years_between = double(t.year_to - t.year_from);
    auto gain = [&](const CarbonDraw& d) { return growth ? dot(d.gain, stable) * years_between : 0.0; };
    c.map_stock_change_tc = dot(central.density, change) + gain(central);
    // The sample's mean densities in both years, when it gives them for this unit.
    SampleDensity from_sample, to_sample;
    const YearResult *y1 = year_of(years, t.year_from), *y2 = year_of(years, t.year_to);
    bool with_sample = paired_ha > 0 && y1 && y2 && y1->accuracy && y2->accuracy;
    if (with_sample) {
      if (!y1->accuracy->applied() || !y2->accuracy->applied()) {
        c.sample_problem = !y1->accuracy->applied() ? y1->accuracy->problem : y2->accuracy->problem;
        with_sample = false;
      } else {
        ZoneTally t1, t2;
        for (std::size_t z : unit.zones) t1.merge(y1->tallies[z]), t2.merge(y2->tallies[z]);
        from_sample = sample_density(*y1->accuracy, t1);
        to_sample = sample_density(*y2->accuracy, t2);
        c.sample_problem = !from_sample.problem.empty() ? from_sample.problem : to_sample.problem;
        with_sample = c.sample_problem.empty();
      }
    }
    c.interval_basis = with_sample ? CarbonChange::kSampleAndFactors : CarbonChange::kFactorsOnly;
    Vec share_change{};
    Sym m{};
    for (std::size_t k = 1; k < share_change.size(); ++k) {
      share_change[k] = to_sample.share[k] - from_sample.share[k];
      for (std::size_t j = 1; j < share_change.size(); ++j) m[k][j] = from_sample.m[k][j] + to_sample.m[k][j];
    }
    auto value = [&](const CarbonDraw& d) {
      return with_sample ? dot(d.density, share_change) * paired_ha + gain(d) : dot(d.density, change) + gain(d);
    };
    // The unit's whole area at the rate of its paired area.
    if (!(paired_ha > 0)) {  // nothing observed in both years: no figure
      c.stock_change_tc = c.ci95_low_tc = c.ci95_high_tc = std::nan("");
      return;
    }
    const double scale = unit.area / 1e4 / paired_ha;
    c.stock_change_tc = value(central) * scale;
    std::mt19937_64 rng(stream_seed(settings.carbon.seed, unit.code, t.year_from, t.year_to));
    std::vector<double> draws(std::size_t(settings.carbon.draws));
    for (double& v : draws) {
      const CarbonDraw d = draw_carbon(factors, rng);
      const double z = standard_normal(rng);
      const double sampling = with_sample ? z * paired_ha * std::sqrt(std::max(0.0, quadratic(m, d.density))) : 0.0;
      v = (value(d) + sampling) * scale;
    }
    std::sort(draws.begin(), draws.end());
    c.ci95_low_tc = quantile(draws, 0.025);
    c.ci95_high_tc = quantile(draws, 0.975);
  });
  return out;
}

}  // namespace ecomon
