#include "caresim/analysis/abc.hpp"

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>

#include "caresim/core/numbers.hpp"

namespace caresim::analysis {
namespace {

double prior_joint_density(const std::vector<Prior>& priors, const double* theta) {
  double p = 1.0;
  for (std::size_t j = 0; j < priors.size(); ++j)
    p *= prior_density(priors[j], theta[j]);
  return p;
}

// The q-quantile of `x` (linear interpolation between order statistics, type 7).
double quantile(std::vector<double> x, double q) {
  std::sort(x.begin(), x.end());
  const double h = (static_cast<double>(x.size()) - 1.0) * q;
  const auto lo = static_cast<std::size_t>(std::floor(h));
  const std::size_t hi = std::min(lo + 1, x.size() - 1);
  return x[lo] + (h - static_cast<double>(lo)) * (x[hi] - x[lo]);
}

double effective_sample_size(const std::vector<double>& w) {
  double s2 = 0.0;
  for (double v : w)
    s2 += v * v;
  return 1.0 / s2;
}

}  // namespace

double abc_distance(std::span<const double> outputs,
                    const std::vector<CalibrationTarget>& targets) {
  double sum = 0.0;
  for (std::size_t k = 0; k < targets.size(); ++k) {
    if (!std::isfinite(outputs[k])) return kInf;
    const double v = targets[k].observation_variance + targets[k].discrepancy_variance;
    const double s = v > 0.0 ? std::sqrt(v) : 1.0;
    const double z = (outputs[k] - targets[k].observed) / s;
    sum += z * z;
  }
  return std::sqrt(sum);
}

void weighted_moments(const std::vector<double>& values, const std::vector<double>& weights,
                      std::size_t dims, std::vector<double>& mean,
                      std::vector<double>& covariance) {
  const std::size_t n = weights.size();
  mean.assign(dims, 0.0);
  covariance.assign(dims * dims, 0.0);
  double s2 = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    s2 += weights[i] * weights[i];
    for (std::size_t j = 0; j < dims; ++j)
      mean[j] += weights[i] * values[i * dims + j];
  }
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t a = 0; a < dims; ++a) {
      for (std::size_t b = 0; b < dims; ++b) {
        covariance[a * dims + b] +=
            weights[i] * (values[i * dims + a] - mean[a]) * (values[i * dims + b] - mean[b]);
      }
    }
  }
  const double divisor = 1.0 - s2;
  if (divisor > 0.0) {
    for (double& c : covariance)
      c /= divisor;
  }
}

