#!/usr/bin/env bash
# The whole test suite: install what is missing, build, run every test (unit, validation,
# end-to-end, notebooks, the hostile-input battery, the studio in a real browser) through ctest.
# CARESIM_SANITIZERS=1 adds the AddressSanitizer + UBSan build of the unit tests
# (tools/sanitizers.sh) and CARESIM_FUZZ=1 the libFuzzer targets for FUZZ_SECONDS each
# (tests/fuzz/run_fuzzers.sh): both are full second builds of the library (with gcc and with
# clang), not yet measured to fit CI's time on two cores, so they are opt-in for now (issue 14).
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/build.sh
# A broken test discovery would otherwise "pass" by running almost nothing.
registered=$(ctest --test-dir build -N | sed -n 's/^Total Tests: //p')
if [ "${registered:-0}" -lt 50 ]; then
  echo "test.sh: only ${registered:-0} tests registered with ctest; test discovery is broken" >&2
  exit 1
fi
ctest --test-dir build --output-on-failure -j "$(nproc)" "$@"
if [ "${CARESIM_SANITIZERS:-0}" = 1 ]; then bash tools/sanitizers.sh; fi
if [ "${CARESIM_FUZZ:-0}" = 1 ]; then FUZZ_SECONDS=${FUZZ_SECONDS:-60} bash tests/fuzz/run_fuzzers.sh; fi
