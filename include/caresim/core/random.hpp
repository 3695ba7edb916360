#pragma once

#include <array>
#include <cstdint>

namespace caresim {

/// Why a random number is drawn: a number that keys the stream, so adding a new decision never
/// shifts the numbers an existing decision sees. The core lists no purposes: each module declares
/// the purposes it draws for as constants in namespace caresim::purpose (care/purposes.hpp,
/// teaching/purposes.hpp, analysis/damage.hpp), and tests/core/purposes_test.cpp checks that no
/// two are equal. Values are part of the output contract: never renumber one.
struct Purpose {
  std::uint32_t value;
  constexpr explicit Purpose(std::uint32_t v) noexcept : value(v) {}
  constexpr bool operator==(const Purpose&) const = default;
};

/// Philox4x32-10 (Salmon, Moraes, Dror & Shaw, SC'11): a counter-based generator. The output
/// block is a pure function of a 64-bit key and a 128-bit counter; no state is carried between
/// calls. Thread-safe (stateless).
/// Inline: it is the innermost work of every agent's decision each day.
inline std::array<std::uint32_t, 4> philox4x32_10(std::array<std::uint32_t, 4> counter,
                                                  std::array<std::uint32_t, 2> key) noexcept {
  // Round multipliers and the Weyl sequence (golden ratio and sqrt(3) - 1 in 32-bit fixed
  // point) that bumps the key between rounds, from Salmon et al. (SC'11).
  constexpr std::uint32_t kM0 = 0xD2511F53u, kM1 = 0xCD9E8D57u;
  constexpr std::uint32_t kW0 = 0x9E3779B9u, kW1 = 0xBB67AE85u;
  for (int round = 0; round < 10; ++round) {
    if (round > 0) {
      key[0] += kW0;
      key[1] += kW1;
    }
    const std::uint64_t product0 = std::uint64_t{kM0} * counter[0];
    const std::uint64_t product1 = std::uint64_t{kM1} * counter[2];
    const auto hi0 = static_cast<std::uint32_t>(product0 >> 32);
    const auto lo0 = static_cast<std::uint32_t>(product0);
    const auto hi1 = static_cast<std::uint32_t>(product1 >> 32);
    const auto lo1 = static_cast<std::uint32_t>(product1);
    counter = {hi1 ^ counter[1] ^ key[0], lo1, hi0 ^ counter[3] ^ key[1], lo0};
  }
  return counter;
}

/// A stream of random numbers for one (seed, purpose, step, agent). The n-th value a stream
/// yields is a pure function of (seed, purpose, step, agent, n), whatever thread or order asks:
/// value n is half of philox4x32_10(counter = {purpose, step, agent, n / 2}, key = {low 32 bits
/// of seed, high 32 bits}), words 0 | 1 << 32 for even n and 2 | 3 << 32 for odd n. A stream
/// holds 2^33 values; past that it silently repeats. Every distribution below is a function of
/// the values it consumes and nothing else; rejection samplers consume a variable number.
/// Cheap to construct (no work until the first draw); not thread-safe: one stream per task.
class Stream {
 public:
  Stream(std::uint64_t seed, Purpose purpose, std::uint32_t step, std::uint32_t agent) noexcept
      : key_{static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32)},
        purpose_(purpose.value),
        step_(step),
        agent_(agent) {}

  /// The next 64 uniformly distributed bits (draw index advances by one).
  std::uint64_t next_u64() noexcept {
    // Each Philox block yields two 64-bit values, so a block is computed on every even index
    // and its second half is served from the cache on the following odd one.
    const bool first_half = (index_ & 1u) == 0;
    if (first_half) {
      block_ =
          philox4x32_10({purpose_, step_, agent_, static_cast<std::uint32_t>(index_ >> 1)}, key_);
    }
    ++index_;
    return first_half ? (std::uint64_t{block_[0]} | (std::uint64_t{block_[1]} << 32))
                      : (std::uint64_t{block_[2]} | (std::uint64_t{block_[3]} << 32));
  }
  /// Uniform on [0, 1), 53 bits of resolution.
  double uniform() noexcept { return static_cast<double>(next_u64() >> 11) * 0x1.0p-53; }
  /// Uniform on (0, 1]: never zero, safe for log().
  double uniform_open0() noexcept;
  /// Uniform integer on [0, n), n >= 1; unbiased (Lemire's multiply-and-reject).
  std::uint64_t below(std::uint64_t n) noexcept;
  /// Bernoulli(p): true with probability p (p outside [0,1] is clamped). Always one draw, so
  /// streams stay aligned across scenarios that differ only in p.
  bool bernoulli(double p) noexcept {
    // Always one draw, even for p <= 0 or p >= 1, so that scenarios differing only in p keep the
    // rest of the stream aligned (common random numbers). NaN p gives false.
    return uniform() < p;
  }
  /// Standard normal by the Box-Muller transform (uses two uniforms per call, radius first,
  /// and returns the cosine branch; no cached pair, so the n-th normal is a pure function of the
  /// draw index).
  double normal() noexcept;
  double normal(double mean, double sd) noexcept { return mean + sd * normal(); }
  /// Exponential with the given rate (mean 1/rate), rate > 0; one draw.
  double exponential(double rate) noexcept;
  /// Poisson(mean): inversion for mean < 10 (one draw), PTRS transformed rejection (Hoermann
  /// 1993) above (two draws per trial, 1.1 to 1.35 trials on average). mean <= 0 or NaN gives 0
  /// with no draw.
  std::uint64_t poisson(double mean) noexcept;
  /// Binomial(n, p): inversion for n*min(p,1-p) < 10 (one draw), BTRS (Hoermann 1993) above
  /// (two draws per trial, 1.1 to 1.3 trials on average). p > 1/2 is drawn as n - Binomial(n, 1-p).
  /// n == 0, p <= 0 (or NaN) and p >= 1 give 0, 0 and n with no draw. n should stay below 2^53.
  std::uint64_t binomial(std::uint64_t n, double p) noexcept;

  /// How many 64-bit values this stream has yielded so far.
  std::uint64_t draws() const noexcept { return index_; }

 private:
  std::array<std::uint32_t, 2> key_;
  std::uint32_t purpose_;
  std::uint32_t step_;
  std::uint32_t agent_;
  std::uint64_t index_ = 0;               // 64-bit values yielded
  std::array<std::uint32_t, 4> block_{};  // cached Philox output for block index_/2
};

/// A 64-bit mix for deriving seeds from (seed, a, b): used for replicate and sweep-point seeds,
/// never base + i. Computed as h = f(seed + G), h = f((h ^ a) + G), h = f((h ^ b) + G) with f the
/// SplitMix64 finaliser and G = 0x9E3779B97F4A7C15. Injective in each argument when the others
/// are fixed, and order-sensitive: mix_seed(s, a, b) != mix_seed(s, b, a) in general.
std::uint64_t mix_seed(std::uint64_t seed, std::uint64_t a, std::uint64_t b = 0) noexcept;

namespace detail {

/// log(k!) as Hoermann's Stirling form: log sqrt(2 pi) + (k + 1/2) log(k + 1) - (k + 1) plus a
/// correction that is tabulated for k < 10 and a series above (relative error below 1e-11).
/// Used instead of std::lgamma, which writes the global signgam and so races across threads.
double log_factorial(std::uint64_t k) noexcept;

}  // namespace detail

}  // namespace caresim
