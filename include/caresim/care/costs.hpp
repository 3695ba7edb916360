#pragma once
// What the care system's activity costs (docs/model.md, "Costs and health outputs"): unit costs
// from the scenario's `costs:` section applied to the day's tallies and stocks. Accounting only:
// nothing here feeds back into the model.

#include <vector>

#include "caresim/care/world.hpp"

namespace caresim {

/// Staff-days each organisation gave to the interventions active on run day `day` (each kind's
/// InterventionModule::staff_time), indexed by organisation.
std::vector<double> intervention_staff_days(const Model& model, const State& state, int day);

/// The costs of run day `day`, just simulated (`state` as the day's phases left it): each unit
/// cost times its count, charged to the organisation that provides the service (split among the
/// organisations of a kind in proportion to their staff where the model does not say which).
DailyCosts daily_costs(const Model& model, const State& state, int day);

/// Fills state.costs with daily_costs(model, state, state.day) and adds its system total to
/// state.cost_to_date. Called by Simulation::step after the phases, before the day advances.
void account_costs(const Model& model, State& state);

}  // namespace caresim
