#pragma once
// A reference sample in the run (accuracy.samples_file): labelled points checked against each
// year's LANDCOVER map, the error matrix, and the area-adjusted estimator of Olofsson et al. (2014,
// Remote Sensing of Environment 148:42-57; libgeo/area_estimate.hpp) for the region, with the
// accuracies; and for each unit the forest and water areas adjusted by the same conditional
// proportions, with their standard errors, which the targets' intervals carry.
#include <array>
#include <optional>
#include <string>
#include <vector>

#include "rules/zone_tally.hpp"
#include "ground/plots.hpp"
#include "libgeo/area_estimate.hpp"

namespace ecomon {

struct ReferenceSample {
  double lon = 0, lat = 0;
  LandCover reference = LandCover::unknown;
  int year = 0;  // the map year it labels; 0: every year
  int row = 0;   // data row in the file, for messages
  /// The optional `forest` column: whether the point is forest on the official definition (trees,
  /// or designated special shrubland of enough cover, in patches of the minimum size), as a labeller
  /// judged it. Absent: trees, or shrubland in a designated zone.
  std::optional<bool> forest;
};

/// Reads a reference sample CSV: columns lon, lat (WGS84) and class (a LANDCOVER code 1-8 or its
/// name: tree, shrubland, grassland, cropland, water, wetland, bare, built_up), optionally year.
/// Throws ConfigError naming the file and the row.
std::vector<ReferenceSample> load_reference_sample(const std::string& path);

/// An area with its standard error (m^2).
struct AdjustedArea {
  double area = 0, se = 0;
};

/// What a reference sample unit is counted as, for the areas the targets name: official forest
/// (trees, or shrubland where designated, unless the sample's `forest` column says otherwise), open
/// water, wetland (water or wetland: the water-frequency wetland of the reports holds both), grassland.
enum class SampleQuantity { forest, water, wetland, grassland };
inline constexpr int kSampleQuantities = 4;

/// A unit's area of a quantity estimated from the sample, and how.
struct UnitAreaEstimate {
  double area = 0, se = 0;  // over the unit's observed area (m^2)
  bool within_unit = false; // the unit's own sample in every map class (stratified within the unit), else the domain estimator
  std::string problem;      // why there is no estimate (a map class of the unit with no sample unit in the region); "" when there is
  bool valid() const { return problem.empty(); }
};

/// Variance of a stratum's proportion from x of n units: the larger of the usual p(1-p)/(n-1) and the
/// Agresti-Coull p~(1-p~)/(n+4), p~ = (x+2)/(n+4) (Agresti & Coull 1998, The American Statistician
/// 52:119-126), so that a stratum whose sample shows no error is never given a standard error of 0.
double proportion_variance(double x, double n);

/// One year's land cover map against the sample.
struct ClassAccuracy {
  std::vector<PlotMatch> matches;  // every sample unit of the year, in file order
  // counts[i][j]: units mapped as class i with reference class j (LANDCOVER codes 0..8; 0 unused)
  std::array<std::array<double, kLandCoverClasses>, kLandCoverClasses> counts{};
  std::vector<LandCover> classes;           // the classes of the estimate (mapped or in the reference), in code order
  std::optional<geo::AreaEstimate> region;  // over the zones, when every mapped class has 2 units
  std::string problem;                      // why there is no estimate

  // By sample unit (file order): its map class when matched (else unknown), and what it counts as
  // (bit q for SampleQuantity q).
  std::vector<LandCover> stratum;
  std::vector<std::uint8_t> counts_as;
  std::vector<LandCover> reference;  // by sample unit: its reference class when matched (else unknown)
  std::vector<int> zone_of_unit;  // empty: one zone
  std::vector<double> satellite_cover;               // by sample unit: the peak-composite FVC of its cell (NaN unmatched)
  std::vector<std::uint16_t> grassland_type;          // by sample unit: the grassland type of its cell (0 none)
  std::array<double, kLandCoverClasses> mapped{};  // the region's mapped area by class (m^2), the strata sizes
  int min_unit_stratum_units = 5;                  // accuracy.min_unit_stratum_units

  bool applied() const { return region.has_value(); }
  /// A unit's (zone's or zones') area of `q` over its observed area, from the sample (Olofsson et al.
  /// 2014; Cochran 1977, Sampling Techniques, sec. 5A.14 for domains), zone by zone (a sample drawn
  /// by zone x class has its strata there; the zones' estimates and variances are summed). In a
  /// zone, strata are its map classes, of sizes N_h (its class areas), each estimated on its own:
  /// within the zone when the zone's own sample (`tally.sample_units` of that zone) has at least
  /// min_unit_stratum_units units of the class, N_h p_h with variance N_h^2 v(x_h, n_h), p_h its units'
  /// share that count as q; otherwise by the domain estimator over the region's sample, M_h y_h with
  /// y_h the mean over the region's n_h units of the class of (counts as q and lies in the zone), M_h
  /// the region's class area, variance M_h^2 s_h^2 / n_h, at least the zone's own N_h^2 v(x_h, n_h).
  /// `within_unit` when every class was within. v: proportion_variance().
  UnitAreaEstimate unit_area(const ZoneTally& tally, SampleQuantity q) const;
  /// The ratio of two totals over the unit, R = Y / X, each estimated as unit_area() estimates an
  /// area (zone by zone, within the zone or by the domain estimator) from per-unit values y_k and x_k
  /// (k in file order; only matched units are read), with the linearised variance of the ratio
  /// estimator (Cochran 1977, sec. 6.11: the variance of the residuals d = y - R x, over X^2).
  /// For grassland cover: y = calibrated cover where the reference is grassland, x = 1 there.
  UnitAreaEstimate unit_ratio(const ZoneTally& tally, const std::vector<double>& y, const std::vector<double>& x) const;

 private:
  // One class of one zone of a tally, and the units it is estimated from: the zone's own units of
  // the class (within) or all the region's units of it, those not the zone's counting 0 (domain).
  struct StratumTerm {
    double zone_size = 0;  // N_h: the zone's area of the class
    double size = 0;       // N_h within, M_h (the region's area of the class) in the domain estimator
    bool within = false;
    std::vector<std::size_t> units;
    std::vector<std::uint8_t> own;  // by unit: 1 when it is the zone's own (the tally's)
  };
  struct StratumTerms {
    std::vector<StratumTerm> terms;
    bool within_unit = true;
    std::string problem;  // a class of the tally with fewer than 2 units in the region
  };
  /// The terms of unit_area() and unit_ratio(): every class with area in every zone of the tally.
  StratumTerms strata_terms(const ZoneTally& tally) const;
};

/// The error matrix of the year's matched units and the region's estimate over `mapped` (the zones'
/// mapped class areas, m^2). `designated_unit[k]`: sample unit k lies in a zone whose shrubland is
/// forest (forest.special_shrubland); empty: none is.
/// `zone_of_unit[k]`: the zone (index) sample unit k lies in, -1 none; empty: every unit in zone 0
/// (tallies without a zone breakdown are one zone).
ClassAccuracy assess_land_cover(std::vector<PlotMatch> matches, const std::vector<ReferenceSample>& sample,
                                const std::array<double, kLandCoverClasses>& mapped, const std::vector<bool>& designated_unit = {},
                                int min_unit_stratum_units = 5, const std::vector<int>& zone_of_unit = {});

}  // namespace ecomon
