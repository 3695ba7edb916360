#pragma once

#include <array>
#include <cstdint>

namespace caresim {

/// Why a random number is drawn. Every stream is keyed by its purpose, so adding a new decision
/// never shifts the numbers an existing decision sees. Values are part of the output contract:
/// never renumber an existing purpose, only append.
enum class Purpose : std::uint32_t {
  city_generation = 1,
  org_layout = 2,
  staff_layout = 3,
  initial_ties = 4,
  citizen_demand = 10,
  staff_contact = 20,
  tie_formation = 21,
  test_a = 1000,  // reserved for tests
  test_b = 1001,
};

/// Philox4x32-10 (Salmon, Moraes, Dror & Shaw, SC'11): a counter-based generator. The output
/// block is a pure function of a 64-bit key and a 128-bit counter; no state is carried between
/// calls. Thread-safe (stateless).
std::array<std::uint32_t, 4> philox4x32_10(std::array<std::uint32_t, 4> counter,
                                           std::array<std::uint32_t, 2> key) noexcept;

/// A stream of random numbers for one (seed, purpose, step, agent). The n-th value a stream
/// yields is a pure function of (seed, purpose, step, agent, n), whatever thread or order asks.
/// Cheap to construct (no work until the first draw); not thread-safe: one stream per task.
class Stream {
 public:
  Stream(std::uint64_t seed, Purpose purpose, std::uint32_t step, std::uint32_t agent) noexcept
      : key_{static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32)},
        purpose_(static_cast<std::uint32_t>(purpose)),
        step_(step),
        agent_(agent) {}

  /// The next 64 uniformly distributed bits (draw index advances by one).
  std::uint64_t next_u64() noexcept;
  /// Uniform on [0, 1), 53 bits of resolution.
  double uniform() noexcept;
  /// Uniform on (0, 1]: never zero, safe for log().
  double uniform_open0() noexcept;
  /// Uniform integer on [0, n), n >= 1; unbiased (Lemire's multiply-and-reject).
  std::uint64_t below(std::uint64_t n) noexcept;
  /// Bernoulli(p): true with probability p (p outside [0,1] is clamped).
  bool bernoulli(double p) noexcept;
  /// Standard normal by the Box-Muller transform (uses two uniforms per call; no cached pair,
  /// so the n-th normal is a pure function of the draw index).
  double normal() noexcept;
  double normal(double mean, double sd) noexcept { return mean + sd * normal(); }
  /// Exponential with the given rate (mean 1/rate), rate > 0.
  double exponential(double rate) noexcept;
  /// Poisson(mean): inversion for mean < 10, PTRS transformed rejection (Hoermann 1993) above.
  std::uint64_t poisson(double mean) noexcept;
  /// Binomial(n, p): inversion for n*min(p,1-p) < 10, BTRS (Hoermann 1993) above.
  std::uint64_t binomial(std::uint64_t n, double p) noexcept;

  /// How many 64-bit values this stream has yielded so far.
  std::uint64_t draws() const noexcept { return index_; }

 private:
  std::array<std::uint32_t, 2> key_;
  std::uint32_t purpose_;
  std::uint32_t step_;
  std::uint32_t agent_;
  std::uint64_t index_ = 0;          // 64-bit values yielded
  std::array<std::uint32_t, 4> block_{};  // cached Philox output for block index_/2
};

/// A 64-bit mix (SplitMix64 finaliser) for deriving seeds from (seed, a, b): used for replicate
/// and sweep-point seeds, never base + i.
std::uint64_t mix_seed(std::uint64_t seed, std::uint64_t a, std::uint64_t b = 0) noexcept;

}  // namespace caresim
