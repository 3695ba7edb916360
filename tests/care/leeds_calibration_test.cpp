// Issue 13: Leeds calibrated by the method. The posterior that `caresim calibrate` left for the
// tenth-scale city (scenarios/calibration/leeds_small_posterior.csv, from
// scenarios/calibration/leeds_small_calibration.yaml; docs/calibration.md "Leeds") must
// reproduce every target of scenarios/calibration/leeds_targets.yaml in fresh runs: parameter
// sets drawn from it, seeds the calibration never used, each run measured as the calibration
// measured it (two years after the warm-up, each target's reduction of its series).
#include <catch2/catch.hpp>
#include <cmath>

#include "care_support.hpp"
#include "caresim/ensemble/calibrate.hpp"
#include "caresim/ensemble/metrics.hpp"
#include "caresim/ensemble/parameter_sets.hpp"
#include "caresim/scenario/load.hpp"

using namespace caresim;

TEST_CASE("validation: the Leeds posterior reproduces every target in fresh runs at one tenth",
          "[validation][calibration]") {
  const std::filesystem::path dir = CARESIM_SOURCE_DIR "/scenarios";
  const ensemble::ParameterSets sets =
      ensemble::load_parameter_sets(dir / "calibration/leeds_small_posterior.csv");
  REQUIRE(sets.count() >= 10);
  const ensemble::CalibrationSpec spec =
      ensemble::load_calibration_spec(dir / "calibration/leeds_small_calibration.yaml");
  // The posterior's columns are the calibration's parameters.
  REQUIRE(sets.parameter_count() == spec.parameters.size());
  for (std::size_t j = 0; j < sets.parameter_count(); ++j)
    CHECK(sets.names[j] == spec.parameters[j].name);
  const Scenario shipped = load_scenario(dir / "leeds_small.yaml");
  const ensemble::TargetSet targets =
      ensemble::load_targets(dir / "calibration/leeds_targets.yaml", shipped.run.start_date);
  std::vector<ensemble::MetricSpec> metrics;
  for (const ensemble::TargetSpec& t : targets.targets)
    metrics.push_back(t.metric);

  constexpr std::size_t kDraws = 3;
  const std::vector<std::size_t> drawn = ensemble::draw_parameter_sets(sets, 90210, kDraws);
  for (std::size_t k = 0; k < kDraws; ++k) {
    std::vector<std::string> overrides = spec.set;  // run.days=730, as calibrated
    const std::vector<std::string> set = sets.overrides(drawn[k]);
    overrides.insert(overrides.end(), set.begin(), set.end());
    std::string joined;
    for (const std::string& o : set) joined += (joined.empty() ? "" : ", ") + o;
    overrides.push_back("run.seed=" + std::to_string(7000 + k));
    const Scenario s = load_scenario(dir / "leeds_small.yaml", overrides);
    Simulation sim(s);
    ensemble::MetricAccumulator accumulator(metrics, s.run.days);
    accumulator.bind(sim.layout());
    std::vector<double> row(sim.layout().row_width());
    while (sim.day() < s.run.days) {
      const int day = sim.day();
      sim.step();
      sim.observe(row);
      accumulator.add(day, row);
    }
    const std::vector<double> values = accumulator.values();
    for (std::size_t t = 0; t < targets.targets.size(); ++t) {
      const ensemble::TargetSpec& target = targets.targets[t];
      INFO("set " << drawn[k] << " (" << joined << "), target " << target.metric.name
                  << " = " << values[t] << ", band [" << target.lower << ", " << target.upper
                  << "]");
      REQUIRE(target.band);
      CHECK(values[t] >= target.lower);
      CHECK(values[t] <= target.upper);
    }
  }
}
