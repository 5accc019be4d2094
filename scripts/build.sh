#!/usr/bin/env bash
# Configures and builds ecomon (Release) into build/. ECOMON_WERROR=ON turns warnings into errors.
# Arguments, if any, are the targets to build (default: everything, tests included).
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DECOMON_WERROR="${ECOMON_WERROR:-OFF}" >/dev/null
targets=()
for t in "$@"; do targets+=(--target "$t"); done
cmake --build build -j"$(nproc)" "${targets[@]}"
