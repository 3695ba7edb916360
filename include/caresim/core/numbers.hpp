#pragma once
// Not-a-number and infinity as named constants, shared so that no file defines its own.
#include <limits>

namespace caresim {

inline constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
inline constexpr double kInf = std::numeric_limits<double>::infinity();

}  // namespace caresim
