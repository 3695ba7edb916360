#pragma once
// Gaussian-process emulators (Kennedy & O'Hagan 2001; Rasmussen & Williams 2006; Andrianakis et
// al. 2015): a cheap statistical stand-in for a model output as a function of its parameters,
// with a mean and a variance at every untried point. Inputs are coordinates of the unit cube
// [0, 1]^d (the calibrator maps priors onto it). Pure numerics on plain data (Eigen).

#include <Eigen/Dense>
#include <cstdint>
#include <functional>
#include <span>
#include <vector>

#include "caresim/analysis/statistics.hpp"
#include "caresim/core/random.hpp"

namespace caresim::purpose {
/// Starting points of the emulator's multi-start likelihood maximisation.
inline constexpr Purpose emulator_starts{4000};
}  // namespace caresim::purpose

namespace caresim::analysis {

enum class Kernel : std::uint8_t {
  squared_exponential,  ///< exp(-r^2 / 2)
  matern52,             ///< (1 + sqrt5 r + 5 r^2 / 3) exp(-sqrt5 r)
};
enum class MeanFunction : std::uint8_t {
  constant,  ///< beta_0
  linear,    ///< beta_0 + sum_j beta_j x_j
};

struct EmulatorOptions {
  Kernel kernel = Kernel::matern52;
  MeanFunction mean = MeanFunction::linear;
  /// Estimate a nugget (run-to-run variance, as a share of the signal variance) by maximum
  /// likelihood; when false the nugget is fixed at `min_nugget` (numerical jitter only).
  bool fit_nugget = true;
  double min_nugget = 1e-8;
  double max_nugget = 1.0;
  /// Correlation lengths, in unit-cube coordinates, are kept within [min, max].
  double min_length = 0.01;
  double max_length = 10.0;
  int starts = 6;  ///< Nelder-Mead restarts from deterministic points (the first is fixed)
  int max_evaluations = 400;  ///< of the likelihood per start
  std::uint64_t seed = 1;     ///< of the restarts: stream (seed, emulator_starts, 0, start)
};

/// Prediction at one point. `variance` is that of the model's expected output E[f(x)] (the
/// emulator's own uncertainty); a new run at x varies by `variance + nugget_variance`.
struct EmulatorPrediction {
  double mean = 0.0;
  double variance = 0.0;
  double nugget_variance = 0.0;
};

/// Leave-one-out diagnostics (Dubrule 1983 closed form, hyperparameters held at their fitted
/// values; Bastos & O'Hagan 2009). Standardised error e_i = (y_i - m_-i) / sd_-i, the sd of a run
/// (nugget included); if the emulator is right they are about N(0, 1).
struct EmulatorDiagnostics {
  std::vector<double> loo_mean, loo_sd, standardised_error;
  double coverage_95 = 0.0;    ///< share of |e_i| <= 1.96
  double max_abs_error = 0.0;  ///< largest |e_i|
  double rmse = 0.0;           ///< of y_i - m_-i, in output units
};

/// A fitted emulator of one output. Immutable once fitted; predict() is thread-safe.
class GaussianProcess {
 public:
  /// Fits to `outputs[i]` at point i of `inputs` (row-major n x dims, in [0, 1]). The mean
  /// function's coefficients and the signal variance are profiled out (generalised least squares,
  /// restricted maximum likelihood); correlation lengths and nugget maximise the restricted
  /// likelihood by Nelder-Mead in log space from `options.starts` starts. Deterministic. Throws
  /// std::invalid_argument if there are fewer points than mean coefficients + 2, or NaNs. A
  /// constant output gives an emulator of that constant with variance 0.
  static GaussianProcess fit(std::span<const double> inputs, std::size_t dims,
                             std::span<const double> outputs, const EmulatorOptions& options = {});

  EmulatorPrediction predict(std::span<const double> x) const;
  const EmulatorDiagnostics& diagnostics() const { return diagnostics_; }

  std::size_t dims() const { return dims_; }
  std::size_t points() const { return n_; }
  const std::vector<double>& lengths() const { return lengths_; }    ///< per input
  double signal_variance() const { return sigma2_; }                 ///< output units^2
  double nugget_variance() const { return sigma2_ * nugget_; }       ///< output units^2
  const std::vector<double>& coefficients() const { return beta_; }  ///< of the mean function
  double log_likelihood() const { return log_likelihood_; }          ///< restricted, at the fit

 private:
  GaussianProcess() = default;
  double correlation(const double* a, const double* b) const;
  Eigen::VectorXd basis(const double* x) const;

  std::size_t dims_ = 0, n_ = 0, q_ = 0;
  Kernel kernel_ = Kernel::matern52;
  MeanFunction mean_ = MeanFunction::linear;
  std::vector<double> inputs_, lengths_, beta_;
  double sigma2_ = 1.0, nugget_ = 0.0, log_likelihood_ = 0.0;
  // What prediction needs (outputs standardised by y_mean_, y_sd_): the Cholesky factor of
  // A = R + nugget I, alpha = A^-1 (y - H beta), A^-1 H, and the Cholesky factor of H^T A^-1 H.
  double y_mean_ = 0.0, y_sd_ = 1.0;
  Eigen::LLT<Eigen::MatrixXd> chol_a_, chol_hah_;
  Eigen::VectorXd alpha_, beta_std_;
  Eigen::MatrixXd ainv_h_;
  EmulatorDiagnostics diagnostics_;
};

/// Minimises f over R^n by Nelder-Mead (Lagarias et al. 1998 coefficients) from `start` with
/// initial steps `step`; stops after `max_evaluations` or when the simplex's values span less
/// than `tolerance`. Returns the best point and writes its value to *best_value.
std::vector<double> nelder_mead(const std::function<double(const std::vector<double>&)>& f,
                                std::vector<double> start, const std::vector<double>& step,
                                int max_evaluations, double tolerance, double* best_value);

}  // namespace caresim::analysis
