// The standard output series of a care-model run. Adding a series is adding one entry here; the
// HDF5 layout, the row order and the summary all follow from this list.
#include <algorithm>
#include <cstdint>

#include "caresim/care/simulation.hpp"

namespace caresim {
namespace {

constexpr int kOrganisationDim = 0;
constexpr int kNeighbourhoodDim = 1;

double ratio(double num, double den) {
  return den > 0 ? num / den : 0.0;
}
double count(std::uint64_t x) {
  return static_cast<double>(x);
}
double attendances(const State& st) {
  return count(st.today.demand[static_cast<std::size_t>(Service::a_and_e)]);
}
double total_staff(const Observation& o) {
  return static_cast<double>(o.state.staff.size());
}
double sum(const std::vector<double>& v) {
  double s = 0.0;
  for (double x : v)
    s += x;
  return s;
}

using Fill = std::function<void(const Observation&, std::span<double>)>;

Observable scalar(std::string name, std::string units, std::string description, bool headline,
                  std::function<double(const Observation&)> value) {
  return {{std::move(name), std::move(units), std::move(description)},
          headline,
          [value = std::move(value)](const Observation& o, std::span<double> out) {
            out[0] = value(o);
          }};
}

Observable per_org(std::string name, std::string units, std::string description,
                   std::function<double(const Observation&, std::size_t)> value) {
  return {{std::move(name), std::move(units), std::move(description), kOrganisationDim},
          false,
          [value = std::move(value)](const Observation& o, std::span<double> out) {
            for (std::size_t i = 0; i < out.size(); ++i)
              out[i] = value(o, i);
          }};
}

Observable per_neighbourhood(std::string name, std::string units, std::string description,
                             std::function<double(const Observation&, std::size_t)> value) {
  return {{std::move(name), std::move(units), std::move(description), kNeighbourhoodDim},
          false,
          [value = std::move(value)](const Observation& o, std::span<double> out) {
            for (std::size_t i = 0; i < out.size(); ++i)
              out[i] = value(o, i);
          }};
}

double health_share(const Observation& o, Health h) {
  return ratio(o.citizens.total[static_cast<std::size_t>(h)],
               static_cast<double>(o.state.citizens.size()));
}

// How a reader who is not a modeller sees each series (the leader's what-if table and report,
// ensemble/compare_report.hpp): a short plain name, which way is better, and whether it reads as
// a percentage. Series not listed keep their description as their name and no direction.
struct ReaderTerms {
  const char* name;
  const char* plain_name;
  Better better;
  bool percent;
};
constexpr ReaderTerms kReaderTerms[] = {
    {"a_and_e_4h", "A&E patients seen within 4 hours", Better::higher, true},
    {"a_and_e_attendances", "A&E attendances", Better::lower, false},
    {"a_and_e_attendances_per_100k", "A&E attendance rate", Better::lower, false},
    {"a_and_e_admitted_share", "A&E attendances admitted to hospital", Better::neutral, true},
    {"a_and_e_last_minute_share", "4-hour target met in the last 20 minutes (gaming)",
     Better::lower, true},
    {"a_and_e_gamed", "breaches pulled inside 4 hours by gaming", Better::lower, false},
    {"bed_occupancy", "hospital beds occupied", Better::lower, true},
    {"delayed_discharges", "patients fit to leave hospital but stuck waiting", Better::lower,
     false},
    {"delayed_discharge_share_of_beds", "beds held by patients fit to leave", Better::lower, true},
    {"delayed_home_care", "patients fit to leave waiting for home care", Better::lower, false},
    {"delayed_care_home", "patients fit to leave waiting for a care-home place", Better::lower,
     false},
    {"delayed_nhs_care", "patients fit to leave waiting for NHS community care or assessment",
     Better::lower, false},
    {"flu_uptake_65", "over-65s vaccinated against flu", Better::higher, true},
    {"system_minded_share", "staff with the system-leadership mindset", Better::higher, true},
    {"mean_system_share", "staff time spent on work across the system", Better::higher, true},
    {"cross_org_strength_share", "working relationships that cross organisations", Better::higher,
     true},
    {"coordination_success_rate", "joint cases between organisations that went well",
     Better::higher, true},
    {"staff_turnover_annualised", "staff leaving (yearly rate)", Better::lower, true},
    {"social_care_budget_ratio", "social-care spending against budget", Better::lower, true},
    {"gp_appointments_per_100k", "GP appointment rate", Better::higher, false},
    {"gp_mean_wait_days", "wait for a GP appointment", Better::lower, false},
    {"gp_within_14_days_share", "GP appointments within two weeks", Better::higher, true},
    {"gp_same_day_share", "GP appointments on the day asked", Better::higher, true},
    {"gp_overdue_backlog", "GP requests waiting past the day wanted", Better::lower, false},
    {"problems_solved", "problems solved at day-two workshops (so far)", Better::higher, false},
    {"admissions", "emergency admissions", Better::lower, false},
    {"gp_gave_up", "patients who gave up waiting for a GP", Better::lower, false},
    {"gp_gave_up_a_and_e", "patients who gave up on a GP and went to A&E", Better::lower, false},
    {"leavers", "staff leaving", Better::lower, false},
    {"mean_trust", "staff trust in other organisations", Better::higher, false},
    {"mean_energy", "staff energy (wellbeing)", Better::higher, false},
    {"system_cost_per_day", "cost to the whole system a day", Better::lower, false},
    {"system_cost_to_date", "cost to the whole system so far", Better::lower, false},
    {"cost_bed_days", "cost of hospital bed days a day", Better::lower, false},
    {"cost_delayed_bed_days", "cost of delayed-discharge bed days a day", Better::lower, false},
    {"cost_a_and_e", "cost of A&E attendances a day", Better::lower, false},
    {"cost_gp", "cost of GP appointments a day", Better::lower, false},
    {"cost_community", "cost of community health contacts a day", Better::lower, false},
    {"cost_crisis", "cost of mental-health crisis contacts a day", Better::lower, false},
    {"cost_home_care", "cost of home-care packages started a day", Better::lower, false},
    {"cost_care_home", "cost of care-home places a day", Better::lower, false},
    {"cost_interim_care", "cost of interim care beds a day", Better::lower, false},
    {"cost_staff_replacement", "cost of replacing staff who leave a day", Better::lower, false},
    {"cost_intervention_staff", "staff time given to the programme, costed, a day", Better::neutral,
     false},
    {"deaths", "deaths", Better::lower, false},
    {"deaths_per_100k", "death rate", Better::lower, false},
    {"qalys_per_day", "quality-adjusted life-years lived a day", Better::higher, false},
    {"prevalence_complex", "residents with complex needs", Better::lower, true},
    {"prevalence_ltc", "residents with a long-term condition", Better::lower, true},
    {"care_packages_started", "home-care packages started", Better::neutral, false},
    {"community_contacts", "community health contacts", Better::neutral, false},
    {"crisis_contacts", "mental-health crisis contacts", Better::lower, false},
    {"gp_appointments", "GP appointments", Better::higher, false},
    {"org_cost_per_day", "cost to the organisation a day", Better::lower, false},
    {"neighbourhood_a_and_e_per_100k", "A&E attendance rate", Better::lower, false},
    {"neighbourhood_admissions_per_100k", "emergency admission rate", Better::lower, false},
    {"neighbourhood_demand_per_1000", "demand for services (rate)", Better::lower, false},
    {"neighbourhood_complex_prevalence", "residents complex or frail", Better::lower, true},
    {"neighbourhood_flu_uptake_65", "over-65s vaccinated against flu", Better::higher, true},
    {"neighbourhood_prevention_coverage", "prevention reaching the neighbourhood", Better::higher,
     true},
};

void describe_for_readers(std::vector<Observable>& observables) {
  for (Observable& o : observables) {
    for (const ReaderTerms& t : kReaderTerms) {
      if (o.spec.name == t.name) {
        o.spec.plain_name = t.plain_name;
        o.spec.better = t.better;
        o.spec.percent = t.percent;
      }
    }
  }
}
}  // namespace

std::vector<Observable> standard_observables(const Model& model) {
  (void)model;
  std::vector<Observable> v;
  // Headline: the acute trust's front door and back door.
  v.push_back(scalar("a_and_e_4h", "1", "share of A&E attendances within 4 hours", true,
                     [](const Observation& o) {
                       return ratio(count(o.state.today.a_and_e_within_4h), attendances(o.state));
                     }));
  v.push_back(scalar("a_and_e_attendances", "day-1", "A&E attendances in the day", true,
                     [](const Observation& o) { return attendances(o.state); }));
  v.push_back(scalar(
      "a_and_e_attendances_per_100k", "per 100000 residents per day",
      "A&E attendances in the day per 100,000 residents", true, [](const Observation& o) {
        return 1e5 * ratio(attendances(o.state), static_cast<double>(o.state.citizens.size()));
      }));
  v.push_back(scalar("a_and_e_admitted_share", "1", "share of A&E attendances admitted", true,
                     [](const Observation& o) {
                       return ratio(count(o.state.today.admissions), attendances(o.state));
                     }));
  v.push_back(scalar("a_and_e_last_minute_share", "1",
                     "share of within-4h attendances leaving in the last 20 minutes (gaming)", true,
                     [](const Observation& o) {
                       return ratio(count(o.state.today.a_and_e_last_minute),
                                    count(o.state.today.a_and_e_within_4h));
                     }));
  v.push_back(scalar("a_and_e_gamed", "day-1", "breaches pulled inside 4 hours by gaming", false,
                     [](const Observation& o) { return count(o.state.today.a_and_e_gamed); }));
  v.push_back(
      scalar("bed_occupancy", "1",
             "occupied share of general and acute beds (over 1 when escalation beds are open)",
             true, [](const Observation& o) {
               return ratio(o.state.in_hospital, o.model.scenario.hospital.beds);
             }));
  v.push_back(scalar(
      "delayed_discharges", "1",
      "medically fit patients waiting for support to leave hospital (every reason)", true,
      [](const Observation& o) { return static_cast<double>(o.state.delayed_discharges.size()); }));
  // The same patients by what they wait for (docs/model.md 3.7).
  const auto delayed_for = [](DelayReason reason) {
    return [reason](const Observation& o) {
      return static_cast<double>(std::count(o.state.delay_reason.begin(),
                                            o.state.delay_reason.end(),
                                            static_cast<std::uint8_t>(reason)));
    };
  };
  v.push_back(scalar("delayed_home_care", "1",
                     "medically fit patients waiting for a home-care package", false,
                     delayed_for(DelayReason::home_care)));
  v.push_back(scalar("delayed_care_home", "1",
                     "medically fit patients waiting for a care-home place", false,
                     delayed_for(DelayReason::care_home)));
  v.push_back(scalar("delayed_nhs_care", "1",
                     "medically fit patients waiting for NHS community or intermediate care or an "
                     "assessment",
                     false, delayed_for(DelayReason::nhs_care)));
  v.push_back(scalar("delayed_discharge_share_of_beds", "1",
                     "beds held by medically fit patients, share of all beds", true,
                     [](const Observation& o) {
                       return ratio(static_cast<double>(o.state.delayed_discharges.size()),
                                    o.model.scenario.hospital.beds);
                     }));
  v.push_back(scalar("flu_uptake_65", "1", "share of over-65s vaccinated against flu this season",
                     true, [](const Observation& o) {
                       return ratio(sum(o.state.vaccinated_65),
                                    sum(o.model.over_65_in_neighbourhood));
                     }));
  v.push_back(scalar(
      "system_minded_share", "1", "share of staff holding the system-leadership mindset", true,
      [](const Observation& o) { return ratio(sum(o.staff.mindset), total_staff(o)); }));
  v.push_back(scalar(
      "mean_system_share", "1", "mean share of staff effort spent on system work", true,
      [](const Observation& o) { return ratio(sum(o.staff.system_share), total_staff(o)); }));
  v.push_back(
      scalar("cross_org_strength_share", "1",
             "share of all tie strength held by ties that cross organisations", true,
             [](const Observation& o) { return ratio(o.ties.cross_strength, o.ties.strength); }));
  v.push_back(scalar("coordination_success_rate", "1",
                     "share of cross-organisation episodes that succeeded in the day", true,
                     [](const Observation& o) {
                       double tries = 0, wins = 0;
                       for (std::size_t k = 0; k < kEpisodeCount; ++k) {
                         tries += count(o.state.today.episodes[k]);
                         wins += count(o.state.today.episode_successes[k]);
                       }
                       return ratio(wins, tries);
                     }));
  v.push_back(scalar("staff_turnover_annualised", "year-1",
                     "leavers in the day as an annual rate (leavers x 365.25 / staff)", true,
                     [](const Observation& o) {
                       return 365.25 * ratio(count(o.state.today.leavers), total_staff(o));
                     }));
  v.push_back(scalar("social_care_budget_ratio", "1", "social-care spend / budget", true,
                     [](const Observation& o) {
                       return ratio(o.state.social_care_spend_per_day,
                                    o.state.social_care_budget_per_day);
                     }));
  // GP access (docs/model.md 3.5; NHS Digital, Appointments in General Practice).
  v.push_back(scalar("gp_appointments_per_100k", "per 100000 residents per day",
                     "GP practice appointments given in the day per 100,000 residents", true,
                     [](const Observation& o) {
                       return 1e5 * ratio(count(o.state.today.gp_appointments),
                                          static_cast<double>(o.state.citizens.size()));
                     }));
  v.push_back(scalar("gp_mean_wait_days", "d",
                     "mean wait from request to appointment of the day's GP appointments", true,
                     [](const Observation& o) {
                       return ratio(o.state.today.gp_wait_days,
                                    count(o.state.today.gp_appointments));
                     }));
  v.push_back(scalar("gp_within_14_days_share", "1",
                     "share of the day's GP appointments within 14 days of the request", true,
                     [](const Observation& o) {
                       return ratio(count(o.state.today.gp_within_14_days),
                                    count(o.state.today.gp_appointments));
                     }));
  v.push_back(scalar(
      "gp_same_day_share", "1", "share of the day's GP appointments on the day of the request",
      false, [](const Observation& o) {
        return ratio(count(o.state.today.gp_same_day), count(o.state.today.gp_appointments));
      }));
  v.push_back(scalar("gp_overdue_backlog", "1",
                     "GP requests waiting past the day they wanted, at the end of the day", true,
                     [](const Observation& o) {
                       double total = 0.0;
                       for (std::uint32_t p :
                            o.model.orgs_of_kind[static_cast<std::size_t>(OrgKind::gp_practice)])
                         total += o.state.backlog[p];
                       return total;
                     }));
  // Costs (docs/model.md, "Costs and health outputs"; unit costs in scenario.costs).
  v.push_back(scalar("system_cost_per_day", "GBP day-1",
                     "cost of the day's care and staff activity across the system (sum of the "
                     "cost_* series), 2023/24 pounds",
                     true, [](const Observation& o) { return o.state.costs.system; }));
  v.push_back(scalar("system_cost_to_date", "GBP",
                     "cost of the system's care and staff activity since the start (cumulative "
                     "system_cost_per_day), 2023/24 pounds",
                     true, [](const Observation& o) { return o.state.cost_to_date; }));
  // People's health.
  v.push_back(scalar("deaths_per_100k", "per 100000 residents per day",
                     "deaths in the day per 100,000 residents", true, [](const Observation& o) {
                       return 1e5 * ratio(count(o.state.today.deaths),
                                          static_cast<double>(o.state.citizens.size()));
                     }));
  v.push_back(scalar("qalys_per_day", "year day-1",
                     "quality-adjusted life-years the residents lived in the day: sum over health "
                     "states of residents x EQ-5D index (scenario.utilities) / 365.25",
                     true, [](const Observation& o) {
                       double q = 0.0;
                       for (std::size_t h = 0; h < kHealthStateCount; ++h)
                         q += o.citizens.total[h] * o.model.scenario.utilities.eq5d[h];
                       return q / 365.25;
                     }));
  v.push_back(scalar("problems_solved", "1",
                     "wants met by offers at day-two workshops since the start (cumulative)", true,
                     [](const Observation& o) { return count(o.state.problems_solved); }));
  // Flows.
  for (std::size_t k = 0; k < kEpisodeCount; ++k) {
    v.push_back(scalar(std::string("coordination_success_") + kEpisodeNames[k], "1",
                       std::string("share of ") + kEpisodeNames[k] + " episodes that succeeded",
                       false, [k](const Observation& o) {
                         return ratio(count(o.state.today.episode_successes[k]),
                                      count(o.state.today.episodes[k]));
                       }));
  }
  const auto flow = [&](std::string name, std::string description, auto field) {
    v.push_back(scalar(std::move(name), "day-1", std::move(description), false,
                       [field](const Observation& o) { return count(field(o.state.today)); }));
  };
  flow("admissions", "emergency admissions in the day",
       [](const DailyTallies& t) { return t.admissions; });
  flow("discharges", "discharges in the day", [](const DailyTallies& t) { return t.discharges; });
  flow("gp_appointment_requests", "requests for a GP appointment",
       [](const DailyTallies& t) { return t.demand[static_cast<std::size_t>(Service::gp)]; });
  flow("interim_care_admissions", "delayed patients moved to an interim care bed",
       [](const DailyTallies& t) { return t.interim_admissions; });
  flow("interim_care_to_long_term", "interim care stays ending in long-term care",
       [](const DailyTallies& t) { return t.interim_to_long_term; });
  v.push_back(scalar(
      "interim_care_occupied", "1",
      "citizens in interim (step-down) care beds at the end of the day", false,
      [](const Observation& o) { return static_cast<double>(o.state.interim_care.size()); }));
  flow("gp_gave_up", "patients who gave up waiting for a GP appointment",
       [](const DailyTallies& t) { return t.gp_gave_up; });
  flow("gp_gave_up_a_and_e", "patients who gave up on a GP appointment and attended A&E",
       [](const DailyTallies& t) { return t.gp_gave_up_a_and_e; });
  flow("gp_wait_crises",
       "patients waiting past the day they wanted a GP appointment whose condition became acute "
       "(attended A&E)",
       [](const DailyTallies& t) { return t.gp_wait_crises; });
  flow("community_referrals", "referrals to community health services", [](const DailyTallies& t) {
    return t.demand[static_cast<std::size_t>(Service::community)];
  });
  flow("social_care_requests", "requests for a social-care assessment", [](const DailyTallies& t) {
    return t.demand[static_cast<std::size_t>(Service::social_care)];
  });
  flow("mental_health_crises", "mental-health crises", [](const DailyTallies& t) {
    return t.demand[static_cast<std::size_t>(Service::mental_health_crisis)];
  });
  flow("deaths", "deaths (each replaced by a new resident)",
       [](const DailyTallies& t) { return t.deaths; });
  flow("vaccinations", "flu vaccinations of over-65s",
       [](const DailyTallies& t) { return t.vaccinations; });
  flow("mindset_adoptions", "staff adopting the system-leadership mindset",
       [](const DailyTallies& t) { return t.adoptions; });
  flow("mindset_abandonments", "staff abandoning the mindset",
       [](const DailyTallies& t) { return t.abandonments; });
  flow("leavers", "staff leaving (each replaced by a new hire)",
       [](const DailyTallies& t) { return t.leavers; });
  flow("ties_formed", "new ties among staff", [](const DailyTallies& t) { return t.ties_formed; });
  flow("ties_lost", "ties removed: decayed below the floor or left with a leaver",
       [](const DailyTallies& t) { return t.ties_lost; });
  flow("gp_appointments", "GP practice appointments given",
       [](const DailyTallies& t) { return t.gp_appointments; });
  flow("care_packages_started", "patients discharged home with a new home-care package",
       [](const DailyTallies& t) { return t.packages_started; });
  v.push_back(scalar("community_contacts", "day-1", "community health contacts served", false,
                     [](const Observation& o) {
                       double total = 0.0;
                       for (std::uint32_t c :
                            o.model.orgs_of_kind[static_cast<std::size_t>(OrgKind::community)])
                         total += o.state.served[c];
                       return total;
                     }));
  v.push_back(scalar("crisis_contacts", "day-1", "mental-health crisis contacts served", false,
                     [](const Observation& o) {
                       double total = 0.0;
                       for (std::uint32_t c :
                            o.model.orgs_of_kind[static_cast<std::size_t>(OrgKind::mental_health)])
                         total += o.state.served[c];
                       return total;
                     }));
  // The day's costs by what they pay for (GBP, 2023/24 prices; docs/model.md).
  const auto cost = [&](std::string name, std::string description, auto field) {
    v.push_back(scalar(std::move(name), "GBP day-1", std::move(description), false,
                       [field](const Observation& o) { return field(o.state.costs); }));
  };
  cost("cost_bed_days", "occupied beds of patients not yet medically fit x costs.bed_day",
       [](const DailyCosts& c) { return c.bed_days; });
  cost("cost_delayed_bed_days", "beds held by medically fit patients x costs.delayed_bed_day",
       [](const DailyCosts& c) { return c.delayed_bed_days; });
  cost("cost_a_and_e", "A&E attendances x costs.a_and_e_attendance",
       [](const DailyCosts& c) { return c.a_and_e; });
  cost("cost_gp", "GP appointments x costs.gp_appointment",
       [](const DailyCosts& c) { return c.gp; });
  cost("cost_community", "community contacts x costs.community_contact",
       [](const DailyCosts& c) { return c.community; });
  cost("cost_crisis", "crisis contacts x costs.crisis_contact",
       [](const DailyCosts& c) { return c.crisis; });
  cost("cost_home_care",
       "packages started x costs.home_care_hours_per_week x home_care_package_weeks x "
       "home_care_hour",
       [](const DailyCosts& c) { return c.home_care; });
  cost("cost_care_home",
       "long-term care residents (in care, not interim) x costs.care_home_week / 7",
       [](const DailyCosts& c) { return c.care_home; });
  cost("cost_interim_care", "occupied interim care beds x costs.interim_bed_day",
       [](const DailyCosts& c) { return c.interim_care; });
  cost("cost_staff_replacement", "leavers x costs.replacement of their organisation's kind",
       [](const DailyCosts& c) { return c.staff_replacement; });
  cost("cost_intervention_staff",
       "staff-days interventions took x costs.staff_day of each person's organisation's kind",
       [](const DailyCosts& c) { return c.intervention_staff; });
  // Stocks.
  v.push_back(scalar("prevalence_ltc", "1", "share of citizens with a long-term condition", false,
                     [](const Observation& o) { return health_share(o, Health::ltc); }));
  v.push_back(scalar("prevalence_complex", "1", "share of citizens complex/frail", true,
                     [](const Observation& o) { return health_share(o, Health::complex); }));
  v.push_back(scalar("in_care", "1", "citizens in care", false, [](const Observation& o) {
    return o.citizens.total[static_cast<std::size_t>(Health::in_care)];
  }));
  v.push_back(scalar("ties", "1", "ties among staff", false,
                     [](const Observation& o) { return o.ties.ties; }));
  v.push_back(
      scalar("mean_ties_per_staff", "1", "mean number of ties a staff member holds", false,
             [](const Observation& o) { return ratio(2.0 * o.ties.ties, total_staff(o)); }));
  v.push_back(scalar("mean_tie_strength", "1", "mean strength of ties among staff (0..1)", false,
                     [](const Observation& o) { return ratio(o.ties.strength, o.ties.ties); }));
  v.push_back(scalar("cross_org_ties", "1", "ties between staff of different organisations", false,
                     [](const Observation& o) { return o.ties.cross_ties; }));
  v.push_back(
      scalar("mean_trust", "1", "mean trust of staff in other organisations", false,
             [](const Observation& o) { return ratio(sum(o.staff.trust), total_staff(o)); }));
  v.push_back(
      scalar("mean_out_group_bias", "1", "mean out-group bias ('they') of staff", false,
             [](const Observation& o) { return ratio(sum(o.staff.bias), total_staff(o)); }));
  v.push_back(
      scalar("mean_vision", "1", "mean shared vision of staff", false,
             [](const Observation& o) { return ratio(sum(o.staff.vision), total_staff(o)); }));
  v.push_back(
      scalar("mean_energy", "1", "mean energy (wellbeing) of staff", false,
             [](const Observation& o) { return ratio(sum(o.staff.energy), total_staff(o)); }));
  // Partners and leaders (docs/model.md 3.5.1, 3.14.5).
  v.push_back(scalar("social_prescribing_referrals", "day-1",
                     "GP appointments referred to the third sector's community support", false,
                     [](const Observation& o) { return o.state.social_prescribing_referrals; }));
  v.push_back(scalar("social_prescribing_supported", "day-1",
                     "referrals the third sector's capacity could take on", false,
                     [](const Observation& o) { return o.state.social_prescribing_supported; }));
  v.push_back(scalar("public_health_prevention", "day-1",
                     "staff-days of public health's prevention programmes", false,
                     [](const Observation& o) { return o.state.public_health_prevention; }));
  v.push_back(scalar("commissioner_oversight", "1",
                     "share of NHS providers' target inspection the commissioner passes on", false,
                     [](const Observation& o) { return o.state.commissioner_oversight; }));
  v.push_back(scalar("mean_leader_signal", "1",
                     "mean stance of their leaders as staff see it through ties (-1..1)", false,
                     [](const Observation& o) {
                       double s = 0.0;
                       for (float x : o.state.leader_signal)
                         s += x;
                       return ratio(s, total_staff(o));
                     }));
  v.push_back(scalar("demand_season_factor", "1", "seasonal multiplier of acute episodes", false,
                     [](const Observation& o) { return o.model.season(o.state.day - 1); }));
  // Per organisation.
  v.push_back(per_org("org_capacity", "day-1", "episodes the organisation can handle in a day",
                      [](const Observation& o, std::size_t i) { return o.state.capacity[i]; }));
  v.push_back(per_org(
      "org_demand", "day-1", "demand arriving at the organisation in the day",
      [](const Observation& o, std::size_t i) { return count(o.state.today.demand_by_org[i]); }));
  v.push_back(per_org("org_backlog", "1", "episodes waiting for the organisation's service",
                      [](const Observation& o, std::size_t i) { return o.state.backlog[i]; }));
  v.push_back(per_org("org_pressure", "1", "target pressure on the organisation (0 = none)",
                      [](const Observation& o, std::size_t i) { return o.state.pressure[i]; }));
  v.push_back(per_org("org_system_share", "1", "mean share of its staff's effort on system work",
                      [](const Observation& o, std::size_t i) {
                        return ratio(o.staff.system_share[i], o.staff.staff[i]);
                      }));
  v.push_back(per_org("org_system_minded_share", "1", "share of its staff with the mindset",
                      [](const Observation& o, std::size_t i) {
                        return ratio(o.staff.mindset[i], o.staff.staff[i]);
                      }));
  v.push_back(per_org("org_energy", "1", "mean energy of its staff",
                      [](const Observation& o, std::size_t i) {
                        return ratio(o.staff.energy[i], o.staff.staff[i]);
                      }));
  v.push_back(per_org(
      "org_leavers", "day-1", "its staff leaving in the day",
      [](const Observation& o, std::size_t i) { return count(o.state.today.leavers_by_org[i]); }));
  v.push_back(per_org("org_mean_tie_strength", "1", "mean strength of the ties its staff hold",
                      [](const Observation& o, std::size_t i) {
                        return ratio(o.ties.org_strength[i], o.ties.org_ties[i]);
                      }));
  v.push_back(per_org("org_cross_org_strength_share", "1",
                      "share of its staff's tie strength that crosses to other organisations",
                      [](const Observation& o, std::size_t i) {
                        return ratio(o.ties.org_cross_strength[i], o.ties.org_strength[i]);
                      }));
  v.push_back(per_org("org_cost_per_day", "GBP day-1",
                      "cost of the day's activity charged to the organisation (its part of "
                      "system_cost_per_day)",
                      [](const Observation& o, std::size_t i) { return o.state.costs.by_org[i]; }));
  v.push_back(per_org(
      "org_intervention_staff_days", "day-1",
      "staff-days its staff gave to interventions in the day",
      [](const Observation& o, std::size_t i) { return o.state.costs.staff_days_by_org[i]; }));
  // Per neighbourhood.
  v.push_back(per_neighbourhood(
      "neighbourhood_a_and_e_per_100k", "per 100000 residents per day",
      "A&E attendances in the day per 100,000 residents", [](const Observation& o, std::size_t i) {
        return 1e5 * ratio(count(o.state.today.a_and_e_by_neighbourhood[i]),
                           o.model.neighbourhoods.residents[i]);
      }));
  v.push_back(per_neighbourhood("neighbourhood_admissions_per_100k", "per 100000 residents per day",
                                "emergency admissions in the day per 100,000 residents",
                                [](const Observation& o, std::size_t i) {
                                  return 1e5 *
                                         ratio(count(o.state.today.admissions_by_neighbourhood[i]),
                                               o.model.neighbourhoods.residents[i]);
                                }));
  v.push_back(per_neighbourhood("neighbourhood_demand_per_1000", "per 1000 residents per day",
                                "demand for all services in the day per 1,000 residents",
                                [](const Observation& o, std::size_t i) {
                                  return 1e3 *
                                         ratio(count(o.state.today.demand_by_neighbourhood[i]),
                                               o.model.neighbourhoods.residents[i]);
                                }));
  v.push_back(per_neighbourhood(
      "neighbourhood_complex_prevalence", "1", "share of residents complex/frail",
      [](const Observation& o, std::size_t i) {
        return ratio(o.citizens.by_neighbourhood[i][static_cast<std::size_t>(Health::complex)],
                     o.model.neighbourhoods.residents[i]);
      }));
  v.push_back(per_neighbourhood(
      "neighbourhood_flu_uptake_65", "1", "share of over-65s vaccinated this season",
      [](const Observation& o, std::size_t i) {
        return ratio(o.state.vaccinated_65[i], o.model.over_65_in_neighbourhood[i]);
      }));
  v.push_back(per_neighbourhood("neighbourhood_prevention_coverage", "1",
                                "prevention reaching the neighbourhood's locality (0..1)",
                                [](const Observation& o, std::size_t i) {
                                  return o.state.prevention_coverage[o.model.neighbourhoods.pcn[i]];
                                }));
  describe_for_readers(v);
  return v;
}

}  // namespace caresim
