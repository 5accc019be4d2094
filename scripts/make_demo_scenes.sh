#!/usr/bin/env bash
# Simulates the demo's Landsat 8 C2 L2 scenes over Bayannur: for each of 2019-2023 a July scene in
# UTM 48N (west of 108E) and one in UTM 49N (east of it), and for 2023 also May and September scenes,
# which the forest phenology rule uses. The grassland greens by 0.01 FVC a year, so the series has a
# trend to find. SIMULATED DATA at 150 m pixels (Landsat has 30 m; coarser here so that the demo covers
# the whole city in about a minute); the tests use 30 m. Writes demo_data/scenes/. Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."
dest=demo_data/scenes
[ -x build/tests/kit/ecomon-simulate ] || scripts/build.sh ecomon ecomon-simulate
sim=build/tests/kit/ecomon-simulate
west="--utm-zone 48 --west 104.9 --east 108.1 --south 39.9 --north 42.75 --path 129 --row 31"
east="--utm-zone 49 --west 107.9 --east 110.2 --south 39.9 --north 42.75 --path 128 --row 31"
jobs=()
add() {  # date, seed, footprint
  local ymd=${1//-/}
  ls -d "$dest"/LC08_L2SP_*_"${ymd}"_* >/dev/null 2>&1 ||
    jobs+=("$dest $3 --pixel 150 --date $1 --seed $2 --clouds 6 --grass-trend 0.01")
}
seed=100
for year in 2019 2020 2021 2022 2023; do
  add "$year-07-18" $((seed += 1)) "$west"
  add "$year-07-27" $((seed += 1)) "$east"
done
add 2023-05-14 $((seed += 1)) "$west"
add 2023-05-23 $((seed += 1)) "$east"
add 2023-09-17 $((seed += 1)) "$west"
add 2023-09-26 $((seed += 1)) "$east"
# One simulator per core (each is single-threaded).
if ((${#jobs[@]})); then
  printf '%s\n' "${jobs[@]}" | xargs -P "$(nproc)" -L 1 "$sim" >/dev/null
fi
echo "demo scenes: $dest ($(ls "$dest" | wc -l) simulated scenes, 150 m pixels)"
