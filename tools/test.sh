#!/usr/bin/env bash
# The whole test suite: install what is missing, build, run every test (unit, validation,
# end-to-end, notebooks) through ctest.
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
