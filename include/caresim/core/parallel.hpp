#pragma once

#include <oneapi/tbb/blocked_range.h>
#include <oneapi/tbb/global_control.h>
#include <oneapi/tbb/parallel_for.h>
#include <oneapi/tbb/partitioner.h>

#include <algorithm>
#include <cstddef>
#include <vector>

#include "caresim/core/stop.hpp"

// Under ThreadSanitizer parallel_chunks runs its chunks on plain std::threads instead of TBB
// (tools/sanitizers.sh). Debian's libtbb is not built with TSan: TSan cannot see how TBB hands a
// task and its memory from one thread to another (its scheduler and small-object pool live in the
// uninstrumented library, while the task objects are built and run by instrumented template code),
// so it reports false races in every parallel_for (278 over the suite), and no suppression scoped
// to libtbb can hide them without hiding real races in the bodies too. Annotating only the fork and
// join with __tsan_release/__tsan_acquire does not cover the task objects either. Threads created
// and joined here are seen by TSan directly (pthread_create/join): chunks are ordered after what the
// caller did before and before what it does after, never against each other, so a real race between
// two chunks (tests/sanitizers/planted_race.cpp) is still reported. Chunks stay the same fixed
// ranges, so results are the same as with TBB.
#if defined(__SANITIZE_THREAD__)
#define CARESIM_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define CARESIM_TSAN 1
#endif
#endif
#ifdef CARESIM_TSAN
#include <exception>
#include <mutex>
#include <thread>
#endif

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
///
/// Before each chunk the caller's stop flag (current_stop(), core/stop.hpp) is checked: once a
/// stop is asked for, the remaining chunks are not started and Stopped reaches the caller (TBB
/// cancels the loop and rethrows), so a long phase ends within one chunk's time. The check only
/// reads the flag, so results do not depend on it.
template <class Body>
void parallel_chunks(std::size_t n, std::size_t grain, Body&& body) {
  const std::size_t chunks = chunk_count(n, grain);
  if (chunks == 0) return;
  const std::atomic<int>* const stop = current_stop();
  if (chunks == 1) {
    check_stop(stop);
    body(std::size_t{0}, n);
    return;
  }
#ifdef CARESIM_TSAN
  // Chunk c runs on thread c % workers; the first worker is the caller.
  const std::size_t limit =
      tbb::global_control::active_value(tbb::global_control::max_allowed_parallelism);
  const std::size_t workers = std::clamp<std::size_t>(limit, 1, chunks);
  std::exception_ptr error;
  std::mutex error_mutex;
  const auto work = [&](std::size_t first) {
    try {
      for (std::size_t c = first; c < chunks; c += workers) {
        check_stop(stop);
        body(c * grain, std::min(n, (c + 1) * grain));
      }
    } catch (...) {
      const std::lock_guard<std::mutex> lock(error_mutex);
      if (!error) error = std::current_exception();
    }
  };
  {
    std::vector<std::jthread> threads;
    threads.reserve(workers - 1);
    for (std::size_t w = 1; w < workers; ++w)
      threads.emplace_back(work, w);
    work(0);
  }
  if (error) std::rethrow_exception(error);
#else
  tbb::parallel_for(
      tbb::blocked_range<std::size_t>(0, chunks, 1),
      [&](const tbb::blocked_range<std::size_t>& r) {
        for (std::size_t c = r.begin(); c != r.end(); ++c) {
          check_stop(stop);
          body(c * grain, std::min(n, (c + 1) * grain));
        }
      },
      tbb::simple_partitioner{});
#endif
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
