#!/usr/bin/env bash
# The whole test suite (the bad-input corpus, the kill test and the crash tests included) again,
# built with AddressSanitizer + UndefinedBehaviorSanitizer and -fsanitize=bounds-strict (GCC), every
# report fatal, into build-sanitize/. CI runs it after the normal suite (scripts/test.sh).
# Leak reports are off: GDAL, PROJ and TBB keep caches for the life of the process by design.
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build-sanitize -DCMAKE_BUILD_TYPE=RelWithDebInfo -DECOMON_SANITIZE=ON -DECOMON_WERROR=ON >/dev/null
cmake --build build-sanitize -j"$(nproc)"
export ASAN_OPTIONS="detect_leaks=0:abort_on_error=1:detect_stack_use_after_return=0"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
export ECOMON_SANITIZED=1  # the one test that caps virtual memory (ulimit -v) cannot run under ASan's shadow memory
cd build-sanitize
ctest --output-on-failure -j"$(nproc)" "$@"
