#!/usr/bin/env bash
# The whole test suite, README's test command (.ci/run calls it): install what is missing, build,
# run every test (unit, validation, end-to-end, notebooks, the hostile-input battery, the studio
# in a real browser) through ctest, then the sanitizer and fuzzing phases (tools/sanitizers.sh):
# ASan + UBSan over a subset of the unit tests that covers every module, the three libFuzzer
# targets for FUZZ_SECONDS (default 60) each, ThreadSanitizer over the parallel and determinism
# tests and a planted race. CARESIM_SANITIZERS=0 leaves them out (for a quick local run); their
# two clang builds compile in unity batches, which keeps the whole command within CI's 40 minutes
# on two cores (README's "Tests" has the figures).
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
  echo "test.sh: sanitizer and fuzzing phases left out (CARESIM_SANITIZERS=0)"
  exit 0
fi
bash tools/sanitizers.sh
echo "test.sh: everything took $(awk "BEGIN {printf \"%.1f\", ($SECONDS - $start) / 60}") min"
