#pragma once
// Schema of the care model's mechanisms (scenario/care.hpp). Included from schema.hpp after the
// range types; one `visit` per settings struct.

namespace caresim::detail {

template <class V>
void visit(V& v, HealthSettings& h) {
  v.table("acute_episodes_per_year", h.acute_episodes_per_year, kChronicStateNames, kPerPersonYear,
          "per citizen per year", "acute episodes (each an A&E attendance), by chronic state");
  v.table("gp_requests_per_year", h.gp_requests_per_year, kChronicStateNames, kPerPersonYear,
          "per citizen per year", "requests for a GP appointment, by chronic state");
  v.table("community_referrals_per_year", h.community_referrals_per_year, kChronicStateNames,
          kPerPersonYear, "per citizen per year",
          "referrals from GP to community health (a cross-organisation episode)");
  v.table("social_care_requests_per_year", h.social_care_requests_per_year, kChronicStateNames,
          kPerPersonYear, "per citizen per year", "requests for a social-care assessment");
  v.table("mental_health_crises_per_year", h.mental_health_crises_per_year, kChronicStateNames,
          kPerPersonYear, "per citizen per year",
          "mental-health crises (a cross-organisation episode)");
  v.field("onset_per_year", h.onset_per_year, kPerPersonYear, "per year",
          "well -> long-term condition");
  v.field("progression_per_year", h.progression_per_year, kPerPersonYear, "per year",
          "long-term condition -> complex/frail");
  v.field("care_entry_per_year", h.care_entry_per_year, kPerPersonYear, "per year",
          "complex/frail -> in care");
  v.table("deaths_per_year", h.deaths_per_year, kChronicStateNames, kPerPersonYear, "per year",
          "deaths by chronic state; each death is replaced by a new resident (stable population)");
  v.field("in_care_deaths_per_year", h.in_care_deaths_per_year, kPerPersonYear, "per year",
          "deaths of citizens in care");
  v.table("ageing_per_year", h.ageing_per_year, kAgeBandNames, kPerPersonYear, "per year",
          "leaving the age band by ageing (1 / band width); the place is taken by a newcomer of "
          "the band whose state is drawn from its published prevalence");
  v.field("migration_per_year", h.migration_per_year, kPerPersonYear, "per year",
          "moving out of the city; the place is taken by a newcomer as for ageing (0: no "
          "migration)");
  v.table("age_multiplier", h.age_multiplier, kAgeBandNames, RealRange{0.0, 100.0, true}, "factor",
          "onset, progression, acute episodes and deaths are multiplied by this");
  v.table("initial_ltc_share", h.initial_ltc_share, kAgeBandNames, kProbability, "fraction",
          "published share of the age band with a long-term condition: newcomers' mix; the start is the stationary state");
  v.table("initial_complex_share", h.initial_complex_share, kAgeBandNames, kProbability, "fraction",
          "published share of the age band complex/frail: newcomers' mix");
  v.table("initial_in_care_share", h.initial_in_care_share, kAgeBandNames, kProbability, "fraction",
          "published share of the age band in care: newcomers' mix");
  v.field("deprivation_gradient", h.deprivation_gradient, kGradient, "factor",
          "the most deprived decile's rates are (1 + this) times the least deprived's");
  v.field("winter_amplitude", h.winter_amplitude, RealRange{0.0, 0.9}, "fraction",
          "seasonal swing of acute episodes: 1 + a cos(2 pi (day - peak) / 365.25)");
  v.field("winter_peak_day_of_year", h.winter_peak_day_of_year, IntRange{1, 366}, "day of year",
          "day of the year acute episodes and deaths peak (15 = mid-January)");
  v.table("acute_weekday_factor", h.acute_weekday_factor, kWeekdayNames, RealRange{0.2, 5.0},
          "factor",
          "acute episodes (A&E attendances) by day of the week, relative; normalised to a weekly "
          "mean of 1 (NHS Digital: Mondays busiest)");
  v.field("flu_share_of_winter_excess", h.flu_share_of_winter_excess, kProbability, "fraction",
          "share of the winter excess of acute episodes caused by influenza (what the vaccine "
          "can prevent; flu-wave shocks are influenza entirely)");
  v.field("winter_death_amplitude", h.winter_death_amplitude, RealRange{0.0, 0.9}, "fraction",
          "seasonal swing of deaths: 1 + a cos(2 pi (day - peak) / 365.25)");
  v.field("prevention_effect", h.prevention_effect, kProbability, "fraction",
          "largest cut in onset and acute episodes that prevention can make");
  v.field("community_effect", h.community_effect, kProbability, "fraction",
          "largest cut in progression and complex citizens' acute episodes from community care");
  v.field("prevention_lag_days", h.prevention_lag_days, kPositiveDays, "days",
          "mean lag before prevention work changes health");
  v.field("prevention_saturation", h.prevention_saturation, kPositive,
          "staff-days per 1000 residents per day",
          "prevention effort that gives 63% of the full effect");
  v.check("initial_complex_share", "In every age band, initial ltc + complex + in care <= 1.",
          [&](auto&& fail) {
            for (std::size_t a = 0; a < kAgeBandCount; ++a) {
              const double sum =
                  h.initial_ltc_share[a] + h.initial_complex_share[a] + h.initial_in_care_share[a];
              if (sum > 1.0) {
                fail(std::string("initial_complex_share.") + kAgeBandNames[a],
                     std::string("initial_ltc_share.") + kAgeBandNames[a],
                     "shares that add up to at most 1", format_real(sum));
              }
            }
          });
}

template <class V>
void visit(V& v, ServiceSettings& s) {
  v.table("episodes_per_staff_day", s.episodes_per_staff_day, kOrgKindNames, kNonNegative,
          "episodes per staff-day",
          "front-line capacity: episodes one staff member handles per day of target work");
  v.field("gp_wait_target_days", s.gp_wait_target_days, kPositive, "days",
          "reference wait for GP appointments");
  v.field("commissioned_package_share", s.commissioned_package_share, kProbability, "fraction",
          "share of care providers' capacity commissioned (block contract) for the home-care "
          "packages that let patients leave hospital");
  v.field("spot_purchase_per_day", s.spot_purchase_per_day, kProbability, "per day",
          "packages spot-purchased a day beyond the block contract, per patient waiting for one "
          "(bounded by the care providers' capacity)");
  v.field("gp_same_day_share", s.gp_same_day_share, kProbability, "fraction",
          "share of GP requests that want an appointment the same day (NHS Digital: ~4 in 10)");
  v.field("gp_booking_lead_days", s.gp_booking_lead_days, kPositive, "days",
          "mean lead of GP appointments booked ahead (exponential, rounded up to whole days)");
  v.field("gp_patience_days", s.gp_patience_days, kPositive, "days",
          "mean wait past the wanted day before a patient gives up (hazard 1 / this per day)");
  v.field("gp_give_up_a_and_e", s.gp_give_up_a_and_e, kProbability, "fraction",
          "share of patients giving up on a GP appointment who attend A&E instead that day");
  v.field("gp_overdue_crisis_per_day", s.gp_overdue_crisis_per_day, RealRange{0.0, 1.0}, "per day",
          "hazard per day past the day wanted that a patient still waiting for a GP appointment "
          "deteriorates into an acute episode and attends A&E");
}

template <class V>
void visit(V& v, HospitalSettings& h) {
  v.field("beds", h.beds, kAtLeastOne, "beds", "general and acute beds for emergency admissions");
  v.table("admission_probability", h.admission_probability, kChronicStateNames, kProbability,
          "fraction", "share of A&E attendances admitted, by chronic state");
  v.table("length_of_stay_days", h.length_of_stay_days, kChronicStateNames, kPositive, "days",
          "mean stay until medically fit for discharge, aged 65-84 (times the age factor)");
  v.table("length_of_stay_age_factor", h.length_of_stay_age_factor, kAgeBandNames, kPositive,
          "factor", "mean stay by age band relative to length_of_stay_days (HES, approx.)");
  v.field("weekend_discharge_ratio", h.weekend_discharge_ratio, kProbability, "fraction",
          "discharges on Saturdays and Sundays as a share of weekday levels");
  v.table("package_probability", h.package_probability, kChronicStateNames, kProbability,
          "fraction", "share of patients who need a care package to leave hospital");
  v.field("care_home_share", h.care_home_share, kProbability, "fraction",
          "share of patients needing support to leave who wait for a care-home place");
  v.field("nhs_care_share", h.nhs_care_share, kProbability, "fraction",
          "share of patients needing support to leave who wait for NHS community or "
          "intermediate care or an assessment (the rest wait for a home-care package)");
  v.field("care_home_wait_days", h.care_home_wait_days, kPositive, "days",
          "mean wait for a care-home place while places are free (placed with probability 1 / "
          "this a day)");
  v.field("care_home_places_per_100k_day", h.care_home_places_per_100k_day, kNonNegative,
          "places per 100,000 residents per day",
          "care-home places that can be found for hospital discharges a day (capacity)");
  v.field("nhs_care_wait_days", h.nhs_care_wait_days, kPositive, "days",
          "mean wait for NHS community or intermediate care or an assessment while slots are free");
  v.field("nhs_care_places_per_100k_day", h.nhs_care_places_per_100k_day, kNonNegative,
          "slots per 100,000 residents per day",
          "NHS community or intermediate care or assessment slots for discharges a day (capacity)");
  v.check("nhs_care_share", "care_home_share + nhs_care_share <= 1.", [&](auto&& fail) {
    if (h.care_home_share + h.nhs_care_share > 1.0) {
      fail("nhs_care_share", "care_home_share", "shares that add up to at most 1",
           format_real(h.care_home_share + h.nhs_care_share));
    }
  });
  v.field("max_within_4h", h.max_within_4h, kProbability, "fraction",
          "share within 4 hours with no queue at all");
  v.field("utilisation_half", h.utilisation_half, kPositive, "ratio",
          "attendances / capacity at which the within-4h share halves");
  v.field("utilisation_power", h.utilisation_power, kPositive, "1",
          "steepness of the within-4h share in utilisation");
  v.field("exit_block_midpoint", h.exit_block_midpoint, kPositive, "fraction",
          "bed occupancy at which half of admitted patients wait over 4 h for a bed");
  v.field("exit_block_width", h.exit_block_width, kPositive, "fraction",
          "how sharply exit block rises with occupancy");
  v.field("last_minute_share", h.last_minute_share, kProbability, "fraction",
          "share of within-4h patients who leave in the last 20 minutes, without gaming");
  v.field("gaming_strength", h.gaming_strength, kProbability, "fraction",
          "share of would-be breaches that gaming pulls inside 4 h at full pressure");
  v.field("escalation", h.escalation, kNonNegative, "per day per unit",
          "over full occupancy, a delayed patient moves to an interim care bed with probability "
          "min(0.5, escalation x (occupancy - 1)) a day");
  v.field("interim_beds_per_care_staff", h.interim_beds_per_care_staff, kNonNegative,
          "beds per staff",
          "interim (step-down) care beds per care-provider (care_home) staff member");
  v.field("interim_stay_days", h.interim_stay_days, kPositive, "days",
          "mean stay in interim care before going home or to long-term care");
  v.field("interim_to_long_term_care", h.interim_to_long_term_care, kProbability, "fraction",
          "share of interim-care patients who move on to long-term care");
  v.field("rationing_slope", h.rationing_slope, kNonNegative, "factor",
          "social care rations discharge packages by this times its overspend (at most 30%)");
}

template <class V>
void visit(V& v, CoordinationSettings& c) {
  v.field("base", c.base, kAnyNumber, "logit",
          "log-odds of success with no tie, trust or joint work");
  v.field("tie_weight", c.tie_weight, kNonNegative, "logit per unit", "tie strength's weight");
  v.field("trust_weight", c.trust_weight, kNonNegative, "logit per unit", "trust's weight");
  v.field("joint_work_weight", c.joint_work_weight, kNonNegative, "logit per unit",
          "weight of the locality's joint work");
  v.field("bias_weight", c.bias_weight, kNonNegative, "logit per unit", "weight of out-group bias");
  v.field("joint_work_lag_days", c.joint_work_lag_days, kPositiveDays, "days",
          "mean lag with which joint work builds and fades");
  v.field("joint_work_saturation", c.joint_work_saturation, kPositive,
          "staff-days per 1000 residents per day", "joint work that gives 63% of its effect");
  v.field("success_reinforcement", c.success_reinforcement, kProbability, "fraction",
          "tie strength gained on a success, times (1 - w)");
  v.field("new_tie_probability", c.new_tie_probability, kProbability, "probability",
          "chance that a success between two people with no tie leaves a working tie between them");
  v.field("failure_weakening", c.failure_weakening, kProbability, "fraction",
          "tie strength lost on a failure, times w");
  v.field("trust_gain", c.trust_gain, kProbability, "fraction", "trust gained on success");
  v.field("trust_loss", c.trust_loss, kProbability, "fraction",
          "trust lost on failure (falls faster than it rises)");
  v.field("bias_gain", c.bias_gain, kProbability, "fraction", "out-group bias gained on failure");
  v.field("bias_loss", c.bias_loss, kProbability, "fraction", "out-group bias lost on success");
}

template <class V>
void visit(V& v, EffortSettings& e) {
  v.field("baseline", e.baseline, kAnyNumber, "logit", "log-odds of system work with no pulls");
  v.field("mindset_weight", e.mindset_weight, kNonNegative, "logit", "pull of the mindset");
  v.field("vision_weight", e.vision_weight, kNonNegative, "logit per unit",
          "pull of shared purpose");
  v.field("peer_weight", e.peer_weight, kNonNegative, "logit per unit",
          "pull of tied colleagues' system work (tie-weighted mean share)");
  v.field("efficacy_weight", e.efficacy_weight, kNonNegative, "logit per unit",
          "pull of self-efficacy");
  v.field("pressure_weight", e.pressure_weight, kNonNegative, "logit per unit",
          "push of the organisation's target pressure towards silo work");
  v.field("bias_weight", e.bias_weight, kNonNegative, "logit per unit",
          "push of out-group bias towards silo work");
  v.field("adjustment_per_day", e.adjustment_per_day, kProbability, "per day",
          "share of the gap to the target split closed each day");
  v.field("system_contact_bias", e.system_contact_bias, kNonNegative, "factor",
          "system work makes cross-organisation ties this much likelier to be worked along");
  v.field("locality_tie_per_day", e.locality_tie_per_day, kProbability, "per day",
          "chance of a new tie with someone in the locality, times the system share");
  v.field("brokerage", e.brokerage, kProbability, "per cross-organisation contact",
          "chance, times the system share, that someone working with another organisation "
          "brings a colleague from their own organisation along (brokerage)");
  v.field("peer_review_days", e.peer_review_days, kAtLeastOne, "days",
          "days between a person's reviews of their tied colleagues' system work (in staggered "
          "turns; 1 = daily)");
}

template <class V>
void visit(V& v, MindsetSettings& m) {
  v.field("initial_adopters", m.initial_adopters, kProbability, "fraction",
          "share of staff with the system-leadership mindset at the start");
  v.field("adoption_rate", m.adoption_rate, kProbability, "per day", "highest daily adoption");
  v.field("abandon_rate", m.abandon_rate, kProbability, "per day", "highest daily abandonment");
  v.field("steepness", m.steepness, kPositive, "1", "steepness of the change-equation logistic");
  v.field("reinforcement_needed", m.reinforcement_needed, kAtLeastOne, "people",
          "adopters among one's ties needed for full first steps (complex contagion)");
  v.field("initial_vision", m.initial_vision, kProbability, "0..1", "shared purpose at the start");
  v.field("vision_monthly_retention", m.vision_monthly_retention, kRetention, "fraction",
          "share of vision above the start kept after a month without reinforcement");
  v.field("initial_efficacy", m.initial_efficacy, kProbability, "0..1", "self-efficacy at start");
  v.field("resistance_min", m.resistance_min, kProbability, "0..1",
          "lowest resistance to change (uniform across staff)");
  v.field("resistance_max", m.resistance_max, kProbability, "0..1", "highest resistance");
  v.field("bias_resistance", m.bias_resistance, kNonNegative, "0..1",
          "out-group bias adds this times bias to resistance");
  v.field("initial_trust", m.initial_trust, kProbability, "0..1",
          "trust in other organisations at the start");
  v.field("initial_bias", m.initial_bias, kProbability, "0..1",
          "out-group bias ('they') at the start");
  v.field("dissatisfaction_lag_days", m.dissatisfaction_lag_days, kPositiveDays, "days",
          "mean lag with which dissatisfaction follows pressure and failures");
  v.check("resistance_max", "`resistance_min` <= `resistance_max`.", [&](auto&& fail) {
    if (m.resistance_min > m.resistance_max) {
      fail("resistance_max", "resistance_min", "at least resistance_min",
           format_real(m.resistance_max));
    }
  });
}

template <class V>
void visit(V& v, PartnerSettings& p) {
  v.field("social_prescribing_share", p.social_prescribing_share, kProbability, "fraction",
          "share of GP appointments referred to the third sector's community support "
          "(social prescribing) for non-medical need");
  v.field("social_prescribing_gp_effect", p.social_prescribing_gp_effect, kProbability,
          "fraction", "cut in the GP requests of the people supported");
  v.field("social_prescribing_crisis_effect", p.social_prescribing_crisis_effect, kProbability,
          "fraction", "cut in the acute episodes and mental-health crises of the people supported");
  v.field("oversight_per_provider_staff", p.oversight_per_provider_staff, kNonNegative,
          "staff-days per provider staff member per day",
          "commissioner work needed to pass targets on in full to NHS providers (acute, "
          "community, mental health, GP practices); less capacity scales their inspection down");
}

template <class V>
void visit(V& v, LeadershipSettings& l) {
  v.table("role_shares", l.role_shares, kStaffRoleNames, kProbability, "fraction",
          "share of posts of each role, drawn per post from the city seed (every organisation "
          "has at least one senior leader)");
  v.field("line_tie_strength", l.line_tie_strength, RealRange{0.0, 1.0, true}, "0..1",
          "strength of each manager's initial tie to one of their organisation's senior leaders");
}

template <class V>
void visit(V& v, WorkforceSettings& w) {
  v.table("annual_turnover", w.annual_turnover, kOrgKindNames, kProbability, "per year",
          "share of staff who leave in a year at normal energy, by kind of organisation");
  v.field("overload_drain", w.overload_drain, kNonNegative, "per day",
          "energy lost per day per unit of overload (demand / capacity - 1)");
  v.field("pressure_drain", w.pressure_drain, kNonNegative, "per day",
          "energy lost per day per unit of the organisation's target pressure (silo plus shared)");
  v.field("pressure_drain_ceiling", w.pressure_drain_ceiling, kNonNegative, "1",
          "target pressure above which more pressure drains no more energy (drain x min(P, this))");
  v.field("support_buffer", w.support_buffer, kProbability, "fraction",
          "most that colleagues' support cuts the drain of overload and pressure");
  v.field("support_saturation", w.support_saturation, kPositive, "strength",
          "summed strength of a person's ties at which their support is full");
  v.field("energy_recovery", w.energy_recovery, kProbability, "per day",
          "energy regained per day, times (1 - energy)");
  v.field("burnout_threshold", w.burnout_threshold, kProbability, "0..1",
          "below this energy, leaving becomes likelier");
  v.field("burnout_multiplier", w.burnout_multiplier, RealRange{1.0, kNoRealLimit}, "factor",
          "leaving rate at zero energy relative to the base rate");
}

template <class V>
void visit(V& v, VaccinationSettings& s) {
  v.field("campaign_start_day_of_year", s.campaign_start_day_of_year, IntRange{1, 366},
          "day of year", "first day of the autumn campaign (244 = 1 September)");
  v.field("campaign_days", s.campaign_days, IntRange{1, 365}, "days", "length of the campaign");
  v.field("base_daily_rate", s.base_daily_rate, kProbability, "per day",
          "chance an unvaccinated over-65 is vaccinated on a campaign day, without outreach");
  v.field("outreach_effect", s.outreach_effect, kNonNegative, "factor",
          "rate multiplier at full outreach (joint work x coordination)");
  v.field("effectiveness", s.effectiveness, kProbability, "fraction",
          "vaccine effectiveness: cut in a vaccinated over-65's influenza-attributable acute "
          "episodes");
}

template <class V>
void visit(V& v, BudgetSettings& b) {
  v.field("staff_cost_per_year", b.staff_cost_per_year, kNonNegative, "GBP per year",
          "cost of one staff member");
  v.field("care_cost_per_year", b.care_cost_per_year, kNonNegative, "GBP per year",
          "cost to social care of one citizen in care");
  v.field("social_care_headroom", b.social_care_headroom, kPositive, "factor",
          "social-care budget as a multiple of its spend on day 0");
}

template <class V>
void visit(V& v, CostSettings& c) {
  const RealRange pounds{0.0, 1e7};
  v.field("bed_day", c.bed_day, pounds, "GBP",
          "an occupied general and acute bed day of a patient not yet medically fit "
          "(non-elective excess bed day)");
  v.field("delayed_bed_day", c.delayed_bed_day, pounds, "GBP",
          "a bed day of a medically fit patient waiting for a care package (delayed discharge)");
  v.field("a_and_e_attendance", c.a_and_e_attendance, pounds, "GBP", "one A&E attendance");
  v.field("gp_appointment", c.gp_appointment, pounds, "GBP",
          "one general-practice appointment (the mix of GP, nurse and other clinicians)");
  v.field("community_contact", c.community_contact, pounds, "GBP",
          "one community health contact (a community service episode served)");
  v.field("crisis_contact", c.crisis_contact, pounds, "GBP",
          "one mental-health crisis contact (a crisis episode served)");
  v.field("home_care_hour", c.home_care_hour, pounds, "GBP", "one hour of home care");
  v.field("home_care_hours_per_week", c.home_care_hours_per_week, RealRange{0.0, 168.0},
          "hours per week", "hours of care a home-care package gives a week");
  v.field("home_care_package_weeks", c.home_care_package_weeks, RealRange{0.0, 520.0}, "weeks",
          "weeks a home-care package started at discharge runs (its whole cost is counted on "
          "the day it starts)");
  v.field("care_home_week", c.care_home_week, pounds, "GBP",
          "one week of a long-term care-home placement (residential and nursing mix)");
  v.field("interim_bed_day", c.interim_bed_day, pounds, "GBP",
          "one day in an interim (bed-based intermediate) care bed");
  v.table("replacement", c.replacement, kOrgKindNames, pounds, "GBP per leaver",
          "recruiting and inducting the replacement of one leaver, by kind of organisation");
  v.table("staff_day", c.staff_day, kOrgKindNames, pounds, "GBP per staff-day",
          "one day (7.5 hours) of a staff member's time with overheads, by kind of "
          "organisation: what the staff time an intervention takes costs");
}

template <class V>
void visit(V& v, UtilitySettings& u) {
  v.table("eq5d", u.eq5d, kHealthStateNames, RealRange{-0.6, 1.0}, "index (1 = full health)",
          "EQ-5D index of a day in each health state, for quality-adjusted life-years");
}

template <class V>
void visit(V& v, TargetSpec& t) {
  v.choice("org_kind", t.org_kind, kOrgKindNames, "kind of organisation held to the target",
           Need::required);
  v.choice("metric", t.metric, kTargetMetricNames, "what the target measures", Need::required);
  v.field("threshold", t.threshold, kAnyNumber, "metric units", "the target's threshold",
          Need::required);
  v.choice("direction", t.direction, kTargetDirectionNames,
           "whether the metric must be at least or at most the threshold");
  v.field("inspection", t.inspection, kNonNegative, "0..", "how hard inspection presses");
  v.field("width", t.width, kPositive, "metric units",
          "scale over which pressure rises from low to high around the threshold");
}

/// The parameters of an intervention's kind, read, written and documented through the kind's
/// own schema (declared in its file under sim/care/interventions/).
template <class V>
void visit(V& v, KindParams& params) {
  KeyVisitorFor<V> keys(v);
  params.visit_keys(keys);
}

template <class V>
void visit(V& v, InterventionSpec& i) {
  const InterventionKinds& kinds = intervention_kinds();
  std::size_t kind = kinds.index_of(i.kind);
  v.choice("kind", kind, kinds.names(), "kind of intervention", Need::required);
  if (kind < kinds.size() && i.kind != kinds[kind].name) i.set_kind(kinds[kind].name);
  v.field("day", i.day, IntRange{-36500, 36500}, "day",
          "day of the run it starts, in [0, run.days)", Need::required);
  v.field("name", i.name, TextForm::any, "",
          "optional label, unique among the interventions; names its cohort for `cohort_of`");
  v.field("cohort_of", i.cohort_of, TextForm::any, "",
          "`name` of an earlier cohort-forming intervention (a `workshop`, or an `open_space` "
          "that invites its own group) whose cohort takes part; staff who have left drop out");
  v.strings("organisations", i.organisations,
            "organisations it targets, by name (numbered \"GP practice 12\" for `count` "
            "entries); for coaching, resource_shift, target_regime and restructure");
  v.choices("org_kinds", i.org_kinds, kOrgKindNames,
            "kinds of organisation it targets (all of their organisations); for coaching, "
            "resource_shift and target_regime");
  // The section of its own kind's parameters (every kind's, in the key reference).
  v.kind_sections(i, kinds);
}

template <class V>
void visit(V& v, ShockSpec& s) {
  v.choice("kind", s.kind, kShockKindNames, "kind of shock", Need::required);
  v.field("day", s.day, IntRange{0, 36500}, "day", "day of the run it starts", Need::required);
  v.field("days", s.days, kAtLeastOne, "days", "how long it lasts");
  v.field("magnitude", s.magnitude, kProbability, "fraction",
          "flu wave: extra share of acute episodes; funding cut: share of capacity lost");
  v.choice("org_kind", s.org_kind, kOrgKindNames, "organisations a funding cut hits");
}

template <class V>
void visit(V& v, OutputSettings& o) {
  v.field("network_snapshot_every_days", o.network_snapshot_every_days, IntRange{0, 36500}, "days",
          "interval between snapshots of the tie network (0 = none)");
}

}  // namespace caresim::detail
