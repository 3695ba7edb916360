#pragma once
// Random-stream purposes reserved for tests (core/random.hpp).

#include "caresim/core/random.hpp"

namespace caresim::purpose {
/// Purposes reserved for tests (core/random.hpp).
inline constexpr Purpose test_a{1000};
inline constexpr Purpose test_b{1001};
}  // namespace caresim::purpose
