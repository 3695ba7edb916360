#!/usr/bin/env bash
# The sanitizer and fuzzing phases of the test command (tools/test.sh runs this after ctest unless
# CARESIM_SANITIZERS=0; issue 14 item 5). Each phase fails the run on any finding; all are
# skipped, with a message, only when clang-14 is not installed (tools/setup.sh installs clang-14
# and libclang-rt-14-dev).
#
#   1. build-san/  one clang-14 build with -fsanitize=address,undefined,fuzzer-no-link (-O1,
#      -gline-tables-only; tools/sanitizer_build.sh) of the library, caresim_tests and the three
#      libFuzzer targets: the library is compiled once for both uses.
#   2. ASan + UBSan over caresim_tests $ASAN_TESTS: 270 of the 352 test cases, every module (core
#      random streams and ties, the scenario loader and hostile inputs, io: HDF5, netCDF and run
#      files, the care phases, world and interventions, checkpoint and resume, ensemble sweeps,
#      comparisons, calibration and phase diagrams, the teaching models, the statistics,
#      sensitivity and the emulator). Excluded, and why:
#        [cli], [interrupt] and [studio]: they drive the caresim binary as a separate process and
#          time its exit, so they test the process, not the instrumented library in this one
#          ([interrupt]'s stop flag is run under TSan, phase 4);
#        [validation], [full_scale] and [behaviour]: minutes-long statistical runs of a whole city,
#          3-4 times slower under ASan, through the same code the shorter model tests already cover;
#        [asan_slow]: four statistical or repeated runs, 6.7 of the 12.4 minutes all in-process
#          cases took under ASan (5 December 2026, two cores shared with two other builds):
#          resuming each what-if scenario (161 s; resuming leeds_small and each teaching model
#          stay, 29 s), the costs' paired interval of Leeds's programme (133 s), the care presets'
#          ordered < critical < chaotic (91 s) and compare's significant fall after a cut in beds
#          (18 s);
#        [mpi] and [slurm]: they need mpirun or a cluster.
#      LeakSanitizer is on; tests/sanitizers/lsan.supp ignores only OpenMPI's process-lifetime
#      allocations in its own modules (about 116 kB, made by MPI_Init and never freed by design).
#   3. The fuzzers: tests/fuzz/run_fuzzers.sh, FUZZ_SECONDS (default 60) each.
#   4. build-tsan/  ThreadSanitizer (-fsanitize=thread): caresim_tsan_tests, the parallel and
#      determinism tests ($TSAN_TESTS: [determinism], [phases], [ties], [stop], [world]; the care
#      model at 1, 2 and 4 threads, the teaching models, tie dynamics, stops inside parallel loops),
#      and tests/sanitizers/planted_race.cpp, which must be reported.
#      TSan and TBB: Debian's libtbb is not built with TSan, so TSan cannot see how TBB hands tasks
#      and their memory between threads and reports false races in every parallel_for (278 over
#      the suite); a suppression scoped to libtbb would hide real races too, since every task's
#      stack has libtbb frames, and annotating only the fork and join of parallel_chunks does not
#      cover TBB's task objects, built and run by instrumented template code. So under TSan
#      parallel_chunks runs its fixed chunks on std::threads it creates and joins (see
#      core/parallel.hpp), which TSan sees: the same chunks, the same results, no suppressions.
#      The ensemble runner and the emulator's fitting still use TBB directly; no test in
#      $TSAN_TESTS reaches them.
# Timings: each phase prints its minutes. Measured 5 December 2026 in a fresh clone on two quiet
# cores with ccache off (both builds cold; unity batches, tools/sanitizer_build.sh): the
# ASan+UBSan build 3.9 min, its unit tests (270 cases) 4.9, fuzzing 3.1, the TSan build 1.4, the
# TSan tests (30 cases) and the planted race 0.2: 13.5 min, and the whole tools/test.sh 32.5.
# README's "Tests" lists them.
set -euo pipefail
cd "$(dirname "$0")/.."
CARESIM_SRC=$PWD
asan_default="~[validation]~[full_scale]~[behaviour]~[asan_slow]~[cli]~[interrupt]~[studio]"
asan_tests=${ASAN_TESTS:-"$asan_default~[mpi]~[slurm]"}
tsan_tests=${TSAN_TESTS:-"[determinism],[phases],[ties],[stop],[world]"}
if ! command -v clang++-14 > /dev/null; then
  echo "sanitizers: clang++-14 not installed; ASan, UBSan, TSan and fuzzing skipped" \
    "(tools/setup.sh installs clang-14 and libclang-rt-14-dev)"
  exit 0
fi
# shellcheck source=sanitizer_build.sh
source tools/sanitizer_build.sh
jobs=$(nproc)
phase_start=$SECONDS
phase_done() {
  echo "sanitizers: $1 took $(awk "BEGIN {printf \"%.1f\", ($SECONDS - $phase_start) / 60}") min"
  phase_start=$SECONDS
}

configure_asan_build build-san
cmake --build build-san -j "$jobs" --target caresim_tests scenario_fuzz set_fuzz sweep_spec_fuzz
phase_done "ASan+UBSan build (library, caresim_tests, fuzzers)"

echo "sanitizers: ASan+UBSan over caresim_tests $asan_tests"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  LSAN_OPTIONS=suppressions=$PWD/tests/sanitizers/lsan.supp \
  build-san/tests/caresim_tests "$asan_tests"
phase_done "ASan+UBSan unit tests"

FUZZ_SECONDS=${FUZZ_SECONDS:-60} bash tests/fuzz/run_fuzzers.sh
phase_done "fuzzing"

configure_tsan_build build-tsan
cmake --build build-tsan -j "$jobs" --target caresim_tsan_tests caresim_planted_race
phase_done "TSan build (library, caresim_tsan_tests)"
echo "sanitizers: TSan over caresim_tsan_tests $tsan_tests"
TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 build-tsan/tests/caresim_tsan_tests "$tsan_tests"
echo "sanitizers: TSan must catch the planted race"
if TSAN_OPTIONS=halt_on_error=1 build-tsan/tests/caresim_planted_race > build-tsan/planted.log 2>&1 \
    || ! grep -q "WARNING: ThreadSanitizer: data race" build-tsan/planted.log; then
  echo "sanitizers: the planted race was NOT reported; TSan is blind here" >&2
  cat build-tsan/planted.log >&2
  exit 1
fi
phase_done "TSan tests and the planted race"
echo "sanitizers: clean (ASan+UBSan, fuzzers, TSan; and the planted race was caught)"
