#include "caresim/analysis/statistics.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>
#include <type_traits>

namespace caresim::analysis {

double susceptibility(std::span<const double> m, double system_size) {
  if (m.empty()) throw std::invalid_argument("susceptibility: no replicates");
  const auto n = static_cast<double>(m.size());
  const double mean = std::accumulate(m.begin(), m.end(), 0.0) / n;
  double var = 0.0;
  for (const double x : m)
    var += (x - mean) * (x - mean);
  return system_size * var / n;
}

CascadeStats cascades_from_parents(std::span<const std::int64_t> parent) {
  const std::size_t n = parent.size();
  std::vector<std::size_t> root_of(n), generation(n);
  std::vector<std::size_t> cascade_of_root(n, 0);
  CascadeStats stats;
  std::size_t roots = 0;
  for (std::size_t i = 0; i < n; ++i) {
    if (parent[i] < 0) {
      root_of[i] = i;
      generation[i] = 1;
      cascade_of_root[i] = stats.sizes.size();
      stats.sizes.push_back(0);
      stats.durations.push_back(0);
      ++roots;
    } else {
      const auto p = static_cast<std::size_t>(parent[i]);
      if (p >= i) throw std::invalid_argument("cascades_from_parents: a parent follows its child");
      root_of[i] = root_of[p];
      generation[i] = generation[p] + 1;
    }
    const std::size_t c = cascade_of_root[root_of[i]];
    ++stats.sizes[c];
    stats.durations[c] = std::max<std::uint64_t>(stats.durations[c], generation[i]);
  }
  stats.branching_ratio = n == 0 ? 0.0 : static_cast<double>(n - roots) / static_cast<double>(n);
  return stats;
}

std::vector<Frequency> distribution(std::span<const std::uint64_t> values) {
  std::vector<std::uint64_t> sorted(values.begin(), values.end());
  std::sort(sorted.begin(), sorted.end());
  std::vector<Frequency> out;
  const auto total = static_cast<double>(sorted.size());
  for (std::size_t i = 0; i < sorted.size();) {
    std::size_t j = i;
    while (j < sorted.size() && sorted[j] == sorted[i])
      ++j;
    out.push_back({sorted[i], j - i, static_cast<double>(j - i) / total,
                   static_cast<double>(sorted.size() - i) / total});
    i = j;
  }
  return out;
}

double hurwitz_zeta(double s, double q) {
  if (!(s > 1.0) || !(q > 0.0)) throw std::invalid_argument("hurwitz_zeta: need s > 1, q > 0");
  // Euler-Maclaurin: direct sum of N terms, then the integral, half the first omitted term and
  // Bernoulli corrections B_2j / (2j)! s (s+1) ... (s+2j-2) (q+N)^-(s+2j-1).
  constexpr int kTerms = 12;
  constexpr double kBernoulliOverFactorial[] = {1.0 / 12.0,       -1.0 / 720.0,
                                                1.0 / 30240.0,    -1.0 / 1209600.0,
                                                1.0 / 47900160.0, -691.0 / 1307674368000.0};
  double sum = 0.0;
  for (int k = 0; k < kTerms; ++k)
    sum += std::pow(q + k, -s);
  const double a = q + kTerms;
  sum += std::pow(a, 1.0 - s) / (s - 1.0) + 0.5 * std::pow(a, -s);
  double rising = s;                     // s (s+1) ... (s+2j-2)
  double power = std::pow(a, -s - 1.0);  // a^-(s+2j-1)
  for (int j = 0; j < 6; ++j) {
    sum += kBernoulliOverFactorial[j] * rising * power;
    rising *= (s + 2.0 * j + 1.0) * (s + 2.0 * j + 2.0);
    power /= a * a;
  }
  return sum;
}

namespace {

/// KS distance between the empirical CDF of sorted `tail` (all >= x_min) and the fitted CDF.
template <class T, class Cdf>
double ks_distance(const std::vector<T>& tail, Cdf&& cdf) {
  const auto n = static_cast<double>(tail.size());
  double d = 0.0;
  for (std::size_t i = 0; i < tail.size();) {
    std::size_t j = i;
    while (j < tail.size() && tail[j] == tail[i])
      ++j;
    // Compare at each distinct value: empirical CDF just below and at it.
    const double fitted = cdf(tail[i]);
    const double below = static_cast<double>(i) / n, at = static_cast<double>(j) / n;
    d = std::max({d, std::abs(at - fitted)});
    if constexpr (std::is_floating_point_v<T>) d = std::max(d, std::abs(below - fitted));
    i = j;
  }
  return d;
}

template <class T>
std::vector<T> tail_of(std::span<const T> data, T x_min) {
  std::vector<T> tail;
  for (const T x : data)
    if (x >= x_min) tail.push_back(x);
  std::sort(tail.begin(), tail.end());
  return tail;
}

PowerLawFit fit_continuous_tail(const std::vector<double>& tail, double x_min) {
  PowerLawFit fit;
  fit.x_min = x_min;
  fit.n_tail = tail.size();
  if (tail.size() < 2) throw std::invalid_argument("power-law fit: fewer than 2 points in tail");
  double log_sum = 0.0;
  for (const double x : tail)
    log_sum += std::log(x / x_min);
  if (!(log_sum > 0.0)) throw std::invalid_argument("power-law fit: all tail points at x_min");
  const auto n = static_cast<double>(tail.size());
  fit.alpha = 1.0 + n / log_sum;
  fit.standard_error = (fit.alpha - 1.0) / std::sqrt(n);
  fit.ks_distance =
      ks_distance(tail, [&](double x) { return 1.0 - std::pow(x / x_min, 1.0 - fit.alpha); });
  return fit;
}

PowerLawFit fit_discrete_tail(const std::vector<std::uint64_t>& tail, std::uint64_t x_min) {
  PowerLawFit fit;
  fit.x_min = static_cast<double>(x_min);
  fit.n_tail = tail.size();
  if (tail.size() < 2 || x_min < 1) {
    throw std::invalid_argument("power-law fit: need x_min >= 1 and 2 points in the tail");
  }
  double log_sum = 0.0;
  for (const std::uint64_t x : tail)
    log_sum += std::log(static_cast<double>(x));
  const auto n = static_cast<double>(tail.size());
  const double q = static_cast<double>(x_min);
  const auto log_likelihood = [&](double alpha) {
    return -n * std::log(hurwitz_zeta(alpha, q)) - alpha * log_sum;
  };
  // The log-likelihood is concave in alpha: golden-section search on (1, 10].
  double lo = 1.0 + 1e-6, hi = 10.0;
  const double golden = (std::sqrt(5.0) - 1.0) / 2.0;
  double a = hi - golden * (hi - lo), b = lo + golden * (hi - lo);
  double fa = log_likelihood(a), fb = log_likelihood(b);
  while (hi - lo > 1e-10) {
    if (fa < fb) {
      lo = a;
      a = b;
      fa = fb;
      b = lo + golden * (hi - lo);
      fb = log_likelihood(b);
    } else {
      hi = b;
      b = a;
      fb = fa;
      a = hi - golden * (hi - lo);
      fa = log_likelihood(a);
    }
  }
  fit.alpha = 0.5 * (lo + hi);
  fit.standard_error = (fit.alpha - 1.0) / std::sqrt(n);
  const double norm = hurwitz_zeta(fit.alpha, q);
  fit.ks_distance = ks_distance(tail, [&](std::uint64_t x) {
    return 1.0 - hurwitz_zeta(fit.alpha, static_cast<double>(x + 1)) / norm;
  });
  return fit;
}

template <class T, class FitTail>
PowerLawFit best_x_min(std::span<const T> data, std::size_t min_tail, FitTail&& fit_tail) {
  std::vector<T> sorted(data.begin(), data.end());
  std::sort(sorted.begin(), sorted.end());
  PowerLawFit best;
  best.ks_distance = std::numeric_limits<double>::infinity();
  for (std::size_t i = 0; i < sorted.size(); ++i) {
    if (i > 0 && sorted[i] == sorted[i - 1]) continue;
    if (sorted.size() - i < std::max<std::size_t>(min_tail, 2)) break;
    if (sorted[i] <= T{0} || sorted.back() == sorted[i]) continue;
    const std::vector<T> tail(sorted.begin() + static_cast<std::ptrdiff_t>(i), sorted.end());
    const PowerLawFit fit = fit_tail(tail, sorted[i]);
    if (fit.ks_distance < best.ks_distance) best = fit;
  }
  if (best.n_tail == 0) throw std::invalid_argument("power-law fit: no x_min leaves enough data");
  return best;
}

}  // namespace

PowerLawFit fit_power_law_continuous_at(std::span<const double> data, double x_min) {
  return fit_continuous_tail(tail_of(data, x_min), x_min);
}

PowerLawFit fit_power_law_discrete_at(std::span<const std::uint64_t> data, std::uint64_t x_min) {
  return fit_discrete_tail(tail_of(data, x_min), x_min);
}

PowerLawFit fit_power_law_continuous(std::span<const double> data, std::size_t min_tail) {
  return best_x_min(data, min_tail, fit_continuous_tail);
}

PowerLawFit fit_power_law_discrete(std::span<const std::uint64_t> data, std::size_t min_tail) {
  return best_x_min(data, min_tail, fit_discrete_tail);
}

std::vector<double> detrend_gaussian(std::span<const double> series, double bandwidth) {
  const std::size_t n = series.size();
  std::vector<double> residual(n);
  if (n == 0) return residual;
  if (!(bandwidth > 0.0)) {
    const double mean = std::accumulate(series.begin(), series.end(), 0.0) / static_cast<double>(n);
    for (std::size_t i = 0; i < n; ++i)
      residual[i] = series[i] - mean;
    return residual;
  }
  for (std::size_t i = 0; i < n; ++i) {
    double weighted = 0.0, weights = 0.0;
    for (std::size_t j = 0; j < n; ++j) {
      const double u = (static_cast<double>(i) - static_cast<double>(j)) / bandwidth;
      const double w = std::exp(-0.5 * u * u);
      weighted += w * series[j];
      weights += w;
    }
    residual[i] = series[i] - weighted / weights;
  }
  return residual;
}

double lag1_autocorrelation(std::span<const double> x) {
  if (x.size() < 2) throw std::invalid_argument("lag1_autocorrelation: need 2 or more values");
  const double mean = std::accumulate(x.begin(), x.end(), 0.0) / static_cast<double>(x.size());
  double num = 0.0, den = 0.0;
  for (std::size_t t = 0; t < x.size(); ++t) {
    den += (x[t] - mean) * (x[t] - mean);
    if (t + 1 < x.size()) num += (x[t] - mean) * (x[t + 1] - mean);
  }
  return den > 0.0 ? num / den : 0.0;
}

double standard_deviation(std::span<const double> x) {
  if (x.empty()) throw std::invalid_argument("standard_deviation: no values");
  const double mean = std::accumulate(x.begin(), x.end(), 0.0) / static_cast<double>(x.size());
  double var = 0.0;
  for (const double v : x)
    var += (v - mean) * (v - mean);
  return std::sqrt(var / static_cast<double>(x.size()));
}

double kendall_tau(std::span<const double> x, std::span<const double> y) {
  if (x.size() != y.size() || x.size() < 2) {
    throw std::invalid_argument("kendall_tau: need two series of equal length >= 2");
  }
  double concordant = 0.0, discordant = 0.0, ties_x = 0.0, ties_y = 0.0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    for (std::size_t j = i + 1; j < x.size(); ++j) {
      const double dx = x[i] - x[j], dy = y[i] - y[j];
      if (dx == 0.0 && dy == 0.0) continue;  // tied in both: counted in neither
      if (dx == 0.0) {
        ties_x += 1.0;
      } else if (dy == 0.0) {
        ties_y += 1.0;
      } else if ((dx > 0.0) == (dy > 0.0)) {
        concordant += 1.0;
      } else {
        discordant += 1.0;
      }
    }
  }
  const double den =
      std::sqrt((concordant + discordant + ties_x) * (concordant + discordant + ties_y));
  return den > 0.0 ? (concordant - discordant) / den : 0.0;
}

