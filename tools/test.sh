#!/usr/bin/env bash
# The whole test suite: install what is missing, build, run every test (unit, validation,
# end-to-end, notebooks) through ctest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/build.sh
ctest --test-dir build --output-on-failure -j "$(nproc)" "$@"
