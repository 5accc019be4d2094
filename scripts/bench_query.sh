#!/usr/bin/env bash
# Benchmark: polygon queries on a 30 m regional grid (a simulated scene of about 105 x 111 km,
# 13 Mpx; BENCH_DIR to reuse one). Prints the latency (median and p95) of a county-sized polygon
# (about 9,700 km², 10.8 Mpx) and a field-sized one (about 0.2 km²), cold (the first request to a
# fresh server) and warm, through the CLI (`ecomon query`) and over HTTP (`ecomon serve`, curl); the
# throughput with 8 concurrent clients (ab, from Debian's apache2-utils); and the server's peak
# memory after field queries only and after county queries. Prints figures; asserts nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x build/pipeline/ecomon ] || scripts/build.sh ecomon ecomon-simulate
command -v ab >/dev/null && [ -x /usr/bin/time ] ||
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq apache2-utils time >/dev/null; }
bin=${ECOMON_BIN:-build/pipeline/ecomon}
work=${BENCH_DIR:-/tmp/ecomon_bench_query}
mkdir -p "$work"
if [ ! -d "$work/scenes" ]; then
  build/tests/kit/ecomon-simulate "$work/scenes" --utm-zone 49 --west 108.6 --east 109.85 --south 40.45 --north 41.45 --pixel 30 \
    --seed 5 --date 2023-07-20 >/dev/null
fi
cat > "$work/zones.geojson" <<'JSON'
{"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"code":"a","name":"a"},"geometry":{"type":"Polygon","coordinates":[[[108.7,40.5],[109.2,40.5],[109.2,41.4],[108.7,41.4],[108.7,40.5]]]}},
{"type":"Feature","properties":{"code":"b","name":"b"},"geometry":{"type":"Polygon","coordinates":[[[109.2,40.5],[109.8,40.5],[109.8,41.4],[109.2,41.4],[109.2,40.5]]]}}]}
JSON
if [ ! -f "$work/out/catalog.sqlite" ]; then
  "$bin" run /dev/null --input "$work/scenes" --zones "$work/zones.geojson" --out "$work/out" --set season.pixel_size=30 -q >/dev/null 2>&1
fi
# The county: an irregular octagon across both zones; the field: a small rectangle.
county='{"type":"Polygon","coordinates":[[[108.66,40.62],[108.95,40.48],[109.5,40.49],[109.79,40.7],[109.78,41.2],[109.5,41.41],[108.95,41.40],[108.67,41.15],[108.66,40.62]]]}'
field='{"type":"Polygon","coordinates":[[[109.100,40.900],[109.1055,40.900],[109.1055,40.9035],[109.100,40.9035],[109.100,40.900]]]}'
echo "$county" > "$work/county.json"
echo "$field" > "$work/field.json"
# Two rectangles between them, for memory against area.
echo '{"type":"Polygon","coordinates":[[[108.9,40.7],[109.3,40.7],[109.3,41.0],[108.9,41.0],[108.9,40.7]]]}' > "$work/quarter.json"
echo '{"type":"Polygon","coordinates":[[[108.7,40.6],[109.5,40.6],[109.5,41.0],[108.7,41.0],[108.7,40.6]]]}' > "$work/half.json"
gdalinfo "$work/out/years/2023/ecomon_2023_FVC.tif" | awk '/Size is/ {gsub(",",""); printf "grid: %s x %s cells (%.1f Mpx), 30 m\n", $3, $4, $3 * $4 / 1e6}'
"$bin" query "$work/out" --geojson "$work/county.json" --format csv 2>/dev/null | awk -F, 'NR == 2 { printf "county: %.0f km²\n", $9 }'
"$bin" query "$work/out" --geojson "$work/field.json" --format csv 2>/dev/null | awk -F, 'NR == 2 { printf "field: %.3f km²\n", $9 }'

stats() {  # label < seconds, one per line: median and p95 in ms
  sort -g | awk -v l="$1" '{ v[NR] = $1 } END { m = v[int((NR + 1) / 2)]; p = v[int(0.95 * NR + 0.999)];
    printf "%-44s median %8.1f ms  p95 %8.1f ms  (%d runs)\n", l, m * 1000, p * 1000, NR }'
}
cli() {  # file, runs
  for _ in $(seq "$2"); do
    /usr/bin/time -f "%e" -o "$work/t" "$bin" query "$work/out" --geojson "$1" >/dev/null 2>&1
    cat "$work/t"
  done
}
cli "$work/county.json" 5 | stats "CLI, county (a process per query)"
cli "$work/field.json" 10 | stats "CLI, field (a process per query)"

start_server() {
  "$bin" serve "$work/out" --port 0 --threads 2 >"$work/serve.out" 2>"$work/serve.err" &
  server=$!
  for _ in $(seq 100); do port=$(sed -n 's|.*http://127.0.0.1:\([0-9]*\)/.*|\1|p' "$work/serve.out"); [ -n "$port" ] && break; sleep 0.1; done
}
stop_server() { kill "$server"; wait "$server" || true; }
post() {  # file, runs
  for _ in $(seq "$2"); do curl -s -o /dev/null -w "%{time_total}\n" -X POST --data-binary @"$1" "http://127.0.0.1:$port/query"; done
}
hwm() { awk '/VmHWM/ { printf "%.0f MiB", $2 / 1024 }' "/proc/$server/status"; }

start_server
post "$work/field.json" 1 | stats "HTTP, field, cold (first request)"
post "$work/field.json" 100 | stats "HTTP, field, warm"
echo "server peak memory after field queries: $(hwm)"
ab -q -n 400 -c 8 -p "$work/field.json" -T application/json "http://127.0.0.1:$port/query" 2>/dev/null |
  awk '/Requests per second/ { printf "%-44s %8.1f requests/s\n", "HTTP, field, 8 concurrent clients (ab)", $4 } /Failed requests/ { f = $3 } END { print "  failed requests: " f }'
stop_server
start_server
post "$work/county.json" 1 | stats "HTTP, county, cold (first request)"
post "$work/county.json" 20 | stats "HTTP, county, warm"
echo "server peak memory after county queries, one at a time: $(hwm)"
ab -q -n 16 -c 8 -p "$work/county.json" -T application/json "http://127.0.0.1:$port/query" 2>/dev/null |
  awk '/Requests per second/ { printf "%-44s %8.2f requests/s\n", "HTTP, county, 8 concurrent clients (ab)", $4 } /Failed requests/ { f = $3 } END { print "  failed requests: " f }'
echo "server peak memory after 8 concurrent county clients: $(hwm)"
stop_server
# Peak memory against the polygon's area: a fresh server per polygon, three queries each. What grows
# is GDAL's block cache (capped at 128 MiB in the server), not a buffer of the polygon's size.
for shape in field quarter half county; do
  start_server
  post "$work/$shape.json" 3 >/dev/null
  area=$(curl -s -X POST --data-binary @"$work/$shape.json" "http://127.0.0.1:$port/query" | python3 -c 'import json, sys; print(round(json.load(sys.stdin)["area_km2"], 1))')
  printf "%-44s %10s km²  peak %s\n" "server memory, $shape" "$area" "$(hwm)"
  stop_server
done
