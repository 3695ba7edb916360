#pragma once
// Uncertain parameters of a calibration: priors, the map from the unit cube onto them, and
// space-filling designs (maximin Latin hypercubes). Pure numerics on plain data.

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "caresim/core/random.hpp"

namespace caresim::purpose {
/// Candidate Latin hypercubes of a maximin design.
inline constexpr Purpose maximin_design{4001};
}  // namespace caresim::purpose

namespace caresim::analysis {

enum class PriorKind : std::uint8_t {
  uniform,      ///< on [low, high]
  log_uniform,  ///< log x uniform on [log low, log high], 0 < low
  normal,       ///< mean `low`, standard deviation `high` (unbounded)
};
inline constexpr const char* kPriorKindNames[] = {"uniform", "log_uniform", "normal"};

/// One uncertain parameter. For `normal`, `low` is the mean and `high` the standard deviation.
struct Prior {
  std::string name;  ///< e.g. a scenario key path
  PriorKind kind = PriorKind::uniform;
  double low = 0.0, high = 1.0;
  bool operator==(const Prior&) const = default;
};

/// The parameter value at unit coordinate u in (0, 1): the prior's quantile function, so a
/// uniform design in the cube is a design with the prior's distribution in each coordinate.
double prior_value(const Prior& prior, double u);
/// The inverse: the prior's CDF at `value`.
double prior_unit(const Prior& prior, double value);
/// Density of the prior at `value` (0 outside a bounded prior's support).
double prior_density(const Prior& prior, double value);
/// Throws std::invalid_argument naming the parameter if its range is empty or not usable.
void check_prior(const Prior& prior);

/// A maximin Latin hypercube: of `candidates` Latin hypercubes of n points in `dims` dimensions
/// (latin_hypercube_design with seeds drawn from (seed, maximin_design)), the one whose smallest
/// distance between two points is largest (Morris & Mitchell 1995). Row-major n x dims in [0, 1).
std::vector<double> maximin_latin_hypercube(std::size_t n, std::size_t dims, std::uint64_t seed,
                                            int candidates = 20);

/// Smallest Euclidean distance between two of the n points (row-major n x dims).
double min_distance(std::span<const double> points, std::size_t dims);

/// Chooses `n` of the `pool` points (row-major, pool.size() / dims of them) by greedy maximin:
/// the first is pool point 0, each next the one farthest from those chosen (ties: lowest index).
/// Returns their indices in the order chosen; all of them if the pool has n or fewer.
std::vector<std::size_t> greedy_maximin(std::span<const double> pool, std::size_t dims,
                                        std::size_t n);

}  // namespace caresim::analysis
