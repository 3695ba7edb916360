#!/usr/bin/env bash
# Installs what caresim needs from Debian 12's archive, and nothing when it is all there.
# Usage: tools/setup.sh [--dry-run]
set -euo pipefail

packages=(
  # toolchain
  g++ cmake ninja-build pkg-config git
  # libraries the core links
  libtbb-dev libeigen3-dev libyaml-cpp-dev libhdf5-dev libcli11-dev libfmt-dev
  # tests and benchmarks
  catch2 libbenchmark-dev hdf5-tools
  # fuzzing (libFuzzer) and sanitizers (tools/sanitizers.sh, tests/fuzz/run_fuzzers.sh)
  clang-14 libclang-rt-14-dev
  # sweeps on clusters: MPI backend, and the one-node Slurm cluster the tests start
  libopenmpi-dev openmpi-bin slurm-wlm munge
  # Python side: reading outputs, tests of the file format, notebooks
  python3 python3-yaml python3-h5py python3-numpy python3-pandas python3-xarray python3-h5netcdf
  python3-matplotlib jupyter-nbconvert python3-ipykernel
  # netCDF-C readers the file-format test opens every output with (ncdump, netCDF4 for Python)
  netcdf-bin python3-netcdf4
  # caresim studio: HTTP server and JSON (header-only), the page's build (node; npm below) and
  # the browser its tests drive
  libcpp-httplib-dev nlohmann-json3-dev nodejs chromium
)
# npm comes with some node builds (NodeSource's); Debian's own npm package only when none is there.
command -v npm >/dev/null || packages+=(npm)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all ${#packages[@]} Debian packages are installed"
  exit 0
fi

echo "setup: installing ${#missing[@]} missing package(s): ${missing[*]}"
if [ "${1:-}" = "--dry-run" ]; then exit 0; fi

sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "setup: not root and no sudo; install as root: apt-get install ${missing[*]}" >&2; exit 1; }
  sudo_cmd=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -q
"${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
