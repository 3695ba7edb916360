#include "caresim/core/random.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <functional>
#include <numbers>
#include <vector>

#include "../test_purposes.hpp"

namespace caresim {
namespace {

using Block = std::array<std::uint32_t, 4>;

constexpr std::uint64_t kSeed = 0x5EEDCA4E2024ull;

// Statistical checks accept |estimate - expected| < kZ standard errors. Seeds are fixed, so each
// check is deterministic; kZ = 5 makes a false alarm on a correct generator about 1 in 2e6.
constexpr double kZ = 5.0;

Stream test_stream(std::uint32_t agent, Purpose purpose = purpose::test_a, std::uint32_t step = 0) {
  return Stream(kSeed, purpose, step, agent);
}

struct SampleMoments {
  double mean;
  double variance;  // with n - 1
  double skewness;
  double excess_kurtosis;
};

SampleMoments moments_of(const std::vector<double>& values) {
  const auto n = static_cast<double>(values.size());
  double sum = 0.0;
  for (const double x : values)
    sum += x;
  const double mean = sum / n;
  double m2 = 0.0;
  double m3 = 0.0;
  double m4 = 0.0;
  for (const double x : values) {
    const double d = x - mean;
    const double d2 = d * d;
    m2 += d2;
    m3 += d2 * d;
    m4 += d2 * d2;
  }
  m2 /= n;
  m3 /= n;
  m4 /= n;
  return {mean, m2 * n / (n - 1.0), m3 / std::pow(m2, 1.5), m4 / (m2 * m2) - 3.0};
}

double correlation(const std::vector<double>& x, const std::vector<double>& y) {
  const auto n = static_cast<double>(x.size());
  double mean_x = 0.0;
  double mean_y = 0.0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    mean_x += x[i];
    mean_y += y[i];
  }
  mean_x /= n;
  mean_y /= n;
  double sxy = 0.0;
  double sxx = 0.0;
  double syy = 0.0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    sxy += (x[i] - mean_x) * (y[i] - mean_y);
    sxx += (x[i] - mean_x) * (x[i] - mean_x);
    syy += (y[i] - mean_y) * (y[i] - mean_y);
  }
  return sxy / std::sqrt(sxx * syy);
}

// Upper 0.1% point of chi-square with `dof` degrees of freedom by the Wilson-Hilferty cube
// approximation (within a few percent even at dof = 2, and tighter as dof grows).
double chi_square_critical_p001(double dof) {
  constexpr double kZ999 = 3.090232306167813;  // standard normal 0.999 quantile
  const double c = 2.0 / (9.0 * dof);
  return dof * std::pow(1.0 - c + kZ999 * std::sqrt(c), 3.0);
}

struct ChiSquare {
  double statistic;
  double dof;
};

// Pearson chi-square of observed counts against expected ones, cells in order, adjacent cells
// pooled until each pooled cell expects at least 5 (a remainder joins the last pooled cell).
ChiSquare chi_square(const std::vector<double>& observed, const std::vector<double>& expected) {
  std::vector<double> pooled_observed;
  std::vector<double> pooled_expected;
  double run_observed = 0.0;
  double run_expected = 0.0;
  for (std::size_t i = 0; i < observed.size(); ++i) {
    run_observed += observed[i];
    run_expected += expected[i];
    if (run_expected >= 5.0) {
      pooled_observed.push_back(run_observed);
      pooled_expected.push_back(run_expected);
      run_observed = 0.0;
      run_expected = 0.0;
    }
  }
  if (pooled_expected.empty()) {
    pooled_observed.push_back(0.0);
    pooled_expected.push_back(0.0);
  }
  pooled_observed.back() += run_observed;
  pooled_expected.back() += run_expected;
  double statistic = 0.0;
  for (std::size_t i = 0; i < pooled_expected.size(); ++i) {
    const double d = pooled_observed[i] - pooled_expected[i];
    statistic += d * d / pooled_expected[i];
  }
  return {statistic, static_cast<double>(pooled_expected.size()) - 1.0};
}

