#pragma once
// Parameters of the care model's mechanisms (docs/model.md gives each one's equation and source).
// Plain data: the scenario parser fills them, the model reads them; defaults are Leeds's.
// Interventions' parameters are declared by each kind (scenario/intervention.hpp).

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "caresim/scenario/intervention.hpp"
#include "caresim/scenario/kinds.hpp"

namespace caresim {

/// Citizens' health: a Markov chain over well, long-term condition (ltc), complex/frail, acute
/// episode, in hospital and in care. Rates are per year for an adult (18-64) in the least deprived
/// decile, before season and before the effect of care received; arrays are indexed by the
/// chronic state (well, ltc, complex).
struct HealthSettings {
  std::array<double, kChronicStateCount> acute_episodes_per_year = {0.206, 0.536, 1.39};
  std::array<double, kChronicStateCount> gp_requests_per_year = {2.6, 7.2, 12.3};
  std::array<double, kChronicStateCount> community_referrals_per_year = {0.03, 0.35, 1.2};
  std::array<double, kChronicStateCount> social_care_requests_per_year = {0.0, 0.02, 0.25};
  std::array<double, kChronicStateCount> mental_health_crises_per_year = {0.02, 0.03, 0.04};
  double onset_per_year = 0.0039;      ///< well -> ltc (stationary at the published shares)
  double progression_per_year = 0.012; ///< ltc -> complex
  double care_entry_per_year = 0.0047; ///< complex -> in care (care home or long-term package)
  std::array<double, kChronicStateCount> deaths_per_year = {0.001, 0.004, 0.04};
  double in_care_deaths_per_year = 0.4;
  /// Residential turnover (docs/model.md 3.3): a citizen leaves the age band by ageing at
  /// 1 / band width a year (85+: never) and leaves Leeds at migration_per_year; either way a
  /// newcomer of the band takes the place, with a chronic state drawn from the band's
  /// published prevalence (initial_*_share).
  std::array<double, kAgeBandCount> ageing_per_year = {1.0 / 18, 1.0 / 47, 1.0 / 20, 0.0};
  double migration_per_year = 0.1;
  /// Onset, progression, acute episodes and deaths of the age band are multiplied by this.
  std::array<double, kAgeBandCount> age_multiplier = {0.35, 1.0, 2.2, 3.5};
  std::array<double, kAgeBandCount> initial_ltc_share = {0.05, 0.25, 0.50, 0.55};
  std::array<double, kAgeBandCount> initial_complex_share = {0.005, 0.03, 0.12, 0.30};
  std::array<double, kAgeBandCount> initial_in_care_share = {0.0, 0.0005, 0.012, 0.1};
  double deprivation_gradient = 0.6;  ///< most deprived decile's rates are (1 + this) x least
  double winter_amplitude = 0.15;     ///< acute episodes: 1 + a cos(2 pi (day - peak) / 365.25)
  int winter_peak_day_of_year = 15;   ///< mid-January
  /// Acute episodes by day of the week, Monday first, relative (normalised to a weekly mean of
  /// 1, so the yearly rates hold). All 1: no weekly cycle. Leeds: NHS Digital's A&E profile.
  std::array<double, 7> acute_weekday_factor = {1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0};
  /// Share of the winter excess of acute episodes that influenza causes (the rest: other
  /// respiratory viruses, cold); the vaccine acts on this share only.
  double flu_share_of_winter_excess = 0.3;
  /// Deaths: 1 + this x cos(2 pi (day - peak) / 365.25) (ONS excess winter mortality).
  double winter_death_amplitude = 0.15;
  double prevention_effect = 0.3;    ///< most that prevention cuts onset and acute episodes
  double community_effect = 0.25;    ///< most that community care cuts progression, acute
  double prevention_lag_days = 180;  ///< prevention pays off later: mean lag of its effect
  /// Prevention effort (staff-days per 1,000 residents per day) giving 63% of the full effect.
  double prevention_saturation = 6.0;

