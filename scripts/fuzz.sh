#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, ASan + UBSan) into build-fuzz/ and runs each for SECONDS
# (default 60) from its seed corpus tests/fuzz/corpus/<target>/ (the tiff target's made here, into
# build-fuzz/seeds/tiff/; new inputs go to build-fuzz/corpus/), as many targets at a time as there are cores.
# A crash, leak-free out-of-bounds access, UB report or timeout ends with non-zero and the input that
# caused it saved as build-fuzz/crash-*. CI runs it with 60 s per target (scripts/test.sh).
#   scripts/fuzz.sh [SECONDS] [TARGET...]     targets: mtl sentinel2 config targets plots sample polygon request tiff
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
shift || true
targets=("$@")
((${#targets[@]})) || targets=(mtl sentinel2 config targets plots sample polygon request tiff)
# OSS-Fuzz's optimisation and debug flags: -O1 with line tables only (stack traces keep file and line).
# On 2 cores the build takes 659 s against 765 s at RelWithDebInfo's -O2 -g; in 20 s from the seeds,
# fuzz_request, fuzz_config and fuzz_tiff each reached more edges than at -O2.
CC=clang CXX=clang++ cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -gline-tables-only" \
  -DECOMON_FUZZ=ON -DECOMON_BUILD_TESTS=OFF >/dev/null
build=()
for t in "${targets[@]}"; do build+=(--target "fuzz_$t"); done
cmake --build build-fuzz -j"$(nproc)" "${build[@]}" >/dev/null
export ASAN_OPTIONS="detect_leaks=0:allocator_may_return_null=1"
# The tiff target's seeds are made here, not stored (binary): one small band of varied values (an ASCII
# grid) in each layout the direct tile reader takes, and one it leaves to GDAL (LZW).
seed_tiffs() {
  local dir=build-fuzz/seeds/tiff
  rm -rf "$dir" && mkdir -p "$dir"
  awk 'BEGIN { print "ncols 37"; print "nrows 23"; print "xllcorner 500000"; print "yllcorner 4400000"; print "cellsize 30";
               for (r = 0; r < 23; r++) { line = ""; for (c = 0; c < 37; c++) line = line " " ((r * 131 + c * 97 + (r * c) % 13) % 3000); print line } }' \
    >"$dir/band.asc"
  local n=0 type layout
  for type in Byte UInt16 Int16; do
    for layout in "-co TILED=YES -co BLOCKXSIZE=16 -co BLOCKYSIZE=16 -co COMPRESS=ZSTD -co PREDICTOR=2" \
                  "-co TILED=YES -co BLOCKXSIZE=16 -co BLOCKYSIZE=16 -co COMPRESS=DEFLATE" "-co BLOCKYSIZE=5 -co COMPRESS=NONE" \
                  "-co BLOCKYSIZE=8 -co COMPRESS=DEFLATE -co PREDICTOR=2" "-co COMPRESS=LZW"; do
      # shellcheck disable=SC2086
      gdal_translate -q -ot "$type" -a_srs EPSG:32649 $layout "$dir/band.asc" "$dir/seed_$((n++)).tif"
    done
  done
  rm -f "$dir/band.asc" "$dir"/*.aux.xml
}
fuzz_one() {  # target: runs it for SECONDS from its seeds, printing its summary
  local t=$1 seeds="../tests/fuzz/corpus/$1"
  [ "$t" = tiff ] && seeds=seeds/tiff
  echo "== fuzz_$t: ${seconds} s from ${seeds#../}"
  (cd build-fuzz && tests/fuzz/"fuzz_$t" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
    -print_final_stats=1 "corpus/$t" "$seeds" 2>&1 | grep -E "^(stat::number_of_executed_units|stat::peak_rss_mb|#[0-9]+ *DONE|==[0-9]+==ERROR|SUMMARY)" || true)
}
for t in "${targets[@]}"; do
  mkdir -p "build-fuzz/corpus/$t"
  if [ "$t" = tiff ]; then seed_tiffs; fi
done
# libFuzzer runs on one core: the targets run as many at a time as there are cores, each still for
# SECONDS on a core of its own; their summaries are printed in order once all have finished.
for t in "${targets[@]}"; do
  while [ "$(jobs -rp | wc -l)" -ge "$(nproc)" ]; do wait -n || true; done
  fuzz_one "$t" >"build-fuzz/fuzz_$t.log" 2>&1 &
done
wait
failed=0
for t in "${targets[@]}"; do
  cat "build-fuzz/fuzz_$t.log"
  if grep -qE "==[0-9]+==ERROR|SUMMARY" "build-fuzz/fuzz_$t.log"; then echo "fuzz_$t: failure"; failed=1; fi
done
# A crash, timeout or out-of-memory input is saved as build-fuzz/crash-*, timeout-* or oom-*.
if [ "$failed" = 1 ] || [ -n "$(ls build-fuzz/crash-* build-fuzz/timeout-* build-fuzz/oom-* 2>/dev/null)" ]; then
  echo "fuzzing failed: the inputs are saved in build-fuzz/" >&2
  exit 1
fi
