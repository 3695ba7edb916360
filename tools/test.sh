#!/usr/bin/env bash
# The whole test suite, README's test command (.ci/run calls it): install what is missing, build,
# run every test (unit, validation, end-to-end, notebooks, the hostile-input battery, the studio
# in a real browser) through ctest, then the sanitizer and fuzzing phases (tools/sanitizers.sh):
# ASan + UBSan over the unit tests, the three libFuzzer targets for FUZZ_SECONDS (default 60)
# each, ThreadSanitizer over the parallel and determinism tests and a planted race. Any finding
# fails the run. Those phases need clang-14 (tools/setup.sh installs it); without it they are
# skipped with a message. CARESIM_SANITIZERS=0 skips them on purpose (a quick local run).
# README's "Tests" section gives the minutes each part takes on two cores.
set -euo pipefail
cd "$(dirname "$0")/.."
start=$SECONDS
bash tools/build.sh
# A broken test discovery would otherwise "pass" by running almost nothing.
registered=$(ctest --test-dir build -N | sed -n 's/^Total Tests: //p')
if [ "${registered:-0}" -lt 50 ]; then
  echo "test.sh: only ${registered:-0} tests registered with ctest; test discovery is broken" >&2
  exit 1
fi
ctest --test-dir build --output-on-failure -j "$(nproc)" "$@"
echo "test.sh: build and ctest took $(awk "BEGIN {printf \"%.1f\", ($SECONDS - $start) / 60}") min"
if [ "${CARESIM_SANITIZERS:-1}" = 0 ]; then
  echo "test.sh: CARESIM_SANITIZERS=0: sanitizer and fuzzing phases skipped"
  exit 0
fi
bash tools/sanitizers.sh
echo "test.sh: everything took $(awk "BEGIN {printf \"%.1f\", ($SECONDS - $start) / 60}") min"