  bool operator==(const HealthSettings&) const = default;
};

/// Front-line capacity: episodes one staff member handles per day of target work, by kind of
/// organisation. Capacity of an organisation = sum over its staff of energy x (1 - system share)
/// x this.
struct ServiceSettings {
  std::array<double, kOrgKindCount> episodes_per_staff_day = {0.064, 0.34, 0.03, 5.0, 0.08,
                                                              0.25,  0.05, 1.0,  0.018};
  double gp_wait_target_days = 14;         ///< used by the gp_wait_days target
  /// Home-care packages for hospital discharges come from the care providers (care_home
  /// organisations; their capacity is episodes_per_staff_day.care_home packages a staff-day):
  /// the council commissions this share of it by block contract, and spot-purchases packages
  /// for spot_purchase_per_day of the patients waiting each day, up to the providers' whole
  /// capacity (docs/model.md 3.7).
  double commissioned_package_share = 0.5;
  double spot_purchase_per_day = 0.05;
  /// GP access (docs/model.md 3.5): a request wants an appointment the same day with this
  /// probability, otherwise booked ahead at a lead of ceil(Exp(mean gp_booking_lead_days)) days.
  double gp_same_day_share = 0.4;
  double gp_booking_lead_days = 12.7;
  /// Patients still waiting past the day they wanted give up at hazard 1 / gp_patience_days.
  double gp_patience_days = 14;
  /// Share of those who give up who go to A&E that day (the rest self-care, pharmacy, NHS 111).
  double gp_give_up_a_and_e = 0.25;
  /// Hazard per day past the day wanted that a patient still waiting for a GP appointment
  /// deteriorates into an acute episode (attends A&E that day). 0: waiting harms nobody.
  double gp_overdue_crisis_per_day = 0.0;

  bool operator==(const ServiceSettings&) const = default;
};

/// The acute trust's A&E and beds.
struct HospitalSettings {
  int beds = 1850;  ///< general and acute beds for emergency admissions
  std::array<double, kChronicStateCount> admission_probability = {0.12, 0.22, 0.40};
  std::array<double, kChronicStateCount> length_of_stay_days = {4.0, 6.0, 9.0};
  /// Length of stay multiplier by age band (0-17, 18-64, 65-84, 85+): mean stay =
  /// length_of_stay_days[chronic] x this (docs/model.md 3.6; HES, approx.).
  std::array<double, kAgeBandCount> length_of_stay_age_factor = {0.3, 0.6, 1.0, 1.25};
  /// Discharges at weekends run at this share of weekday levels (docs/model.md 3.6a): a stay
  /// ending on a Saturday or Sunday is extended to Monday with probability 1 - this, and the care
  /// providers start this share of a weekday's packages on those days.
  double weekend_discharge_ratio = 0.5;
  std::array<double, kChronicStateCount> package_probability = {0.02, 0.14, 0.5};
  /// Of the patients who need support to leave (package_probability), the share who wait for a
  /// care-home place, and the share who wait for NHS community or intermediate care or an
  /// assessment; the rest wait for a home-care package (docs/model.md 3.7).
  double care_home_share = 0.05;
  double nhs_care_share = 0.3;
  /// Care-home places and NHS community/intermediate care or assessment slots: each waiting
  /// patient is placed with probability 1 / mean wait a day (a wait of about that mean), up to a
  /// daily capacity per 100,000 residents that binds when demand surges or capacity is cut
  /// (the care providers' funding cuts cut care-home places, community's cut NHS slots).
  double care_home_wait_days = 10;
  double care_home_places_per_100k_day = 1.0;
  double nhs_care_wait_days = 4;
  double nhs_care_places_per_100k_day = 6;
  /// A&E: share seen within 4 h = max_within_4h / (1 + (utilisation / half)^power).
  double max_within_4h = 0.97;
  double utilisation_half = 1.28;
  double utilisation_power = 6.0;
  /// Exit block: an admitted patient waits over 4 h for a bed with probability
  /// logistic((occupancy - midpoint) / width).
  double exit_block_midpoint = 0.95;
  double exit_block_width = 0.025;
  double last_minute_share = 0.06;  ///< share of within-4h patients leaving in the last 20 min
  double gaming_strength = 0.3;  ///< share of breaches gaming can pull inside 4 h at full pressure
  /// Over 100% occupancy, each delayed patient is moved to a free interim care bed with
  /// probability min(0.5, escalation x (occupancy - 1)) a day (docs/model.md 3.7).
  double escalation = 0.5;
  /// Interim (step-down) care beds per care-provider (care_home) staff member: the escalation's
  /// capacity; a funding cut of care providers cuts it too.
  double interim_beds_per_care_staff = 0.02;
  double interim_stay_days = 28;           ///< mean stay in interim care (exponential), days
  double interim_to_long_term_care = 0.1;  ///< share who move on to long-term care at the end
  double rationing_slope = 4.0;  ///< social care rations packages by slope x overspend (max 30%)

  bool operator==(const HospitalSettings&) const = default;
};

/// Episodes that cross organisations (discharge, referral, crisis, outreach) succeed with
/// probability logistic(base + tie w + trust t + joint work j - bias b).
struct CoordinationSettings {
  double base = -1.2;
  double tie_weight = 3.0;
  double trust_weight = 1.5;
  double joint_work_weight = 2.0;
  double bias_weight = 1.5;
  double joint_work_lag_days = 30;      ///< joint work builds and fades with this mean lag
  double joint_work_saturation = 6.0;   ///< joint work (staff-days per 1,000 residents) at 63%
  double success_reinforcement = 0.15;  ///< tie strength gained on success, times (1 - w)
  /// chance that a success between two people with no tie leaves a working tie (3.8)
  double new_tie_probability = 1.0;
  double failure_weakening = 0.1;       ///< tie strength lost on failure, times w
  double trust_gain = 0.02;             ///< trust gained on success, times (1 - trust)
  double trust_loss = 0.06;             ///< trust lost on failure, times trust (> gain)
  double bias_gain = 0.03;              ///< out-group bias gained on failure, times (1 - bias)
  double bias_loss = 0.01;              ///< out-group bias lost on success, times bias

