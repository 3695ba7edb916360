#include "caresim/core/random.hpp"

#include <cmath>
#include <numbers>

namespace caresim {

namespace {

// __extension__ keeps -Wpedantic quiet about the GCC/Clang 128-bit integer.
__extension__ typedef unsigned __int128 UInt128;

constexpr double kTwoPow53Inverse = 0x1.0p-53;
constexpr std::uint64_t kGolden64 = 0x9E3779B97F4A7C15ull;

constexpr std::uint64_t splitmix64_finalise(std::uint64_t z) noexcept {
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

// Stirling-series correction fc(k) = log k! - [log sqrt(2 pi) + (k + 1/2) log(k + 1) - (k + 1)]
// (Hoermann 1993, BTRS). Exact values below 10, where the series has not converged; above, the
// series in 1/(k+1) truncated after the k^-5 term (error below 4e-11).
double stirling_correction(std::uint64_t k) noexcept {
  static constexpr double kSmall[10] = {
      0.08106146679532726,  0.04134069595540929,  0.02767792568499834,  0.02079067210376509,
      0.01664469118982119,  0.013876128823070748, 0.011896709945891770, 0.010411265261972096,
      0.009255462182712733, 0.008330563433362871,
  };
  if (k < 10) return kSmall[k];
  const double kp1 = static_cast<double>(k) + 1.0;
  const double inv_sq = 1.0 / (kp1 * kp1);
  return (1.0 / 12.0 - (1.0 / 360.0 - inv_sq / 1260.0) * inv_sq) / kp1;
}

constexpr double kLogSqrtTwoPi = 0.91893853320467274178;

// 2^64 as a double: a double at or above it does not fit in std::uint64_t.
constexpr double kTwoPow64 = 0x1.0p64;

}  // namespace

namespace detail {

double log_factorial(std::uint64_t k) noexcept {
  const double kd = static_cast<double>(k);
  return kLogSqrtTwoPi + (kd + 0.5) * std::log(kd + 1.0) - (kd + 1.0) + stirling_correction(k);
}

}  // namespace detail

double Stream::uniform_open0() noexcept {
  return static_cast<double>((next_u64() >> 11) + 1) * kTwoPow53Inverse;
}

std::uint64_t Stream::below(std::uint64_t n) noexcept {
  // Lemire, "Fast random integer generation in an interval" (2019): the high word of x * n is
  // uniform on [0, n) once the (2^64 mod n) low products that would bias it are rejected. The
  // modulo is only computed when a low word falls in the danger zone below n.
  UInt128 product = static_cast<UInt128>(next_u64()) * n;
  auto low = static_cast<std::uint64_t>(product);
  if (low < n) {
    const std::uint64_t threshold = (0 - n) % n;
    while (low < threshold) {
      product = static_cast<UInt128>(next_u64()) * n;
      low = static_cast<std::uint64_t>(product);
    }
  }
  return static_cast<std::uint64_t>(product >> 64);
}

double Stream::normal() noexcept {
  const double radius = std::sqrt(-2.0 * std::log(uniform_open0()));
  const double angle = 2.0 * std::numbers::pi * uniform();
  return radius * std::cos(angle);
}

double Stream::exponential(double rate) noexcept {
  return -std::log(uniform_open0()) / rate;
}

std::uint64_t Stream::poisson(double mean) noexcept {
  if (!(mean > 0.0)) return 0;

  if (mean < 10.0) {
    // Inversion: walk up the CDF until it passes u. The walk stops early if the CDF stops
    // growing in floating point, which only a u within rounding of 1 can reach.
    const double u = uniform();
    std::uint64_t k = 0;
    double pmf = std::exp(-mean);
    double cdf = pmf;
    while (u >= cdf) {
      ++k;
      pmf *= mean / static_cast<double>(k);
      const double next_cdf = cdf + pmf;
      if (next_cdf == cdf) break;
      cdf = next_cdf;
    }
    return k;
  }

  // PTRS: transformed rejection with squeeze (Hoermann 1993), constants from the paper.
  const double sqrt_mean = std::sqrt(mean);
  const double log_mean = std::log(mean);
  const double b = 0.931 + 2.53 * sqrt_mean;
  const double a = -0.059 + 0.02483 * b;
  const double log_inv_alpha = std::log(1.1239 + 1.1328 / (b - 3.4));
  const double v_r = 0.9277 - 3.6224 / (b - 2.0);
  for (;;) {
    const double u = uniform() - 0.5;
    const double v = uniform_open0();
    const double us = 0.5 - std::abs(u);
    const double kd = std::floor((2.0 * a / us + b) * u + mean + 0.43);
    if (us >= 0.07 && v <= v_r) return static_cast<std::uint64_t>(kd);
    if (kd < 0.0 || kd >= kTwoPow64 || (us < 0.013 && v > us)) continue;
    const auto k = static_cast<std::uint64_t>(kd);
    if (std::log(v) + log_inv_alpha - std::log(a / (us * us) + b) <=
        -mean + kd * log_mean - detail::log_factorial(k)) {
      return k;
    }
  }
}

std::uint64_t Stream::binomial(std::uint64_t n, double p) noexcept {
  if (n == 0 || !(p > 0.0)) return 0;
  if (p >= 1.0) return n;
  if (p > 0.5) return n - binomial(n, 1.0 - p);

  const double nd = static_cast<double>(n);
  const double q = 1.0 - p;

  if (nd * p < 10.0) {
    // Inversion with the pmf recurrence f(k) = f(k-1) * ((n+1)/k - 1) * p/q. Here q^n >=
    // e^-14, so the start cannot underflow; the walk stops if the CDF stops growing.
    const double odds = p / q;
    const double n_plus_1_odds = (nd + 1.0) * odds;
    const double u = uniform();
    std::uint64_t k = 0;
    double pmf = std::exp(nd * std::log1p(-p));
    double cdf = pmf;
    while (u >= cdf && k < n) {
      ++k;
      pmf *= n_plus_1_odds / static_cast<double>(k) - odds;
      const double next_cdf = cdf + pmf;
      if (next_cdf == cdf) break;
      cdf = next_cdf;
    }
    return k;
  }

  // BTRS: transformed rejection with squeeze (Hoermann 1993), constants from the paper. The
  // acceptance test compares log f(k)/f(m) written with the Stirling corrections, which avoids
  // the cancellation of differencing four large log factorials.
  const double spq = std::sqrt(nd * p * q);
  const double b = 1.15 + 2.53 * spq;
  const double a = -0.0873 + 0.0248 * b + 0.01 * p;
  const double c = nd * p + 0.5;
  const double v_r = 0.92 - 4.2 / b;
  const double alpha = (2.83 + 5.1 / b) * spq;
  const double odds = p / q;
  const auto mode = static_cast<std::uint64_t>(std::floor((nd + 1.0) * p));
  const double mode_d = static_cast<double>(mode);
  const double n_minus_mode_p1 = nd - mode_d + 1.0;
  const double h = (mode_d + 0.5) * std::log((mode_d + 1.0) / (odds * n_minus_mode_p1)) +
                   stirling_correction(mode) + stirling_correction(n - mode);
  for (;;) {
    const double u = uniform() - 0.5;
    double v = uniform_open0();
    const double us = 0.5 - std::abs(u);
    const double kd = std::floor((2.0 * a / us + b) * u + c);
    if (kd < 0.0 || kd > nd) continue;
    const auto k = static_cast<std::uint64_t>(kd);
    if (us >= 0.07 && v <= v_r) return k;
    v = std::log(v * alpha / (a / (us * us) + b));
    const double n_minus_k_p1 = nd - kd + 1.0;
    if (v <= h + (nd + 1.0) * std::log(n_minus_mode_p1 / n_minus_k_p1) +
                 (kd + 0.5) * std::log(n_minus_k_p1 * odds / (kd + 1.0)) - stirling_correction(k) -
                 stirling_correction(n - k)) {
      return k;
    }
  }
}

std::uint64_t mix_seed(std::uint64_t seed, std::uint64_t a, std::uint64_t b) noexcept {
  // Absorb one word per SplitMix64 finaliser. Each stage is a bijection of the word absorbed,
  // so for fixed other arguments distinct seeds, distinct a and distinct b never collide;
  // absorbing a before b makes the result order-sensitive. Adding the golden-ratio constant
  // keeps an all-zero input away from the finaliser's fixed point at zero.
  std::uint64_t h = splitmix64_finalise(seed + kGolden64);
  h = splitmix64_finalise((h ^ a) + kGolden64);
  h = splitmix64_finalise((h ^ b) + kGolden64);
  return h;
}

}  // namespace caresim
