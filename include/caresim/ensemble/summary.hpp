#pragma once
// Reading a sweep's summary file back (what `caresim analyse` works on). The file's layout is
// described in docs/sweeps.md; write_summary (sweep.hpp) writes it.

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "caresim/analysis/sensitivity.hpp"

namespace caresim::ensemble {

using analysis::SummaryData;

/// Reads a summary file. Throws std::runtime_error naming the file if it is not one.
SummaryData read_summary(const std::filesystem::path& path);

}  // namespace caresim::ensemble