  bool operator==(const CoordinationSettings&) const = default;
};

/// Staff split effort between their organisation's target work and system work:
///   target system share = logistic(baseline + mindset + vision + peers + efficacy - pressure -
///   bias)
struct EffortSettings {
  double baseline = -2.2;
  double mindset_weight = 1.6;
  double vision_weight = 1.0;
  double peer_weight = 2.0;
  double efficacy_weight = 0.8;
  double pressure_weight = 1.5;
  double bias_weight = 1.0;
  double adjustment_per_day = 0.05;    ///< share of the gap to the target closed each day
  double system_contact_bias = 3.0;    ///< system work multiplies the choice of cross-org ties
  double locality_tie_per_day = 0.01;  ///< chance of a new tie in the locality, x system share
  /// P(bringing a colleague along | a contact across organisations) = brokerage x system share.
  double brokerage = 1.0;
  /// Days between a person's reviews of their tied colleagues' system work (the peers term),
  /// taken in staggered turns; 1 = every day.
  int peer_review_days = 1;

  bool operator==(const EffortSettings&) const = default;
};

/// A system-leadership mindset spreads as a complex contagion; adoption follows the change
/// equation: adopt with probability rate x logistic(steepness (D V F - R)).
struct MindsetSettings {
  double initial_adopters = 0.04;  ///< share of staff with the mindset at the start
  double adoption_rate = 0.004;    ///< per day, at most
  double abandon_rate = 0.002;     ///< per day, at most
  double steepness = 25.0;
  int reinforcement_needed = 2;            ///< adopters among one's ties for full "first steps"
  double initial_vision = 0.35;            ///< shared purpose at the start, 0..1
  double vision_monthly_retention = 0.97;  ///< vision drifts back towards the start without work
  double initial_efficacy = 0.4;
  double resistance_min = 0.05;
  double resistance_max = 0.35;
  double bias_resistance = 0.1;  ///< out-group bias adds this x bias to resistance
  double initial_trust = 0.4;
  double initial_bias = 0.4;
  double dissatisfaction_lag_days = 30;

  bool operator==(const MindsetSettings&) const = default;
};

/// Wellbeing and turnover, by kind of organisation.
struct WorkforceSettings {
  std::array<double, kOrgKindCount> annual_turnover = {0.11, 0.12, 0.13, 0.10, 0.25,
                                                       0.10, 0.18, 0.10, 0.32};
  double overload_drain = 0.02;   ///< energy lost per day per unit of overload
  double pressure_drain = 0.015;  ///< energy lost per day per unit of target pressure
  /// The pressure that drains energy saturates: the drain is pressure_drain x min(pressure,
  /// this) (docs/model.md 3.10), so inspection beyond it adds no drain.
  double pressure_drain_ceiling = 1.5;
  /// Most that support from colleagues (tie strength) cuts the drain of demands (JD-R buffer).
  double support_buffer = 0.5;
  double support_saturation = 10;  ///< summed tie strength giving full support
  double energy_recovery = 0.05;   ///< energy regained per day, times (1 - energy)
  double burnout_threshold = 0.5;  ///< below this energy, leaving becomes likelier
  double burnout_multiplier = 4;   ///< leaving rate at zero energy, relative to base

  bool operator==(const WorkforceSettings&) const = default;
};

/// What the organisations without a front-line queue of their own do (docs/model.md 3.5.1):
/// the third sector's community support for GP referrals (social prescribing), public health's
/// prevention programmes, and the commissioner's oversight that passes targets on to NHS
/// providers. Their capacity is their staff's target work, as for every organisation:
/// sum of energy x (1 - system share) x services.episodes_per_staff_day of the kind.
struct PartnerSettings {
  /// Share of GP appointments referred to community support (social prescribing link work and
  /// the third sector's community services) for non-medical need.
  double social_prescribing_share = 0.02;
  /// Cut in the GP requests and in the acute episodes and mental-health crises of people
  /// supported (NHS England's summary of the evidence: up to 28% and 24%; weak evidence).
  double social_prescribing_gp_effect = 0.15;
  double social_prescribing_crisis_effect = 0.1;
  /// Commissioner staff-days of contract and performance management needed per day per NHS
  /// provider staff member (acute, community, mental health, GP practices) for targets to be
  /// passed on in full.
  double oversight_per_provider_staff = 0.02;

