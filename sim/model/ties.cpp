#include "caresim/model/ties.hpp"

#include <algorithm>
#include <stdexcept>
#include <tuple>

namespace caresim {

TieNetwork::TieNetwork(std::vector<std::uint32_t> org_of_node)
    : org_(std::move(org_of_node)), offsets_(org_.size() + 1, 0) {}

std::uint32_t TieNetwork::find(std::uint32_t u, std::uint32_t v) const {
  const auto row = edges_of(u);
  auto it = std::lower_bound(row.begin(), row.end(), v, [&](std::uint32_t edge, std::uint32_t x) {
    return other(edge, u) < x;
  });
  if (it != row.end() && other(*it, u) == v) return *it;
  return kNone;
}

std::size_t TieNetwork::apply(TieChanges changes, std::uint32_t max_degree) {
  const std::size_t n = org_.size();
  for (NewTie& t : changes.added) {
    if (t.a > t.b) std::swap(t.a, t.b);
    if (t.b >= n) throw std::out_of_range("TieNetwork::apply: node index out of range");
  }
  std::sort(changes.added.begin(), changes.added.end(), [](const NewTie& x, const NewTie& y) {
    return std::tie(x.a, x.b, y.strength) < std::tie(y.a, y.b, x.strength);  // strongest first
  });
  std::sort(changes.removed.begin(), changes.removed.end());
  changes.removed.erase(std::unique(changes.removed.begin(), changes.removed.end()),
                        changes.removed.end());

  // Degrees after removals, so that the cap sees the room freed this step.
  std::vector<std::uint32_t> degree(n);
  for (std::size_t v = 0; v < n; ++v) degree[v] = offsets_[v + 1] - offsets_[v];
  std::vector<std::uint8_t> gone(a_.size(), 0);
  for (std::uint32_t e : changes.removed) {
    if (e >= a_.size()) throw std::out_of_range("TieNetwork::apply: edge index out of range");
    gone[e] = 1;
    --degree[a_[e]];
    --degree[b_[e]];
  }

  std::vector<std::uint32_t> na, nb;
  std::vector<float> ns;
  na.reserve(a_.size() + changes.added.size());
  nb.reserve(na.capacity());
  ns.reserve(na.capacity());

  // Merge the surviving edges (already sorted) with the sorted additions.
  std::size_t i = 0, j = 0, added = 0;
  const auto& add = changes.added;
  while (i < a_.size() || j < add.size()) {
    if (i < a_.size() && gone[i]) {
      ++i;
      continue;
    }
    if (j < add.size() && (add[j].a == add[j].b || (j > 0 && add[j].a == add[j - 1].a &&
                                                    add[j].b == add[j - 1].b))) {
      ++j;  // self-tie, or a duplicate of the (stronger) previous addition
      continue;
    }
    const bool take_old =
        j >= add.size() || (i < a_.size() && std::tie(a_[i], b_[i]) <= std::tie(add[j].a, add[j].b));
    if (take_old) {
      float s = strength_[i];
      if (j < add.size() && a_[i] == add[j].a && b_[i] == add[j].b) {
        s = std::max(s, add[j].strength);
        ++j;
      }
      na.push_back(a_[i]);
      nb.push_back(b_[i]);
      ns.push_back(s);
      ++i;
    } else {
      const NewTie& t = add[j++];
      if (degree[t.a] >= max_degree || degree[t.b] >= max_degree) continue;
      ++degree[t.a];
      ++degree[t.b];
      na.push_back(t.a);
      nb.push_back(t.b);
      ns.push_back(t.strength);
      ++added;
    }
  }
  a_ = std::move(na);
  b_ = std::move(nb);
  strength_ = std::move(ns);
  cross_.resize(a_.size());
  for (std::size_t e = 0; e < a_.size(); ++e) cross_[e] = org_[a_[e]] != org_[b_[e]] ? 1 : 0;
  rebuild_adjacency();
  return added;
}

void TieNetwork::rebuild_adjacency() {
  const std::size_t n = org_.size();
  offsets_.assign(n + 1, 0);
  for (std::size_t e = 0; e < a_.size(); ++e) {
    ++offsets_[a_[e] + 1];
    ++offsets_[b_[e] + 1];
  }
  for (std::size_t v = 0; v < n; ++v) offsets_[v + 1] += offsets_[v];
  adjacency_.resize(2 * a_.size());
  std::vector<std::uint32_t> cursor(offsets_.begin(), offsets_.end() - 1);
  // Edges are sorted by (a, b), so each row comes out sorted by neighbour: first the edges where
  // the node is b (ascending a < node), then those where it is a (ascending b > node).
  for (std::uint32_t e = 0; e < a_.size(); ++e) {
    adjacency_[cursor[a_[e]]++] = e;
    adjacency_[cursor[b_[e]]++] = e;
  }
}

std::size_t TieNetwork::bytes() const {
  return org_.capacity() * 4 + a_.capacity() * 4 + b_.capacity() * 4 + strength_.capacity() * 4 +
         cross_.capacity() + offsets_.capacity() * 4 + adjacency_.capacity() * 4;
}

}  // namespace caresim
