#!/usr/bin/env bash
# Simulates the demo's two Landsat 8 C2 L2 scenes over Bayannur: one in UTM 48N (west of 108E), one
# in UTM 49N (east of it). SIMULATED DATA at 150 m pixels (coarser than Landsat's 30 m, so that the
# demo covers the whole city in seconds); the tests use 30 m. Writes demo_data/scenes/. Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."
dest=demo_data/scenes
[ -x build/pipeline/ecomon-simulate ] || scripts/build.sh
sim=build/pipeline/ecomon-simulate
[ -d "$dest/LC08_L2SP_129031_20230718_20230718_02_T1" ] ||
  $sim "$dest" --utm-zone 48 --west 104.9 --east 108.1 --south 39.9 --north 42.75 --pixel 150 \
    --date 2023-07-18 --path 129 --row 31 --seed 48 --clouds 8
[ -d "$dest/LC08_L2SP_128031_20230727_20230727_02_T1" ] ||
  $sim "$dest" --utm-zone 49 --west 107.9 --east 110.2 --south 39.9 --north 42.75 --pixel 150 \
    --date 2023-07-27 --path 128 --row 31 --seed 49 --clouds 6
echo "demo scenes: $dest (simulated, 150 m pixels)"
