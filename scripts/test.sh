#!/usr/bin/env bash
# Sets up everything on a fresh Debian 12 machine (as root), builds with warnings as errors, fetches
# the reference data and runs the whole GoogleTest suite with CTest; then the same suite built with
# ASan + UBSan (scripts/test_sanitized.sh) and every libFuzzer target for 60 s (scripts/fuzz.sh).
# CI runs exactly this (about 30 minutes on 2 cores). Arguments go to the first ctest.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install_deps.sh --tests
ECOMON_WERROR=ON scripts/build.sh
scripts/fetch_test_data.sh
(cd build && ctest --output-on-failure -j"$(nproc)" "$@")
echo "== the suite again under AddressSanitizer + UndefinedBehaviorSanitizer (bounds-strict)"
scripts/test_sanitized.sh
echo "== fuzzing the parsers, 60 s each"
scripts/fuzz.sh 60
