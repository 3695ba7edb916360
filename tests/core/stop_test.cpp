// Stops inside long loops (issue 14 item 2): parallel_chunks checks its caller's stop flag before
// each chunk, so a stop asked for inside a long phase ends it within one chunk, and installing a
// flag that is never set changes nothing.
#include <oneapi/tbb/global_control.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <csignal>
#include <cstdint>
#include <mutex>
#include <vector>

#include "caresim/core/parallel.hpp"
#include "caresim/core/stop.hpp"

using caresim::check_stop;
using caresim::current_stop;
using caresim::parallel_chunks;
using caresim::Stopped;
using caresim::StopScope;

TEST_CASE("stop: a flag set before the loop starts no chunk and throws Stopped with its signal",
          "[stop][interrupt]") {
  std::atomic<int> stop{SIGTERM};
  const StopScope scope(&stop);
  std::atomic<int> calls{0};
  for (const std::size_t n : {std::size_t{100}, std::size_t{100000}}) {
    try {
      parallel_chunks(n, 1000, [&](std::size_t, std::size_t) { ++calls; });
      FAIL("no Stopped thrown for n = " << n);
    } catch (const Stopped& s) {
      CHECK(s.signal() == SIGTERM);
    }
  }
  CHECK(calls.load() == 0);
  CHECK_THROWS_AS(check_stop(), Stopped);
}

TEST_CASE("stop: a flag set inside a chunk stops the chunks after it (one thread: exactly)",
          "[stop][interrupt]") {
  const tbb::global_control one(tbb::global_control::max_allowed_parallelism, 1);
  std::atomic<int> stop{0};
  const StopScope scope(&stop);
  std::vector<std::size_t> begins;
  CHECK_THROWS_AS(parallel_chunks(100 * 1000, 1000,
                                  [&](std::size_t begin, std::size_t) {
                                    begins.push_back(begin);
                                    if (begin == 3000) stop.store(SIGINT);
                                  }),
                  Stopped);
  // Chunks run in order on one thread: 0, 1000, 2000, 3000, then the stop is seen.
  CHECK(begins == std::vector<std::size_t>{0, 1000, 2000, 3000});
}

TEST_CASE("stop: with two threads a stop inside a chunk ends the loop long before its end",
          "[stop][interrupt]") {
  const tbb::global_control two(tbb::global_control::max_allowed_parallelism, 2);
  std::atomic<int> stop{0};
  const StopScope scope(&stop);
  std::atomic<int> calls{0};
  int signal = 0;
  try {
    parallel_chunks(10000 * 100, 100, [&](std::size_t begin, std::size_t) {
      ++calls;
      if (begin == 500 * 100) stop.store(SIGTERM);
    });
  } catch (const Stopped& s) {
    signal = s.signal();
  }
  CHECK(signal == SIGTERM);
  // Only chunks already under way on the other thread finish after the stop; without the check
  // all 10000 would run.
  CHECK(calls.load() < 10000);
  CHECK(calls.load() >= 1);
}

TEST_CASE("stop: no flag, or a flag never set, changes nothing, scopes nest and restore",
          "[stop][interrupt]") {
  CHECK(current_stop() == nullptr);
  const auto sum = [] {
    return caresim::deterministic_reduce(
        std::size_t{200000}, 4096, 0.0,
        [](std::size_t b, std::size_t e, double& part) {
          for (std::size_t i = b; i < e; ++i)
            part += 1.0 / static_cast<double>(i + 1);
        },
        [](double& total, double part) { total += part; });
  };
  const double without = sum();
  std::atomic<int> stop{0};
  double with = 0.0;
  {
    const StopScope outer(&stop);
    CHECK(current_stop() == &stop);
    {
      const StopScope inner(nullptr);
      CHECK(current_stop() == nullptr);
    }
    CHECK(current_stop() == &stop);
    with = sum();
  }
  CHECK(current_stop() == nullptr);
  CHECK(with == without);  // bitwise: == on doubles
  CHECK(without > 12.0);
}
