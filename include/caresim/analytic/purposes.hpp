#pragma once
// The random-stream purposes the analytic test models draw for (core/random.hpp). Values are part
// of the output contract: never renumber one (tests/core/purposes_test.cpp).

#include "caresim/core/random.hpp"

namespace caresim::purpose {

inline constexpr Purpose ishigami_noise{5000};

}  // namespace caresim::purpose
