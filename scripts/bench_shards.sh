#!/usr/bin/env bash
# Benchmark: the run spread over two shards on this machine (one thread each, started together, as a
# job array of 2 would start them: twice, the second time for the season tile tasks, or once when
# whole years are shared) plus the reduce, against one process with one thread, on eight simulated
# 30 m Landsat scenes (two years of four dates, about 3 Mpx each; BENCH_DIR to reuse them;
# BENCH_SCALE=2 doubles the side of the area, for scenes of 13 Mpx, nearer a Landsat scene's 35-60).
# Two years over two shards go as whole years (an archive reprocessed: each shard makes its year's
# tiles right after its scenes); BENCH_YEARS=1 takes the first year's four scenes only, whose tasks
# are shared out (a nightly run: the scene tasks, then the tiles in the second pass). TILE_ROWS sets
# run.tile_rows (default 512), BENCH_ROUNDS the rounds (default 3). Prints the times (medians and
# ranges), the speedup, the serial part (the reduce: assembling the tiles into the year COGs and the
# derive step) and from it, by Amdahl's law, the speedup to expect at 8 and 64 nodes; the same
# shards' work reduced again on both cores (the reduce is a job of its own); one shard alone doing
# every task (the shard mode's own cost, which the shards share out); what this machine gives two
# processes side by side; checks that the outputs are byte-identical. Prints figures; asserts
# nothing but the identity.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x build/pipeline/ecomon ] && [ -x build/tests/kit/ecomon-simulate ] || scripts/build.sh ecomon ecomon-simulate
bin=${ECOMON_BIN:-build/pipeline/ecomon}
scale=${BENCH_SCALE:-1}
case "$scale" in 1) default_dir=/tmp/ecomon_bench_shards ;; 2) default_dir=/tmp/ecomon_bench_shards_x2 ;; *) echo "BENCH_SCALE: 1 or 2" >&2; exit 2 ;; esac
work=${BENCH_DIR:-$default_dir}
# The area: 0.6 x 0.5 degrees from 106.6 E, 40.4 N, each side times the scale; two zones, its halves.
east=$(python3 -c "print(round(106.6 + 0.6 * $scale, 2))") north=$(python3 -c "print(round(40.4 + 0.5 * $scale, 2))")
middle=$(python3 -c "print(round(106.6 + 0.3 * $scale, 2))")
# The zones stop 0.05 degrees inside the area's edges.
zones_east=$(python3 -c "print(round($east - 0.05, 2))") zones_north=$(python3 -c "print(round($north - 0.05, 2))")
mkdir -p "$work"
if [ ! -d "$work/scenes" ]; then
  seed=10
  for date in 2022-07-10 2022-07-26 2022-08-11 2022-08-27 2023-07-13 2023-07-29 2023-08-14 2023-08-30; do
    build/tests/kit/ecomon-simulate "$work/scenes" --utm-zone 48 --west 106.6 --east "$east" --south 40.4 --north "$north" --pixel 30 \
      --seed $((seed += 1)) --clouds 3 --date "$date" >/dev/null
  done
fi
zone() {  # code, west, east: a zone from the zones' southern to their northern edge
  local s=40.45 n=$zones_north
  echo "{\"type\":\"Feature\",\"properties\":{\"code\":\"$1\",\"name\":\"$1\"},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[$2,$s],[$3,$s],[$3,$n],[$2,$n],[$2,$s]]]}}"
}
echo "{\"type\":\"FeatureCollection\",\"features\":[$(zone a 106.65 "$middle"),$(zone b "$middle" "$zones_east")]}" \
  >"$work/zones.geojson"
