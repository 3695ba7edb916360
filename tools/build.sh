#!/usr/bin/env bash
# Configures and builds caresim in ./build (Release, Ninja). Installs missing Debian packages first.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j "$(nproc)"
