#pragma once
// The errors that end a run, by kind; main() alone maps them to exit codes:
//   0  every scene processed;  3  finished, but some input could not be used (scene_status.csv);
//   2  stopped: configuration (ConfigError), zones (ZonesError), the input as a whole (SceneError
//      from discovery: no such folder), output (OutputError: lock held, full disk, a name outside
//      the output folder), or anything unexpected.
#include <stdexcept>

#include "app/output_folder.hpp"    // OutputError
#include "config/settings.hpp"      // ConfigError
#include "sensors/landsat/mtl.hpp"  // SceneError

namespace ecomon {

/// The zones file cannot be used: unreadable, missing layer or field, empty or repeated codes,
/// coordinates outside its CRS, text that is not UTF-8.
struct ZonesError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

}  // namespace ecomon
