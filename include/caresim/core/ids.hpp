#pragma once

#include <cstdint>
#include <limits>

namespace caresim {

/// Marks "none" in 32-bit index columns (no practice, no PCN, no tie chosen, no such edge).
inline constexpr std::uint32_t kNone = std::numeric_limits<std::uint32_t>::max();

}  // namespace caresim
