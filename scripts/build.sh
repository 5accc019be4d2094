#!/usr/bin/env bash
# Configures and builds ecomon (Release) into build/. ECOMON_WERROR=ON turns warnings into errors.
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DECOMON_WERROR="${ECOMON_WERROR:-OFF}" >/dev/null
cmake --build build -j"$(nproc)"
