#pragma once
// Parameters of the care model's mechanisms (docs/model.md gives each one's equation and source).
// Plain data: the scenario parser fills them, the model reads them; defaults are Leeds's.

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "caresim/scenario/kinds.hpp"

namespace caresim {

/// Citizens' health: a Markov chain over well, long-term condition (ltc), complex/frail, acute
/// episode, in hospital and in care. Rates are per year for an adult (18-64) in the least deprived
/// decile, before season and before the effect of care received; arrays are indexed by the
/// chronic state (well, ltc, complex).
struct HealthSettings {
  std::array<double, kChronicStateCount> acute_episodes_per_year = {0.2, 0.52, 1.35};
  std::array<double, kChronicStateCount> gp_requests_per_year = {2.5, 7.0, 12.0};
  std::array<double, kChronicStateCount> community_referrals_per_year = {0.03, 0.35, 1.2};
  std::array<double, kChronicStateCount> social_care_requests_per_year = {0.0, 0.02, 0.25};
  std::array<double, kChronicStateCount> mental_health_crises_per_year = {0.02, 0.03, 0.04};
  double onset_per_year = 0.02;        ///< well -> ltc
  double progression_per_year = 0.02;  ///< ltc -> complex
  double care_entry_per_year = 0.005;  ///< complex -> in care (care home or long-term package)
  std::array<double, kChronicStateCount> deaths_per_year = {0.001, 0.004, 0.04};
  double in_care_deaths_per_year = 0.4;
  /// Onset, progression, acute episodes and deaths of the age band are multiplied by this.
  std::array<double, kAgeBandCount> age_multiplier = {0.35, 1.0, 2.2, 3.5};
  std::array<double, kAgeBandCount> initial_ltc_share = {0.05, 0.25, 0.50, 0.55};
  std::array<double, kAgeBandCount> initial_complex_share = {0.005, 0.03, 0.12, 0.30};
  std::array<double, kAgeBandCount> initial_in_care_share = {0.0, 0.0005, 0.012, 0.1};
  double deprivation_gradient = 0.6;  ///< most deprived decile's rates are (1 + this) x least
  double winter_amplitude = 0.15;     ///< acute episodes: 1 + a cos(2 pi (day - peak) / 365.25)
  int winter_peak_day_of_year = 15;   ///< mid-January
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
  std::array<double, kOrgKindCount> episodes_per_staff_day = {0.064, 0.34, 0.03, 2.9, 0.08,
                                                              0.0,   0.0,  0.0,  0.0};
  double gp_wait_target_days = 14;         ///< used by the gp_wait_days target
  double social_care_package_share = 0.4;  ///< of social-care capacity kept for discharges

  bool operator==(const ServiceSettings&) const = default;
};

/// The acute trust's A&E and beds.
struct HospitalSettings {
  int beds = 1850;  ///< general and acute beds for emergency admissions
  std::array<double, kChronicStateCount> admission_probability = {0.12, 0.22, 0.40};
  std::array<double, kChronicStateCount> length_of_stay_days = {4.0, 6.0, 9.0};
  std::array<double, kChronicStateCount> package_probability = {0.02, 0.14, 0.5};
  double care_home_share = 0.05;  ///< of package discharges that go into care
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
  /// Over 100% occupancy, each delayed patient is moved to an interim care bed with probability
  /// min(0.5, escalation x (occupancy - 1)) a day (a balancing loop at the expense of care).
  double escalation = 0.5;
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
  /// Most that support from colleagues (tie strength) cuts the drain of demands (JD-R buffer).
  double support_buffer = 0.5;
  double support_saturation = 10;  ///< summed tie strength giving full support
  double energy_recovery = 0.05;   ///< energy regained per day, times (1 - energy)
  double burnout_threshold = 0.5;  ///< below this energy, leaving becomes likelier
  double burnout_multiplier = 4;   ///< leaving rate at zero energy, relative to base

  bool operator==(const WorkforceSettings&) const = default;
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

/// A workshop: a cohort invited by referral chain, re-mixed small groups, new ties.
struct WorkshopSpec {
  int cohort_size = 45;
  int seed_people = 6;
  int group_size = 5;
  int rounds = 4;
  /// Relative weight of each kind of organisation in the cohort (the diagonal slice).
  std::array<double, kOrgKindCount> mix = {1, 1, 1, 1, 1, 1, 1, 1, 1};
  double system_minded_preference = 3.0;  ///< referral chains favour system-minded people
  double new_tie_strength = 0.3;
  double strengthen = 0.3;  ///< existing ties gain this x (1 - w)
  double vision_gain = 0.3;
  double efficacy_gain = 0.25;
  double bias_reduction = 0.3;