// Chi-square of integer draws against an exact pmf on 0..max_value, with one extra cell for
// everything above max_value holding the pmf's remaining mass.
ChiSquare chi_square_against_pmf(const std::vector<std::uint64_t>& draws, std::uint64_t max_value,
                                 const std::function<double(std::uint64_t)>& pmf) {
  const auto n = static_cast<double>(draws.size());
  std::vector<double> observed(max_value + 2, 0.0);
  std::vector<double> expected(max_value + 2, 0.0);
  for (const std::uint64_t k : draws)
    observed[std::min(k, max_value + 1)] += 1.0;
  double mass = 0.0;
  for (std::uint64_t k = 0; k <= max_value; ++k) {
    expected[k] = n * pmf(k);
    mass += pmf(k);
  }
  expected[max_value + 1] = n * std::max(0.0, 1.0 - mass);
  return chi_square(observed, expected);
}

double poisson_pmf(double mean, std::uint64_t k) {
  const double kd = static_cast<double>(k);
  return std::exp(-mean + kd * std::log(mean) - std::lgamma(kd + 1.0));
}

double binomial_pmf(std::uint64_t n, double p, std::uint64_t k) {
  const double nd = static_cast<double>(n);
  const double kd = static_cast<double>(k);
  return std::exp(std::lgamma(nd + 1.0) - std::lgamma(kd + 1.0) - std::lgamma(nd - kd + 1.0) +
                  kd * std::log(p) + (nd - kd) * std::log1p(-p));
}

// Mean and variance of integer draws against the distribution's; the standard error of the
// sample variance is sqrt((mu4 - sigma^4) / N) from the fourth central moment.
void check_count_moments(const std::vector<std::uint64_t>& draws, double mean, double variance,
                         double fourth_central_moment) {
  std::vector<double> values(draws.begin(), draws.end());
  const auto n = static_cast<double>(values.size());
  const SampleMoments m = moments_of(values);
  const double mean_se = std::sqrt(variance / n);
  const double variance_se = std::sqrt((fourth_central_moment - variance * variance) / n);
  INFO("expected mean " << mean << ", variance " << variance);
  INFO("sample mean " << m.mean << ", variance " << m.variance);
  CHECK(std::abs(m.mean - mean) < kZ * mean_se);
  CHECK(std::abs(m.variance - variance) < kZ * variance_se);
}

TEST_CASE("philox4x32_10 matches the Random123 known-answer vectors", "[rng]") {
  CHECK(philox4x32_10({0, 0, 0, 0}, {0, 0}) ==
        Block{0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8});
  CHECK(philox4x32_10({0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff}, {0xffffffff, 0xffffffff}) ==
        Block{0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd});
  CHECK(philox4x32_10({0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344}, {0xa4093822, 0x299f31d0}) ==
        Block{0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1});
}

TEST_CASE("Stream values are halves of the Philox block at {purpose, step, agent, n/2}", "[rng]") {
  const std::uint64_t seed = 0x0123456789ABCDEFull;
  Stream stream(seed, Purpose{21}, 17, 123456);
  const std::array<std::uint32_t, 2> key{0x89ABCDEF, 0x01234567};
  for (std::uint32_t block_index = 0; block_index < 4; ++block_index) {
    const Block block = philox4x32_10({21, 17, 123456, block_index}, key);
    CHECK(stream.next_u64() == (std::uint64_t{block[0]} | std::uint64_t{block[1]} << 32));
    CHECK(stream.next_u64() == (std::uint64_t{block[2]} | std::uint64_t{block[3]} << 32));
  }
  CHECK(stream.draws() == 8);
}

TEST_CASE("Stream value n is a pure function of (seed, purpose, step, agent, n)", "[rng]") {
  constexpr std::uint64_t kCount = 64;
  Stream reference = test_stream(5, purpose::test_a, 9);
  std::vector<std::uint64_t> in_order;
  for (std::uint64_t n = 0; n < kCount; ++n)
    in_order.push_back(reference.next_u64());

  SECTION("fresh streams asked for values in reverse order") {
    for (std::uint64_t n = kCount; n-- > 0;) {
      Stream fresh = test_stream(5, purpose::test_a, 9);
      for (std::uint64_t skip = 0; skip < n; ++skip)
        fresh.next_u64();
      CHECK(fresh.draws() == n);
      CHECK(fresh.next_u64() == in_order[n]);
    }
  }
  SECTION("interleaving with other streams changes nothing") {
    Stream same = test_stream(5, purpose::test_a, 9);
    Stream other_agent = test_stream(6, purpose::test_a, 9);
    Stream other_purpose = test_stream(5, purpose::test_b, 9);
    for (std::uint64_t n = 0; n < kCount; ++n) {
      other_agent.next_u64();
      if (n % 3 == 0) other_purpose.next_u64();
      CHECK(same.next_u64() == in_order[n]);
    }
  }
  SECTION("a copy taken mid-stream continues identically, including from an odd index") {
    Stream original = test_stream(5, purpose::test_a, 9);
    for (int i = 0; i < 7; ++i)
      original.next_u64();
    Stream copy = original;
    for (std::uint64_t n = 7; n < kCount; ++n) {
      CHECK(copy.next_u64() == in_order[n]);
      CHECK(original.next_u64() == in_order[n]);
    }
  }
  SECTION("every key component changes the values") {
    CHECK(Stream(kSeed + 1, purpose::test_a, 9, 5).next_u64() != in_order[0]);
    CHECK(Stream(kSeed ^ (1ull << 63), purpose::test_a, 9, 5).next_u64() != in_order[0]);
    CHECK(test_stream(5, purpose::test_b, 9).next_u64() != in_order[0]);
    CHECK(test_stream(5, purpose::test_a, 10).next_u64() != in_order[0]);
    CHECK(test_stream(6, purpose::test_a, 9).next_u64() != in_order[0]);
  }
}

