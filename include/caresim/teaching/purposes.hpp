#pragma once
// The random-stream purposes the teaching models draw for (core/random.hpp). Values are part of
// the output contract: never renumber one (tests/core/purposes_test.cpp).

#include "caresim/core/random.hpp"

namespace caresim::purpose {

inline constexpr Purpose boolean_network_wiring{2000};
inline constexpr Purpose boolean_network_tables{2001};
inline constexpr Purpose boolean_network_initial{2002};
inline constexpr Purpose boolean_network_derrida{2003};
inline constexpr Purpose threshold_cascade_network{2010};
inline constexpr Purpose threshold_cascade_seed{2011};
inline constexpr Purpose granovetter_thresholds{2020};
inline constexpr Purpose sandpile_drop{2030};
inline constexpr Purpose branching_offspring{2040};
inline constexpr Purpose fold_noise{2050};

}  // namespace caresim::purpose
