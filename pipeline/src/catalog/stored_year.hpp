#pragma once
// A year's results as text, bit-exact (numbers as hexadecimal floats), so that a nightly run that
// finds a year unchanged reloads what the scene and season passes made of it instead of reading its
// imagery again (catalog/workspace_catalog.hpp stores the text with the year's task). What is stored
// is what the passes measured: the tallies, the scenes' tallies and statuses, and the pixels found
// under each plot and sample unit; the calibration line and the sample's estimates are fitted again
// from those by the same functions (fit_calibration, assess_land_cover), so they cannot drift.
#include <string>
#include <vector>

#include "base/fields.hpp"
#include "config/settings.hpp"
#include "engine/season_engine.hpp"
#include "report/report_writer.hpp"
#include "results/scene_result.hpp"
#include "results/year_result.hpp"

namespace ecomon {

/// One year of a run as the catalog keeps it.
struct StoredYear {
  YearResult year;                    // calibration and accuracy hold their matches only (re-fitted on load)
  bool produced = false;              // the season pass made composites (some scene in its windows)
  std::vector<SceneResult> scenes;    // the year's scenes that were processed (zones: code, name and area only)
  std::vector<StatusRow> statuses;    // the year's scenes' rows of scene_status.csv, failed ones included
  std::vector<std::string> outputs;   // every file under the output folder the year's scenes and season wrote
  std::vector<SettingValue> settings; // every key's value the year was made with (setting_values): what a reader of the workspace applies

  static constexpr auto fields() {
    return std::make_tuple(field("year", &StoredYear::year), field("produced", &StoredYear::produced), field("scenes", &StoredYear::scenes),
                           field("statuses", &StoredYear::statuses), field<Storage::path>("outputs", &StoredYear::outputs),
                           field("settings", &StoredYear::settings));
  }
};

/// The text form. Paths in the workspace `root` are stored relative to it (workspace_relative), so
/// that a copied workspace reads its own rasters; others (the scenes' inputs) as they are.
std::string serialise_stored_year(const StoredYear& stored, const std::string& root);
/// Parses serialise_stored_year()'s text, paths made absolute in `root`; throws std::runtime_error
/// naming what is wrong.
StoredYear parse_stored_year(const std::string& text, const std::string& root);

/// A season tile task's results as text, in the same form (catalog/scene_task.hpp keeps it in the
/// task's file); parse throws std::runtime_error naming what is wrong.
std::string serialise_season_tile(const SeasonTile& tile, const std::string& root);
SeasonTile parse_season_tile(const std::string& text, const std::string& root);

/// The year's season GeoTIFFs among its stored outputs (years/<y>/ecomon_<y>_<NAME>.tif), in the order
/// the run wrote them: YearResult::products of a year reloaded from the catalog (it is not stored).
std::vector<std::string> stored_year_rasters(const StoredYear& stored);

}  // namespace ecomon
