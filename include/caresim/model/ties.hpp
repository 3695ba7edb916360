#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "caresim/core/ids.hpp"

namespace caresim {

/// A tie to add: endpoints (any order) and its initial strength in (0, 1].
struct NewTie {
  std::uint32_t a;
  std::uint32_t b;
  float strength;
};

/// Structural changes staged during a step and merged after it, in a fixed order.
struct TieChanges {
  std::vector<std::uint32_t> removed;  ///< edge indices (as numbered before the merge)
  std::vector<NewTie> added;
};

/// The weighted, undirected tie network among staff.
///
/// Edges are stored once, canonical (a < b) and sorted by (a, b), in structure-of-arrays form;
/// each node's incident edges are a CSR row of edge indices, sorted by neighbour. Strengths can
/// be changed in place during a step (each edge is owned by one task); structural changes go
/// through apply(), which renumbers edges. Memory: 13 bytes per edge (endpoints, strength,
/// cross-organisation flag) + 8 bytes of CSR per edge (it appears in two rows) + 4 bytes per node.
class TieNetwork {
 public:
  TieNetwork() = default;
  /// An empty network on `nodes` nodes, whose organisation is `org_of_node[i]`.
  explicit TieNetwork(std::vector<std::uint32_t> org_of_node);

  std::size_t node_count() const { return org_.size(); }
  std::size_t edge_count() const { return a_.size(); }

  std::uint32_t a(std::uint32_t edge) const { return a_[edge]; }
  std::uint32_t b(std::uint32_t edge) const { return b_[edge]; }
  std::uint32_t other(std::uint32_t edge, std::uint32_t node) const {
    return a_[edge] == node ? b_[edge] : a_[edge];
  }
  /// 1 if the endpoints belong to different organisations.
  std::uint8_t cross_org(std::uint32_t edge) const { return cross_[edge]; }
  float strength(std::uint32_t edge) const { return strength_[edge]; }
  std::span<float> strengths() { return strength_; }
  std::span<const float> strengths() const { return strength_; }
  std::span<const std::uint8_t> cross_org_flags() const { return cross_; }

  /// Edge indices incident to `node`, sorted by the neighbour's index.
  std::span<const std::uint32_t> edges_of(std::uint32_t node) const {
    return {adjacency_.data() + offsets_[node], adjacency_.data() + offsets_[node + 1]};
  }
  std::uint32_t degree(std::uint32_t node) const { return offsets_[node + 1] - offsets_[node]; }
  /// The edge between u and v, or kNone; O(log degree).
  std::uint32_t find(std::uint32_t u, std::uint32_t v) const;

  /// Merges staged changes: drops `removed`, then adds `added` in (a, b) order. An added tie that
  /// already exists keeps the larger strength; duplicates in `added` count once; self-ties are
  /// ignored; an addition that would take either endpoint above `max_degree` is refused.
  /// Deterministic: the result depends only on the sets of changes, not their order.
  /// Returns how many ties were actually added.
  std::size_t apply(TieChanges changes, std::uint32_t max_degree);

  /// The organisation of each node (used for the cross-organisation flag).
  std::span<const std::uint32_t> org_of_node() const { return org_; }
  /// Bytes held, for the memory report.
  std::size_t bytes() const;

 private:
  void rebuild_adjacency();

  std::vector<std::uint32_t> org_;
  std::vector<std::uint32_t> a_, b_;
  std::vector<float> strength_;
  std::vector<std::uint8_t> cross_;
  std::vector<std::uint32_t> offsets_{0};
  std::vector<std::uint32_t> adjacency_;
};

}  // namespace caresim
