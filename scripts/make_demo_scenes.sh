#!/usr/bin/env bash
# Simulates the demo's Landsat 8 C2 L2 scenes over the whole of Bayannur: for each of 2019-2023 a
# May, two July-August and a September date, each as a scene in UTM 48N (west of 108.3E) and one in
# UTM 49N (east of 107.7E), so that every year has the spring and autumn windows the forest and
# land cover rules use (no method step between years) and the peak season no cloud holes. The
# Yellow River follows its real course and Ulansuhai its real shore (GSHHG, scripts/extract_hydrography.py);
# the Hetao fields lie north of the river. The grassland greens by 0.01 FVC a year, so the series has a trend to find.
# From 2021 the land changes as the plans' projects change it (--land-change 2021): desert planted in
# blocks on the Ulan Buh edge and Wula Shan's open slopes planted, a quarter of western Hetao's
# fields abandoned to grass, western Urad grassland degraded to bare sand: the carbon table's
# gains and losses.
# SIMULATED DATA at 150 m pixels (Landsat has 30 m; coarser so that the demo covers the whole city
# in a few minutes); every scene's metadata says SIMULATED, and so does every output made from it.
# Writes demo_data/scenes/. Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."
dest=demo_data/scenes
layout="4: whole city, May + 2 x Jul-Aug + Sep each year, GSHHG river and lakes, land change from 2021, ORIGIN SIMULATED"
if [ -d "$dest" ] && [ "$(cat "$dest/.layout" 2>/dev/null)" != "$layout" ]; then
  echo "demo scenes of an older layout: simulating them again"
  rm -rf "$dest"
fi
mkdir -p "$dest"
echo "$layout" >"$dest/.layout"
[ -x build/tests/kit/ecomon-simulate ] || scripts/build.sh ecomon ecomon-simulate
[ -f demo_data/lakes.txt ] || scripts/extract_hydrography.py demo_data/yellow_river.txt demo_data/lakes.txt
sim=build/tests/kit/ecomon-simulate
west="--utm-zone 48 --west 104.7 --east 108.3 --south 39.8 --north 42.9 --path 129 --row 31"
east="--utm-zone 49 --west 107.7 --east 110.4 --south 39.8 --north 42.9 --path 128 --row 31"
jobs=()
add() {  # date, seed, footprint
  local ymd=${1//-/}
  ls -d "$dest"/LC08_L2SP_*_"${ymd}"_* >/dev/null 2>&1 ||
    jobs+=("$dest $3 --pixel 150 --date $1 --seed $2 --clouds 6 --grass-trend 0.01 --land-change 2021 --river demo_data/yellow_river.txt --lakes demo_data/lakes.txt")
}
seed=100
for year in 2019 2020 2021 2022 2023; do
  # Path 129 (west) and path 128 (east) pass on different days; each date is one footprint.
  add "$year-05-14" $((seed += 1)) "$west"
  add "$year-05-23" $((seed += 1)) "$east"
  add "$year-07-18" $((seed += 1)) "$west"
  add "$year-07-27" $((seed += 1)) "$east"
  add "$year-08-03" $((seed += 1)) "$west"
  add "$year-08-12" $((seed += 1)) "$east"
  add "$year-09-17" $((seed += 1)) "$west"
  add "$year-09-26" $((seed += 1)) "$east"
done
# One simulator per core (each is single-threaded).
if ((${#jobs[@]})); then
  echo "simulating ${#jobs[@]} demo scenes (150 m; a few minutes)"
  printf '%s\n' "${jobs[@]}" | xargs -P "$(nproc)" -L 1 "$sim" >/dev/null
fi
echo "demo scenes: $dest ($(ls "$dest" | wc -l) simulated scenes, 150 m pixels)"
# The monthly climate of each year for the CASA productivity (carbon.casa.climate_dir): simulated
# smooth fields of the region's temperature, precipitation and radiation.
for year in 2019 2020 2021 2022 2023; do
  [ -f "demo_data/climate/sol_${year}12.tif" ] ||
    "$sim" --climate demo_data/climate --climate-year "$year" --west 104.7 --east 110.4 --south 39.8 --north 42.9 >/dev/null
done
echo "demo climate: demo_data/climate (monthly temperature, precipitation, radiation 2019-2023, simulated)"