TEST_CASE("Stream output is pinned (part of the output contract)", "[rng]") {
  // Changing any of these changes every scenario's numbers: do it only on purpose, and say so.
  Stream bits(0x0123456789ABCDEFull, purpose::test_a, 7, 42);
  CHECK(bits.next_u64() == 0x028e58a12d99cc90ull);
  CHECK(bits.next_u64() == 0x674f3f099a6b44c3ull);
  CHECK(bits.next_u64() == 0xf7432c36bd3b8390ull);

  Stream counts(0x0123456789ABCDEFull, purpose::test_b, 7, 42);
  std::vector<std::uint64_t> drawn;
  for (int i = 0; i < 4; ++i)
    drawn.push_back(counts.poisson(3.0));
  for (int i = 0; i < 4; ++i)
    drawn.push_back(counts.poisson(25.0));
  for (int i = 0; i < 4; ++i)
    drawn.push_back(counts.binomial(20, 0.2));
  for (int i = 0; i < 4; ++i)
    drawn.push_back(counts.binomial(1000, 0.3));
  for (int i = 0; i < 4; ++i)
    drawn.push_back(counts.below(1000));
  CHECK(drawn == std::vector<std::uint64_t>{3, 0, 2,   1,   12,  32,  23,  25,  7,   4,
                                            3, 5, 307, 274, 305, 286, 578, 400, 320, 773});
  CHECK(counts.draws() == 28);

  CHECK(mix_seed(0, 0, 0) == 0x238275bc38fcbe91ull);
  CHECK(mix_seed(20240601, 3, 1) == 0x970801cede4f35b9ull);
}

TEST_CASE("uniform has mean 1/2 and variance 1/12 on the half-open unit interval", "[rng]") {
  constexpr std::size_t kN = 1'000'000;
  std::vector<double> values;
  values.reserve(kN);
  Stream stream = test_stream(1);
  for (std::size_t i = 0; i < kN; ++i)
    values.push_back(stream.uniform());
  const auto [min_it, max_it] = std::minmax_element(values.begin(), values.end());
  CHECK(*min_it >= 0.0);
  CHECK(*max_it < 1.0);
  const SampleMoments m = moments_of(values);
  const double n = kN;
  CHECK(std::abs(m.mean - 0.5) < kZ * std::sqrt(1.0 / 12.0 / n));
  CHECK(std::abs(m.variance - 1.0 / 12.0) < kZ * std::sqrt((1.0 / 80.0 - 1.0 / 144.0) / n));
}

TEST_CASE("uniform and uniform_open0 map the same bits, one excluding 1 and one excluding 0",
          "[rng]") {
  Stream closed = test_stream(2);
  Stream open = test_stream(2);
  Stream bits = test_stream(2);
  for (int i = 0; i < 1000; ++i) {
    const std::uint64_t top53 = bits.next_u64() >> 11;
    const double u = closed.uniform();
    const double u_open = open.uniform_open0();
    CHECK(u == std::ldexp(static_cast<double>(top53), -53));
    CHECK(u_open == std::ldexp(static_cast<double>(top53 + 1), -53));
    CHECK(u_open > 0.0);
    CHECK(u_open <= 1.0);
  }
}

