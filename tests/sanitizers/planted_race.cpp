// A deliberate data race through parallel_chunks: every chunk adds to one shared counter without
// synchronisation. tools/sanitizers.sh runs it under ThreadSanitizer and requires a report, to show
// that the fork/join annotations of parallel_chunks (core/parallel.hpp) do not hide real races.
#include <oneapi/tbb/global_control.h>

#include <cstdio>

#include "caresim/core/parallel.hpp"

int main() {
  tbb::global_control threads(tbb::global_control::max_allowed_parallelism, 4);
  long shared = 0;
  caresim::parallel_chunks(64 * 1024, 1024, [&](std::size_t begin, std::size_t end) {
    for (std::size_t i = begin; i < end; ++i)
      shared += static_cast<long>(i % 3);  // the planted race
  });
  std::printf("%ld\n", shared);
  return 0;
}
