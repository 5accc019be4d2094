#include "carbon/carbon_factors.hpp"

#include <cmath>
#include <map>
#include <vector>

#include "config/schema.hpp"
#include "config/settings.hpp"
#include "ground/table_fields.hpp"
#include "libgeo/io/table.hpp"

namespace ecomon {

// Config keys read here (config/schema.hpp; their table: config/README.md).
namespace {

using namespace config_keys;

const ConfigKeys keys_carbon_factors(171, {
    {KEY(carbon, factors_file),
     Kind::path,
     "",
     0,
     0,
     {},
     "Carbon density table by LANDCOVER class: the IPCC form (class, agb_t_dm_per_ha, root_shoot_ratio, carbon_fraction, "
     "growth_t_dm_per_ha_yr, agb_uncertainty_pct, source; optionally root_shoot_uncertainty_pct, growth_uncertainty_pct, "
     "dead_t_c_per_ha) or InVEST's carbon pools table as it is (lucode = LANDCOVER code, c_above, c_below, c_soil, c_dead in t C/ha, "
     "optional c_above_sd ...). One row per class (\"Carbon stock change\" below).",
     "(config/carbon_factors.csv, built in)"},
    {KEY(carbon, grassland_root_shoot_ratio),
     Kind::number_or_auto,
     "ratio",
     0,
     50,
     {},
     "Root-to-shoot ratio of grassland, replacing the table's (IPCC form): the IPCC Tier 1 value of the shipped table is far below "
     "plot-based ratios of Inner Mongolian steppe; carbon_report.csv prints the ratio used. `auto`: the table's."},
});

constexpr const char* kShippedName = "config/carbon_factors.csv (built in)";

std::string lower(std::string s) {
  for (auto& ch : s) ch = char(std::tolower(static_cast<unsigned char>(ch)));
  return s;
}

// A required or optional column's value on a row: a finite number >= 0 (and <= max), named in errors.
struct RowReader {
  const geo::io::Table& t;
  std::size_t r;
  // `unit`: what the column holds and why `max` is the most it can be, for the message of a value
  // above it (a table in kg instead of t is 1,000 times too large and would pass as plausible-looking).
  double number(int col, double max = 1e12, const char* unit = "") const {
    const std::string& text = t.rows[r][std::size_t(col)];
    const std::string name = t.columns[std::size_t(col)];
    if (text.empty()) throw ConfigError(table_row(t.path, r) + ": column '" + name + "' has no value");
    const double v = table_number(t, r, col);
    if (v < 0) throw ConfigError(table_row(t.path, r) + ": column '" + name + "' is " + text + ", negative");
    if (v > max)
      throw ConfigError(table_row(t.path, r) + ": column '" + name + "' is " + text + ", above " + format_number(max) +
                        (*unit ? std::string(": implausible in ") + unit : std::string()));
    return v;
  }
  double optional_number(int col, double max = 1e12, const char* unit = "") const {
    return col < 0 || t.rows[r][std::size_t(col)].empty() ? 0.0 : number(col, max, unit);
  }
  static std::string format_number(double v) {
    std::string s = std::to_string(v);
    s.erase(s.find_last_not_of('0') + 1);
    if (!s.empty() && s.back() == '.') s.pop_back();
    return s;
  }
};

int required_column(const geo::io::Table& t, const std::string& name, const std::string& form) {
  const int c = t.column(name);
  if (c < 0) throw ConfigError(t.path + ": no column '" + name + "' (" + form + ")");
  return c;
}

void set_class(CarbonFactors& f, LandCover cls, CarbonFactor factor, const geo::io::Table& t, std::size_t r) {
  CarbonFactor& slot = f.by_class[std::size_t(cls)];
  if (slot.present)
    throw ConfigError(table_row(t.path, r) + ": class " + land_cover_name(cls) + " again (first on row " + std::to_string(slot.row) + ")");
  factor.present = true;
  factor.row = int(r + 1);
  slot = std::move(factor);
}

void parse_ipcc_form(const geo::io::Table& t, CarbonFactors& f) {
  const std::string form =
      "the IPCC form needs class, agb_t_dm_per_ha, root_shoot_ratio, carbon_fraction, growth_t_dm_per_ha_yr, agb_uncertainty_pct, "
      "source; or give InVEST's table with lucode, c_above, c_below, c_soil, c_dead";
  const int cls = required_column(t, "class", form), agb = required_column(t, "agb_t_dm_per_ha", form),
            rs = required_column(t, "root_shoot_ratio", form), cf = required_column(t, "carbon_fraction", form),
            growth = required_column(t, "growth_t_dm_per_ha_yr", form), agb_u = required_column(t, "agb_uncertainty_pct", form),
            source = required_column(t, "source", form);
  const int rs_u = t.column("root_shoot_uncertainty_pct"), growth_u = t.column("growth_uncertainty_pct"), dead = t.column("dead_t_c_per_ha");
  for (std::size_t r = 0; r < t.rows.size(); ++r) {
    const RowReader row{t, r};
    std::string key = lower(t.rows[r][std::size_t(cls)]);
    if (key == "built") key = "built_up";
    const auto c = land_cover_from_name(key);
    if (!c)
      throw ConfigError(table_row(t.path, r) + ": class '" + t.rows[r][std::size_t(cls)] +
                        "' is not a LANDCOVER class (tree, shrubland, grassland, cropland, water, wetland, bare, built_up)");
    CarbonFactor x;
    // The largest above-ground biomass measured (coast redwood, about 3,500 t dm/ha) and growth
    // (about 60 t dm/ha/yr in fast plantations) bound what a class's mean can be.
    x.agb = row.number(agb, 4000, "t of dry matter per ha, more than any forest holds (a table in kg/ha?)");
    x.root_shoot = row.number(rs, 100);
    x.carbon_fraction = row.number(cf, 1);
    if (!(x.carbon_fraction > 0))
      throw ConfigError(table_row(t.path, r) + ": carbon_fraction is 0; a carbon fraction of dry matter lies in (0, 1] (IPCC: 0.47)");
    x.growth = row.number(growth, 100, "t of dry matter per ha and year, more than any forest grows (kg?)");
    x.agb_uncertainty_pct = row.number(agb_u, 1000);
    x.root_shoot_uncertainty_pct = row.optional_number(rs_u, 1000);
    x.growth_uncertainty_pct = row.optional_number(growth_u, 1000);
    x.dead = row.optional_number(dead, 2000, "t of carbon per ha (kg?)");
    x.source = t.rows[r][std::size_t(source)];
    if (x.source.find_first_not_of(" \t") == std::string::npos)
      throw ConfigError(table_row(t.path, r) + ": no source: each class's values need the table or study they come from");
    set_class(f, *c, std::move(x), t, r);
  }
}

void parse_pools_form(const geo::io::Table& t, CarbonFactors& f) {
  const std::string form = "InVEST's carbon pools table needs lucode, c_above, c_below, c_soil, c_dead (t C/ha)";
  const int code = required_column(t, "lucode", form);
  const std::array<int, 4> pool = {required_column(t, "c_above", form), required_column(t, "c_below", form),
                                   required_column(t, "c_soil", form), required_column(t, "c_dead", form)};
  const std::array<int, 4> sd = {t.column("c_above_sd"), t.column("c_below_sd"), t.column("c_soil_sd"), t.column("c_dead_sd")};
  const int name = t.column("lulc_name");
  for (std::size_t r = 0; r < t.rows.size(); ++r) {
    const RowReader row{t, r};
    const std::string& text = t.rows[r][std::size_t(code)];
    const auto v = finite_number(text);
    if (!v || *v != std::floor(*v) || *v < 1 || *v >= kLandCoverClasses)
      throw ConfigError(table_row(t.path, r) + ": lucode '" + text + "' is not a LANDCOVER code (1 tree ... 8 built_up)");
    CarbonFactor x;
    // t C/ha: up to about 1,700 above ground (coast redwood) and a few thousand in peat soils.
    for (std::size_t p = 0; p < 4; ++p)
      x.pools[p] = row.number(pool[p], 5000, "t of carbon per ha, more than any land holds (a table in kg/ha?)"),
      x.pool_sd[p] = row.optional_number(sd[p], 5000, "t of carbon per ha (kg?)");
    x.source = name >= 0 ? t.rows[r][std::size_t(name)] : "";
    set_class(f, LandCover(int(*v)), std::move(x), t, r);
  }
}

// A lognormal deviate of mean `mean` and standard deviation `sd` (sd = 0: the mean).
double lognormal(double mean, double sd, std::mt19937_64& rng) {
  const double z = standard_normal(rng);  // drawn whatever the values, so the stream's order never depends on them
  if (!(mean > 0) || !(sd > 0)) return mean;
  const double s2 = std::log1p(sd * sd / (mean * mean));
  return std::exp(std::log(mean) - s2 / 2 + std::sqrt(s2) * z);
}

// The 95% half-width in percent as a standard deviation.
double sd_of(double value, double half_width_pct) { return value * half_width_pct / 100 / 1.96; }

}  // namespace

double CarbonFactor::density(bool pools_form) const {
  if (pools_form) return pools[0] + pools[1] + pools[2] + pools[3];
  return agb * (1 + root_shoot) * carbon_fraction + dead;
}

double CarbonFactor::stable_gain(bool pools_form) const { return pools_form ? 0.0 : growth * (1 + root_shoot) * carbon_fraction; }

std::string CarbonFactors::pools() const {
  if (!pools_form) {
    for (const CarbonFactor& f : by_class)
      if (f.present && f.dead > 0) return "biomass (above + below ground) + dead organic matter";
    return "biomass (above + below ground)";
  }
  std::array<bool, 4> any{};
  for (const CarbonFactor& f : by_class)
    for (std::size_t p = 0; p < 4; ++p) any[p] = any[p] || f.pools[p] > 0;
  static const char* const names[4] = {"above ground", "below ground", "soil", "dead"};
  std::string out;
  for (std::size_t p = 0; p < 4; ++p)
    if (any[p]) out += (out.empty() ? "" : " + ") + std::string(names[p]);
  return out.empty() ? "none" : out;
}

double CarbonFactors::grassland_root_shoot_used() const {
  return pools_form ? std::nan("") : by_class[std::size_t(LandCover::grassland)].root_shoot;
}

CarbonFactors parse_carbon_factors_table(const geo::io::Table& t) {
  CarbonFactors f;
  f.path = t.path;
  f.pools_form = t.column("lucode") >= 0;
  if (t.rows.empty()) throw ConfigError(t.path + ": no rows (one per LANDCOVER class)");
  if (f.pools_form)
    parse_pools_form(t, f);
  else
    parse_ipcc_form(t, f);
  std::string missing;
  for (int c = 1; c < kLandCoverClasses; ++c)
    if (!f.by_class[std::size_t(c)].present) missing += (missing.empty() ? "" : ", ") + std::string(land_cover_name(LandCover(c)));
  if (!missing.empty()) throw ConfigError(t.path + ": no row for class " + missing + " (every LANDCOVER class needs a density)");
  return f;
}

CarbonFactors parse_carbon_factors(const std::string& text, const std::string& path) {
  try {
    return parse_carbon_factors_table(geo::io::read_csv_text(text, path));
  } catch (const ConfigError&) {
    throw;
  } catch (const std::exception& e) {
    throw ConfigError(std::string("carbon.factors_file: ") + e.what());
  }
}

CarbonFactors load_carbon_factors(const std::string& path) {
  if (path.empty()) return parse_carbon_factors(shipped_carbon_factors_text(), kShippedName);
  geo::io::Table t;
  try {
    t = geo::io::read_csv_table(path);
  } catch (const std::exception& e) {
    throw ConfigError(std::string("carbon.factors_file: ") + e.what());
  }
  return parse_carbon_factors_table(t);
}

CarbonFactors carbon_factors_for(const Settings& settings) {
  CarbonFactors f = load_carbon_factors(settings.carbon.factors_file);
  if (const auto& r = settings.carbon.grassland_root_shoot_ratio) {
    if (f.pools_form)
      throw ConfigError("carbon.grassland_root_shoot_ratio: " + f.path + " is InVEST's carbon pools table, which has no root-to-shoot "
                        "ratio (give c_below instead)");
    CarbonFactor& g = f.by_class[std::size_t(LandCover::grassland)];
    g.root_shoot = *r;
    g.root_shoot_uncertainty_pct = 0;
    g.source += "; root-to-shoot ratio " + RowReader::format_number(*r) + " from carbon.grassland_root_shoot_ratio";
    f.grassland_root_shoot_set = true;
  }
  return f;
}

double standard_normal(std::mt19937_64& rng) {
  // Two uniforms in (0, 1] from the top 53 bits; cos branch of Box-Muller only, one deviate per pair,
  // so that each deviate uses a fixed two numbers of the stream.
  const double u1 = (double(rng() >> 11) + 1.0) * 0x1.0p-53, u2 = double(rng() >> 11) * 0x1.0p-53;
  return std::sqrt(-2 * std::log(u1)) * std::cos(2 * 3.14159265358979323846 * u2);
}

CarbonDraw central_carbon(const CarbonFactors& factors) {
  CarbonDraw d;
  for (int c = 1; c < kLandCoverClasses; ++c) {
    const CarbonFactor& f = factors.by_class[std::size_t(c)];
    d.density[std::size_t(c)] = f.density(factors.pools_form);
    d.gain[std::size_t(c)] = f.stable_gain(factors.pools_form);
  }
  return d;
}

CarbonDraw draw_carbon(const CarbonFactors& factors, std::mt19937_64& rng) {
  CarbonDraw d;
  for (int c = 1; c < kLandCoverClasses; ++c) {
    const CarbonFactor& f = factors.by_class[std::size_t(c)];
    if (factors.pools_form) {
      double sum = 0;
      for (std::size_t p = 0; p < 4; ++p) sum += lognormal(f.pools[p], f.pool_sd[p], rng);
      d.density[std::size_t(c)] = sum;
      continue;
    }
    const double agb = lognormal(f.agb, sd_of(f.agb, f.agb_uncertainty_pct), rng);
    const double rs = lognormal(f.root_shoot, sd_of(f.root_shoot, f.root_shoot_uncertainty_pct), rng);
    const double growth = lognormal(f.growth, sd_of(f.growth, f.growth_uncertainty_pct), rng);
    d.density[std::size_t(c)] = agb * (1 + rs) * f.carbon_fraction + f.dead;
    d.gain[std::size_t(c)] = growth * (1 + rs) * f.carbon_fraction;
  }
  return d;
}

}  // namespace ecomon