input="$work/scenes"
case "${BENCH_YEARS:-2}" in
  2) ;;
  1) input="$work/scenes-2022"  # hard links to the first year's scenes
     [ -d "$input" ] || { mkdir -p "$input" && cp -al "$work"/scenes/*_2022* "$input"/; } ;;
  *) echo "BENCH_YEARS: 1 or 2" >&2; exit 2 ;;
esac
args=(/dev/null --input "$input" --zones "$work/zones.geojson" --set season.pixel_size=30 --set run.tile_rows=${TILE_ROWS:-512} -q)
now() { date +%s.%N; }
shares=$("$bin" plan "${args[@]}" --out "$work/planned" --shards 2 --format json 2>/dev/null |
  python3 -c "import json, sys; print('whole years' if json.load(sys.stdin)['shared_by_year'] else 'by task: the scene tasks, then the tiles')")
# BENCH_ROUNDS rounds (default 3) of one process, then the shards and the reduce, one after the other:
# this kind of machine moves 10-30% from minute to minute, so each round's speedup is taken from figures
# measured side by side, and the medians and ranges are printed.
rounds=${BENCH_ROUNDS:-3}
: >"$work/rounds"
same=yes
for round in $(seq "$rounds"); do
  rm -rf "$work/single" "$work/sharded"
  t0=$(now)
  "$bin" run "${args[@]}" --out "$work/single" --threads 1 >/dev/null
  t1=$(now)
  for phase in scenes tiles; do
    # Whole years: no second pass (scripts/slurm/submit.sh submits no second array).
    if [ $phase = tiles ] && [ "$shares" = "whole years" ]; then break; fi
    "$bin" run "${args[@]}" --out "$work/sharded" --threads 1 --shard 0/2 >/dev/null 2>"$work/shard0-$phase.log" &
    "$bin" run "${args[@]}" --out "$work/sharded" --threads 1 --shard 1/2 >/dev/null 2>"$work/shard1-$phase.log" &
    wait
    [ $phase = scenes ] && tm=$(now)
  done
  t2=$(now)
  rm -rf "$work/sharded-2"
  cp -a "$work/sharded" "$work/sharded-2"  # the same shards' work, for a reduce on both cores
  sync  # the copy's pages to disk now: the reduce's flushes (syncfs) would otherwise write them on its time
  t2b=$(now)
  "$bin" run "${args[@]}" --out "$work/sharded" --threads 1 >/dev/null
  t3=$(now)
  "$bin" run "${args[@]}" --out "$work/sharded-2" --threads 2 >/dev/null
  t4=$(now)
  echo "$t0 $t1 $tm $t2 $t3 $t2b $t4" >>"$work/rounds"
  for out in sharded sharded-2; do
    diff -r -q -x catalog.sqlite\* -x revisions.csv -x .ecomon.lock "$work/single" "$work/$out" >/dev/null || same=NO
  done
done
rm -rf "$work/sharded-2"
# The shard mode's own cost: the same tasks done by one shard alone (both passes, one thread), beside
# one process's time less its reduce: what writing task files, per-tile rasters and the products'
# digests adds to the work the shards share out.
rm -rf "$work/alone"
alone_start=$(now)
for phase in scenes tiles; do "$bin" run "${args[@]}" --out "$work/alone" --threads 1 --shard 0/1 >/dev/null 2>&1; done
alone_end=$(now)
rm -rf "$work/alone"
# What this machine gives two processes side by side, whatever they run: the same work alone, then
# two at once (best of 3 each); a compute loop, and copies of 256 MiB arrays (memory bandwidth). The
# shards' lost speed beside the first is the machine's, not the sharing's.
side_by_side() {  # python statement to time: one line a round, "alone pair0 pair1" in seconds
  local code=$1
  for _ in 1 2 3; do
    echo "$(/usr/bin/python3 -c "$code")" \
      "$( { /usr/bin/python3 -c "$code" >"$work/pair0" & /usr/bin/python3 -c "$code"; wait; } )" \
      "$(cat "$work/pair0")"
  done
  rm -f "$work/pair0"
}
compute=$(side_by_side 'import time
t = time.time(); x = 0
for i in range(20_000_000): x += i * i
print(time.time() - t)')
memory=$(side_by_side 'import time, numpy
a = numpy.ones(32 << 20); b = numpy.empty_like(a); t = time.time()
for _ in range(50): numpy.copyto(b, a)
print(time.time() - t)')
python3 - "$work/rounds" "$same" "$alone_start" "$alone_end" "$shares" "$compute" "$memory" <<'PY'
import statistics, sys
rounds = [list(map(float, line.split())) for line in open(sys.argv[1])]
single = [t1 - t0 for t0, t1, tm, t2, t3, t2b, t4 in rounds]
scenes = [tm - t1 for t0, t1, tm, t2, t3, t2b, t4 in rounds]
tiles = [t2 - tm for t0, t1, tm, t2, t3, t2b, t4 in rounds]
shards = [t2 - t1 for t0, t1, tm, t2, t3, t2b, t4 in rounds]
reduce = [t3 - t2b for t0, t1, tm, t2, t3, t2b, t4 in rounds]
reduce_2 = [t4 - t3 for t0, t1, tm, t2, t3, t2b, t4 in rounds]
speedup = [s / (sh + r) for s, sh, r in zip(single, shards, reduce)]
speedup_2 = [s / (sh + r) for s, sh, r in zip(single, shards, reduce_2)]
part = [(s - r) / sh for s, sh, r in zip(single, shards, reduce)]
serial = [r / s for s, r in zip(single, reduce)]
med = statistics.median
def fig(values, unit=" s", digits=1):
    lo, hi = min(values), max(values)
    spread = f" ({lo:.{digits}f}-{hi:.{digits}f})" if len(values) > 1 else ""
    return f"{med(values):7.{digits}f}{unit}{spread}"
print(f"{len(rounds)} round(s); medians, and ranges in brackets")
print(f"one process, 1 thread:            {fig(single)}")
print(f"two shards, 1 thread each:        {fig(shards)} (first pass {med(scenes):.1f} s, second pass {med(tiles):.1f} s; shares: {sys.argv[5]})")
print(f"the reduce, 1 thread:             {fig(reduce)} (the tiles into the year COGs, and the derive step)")
print(f"speedup, end to end:              {fig(speedup, 'x', 2)}   (the shards' part alone: {med(part):.2f}x)")
# The reduce is a job of its own (Slurm's afterok): on a machine of its own it has both cores, and
# runs its report writers side by side.
print(f"the reduce on both cores:         {fig(reduce_2)} -> end to end {fig(speedup_2, 'x', 2)}")
alone = float(sys.argv[4]) - float(sys.argv[3])
less_reduce = med(single) - med(reduce)
print(f"one shard alone (both passes):    {alone:7.1f} s = {alone / less_reduce:.2f}x one process less its reduce "
      f"(two shards: {alone / med(shards):.2f}x it)")
f = med(serial)  # the part no shard can take: it runs in the reduce, after every shard
for n in (8, 64):
    print(f"Amdahl with serial part {f:.2f}: {n} nodes -> {1 / (f + (1 - f) / n):.2f}x")
for name, figures in (("a compute loop", sys.argv[6]), ("copying 256 MiB arrays", sys.argv[7])):
    times = [list(map(float, line.split())) for line in figures.splitlines()]
    alone_s = min(t[0] for t in times)
    pair_s = min(max(t[1:]) for t in times)  # the pair took as long as its slower half
    print(f"this machine, two processes at once:  {name}: each {pair_s / alone_s:.2f}x its time alone ({alone_s:.2f} s)")
print(f"outputs byte-identical: {sys.argv[2]}")
PY
