#pragma once
// History matching in waves (Craig et al. 1997; Vernon, Goldstein & Bower 2010; Andrianakis et
// al. 2015): rule out the parameter sets at which the model cannot reproduce the targets, using
// Gaussian-process emulators of each output in place of the model, and shrink the
// non-implausible space wave by wave.

#include <cstdint>
#include <vector>

#include "caresim/analysis/calibration.hpp"
#include "caresim/analysis/emulator.hpp"
#include "caresim/analysis/priors.hpp"

namespace caresim::purpose {
/// Candidate points tested for implausibility in each wave.
inline constexpr Purpose history_matching_candidates{4002};
}  // namespace caresim::purpose

namespace caresim::analysis {

struct HistoryMatchingOptions {
  int waves = 3;
  std::size_t runs_per_wave = 60;  ///< model runs in each wave's design
  double cutoff = 3.0;             ///< Pukelsheim's three-sigma rule
  /// Use the second-largest implausibility over outputs (Vernon et al. 2010), tolerating one
  /// badly emulated output; else the largest. Needs at least two outputs.
  bool second_max = false;
  /// Add the emulator's nugget (run-to-run variance) to the denominator: a stochastic model's
  /// single run differs from its mean (Andrianakis et al. 2015's ensemble variability).
  bool include_stochastic_variance = true;
  std::size_t candidates = 20000;  ///< uniform points in the unit cube tested per wave
  int max_candidate_rounds = 10;   ///< more rounds when too few candidates survive
  std::size_t final_runs = 50;     ///< runs at non-implausible points after the last wave
  EmulatorOptions emulator;
  std::uint64_t seed = 1;
};

/// The implausibility of unit point x under one wave's emulators:
/// I_k(x) = |z_k - E[f_k(x)]| / sqrt(Var_em + [nugget] + Var_discrepancy + Var_obs), and the max
/// (or second max) over outputs k.
double implausibility(const std::vector<GaussianProcess>& emulators,
                      const std::vector<CalibrationTarget>& targets, std::span<const double> x,
                      const HistoryMatchingOptions& options, std::vector<double>* per_output);

struct HistoryMatchingWave {
  std::vector<double> design_unit;         ///< runs x parameters, unit coordinates
  std::vector<double> design_values;       ///< runs x parameters, parameter units
  std::vector<double> outputs;             ///< runs x targets, NaN for failed runs
  std::vector<double> implausibility;      ///< runs: of each design point under this wave's
                                           ///< emulators (max or second max)
  std::vector<GaussianProcess> emulators;  ///< one per target
  std::size_t candidates_tested = 0;
  std::size_t candidates_kept = 0;
  /// Share of the prior (the unit cube) not ruled out by this and every earlier wave.
  double non_implausible_fraction = 0.0;
};

struct HistoryMatchingResult {
  std::vector<HistoryMatchingWave> waves;
  /// Non-implausible points after the last wave (unit, parameter units): a sample of the
  /// non-implausible space, uniform with respect to the prior.
  std::vector<double> non_implausible_unit, non_implausible_values;
  /// The final runs at non-implausible points: values, outputs, and whether each run
  /// reproduces every target: |z_k - y_k| <= cutoff sqrt(Var_obs + Var_discrepancy + nugget).
  std::vector<double> final_values, final_outputs;
  std::vector<std::uint8_t> final_matches;
  std::size_t runs = 0;  ///< model runs in all
  std::string stopped;   ///< why it stopped early, or empty
};

/// Runs history matching. Wave 1's design is a maximin Latin hypercube over the prior; each
/// later wave's is a greedy-maximin choice among uniform candidates that every earlier wave's
/// emulators find non-implausible (rejection sampling). Deterministic for a deterministic
/// model. Throws std::invalid_argument for no parameters or targets, or a bad prior.
HistoryMatchingResult history_match(const std::vector<Prior>& priors,
                                    const std::vector<CalibrationTarget>& targets,
                                    const BatchModel& model, const HistoryMatchingOptions& options,
                                    const CalibrationProgress& progress = {});

/// Whether unit point x is non-implausible under every wave of `result`.
bool non_implausible(const HistoryMatchingResult& result,
                     const std::vector<CalibrationTarget>& targets, std::span<const double> x,
                     const HistoryMatchingOptions& options);

}  // namespace caresim::analysis
