#pragma once
// Experimental designs on the unit hypercube [0, 1]^d. A sweep maps each coordinate to a
// parameter value (sweep.hpp); the analysis (analysis.hpp) reads `block` and `role` back.

#include <cstdint>
#include <vector>

namespace caresim::analysis {

/// Points of a design. Point p, coordinate j is unit[p * dims + j].
struct Design {
  std::size_t dims = 0;
  std::vector<double> unit;
  /// Which group a point belongs to: the base sample of a Saltelli block, a Morris trajectory;
  /// the point itself for grids and hypercubes.
  std::vector<std::int64_t> block;
  /// What the point is within its block. Saltelli: -1 = A, -2 = B, j = A with column j from B,
  /// dims + j = B with column j from A (second order only).
  /// Morris: -1 = start of the trajectory, j = the step that moved coordinate j. Else -1.
  std::vector<std::int64_t> role;
  std::size_t points() const { return block.size(); }
};

/// Largest number of dimensions sobol_points supports (Joe & Kuo's table, dims 1..53).
inline constexpr std::size_t kMaxSobolDims = 53;

/// Points 1..n of the Sobol sequence in `dims` dimensions (point 0, the origin, is skipped), with
/// Joe & Kuo's (2008) direction numbers, new-joe-kuo-6.21201, in Gray-code order: row-major n x
/// dims. Throws std::invalid_argument if dims > kMaxSobolDims.
std::vector<double> sobol_points(std::size_t n, std::size_t dims);

/// Full factorial: every combination of `levels[j]` values per coordinate, the first coordinate
/// varying slowest. Level k of n sits at k / (n - 1) (0.5 when n = 1).
Design grid_design(const std::vector<int>& levels);

/// Latin hypercube of n points: each coordinate's n strata hold one point each, at a uniform
/// position within its stratum. A pure function of (n, dims, seed).
Design latin_hypercube_design(std::size_t n, std::size_t dims, std::uint64_t seed);

/// Saltelli's scheme: A and B are the first and last `dims` columns of n Sobol points in 2 dims
/// dimensions; each base sample j gives the block A_j, B_j, AB_j^(1..dims): n (dims + 2) points.
/// With `second_order` (Saltelli 2002), each block goes on with BA_j^(1..dims) (B with column k
/// from A): n (2 dims + 2) points, enough for the second-order indices S_jk.
Design saltelli_design(std::size_t n, std::size_t dims, bool second_order = false);

/// Morris's elementary-effects design: `trajectories` random one-at-a-time paths on a grid of
/// `levels` values per coordinate, step Delta = levels / (2 (levels - 1)): each starts at a random
/// grid point and moves every coordinate once, in random order, by +Delta if that stays in [0, 1]
/// and -Delta otherwise: trajectories (dims + 1) points. A pure function of its arguments.
Design morris_design(std::size_t trajectories, std::size_t dims, int levels, std::uint64_t seed);

}  // namespace caresim::analysis
