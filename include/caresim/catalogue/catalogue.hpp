#pragma once
// The catalogue of model kinds: the one place that knows every model (the care model, the
// teaching models, the analytic test functions) and builds the one a scenario's `model` names.
// It sits above the models; no model includes it.

#include <memory>

#include "caresim/engine/simulator.hpp"
#include "caresim/scenario/scenario.hpp"

namespace caresim {

/// Builds the simulator the scenario's `model` names. Throws std::invalid_argument if the
/// scenario cannot be built.
std::unique_ptr<Simulator> make_simulator(const Scenario& scenario, bool warm_up = true);

}  // namespace caresim