TEST_CASE("normal has the moments of a standard normal", "[rng]") {
  constexpr std::size_t kN = 1'000'000;
  std::vector<double> values;
  values.reserve(kN);
  Stream stream = test_stream(3);
  for (std::size_t i = 0; i < kN; ++i)
    values.push_back(stream.normal());
  CHECK(stream.draws() == 2 * kN);
  const SampleMoments m = moments_of(values);
  const double n = kN;
  INFO("mean " << m.mean << " variance " << m.variance << " skewness " << m.skewness
               << " excess kurtosis " << m.excess_kurtosis);
  CHECK(std::abs(m.mean) < kZ * std::sqrt(1.0 / n));
  CHECK(std::abs(m.variance - 1.0) < kZ * std::sqrt(2.0 / n));
  CHECK(std::abs(m.skewness) < kZ * std::sqrt(6.0 / n));
  CHECK(std::abs(m.excess_kurtosis) < kZ * std::sqrt(24.0 / n));

  Stream shifted = test_stream(3);
  Stream standard = test_stream(3);
  for (int i = 0; i < 100; ++i)
    CHECK(shifted.normal(10.0, 2.0) == 10.0 + 2.0 * standard.normal());
}

TEST_CASE("exponential has mean 1/rate and variance 1/rate^2", "[rng]") {
  constexpr std::size_t kN = 500'000;
  constexpr double kRate = 2.5;
  std::vector<double> values;
  values.reserve(kN);
  Stream stream = test_stream(4);
  for (std::size_t i = 0; i < kN; ++i)
    values.push_back(stream.exponential(kRate));
  CHECK(*std::min_element(values.begin(), values.end()) >= 0.0);
  const SampleMoments m = moments_of(values);
  const double n = kN;
  const double variance = 1.0 / (kRate * kRate);
  INFO("mean " << m.mean << " variance " << m.variance);
  CHECK(std::abs(m.mean - 1.0 / kRate) < kZ * std::sqrt(variance / n));
  // For the exponential, mu4 = 9 sigma^4, so var(s^2) ~ 8 sigma^4 / N.
  CHECK(std::abs(m.variance - variance) < kZ * variance * std::sqrt(8.0 / n));
}

TEST_CASE("bernoulli is true at rate p and always uses one draw", "[rng]") {
  constexpr std::size_t kN = 500'000;
  for (const double p : {0.3, 0.001}) {
    Stream stream = test_stream(5);
    std::size_t hits = 0;
    for (std::size_t i = 0; i < kN; ++i)
      hits += stream.bernoulli(p) ? 1 : 0;
    const double rate = static_cast<double>(hits) / kN;
    INFO("p " << p << " rate " << rate);
    CHECK(std::abs(rate - p) < kZ * std::sqrt(p * (1.0 - p) / kN));
  }
  Stream stream = test_stream(6);
  for (int i = 0; i < 1000; ++i) {
    CHECK_FALSE(stream.bernoulli(0.0));
    CHECK_FALSE(stream.bernoulli(-1.0));
    CHECK(stream.bernoulli(1.0));
    CHECK(stream.bernoulli(2.0));
  }
  CHECK(stream.draws() == 4000);
}

TEST_CASE("below(n) is uniform on 0..n-1", "[rng]") {
  SECTION("n = 1 always gives 0") {
    Stream stream = test_stream(7);
    for (int i = 0; i < 100; ++i)
      CHECK(stream.below(1) == 0);
  }
  for (const std::uint64_t n : {std::uint64_t{7}, std::uint64_t{1000}}) {
    const std::size_t draws = 200 * static_cast<std::size_t>(n) + 100'000;
    Stream stream = test_stream(8);
    std::vector<double> observed(n, 0.0);
    for (std::size_t i = 0; i < draws; ++i) {
      const std::uint64_t k = stream.below(n);
      REQUIRE(k < n);
      observed[k] += 1.0;
    }
    const std::vector<double> expected(n, static_cast<double>(draws) / static_cast<double>(n));
    const ChiSquare chi = chi_square(observed, expected);
    INFO("n " << n << " chi-square " << chi.statistic << " on " << chi.dof << " dof");
    CHECK(chi.dof == static_cast<double>(n - 1));
    CHECK(chi.statistic < chi_square_critical_p001(chi.dof));
  }
  SECTION("n = 3 * 2^62, where a quarter of products must be rejected") {
    // Without rejection, floor(3x/4) makes multiples of 3 twice as likely as other residues.
    constexpr std::uint64_t kN = 3ull << 62;
    constexpr std::size_t kDraws = 200'000;
    Stream stream = test_stream(9);
    std::size_t multiples_of_3 = 0;
    for (std::size_t i = 0; i < kDraws; ++i) {
      const std::uint64_t k = stream.below(kN);
      REQUIRE(k < kN);
      multiples_of_3 += (k % 3 == 0) ? 1 : 0;
    }
    const double rate = static_cast<double>(multiples_of_3) / kDraws;
    const double draws_per_value = static_cast<double>(stream.draws()) / kDraws;
    INFO("rate " << rate << ", draws per value " << draws_per_value);
    CHECK(std::abs(rate - 1.0 / 3.0) < kZ * std::sqrt(2.0 / 9.0 / kDraws));
    CHECK(std::abs(draws_per_value - 4.0 / 3.0) < 0.01);
  }
}

