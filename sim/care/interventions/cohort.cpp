// Cohorts: who took part in a cohort-forming intervention, for follow-on kinds (`cohort_of`).
#include "cohort.hpp"

namespace caresim::detail {

std::size_t intervention_index(const Model& model, const InterventionSpec& spec) {
  const auto& list = model.scenario.interventions;
  if (!list.empty() && &spec >= list.data() && &spec < list.data() + list.size()) {
    return static_cast<std::size_t>(&spec - list.data());
  }
  return list.size();
}

std::uint32_t intervention_step(std::size_t index, int day) {
  // Phases key streams by the day (< 2^16); interventions set the top bit and their index.
  return 0x80000000u | (static_cast<std::uint32_t>(index & 0x7FFFu) << 16) |
         (static_cast<std::uint32_t>(day) & 0xFFFFu);
}

void record_cohort(const Model& model, State& state, const InterventionSpec& spec,
                   const std::vector<std::uint32_t>& slots) {
  const std::size_t index = intervention_index(model, spec);
  if (index >= model.scenario.interventions.size()) return;
  if (state.cohorts.size() < model.scenario.interventions.size()) {
    state.cohorts.resize(model.scenario.interventions.size());
  }
  auto& cohort = state.cohorts[index];
  cohort.clear();
  for (std::uint32_t u : slots)
    cohort.push_back({u, state.staff.id[u]});
}

std::vector<std::uint32_t> named_cohort(const Model& model, const State& state,
                                        const InterventionSpec& spec) {
  std::vector<std::uint32_t> members;
  if (spec.cohort_of.empty()) return members;
  const auto& list = model.scenario.interventions;
  for (std::size_t j = 0; j < list.size() && j < state.cohorts.size(); ++j) {
    if (list[j].name != spec.cohort_of) continue;
    for (const CohortMember& m : state.cohorts[j]) {
      if (m.slot < state.staff.size() && state.staff.id[m.slot] == m.id) members.push_back(m.slot);
    }
    break;
  }
  std::sort(members.begin(), members.end());
  members.erase(std::unique(members.begin(), members.end()), members.end());
  return members;
}

std::vector<std::uint32_t> recorded_cohort(const Model& model, const State& state,
                                           const InterventionSpec& spec) {
  std::vector<std::uint32_t> slots;
  const std::size_t index = intervention_index(model, spec);
  if (index >= state.cohorts.size()) return slots;
  for (const CohortMember& m : state.cohorts[index])
    slots.push_back(m.slot);
  return slots;
}

void charge_staff_days(const State& state, const std::vector<std::uint32_t>& slots, double days,
                       std::vector<double>& staff_days) {
  for (const std::uint32_t u : slots) {
    if (u < state.staff.size()) staff_days[state.staff.org[u]] += days;
  }
}

void tie_up(State& state, std::uint32_t a, std::uint32_t b, double gain, double strength) {
  if (a == b) return;
  const std::uint32_t edge = state.ties.find(a, b);
  if (edge != kNone) {
    auto strengths = state.ties.strengths();
    strengths[edge] += relational(gain, state) * (1.0f - strengths[edge]);
  } else {
    state.staged_ties.added.push_back({a, b, relational(strength, state)});
  }
}

}  // namespace caresim::detail
