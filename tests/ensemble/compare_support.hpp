#pragma once
// Helpers shared by the compare tests.

#include <catch2/catch.hpp>
#include <cstddef>
#include <string>

#include "caresim/ensemble/compare.hpp"

namespace caresim::test {

/// The index of metric `name` in a comparison (the test fails when there is none).
inline std::size_t metric_index(const ensemble::Comparison& c, const std::string& name) {
  for (std::size_t m = 0; m < c.metric_count(); ++m) {
    if (c.metrics[m] == name) return m;
  }
  FAIL("no metric " << name);
  return 0;
}

}  // namespace caresim::test