TEST_CASE("poisson has the right mean and variance at small and large means", "[rng]") {
  constexpr std::size_t kN = 500'000;
  for (const double mean : {0.5, 3.0, 9.9, 10.0, 25.0, 400.0}) {
    Stream stream = test_stream(10, purpose::test_a, static_cast<std::uint32_t>(mean * 10));
    std::vector<std::uint64_t> draws;
    draws.reserve(kN);
    for (std::size_t i = 0; i < kN; ++i)
      draws.push_back(stream.poisson(mean));
    INFO("mean " << mean);
    check_count_moments(draws, mean, mean, mean * (1.0 + 3.0 * mean));
  }
}

TEST_CASE("poisson matches the exact pmf by chi-square", "[rng]") {
  constexpr std::size_t kN = 500'000;
  for (const double mean : {3.0, 25.0, 400.0}) {
    Stream stream = test_stream(11, purpose::test_a, static_cast<std::uint32_t>(mean));
    std::vector<std::uint64_t> draws;
    draws.reserve(kN);
    for (std::size_t i = 0; i < kN; ++i)
      draws.push_back(stream.poisson(mean));
    const auto max_value = static_cast<std::uint64_t>(mean + 12.0 * std::sqrt(mean) + 20.0);
    const ChiSquare chi = chi_square_against_pmf(
        draws, max_value, [mean](std::uint64_t k) { return poisson_pmf(mean, k); });
    INFO("mean " << mean << " chi-square " << chi.statistic << " on " << chi.dof << " dof");
    CHECK(chi.dof >= 8);
    CHECK(chi.statistic < chi_square_critical_p001(chi.dof));
  }
}

TEST_CASE("poisson handles degenerate means without drawing", "[rng]") {
  Stream stream = test_stream(12);
  CHECK(stream.poisson(0.0) == 0);
  CHECK(stream.poisson(-3.0) == 0);
  CHECK(stream.poisson(std::nan("")) == 0);
  CHECK(stream.draws() == 0);
  CHECK(stream.poisson(1e-300) == 0);
  CHECK(stream.draws() == 1);
}

TEST_CASE("binomial has the right mean, variance and pmf", "[rng]") {
  constexpr std::size_t kN = 500'000;
  struct Case {
    std::uint64_t n;
    double p;
  };
  for (const Case c :
       {Case{10, 0.3}, Case{100, 0.05}, Case{1000, 0.3}, Case{1000, 0.7}, Case{50, 0.5}}) {
    Stream stream = test_stream(13, purpose::test_a, static_cast<std::uint32_t>(c.n));
    std::vector<std::uint64_t> draws;
    draws.reserve(kN);
    for (std::size_t i = 0; i < kN; ++i)
      draws.push_back(stream.binomial(c.n, c.p));
    REQUIRE(*std::max_element(draws.begin(), draws.end()) <= c.n);
    const double nd = static_cast<double>(c.n);
    const double npq = nd * c.p * (1.0 - c.p);
    INFO("n " << c.n << " p " << c.p);
    // mu4 = npq (1 + 3 (n - 2) pq) for the binomial.
    check_count_moments(draws, nd * c.p, npq, npq * (1.0 + 3.0 * (nd - 2.0) * c.p * (1.0 - c.p)));
    const ChiSquare chi = chi_square_against_pmf(
        draws, c.n, [c](std::uint64_t k) { return binomial_pmf(c.n, c.p, k); });
    INFO("chi-square " << chi.statistic << " on " << chi.dof << " dof");
    CHECK(chi.statistic < chi_square_critical_p001(chi.dof));
  }
}

