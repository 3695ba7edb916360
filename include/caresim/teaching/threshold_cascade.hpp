#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "caresim/core/ties.hpp"
#include "caresim/teaching/teaching_model.hpp"

namespace caresim::teaching {

/// Watts's (2002) threshold cascade (docs/teaching.md) on an Erdos-Renyi network G(N, M) with
/// M = round(z N / 2) uniformly random edges (self-ties and repeats dropped), held in a
/// TieNetwork. One random node starts active; each step every inactive node with at least a
/// fraction phi of its neighbours active becomes active (synchronously); active nodes stay so.
class ThresholdCascade final : public TeachingModel {
 public:
  explicit ThresholdCascade(const Scenario& scenario);

  const TieNetwork& network() const { return network_; }
  std::uint32_t seed_node() const { return seed_node_; }
  std::span<const std::uint8_t> active() const { return active_; }
  /// Fraction of nodes active now.
  double active_fraction() const;

  void observe(std::span<double> row) const override;
  std::vector<Attribute> describe() const override;
  Picture picture() const override;

  std::unique_ptr<Simulator> clone() const override;
  std::uint64_t perturbation_sites() const override { return active_.size(); }
  /// Flips node `site` between active and inactive.
  void perturb(std::uint64_t site) override;
  /// Fraction of nodes whose states differ.
  double distance(const Simulator& other) const override;

 private:
  void advance() override;
  void visit_model_state(StateArchive& archive) override;

  double threshold_;
  TieNetwork network_;
  std::uint32_t seed_node_ = 0;
  std::vector<std::uint8_t> active_;
  std::vector<std::uint8_t> next_;
  std::uint64_t active_count_ = 0;
  std::uint64_t newly_active_ = 0;
};

}  // namespace caresim::teaching
