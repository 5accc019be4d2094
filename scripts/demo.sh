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
# The workflow a bureau follows: run, design a reference sample per year (ecomon sample-design),
# label it, rerun with it and with ground plots. Here the labels and the plots come from the
# simulator's truth (ecomon-simulate --label), as a field team's would from the ground.
echo
echo "== ecomon run config/demo.yaml  (first pass: the maps to design the sample on; its tables: demo_data/first_pass.txt)"
build/pipeline/ecomon run config/demo.yaml >demo_data/first_pass.txt
mkdir -p demo_data/sample
for year in 2019 2020 2021 2022 2023; do
  build/pipeline/ecomon sample-design ecomon_out --year "$year" --per-stratum 50 --seed "$year" \
    -o "demo_data/sample/points_$year.csv" 2>/dev/null
done
head -n 1 demo_data/sample/points_2019.csv >demo_data/sample/points.csv
for year in 2019 2020 2021 2022 2023; do tail -n +2 "demo_data/sample/points_$year.csv" >>demo_data/sample/points.csv; done
build/tests/kit/ecomon-simulate --label demo_data/sample/points.csv --labelled demo_data/sample/labelled.csv \
  --plots-out demo_data/sample/plots.csv --label-pixel 150 --grass-trend 0.01 --land-change 2021 \
  --river demo_data/yellow_river.txt --lakes demo_data/lakes.txt
echo
echo "== ecomon run config/demo.yaml --set accuracy.samples_file=... --set calibration.plots_file=..."
echo "   (SIMULATED scenes, 150 m pixels, labels from the simulator's truth: a demonstration, not a measurement)"
build/pipeline/ecomon run config/demo.yaml --set accuracy.samples_file=demo_data/sample/labelled.csv \
  --set calibration.plots_file=demo_data/sample/plots.csv
# Results outlive the run: any polygon, in the plans' indicators, from the output folder alone.
echo
echo "== ecomon query ecomon_out --geojson sample_tiles/restoration_project.geojson --years 2022-2023 --format text"
echo "   (the same as JSON without --format, or as county_timeseries.csv's columns with --format csv)"
build/pipeline/ecomon query ecomon_out --geojson sample_tiles/restoration_project.geojson --years 2022-2023 --format text
echo
echo "== the same over HTTP: build/pipeline/ecomon serve ecomon_out   (then, from another terminal)"
echo "   curl -s -X POST --data-binary @sample_tiles/restoration_project.geojson 'http://127.0.0.1:8080/query?years=2022-2023'"
echo "   (GET /openapi.json lists every endpoint; POST /statistics?product=FVC&year=2023 answers in titiler's shape)"
echo
echo "== the report to read and print: ecomon_out/report.html (open it in a browser; it works offline)"
