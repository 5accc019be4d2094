#pragma once
// Ctrl-C (SIGINT) and SIGTERM end a run cleanly: the first signal sets a flag that the strip runner
// and the job executor check, which then throw Interrupted; unwinding removes the temporary files
// (unfinished GeoTIFFs, the work folder) and releases the workspace lock, and main() exits with
// 128 + the signal. A second signal ends the process at once (the default action).
#include <stdexcept>
#include <string>

namespace ecomon {

struct Interrupted : std::runtime_error {
  int signal;
  explicit Interrupted(int s);
};

/// Installs the SIGINT and SIGTERM handlers (once, from main).
void install_interrupt_handlers();
/// The signal received, 0 when none.
int interrupt_signal();
/// Throws Interrupted when a signal was received.
void stop_if_interrupted();
/// A point between two strips: counts it (a test may ask, with ECOMON_TEST_INTERRUPT_AFTER_STRIPS=N,
/// for a SIGINT to be raised at the N-th), then stop_if_interrupted().
void strip_checkpoint();

/// A point in a long loop outside the strip runner (hash: each megabyte hashed, walk: each input
/// folder, probe: each scene probed): stop_if_interrupted(), after raising SIGINT the N-th time point
/// NAME is reached when a test asks with ECOMON_TEST_INTERRUPT_AT=NAME:N.
void interrupt_point(const char* name);

/// A named point where a crash test may kill the process: with ECOMON_TEST_KILL_AT=NAME:N the N-th
/// time point NAME is reached raises SIGKILL (no unwinding, no cleanup: as the OOM killer or a
/// power cut would end the run). Points: strip (between strips), before-publish / after-publish (the
/// rename of an output into place), before-finish (before a pass's GeoTIFFs are made COGs),
/// catalog-task (inside a task's catalog transaction), task-recorded, report (before each report
/// writer), run-end. Without the variable, a counter is all it costs.
void kill_point(const char* name);

}  // namespace ecomon
