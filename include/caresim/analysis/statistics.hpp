#pragma once
// Diagnostics of emergence and criticality (docs/teaching.md): susceptibility, cascade
// statistics, power-law fits and early-warning indicators. Pure functions of their inputs.

#include <cstdint>
#include <span>
#include <vector>

namespace caresim::analysis {

/// Susceptibility chi = N (<m^2> - <m>^2) of an order parameter m over replicates (population
/// variance, divisor = replicates). Needs at least one value.
double susceptibility(std::span<const double> order_parameter, double system_size);

/// Cascades reconstructed from a who-influenced-whom record.
struct CascadeStats {
  std::vector<std::uint64_t> sizes;      ///< events per cascade, in order of their roots
  std::vector<std::uint64_t> durations;  ///< generations per cascade (root alone = 1)
  /// Mean children per event: (events - roots) / events.
  double branching_ratio = 0.0;
};

/// Event i was caused by event parent[i] (< i), or is a root (parent[i] < 0). Builds each
/// cascade's size and duration (generations), and the branching ratio as every child over every
/// event (Harris's maximum-likelihood estimator of a Galton-Watson process's mean offspring when
/// the cascades were observed to their end). Throws std::invalid_argument if a parent does not
/// precede its child.
CascadeStats cascades_from_parents(std::span<const std::int64_t> parent);

/// One point of an empirical distribution.
struct Frequency {
  std::uint64_t value = 0;
  std::uint64_t count = 0;
  double probability = 0.0;  ///< count / total
  double survival = 0.0;     ///< P(X >= value)
};
/// The empirical distribution of `values`, by increasing value.
std::vector<Frequency> distribution(std::span<const std::uint64_t> values);

/// A power-law fit p(x) ~ x^-alpha for x >= x_min (Clauset, Shalizi & Newman 2009).
struct PowerLawFit {
  double alpha = 0.0;
  double x_min = 0.0;
  double ks_distance = 0.0;     ///< KS distance between the tail and the fit
  double standard_error = 0.0;  ///< (alpha - 1) / sqrt(n_tail)
  std::size_t n_tail = 0;
};

/// Continuous MLE for a given x_min: alpha = 1 + n / sum ln(x_i / x_min) over x_i >= x_min.
PowerLawFit fit_power_law_continuous_at(std::span<const double> data, double x_min);
/// Discrete MLE for a given integer x_min: maximises -n ln zeta(alpha, x_min) - alpha sum ln x_i
/// (Hurwitz zeta), alpha in (1, 10].
PowerLawFit fit_power_law_discrete_at(std::span<const std::uint64_t> data, std::uint64_t x_min);
/// As above with x_min chosen among the distinct values to minimise the KS distance, keeping at
/// least `min_tail` points in the tail. Throws std::invalid_argument if no candidate has enough.
PowerLawFit fit_power_law_continuous(std::span<const double> data, std::size_t min_tail = 10);
PowerLawFit fit_power_law_discrete(std::span<const std::uint64_t> data, std::size_t min_tail = 10);
/// Hurwitz zeta(s, q) = sum_{k >= 0} (k + q)^-s, s > 1, q > 0 (Euler-Maclaurin, ~1e-12).
double hurwitz_zeta(double s, double q);

/// Residuals of `series` after subtracting a Gaussian-kernel smooth of bandwidth `bandwidth`
/// (in samples; Dakos et al. 2012). bandwidth <= 0 subtracts the mean only.
std::vector<double> detrend_gaussian(std::span<const double> series, double bandwidth);
/// Lag-1 autocorrelation: sum (x_t - m)(x_{t+1} - m) / sum (x_t - m)^2.
double lag1_autocorrelation(std::span<const double> x);
/// Population standard deviation.
double standard_deviation(std::span<const double> x);
/// Kendall's tau-b between x and y (ties corrected); O(n^2).
double kendall_tau(std::span<const double> x, std::span<const double> y);

/// Rolling early-warning indicators (Dakos et al. 2012): detrend, then in each window of
/// `window` samples ending at t = window-1 .. n-1 compute the lag-1 autocorrelation and the
/// standard deviation; tau is their Kendall trend against time.
struct EarlyWarning {
  std::vector<double> autocorrelation;  ///< one per window, by window end
  std::vector<double> standard_deviation;
  double autocorrelation_tau = 0.0;
  double standard_deviation_tau = 0.0;
};
/// window = 0 means half the series (the usual choice).
EarlyWarning early_warning(std::span<const double> series, std::size_t window = 0,
                           double bandwidth = 0.0);

/// Regularized incomplete beta function I_x(a, b), a, b > 0, x in [0, 1] (continued fraction,
/// modified Lentz; relative error ~1e-14). Throws std::invalid_argument outside the domain.
double incomplete_beta(double a, double b, double x);
/// Standard normal quantile: the z with Phi(z) = p, p in (0, 1) (Acklam's rational
/// approximation refined by one Halley step; ~1e-15 relative).
double normal_quantile(double p);
/// Standard normal CDF.
double normal_cdf(double z);
/// Student's t distribution with `dof` > 0 degrees of freedom: P(T <= t).
double student_t_cdf(double t, double dof);
/// Its quantile: the t with P(T <= t) = p, p in (0, 1) (bisection on the CDF to ~1e-13;
/// 0.975 with 1 dof gives 12.7062047..., with 30 gives 2.0422724...).
double student_t_quantile(double p, double dof);

/// Mean and two-sided confidence interval of a sample from Student's t: mean -+ t(1 - alpha/2,
/// n-1) s / sqrt(n), s the sample standard deviation (divisor n - 1). With n < 2 the interval
/// is NaN; with every value equal it is exactly [mean, mean].
struct MeanInterval {
  double mean = 0.0;
  double low = 0.0;
  double high = 0.0;
  double half_width = 0.0;
};
MeanInterval mean_interval(std::span<const double> x, double confidence = 0.95);
/// The same with the t quantile given (t(1 - alpha/2, n-1)), for many samples of one size.
MeanInterval mean_interval_given_t(std::span<const double> x, double t);

}  // namespace caresim::analysis
