#pragma once
// Reading a sweep's summary file back (what `caresim analyse` works on). The file's layout is
// described in docs/sweeps.md; write_summary (sweep.hpp) writes it.

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace caresim::ensemble {

/// The parts of a summary file the analysis needs.
struct SummaryData {
  std::string design;                   ///< grid, latin_hypercube, sobol or morris
  std::vector<std::string> parameters;  ///< key paths
  std::vector<std::string> metrics;     ///< metric names
  std::size_t points = 0, replicates = 0;
  std::vector<double> values;             ///< point x parameter
  std::vector<double> unit;               ///< point x parameter, design coordinates in [0, 1]
  std::vector<std::int64_t> block, role;  ///< per point (see Design)
  /// metric k: point x replicate values at metric_values[k]
  std::vector<std::vector<double>> metric_values;
  /// Mean over replicates of metric k at point p (NaN runs left out).
  std::vector<double> point_means(std::size_t metric) const;
};

/// Reads a summary file. Throws std::runtime_error naming the file if it is not one.
SummaryData read_summary(const std::filesystem::path& path);

}  // namespace caresim::ensemble
