#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "caresim/teaching/teaching_model.hpp"

namespace caresim::teaching {

/// Kauffman's random Boolean network (docs/teaching.md): N nodes, each reading K distinct inputs
/// chosen uniformly at random through its own truth table of 2^K entries, each 1 with
/// probability p. All nodes update synchronously. The network and tables are quenched (drawn once
/// from the seed); the dynamics are deterministic, so twin runs differ only by the perturbation.
///
/// The inputs are a plain fixed-width CSR (node i reads inputs_[i K .. i K + K), in table-index
/// order) rather than a TieNetwork: the wiring is directed and the order of a node's inputs is
/// part of its function, neither of which an undirected, neighbour-sorted TieNetwork keeps.
class BooleanNetwork final : public TeachingModel {
 public:
  explicit BooleanNetwork(const Scenario& scenario);

  std::size_t node_count() const { return state_.size(); }
  int inputs_per_node() const { return k_; }
  /// Node i's inputs; input j is bit j of the index into its truth table.
  std::span<const std::uint32_t> inputs_of(std::size_t node) const {
    return {inputs_.data() + node * static_cast<std::size_t>(k_), static_cast<std::size_t>(k_)};
  }
  /// Node i's truth table: bit `index` is the output for input pattern `index`.
  std::uint64_t table_of(std::size_t node) const { return tables_[node]; }
  /// Current states (0/1), one per node.
  std::span<const std::uint8_t> states() const { return state_; }
  /// Writable states, for tests and lessons that set a configuration by hand.
  std::span<std::uint8_t> mutable_states() { return state_; }

  void observe(std::span<double> row) const override;
  std::vector<Attribute> describe() const override;
  Picture picture() const override;

  std::unique_ptr<Simulator> clone() const override;
  std::uint64_t perturbation_sites() const override { return state_.size(); }
  /// Flips node `site`.
  void perturb(std::uint64_t site) override;
  /// Hamming distance: the fraction of nodes whose states differ.
  double distance(const Simulator& other) const override;

  /// One synchronous update of configuration `from` into `to` (both node_count() long), by this
  /// network's wiring and tables; the model's own state is untouched.
  void update(std::span<const std::uint8_t> from, std::span<std::uint8_t> to) const;

 private:
  void advance() override;
  void visit_model_state(StateArchive& archive) override;

  int k_;
  std::vector<std::uint32_t> inputs_;
  std::vector<std::uint64_t> tables_;
  std::vector<std::uint8_t> state_;
  std::vector<std::uint8_t> next_;
  std::uint64_t changed_ = 0;  // nodes that changed in the last step
};

/// One point of the Derrida map: pairs of configurations at normalised Hamming distance `d`,
/// each updated once by the network, end at mean distance `next` (over `pairs` pairs, with its
/// standard error).
struct DerridaPoint {
  double d = 0.0;
  double next = 0.0;
  double standard_error = 0.0;
};

/// The Derrida map of `net` (Derrida & Pomeau 1986): for each distance d in `distances` (0..1),
/// `pairs` pairs of configurations (the first uniformly random, the second the first with exactly
/// round(d N) nodes flipped) are updated once and their distance measured. Deterministic: the
/// draws are streams of (seed, purpose::boolean_network_derrida, pair, distance index).
std::vector<DerridaPoint> derrida_map(const BooleanNetwork& net, std::span<const double> distances,
                                      int pairs, std::uint64_t seed);

/// The annealed approximation of the map for a random Boolean network with K inputs per node and
/// bias p: d' = 2p(1-p) [1 - (1-d)^K]. A node's output can differ only if one of its K inputs
/// differs, which happens with probability 1 - (1-d)^K; its table entries for two different
/// input patterns are independent draws, 1 with probability p, so they differ with probability
/// 2p(1-p). The slope at d = 0 is 2p(1-p) K: 1 at the critical K = 2, p = 1/2.
double derrida_annealed(double d, int k, double p);

}  // namespace caresim::teaching
