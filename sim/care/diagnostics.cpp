#include "caresim/care/diagnostics.hpp"

#include <algorithm>
#include <numeric>
#include <stdexcept>
#include <unordered_map>

#include "caresim/core/ids.hpp"

namespace caresim::analysis {

namespace {

// Union-find with path halving; union by size, the smaller index as root on equal sizes so the
// structure depends only on the order of the unions.
struct Components {
  std::vector<std::uint32_t> parent;
  std::vector<std::uint32_t> size;
  explicit Components(std::size_t n) : parent(n), size(n, 1) {
    std::iota(parent.begin(), parent.end(), 0u);
  }
  std::uint32_t find(std::uint32_t x) {
    while (parent[x] != x) {
      parent[x] = parent[parent[x]];
      x = parent[x];
    }
    return x;
  }
  void unite(std::uint32_t a, std::uint32_t b) {
    a = find(a);
    b = find(b);
    if (a == b) return;
    if (size[a] < size[b] || (size[a] == size[b] && b < a)) std::swap(a, b);
    parent[b] = a;
    size[a] += size[b];
  }
};

}  // namespace

CareOrderParameters care_order_parameters(const State& state) {
  CareOrderParameters out;
  const std::size_t n = state.staff.size();
  if (n == 0) return out;
  std::uint64_t minded = 0;
  for (const std::uint8_t m : state.staff.mindset)
    minded += m != 0 ? 1 : 0;
  out.system_minded_share = static_cast<double>(minded) / static_cast<double>(n);

  const TieNetwork& net = state.ties;
  Components components(std::max(n, net.node_count()));
  double strength = 0.0, cross = 0.0;
  for (std::size_t k = 0; k < net.slot_count(); ++k) {
    const auto e = static_cast<std::uint32_t>(k);
    if (!net.alive(e)) continue;
    strength += net.strength(e);
    if (net.cross_org(e) != 0) {
      cross += net.strength(e);
      components.unite(net.a(e), net.b(e));
    }
  }
  out.cross_org_strength_share = strength > 0.0 ? cross / strength : 0.0;
  std::uint32_t largest = 0;
  for (std::size_t i = 0; i < n; ++i)
    largest = std::max(largest, components.size[components.find(static_cast<std::uint32_t>(i))]);
  out.largest_cross_org_component = largest;
  out.largest_cross_org_component_share = static_cast<double>(largest) / static_cast<double>(n);
  return out;
}

std::vector<std::int64_t> adoption_parents(std::span<const Adoption> adoptions) {
  std::vector<std::int64_t> parent(adoptions.size(), -1);
  // Latest adoption of each person on a day before the one being read; a day's adoptions are
  // entered only once the whole day has been read (a person adopting today was influenced by
  // someone who held the mindset when the day began).
  std::unordered_map<std::uint32_t, std::int64_t> latest;
  std::size_t day_begin = 0;
  while (day_begin < adoptions.size()) {
    std::size_t day_end = day_begin;
    while (day_end < adoptions.size() && adoptions[day_end].day == adoptions[day_begin].day)
      ++day_end;
    for (std::size_t i = day_begin; i < day_end; ++i) {
      if (adoptions[i].influencer_id == kNone) continue;
      const auto it = latest.find(adoptions[i].influencer_id);
      if (it != latest.end()) parent[i] = it->second;
    }
    for (std::size_t i = day_begin; i < day_end; ++i)
      latest[adoptions[i].staff_id] = static_cast<std::int64_t>(i);
    day_begin = day_end;
  }
  return parent;
}

AdoptionCascades adoption_cascades(std::span<const Adoption> adoptions, std::size_t min_tail) {
  AdoptionCascades out;
  const std::vector<std::int64_t> parent = adoption_parents(adoptions);
  out.cascades = cascades_from_parents(parent);
  const auto& sizes = out.cascades.sizes;
  if (sizes.size() >= min_tail &&
      std::adjacent_find(sizes.begin(), sizes.end(), std::not_equal_to<>()) != sizes.end()) {
    try {
      out.size_fit = fit_power_law_discrete(sizes, min_tail);
    } catch (const std::invalid_argument&) {
      // No x_min leaves min_tail cascades above it with two distinct sizes: no fit.
    }
  }
  return out;
}

}  // namespace caresim::analysis
