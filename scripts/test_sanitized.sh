#!/usr/bin/env bash
# The whole test suite (the bad-input corpus, the kill test and the crash tests included) again,
# built with AddressSanitizer + UndefinedBehaviorSanitizer and -fsanitize=bounds-strict (GCC), every
# report fatal, into build-sanitize/. CI runs it after the normal suite (scripts/test.sh).
# Warnings are not errors here: GCC 12 warns falsely (maybe-uninitialized in <regex>) under the
# sanitizers; the main build (scripts/test.sh) keeps warnings as errors. Leak reports are off: GDAL, PROJ and TBB keep caches for the life of the process by design.
set -euo pipefail
cd "$(dirname "$0")/.."
# -O1: the sanitizers need no more, and the build and the suite take about half the time of -O2 -g.
cmake -S . -B build-sanitize -DCMAKE_BUILD_TYPE=None -DCMAKE_CXX_FLAGS="-O1" -DECOMON_SANITIZE=ON -DECOMON_WERROR=OFF >/dev/null
cmake --build build-sanitize -j"$(nproc)"
export ASAN_OPTIONS="detect_leaks=0:abort_on_error=1:detect_stack_use_after_return=0"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
export ECOMON_SANITIZED=1  # the one test that caps virtual memory (ulimit -v) cannot run under ASan's shadow memory
cd build-sanitize
ctest --output-on-failure -j"$(nproc)" "$@"
