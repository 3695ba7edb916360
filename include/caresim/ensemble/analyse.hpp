#pragma once
// `caresim analyse`: reads a sweep's summary file, runs the sensitivity analysis its design
// allows (analysis/sensitivity.hpp) for every metric, and writes the results to their own file.

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "caresim/analysis/sensitivity.hpp"

namespace caresim::ensemble {

/// Where `caresim analyse` writes by default: analysis.nc beside the summary.
std::filesystem::path default_analysis_path(const std::filesystem::path& summary);

/// Which analysis: `automatic` chooses by design (sobol: Sobol indices; morris: elementary
/// effects; grid: marginal means; latin_hypercube, csv and tables: PRCC and SRC, ranked by PRCC).
enum class Method : std::uint8_t { automatic, sobol, morris, prcc, src, marginal };
inline constexpr const char* kMethodNames[] = {"auto", "sobol", "morris",
                                               "prcc", "src",   "marginal"};

/// Runs the analysis for every metric, writes it to its own netCDF-4 file `output` (replacing
/// it; one group per metric, see docs/sweeps.md) and returns a ranked plain-text report. With
/// replicates, each metric's variance is also split into its parameter and stochastic parts.
/// The summary file is only read, so its bytes never change. Throws std::invalid_argument for a
/// method the design does not allow.
std::string analyse_summary(const std::filesystem::path& path, const std::filesystem::path& output,
                            const analysis::AnalysisOptions& options,
                            Method method = Method::automatic);
/// The same on data from anywhere (read_summary, read_table); `source` names it in the file.
std::string analyse_data(const analysis::SummaryData& data, const std::string& source,
                         const std::filesystem::path& output,
                         const analysis::AnalysisOptions& options,
                         Method method = Method::automatic);

/// How the rows of a table were designed (`caresim analyse --table --design`).
enum class TableDesign : std::uint8_t {
  random,    ///< any points (a Latin hypercube, a CSV design, observational runs)
  saltelli,  ///< blocks A, B, AB_1..AB_d [, BA_1..BA_d], as caresim's sobol design writes them
  salib,     ///< blocks A, AB_1..AB_d [, BA_1..BA_d], B, as SALib's saltelli.sample writes them
};
inline constexpr const char* kTableDesignNames[] = {"random", "saltelli", "salib"};

/// A table of inputs and outputs from any source, read as a summary with one replicate per row:
/// a CSV file with a header (comma-separated, '#' comment lines skipped) or a netCDF/HDF5 file
/// with one 1-D variable per column (by path, e.g. "runs/x" ). `second_order`: the Saltelli
/// blocks hold the BA points. Throws std::invalid_argument naming the file and what is wrong
/// (a missing column, rows of different lengths, a non-number, blocks that do not fit).
analysis::SummaryData read_table(const std::filesystem::path& path,
                                 const std::vector<std::string>& inputs,
                                 const std::vector<std::string>& outputs, TableDesign design,
                                 bool second_order = false);

}  // namespace caresim::ensemble
