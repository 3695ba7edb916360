#pragma once
// Sensitivity analysis of a sweep's summary: Sobol indices (Saltelli's scheme, Saltelli 2010
// first-order and Jansen 1999 total estimators) with bootstrap confidence intervals, Morris
// elementary effects (mu, mu*, sigma), and marginal means of grids. Replicates of a point are
// averaged first. Deterministic: the bootstrap draws are a function of `seed`.

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace caresim::analysis {

/// A sweep as the analysis reads it: the design's points and each metric's values per point and
/// replicate (ensemble/summary.hpp reads it from a summary file).
struct SummaryData {
  std::string design;                   ///< grid, latin_hypercube, sobol or morris
  std::vector<std::string> parameters;  ///< key paths
  std::vector<std::string> metrics;     ///< metric names
  std::size_t points = 0, replicates = 0;
  std::vector<double> values;             ///< point x parameter
  std::vector<double> unit;               ///< point x parameter, design coordinates in [0, 1]
  std::vector<std::int64_t> block, role;  ///< per point (see Design)
  /// Replicate r had the same seed at every point (sweep `common_random_numbers`).
  bool common_random_numbers = false;
  /// metric k: point x replicate values at metric_values[k]
  std::vector<std::vector<double>> metric_values;
  /// Mean over replicates of metric k at point p (NaN runs left out).
  std::vector<double> point_means(std::size_t metric) const;
};

struct AnalysisOptions {
  int bootstrap = 1000;      ///< resamples for the confidence intervals
  double confidence = 0.95;  ///< two-sided level of the intervals
  std::uint64_t seed = 12345;
  /// Sobol: the largest change of an index from N/2 to N base samples that counts as settled.
  double convergence_tolerance = 0.02;
};

/// Per parameter, in the summary's parameter order.
struct SobolIndices {
  std::vector<double> s1, s1_low, s1_high;  ///< first order and its percentile interval
  std::vector<double> st, st_low, st_high;  ///< total order
  double variance = 0.0;                    ///< of the output over A and B
  std::size_t samples = 0;                  ///< base samples N used (blocks without NaN)
  /// Second order (designs with second_order, Saltelli 2002): S_jk at s2[j * d + k], symmetric,
  /// NaN on the diagonal; the closed index V_jk^c / V = mean(f_BAj f_ABk - f_A f_B) / V, less
  /// S_j and S_k. Empty without the BA points.
  std::vector<double> s2, s2_low, s2_high;
  /// Convergence check: the indices from the first N/4, N/2 and all N base samples (a Sobol
  /// sequence's leading points are balanced on their own). s1_at[level * d + j], likewise st_at,
  /// s2_at[level * d * d + j * d + k]. Levels with fewer than 2 samples are left out.
  std::vector<std::size_t> convergence_samples;
  std::vector<double> s1_at, st_at, s2_at;
  /// Largest |index(N) - index(N/2)| over every S1, ST (and S2): small when the estimate has
  /// settled. NaN without the N/2 level.
  double largest_change = 0.0;
};
/// From a Saltelli design's blocks. Throws std::invalid_argument if the summary is not one.
SobolIndices sobol_indices(const SummaryData& summary, std::size_t metric,
                           const AnalysisOptions& options);

struct MorrisIndices {
  std::vector<double> mu, mu_star, sigma;  ///< of the elementary effects, in unit coordinates
  std::vector<double> mu_star_low, mu_star_high;
  std::size_t trajectories = 0;
};
/// From a Morris design's trajectories: elementary effect = dy / du of the moved coordinate u in
/// [0, 1]. Throws std::invalid_argument if the summary is not a Morris design.
MorrisIndices morris_indices(const SummaryData& summary, std::size_t metric,
                             const AnalysisOptions& options);

/// Mean of the metric over every run at one level of one parameter, with a Student's t interval
/// mean +- t(1 - alpha/2, n - 1) sd / sqrt(n) (at n = 2 a z interval would be 6.5 times too
/// narrow).
struct MarginalMean {
  std::size_t parameter = 0;
  double value = 0.0;
  double mean = 0.0, low = 0.0, high = 0.0;
  std::size_t runs = 0;
};
std::vector<MarginalMean> marginal_means(const SummaryData& summary, std::size_t metric,
                                         const AnalysisOptions& options);

/// The variance of single runs' outputs split into a parameter part, Var(E[Y | theta]) over the
/// design's points, and a stochastic part, E[Var(Y | theta)] (run-to-run chance), from the
/// replicates (one-way analysis of variance: parameter = var(point means) - MS / R, MS the
/// within-point mean square; with common random numbers the point x replicate interaction mean
/// square, since a seed shared by every point shifts them all alike). Points with a NaN
/// replicate are left out. Needs R >= 2 and at least 2 points: else the parts are NaN.
struct VarianceSplit {
  double total = 0.0, parameter = 0.0, stochastic = 0.0;
  double parameter_share = 0.0, stochastic_share = 0.0;  ///< of total
  std::size_t points = 0, replicates = 0;
};
VarianceSplit variance_split(const SummaryData& summary, std::size_t metric);

}  // namespace caresim::analysis
