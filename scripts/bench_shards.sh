#!/usr/bin/env bash
# Benchmark: the run spread over two shards on this machine (one thread each, started together, as a
# job array of 2 would start them: once for the scene tasks, once more for the season tile tasks)
# plus the reduce, against one process with one thread, on eight simulated 30 m Landsat scenes (two
# years of four dates, about 3 Mpx each; BENCH_DIR to reuse them). TILE_ROWS sets run.tile_rows
# (default 512). Prints the times, the speedup, the serial part (the reduce: assembling the tiles
# into the year COGs and the derive step) and from it, by Amdahl's law, the speedup to expect at 8
# and 64 nodes; and one shard alone doing every task (the shard mode's own cost, which the shards
# share out); checks that the outputs are byte-identical. Prints figures; asserts nothing but the
# identity.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x build/pipeline/ecomon ] && [ -x build/tests/kit/ecomon-simulate ] || scripts/build.sh ecomon ecomon-simulate
bin=${ECOMON_BIN:-build/pipeline/ecomon}
work=${BENCH_DIR:-/tmp/ecomon_bench_shards}
mkdir -p "$work"
if [ ! -d "$work/scenes" ]; then
  seed=10
  for date in 2022-07-10 2022-07-26 2022-08-11 2022-08-27 2023-07-13 2023-07-29 2023-08-14 2023-08-30; do
    build/tests/kit/ecomon-simulate "$work/scenes" --utm-zone 48 --west 106.6 --east 107.2 --south 40.4 --north 40.9 --pixel 30 \
      --seed $((seed += 1)) --clouds 3 --date "$date" >/dev/null
  done
fi
cat >"$work/zones.geojson" <<'JSON'
{"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"code":"a","name":"a"},"geometry":{"type":"Polygon","coordinates":[[[106.65,40.45],[106.9,40.45],[106.9,40.85],[106.65,40.85],[106.65,40.45]]]}},
{"type":"Feature","properties":{"code":"b","name":"b"},"geometry":{"type":"Polygon","coordinates":[[[106.9,40.45],[107.15,40.45],[107.15,40.85],[106.9,40.85],[106.9,40.45]]]}}]}
JSON
args=(/dev/null --input "$work/scenes" --zones "$work/zones.geojson" --set season.pixel_size=30 --set run.tile_rows=${TILE_ROWS:-512} -q)
now() { date +%s.%N; }
rm -rf "$work/single" "$work/sharded"
t0=$(now)
"$bin" run "${args[@]}" --out "$work/single" --threads 1 >/dev/null
t1=$(now)
for phase in scenes tiles; do
  "$bin" run "${args[@]}" --out "$work/sharded" --threads 1 --shard 0/2 >/dev/null 2>"$work/shard0-$phase.log" &
  "$bin" run "${args[@]}" --out "$work/sharded" --threads 1 --shard 1/2 >/dev/null 2>"$work/shard1-$phase.log" &
  wait
  [ $phase = scenes ] && tm=$(now)
done
t2=$(now)
"$bin" run "${args[@]}" --out "$work/sharded" --threads 1 >/dev/null
t3=$(now)
# The shard mode's own cost: the same tasks done by one shard alone (both passes, one thread), beside
# one process's time less its reduce: what writing task files, per-tile rasters and the products'
# digests adds to the work the shards share out.
rm -rf "$work/alone"
for phase in scenes tiles; do "$bin" run "${args[@]}" --out "$work/alone" --threads 1 --shard 0/1 >/dev/null 2>&1; done
t4=$(now)
rm -rf "$work/alone"
same=yes
diff -r -q -x catalog.sqlite\* -x revisions.csv -x .ecomon.lock "$work/single" "$work/sharded" >/dev/null || same=NO
python3 - "$t0" "$t1" "$t2" "$t3" "$same" "$tm" "$t4" <<'PY'
import sys
t0, t1, t2, t3 = map(float, sys.argv[1:5])
tm, t4 = float(sys.argv[6]), float(sys.argv[7])
single, shards, reduce = t1 - t0, t2 - t1, t3 - t2
total = shards + reduce
print(f"one process, 1 thread:            {single:7.1f} s")
print(f"two shards, 1 thread each:        {shards:7.1f} s (scene tasks {tm - t1:.1f} s, then season tiles {t2 - tm:.1f} s)")
print(f"the reduce, 1 thread:             {reduce:7.1f} s (the tiles into the year COGs, and the derive step)")
print(f"speedup, end to end:              {single / total:7.2f}x   (the shards' part alone: {(single - reduce) / shards:.2f}x)")
alone = t4 - t3
print(f"one shard alone (both passes):    {alone:7.1f} s = {alone / (single - reduce):.2f}x one process less its reduce "
      f"(two shards: {alone / shards:.2f}x it)")
f = reduce / single  # the part no shard can take: it runs in the reduce, after every shard
for n in (8, 64):
    print(f"Amdahl with serial part {f:.2f}: {n} nodes -> {1 / (f + (1 - f) / n):.2f}x")
print(f"outputs byte-identical: {sys.argv[5]}")
PY