AbcResult abc_smc(const std::vector<Prior>& priors, const std::vector<CalibrationTarget>& targets,
                  const BatchModel& model, const AbcOptions& options,
                  const CalibrationProgress& progress) {
  const std::size_t d = priors.size(), m = targets.size(), n = options.particles;
  if (d == 0 || m == 0) throw std::invalid_argument("ABC-SMC needs parameters and targets");
  if (n < 2) throw std::invalid_argument("ABC-SMC needs at least 2 particles");
  for (const Prior& p : priors)
    check_prior(p);
  const std::size_t batch = options.batch > 0 ? options.batch : n;
  const std::size_t planned =
      n * static_cast<std::size_t>(options.generations + 1) * 2;  // a guess, for progress only
  AbcResult result;
  std::uint64_t batch_index = 0;

  {  // Generation 0: the prior.
    AbcGeneration g;
    g.tolerance = kInf;
    g.values.resize(n * d);
    for (std::size_t i = 0; i < n; ++i) {
      Stream stream(options.seed, purpose::abc_proposal, 0, static_cast<std::uint32_t>(i));
      for (std::size_t j = 0; j < d; ++j)
        g.values[i * d + j] = prior_value(priors[j], std::clamp(stream.uniform(), 1e-12, 1.0));
    }
    if (progress) progress("generation 0 (prior)", 0, planned);
    g.outputs = model(g.values, n, batch_index++);
    g.simulations = n;
    g.acceptance_rate = 1.0;
    g.weights.assign(n, 1.0 / static_cast<double>(n));
    for (std::size_t i = 0; i < n; ++i)
      g.distances.push_back(abc_distance(std::span<const double>(&g.outputs[i * m], m), targets));
    g.effective_sample_size = effective_sample_size(g.weights);
    result.simulations += n;
    result.generations.push_back(std::move(g));
  }

  for (int t = 1; t <= options.generations; ++t) {
    const AbcGeneration& previous = result.generations.back();
    std::vector<double> finite;
    for (double x : previous.distances)
      if (std::isfinite(x)) finite.push_back(x);
    if (finite.empty()) {
      result.stopped = "every run of the previous generation failed";
      break;
    }
    const double tolerance = quantile(finite, options.quantile);
    std::vector<double> mean, cov;
    weighted_moments(previous.values, previous.weights, d, mean, cov);
    Eigen::MatrixXd kernel_cov(static_cast<Eigen::Index>(d), static_cast<Eigen::Index>(d));
    for (std::size_t a = 0; a < d; ++a)
      for (std::size_t b = 0; b < d; ++b)
        kernel_cov(static_cast<Eigen::Index>(a), static_cast<Eigen::Index>(b)) =
            2.0 * cov[a * d + b] + (a == b ? 1e-12 : 0.0);
    const Eigen::LLT<Eigen::MatrixXd> chol(kernel_cov);
    if (chol.info() != Eigen::Success) {
      result.stopped = "the particles' covariance is not positive definite";
      break;
    }
    const Eigen::MatrixXd l = chol.matrixL();
    std::vector<double> cumulative(previous.weights.size());
    std::partial_sum(previous.weights.begin(), previous.weights.end(), cumulative.begin());

    AbcGeneration g;
    g.tolerance = tolerance;
    std::size_t proposed = 0;
    bool out_of_budget = false;
    while (g.values.size() < n * d) {
      if (result.simulations + g.simulations + batch > options.max_simulations) {
        out_of_budget = true;
        break;
      }
      // Proposals of this batch: index `proposed + i` of generation t, a pure function of it.
      std::vector<double> proposals;
      for (std::size_t i = 0; i < batch; ++i) {
        Stream stream(options.seed, purpose::abc_proposal, static_cast<std::uint32_t>(t),
                      static_cast<std::uint32_t>(proposed + i));
        const double u = stream.uniform() * cumulative.back();
        const std::size_t ancestor = std::min<std::size_t>(
            static_cast<std::size_t>(std::upper_bound(cumulative.begin(), cumulative.end(), u) -
                                     cumulative.begin()),
            n - 1);
        Eigen::VectorXd z(static_cast<Eigen::Index>(d));
        for (std::size_t j = 0; j < d; ++j)
          z(static_cast<Eigen::Index>(j)) = stream.normal();
        const Eigen::VectorXd step = l * z;
        for (std::size_t j = 0; j < d; ++j)
          proposals.push_back(previous.values[ancestor * d + j] +
                              step(static_cast<Eigen::Index>(j)));
      }
      proposed += batch;
      // Outside the prior's support a proposal would be rejected whatever it gave: not run.
      std::vector<double> runnable;
      std::vector<std::size_t> which;
      for (std::size_t i = 0; i < batch; ++i) {
        if (prior_joint_density(priors, &proposals[i * d]) > 0.0) {
          runnable.insert(runnable.end(), proposals.begin() + static_cast<std::ptrdiff_t>(i * d),
                          proposals.begin() + static_cast<std::ptrdiff_t>((i + 1) * d));
          which.push_back(i);
        }
      }
      if (which.empty()) continue;
      if (progress) {
        progress("generation " + std::to_string(t) + ", tolerance " + std::to_string(tolerance),
                 result.simulations + g.simulations, planned);
      }
      const std::vector<double> outputs = model(runnable, which.size(), batch_index++);
      g.simulations += which.size();
      for (std::size_t r = 0; r < which.size() && g.values.size() < n * d; ++r) {
        const std::span<const double> y(&outputs[r * m], m);
        const double distance = abc_distance(y, targets);
        if (distance <= tolerance) {
          g.values.insert(g.values.end(), runnable.begin() + static_cast<std::ptrdiff_t>(r * d),
                          runnable.begin() + static_cast<std::ptrdiff_t>((r + 1) * d));
          g.outputs.insert(g.outputs.end(), y.begin(), y.end());
          g.distances.push_back(distance);
        }
      }
      const double rate =
          static_cast<double>(g.distances.size()) / static_cast<double>(g.simulations);
      if (g.simulations >= 5 * n && rate < options.min_acceptance) break;
    }
    result.simulations += g.simulations;
    const std::size_t kept = g.distances.size();
    g.acceptance_rate =
        g.simulations > 0 ? static_cast<double>(kept) / static_cast<double>(g.simulations) : 0.0;
    if (kept < n) {
      result.stopped = out_of_budget
                           ? "generation " + std::to_string(t) +
                                 " would exceed max_simulations; the posterior is generation " +
                                 std::to_string(t - 1)
                           : "generation " + std::to_string(t) + " accepted " +
                                 std::to_string(g.acceptance_rate) +
                                 " of its proposals (below min_acceptance); the posterior is "
                                 "generation " +
                                 std::to_string(t - 1);
      break;
    }
    // Importance weights against the mixture the proposals came from.
    const Eigen::MatrixXd inv_l = l.triangularView<Eigen::Lower>().solve(
        Eigen::MatrixXd::Identity(static_cast<Eigen::Index>(d), static_cast<Eigen::Index>(d)));
    g.weights.resize(n);
    double total = 0.0;
    for (std::size_t i = 0; i < n; ++i) {
      double mixture = 0.0;
      for (std::size_t a = 0; a < n; ++a) {
        Eigen::VectorXd diff(static_cast<Eigen::Index>(d));
        for (std::size_t j = 0; j < d; ++j)
          diff(static_cast<Eigen::Index>(j)) = g.values[i * d + j] - previous.values[a * d + j];
        mixture += previous.weights[a] * std::exp(-0.5 * (inv_l * diff).squaredNorm());
      }
      g.weights[i] = prior_joint_density(priors, &g.values[i * d]) / mixture;
      total += g.weights[i];
    }
    for (double& w : g.weights)
      w /= total;
    g.effective_sample_size = effective_sample_size(g.weights);
    result.generations.push_back(std::move(g));
    if (result.generations.back().acceptance_rate < options.min_acceptance) {
      result.stopped =
          "acceptance rate fell below min_acceptance after generation " + std::to_string(t);
      break;
    }
  }
  const AbcGeneration& last = result.generations.back();
  weighted_moments(last.values, last.weights, d, result.posterior_mean,
                   result.posterior_covariance);
  if (progress) progress("done", result.simulations, result.simulations);
  return result;
}

}  // namespace caresim::analysis
