#!/usr/bin/env bash
# Benchmark: `ecomon run` on a simulated 30 m Landsat 8 C2 L2 scene of about 7000 x 7000 pixels (a full
# scene; BENCH_SIZE=small for 3700 x 3650), printing wall time, throughput and peak memory for 1 and 2
# threads, two strip heights, ZSTD-1 vs DEFLATE-6 output, without the season composites (which
# resample the scene onto the regional Albers grid and write 11 more COGs), writing only the season
# products (output.products: season) or none; and, as the yardstick, the
# time to decode once every band the run reads (all cores), with the run's ratio to it; and the floor
# under any design that writes the same rasters: that decoding plus encoding them once, with the
# run's ratio to it (for the full run and for a run writing only the season products, each against
# its own floor); and `ecomon zonal` of one band on 1 and 2 threads against that band's read floor.
# Prints figures; asserts nothing. BENCH_ONLY=main runs only the main configurations and zonal;
# BENCH_ROUNDS (default 3) how often the two main runs and their floors are measured (medians printed).
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x build/pipeline/ecomon ] || scripts/build.sh ecomon ecomon-simulate
[ -x /usr/bin/time ] && command -v zstd >/dev/null ||
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time zstd >/dev/null; }
size=${BENCH_SIZE:-full}
work=${BENCH_DIR:-/tmp/ecomon_bench_$size}
mkdir -p "$work"
if [ ! -d "$work/scenes" ]; then
  if [ "$size" = small ]; then extent="--west 108.6 --east 109.85 --south 40.45 --north 41.45"
  else extent="--west 107.9 --east 110.43 --south 40.2 --north 42.09"; fi
  build/tests/kit/ecomon-simulate "$work/scenes" --utm-zone 49 $extent --pixel 30 --seed 5 >/dev/null