EarlyWarning early_warning(std::span<const double> series, std::size_t window, double bandwidth) {
  const std::size_t n = series.size();
  if (window == 0) window = n / 2;
  if (window < 3 || window > n) throw std::invalid_argument("early_warning: bad window");
  const std::vector<double> residual = detrend_gaussian(series, bandwidth);
  EarlyWarning ew;
  std::vector<double> time;
  for (std::size_t end = window; end <= n; ++end) {
    const std::span<const double> w(residual.data() + (end - window), window);
    ew.autocorrelation.push_back(lag1_autocorrelation(w));
    ew.standard_deviation.push_back(standard_deviation(w));
    time.push_back(static_cast<double>(end));
  }
  if (time.size() >= 2) {
    ew.autocorrelation_tau = kendall_tau(time, ew.autocorrelation);
    ew.standard_deviation_tau = kendall_tau(time, ew.standard_deviation);
  }
  return ew;
}

namespace {

// Continued fraction of the incomplete beta function (modified Lentz; Press et al. 2007, 6.4).
double beta_fraction(double a, double b, double x) {
  constexpr double kTiny = 1e-300;
  constexpr double kEps = 1e-15;
  const double qab = a + b, qap = a + 1.0, qam = a - 1.0;
  double c = 1.0;
  double d = 1.0 - qab * x / qap;
  if (std::fabs(d) < kTiny) d = kTiny;
  d = 1.0 / d;
  double h = d;
  for (int m = 1; m <= 10000; ++m) {
    const double m2 = 2.0 * m;
    double aa = m * (b - m) * x / ((qam + m2) * (a + m2));
    d = 1.0 + aa * d;
    if (std::fabs(d) < kTiny) d = kTiny;
    c = 1.0 + aa / c;
    if (std::fabs(c) < kTiny) c = kTiny;
    d = 1.0 / d;
    h *= d * c;
    aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
    d = 1.0 + aa * d;
    if (std::fabs(d) < kTiny) d = kTiny;
    c = 1.0 + aa / c;
    if (std::fabs(c) < kTiny) c = kTiny;
    d = 1.0 / d;
    const double del = d * c;
    h *= del;
    if (std::fabs(del - 1.0) < kEps) break;
  }
  return h;
}

}  // namespace

