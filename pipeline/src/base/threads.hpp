#pragma once
// The thread count a command runs with: the one asked for, or with 0 (or less) every core the
// machine reports (at least one). One rule for `run.threads`, `--threads` of zonal and serve, and the
// polygon query.
#include <algorithm>
#include <thread>

namespace ecomon {

inline int threads_or_all_cores(int asked) { return asked > 0 ? asked : std::max(1, int(std::thread::hardware_concurrency())); }

}  // namespace ecomon
