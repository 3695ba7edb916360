#include "caresim/analysis/design.hpp"

#include <algorithm>
#include <array>
#include <numeric>
#include <stdexcept>
#include <string>

#include "caresim/core/random.hpp"

namespace caresim::analysis {
namespace {

// Joe & Kuo (2008), new-joe-kuo-6.21201, dimensions 2..53: degree s, polynomial a, m_1..m_s.
struct DirectionRow {
  int s;
  unsigned a;
  std::array<unsigned, 8> m;
};
constexpr DirectionRow kJoeKuo[] = {
    {1, 0, {1}},
    {2, 1, {1, 3}},
    {3, 1, {1, 3, 1}},
    {3, 2, {1, 1, 1}},
    {4, 1, {1, 1, 3, 3}},
    {4, 4, {1, 3, 5, 13}},
    {5, 2, {1, 1, 5, 5, 17}},
    {5, 4, {1, 1, 5, 5, 5}},
    {5, 7, {1, 1, 7, 11, 19}},
    {5, 11, {1, 1, 5, 1, 1}},
    {5, 13, {1, 1, 1, 3, 11}},
    {5, 14, {1, 3, 5, 5, 31}},
    {6, 1, {1, 3, 3, 9, 7, 49}},
    {6, 13, {1, 1, 1, 15, 21, 21}},
    {6, 16, {1, 3, 1, 13, 27, 49}},
    {6, 19, {1, 1, 1, 15, 7, 5}},
    {6, 22, {1, 3, 1, 15, 13, 25}},
    {6, 25, {1, 1, 5, 5, 19, 61}},
    {7, 1, {1, 3, 7, 11, 23, 15, 103}},
    {7, 4, {1, 3, 7, 13, 13, 15, 69}},
    {7, 7, {1, 1, 3, 13, 7, 35, 63}},
    {7, 8, {1, 3, 5, 9, 1, 25, 53}},
    {7, 14, {1, 3, 1, 13, 9, 35, 107}},
    {7, 19, {1, 3, 1, 5, 27, 61, 31}},
    {7, 21, {1, 1, 5, 11, 19, 41, 61}},
    {7, 28, {1, 3, 5, 3, 3, 13, 69}},
    {7, 31, {1, 1, 7, 13, 1, 19, 1}},
    {7, 32, {1, 3, 7, 5, 13, 19, 59}},
    {7, 37, {1, 1, 3, 9, 25, 29, 41}},
    {7, 41, {1, 3, 5, 13, 23, 1, 55}},
    {7, 42, {1, 3, 7, 3, 13, 59, 17}},
    {7, 50, {1, 3, 1, 3, 5, 53, 69}},
    {7, 55, {1, 1, 5, 5, 23, 33, 13}},
    {7, 56, {1, 1, 7, 7, 1, 61, 123}},
    {7, 59, {1, 1, 7, 9, 13, 61, 49}},
    {7, 62, {1, 3, 3, 5, 3, 55, 33}},
    {8, 14, {1, 3, 1, 15, 31, 13, 49, 245}},
    {8, 21, {1, 3, 5, 15, 31, 59, 63, 97}},
    {8, 22, {1, 3, 1, 11, 11, 11, 77, 249}},
    {8, 38, {1, 3, 1, 11, 27, 43, 71, 9}},
    {8, 47, {1, 1, 7, 15, 21, 11, 81, 45}},
    {8, 49, {1, 3, 7, 3, 25, 31, 65, 79}},
    {8, 50, {1, 3, 1, 1, 19, 11, 3, 205}},
    {8, 52, {1, 1, 5, 9, 19, 21, 29, 157}},
    {8, 56, {1, 3, 7, 11, 1, 33, 89, 185}},
    {8, 67, {1, 3, 3, 3, 15, 9, 79, 71}},
    {8, 70, {1, 3, 7, 11, 15, 39, 119, 27}},
    {8, 84, {1, 1, 3, 1, 11, 31, 97, 225}},
    {8, 97, {1, 1, 1, 3, 23, 43, 57, 177}},
    {8, 103, {1, 3, 7, 7, 17, 17, 37, 71}},
    {8, 115, {1, 3, 1, 5, 27, 63, 123, 213}},
    {8, 122, {1, 1, 3, 5, 11, 43, 53, 133}},
};
static_assert(std::size(kJoeKuo) + 1 == kMaxSobolDims);

constexpr int kBits = 32;

// Direction numbers v_1..v_32 of one dimension, scaled by 2^32.
std::array<std::uint32_t, kBits> direction_numbers(std::size_t dim) {
  std::array<std::uint32_t, kBits> v{};
  if (dim == 0) {
    for (int k = 0; k < kBits; ++k)
      v[static_cast<std::size_t>(k)] = 1u << (kBits - 1 - k);
    return v;
  }
  const DirectionRow& row = kJoeKuo[dim - 1];
  const auto s = static_cast<std::size_t>(row.s);
  for (std::size_t k = 0; k < s; ++k)
    v[k] = row.m[k] << (kBits - 1 - static_cast<int>(k));
  for (std::size_t k = s; k < kBits; ++k) {
    std::uint32_t value = v[k - s] ^ (v[k - s] >> s);
    for (std::size_t i = 1; i < s; ++i) {
      if ((row.a >> (s - 1 - i)) & 1u) value ^= v[k - i];
    }
    v[k] = value;
  }
  return v;
}

// Uniform on [0, 1) as a pure function of (seed, stream, index): a hash, not a sequence, so a
// design never depends on the order its numbers are asked for.
double unit_draw(std::uint64_t seed, std::uint64_t stream, std::uint64_t index) {
  return static_cast<double>(mix_seed(seed, stream, index) >> 11) * 0x1.0p-53;
}

// A uniformly random permutation of 0..n-1 (Fisher-Yates on hashed draws).
std::vector<std::size_t> permutation(std::size_t n, std::uint64_t seed, std::uint64_t stream) {
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), std::size_t{0});
  for (std::size_t i = n; i > 1; --i) {
    const auto j = static_cast<std::size_t>(unit_draw(seed, stream, i) * static_cast<double>(i));
    std::swap(order[i - 1], order[std::min(j, i - 1)]);
  }
  return order;
}

}  // namespace

