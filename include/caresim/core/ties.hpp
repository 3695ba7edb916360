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
  std::vector<std::uint32_t> removed;  ///< edge slots to drop
  std::vector<NewTie> added;
};

/// The weighted, undirected tie network among staff.
///
/// Each tie lives in an edge *slot* (structure of arrays: endpoints a < b, strength, cross-
/// organisation flag, alive flag) and keeps its slot for its whole life, so per-edge state can be
/// updated in place, one task per slot. A removed tie's slot is dead (strength 0) until a later
/// addition reuses it. Each person's ties are a row of slot indices sorted by neighbour, in a
/// fixed-capacity block of `max_degree` entries (the cap on ties a person can keep up), so a
/// merge costs O(changes x degree), not O(ties).
///
/// Memory: 14 bytes per edge slot + 8 x max_degree + 8 bytes per person (row blocks of edge
/// slots and of neighbours, length, organisation). Iteration over slots is in slot order, which
/// depends only on the history of merges: deterministic. Not thread-safe for apply(); strengths may
/// be written concurrently by tasks owning disjoint slots.
class TieNetwork {
 public:
  TieNetwork() = default;
  /// An empty network on `org_of_node.size()` people, where person i works for organisation
  /// org_of_node[i], and nobody can hold more than `max_degree` ties.
  TieNetwork(std::vector<std::uint32_t> org_of_node, std::uint32_t max_degree);

  std::size_t node_count() const { return org_.size(); }
  /// Live ties.
  std::size_t edge_count() const { return live_; }
  /// Edge slots, live or dead: iterate 0..slot_count() and skip !alive(e).
  std::size_t slot_count() const { return a_.size(); }
  std::uint32_t max_degree() const { return cap_; }

  bool alive(std::uint32_t edge) const { return alive_[edge] != 0; }
  std::uint32_t a(std::uint32_t edge) const { return a_[edge]; }
  std::uint32_t b(std::uint32_t edge) const { return b_[edge]; }
  std::uint32_t other(std::uint32_t edge, std::uint32_t node) const {
    return a_[edge] == node ? b_[edge] : a_[edge];
  }
  /// 1 if the endpoints belong to different organisations.
  std::uint8_t cross_org(std::uint32_t edge) const { return cross_[edge]; }
  float strength(std::uint32_t edge) const { return strength_[edge]; }
  /// Strength per slot (0 for dead slots); writable in place.
  std::span<float> strengths() { return strength_; }
  std::span<const float> strengths() const { return strength_; }
  std::span<const std::uint8_t> cross_org_flags() const { return cross_; }
  std::span<const std::uint8_t> alive_flags() const { return alive_; }

  /// Live edge slots incident to `node`, sorted by the neighbour's index.
  std::span<const std::uint32_t> edges_of(std::uint32_t node) const {
    return {rows_.data() + static_cast<std::size_t>(node) * cap_, degree_[node]};
  }
  /// The neighbours at the other end of edges_of(node), in the same order (saves a lookup of
  /// the edge's endpoints in loops over a person's ties).
  std::span<const std::uint32_t> neighbours_of(std::uint32_t node) const {
    return {neighbours_.data() + static_cast<std::size_t>(node) * cap_, degree_[node]};
  }
  std::uint32_t degree(std::uint32_t node) const { return degree_[node]; }
  /// The edge between u and v, or kNone; O(log degree).
  std::uint32_t find(std::uint32_t u, std::uint32_t v) const;

  /// Merges staged changes: drops `removed` (dead or repeated slots are ignored), then adds
  /// `added` in (a, b) order. An added tie that already exists keeps the larger strength;
  /// duplicates in `added` count once; self-ties are ignored; an addition that would take either
  /// endpoint above max_degree() is refused. The result depends only on the sets of changes, not
  /// on their order. Returns how many ties were actually added.
  std::size_t apply(TieChanges changes);

  /// Moves `node` to organisation `org` (a restructure), updating the cross-organisation flag of
  /// its ties.
  void set_org(std::uint32_t node, std::uint32_t org);

  /// The organisation of each person (used for the cross-organisation flag).
  std::span<const std::uint32_t> org_of_node() const { return org_; }
  /// Bytes held, for the memory report.
  std::size_t bytes() const;

  /// Saves or restores every member through `archive` (core/archive.hpp): the network's whole
  /// state, for checkpoints. A new member must be added here (ties.cpp checks the size).
  template <class Archive>
  void visit_state(Archive& archive) {
    archive("max_degree", cap_);
    archive("live", live_);
    archive("org", org_);
    archive("a", a_);
    archive("b", b_);
    archive("strength", strength_);
    archive("cross_org", cross_);
    archive("alive", alive_);
    archive("free_slots", free_slots_);
    archive("degree", degree_);
    archive("rows", rows_);
    archive("neighbours", neighbours_);
  }

 private:
  void insert_in_row(std::uint32_t node, std::uint32_t edge);
  void erase_from_row(std::uint32_t node, std::uint32_t edge);

  std::uint32_t cap_ = 0;
  std::size_t live_ = 0;
  std::vector<std::uint32_t> org_;
  std::vector<std::uint32_t> a_, b_;
  std::vector<float> strength_;
  std::vector<std::uint8_t> cross_;
  std::vector<std::uint8_t> alive_;
  std::vector<std::uint32_t> free_slots_;  ///< dead slots, reused last-freed first
  std::vector<std::uint32_t> degree_;
  std::vector<std::uint32_t> rows_;        ///< node v's row: rows_[v*cap_ .. v*cap_ + degree_[v])
  std::vector<std::uint32_t> neighbours_;  ///< the other endpoint of each row entry
};

}  // namespace caresim
