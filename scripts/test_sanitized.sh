#!/usr/bin/env bash
# The test suite again (the bad-input corpus, the kill test and the crash tests included; not the
# accuracy tests against a simulated truth, see below), built with AddressSanitizer +
# UndefinedBehaviorSanitizer and -fsanitize=bounds-strict (GCC), every report fatal, into
# build-sanitize/. CI runs it after the normal suite (scripts/test.sh).
# Warnings are not errors here: GCC 12 warns falsely (maybe-uninitialized in <regex>) under the
# sanitizers; the main build (scripts/test.sh) keeps warnings as errors. Leak reports are off: GDAL, PROJ and TBB keep caches for the life of the process by design.
set -euo pipefail
cd "$(dirname "$0")/.."
# -Og: the sanitizers need no optimisation; against -O1 the build took 658 s instead of 912 s on 2
# cores and the suite 1009 s instead of 906 s (and -O1 half the time of -O2 -g).
cmake -S . -B build-sanitize -DCMAKE_BUILD_TYPE=None -DCMAKE_CXX_FLAGS="-Og" -DECOMON_SANITIZE=ON -DECOMON_WERROR=OFF >/dev/null
cmake --build build-sanitize -j"$(nproc)"
export ASAN_OPTIONS="detect_leaks=0:abort_on_error=1:detect_stack_use_after_return=0"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
export ECOMON_SANITIZED=1  # the one test that caps virtual memory (ulimit -v) cannot run under ASan's shadow memory
# The accuracy tests against a simulated truth (large scenes, many replications) run in the plain
# suite only: the code they run is run here by the smaller tests (every run of two years makes the
# carbon tables; Sentinel-2 and HLS scenes feed seasons in the hostile-input and HLS tests; the
# determinism test takes climate, plots, a sample and a layer), and under the sanitizers they took 11
# of the suite's 33 test-minutes. ECOMON_SANITIZE_ALL=1 runs them too.
statistical='^(CarbonScenario\.|IntervalCoverage\.|Season\.TwoSensorsAgainstTruth|LandCoverFromImagery\.ShrubBeltsSurvive)'
exclude=()
[ "${ECOMON_SANITIZE_ALL:-0}" = 1 ] || exclude=(-E "$statistical")
cd build-sanitize
ctest --output-on-failure -j"$(nproc)" "${exclude[@]}" "$@"
