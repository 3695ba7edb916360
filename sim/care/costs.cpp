// The cost outputs (docs/model.md, "Costs and health outputs"): unit costs from the scenario's
// `costs:` section times the day's tallies and end-of-day stocks, charged to organisations.
#include "caresim/care/costs.hpp"

#include <algorithm>

#include "caresim/care/intervention.hpp"

namespace caresim {
namespace {

std::size_t kind_index(OrgKind k) {
  return static_cast<std::size_t>(k);
}

/// Charges `amount` to the organisations of `kind`, in proportion to their staff (evenly if none
/// has staff). Returns what was charged: nothing when the city has no organisation of the kind.
double charge_kind(const Model& model, OrgKind kind, double amount, std::vector<double>& by_org) {
  const auto& orgs = model.orgs_of_kind[kind_index(kind)];
  if (orgs.empty()) return 0.0;
  double staff = 0.0;
  for (const std::uint32_t o : orgs)
    staff += model.organisations.staff_count[o];
  for (const std::uint32_t o : orgs) {
    const double weight = staff > 0.0 ? model.organisations.staff_count[o] / staff
                                      : 1.0 / static_cast<double>(orgs.size());
    by_org[o] += amount * weight;
  }
  return amount;
}

}  // namespace

std::vector<double> intervention_staff_days(const Model& model, const State& state, int day) {
  std::vector<double> days(model.organisations.size(), 0.0);
  // By reference: a kind finds its own cohort by its place in the scenario's list.
  for (const InterventionSpec& spec : model.scenario.interventions) {
    const InterventionModule& module = intervention_module(spec.kind);
    if (module.active(spec, day)) module.staff_time(spec, model, state, day, days);
  }
  return days;
}

DailyCosts daily_costs(const Model& model, const State& state, int day) {
  const CostSettings& u = model.scenario.costs;
  const Organisations& orgs = model.organisations;
  const DailyTallies& t = state.today;
  DailyCosts c;
  c.by_org.assign(orgs.size(), 0.0);
  // The acute trust: A&E and beds (end-of-day occupancy; delayed patients are among them).
  const double delayed = static_cast<double>(state.delayed_discharges.size());
  const double not_fit = static_cast<double>(state.in_hospital) - delayed;
  const double attendances =
      static_cast<double>(t.demand[static_cast<std::size_t>(Service::a_and_e)]);
  c.a_and_e = charge_kind(model, OrgKind::acute, attendances * u.a_and_e_attendance, c.by_org);
  c.bed_days = charge_kind(model, OrgKind::acute, not_fit * u.bed_day, c.by_org);
  c.delayed_bed_days = charge_kind(model, OrgKind::acute, delayed * u.delayed_bed_day, c.by_org);
  // Services each organisation gave today: appointments, contacts.
  for (std::uint32_t o = 0; o < orgs.size(); ++o) {
    double* component = nullptr;
    double unit = 0.0;
    switch (orgs.kind[o]) {
      case OrgKind::gp_practice:
        component = &c.gp;
        unit = u.gp_appointment;
        break;
      case OrgKind::community:
        component = &c.community;
        unit = u.community_contact;
        break;
      case OrgKind::mental_health:
        component = &c.crisis;
        unit = u.crisis_contact;
        break;
      default:
        break;
    }
    if (component == nullptr) continue;
    const double cost = state.served[o] * unit;
    *component += cost;
    c.by_org[o] += cost;
  }
  // Social care (the council) pays for packages and long-term placements; care providers run
  // the interim beds. Deaths come before the discharge phase, which drops the stays of those who
  // died, so at the end of the day every stay listed is a live one.
  const double interim = static_cast<double>(state.interim_care.size());
  const double long_term = static_cast<double>(state.in_care) - interim;
  c.home_care = charge_kind(model, OrgKind::social_care,
                            static_cast<double>(t.packages_started) * u.home_care_hours_per_week *
                                u.home_care_package_weeks * u.home_care_hour,
                            c.by_org);
  c.care_home =
      charge_kind(model, OrgKind::social_care, long_term * u.care_home_week / 7.0, c.by_org);
  c.interim_care = charge_kind(model, OrgKind::care_home, interim * u.interim_bed_day, c.by_org);
  // Every organisation: replacing its leavers, and the staff time interventions took.
  c.staff_days_by_org = intervention_staff_days(model, state, day);
  const std::vector<double>& staff_days = c.staff_days_by_org;
  for (std::uint32_t o = 0; o < orgs.size(); ++o) {
    const std::size_t k = kind_index(orgs.kind[o]);
    const double replacement = static_cast<double>(t.leavers_by_org[o]) * u.replacement[k];
    const double staff_time = staff_days[o] * u.staff_day[k];
    c.staff_replacement += replacement;
    c.intervention_staff += staff_time;
    c.by_org[o] += replacement + staff_time;
  }
  c.system = c.bed_days + c.delayed_bed_days + c.a_and_e + c.gp + c.community + c.crisis +
             c.home_care + c.care_home + c.interim_care + c.staff_replacement +
             c.intervention_staff;
  return c;
}

void account_costs(const Model& model, State& state) {
  state.costs = daily_costs(model, state, state.day);
  state.cost_to_date += state.costs.system;
}

}  // namespace caresim
