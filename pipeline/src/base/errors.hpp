#pragma once
// The errors of ecomon, in one place, by kind. main() alone maps the ones that end a run to exit codes:
//   0  every scene processed;  3  finished, but some input could not be used (scene_status.csv);
//   2  stopped: configuration (ConfigError), zones (ZonesError), the input as a whole (SceneError
//      from discovery: no such folder), output (OutputError: lock held, full disk, a name outside
//      the output folder), a scene whose outputs could not be written (geo::io::WriteError: retried at
//      the next run, not quarantined), or anything unexpected;  128 + signal  interrupted (base/interrupt.hpp).
// A SceneError raised while reading one scene fails that scene only: it is reported in
// scene_status.csv and the run goes on.
#include <stdexcept>

namespace ecomon {

/// A configuration or ancillary file that cannot be used (the config, targets, plots, sample,
/// land cover layer); the message names the file, key or row and the problem.
struct ConfigError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// A scene that cannot be used; the message names the file and the problem.
struct SceneError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// The zones file cannot be used: unreadable, missing layer or field, empty or repeated codes,
/// coordinates outside its CRS, text that is not UTF-8.
struct ZonesError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// An output that cannot be written (full disk, permissions, a lock held by another run, a name that
/// would leave the output folder). Ends the run with exit code 2.
struct OutputError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

}  // namespace ecomon
