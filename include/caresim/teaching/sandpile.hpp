#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "caresim/teaching/teaching_model.hpp"

namespace caresim::teaching {

/// One avalanche: what one dropped grain set off.
struct Avalanche {
  std::uint64_t size = 0;      ///< topplings
  std::uint64_t duration = 0;  ///< waves of parallel topplings (0 if nothing toppled)
  std::uint64_t lost = 0;      ///< grains that fell off the open edges
};

/// The Bak-Tang-Wiesenfeld sandpile (docs/teaching.md) on an L x L lattice with open boundaries:
/// heights 0..3 are stable; a site with 4 or more topples, giving one grain to each of its four
/// neighbours (grains given past the edge are lost). Each step drops `grains_per_step` grains,
/// each on a uniformly random site, and relaxes fully after each. Relaxation goes in waves (every
/// unstable site topples once per wave); the final configuration and the toppling count do not
/// depend on the order (Dhar's abelian property). Outputs report heights on the 1..4 scale.
class Sandpile final : public TeachingModel {
 public:
  explicit Sandpile(const Scenario& scenario);

  int side() const { return side_; }
  /// Heights 0..3, row-major.
  std::span<const std::uint8_t> heights() const { return height_; }
  /// Adds a grain at `site` and relaxes; returns the avalanche.
  Avalanche drop(std::uint32_t site);
  /// Avalanches of the last step, in drop order.
  std::span<const Avalanche> last_avalanches() const { return last_; }
  /// Mean height on the 1..4 scale over the whole lattice, and over the central
  /// (L/2) x (L/2) square (the bulk).
  double mean_height() const;
  double bulk_mean_height() const;

  void observe(std::span<double> row) const override;
  /// At the end of the run, the table `avalanches`: every grain's avalanche in drop order (step,
  /// size, duration, grains lost), so the size distribution shows whatever grains_per_step is.
  std::vector<Table> tables(bool at_end) const override;
  std::vector<Attribute> describe() const override;
  std::vector<std::string> live_keys() const override;
  void set_live(const std::string& key, double value) override;
  Picture picture() const override;

  std::unique_ptr<Simulator> clone() const override;
  std::uint64_t perturbation_sites() const override { return height_.size(); }
  /// Drops one extra grain on `site` (and relaxes).
  void perturb(std::uint64_t site) override;
  /// Mean |h_A - h_B| over sites.
  double distance(const Simulator& other) const override;

 private:
  void advance() override;
  void visit_model_state(StateArchive& archive) override;

  int side_;
  int grains_per_step_;
  std::vector<std::uint8_t> height_;
  std::vector<std::uint8_t> queued_;  // scratch: site is in the next wave
  std::vector<std::uint32_t> wave_, next_wave_, touched_;
  std::vector<Avalanche> last_;
  std::vector<std::uint32_t> toppled_;  // sites toppled in the last step, once per toppling
  std::vector<std::int64_t> avalanche_step_, avalanche_size_, avalanche_duration_, avalanche_lost_;
};

}  // namespace caresim::teaching
