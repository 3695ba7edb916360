// The care model's State, member by member, for checkpoints (core/archive.hpp). Every aggregate
// of the state that is not trivially copyable lists its members here; the archive refuses to
// compile when a list is shorter than its struct, so a member added to State (or to Staff,
// Citizens, DailyTallies, Levers...) must be added here too. Trivially copyable records
// (GpRequest, InterimStay, CohortMember, TargetSpec...) are saved as their bytes, all members.
#include <fmt/format.h>

#include <stdexcept>

#include "caresim/care/simulation.hpp"

namespace caresim {

template <>
struct Fields<Staff> {
  static constexpr auto list = std::tuple{
      field("id", &Staff::id),
      field("org", &Staff::org),
      field("team", &Staff::team),
      field("locality", &Staff::locality),
      field("role", &Staff::role),
      field("system_share", &Staff::system_share),
      field("energy", &Staff::energy),
      field("mindset", &Staff::mindset),
      field("vision", &Staff::vision),
      field("efficacy", &Staff::efficacy),
      field("resistance", &Staff::resistance),
      field("trust", &Staff::trust),
      field("bias", &Staff::bias),
      field("dissatisfaction", &Staff::dissatisfaction),
      field("committed", &Staff::committed),
      field("workshops", &Staff::workshops),
  };
};

template <>
struct Fields<Citizens> {
  static constexpr auto list = std::tuple{
      field("id", &Citizens::id),
      field("neighbourhood", &Citizens::neighbourhood),
      field("gp_practice", &Citizens::gp_practice),
      field("age_band", &Citizens::age_band),
      field("health", &Citizens::health),
      field("chronic", &Citizens::chronic),
      field("next_event_time", &Citizens::next_event_time),
  };
};

template <>
struct Fields<DemandCalendar> {
  static constexpr auto list = std::tuple{
      field("day_bucket", &DemandCalendar::day_bucket),
      field("filed_day", &DemandCalendar::filed_day),
  };
};

template <>
struct Fields<DailyTallies> {
  static constexpr auto list = std::tuple{
      field("demand", &DailyTallies::demand),
      field("demand_by_org", &DailyTallies::demand_by_org),
      field("demand_by_neighbourhood", &DailyTallies::demand_by_neighbourhood),
      field("a_and_e_by_neighbourhood", &DailyTallies::a_and_e_by_neighbourhood),
      field("admissions_by_neighbourhood", &DailyTallies::admissions_by_neighbourhood),
      field("a_and_e_within_4h", &DailyTallies::a_and_e_within_4h),
      field("a_and_e_last_minute", &DailyTallies::a_and_e_last_minute),
      field("a_and_e_gamed", &DailyTallies::a_and_e_gamed),
      field("admissions", &DailyTallies::admissions),
      field("discharges", &DailyTallies::discharges),
      field("interim_admissions", &DailyTallies::interim_admissions),
      field("interim_to_long_term", &DailyTallies::interim_to_long_term),
      field("packages_started", &DailyTallies::packages_started),
      field("deaths", &DailyTallies::deaths),
      field("vaccinations", &DailyTallies::vaccinations),
      field("episodes", &DailyTallies::episodes),
      field("episode_successes", &DailyTallies::episode_successes),
      field("ties_formed", &DailyTallies::ties_formed),
      field("ties_lost", &DailyTallies::ties_lost),
      field("leavers", &DailyTallies::leavers),
      field("adoptions", &DailyTallies::adoptions),
      field("abandonments", &DailyTallies::abandonments),
      field("leavers_by_org", &DailyTallies::leavers_by_org),
      field("gp_appointments", &DailyTallies::gp_appointments),
      field("gp_same_day", &DailyTallies::gp_same_day),
      field("gp_within_14_days", &DailyTallies::gp_within_14_days),
      field("gp_wait_days", &DailyTallies::gp_wait_days),
      field("gp_gave_up", &DailyTallies::gp_gave_up),
      field("gp_gave_up_a_and_e", &DailyTallies::gp_gave_up_a_and_e),
      field("gp_wait_crises", &DailyTallies::gp_wait_crises),
  };
};

template <>
struct Fields<SharedTarget> {
  static constexpr auto list = std::tuple{
      field("target", &SharedTarget::target),
      field("judged", &SharedTarget::judged),
  };
};

template <>
struct Fields<Levers> {
  static constexpr auto list = std::tuple{
      field("inspection_scale", &Levers::inspection_scale),
      field("shared_targets", &Levers::shared_targets),
      field("priority_shift", &Levers::priority_shift),
      field("flu_outreach_gain", &Levers::flu_outreach_gain),
      field("prevention_extra", &Levers::prevention_extra),
      field("joint_work_extra", &Levers::joint_work_extra),
  };
};

template <>
struct Fields<TieChanges> {
  static constexpr auto list = std::tuple{
      field("removed", &TieChanges::removed),
      field("added", &TieChanges::added),
  };
};

template <>
struct Fields<DailyCosts> {
  static constexpr auto list = std::tuple{
      field("bed_days", &DailyCosts::bed_days),
      field("delayed_bed_days", &DailyCosts::delayed_bed_days),
      field("a_and_e", &DailyCosts::a_and_e),
      field("gp", &DailyCosts::gp),
      field("community", &DailyCosts::community),
      field("crisis", &DailyCosts::crisis),
      field("home_care", &DailyCosts::home_care),
      field("care_home", &DailyCosts::care_home),
      field("interim_care", &DailyCosts::interim_care),
      field("staff_replacement", &DailyCosts::staff_replacement),
      field("intervention_staff", &DailyCosts::intervention_staff),
      field("system", &DailyCosts::system),
      field("by_org", &DailyCosts::by_org),
      field("staff_days_by_org", &DailyCosts::staff_days_by_org),
  };
};

template <>
struct Fields<State::LeaderEffects> {
  static constexpr auto list = std::tuple{
      field("effort_weight", &State::LeaderEffects::effort_weight),
      field("resistance_effect", &State::LeaderEffects::resistance_effect),
      field("pressure_effect", &State::LeaderEffects::pressure_effect),
  };
};

template <>
struct Fields<State> {
  static constexpr auto list = std::tuple{
      field("day", &State::day),
      field("staff", &State::staff),
      field("citizens", &State::citizens),
      field("ties", &State::ties),
      field("calendar", &State::calendar),
      field("today", &State::today),
      field("next_citizen_id", &State::next_citizen_id),
      field("next_staff_id", &State::next_staff_id),
      field("attendances", &State::attendances),
      field("delayed_discharges", &State::delayed_discharges),
      field("delay_reason", &State::delay_reason),
      field("care_home_credit", &State::care_home_credit),
      field("nhs_care_credit", &State::nhs_care_credit),
      field("in_hospital", &State::in_hospital),
      field("package_credit", &State::package_credit),
      field("in_care", &State::in_care),
      field("interim_care", &State::interim_care),
      field("gp_queue", &State::gp_queue),
      field("gp_credit", &State::gp_credit),
      field("gp_mean_wait", &State::gp_mean_wait),
      field("capacity", &State::capacity),
      field("backlog", &State::backlog),
      field("served", &State::served),
      field("metric", &State::metric),
      field("pressure", &State::pressure),
      field("shared_pressure", &State::shared_pressure),
      field("levers", &State::levers),
      field("leader_choices", &State::leader_choices),
      field("gaming", &State::gaming),
      field("social_care_budget_per_day", &State::social_care_budget_per_day),
      field("social_care_spend_per_day", &State::social_care_spend_per_day),
      field("capacity_cut", &State::capacity_cut),
      field("prevention_work", &State::prevention_work),
      field("joint_work", &State::joint_work),
      field("prevention_coverage", &State::prevention_coverage),
      field("joint_work_level", &State::joint_work_level),
      field("community_service_level", &State::community_service_level),
      field("vaccinated_65", &State::vaccinated_65),
      field("flu_wave", &State::flu_wave),
      field("coordination", &State::coordination),
      field("adoptions", &State::adoptions),
      field("cohorts", &State::cohorts),
      field("problems_solved", &State::problems_solved),
      field("relational_gain", &State::relational_gain),
      field("participant_vision_decay", &State::participant_vision_decay),
      field("cost_to_date", &State::cost_to_date),
      field("costs", &State::costs),
      field("leader_stance", &State::leader_stance),
      field("leader_stance_id", &State::leader_stance_id),
      field("leaders_acting", &State::leaders_acting),
      field("leader_signal", &State::leader_signal),
      field("leader_effects", &State::leader_effects),
      field("community_support", &State::community_support),
      field("social_prescribing_referrals", &State::social_prescribing_referrals),
      field("social_prescribing_supported", &State::social_prescribing_supported),
      field("public_health_prevention", &State::public_health_prevention),
      field("commissioner_oversight", &State::commissioner_oversight),
      field("chosen_edge", &State::chosen_edge),
      field("proposed_partner", &State::proposed_partner),
      field("introduction", &State::introduction),
      field("edges_below_floor", &State::edges_below_floor),
      field("staged_ties", &State::staged_ties),
      field("system_share_next", &State::system_share_next),
      field("mindset_next", &State::mindset_next),
      field("influencer", &State::influencer),
      field("leaving", &State::leaving),
      field("peer_share", &State::peer_share),
      field("tie_support", &State::tie_support),
      field("mindset_review_day", &State::mindset_review_day),
      field("turnover_review_day", &State::turnover_review_day),
  };
};

static_assert(fields_complete<State>(), "State changed: list the new member in Fields<State>");

void Simulation::visit_state(StateArchive& archive) {
  if (!archive.loading()) {
    archive("care_state", world_.state);
    return;
  }
  State saved;
  archive("care_state", saved);
  // The Model is rebuilt from the scenario; the saved state must be of the same city.
  const State& built = world_.state;
  const auto check = [](const char* what, std::size_t saved_size, std::size_t built_size) {
    if (saved_size != built_size) {
      throw std::invalid_argument(
          fmt::format("the checkpoint's city has {} {}, this scenario's has {}: a checkpoint "
                      "continues only the city it was saved from (same city and organisations)",
                      saved_size, what, built_size));
    }
  };
  check("staff", saved.staff.size(), built.staff.size());
  check("citizens", saved.citizens.size(), built.citizens.size());
  check("organisations' queues", saved.gp_queue.size(), built.gp_queue.size());
  check("organisations", saved.capacity.size(), built.capacity.size());
  check("neighbourhoods", saved.vaccinated_65.size(), built.vaccinated_65.size());
  check("localities", saved.prevention_work.size(), built.prevention_work.size());
  check("tie-network people", saved.ties.node_count(), built.ties.node_count());
  check("ties a person can keep", saved.ties.max_degree(), built.ties.max_degree());
  // A branch (catalogue/run.hpp) may run a scenario with other interventions and another
  // number of days than the one saved: cohorts follow this scenario's interventions (those of
  // the saved one must not have formed any beyond them), and the demand calendar this
  // scenario's days, filing the citizens whose next candidate event falls in the added days
  // (as build_world would have; in slot order). A resume changes neither.
  const std::size_t interventions = world_.model.scenario.interventions.size();
  for (std::size_t k = interventions; k < saved.cohorts.size(); ++k) {
    if (!saved.cohorts[k].empty()) {
      throw std::invalid_argument(fmt::format(
          "the checkpoint holds the cohort of intervention {} of its scenario, which this "
          "scenario does not have (it lists {} interventions)",
          k + 1, interventions));
    }
  }
  saved.cohorts.resize(interventions);
  const auto days = static_cast<std::size_t>(world_.model.scenario.run.days);
  if (days < static_cast<std::size_t>(saved.day)) {
    throw std::invalid_argument(
        fmt::format("the checkpoint is at day {}, past this scenario's {} days", saved.day, days));
  }
  DemandCalendar& calendar = saved.calendar;
  const std::size_t saved_days = calendar.day_bucket.size();
  calendar.day_bucket.resize(days);
  for (std::size_t i = 0; days > saved_days && i < saved.citizens.size(); ++i) {
    const double t = saved.citizens.next_event_time[i];
    if (calendar.filed_day[i] == -1 && t >= static_cast<double>(saved_days) &&
        t < static_cast<double>(days)) {
      calendar.day_bucket[static_cast<std::size_t>(t)].push_back(static_cast<std::uint32_t>(i));
      calendar.filed_day[i] = static_cast<std::int32_t>(t);
    }
  }
  for (std::int32_t& d : calendar.filed_day) {
    if (d >= static_cast<std::int32_t>(days)) d = -1;  // its bucket was cut off
  }
  world_.state = std::move(saved);
}

}  // namespace caresim