double incomplete_beta(double a, double b, double x) {
  if (!(a > 0.0) || !(b > 0.0) || !(x >= 0.0 && x <= 1.0)) {
    throw std::invalid_argument("incomplete_beta: expected a, b > 0 and x in [0, 1]");
  }
  if (x == 0.0 || x == 1.0) return x;
  const double log_front =
      std::lgamma(a + b) - std::lgamma(a) - std::lgamma(b) + a * std::log(x) + b * std::log1p(-x);
  const double front = std::exp(log_front);
  // The fraction converges fast for x < (a + 1) / (a + b + 2); use the symmetry otherwise.
  if (x < (a + 1.0) / (a + b + 2.0)) return front * beta_fraction(a, b, x) / a;
  return 1.0 - front * beta_fraction(b, a, 1.0 - x) / b;
}

double student_t_cdf(double t, double dof) {
  if (!(dof > 0.0)) throw std::invalid_argument("student_t_cdf: expected dof > 0");
  if (std::isnan(t)) return t;
  if (std::isinf(t)) return t > 0 ? 1.0 : 0.0;
  const double tail = 0.5 * incomplete_beta(0.5 * dof, 0.5, dof / (dof + t * t));
  return t > 0.0 ? 1.0 - tail : tail;
}

double student_t_quantile(double p, double dof) {
  if (!(p > 0.0 && p < 1.0) || !(dof > 0.0)) {
    throw std::invalid_argument("student_t_quantile: expected p in (0, 1) and dof > 0");
  }
  if (p == 0.5) return 0.0;
  if (p < 0.5) return -student_t_quantile(1.0 - p, dof);
  // Bracket [0, hi] with the CDF at hi above p, then bisect: deterministic and monotone.
  double lo = 0.0, hi = 1.0;
  while (student_t_cdf(hi, dof) < p && hi < 1e300)
    hi *= 2.0;
  for (int i = 0; i < 200 && hi - lo > 1e-13 * std::max(1.0, hi); ++i) {
    const double mid = 0.5 * (lo + hi);
    if (student_t_cdf(mid, dof) < p) {
      lo = mid;
    } else {
      hi = mid;
    }
  }
  return 0.5 * (lo + hi);
}

