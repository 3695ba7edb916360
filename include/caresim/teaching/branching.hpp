#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "caresim/teaching/teaching_model.hpp"

namespace caresim::teaching {

/// One finished cascade of the branching process.
struct Cascade {
  std::uint64_t size = 0;         ///< individuals, the ancestor included (capped at max_size)
  std::uint32_t generations = 0;  ///< generations with at least one individual (>= 1)
  bool censored = false;          ///< stopped at max_size before dying out
};

/// A Galton-Watson branching process with Poisson(m) offspring (docs/teaching.md). Each step runs
/// `cascades_per_step` independent cascades from one ancestor each, in parallel; cascade c of
/// step t draws from the stream (seed, branching_offspring, t, c), one Poisson(m x generation
/// size) draw per generation (a sum of independent Poissons is Poisson). For m = 1 sizes are
/// Borel distributed: P(s) = e^-s s^(s-1) / s!, tail ~ s^(-3/2).
///
/// Twin runs are not supported: cascades of one step are independent, so there is no state to
/// perturb.
class Branching final : public TeachingModel {
 public:
  explicit Branching(const Scenario& scenario);

  /// Cascades of the last step, in cascade order.
  std::span<const Cascade> last_cascades() const { return last_; }
  /// Labels of the size classes of the histogram output: "1" .. "20", "21+".
  static constexpr std::size_t kSizeClasses = 21;

  /// Individuals in each generation of cascade `cascade` of step `step`, replayed from its random
  /// stream (the same draws as the run), capped at max_size like the run.
  std::vector<std::uint64_t> generation_sizes(int step, std::size_t cascade) const;

  void observe(std::span<double> row) const override;
  std::vector<Attribute> describe() const override;
  std::vector<std::string> live_keys() const override;
  void set_live(const std::string& key, double value) override;
  Picture picture() const override;

 private:
  void advance() override;
  void visit_model_state(StateArchive& archive) override;

  double mean_offspring_;
  int cascades_per_step_;
  std::uint64_t max_size_;
  std::vector<Cascade> last_;
};

}  // namespace caresim::teaching
