#pragma once
// A reference sample in the run (accuracy.samples_file): labelled points checked against each
// year's LANDCOVER map, the error matrix, and the area-adjusted estimator of Olofsson et al. (2014,
// Remote Sensing of Environment 148:42-57; libgeo/area_estimate.hpp) for the region, with the
// accuracies; and for each unit the forest and water areas adjusted by the same conditional
// proportions, with their standard errors, which the targets' intervals carry.
#include <array>
#include <cmath>
#include <optional>
#include <string>
#include <vector>

#include "base/fields.hpp"
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
  /// The sample's design, when its file says (`ecomon sample-design` writes these columns): the
  /// stratum it was drawn from (`stratum`, else `unit_code`/`map_class`), the zone code and map
  /// class of that stratum, and the stratum's size (`stratum_area_m2`, `stratum_cells`; NaN absent).
  std::string stratum, unit_code;
  LandCover map_class = LandCover::unknown;
  double stratum_area_m2 = std::nan(""), stratum_cells = std::nan("");
};

/// Reads a reference sample CSV: columns lon, lat (WGS84) and class (a LANDCOVER code 1-8 or its
/// name: tree, shrubland, grassland, cropland, water, wetland, bare, built_up), optionally year,
/// forest, and the design's columns (stratum, unit_code, map_class, stratum_area_m2, stratum_cells:
/// all rows or none, one size per stratum). Throws ConfigError naming the file and the row.
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
  double area = 0, se = 0;  // over the unit's observed area (m^2); se the sampling error only
  /// What the sampling interval does not account for: a stratum none of whose n units (of the unit)
  /// showed the quantity may still hold some, one all of whose units showed it may hold less. Each
  /// such stratum (not sampled whole) adds its size times the one-sided 95% Clopper-Pearson bound
  /// 1 - 0.05^(1/n) (Clopper & Pearson 1934, Biometrika 26:404-413) to `unseen_high` (or
  /// `unseen_low`): the area the interval may miss, reported beside it, never inside it.
  double unseen_low = 0, unseen_high = 0;
  bool within_unit = false; // the unit's own strata (the design's, or its own sample in every map class), else the domain estimator
  std::string problem;      // why there is no estimate (a map class of the unit with no sample unit in the region); "" when there is
  bool valid() const { return problem.empty(); }
};

/// The one-sided 95% upper Clopper-Pearson bound of a proportion of which 0 of n units were seen.
double unseen_share_bound(double n);

/// The map the sample is checked against, zone by zone: what a design's stratum is measured on when
/// the sample file does not give its size (a design drawn on this map: zone code x map class).
struct SampleFrame {
  std::vector<std::string> zone_codes;                          // by zone index
  std::vector<std::array<double, kLandCoverClasses>> class_area;  // by zone index: the mapped area of each class (m^2)
  double cell_area = 0;                                         // of one cell of the map (m^2), for the number of cells
};

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
  double cell_area = 0;                            // of the map's cells (m^2): strata's cell counts for the finite population correction
  std::vector<std::string> zone_codes;             // by zone index (SampleFrame): a design stratum's zone

  /// The sample's own strata, when its file names them (ground/reference_sample.hpp: the design's
  /// columns): the estimates are on that design, whatever the map of this run says.
  struct Design {
    std::vector<std::string> names;               // by stratum
    std::vector<geo::SampleStratum> strata;       // size (m^2) and cells
    std::vector<std::string> unit_codes;          // by stratum: its zone code ("" unknown)
    std::vector<int> stratum_of_unit;             // by sample unit (file order): its stratum, -1 not of this year
    std::string sizes_from;                       // "the sample file" or the map the sizes were measured on
  };
  std::optional<Design> design;
  /// Sample units whose cell this year's map classes otherwise than their design stratum: how many,
  /// and the first (file rows), for the log.
  std::size_t off_stratum = 0;
  std::vector<int> off_stratum_rows;

  bool applied() const { return region.has_value(); }
  /// As a catalog stores it (base/fields.hpp): the units' matches, their zones and the mapped areas
  /// (the strata sizes); the estimates are made again from them on load (assess_land_cover).
  static constexpr auto fields() {
    using A = ClassAccuracy;
    constexpr Storage again = Storage::derived;
    return std::make_tuple(field("matches", &A::matches), field<again>("counts", &A::counts), field<again>("classes", &A::classes),
                           field<again>("region", &A::region), field<again>("problem", &A::problem), field<again>("stratum", &A::stratum),
                           field<again>("counts_as", &A::counts_as), field<again>("reference", &A::reference),
                           field("zone_of_unit", &A::zone_of_unit), field<again>("satellite_cover", &A::satellite_cover),
                           field<again>("grassland_type", &A::grassland_type), field("mapped", &A::mapped),
                           field<again>("min_unit_stratum_units", &A::min_unit_stratum_units), field<again>("cell_area", &A::cell_area),
                           field<again>("zone_codes", &A::zone_codes), field<again>("design", &A::design),
                           field<again>("off_stratum", &A::off_stratum), field<again>("off_stratum_rows", &A::off_stratum_rows));
  }
  /// A unit's (zone's or zones') area of `q` over its observed area, from the sample (Olofsson et al.
  /// 2014; Cochran 1977, Sampling Techniques, sec. 5A.14 for domains; geo::stratified_total).
  /// With the sample's design: on its strata (N_h from the file, or from this map's zone x class when
  /// the file gives none), y = counts as q and lies in the unit, over each stratum's units, with the
  /// finite population correction (a stratum sampled whole is known exactly). Without: zone by zone
  /// on this map's classes, each class within the zone when the zone's own sample has at least
  /// min_unit_stratum_units units of it (N_h its zone area), otherwise by the domain estimator over
  /// the region's units of the class (M_h the region's area of it). `within_unit` when no class
  /// needed the domain estimator.
  UnitAreaEstimate unit_area(const ZoneTally& tally, SampleQuantity q) const;
  /// The ratio of two totals over the unit, R = Y / X, each estimated as unit_area() estimates an
  /// area (zone by zone, within the zone or by the domain estimator) from per-unit values y_k and x_k
  /// (k in file order; only matched units are read), with the linearised variance of the ratio
  /// estimator (Cochran 1977, sec. 6.11: the variance of the residuals d = y - R x, over X^2).
  /// For grassland cover: y = calibrated cover where the reference is grassland, x = 1 there.
  UnitAreaEstimate unit_ratio(const ZoneTally& tally, const std::vector<double>& y, const std::vector<double>& x) const;

 private:
  // A stratum of the estimate for a tally, and the units it is estimated from (those not the
  // tally's count 0: the domain estimator): a design stratum, a zone's class (within) or a region's
  // class (domain).
  struct StratumTerm {
    geo::SampleStratum stratum;  // size N_h (m^2) and cells
    bool within = false;
    std::vector<std::size_t> units;
    std::vector<std::uint8_t> own;  // by unit: 1 when it is the tally's own
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
/// `frame`: the map's zones and class areas, for a design whose file gives no stratum sizes (and the
/// cell area, for the cell counts of strata sized by area); empty: such a design has no estimate.
/// The region's table is geo::stratified_accuracy() on the design's strata, or on the map's classes
/// (geo::olofsson_area_estimate's strata) without a design.
ClassAccuracy assess_land_cover(std::vector<PlotMatch> matches, const std::vector<ReferenceSample>& sample,
                                const std::array<double, kLandCoverClasses>& mapped, const std::vector<bool>& designated_unit = {},
                                int min_unit_stratum_units = 5, const std::vector<int>& zone_of_unit = {}, const SampleFrame& frame = {});

}  // namespace ecomon
