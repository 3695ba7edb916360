#pragma once
// Random-stream purposes of the ensemble module (core/random.hpp): values are part of the output
// contract, never renumber one. tests/core/purposes_test.cpp checks they clash with no other.

#include "caresim/core/random.hpp"

namespace caresim::purpose {
/// `caresim compare --parameters`: which parameter set replicate r draws (step 0, agent r).
inline constexpr Purpose compare_parameter_set{4100};
}  // namespace caresim::purpose
