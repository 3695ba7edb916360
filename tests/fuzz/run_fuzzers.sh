#!/usr/bin/env bash
# Runs the three libFuzzer targets (scenario_fuzz, set_fuzz, sweep_spec_fuzz) for FUZZ_SECONDS
# each (default 60), seeded from scenarios/ and the regression inputs kept in
# tests/fuzz/corpus/<target>/; any crash, ASan or UBSan report, hang (an input over 10 s) or
# out-of-memory (over 2 GiB) fails it, the input left in build-san/<target>-*. They are built in
# build-san/, the clang-14 ASan + UBSan build tools/sanitizers.sh also runs the unit tests from
# (tools/sanitizer_build.sh), so tools/test.sh compiles the library once for both.
# Skips (exit 0, a message) when clang-14 is not installed.
set -euo pipefail
src=$(cd "$(dirname "$0")/../.." && pwd)
seconds=${FUZZ_SECONDS:-60}
if ! command -v clang++-14 > /dev/null; then
  echo "run_fuzzers: clang++-14 not installed; fuzzing skipped (tools/setup.sh installs it)"
  exit 0
fi
out=$src/build-san
CARESIM_SRC=$src
# shellcheck source=../../tools/sanitizer_build.sh
source "$src/tools/sanitizer_build.sh"
configure_asan_build "$out"
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
