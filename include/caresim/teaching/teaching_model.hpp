#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "caresim/engine/simulator.hpp"
#include "caresim/scenario/scenario.hpp"
#include "caresim/teaching/purposes.hpp"

namespace caresim::teaching {

/// Plumbing shared by the teaching models (docs/teaching.md): step counting, the output layout
/// (plain time series, all shown in the summary), timing of the one phase each model has, and the
/// run seed. One step is one tick of the model's own clock. Copyable, so clone() is a copy.
class TeachingModel : public Simulator {
 public:
  int day() const override { return step_; }
  int days() const override { return days_; }
  /// Runs the model's update once and advances the step counter.
  void step() final;
  const RunLayout& layout() const override { return layout_; }
  std::vector<std::size_t> headline_series() const override;
  std::vector<std::pair<std::string, double>> phase_seconds() const override {
    return {{phase_name_, seconds_}};
  }
  /// The step counter and the model's own state (visit_model_state).
  void visit_state(StateArchive& archive) final;

 protected:
  /// `series` are the model's outputs in row order; the time axis starts at the scenario's
  /// run.start_date (its unit is "days" by convention, one per step).
  TeachingModel(const Scenario& scenario, std::string phase_name, std::vector<SeriesSpec> series,
                std::vector<Dimension> dimensions = {});
  /// The model's update for step day() (0-based); day() advances after it returns.
  virtual void advance() = 0;
  /// Saves or restores every member the model's steps read or write (Simulator::visit_state).
  virtual void visit_model_state(StateArchive& archive) = 0;
  std::uint64_t seed() const { return seed_; }

 private:
  std::uint64_t seed_;
  int step_ = 0;
  int days_;
  std::string phase_name_;
  double seconds_ = 0.0;
  RunLayout layout_;
};

/// Throws std::invalid_argument unless `other` is a T (for distance()).
template <class T>
const T& same_model(const Simulator& other) {
  const T* same = dynamic_cast<const T*>(&other);
  if (same == nullptr)
    throw std::invalid_argument("distance: the other simulator is another model");
  return *same;
}

}  // namespace caresim::teaching
