#!/usr/bin/env bash
# The whole test suite: install what is missing, build, run every test (unit, validation,
# end-to-end, notebooks, the hostile-input battery) through ctest; then the sanitizer builds
# (tools/sanitizers.sh) and the fuzzers for FUZZ_SECONDS each (tests/fuzz/run_fuzzers.sh).
# CARESIM_SKIP_SANITIZERS=1 / CARESIM_SKIP_FUZZ=1 leave those out for a quick local pass.
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
if [ "${CARESIM_SKIP_SANITIZERS:-0}" != 1 ]; then bash tools/sanitizers.sh; fi
if [ "${CARESIM_SKIP_FUZZ:-0}" != 1 ]; then FUZZ_SECONDS=${FUZZ_SECONDS:-60} bash tests/fuzz/run_fuzzers.sh; fi