std::vector<double> sobol_points(std::size_t n, std::size_t dims) {
  if (dims > kMaxSobolDims) {
    throw std::invalid_argument("a Sobol sequence in " + std::to_string(dims) +
                                " dimensions; at most " + std::to_string(kMaxSobolDims) +
                                " are supported");
  }
  std::vector<std::array<std::uint32_t, kBits>> v(dims);
  for (std::size_t j = 0; j < dims; ++j)
    v[j] = direction_numbers(j);
  std::vector<double> points(n * dims);
  std::vector<std::uint32_t> x(dims, 0);
  for (std::size_t i = 0; i < n; ++i) {
    // Gray-code step from point i to point i + 1: flip the direction number of the lowest zero
    // bit of i.
    std::size_t c = 0;
    for (std::size_t value = i; value & 1u; value >>= 1)
      ++c;
    for (std::size_t j = 0; j < dims; ++j) {
      x[j] ^= v[j][c];
      points[i * dims + j] = static_cast<double>(x[j]) * 0x1.0p-32;
    }
  }
  return points;
}

Design grid_design(const std::vector<int>& levels) {
  Design d;
  d.dims = levels.size();
  std::size_t total = 1;
  for (int l : levels)
    total *= static_cast<std::size_t>(l);
  d.unit.resize(total * d.dims);
  for (std::size_t p = 0; p < total; ++p) {
    std::size_t rest = p;
    for (std::size_t j = d.dims; j-- > 0;) {
      const auto n = static_cast<std::size_t>(levels[j]);
      const std::size_t k = rest % n;
      rest /= n;
      d.unit[p * d.dims + j] = n == 1 ? 0.5 : static_cast<double>(k) / static_cast<double>(n - 1);
    }
    d.block.push_back(static_cast<std::int64_t>(p));
    d.role.push_back(-1);
  }
  return d;
}

