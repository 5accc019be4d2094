#!/usr/bin/env bash
# Sets up everything on a fresh Debian 12 machine (as root), builds with warnings as errors, fetches
# the reference data and runs the whole GoogleTest suite with CTest; then the same suite built with
# ASan + UBSan (scripts/test_sanitized.sh) and every libFuzzer target for 60 s (scripts/fuzz.sh).
# CI runs exactly this (about 60 minutes on 2 cores, plus installing the packages on a bare machine;
# each part's minutes are printed as it ends). Arguments go to the first ctest.
set -euo pipefail
cd "$(dirname "$0")/.."
part_start=$SECONDS
part_done() { echo "== $1: $(( (SECONDS - part_start) / 60 )) min $(( (SECONDS - part_start) % 60 )) s (all: $(( SECONDS / 60 )) min)"; part_start=$SECONDS; }
scripts/install_deps.sh --tests
part_done "packages"
ECOMON_WERROR=ON scripts/build.sh
scripts/fetch_test_data.sh
part_done "build and test data"
(cd build && ctest --output-on-failure -j"$(nproc)" "$@")
part_done "the suite"
echo "== the suite again under AddressSanitizer + UndefinedBehaviorSanitizer (bounds-strict)"
scripts/test_sanitized.sh
part_done "the sanitized build and suite"
echo "== fuzzing the parsers, 60 s each"
scripts/fuzz.sh 60
part_done "fuzzing"
