#pragma once
// What the season pass produces for one year, as a typed value: its zone tallies, the calibration and
// the map's accuracy fitted on that year's plots and sample. Below the engines, like scene_result.hpp.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/fields.hpp"
#include "ground/plots.hpp"
#include "ground/reference_sample.hpp"
#include "rules/zone_tally.hpp"

namespace ecomon {

struct YearResult {
  int year = 0;
  int scenes = 0;                          // scenes used (in the season or shoulder windows)
  std::vector<ZoneTally> tallies;          // one per zone
  std::string fvc_product;                 // the year's FVC GeoTIFF ("" when neither selected nor needed by the trends)
  std::string landcover_product;           // the year's LANDCOVER GeoTIFF ("" when neither selected nor needed by the transitions)
  std::vector<std::string> products;       // the year's GeoTIFFs under the output folder (output.products)
  std::vector<std::string> work_files;     // written for a later job alone (the trends' FVC, not selected): removed at the run's end
  double method_min_share = 0.5;           // season.method_min_share, for naming each zone's method
  std::optional<Calibration> calibration;  // with calibration.plots_file: the year's plots and line
  std::string land_cover_layer;            // with landcover.file: its method name ("layer:worldcover")
  std::optional<ClassAccuracy> accuracy;   // with accuracy.samples_file: the LANDCOVER map against the sample
  bool simulated = false;                  // some scene of the year is simulated
  // By source of the season pass (the year's scenes in its order): the cells of the regional grid
  // where it has data, as runs (row, first column, end column) in row order. What a zone's or a
  // polygon's count of scenes with data is tallied from (engine/season_tally.hpp).
  std::vector<std::vector<std::int32_t>> source_footprints;

  /// Every member, as a catalog stores it (base/fields.hpp). Not stored: the year's GeoTIFFs (the
  /// stored year lists every output) and the work files (the run's own).
  static constexpr auto fields() {
    return std::make_tuple(field("year", &YearResult::year), field("scenes", &YearResult::scenes), field("tallies", &YearResult::tallies),
                           field<Storage::path>("fvc_product", &YearResult::fvc_product),
                           field<Storage::path>("landcover_product", &YearResult::landcover_product),
                           field<Storage::derived>("products", &YearResult::products), field<Storage::derived>("work_files", &YearResult::work_files),
                           field("method_min_share", &YearResult::method_min_share), field("calibration", &YearResult::calibration),
                           field<Storage::path>("land_cover_layer", &YearResult::land_cover_layer), field("accuracy", &YearResult::accuracy),
                           field("simulated", &YearResult::simulated), field("source_footprints", &YearResult::source_footprints));
  }
};

}  // namespace ecomon
