#pragma once
// Private to the care model's phases: factories of each phase and helpers several phases share.

#include <memory>

#include "caresim/care/coordination.hpp"
#include "caresim/care/phases.hpp"
#include "caresim/core/random.hpp"

namespace caresim::detail {

// One factory per phase; default_phases() (phases.cpp) fixes their order.
std::unique_ptr<Phase> make_interventions_phase();
std::unique_ptr<Phase> make_capacity_phase();
std::unique_ptr<Phase> make_citizen_health_phase();
std::unique_ptr<Phase> make_gp_access_phase();
std::unique_ptr<Phase> make_a_and_e_phase();
std::unique_ptr<Phase> make_discharge_phase();
std::unique_ptr<Phase> make_services_phase();
std::unique_ptr<Phase> make_vaccination_phase();
std::unique_ptr<Phase> make_coordination_phase();
std::unique_ptr<Phase> make_targets_phase();
std::unique_ptr<Phase> make_staff_effort_phase();
std::unique_ptr<Phase> make_mindset_phase();
std::unique_ptr<Phase> make_turnover_phase();
std::unique_ptr<Phase> make_partners_phase();
std::unique_ptr<Phase> make_leadership_phase();

/// Where a citizen goes next: files it in the calendar at its next candidate time.
void file_in_calendar(State& state, std::uint32_t citizen);

/// Draws staff member u's attitudes (mindset, vision, efficacy, resistance, trust, bias, energy,
/// system share) as for the starting workforce (docs/model.md 3.1).
void draw_staff_attitudes(const Scenario& s, Staff& staff, std::size_t u, Stream& rng);

/// Steady-state system share for a staff member with no peers and no pressure.
float baseline_system_share(const Scenario& s, const Staff& staff, std::size_t u);

inline constexpr std::uint16_t kNoPractice = 0xFFFF;

/// The leader's choice for organisation `org` (State::leader_choices), or the neutral one.
inline const LeaderChoice& leader_choice(const State& state, std::uint32_t org) {
  static const LeaderChoice kNeutral{};
  return org < state.leader_choices.size() ? state.leader_choices[org] : kNeutral;
}

/// The social-care budget for packages per day: the city's budget times every leader's
/// package_budget (1 without choices).
inline double package_budget_per_day(const State& state) {
  double factor = 1.0;
  for (const LeaderChoice& c : state.leader_choices)
    factor *= c.package_budget;
  return state.social_care_budget_per_day * factor;
}

/// The first day d >= from on which a Bernoulli(p) trial made every day succeeds, drawn in one
/// step as from + floor(log U / log(1 - p)) (geometric gap). p <= 0: never (INT32_MAX).
std::int32_t next_review_day(std::int32_t from, double p, Stream& rng);

/// Ceiling of the daily probability of a mindset change (the larger of adoption and
/// abandonment rates), and of leaving for staff of organisation `org` (the sector's daily
/// turnover at the full burnout multiplier).
double mindset_ceiling(const Scenario& s);
double turnover_ceiling(const Model& m, std::uint32_t org);

/// Draws staff member u's first candidate days, on or after `from`, for a mindset change and
/// for leaving, and clears their reviewed peers (new starters and new hires).
void schedule_staff_reviews(const Model& m, State& st, std::size_t u, std::int32_t from,
                            Stream& rng);

}  // namespace caresim::detail