  bool operator==(const WorkshopSpec&) const = default;
};

/// A shared-purpose campaign: vision rises among the staff it reaches, for a while.
struct CampaignSpec {
  int days = 90;
  double reach = 0.5;  ///< share of staff reached
  double vision_gain_per_day = 0.004;

  bool operator==(const CampaignSpec&) const = default;
};

/// A day-two workshop (seed 004): a day-one cohort meets again two months later. Reconnecting,
/// a wants-and-offers marketplace, and Asset Based Community Development (ABCD) in the priority
/// neighbourhoods.
struct DayTwoSpec {
  double reconnect = 0.3;              ///< ties among the cohort gain this x (1 - w)
  double vision_gain = 0.15;           ///< times (1 - vision)
  double dissatisfaction_gain = 0.15;  ///< data on deprived areas: times (1 - dissatisfaction)
  int wants_per_person = 2;
  int offers_per_person = 2;
  int approaches_per_want = 3;          ///< people a participant approaches about each want
  double match_probability = 0.2;       ///< an approach meets an offer: same org kind, already tied
  double cross_org_bonus = 1.0;         ///< x (1 + this) when the two work in different kinds
  double distance_bonus = 0.5;          ///< x (1 + this) when the two were not tied
  double new_tie_strength = 0.3;        ///< a match between people not yet tied
  double strengthen = 0.3;              ///< a match between tied people: w gains this x (1 - w)
  int abcd_ties = 1;                    ///< new ties per participant to third-sector priority staff
  double abcd_prevention_share = 0.05;  ///< extra effort each participant gives prevention there
  int abcd_days = 180;                  ///< how long that extra prevention effort lasts

  bool operator==(const DayTwoSpec&) const = default;
};

/// Open Space (Owen 2008; seed 004): participants choose topics by interest and self-organise;
/// the law of two feet lets them move between groups.
struct OpenSpaceSpec {
  int invited = 45;  ///< when `cohort_of` is not given: staff invited at random
  int topics = 6;
  int sessions = 2;
  double two_feet = 0.3;         ///< chance to move to one's next topic in each later session
  double tie_probability = 0.3;  ///< chance two members of a group form (or renew) a tie
  double new_tie_strength = 0.25;
  double strengthen = 0.2;
  double joint_work_days = 2.0;  ///< follow-up joint work per member of a mixed group, staff-days

  bool operator==(const OpenSpaceSpec&) const = default;
};

/// Acts of courage (seed 004): committed people contact someone in another organisation whom
/// they had avoided, over a period.
struct CourageSpec {
  int days = 90;
  double share_acting = 0.7;         ///< share of the committed who act within `days`
  double success_probability = 0.6;  ///< at efficacy 0.5
  double efficacy_effect = 0.6;      ///< success probability gained per unit of efficacy
  double new_tie_strength = 0.3;     ///< success with someone not tied
  double strengthen = 0.3;           ///< success with a tie: w gains this x (1 - w)
  double bias_reduction = 0.2;       ///< success: both lose this x bias
  double bias_gain = 0.05;           ///< failure: the actor gains this x (1 - bias)
  double efficacy_gain = 0.1;        ///< success: the actor gains this x (1 - efficacy)

  bool operator==(const CourageSpec&) const = default;
};

/// Leaders' congruence (seed 004): chief executives role-model the work (congruence > 0) or
/// demand their own targets above all (congruence < 0).
struct LeadersSpec {
  double congruence = 0.5;           ///< -1..1
  double gain_effect = 0.5;          ///< later relational gains x (1 + this x congruence)
  double decay_effect = 0.5;         ///< participants' vision decay x (1 - this x congruence)
  double pressure_effect = 0.5;      ///< pressure's pull x (1 + this x max(0, -congruence))
  double meeting_probability = 0.5;  ///< a participant meets their leader afterwards
  double meeting_vision_gain = 0.1;  ///< a meeting moves vision by this x congruence

  bool operator==(const LeadersSpec&) const = default;
};

/// An online community (the Leading Leeds Google+ site, seed 004): hard to join, little used.
struct OnlineSpec {
  int days = 365;
  double join_probability = 0.15;    ///< per invited person
  double activity = 0.03;            ///< chance a member is active on a day
  double connect_probability = 0.2;  ///< an active member ties to another member
  double new_tie_strength = 0.1;     ///< weak ties
  double vision_gain = 0.01;         ///< an active member's vision gain, times (1 - vision)

