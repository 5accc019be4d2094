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

#include "engine/zone_tally.hpp"
#include "ground/plots.hpp"
#include "libgeo/area_estimate.hpp"

namespace ecomon {

struct ReferenceSample {
  double lon = 0, lat = 0;
  LandCover reference = LandCover::unknown;
  int year = 0;  // the map year it labels; 0: every year
  int row = 0;   // data row in the file, for messages
};

/// Reads a reference sample CSV: columns lon, lat (WGS84) and class (a LANDCOVER code 1-8 or its
/// name: tree, shrubland, grassland, cropland, water, wetland, bare, built_up), optionally year.
/// Throws ConfigError naming the file and the row.
std::vector<ReferenceSample> load_reference_sample(const std::string& path);

/// An area with its standard error (m^2).
struct AdjustedArea {
  double area = 0, se = 0;
};

/// One year's land cover map against the sample.
struct ClassAccuracy {
  std::vector<PlotMatch> matches;  // every sample unit of the year, in file order
  // counts[i][j]: units mapped as class i with reference class j (LANDCOVER codes 0..8; 0 unused)
  std::array<std::array<double, kLandCoverClasses>, kLandCoverClasses> counts{};
  std::vector<LandCover> classes;           // the classes of the estimate (mapped or in the reference), in code order
  std::optional<geo::AreaEstimate> region;  // over the zones, when every mapped class has 2 units
  std::string problem;                      // why there is no estimate

  bool applied() const { return region.has_value(); }
  /// The area of reference class `j` in a unit whose mapped class areas are those of `tally`, by the
  /// sample's conditional proportions p_ij = n_ij / n_i: A_j = sum_i N_i p_ij, SE^2 = sum_i N_i^2
  /// p_ij (1 - p_ij) / (n_i - 1) (Olofsson et al. 2014, eqs. 9-10 with the unit's mapped areas).
  AdjustedArea adjusted(const ZoneTally& tally, LandCover j) const;
};

/// The error matrix of the year's matched units and the region's estimate over `mapped` (the zones'
/// mapped class areas, m^2).
ClassAccuracy assess_land_cover(std::vector<PlotMatch> matches, const std::vector<ReferenceSample>& sample,
                                const std::array<double, kLandCoverClasses>& mapped);

}  // namespace ecomon
