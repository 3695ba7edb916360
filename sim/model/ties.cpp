#include "caresim/model/ties.hpp"

#include <algorithm>
#include <stdexcept>
#include <tuple>

namespace caresim {

TieNetwork::TieNetwork(std::vector<std::uint32_t> org_of_node, std::uint32_t max_degree)
    : cap_(max_degree),
      org_(std::move(org_of_node)),
      degree_(org_.size(), 0),
      rows_(org_.size() * static_cast<std::size_t>(max_degree)) {}

std::uint32_t TieNetwork::find(std::uint32_t u, std::uint32_t v) const {
  const auto row = edges_of(u);
  auto it = std::lower_bound(row.begin(), row.end(), v, [&](std::uint32_t edge, std::uint32_t x) {
    return other(edge, u) < x;
  });
  if (it != row.end() && other(*it, u) == v) return *it;
  return kNone;
}

void TieNetwork::insert_in_row(std::uint32_t node, std::uint32_t edge) {
  std::uint32_t* row = rows_.data() + static_cast<std::size_t>(node) * cap_;
  std::uint32_t* end = row + degree_[node];
  const std::uint32_t neighbour = other(edge, node);
  std::uint32_t* at = std::lower_bound(
      row, end, neighbour, [&](std::uint32_t e, std::uint32_t x) { return other(e, node) < x; });
  std::copy_backward(at, end, end + 1);
  *at = edge;
  ++degree_[node];
}

void TieNetwork::erase_from_row(std::uint32_t node, std::uint32_t edge) {
  std::uint32_t* row = rows_.data() + static_cast<std::size_t>(node) * cap_;
  std::uint32_t* end = row + degree_[node];
  std::uint32_t* at = std::find(row, end, edge);
  std::copy(at + 1, end, at);
  --degree_[node];
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
         degree_.capacity() * 4 + rows_.capacity() * 4;
}

}  // namespace caresim
