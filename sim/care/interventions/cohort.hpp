#pragma once
// Private: the cohort machinery and helpers the relational intervention kinds share
// (docs/model.md, "Cohorts").

#include <algorithm>
#include <cstdint>
#include <vector>

#include "caresim/care/world.hpp"

namespace caresim::detail {

/// Position of `spec` in model.scenario.interventions (its size if `spec` is not one of them).
std::size_t intervention_index(const Model& model, const InterventionSpec& spec);

/// The Stream step for intervention `index`'s draws on run day `day`: apart from every other
/// intervention's and from the day-keyed draws of the phases.
std::uint32_t intervention_step(std::size_t index, int day);

/// Records the staff in `slots` as the cohort of `spec` (a cohort-forming intervention).
void record_cohort(const Model& model, State& state, const InterventionSpec& spec,
                   const std::vector<std::uint32_t>& slots);

/// The members still in post (staff slots, ascending) of the cohort `spec.cohort_of` names;
/// empty if `spec` names none or that intervention has not happened yet.
std::vector<std::uint32_t> named_cohort(const Model& model, const State& state,
                                        const InterventionSpec& spec);

/// The cohort `spec` itself recorded (staff slots, as recorded: those who have left since
/// attended too); empty if it has not happened.
std::vector<std::uint32_t> recorded_cohort(const Model& model, const State& state,
                                           const InterventionSpec& spec);

/// Adds `days` staff-days to the organisation of each staff slot in `slots`
/// (InterventionModule::staff_time).
void charge_staff_days(const State& state, const std::vector<std::uint32_t>& slots, double days,
                       std::vector<double>& staff_days);

/// A relational gain scaled by leaders' congruence (State::relational_gain), at most 1.
inline float relational(double gain, const State& state) {
  return static_cast<float>(std::min(1.0, gain * state.relational_gain));
}

/// Ties a and b: strengthens an existing tie by gain x (1 - w), or stages a new tie of strength
/// `strength` (both scaled by leaders' congruence).
void tie_up(State& state, std::uint32_t a, std::uint32_t b, double gain, double strength);

}  // namespace caresim::detail
