# Sourced by tools/sanitizers.sh and tests/fuzz/run_fuzzers.sh: configures the clang-14 builds.
#   configure_asan_build DIR   AddressSanitizer + UBSan + libFuzzer's coverage (fuzzer-no-link):
#                              one build serves the unit tests under ASan+UBSan and the three
#                              libFuzzer targets (linked with -fsanitize=fuzzer).
#   configure_tsan_build DIR   ThreadSanitizer, for caresim_tsan_tests and the planted race.
# -O1 -gline-tables-only: fast enough to run, line numbers in reports, about half the compile time
# and object size of -g. NDEBUG as in Release, so the code under test is the code users run.
# Unity batches (CARESIM_UNITY_BUILD): heavy headers parsed once per batch of 12 files, not once per
# file; measured cold on two quiet cores, the ASan+UBSan library took 118 s instead of 332 s.
# Benchmarks are not built; ccache is used when present (CCACHE_DISABLE=1 for a cold measure).
sanitizer_launcher=()
command -v ccache > /dev/null && sanitizer_launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
configure_sanitizer_build() {
  local dir=$1 flags=$2
  cmake -S "$CARESIM_SRC" -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_C_COMPILER=clang-14 -DCMAKE_CXX_COMPILER=clang++-14 "${sanitizer_launcher[@]}" \
    -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -gline-tables-only -DNDEBUG" \
    -DCMAKE_C_FLAGS_RELWITHDEBINFO="-O1 -DNDEBUG" \
    -DCMAKE_CXX_FLAGS="$flags -fno-omit-frame-pointer" \
    -DCMAKE_EXE_LINKER_FLAGS="${flags/,fuzzer-no-link/}" \
    -DCARESIM_BUILD_BENCHMARKS=OFF -DCARESIM_UNITY_BUILD=ON "${@:3}" > /dev/null
}
configure_asan_build() {
  configure_sanitizer_build "$1" \
    "-fsanitize=address,undefined,fuzzer-no-link -fno-sanitize-recover=undefined" \
    -DCARESIM_BUILD_FUZZERS=ON
}
configure_tsan_build() {
  configure_sanitizer_build "$1" "-fsanitize=thread"
}
