#pragma once
// Approximate Bayesian computation by sequential Monte Carlo (ABC-SMC: Toni et al. 2009, with
// Beaumont et al. 2009's importance weights and an adaptive tolerance schedule in the manner of
// Del Moral, Doucet & Jasra 2012: each generation's tolerance is a quantile of the previous
// generation's distances). Returns a weighted sample from the approximate posterior.

#include <cstdint>
#include <string>
#include <vector>

#include "caresim/analysis/calibration.hpp"
#include "caresim/analysis/priors.hpp"

namespace caresim::purpose {
/// Draws of ABC-SMC: prior draws (generation 0) and ancestor choice plus perturbation.
inline constexpr Purpose abc_proposal{4003};
}  // namespace caresim::purpose

namespace caresim::analysis {

struct AbcOptions {
  std::size_t particles = 1000;
  int generations = 8;           ///< after generation 0 (the prior)
  double quantile = 0.5;         ///< tolerance eps_t = this quantile of generation t-1's distances
  double min_acceptance = 0.02;  ///< stop when a generation accepts fewer of its proposals
  std::size_t max_simulations = 1000000;  ///< stop before a generation would exceed this
  std::size_t batch = 0;                  ///< proposals simulated at once; 0 = particles
  std::uint64_t seed = 1;
};

struct AbcGeneration {
  double tolerance = 0.0;       ///< eps_t (infinity for generation 0)
  std::vector<double> values;   ///< particles x parameters
  std::vector<double> weights;  ///< normalised
  std::vector<double> distances;
  std::vector<double> outputs;         ///< particles x targets
  std::size_t simulations = 0;         ///< model runs this generation
  double acceptance_rate = 0.0;        ///< accepted / simulated proposals
  double effective_sample_size = 0.0;  ///< 1 / sum w^2
};

struct AbcResult {
  std::vector<AbcGeneration> generations;    ///< the last is the posterior sample
  std::vector<double> posterior_mean;        ///< weighted, per parameter
  std::vector<double> posterior_covariance;  ///< weighted, parameters x parameters
  std::size_t simulations = 0;
  std::string stopped;  ///< why it stopped before `generations`, or empty
};

/// Distance between a model output vector and the targets: sqrt(sum_k ((y_k - z_k) / s_k)^2),
/// s_k = sqrt(observation + discrepancy variance), or 1 when both are 0. Infinity for NaN.
double abc_distance(std::span<const double> outputs, const std::vector<CalibrationTarget>& targets);

/// Runs ABC-SMC. Generation 0 is `particles` draws from the prior (all kept). Generation t draws
/// ancestors by weight, perturbs them with a Gaussian of twice the previous generation's weighted
/// covariance (Beaumont et al. 2009; Filippi et al. 2013), drops proposals outside the prior's
/// support unsimulated, and keeps those within eps_t until `particles` are kept (in proposal
/// order, so the result does not depend on the thread count). Weights
/// w_i proportional to pi(theta_i) / sum_j w_j K(theta_i | theta_j).
AbcResult abc_smc(const std::vector<Prior>& priors, const std::vector<CalibrationTarget>& targets,
                  const BatchModel& model, const AbcOptions& options,
                  const CalibrationProgress& progress = {});

/// Weighted mean and covariance (divisor 1 - sum w^2, unbiased for normalised weights).
void weighted_moments(const std::vector<double>& values, const std::vector<double>& weights,
                      std::size_t dims, std::vector<double>& mean, std::vector<double>& covariance);

}  // namespace caresim::analysis
