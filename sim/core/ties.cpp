#include "caresim/core/ties.hpp"

#include <algorithm>
#include <stdexcept>
#include <tuple>

namespace caresim {

// visit_state (ties.hpp) lists every member; a new member changes this size and must be added
// there too, or checkpoints would silently lose it.
static_assert(sizeof(TieNetwork) ==
                  2 * sizeof(std::size_t) + 10 * sizeof(std::vector<std::uint32_t>),
              "TieNetwork changed: add the new member to TieNetwork::visit_state");

TieNetwork::TieNetwork(std::vector<std::uint32_t> org_of_node, std::uint32_t max_degree)
    : cap_(max_degree),
      org_(std::move(org_of_node)),
      degree_(org_.size(), 0),
      rows_(org_.size() * static_cast<std::size_t>(max_degree)),
      neighbours_(rows_.size()) {}

std::uint32_t TieNetwork::find(std::uint32_t u, std::uint32_t v) const {
  const auto neighbours = neighbours_of(u);
  const auto it = std::lower_bound(neighbours.begin(), neighbours.end(), v);
  if (it == neighbours.end() || *it != v) return kNone;
  return edges_of(u)[static_cast<std::size_t>(it - neighbours.begin())];
}

void TieNetwork::insert_in_row(std::uint32_t node, std::uint32_t edge) {
  const std::size_t base = static_cast<std::size_t>(node) * cap_;
  std::uint32_t* nb = neighbours_.data() + base;
  std::uint32_t* row = rows_.data() + base;
  const std::uint32_t neighbour = other(edge, node);
  const std::uint32_t n = degree_[node];
  const auto at = static_cast<std::size_t>(std::lower_bound(nb, nb + n, neighbour) - nb);
  std::copy_backward(nb + at, nb + n, nb + n + 1);
  std::copy_backward(row + at, row + n, row + n + 1);
  nb[at] = neighbour;
  row[at] = edge;
  ++degree_[node];
}

void TieNetwork::erase_from_row(std::uint32_t node, std::uint32_t edge) {
  const std::size_t base = static_cast<std::size_t>(node) * cap_;
  std::uint32_t* nb = neighbours_.data() + base;
  std::uint32_t* row = rows_.data() + base;
  const std::uint32_t n = degree_[node];
  const auto at = static_cast<std::size_t>(std::find(row, row + n, edge) - row);
  std::copy(nb + at + 1, nb + n, nb + at);
  std::copy(row + at + 1, row + n, row + at);
  --degree_[node];
}

void TieNetwork::set_org(std::uint32_t node, std::uint32_t org) {
  org_.at(node) = org;
  const auto edges = edges_of(node);
  const auto neighbours = neighbours_of(node);
  for (std::size_t k = 0; k < edges.size(); ++k)
    cross_[edges[k]] = org_[neighbours[k]] != org ? 1 : 0;
}

std::size_t TieNetwork::apply(TieChanges changes) {
  const std::size_t n = org_.size();
  std::sort(changes.removed.begin(), changes.removed.end());
  for (std::uint32_t e : changes.removed) {
    if (e >= a_.size()) throw std::out_of_range("TieNetwork::apply: edge slot out of range");
  }
  for (NewTie& t : changes.added) {
    if (t.a > t.b) std::swap(t.a, t.b);
    if (t.b >= n) throw std::out_of_range("TieNetwork::apply: node index out of range");
  }

  for (std::uint32_t e : changes.removed) {
    if (!alive_[e]) continue;  // already dead, or listed twice
    erase_from_row(a_[e], e);
    erase_from_row(b_[e], e);
    alive_[e] = 0;
    strength_[e] = 0.0f;
    free_slots_.push_back(e);
    --live_;
  }

  std::sort(changes.added.begin(), changes.added.end(), [](const NewTie& x, const NewTie& y) {
    return std::tie(x.a, x.b, y.strength) < std::tie(y.a, y.b, x.strength);  // strongest first
  });
  std::size_t added = 0;
  for (std::size_t j = 0; j < changes.added.size(); ++j) {
    const NewTie& t = changes.added[j];
    if (t.a == t.b) continue;
    if (j > 0 && t.a == changes.added[j - 1].a && t.b == changes.added[j - 1].b) continue;
    if (const std::uint32_t existing = find(t.a, t.b); existing != kNone) {
      strength_[existing] = std::max(strength_[existing], t.strength);
      continue;
    }
    if (degree_[t.a] >= cap_ || degree_[t.b] >= cap_) continue;
    std::uint32_t e;
    if (!free_slots_.empty()) {
      e = free_slots_.back();
      free_slots_.pop_back();
    } else {
      e = static_cast<std::uint32_t>(a_.size());
      a_.push_back(0);
      b_.push_back(0);
      strength_.push_back(0.0f);
      cross_.push_back(0);
      alive_.push_back(0);
    }
    a_[e] = t.a;
    b_[e] = t.b;
    strength_[e] = t.strength;
    cross_[e] = org_[t.a] != org_[t.b] ? 1 : 0;
    alive_[e] = 1;
    insert_in_row(t.a, e);
    insert_in_row(t.b, e);
    ++live_;
    ++added;
  }
  return added;
}

std::size_t TieNetwork::bytes() const {
  return org_.capacity() * 4 + a_.capacity() * 4 + b_.capacity() * 4 + strength_.capacity() * 4 +
         cross_.capacity() + alive_.capacity() + free_slots_.capacity() * 4 +
         degree_.capacity() * 4 + rows_.capacity() * 4 + neighbours_.capacity() * 4;
}

}  // namespace caresim
