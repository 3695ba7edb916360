#!/usr/bin/env bash
# One command for a new user: install what is missing, build, run the default scenario (Leeds at
# full scale, three years) and write leeds.h5 in the repository root.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/build.sh
build/caresim run scenarios/leeds.yaml -o leeds.h5 "$@"
