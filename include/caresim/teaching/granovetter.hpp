#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "caresim/teaching/teaching_model.hpp"

namespace caresim::teaching {

/// Granovetter's (1978) riot model (docs/teaching.md): person i riots at step t+1 if at least
/// theta_i people rioted at step t (theta in people; nobody riots before the first step).
class Granovetter final : public TeachingModel {
 public:
  explicit Granovetter(const Scenario& scenario);
  /// A crowd with the given thresholds (people), for exact cases; settings other than the
  /// thresholds come from `scenario`.
  Granovetter(const Scenario& scenario, std::vector<double> thresholds);

  std::span<const double> thresholds() const { return thresholds_; }
  std::uint64_t rioters() const { return rioters_; }
  std::span<const std::uint8_t> rioting() const { return rioting_; }

  void observe(std::span<double> row) const override;
  std::vector<Attribute> describe() const override;
  Picture picture() const override;

  std::unique_ptr<Simulator> clone() const override;
  std::uint64_t perturbation_sites() const override { return rioting_.size(); }
  /// Flips person `site` between rioting and not.
  void perturb(std::uint64_t site) override;
  /// Fraction of people whose states differ.
  double distance(const Simulator& other) const override;

 private:
  void advance() override;
  void visit_model_state(StateArchive& archive) override;
  void count_rioters();

  std::vector<double> thresholds_;
  std::vector<std::uint8_t> rioting_;
  std::uint64_t rioters_ = 0;
};

}  // namespace caresim::teaching
