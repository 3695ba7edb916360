#pragma once

#include "caresim/engine/simulator.hpp"
#include "caresim/scenario/scenario.hpp"

namespace caresim {

/// The Ishigami function as a model (`model: ishigami`): every step outputs the one series `y`,
/// the function of the scenario's ishigami inputs, plus normal noise of sd `ishigami.noise`
/// drawn from the run's seed. It exists to validate sweeps and the
/// sensitivity analysis through the same code path as the care model.
class IshigamiModel final : public Simulator {
 public:
  explicit IshigamiModel(const Scenario& scenario);
  int day() const override { return day_; }
  int days() const override { return days_; }
  void step() override { ++day_; }
  const RunLayout& layout() const override { return layout_; }
  void observe(std::span<double> row) const override { row[0] = y_; }
  std::vector<std::size_t> headline_series() const override { return {0}; }
  std::vector<std::pair<std::string, double>> phase_seconds() const override { return {}; }
  std::vector<Attribute> describe() const override { return {}; }
  void visit_state(StateArchive& archive) override {
    archive("day", day_);
    archive("y", y_);
  }

  /// sin x1 + a sin^2 x2 + b x3^4 sin x1 (without the noise).
  static double evaluate(const IshigamiSettings& s);

 private:
  int day_ = 0;
  int days_;
  double y_;
  RunLayout layout_;
};

}  // namespace caresim