TEST_CASE("binomial handles degenerate arguments without drawing", "[rng]") {
  Stream stream = test_stream(14);
  CHECK(stream.binomial(0, 0.5) == 0);
  CHECK(stream.binomial(10, 0.0) == 0);
  CHECK(stream.binomial(10, -0.5) == 0);
  CHECK(stream.binomial(10, std::nan("")) == 0);
  CHECK(stream.binomial(10, 1.0) == 10);
  CHECK(stream.binomial(10, 1.5) == 10);
  CHECK(stream.draws() == 0);
}

TEST_CASE("binomial(n, p) mirrors binomial(n, 1 - p) on the same draws", "[rng]") {
  for (const std::uint64_t n : {std::uint64_t{20}, std::uint64_t{1000}}) {
    Stream high = test_stream(15);
    Stream low = test_stream(15);
    for (int i = 0; i < 1000; ++i)
      CHECK(high.binomial(n, 0.75) == n - low.binomial(n, 0.25));
  }
}

TEST_CASE("streams for different purposes, agents and steps are uncorrelated", "[rng]") {
  constexpr std::uint32_t kAgents = 100'000;
  const double bound = 5.0 / std::sqrt(static_cast<double>(kAgents));
  const auto first_uniform = [](Purpose purpose, std::uint32_t step, std::uint32_t agent) {
    return test_stream(agent, purpose, step).uniform();
  };
  std::vector<double> a(kAgents);
  std::vector<double> b(kAgents);

  for (std::uint32_t i = 0; i < kAgents; ++i) {
    a[i] = first_uniform(purpose::test_a, 3, i);
    b[i] = first_uniform(purpose::test_b, 3, i);
  }
  const double purposes = correlation(a, b);

  for (std::uint32_t i = 0; i < kAgents; ++i)
    b[i] = first_uniform(purpose::test_a, 3, i + 1);
  const double agents = correlation(a, b);

  for (std::uint32_t i = 0; i < kAgents; ++i)
    b[i] = first_uniform(purpose::test_a, 4, i);
  const double steps = correlation(a, b);

  Stream within = test_stream(0, purpose::test_a, 3);
  for (std::uint32_t i = 0; i < kAgents; ++i)
    a[i] = within.uniform();
  const double lag_one = correlation(std::vector<double>(a.begin(), a.end() - 1),
                                     std::vector<double>(a.begin() + 1, a.end()));

  INFO("bound " << bound << "; purposes " << purposes << ", adjacent agents " << agents
                << ", adjacent steps " << steps << ", lag 1 within a stream " << lag_one);
  CHECK(std::abs(purposes) < bound);
  CHECK(std::abs(agents) < bound);
  CHECK(std::abs(steps) < bound);
  CHECK(std::abs(lag_one) < bound);
}

TEST_CASE("mix_seed is order-sensitive and collision-free on small grids", "[rng]") {
  CHECK(mix_seed(1, 2, 3) != mix_seed(1, 3, 2));
  CHECK(mix_seed(7, 0, 1) != mix_seed(7, 1, 0));
  CHECK(mix_seed(7, 5) == mix_seed(7, 5, 0));
  CHECK(mix_seed(0, 0, 0) != 0);
  std::vector<std::uint64_t> seeds;
  for (std::uint64_t seed = 0; seed < 4; ++seed) {
    for (std::uint64_t a = 0; a < 64; ++a) {
      for (std::uint64_t b = 0; b < 64; ++b)
        seeds.push_back(mix_seed(seed, a, b));
    }
  }
  std::sort(seeds.begin(), seeds.end());
  CHECK(std::adjacent_find(seeds.begin(), seeds.end()) == seeds.end());
  // Neighbouring replicates must not give neighbouring seeds (the failure of base + i).
  std::size_t bits_changed = 0;
  for (std::uint64_t a = 0; a < 1000; ++a) {
    bits_changed += static_cast<std::size_t>(std::popcount(mix_seed(42, a) ^ mix_seed(42, a + 1)));
  }
  CHECK(std::abs(static_cast<double>(bits_changed) / 1000.0 - 32.0) < 1.0);
}

TEST_CASE("log_factorial agrees with lgamma", "[rng]") {
  for (std::uint64_t k = 0; k < 5000; ++k) {
    const double expected = std::lgamma(static_cast<double>(k) + 1.0);
    INFO("k " << k);
    CHECK(std::abs(detail::log_factorial(k) - expected) <= 1e-11 * std::max(1.0, expected));
  }
  CHECK(detail::log_factorial(0) == Approx(0.0).margin(1e-15));
}

}  // namespace
}  // namespace caresim
