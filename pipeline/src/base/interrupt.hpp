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

}  // namespace ecomon
