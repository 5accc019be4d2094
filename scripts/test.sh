#!/usr/bin/env bash
# Sets up everything on a fresh Debian 12 machine (as root), builds with warnings as errors, fetches
# the reference data and runs the whole GoogleTest suite with CTest. CI runs exactly this.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install_deps.sh
ECOMON_WERROR=ON scripts/build.sh
scripts/fetch_test_data.sh
cd build
ctest --output-on-failure -j"$(nproc)" "$@"
