#!/usr/bin/env bash
# The main job on the sample data, from a fresh Debian 12 machine (as root): installs what is missing,
# builds Release, fetches the county boundaries, simulates the demo scenes over Bayannur and runs
# `ecomon run config/demo.yaml`, then says where the outputs are. Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install_deps.sh
scripts/build.sh ecomon ecomon-simulate
scripts/fetch_boundaries.sh
scripts/make_demo_scenes.sh
echo
echo "== ecomon run config/demo.yaml  (SIMULATED scenes, 150 m pixels: a demonstration, not a measurement)"
build/pipeline/ecomon run config/demo.yaml