MeanInterval mean_interval(std::span<const double> x, double confidence) {
  const double t = x.size() < 2 ? std::numeric_limits<double>::quiet_NaN()
                                : student_t_quantile(1.0 - (1.0 - confidence) / 2.0,
                                                     static_cast<double>(x.size()) - 1.0);
  return mean_interval_given_t(x, t);
}

MeanInterval mean_interval_given_t(std::span<const double> x, double t) {
  MeanInterval r;
  const auto n = static_cast<double>(x.size());
  if (x.empty()) {
    r.mean = r.low = r.high = r.half_width = std::numeric_limits<double>::quiet_NaN();
    return r;
  }
  double sum = 0.0;
  for (const double v : x)
    sum += v;
  r.mean = sum / n;
  if (x.size() < 2) {
    r.low = r.high = r.half_width = std::numeric_limits<double>::quiet_NaN();
    return r;
  }
  double ss = 0.0;
  for (const double v : x)
    ss += (v - r.mean) * (v - r.mean);
  r.half_width = t * std::sqrt(ss / (n - 1.0) / n);
  r.low = r.mean - r.half_width;
  r.high = r.mean + r.half_width;
  return r;
}

double normal_cdf(double z) {
  return 0.5 * std::erfc(-z / std::sqrt(2.0));
}

