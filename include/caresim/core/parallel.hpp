#pragma once

#include <oneapi/tbb/blocked_range.h>
#include <oneapi/tbb/parallel_for.h>
#include <oneapi/tbb/partitioner.h>

#include <algorithm>
#include <cstddef>
#include <vector>

namespace caresim {

/// Work is cut into fixed chunks [k*grain, min(n, (k+1)*grain)) whatever the thread count, so
/// that any per-chunk result, and any combination of them in chunk order, is bitwise the same
/// at 1, 2 or 64 threads. TBB decides only which thread runs which chunk.
inline constexpr std::size_t kGrain = 4096;

inline std::size_t chunk_count(std::size_t n, std::size_t grain) {
  return (n + grain - 1) / grain;
}

/// Calls body(begin, end) once per fixed chunk, in parallel. body must only write state owned by
/// the indices of its chunk (or chunk-indexed scratch).
template <class Body>
void parallel_chunks(std::size_t n, std::size_t grain, Body&& body) {
  const std::size_t chunks = chunk_count(n, grain);
  if (chunks == 0) return;
  if (chunks == 1) {
    body(std::size_t{0}, n);
    return;
  }
  tbb::parallel_for(
      tbb::blocked_range<std::size_t>(0, chunks, 1),
      [&](const tbb::blocked_range<std::size_t>& r) {
        for (std::size_t c = r.begin(); c != r.end(); ++c) {
          body(c * grain, std::min(n, (c + 1) * grain));
        }
      },
      tbb::simple_partitioner{});
}

/// Deterministic reduction: map(begin, end, T& partial) fills one partial per fixed chunk (each
/// starting as a copy of `identity`), then combine(T& total, const T& partial) folds them in chunk
/// order. Floating-point sums are therefore identical at any thread count.
template <class T, class Map, class Combine>
T deterministic_reduce(std::size_t n, std::size_t grain, const T& identity, Map&& map,
                       Combine&& combine) {
  std::vector<T> partials(chunk_count(n, grain), identity);
  parallel_chunks(n, grain, [&](std::size_t begin, std::size_t end) {
    map(begin, end, partials[begin / grain]);
  });
  T total = identity;
  for (const T& p : partials)
    combine(total, p);
  return total;
}

}  // namespace caresim
