#pragma once
// Ctrl-C (SIGINT) and SIGTERM end a run cleanly: the first signal sets a flag that the strip runner
// and the job executor check, which then throw Interrupted; unwinding removes the temporary files
// (unfinished GeoTIFFs, the work folder) and releases the workspace lock, and main() exits with
// 128 + the signal. A second signal ends the process at once (the default action).
#include <chrono>
#include <stdexcept>
#include <string>

namespace ecomon {

struct Interrupted : std::runtime_error {
  int signal;
  explicit Interrupted(int s);
};

/// The calling thread's time limit passed (a server's request that took too long).
struct DeadlineExceeded : std::runtime_error {
  double seconds;
  explicit DeadlineExceeded(double limit);
};

/// A time limit on the calling thread's work while it lives: stop_if_interrupted() on this thread
/// throws DeadlineExceeded once `seconds` have passed. Work on other threads (TBB's) is not limited.
class ThreadDeadline {
 public:
  explicit ThreadDeadline(double seconds);
  ~ThreadDeadline();
  ThreadDeadline(const ThreadDeadline&) = delete;
  ThreadDeadline& operator=(const ThreadDeadline&) = delete;
};

/// The calling thread's time limit, for work done for it on other threads (TBB's) to check.
struct Deadline {
  bool set = false;
  std::chrono::steady_clock::time_point end{};
  double seconds = 0;
  /// Throws DeadlineExceeded once the limit has passed.
  void check() const;
};
Deadline thread_deadline();

/// Installs the SIGINT and SIGTERM handlers (once, from main).
void install_interrupt_handlers();
/// The signal received, 0 when none.
int interrupt_signal();
/// Throws Interrupted when a signal was received, DeadlineExceeded when this thread's time limit passed.
void stop_if_interrupted();
/// A point between two strips: counts it (a test may ask, with ECOMON_TEST_INTERRUPT_AFTER_STRIPS=N,
/// for a SIGINT to be raised at the N-th), then stop_if_interrupted().
void strip_checkpoint();

/// A point in a long loop outside the strip runner (hash: each megabyte hashed, checksum: each
/// megabyte checksummed, walk: each input folder, probe: each scene probed): stop_if_interrupted(),
/// after raising SIGINT the N-th time point NAME is reached when a test asks with
/// ECOMON_TEST_INTERRUPT_AT=NAME:N.
void interrupt_point(const char* name);

/// A named point where a crash test may kill the process: with ECOMON_TEST_KILL_AT=NAME:N the N-th
/// time point NAME is reached raises SIGKILL (no unwinding, no cleanup: as the OOM killer or a
/// power cut would end the run). Points: strip (between strips), before-publish / after-publish (the
/// rename of an output into place), before-finish (before a pass's GeoTIFFs are made COGs),
/// catalog-task (inside a task's catalog transaction), task-recorded, report (before each report
/// writer), run-end. Without the variable, a counter is all it costs.
void kill_point(const char* name);

}  // namespace ecomon