fi
cat > "$work/zones.geojson" <<'JSON'
{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:OGC:1.3:CRS84"}},"features":[
{"type":"Feature","properties":{"code":"a","name":"a"},"geometry":{"type":"Polygon","coordinates":[[[108.7,40.5],[109.2,40.5],[109.2,41.4],[108.7,41.4],[108.7,40.5]]]}},
{"type":"Feature","properties":{"code":"b","name":"b"},"geometry":{"type":"Polygon","coordinates":[[[109.2,40.5],[109.8,40.5],[109.8,41.4],[109.2,41.4],[109.2,40.5]]]}}]}
JSON
px=$(gdalinfo "$work"/scenes/*/*_SR_B4.TIF | awk '/Size is/ {gsub(",",""); print $3 * $4}')
echo "scene: $px pixels (simulated, 30 m)"
# The yardstick: decode once each band the run reads (blue, green, red, NIR, SWIR1, SWIR2, QA_PIXEL,
# QA_RADSAT), two at a time (both cores), through GDAL's checksum (reads every block).
decode_once() {
  local decode_start
  decode_start=$(date +%s.%N)
  ls "$work"/scenes/*/*_SR_B[2-7].TIF "$work"/scenes/*/*_QA_PIXEL.TIF "$work"/scenes/*/*_QA_RADSAT.TIF |
    xargs -P 2 -n 1 gdalinfo -checksum >/dev/null 2>&1
  decode=$(awk -v a="$decode_start" -v b="$(date +%s.%N)" 'BEGIN { print b - a }')
  printf "%-40s %7.2f s\n" "decode the bands read, once (2 cores)" "$decode"
}
decode_once
run() {  # label, args...
  local label=$1; shift
  rm -rf "$work/out"
  /usr/bin/time -f "%e %M" -o "$work/time" "${ECOMON_BIN:-build/pipeline/ecomon}" run /dev/null --input "$work/scenes" \
    --zones "$work/zones.geojson" --out "$work/out" "$@" >/dev/null 2>&1
  read -r secs kb < "$work/time"
  awk -v l="$label" -v s="$secs" -v kb="$kb" -v px="$px" -v d="$decode" \
    'BEGIN { printf "%-40s %7.2f s  %7.2f Mpx/s  peak RSS %6.0f MiB  %5.2fx decode\n", l, s, px / s / 1e6, kb / 1024, s / d }'
}
# The second yardstick, a floor under any design that writes the rasters of the last run: encode once
# with ZSTD 1 (zstd -1 on both cores, no tiling, predictor or overviews, so below what a GeoTIFF writer
# can do) the raw cells of every raster it wrote, made beforehand; plus the decoding above. Prints the
# floor and the run's ratio to it.
floor() {
  rm -rf "$work/floor" && mkdir -p "$work/floor"
  find "$work/out" -name '*.tif' | while read -r f; do gdal_translate -q -of ENVI "$f" "$work/floor/$(echo "$f" | md5sum | cut -c1-12).raw"; done
  local raw_mb encode_start encode
  raw_mb=$(cat "$work"/floor/*.raw 2>/dev/null | wc -c | awk '{ printf "%.0f", $1 / 1048576 }')
  encode_start=$(date +%s.%N)
  cat "$work"/floor/*.raw 2>/dev/null | zstd -1 -T2 -q -c >/dev/null
  encode=$(awk -v a="$encode_start" -v b="$(date +%s.%N)" 'BEGIN { print b - a }')
  rm -rf "$work/floor"
  awk -v e="$encode" -v d="$decode" -v mb="$raw_mb" -v s="$secs" 'BEGIN {
    printf "%-40s %7.2f s  (%s MiB of cells)\n", "  ZSTD-1 encode of the rasters written", e, mb
    printf "%-40s %7.2f s  the run: %.2fx its floor\n", "  floor: decode + encode", d + e, s / (d + e) }'
  awk -v e="$encode" -v d="$decode" -v s="$secs" 'BEGIN { print s / (d + e) }' >>"$work/ratios_$1"
}
# BENCH_ROUNDS rounds (default 3) of the two runs against their floors, the decoding measured again in
# each: this kind of machine moves 10-30% from minute to minute, so each ratio is taken from figures
# measured side by side, and the medians are printed.
rm -f "$work/ratios_full" "$work/ratios_season"
for round in $(seq "${BENCH_ROUNDS:-3}"); do
  [ "$round" -gt 1 ] && decode_once
  run "2 threads, ZSTD 1, strips 256" --threads 2
  floor full
  run "2 threads, season products + reports" --threads 2 --set output.products=season
  floor season
done
for kind in full season; do
  sort -n "$work/ratios_$kind" | awk -v k="$kind" '{ r[NR] = $1 } END {
    m = NR % 2 ? r[(NR + 1) / 2] : (r[NR / 2] + r[NR / 2 + 1]) / 2
    printf "%-40s %7.2fx its floor (%.2f-%.2f, %d rounds)\n", (k == "full" ? "the full run: median" : "season products only: median"), m, r[1], r[NR], NR }'
done
# ecomon zonal of one band of the scene under zones covering all of it, against the read floor of
# that band: its tiles decoded once on both cores (GDAL, NUM_THREADS=2, whole rows of tiles per read).
band=$(ls "$work"/scenes/*/*_SR_B4.TIF | head -1)
cat > "$work/zones_all.geojson" <<'JSON'
{"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"code":"w","name":"w"},"geometry":{"type":"Polygon","coordinates":[[[107.8,40.1],[109.2,40.1],[109.2,42.2],[107.8,42.2],[107.8,40.1]]]}},
{"type":"Feature","properties":{"code":"e","name":"e"},"geometry":{"type":"Polygon","coordinates":[[[109.2,40.1],[110.6,40.1],[110.6,42.2],[109.2,42.2],[109.2,40.1]]]}}]}
JSON
read_floor=$(/usr/bin/python3 - "$band" <<'PY'
import sys, time
from osgeo import gdal
gdal.UseExceptions()
gdal.SetCacheMax(256 << 20)
best = None
for _ in range(3):
    ds = gdal.OpenEx(sys.argv[1], open_options=["NUM_THREADS=2"])
    b = ds.GetRasterBand(1)
    rows = b.GetBlockSize()[1] * max(1, 256 // b.GetBlockSize()[1])
    t = time.time()
    for r in range(0, ds.RasterYSize, rows):
        b.ReadRaster(0, r, ds.RasterXSize, min(rows, ds.RasterYSize - r))
    best = min(best or 1e9, time.time() - t)
    ds = None
print(f"{best:.3f}")
PY
)
# Each zonal figure is the best of three runs, as the read floor is the best of three reads.
best_of_3() {  # output file, command...: sets secs (the best wall time) and kb (its peak RSS)
  local out=$1 s k; shift
  secs=
  for _ in 1 2 3; do
    /usr/bin/time -f "%e %M" -o "$work/time" "$@" >"$out"
    read -r s k < "$work/time"
    if [ -z "$secs" ] || awk -v a="$s" -v b="$secs" 'BEGIN { exit !(a < b) }'; then secs=$s kb=$k; fi
  done
}
# What no read can save: starting the process (its libraries, GDAL's drivers) and placing the zones,
# measured as `ecomon zonal` under a zone of one cell. The read floor, taken inside one Python process,
# does not include it; zonal's ratio is printed with it and without it.
cat > "$work/zone_one_cell.geojson" <<'JSON'
{"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"code":"c","name":"c"},"geometry":{"type":"Polygon","coordinates":[[[109.0,41.0],[109.0003,41.0],[109.0003,41.0003],[109.0,41.0003],[109.0,41.0]]]}}]}
JSON
best_of_3 /dev/null "${ECOMON_BIN:-build/pipeline/ecomon}" zonal "$band" "$work/zone_one_cell.geojson" --field code --stats count
start=$secs
printf "%-40s %7.2f s  (starting the process, GDAL and the zones: in every figure below)\n" "zonal of one cell" "$start"
# Of that start, what any program linked to this system's GDAL pays before its first read (loading
# libgdal and the hundred libraries it needs: `gdalinfo --version`). The floor of a command that reads
# the band is this start plus the read floor; zonal's ratio is printed against it too.
best_of_3 /dev/null gdalinfo --version
gdal_start=$secs
printf "%-40s %7.2f s  (loading GDAL: gdalinfo --version)\n" "a GDAL program's start" "$gdal_start"
zonal() {  # threads, statistics
  best_of_3 "$work/zonal_$1_$2.csv" "${ECOMON_BIN:-build/pipeline/ecomon}" zonal "$band" "$work/zones_all.geojson" --field code \
    --stats "$2" --threads "$1"
  awk -v t="$1" -v st="$2" -v s="$secs" -v f="$read_floor" -v kb="$kb" -v z="$start" -v g="$gdal_start" \
    'BEGIN { printf "%-40s %7.2f s  %5.2fx the read floor (%.2f s), %5.2fx less the start, %5.2fx the floor with GDAL loaded (%.2f s)  peak RSS %4.0f MiB\n", "zonal " st ", " t " thr.", s, s / f, f, (s - z) / f, s / (f + g), f + g, kb / 1024 }'
}
for stats in count,sum,mean count,mean,stdev,median; do
  zonal 1 "$stats"
  zonal 2 "$stats"
  cmp -s "$work/zonal_1_$stats.csv" "$work/zonal_2_$stats.csv" && echo "zonal $stats: the same figures with 1 and 2 threads" ||
    echo "zonal $stats: figures DIFFER between 1 and 2 threads"
done
[ "${BENCH_ONLY:-}" = main ] && exit 0
run "2 threads, per-scene only (no season)" --threads 2 --set season.enabled=false
run "1 thread,  ZSTD 1, strips 256" --threads 1
run "2 threads, ZSTD 1, strips 64" --threads 2 --set run.window_rows=64
run "2 threads, DEFLATE 6, strips 256" --threads 2 --set output.codec=DEFLATE --set output.level=6
run "2 threads, report only (no products)" --threads 2 --set output.products=none
run "2 threads, ZSTD 1, budget 64 MiB" --threads 2 --set run.memory_budget_mb=64