Design latin_hypercube_design(std::size_t n, std::size_t dims, std::uint64_t seed) {
  Design d;
  d.dims = dims;
  d.unit.resize(n * dims);
  for (std::size_t j = 0; j < dims; ++j) {
    const std::vector<std::size_t> strata = permutation(n, seed, 2 * j);
    for (std::size_t p = 0; p < n; ++p) {
      d.unit[p * dims + j] =
          (static_cast<double>(strata[p]) + unit_draw(seed, 2 * j + 1, p)) / static_cast<double>(n);
    }
  }
  for (std::size_t p = 0; p < n; ++p) {
    d.block.push_back(static_cast<std::int64_t>(p));
    d.role.push_back(-1);
  }
  return d;
}

Design saltelli_design(std::size_t n, std::size_t dims, bool second_order) {
  const std::vector<double> base = sobol_points(n, 2 * dims);
  Design d;
  d.dims = dims;
  d.unit.reserve(n * (second_order ? 2 * dims + 2 : dims + 2) * dims);
  for (std::size_t s = 0; s < n; ++s) {
    const double* a = &base[s * 2 * dims];
    const double* b = a + dims;
    d.unit.insert(d.unit.end(), a, a + dims);
    d.unit.insert(d.unit.end(), b, b + dims);
    d.block.insert(d.block.end(), {static_cast<std::int64_t>(s), static_cast<std::int64_t>(s)});
    d.role.insert(d.role.end(), {-1, -2});
    for (std::size_t j = 0; j < dims; ++j) {
      for (std::size_t k = 0; k < dims; ++k)
        d.unit.push_back(k == j ? b[k] : a[k]);
      d.block.push_back(static_cast<std::int64_t>(s));
      d.role.push_back(static_cast<std::int64_t>(j));
    }
    if (!second_order) continue;
    for (std::size_t j = 0; j < dims; ++j) {
      for (std::size_t k = 0; k < dims; ++k)
        d.unit.push_back(k == j ? a[k] : b[k]);
      d.block.push_back(static_cast<std::int64_t>(s));
      d.role.push_back(static_cast<std::int64_t>(dims + j));
    }
  }
  return d;
}

Design morris_design(std::size_t trajectories, std::size_t dims, int levels, std::uint64_t seed) {
  Design d;
  d.dims = dims;
  const double step = static_cast<double>(levels) / (2.0 * (levels - 1));
  const double spacing = 1.0 / (levels - 1);
  for (std::size_t t = 0; t < trajectories; ++t) {
    std::vector<double> x(dims);
    for (std::size_t j = 0; j < dims; ++j) {
      const auto level = static_cast<int>(unit_draw(seed, 2 * t, j) * levels);
      x[j] = std::min(level, levels - 1) * spacing;
    }
    d.unit.insert(d.unit.end(), x.begin(), x.end());
    d.block.push_back(static_cast<std::int64_t>(t));
    d.role.push_back(-1);
    for (std::size_t j : permutation(dims, seed, 2 * t + 1)) {
      // Round to the grid so the point is exactly a level, whatever the rounding of the sum.
      const double up = x[j] + step;
      x[j] = up <= 1.0 + 1e-12 ? std::min(up, 1.0) : std::max(x[j] - step, 0.0);
      d.unit.insert(d.unit.end(), x.begin(), x.end());
      d.block.push_back(static_cast<std::int64_t>(t));
      d.role.push_back(static_cast<std::int64_t>(j));
    }
  }
  return d;
}

}  // namespace caresim::analysis