double normal_quantile(double p) {
  if (!(p > 0.0 && p < 1.0)) {
    if (p == 0.0) return -std::numeric_limits<double>::infinity();
    if (p == 1.0) return std::numeric_limits<double>::infinity();
    throw std::invalid_argument("normal_quantile: p must be in (0, 1)");
  }
  static constexpr double a[] = {-3.969683028665376e+01, 2.209460984245205e+02,
                                 -2.759285104469687e+02, 1.383577518672690e+02,
                                 -3.066479806614716e+01, 2.506628277459239e+00};
  static constexpr double b[] = {-5.447609879822406e+01, 1.615858368580409e+02,
                                 -1.556989798598866e+02, 6.680131188771972e+01,
                                 -1.328068155288572e+01};
  static constexpr double c[] = {-7.784894002430293e-03, -3.223964580411365e-01,
                                 -2.400758277161838e+00, -2.549732539343734e+00,
                                 4.374664141464968e+00,  2.938163982698783e+00};
  static constexpr double d[] = {7.784695709041462e-03, 3.224671290700398e-01,
                                 2.445134137142996e+00, 3.754408661907416e+00};
  double x;
  if (p < 0.02425) {
    const double q = std::sqrt(-2.0 * std::log(p));
    x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
        ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1.0);
  } else if (p <= 1.0 - 0.02425) {
    const double q = p - 0.5, r = q * q;
    x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
        (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1.0);
  } else {
    const double q = std::sqrt(-2.0 * std::log(1.0 - p));
    x = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
        ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1.0);
  }
  // One Halley step on Phi(x) - p brings the 1e-9 approximation to machine precision.
  const double e = normal_cdf(x) - p;
  const double u = e * std::sqrt(2.0 * M_PI) * std::exp(0.5 * x * x);
  return x - u / (1.0 + 0.5 * x * u);
}

}  // namespace caresim::analysis
