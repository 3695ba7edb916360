#pragma once
// What the calibration methods (history_matching.hpp, abc.hpp) share: the targets as numbers and
// the model as a callback that runs a batch of parameter sets. The ensemble wraps the scenario
// runner in this callback (ensemble/calibrate.hpp); tests pass closed-form models.

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

namespace caresim::analysis {

/// One observed quantity z the model output f should reproduce:
/// z = f(x*) + discrepancy + observation error, with the two variances given (output units^2).
/// A band [lower, upper] is entered as z = its midpoint and observation sd = its width / 6, so
/// the band's edges sit at implausibility 3 (calibrate.hpp).
struct CalibrationTarget {
  std::string name;
  double observed = 0.0;
  double observation_variance = 0.0;
  double discrepancy_variance = 0.0;
};

/// Runs the model at `count` parameter sets (row-major count x parameters, in the parameters'
/// own units) and returns row-major count x outputs (outputs in target order; NaN where a run
/// failed). `batch` numbers the call within a calibration (wave or generation, then a running
/// index), so the callback can derive each run's seed from (seed, batch, row) and the whole
/// calibration is a pure function of its seed. May run the sets in parallel.
using BatchModel = std::function<std::vector<double>(std::span<const double> parameter_sets,
                                                     std::size_t count, std::uint64_t batch)>;

/// Called as a calibration goes: what it is doing, runs done and runs planned so far.
using CalibrationProgress =
    std::function<void(const std::string& stage, std::size_t done, std::size_t planned)>;

}  // namespace caresim::analysis