  bool operator==(const OnlineSpec&) const = default;
};

/// A coaching and peer-support network: a share of the targeted staff are each paired with a
/// coach or peer partner in another organisation for a while; sessions raise self-efficacy and
/// energy and build the cross-organisation tie.
struct CoachingSpec {
  int days = 180;                 ///< how long the pairs meet
  double share = 0.1;             ///< share of targeted staff paired
  double sessions_per_month = 2;  ///< per pair
  double efficacy_gain = 0.05;    ///< per session, times (1 - efficacy)
  double energy_gain = 0.1;       ///< per session, times (1 - energy)
  double strengthen = 0.15;       ///< the pair's tie gains this x (1 - w) per session
  double new_tie_strength = 0.2;  ///< the pair's tie if they had none

  bool operator==(const CoachingSpec&) const = default;
};

/// A shift of system work (prevention, community capacity) from the other localities to those of
/// the priority neighbourhoods, for a while. Conserves the total.
struct ResourceShiftSpec {
  int days = 365;
  double share = 0.2;  ///< of the targeted kinds' system work outside the priority localities

  bool operator==(const ResourceShiftSpec&) const = default;
};

/// A change of target regime: scale the inspection of targets, or add a shared system target.
struct TargetRegimeSpec {
  TargetRegimeMode mode = TargetRegimeMode::scale;
  int days = 0;                       ///< how long it lasts; 0 = to the end of the run
  std::vector<TargetMetric> metrics;  ///< scale: targets on these metrics (none listed = all)
  double inspection_scale = 0.5;      ///< scale: multiplier of their inspection
  // The shared target (mode shared), judged on the system's value of the metric.
  TargetMetric metric = TargetMetric::a_and_e_4h;
  double threshold = 0.95;
  TargetDirection direction = TargetDirection::at_least;
  double inspection = 1.0;
  double width = 0.03;

  bool operator==(const TargetRegimeSpec&) const = default;
};

/// A top-down restructure: a share of the staff of the organisations named by the intervention
/// move into `into` (a merger when share is 1), losing ties; disruption for everyone involved.
struct RestructureSpec {
  std::string into;                   ///< the receiving organisation (same kind as the sources)
  double share = 1.0;                 ///< share of each source's staff moved
  double tie_loss = 0.3;              ///< share of a moved person's ties lost
  double energy_loss = 0.2;           ///< energy lost by everyone involved, times energy
  double trust_loss = 0.3;            ///< trust lost, times trust
  double dissatisfaction_gain = 0.5;  ///< dissatisfaction gained, times (1 - dissatisfaction)

  bool operator==(const RestructureSpec&) const = default;
};

/// A system-wide flu-vaccination outreach campaign (seed 004, case study 2): extra outreach
/// episodes through the coordination mechanism; uptake rises where they succeed.
struct FluCampaignSpec {
  int days = 120;
  int episodes_per_day = 1;           ///< extra outreach episodes per neighbourhood per day
  int priority_episodes_per_day = 3;  ///< in each priority neighbourhood instead
  double uptake_gain = 0.1;  ///< vaccination-rate multiplier gained at full outreach success

  bool operator==(const FluCampaignSpec&) const = default;
};

/// A scheduled intervention.
struct InterventionSpec {
  InterventionKind kind = InterventionKind::workshop;
  int day = 0;            ///< day of the run it starts
  std::string name;       ///< optional label, unique; names a cohort for `cohort_of`
  std::string cohort_of;  ///< an earlier cohort-forming intervention whose cohort takes part
  /// Whom it targets, for the kinds that target organisations: these organisations (scenario
  /// names, numbered "GP practice 12" for `count` entries) and every organisation of these kinds.
  std::vector<std::string> organisations;
  std::vector<OrgKind> org_kinds;
  WorkshopSpec workshop;
  CampaignSpec campaign;
  DayTwoSpec day_two;
  OpenSpaceSpec open_space;
  CourageSpec courage;
  LeadersSpec leaders;
  OnlineSpec online;
  CoachingSpec coaching;
  ResourceShiftSpec resource_shift;
  TargetRegimeSpec target_regime;
  RestructureSpec restructure;
  FluCampaignSpec flu_campaign;

  bool operator==(const InterventionSpec&) const = default;
};

/// Whether an intervention forms a cohort that later ones can name with `cohort_of`: a day-one
/// workshop, and an Open Space that invites its own group.
inline bool forms_cohort(const InterventionSpec& i) {
  return i.kind == InterventionKind::workshop ||
         (i.kind == InterventionKind::open_space && i.cohort_of.empty());
}

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
