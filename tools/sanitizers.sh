#!/usr/bin/env bash
# Sanitizer builds run by tools/test.sh (issue 14):
#   build-asan/  AddressSanitizer + UndefinedBehaviorSanitizer, the unit tests (Catch2 filter
#                $ASAN_TESTS: all but [validation], [cli], [interrupt], [mpi] and [full_scale], which
#                drive the Release binary, take minutes or need a cluster)
#   build-tsan/  ThreadSanitizer (only with CARESIM_TSAN=1, not yet clean): the parallel and
#                determinism tests ($TSAN_TESTS), plus a planted race that must be reported.
# TSan and TBB: Debian's libtbb is not built with TSan, so TSan cannot see the fork and join of a
# parallel_for and reports false races in every task; a suppression scoped to libtbb would hide
# every real race too, since every task's stack has libtbb frames. The plan (issue 14 item 5, not
# landed): annotate the fork and join in parallel_chunks (core/parallel.hpp) with
# __tsan_release/__tsan_acquire under __SANITIZE_THREAD__, which orders chunks against the caller
# but never against each other, so tests/sanitizers/planted_race.cpp is still reported.
# LeakSanitizer ignores OpenMPI's process-lifetime allocations (tests/sanitizers/lsan.supp).
set -euo pipefail
cd "$(dirname "$0")/.."
asan_tests=${ASAN_TESTS:-"~[validation]~[cli]~[interrupt]~[mpi]~[full_scale]"}
tsan_tests=${TSAN_TESTS:-"[determinism],[phases],[ties]"}
common=(-G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCARESIM_BUILD_BENCHMARKS=OFF)
launcher=()
command -v ccache > /dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)

cmake -S . -B build-asan "${common[@]}" "${launcher[@]}" \
  -DCMAKE_CXX_FLAGS="-O1 -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer" \
  -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=address,undefined" > /dev/null
cmake --build build-asan -j "$(nproc)" --target caresim_tests
echo "sanitizers: ASan+UBSan over caresim_tests $asan_tests"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  LSAN_OPTIONS=suppressions=$PWD/tests/sanitizers/lsan.supp \
  build-asan/tests/caresim_tests "$asan_tests"

if [ "${CARESIM_TSAN:-0}" != 1 ]; then
  echo "sanitizers: ASan+UBSan clean; TSan skipped (CARESIM_TSAN=1 runs it; see the header)"
  exit 0
fi
cmake -S . -B build-tsan "${common[@]}" "${launcher[@]}" \
  -DCMAKE_CXX_FLAGS="-O1 -fsanitize=thread -fno-omit-frame-pointer" \
  -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=thread" > /dev/null
cmake --build build-tsan -j "$(nproc)" --target caresim_tests caresim_planted_race
echo "sanitizers: TSan over caresim_tests $tsan_tests"
TSAN_OPTIONS=halt_on_error=1 build-tsan/tests/caresim_tests "$tsan_tests"
echo "sanitizers: TSan must catch the planted race"
if TSAN_OPTIONS=halt_on_error=1 build-tsan/tests/caresim_planted_race > build-tsan/planted.log 2>&1 \
    || ! grep -q "WARNING: ThreadSanitizer: data race" build-tsan/planted.log; then
  echo "sanitizers: the planted race was NOT reported; TSan is blind here" >&2
  cat build-tsan/planted.log >&2
  exit 1
fi
echo "sanitizers: clean (and the planted race was caught)"
