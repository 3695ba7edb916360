#pragma once
// `caresim analyse`: reads a sweep's summary file, runs the sensitivity analysis its design
// allows (analysis/sensitivity.hpp) for every metric, and writes the results to their own file.

#include <filesystem>
#include <string>

#include "caresim/analysis/sensitivity.hpp"

namespace caresim::ensemble {

/// Where `caresim analyse` writes by default: analysis.nc beside the summary.
std::filesystem::path default_analysis_path(const std::filesystem::path& summary);

/// Runs the analysis the design allows for every metric, writes it to its own netCDF-4 file
/// `output` (replacing it; one group per metric, see docs/outputs.md) and returns a ranked
/// plain-text report. The summary file is only read, so its bytes never change.
std::string analyse_summary(const std::filesystem::path& path, const std::filesystem::path& output,
                            const analysis::AnalysisOptions& options);

}  // namespace caresim::ensemble
