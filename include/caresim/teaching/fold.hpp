#pragma once

#include <cstdint>
#include <vector>

#include "caresim/teaching/teaching_model.hpp"

namespace caresim::teaching {

/// The noisy fold (harvesting) model (docs/teaching.md; May 1977, Dakos et al. 2012):
/// dx = [x (1 - x/10) - c x^2 / (x^2 + 1)] dt + sigma dW, Euler-Maruyama with `substeps` steps of
/// dt = 1/substeps per step, x kept >= 0. c is held at c_start or ramped linearly from c_start
/// (first step) to c_end (last step). The upper branch disappears in a fold at c = 2.604.
class Fold final : public TeachingModel {
 public:
  explicit Fold(const Scenario& scenario);

  double x() const { return x_; }
  /// Harvest rate used in step `step` (0-based).
  double harvest_rate(int step) const;
  /// Drift x (1 - x/10) - c x^2 / (x^2 + 1).
  static double drift(double x, double c);

  void observe(std::span<double> row) const override;
  std::vector<Attribute> describe() const override;
  std::vector<std::string> live_keys() const override;
  void set_live(const std::string& key, double value) override;
  Picture picture() const override;

  std::unique_ptr<Simulator> clone() const override;
  std::uint64_t perturbation_sites() const override { return 1; }
  /// Adds kPerturbation to x.
  void perturb(std::uint64_t site) override;
  static constexpr double kPerturbation = 1e-3;
  /// |x_A - x_B|.
  double distance(const Simulator& other) const override;

 private:
  void advance() override;
  void visit_model_state(StateArchive& archive) override;

  FoldSettings settings_;
  double x_;
  double last_c_ = 0.0;
};

}  // namespace caresim::teaching
