#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, ASan + UBSan) into build-fuzz/ and runs each for SECONDS
# (default 60) from its seed corpus tests/fuzz/corpus/<target>/ (new inputs go to build-fuzz/corpus/).
# A crash, leak-free out-of-bounds access, UB report or timeout ends with non-zero and the input that
# caused it saved as build-fuzz/crash-*. CI runs it with 60 s per target (scripts/test.sh).
#   scripts/fuzz.sh [SECONDS] [TARGET...]     targets: mtl sentinel2 config targets plots sample polygon request
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
shift || true
targets=("$@")
((${#targets[@]})) || targets=(mtl sentinel2 config targets plots sample polygon request)
CC=clang CXX=clang++ cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DECOMON_FUZZ=ON -DECOMON_BUILD_TESTS=OFF >/dev/null
build=()
for t in "${targets[@]}"; do build+=(--target "fuzz_$t"); done
cmake --build build-fuzz -j"$(nproc)" "${build[@]}" >/dev/null
export ASAN_OPTIONS="detect_leaks=0:allocator_may_return_null=1"
for t in "${targets[@]}"; do
  mkdir -p "build-fuzz/corpus/$t"
  echo "== fuzz_$t: ${seconds} s from tests/fuzz/corpus/$t"
  (cd build-fuzz && tests/fuzz/"fuzz_$t" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
    -print_final_stats=1 "corpus/$t" "../tests/fuzz/corpus/$t" 2>&1 | grep -E "^(stat::number_of_executed_units|stat::peak_rss_mb|#[0-9]+ *DONE|==[0-9]+==ERROR|SUMMARY)" || true)
  [ -z "$(ls build-fuzz/crash-* build-fuzz/timeout-* build-fuzz/oom-* 2>/dev/null)" ] || { echo "fuzz_$t: failure, input saved in build-fuzz/"; exit 1; }
done
