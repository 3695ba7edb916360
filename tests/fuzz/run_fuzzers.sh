#!/usr/bin/env bash
# Builds the libFuzzer targets with clang-14 (ASan + UBSan) in build-fuzz/ and runs each for
# FUZZ_SECONDS (default 60), seeded from scenarios/ and the regression inputs kept in
# tests/fuzz/corpus/<target>/. Skips (exit 0, a message) when clang-14 is not installed.
# Only the parsers are compiled: the scenario loader and the sweep-spec reader.
set -euo pipefail
src=$(cd "$(dirname "$0")/../.." && pwd)
seconds=${FUZZ_SECONDS:-60}
if ! command -v clang++-14 > /dev/null; then
  echo "run_fuzzers: clang++-14 not installed; fuzzing skipped"
  exit 0
fi
out=$src/build-fuzz
# The whole library with clang, ASan + UBSan and libFuzzer's coverage (so a scenario's
# interventions reach the care model's registry of kinds, as in caresim itself).
launcher=()
command -v ccache > /dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
cmake -S "$src" -B "$out" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_C_COMPILER=clang-14 -DCMAKE_CXX_COMPILER=clang++-14 "${launcher[@]}" \
  -DCMAKE_CXX_FLAGS="-O1 -g -fsanitize=address,undefined,fuzzer-no-link -fno-sanitize-recover=undefined" \
  -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=address,undefined" \
  -DCARESIM_BUILD_TESTS=OFF -DCARESIM_BUILD_BENCHMARKS=OFF -DCARESIM_BUILD_FUZZERS=ON > /dev/null
cmake --build "$out" -j "$(nproc)" --target scenario_fuzz set_fuzz sweep_spec_fuzz
status=0
for target in scenario_fuzz set_fuzz sweep_spec_fuzz; do
  corpus=$out/corpus/$target
  mkdir -p "$corpus" "$src/tests/fuzz/corpus/$target"
  seeds=("$src/tests/fuzz/corpus/$target")
  [ "$target" = set_fuzz ] || seeds+=("$src/scenarios" "$src/scenarios/what-if" "$src/scenarios/teaching" "$src/tests/ensemble/data")
  echo "run_fuzzers: $target for $seconds s"
  # -timeout: an input taking over 10 s is a hang; -rss_limit_mb: over 2 GiB is out of memory.
  if ! ASAN_OPTIONS=detect_leaks=0 "$out/$target" -max_total_time="$seconds" -timeout=10 \
      -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1 \
      -artifact_prefix="$out/$target-" "$corpus" "${seeds[@]}" 2>&1 | tail -15; then
    echo "run_fuzzers: $target FOUND A PROBLEM; the input is in $out/$target-*"
    status=1
  fi
done
exit $status
