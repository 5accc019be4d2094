#pragma once
// Carbon density per land cover class: the factor table (carbon.factors_file, or the table built
// into ecomon from config/carbon_factors.csv), in either of two forms:
//  - IPCC form (the shipped table): above-ground biomass AGB (t dry matter/ha), root-to-shoot ratio R,
//    carbon fraction CF, an optional dead organic matter stock, and a growth rate for land that stays
//    in its class; density C = AGB x (1 + R) x CF + dead (IPCC 2006 Guidelines, Vol. 4, Ch. 2, eq. 2.8
//    for the biomass stock), each uncertain quantity with its 95% half-width in percent of the value;
//  - InVEST's carbon pools table as InVEST reads it: lucode (the LANDCOVER code), c_above, c_below,
//    c_soil, c_dead in t C/ha, with optional c_above_sd ... standard deviations.
// One row per LANDCOVER class (tree, shrubland, grassland, cropland, water, wetland, bare, built_up);
// every value checked, errors naming the file and the row.
#include <array>
#include <cstdint>
#include <optional>
#include <random>
#include <string>

#include "rules/cell_rules.hpp"

namespace ecomon {

struct CarbonFactor {
  bool present = false;
  int row = 0;  // data row in the file (1 = first after the header), for messages
  std::string source;
  // IPCC form
  double agb = 0, root_shoot = 0, carbon_fraction = 0, growth = 0, dead = 0;
  double agb_uncertainty_pct = 0, root_shoot_uncertainty_pct = 0, growth_uncertainty_pct = 0;
  // InVEST form (t C/ha) and standard deviations
  std::array<double, 4> pools{}, pool_sd{};  // above, below, soil, dead

  /// t C/ha at the table's values.
  double density(bool pools_form) const;
  /// t C/ha/yr added by growth on land that stays in the class (IPCC gain-loss, Vol. 4 eq. 2.9/2.10:
  /// G x (1 + R) x CF); 0 in the InVEST form.
  double stable_gain(bool pools_form) const;
};

struct CarbonFactors {
  std::string path;        // the file, or "config/carbon_factors.csv (built in)"
  bool pools_form = false; // InVEST's carbon pools table
  std::array<CarbonFactor, kLandCoverClasses> by_class{};  // [LANDCOVER code], 0 unused
  bool grassland_root_shoot_set = false;                   // carbon.grassland_root_shoot_ratio replaced the table's

  /// Which pools the densities hold, in words for the report ("biomass (above + below ground)", ...).
  std::string pools() const;
  /// The root-to-shoot ratio used for grassland (IPCC form; NaN in the InVEST form).
  double grassland_root_shoot_used() const;
};

/// Parses a factor table's text (`path` names it in errors). Throws ConfigError naming the file and
/// the row: an unknown class or lucode, a repeated or missing class, a missing column or value, a
/// negative density, a carbon fraction outside (0, 1], an empty source (IPCC form).
CarbonFactors parse_carbon_factors(const std::string& text, const std::string& path);
/// Reads a factor table; "" is the table built into ecomon (config/carbon_factors.csv at build time).
CarbonFactors load_carbon_factors(const std::string& path);
struct Settings;
/// The run's table: carbon.factors_file (or the built-in one), with carbon.grassland_root_shoot_ratio
/// applied (a ConfigError with InVEST's table, which has no ratio).
CarbonFactors carbon_factors_for(const Settings& settings);
/// The text of config/carbon_factors.csv as built into ecomon.
const std::string& shipped_carbon_factors_text();

/// One Monte Carlo draw of every class's density and stable-land gain (IPCC 2006 Vol. 1, Ch. 3,
/// sec. 3.2.3, Approach 2): each uncertain quantity lognormal with the table's value as its mean and
/// the half-width / 1.96 as its standard deviation (positive quantities; IPCC Vol. 1 Ch. 3 suggests a
/// skewed distribution for uncertainties above about 30%, as most of these are). A class's density is
/// drawn once per draw and used at both dates, so land that keeps its class adds no variance.
struct CarbonDraw {
  std::array<double, kLandCoverClasses> density{}, gain{};
};
/// The draw's standard normal deviates come from `rng` in a fixed order (by class, then quantity),
/// through Box-Muller, so a seed gives the same draws with any compiler's standard library.
CarbonDraw draw_carbon(const CarbonFactors& factors, std::mt19937_64& rng);
/// The table's values (no uncertainty).
CarbonDraw central_carbon(const CarbonFactors& factors);
/// A standard normal deviate from two 53-bit uniforms of `rng` (Box-Muller).
double standard_normal(std::mt19937_64& rng);

}  // namespace ecomon
