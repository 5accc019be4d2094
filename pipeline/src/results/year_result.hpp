#pragma once
// What the season pass produces for one year, as a typed value: its zone tallies, the calibration and
// the map's accuracy fitted on that year's plots and sample. Below the engines, like scene_result.hpp.
#include <optional>
#include <string>
#include <vector>

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
};

}  // namespace ecomon