  bool operator==(const PartnerSettings&) const = default;
};

/// Staff roles and leadership groups (docs/model.md 3.1).
struct LeadershipSettings {
  /// Share of posts of each role (frontline, manager, senior_leader), drawn per post from the
  /// city seed; every organisation has at least one senior leader.
  std::array<double, kStaffRoleCount> role_shares = {0.89, 0.10, 0.01};
  /// Each manager is tied to one of their organisation's senior leaders (line management), at
  /// this strength.
  double line_tie_strength = 0.4;

  bool operator==(const LeadershipSettings&) const = default;
};

/// The autumn flu-vaccination campaign for over-65s.
struct VaccinationSettings {
  int campaign_start_day_of_year = 244;  ///< 1 September
  int campaign_days = 120;
  double base_daily_rate = 0.007;  ///< per unvaccinated over-65 per day, with no outreach
  double outreach_effect = 1.0;    ///< rate multiplier at full outreach (coordination x effort)
  /// Vaccine effectiveness: cut in a vaccinated over-65's influenza-attributable acute episodes.
  double effectiveness = 0.4;

  bool operator==(const VaccinationSettings&) const = default;
};

/// Budgets: social care pays staff and care placements; spend above budget is a target.
struct BudgetSettings {
  double staff_cost_per_year = 35000;  ///< pounds per staff member
  double care_cost_per_year = 40000;   ///< pounds per citizen in care
  double social_care_headroom = 1.02;  ///< budget as a multiple of the starting spend

  bool operator==(const BudgetSettings&) const = default;
};

/// Unit costs of what the system does, in 2023/24 pounds (docs/model.md, "Costs and health
/// outputs", gives each one's source). Read only by the cost outputs: they change no behaviour.
struct CostSettings {
  double bed_day = 400;                  ///< an occupied general and acute bed day (non-elective)
  double delayed_bed_day = 350;          ///< a bed day of a medically fit patient waiting to leave
  double a_and_e_attendance = 240;       ///< one A&E attendance (type 1)
  double gp_appointment = 30;            ///< one general-practice appointment (any clinician)
  double community_contact = 60;         ///< one community health contact
  double crisis_contact = 280;           ///< one mental-health crisis contact
  double home_care_hour = 28;            ///< one hour of home care
  double home_care_hours_per_week = 11;  ///< hours of a home-care package a week
  double home_care_package_weeks = 26;   ///< weeks a package runs, costed when it starts
  double care_home_week = 1000;          ///< one week in a care home (long-term)
  double interim_bed_day = 200;          ///< one day in an interim (intermediate) care bed
  /// Recruiting and inducting the replacement of one leaver, by kind of organisation.
  std::array<double, kOrgKindCount> replacement = {6000, 5000, 5000, 5000, 3500,
                                                   5000, 2500, 5000, 3000};
  /// Cost of one staff-day (7.5 hours with overheads), by kind of organisation: what a day of
  /// staff time taken by an intervention costs.
  std::array<double, kOrgKindCount> staff_day = {420, 400, 420, 480, 340, 400, 200, 450, 220};

  bool operator==(const CostSettings&) const = default;
};

/// Health-related quality of life of each health state, for quality-adjusted life-years.
struct UtilitySettings {
  /// EQ-5D index by health state (well, ltc, complex, acute, hospital, in_care).
  std::array<double, kHealthStateCount> eq5d = {0.92, 0.78, 0.55, 0.55, 0.45, 0.40};

  bool operator==(const UtilitySettings&) const = default;
};

/// One of an organisation kind's own targets.
struct TargetSpec {
  OrgKind org_kind = OrgKind::acute;
  TargetMetric metric = TargetMetric::a_and_e_4h;
  double threshold = 0.95;
  TargetDirection direction = TargetDirection::at_least;
  double inspection = 1.0;  ///< how hard inspection presses, 0..
  double width = 0.03;      ///< scale of the metric over which pressure changes

  bool operator==(const TargetSpec&) const = default;
};

/// A shock: a flu wave (acute episodes up) or a funding cut (an organisation kind's capacity).
struct ShockSpec {
  ShockKind kind = ShockKind::flu_wave;
  int day = 0;
  int days = 30;
  double magnitude = 0.3;  ///< flu: extra share of acute episodes; cut: share of capacity lost
  OrgKind org_kind = OrgKind::social_care;  ///< for funding cuts

  bool operator==(const ShockSpec&) const = default;
};

/// Outputs beyond the daily series.
struct OutputSettings {
  int network_snapshot_every_days = 365;  ///< 0 = no snapshots of the tie network

  bool operator==(const OutputSettings&) const = default;
};

}  // namespace caresim
