// A deliberate data race through parallel_chunks: every chunk adds to one shared counter without
// synchronisation. tools/sanitizers.sh runs it under ThreadSanitizer and requires a report, to show
// that running parallel_chunks on std::threads under TSan (core/parallel.hpp) hides no real race.
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
