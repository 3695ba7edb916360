#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "caresim/care/population.hpp"
#include "caresim/care/purposes.hpp"
#include "caresim/core/random.hpp"
#include "caresim/core/ties.hpp"
#include "caresim/scenario/scenario.hpp"

namespace caresim {

/// What can happen to a citizen, as drawn by the health process. Order fixes the rate tables.
enum class CitizenEvent : std::uint8_t {
  acute_episode,         ///< -> acute state, attends A&E today
  gp_request,            ///< asks for a GP appointment
  community_referral,    ///< GP refers to community health (cross-organisation)
  social_care_request,   ///< asks for a social-care assessment
  mental_health_crisis,  ///< crisis: mental health with acute / police (cross-organisation)
  deterioration,         ///< well -> ltc, ltc -> complex, complex -> in care
  death,                 ///< replaced by a new resident in the same home
  medically_fit,         ///< in hospital: ready to leave
  moves_on,              ///< leaves the age band (ageing) or the city; a newcomer takes the place
};
inline constexpr std::size_t kCitizenEventCount = 9;

/// Cross-organisation episodes whose success depends on the staff involved.
enum class Episode : std::uint8_t { discharge, referral, crisis, outreach };
inline constexpr std::size_t kEpisodeCount = 4;
inline constexpr std::array<const char*, kEpisodeCount> kEpisodeNames = {"discharge", "referral",
                                                                         "crisis", "outreach"};

/// What a run is: the scenario as the user gave it (phases read their parameters from
/// `scenario` directly), the fixed structure of the city, and tables derived from both once
/// (event ceilings, staff by kind and locality). Built once when a run starts and immutable
/// after (FLAME GPU's description / runtime split): phases take it by const reference.
struct Model {
  Scenario scenario;
  Organisations organisations;
  Neighbourhoods neighbourhoods;
  std::uint32_t pcn_count = 0;  ///< localities
  int start_day_of_year = 1;    ///< day of year (1..366) of run.start_date
  int start_weekday = 0;        ///< day of the week of run.start_date, 0 = Monday ... 6 = Sunday
  /// Days of warm-up before the run's day 0 (run.warm_up_days). The model's own scenario counts
  /// days from the warm-up's first: its run.days, start_date, interventions' and shocks' days
  /// are the given scenario's moved by this much (warm_up_scenario()); State::day too.
  int warm_up_days = 0;

  /// Ceiling rate (per day) of each event for a citizen in a health state, age band and
  /// deprivation decile (index decile-1), at the winter peak and with no care effects. Candidate
  /// events are drawn at the summed ceiling and thinned to the actual rates (exact).
  std::array<std::array<std::array<std::array<double, kCitizenEventCount>, 10>, kAgeBandCount>,
             kHealthStateCount>
      event_ceiling{};
  std::array<std::array<std::array<double, 10>, kAgeBandCount>, kHealthStateCount> ceiling_total{};
  /// (1 + winter amplitude)(1 + largest flu wave)(largest weekday factor)
  double acute_ceiling_factor = 1.0;
  /// health.acute_weekday_factor normalised to a weekly mean of 1, Monday first.
  std::array<double, 7> acute_weekday = {1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0};

  std::array<std::uint32_t, kOrgKindCount> first_org_of_kind{};  ///< kNone if absent
  std::array<std::vector<std::uint32_t>, kOrgKindCount> orgs_of_kind;
  /// Staff slots of each kind of organisation working in each locality (who can be asked).
  std::array<std::vector<std::vector<std::uint32_t>>, kOrgKindCount> staff_by_kind_locality;
  std::vector<std::vector<std::uint32_t>> staff_in_locality;  ///< staff of any kind, by locality
  /// Each organisation's leadership group: the slots of its senior leaders (at least one),
  /// ascending. Fixed when the city is built (roles belong to posts).
  std::vector<std::vector<std::uint32_t>> leadership_group;
  /// Per locality, the weight of its residents in public health's prevention programmes:
  /// residents x mean deprivation gradient factor of its neighbourhoods (proportionate
  /// universalism), normalised to sum to 1.
  std::vector<double> prevention_programme_weight;
  std::vector<double> residents_in_locality;
  std::vector<double> over_65_in_neighbourhood;

  double within_org_daily_retention = 1.0;
  double cross_org_daily_retention = 1.0;
  double vision_daily_retention = 1.0;
  std::uint32_t total_staff = 0;

  /// Seasonal multiplier of acute episodes on a run day, in [1-a, 1+a].
  double season(int day) const;
  /// Day of the week of a day of the run, 0 = Monday ... 6 = Sunday.
  int weekday(int day) const { return (start_weekday + day % 7) % 7; }
  /// Seasonal multiplier of deaths on a run day, in [1-a_d, 1+a_d].
  double death_season(int day) const;
  /// Day of year (1..366) of a run day.
  int day_of_year(int day) const;
};

/// The demand calendar: for each simulated day, the citizens whose next candidate event falls on
/// it. Most citizens have no event on most days, so a step touches only today's bucket.
struct DemandCalendar {
  std::vector<std::vector<std::uint32_t>> day_bucket;
  /// Per citizen, the day whose bucket holds its live entry (-1: none). An entry in another
  /// bucket is stale (the citizen was re-filed, e.g. sent to A&E from a GP queue) and skipped.
  std::vector<std::int32_t> filed_day;
};

/// A stay in an interim (step-down) care bed, out of hospital for want of a package.
struct InterimStay {
  std::uint32_t citizen;  ///< slot
  std::uint32_t id;       ///< citizen id at entry: a different id means they died
  std::int32_t end_day;   ///< the day they leave: home, or on to long-term care
};

/// A request waiting for a GP appointment at the citizen's practice (docs/model.md 3.5).
struct GpRequest {
  std::uint32_t citizen;     ///< slot
  std::uint32_t id;          ///< citizen id when asked: a different id means they died
  std::int32_t asked_day;    ///< day of the request
  std::int32_t wanted_day;   ///< the day wanted (same day, or booked ahead)
  std::int32_t give_up_day;  ///< if not seen by then, they give up on that day
  /// If not seen by then (and before giving up), their condition escalates to an acute episode
  /// that day (services.gp_overdue_crisis_per_day; INT32_MAX: never).
  std::int32_t crisis_day;
  std::uint8_t to_a_and_e;   ///< on giving up, they attend A&E
};

/// An attempted cross-organisation episode and its outcome, applied to trust, bias and ties by
/// the coordination phase in the order attempted.
struct CoordinationOutcome {
  std::uint32_t from_staff;
  std::uint32_t to_staff;
  std::uint32_t edge;  ///< their tie, or kNone
  Episode episode;
  bool success;
  bool new_tie = false;  ///< a success with no tie that leaves one (coordination.new_tie_probability)
};

/// A recorded mindset adoption: who adopted, on which day, and the tie partner who influenced
/// them most (kNone if nobody they are tied to had adopted).
struct Adoption {
  std::int32_t day;
  std::uint32_t staff_id;
  std::uint32_t influencer_id;
};

/// A member of an intervention's cohort: the staff slot and the id of the person who attended.
/// A leaver's slot gets a new id, so they drop out of the cohort.
struct CohortMember {
  std::uint32_t slot;
  std::uint32_t id;

  bool operator==(const CohortMember&) const = default;
};

/// Counts of what happened on the current day, reset at the start of each step.
struct DailyTallies {
  std::array<std::uint64_t, kServiceCount> demand{};
  std::vector<std::uint64_t> demand_by_org;
  std::vector<std::uint64_t> demand_by_neighbourhood;
  std::vector<std::uint64_t> a_and_e_by_neighbourhood;
  std::vector<std::uint64_t> admissions_by_neighbourhood;
  std::uint64_t a_and_e_within_4h = 0;
  std::uint64_t a_and_e_last_minute = 0;  ///< within 4 h, leaving in the last 20 minutes
  std::uint64_t a_and_e_gamed = 0;        ///< breaches pulled inside 4 h by gaming
  std::uint64_t admissions = 0;
  std::uint64_t discharges = 0;
  std::uint64_t interim_admissions = 0;    ///< delayed patients moved to interim care today
  std::uint64_t interim_to_long_term = 0;  ///< interim stays ending in long-term care today
  std::uint64_t packages_started = 0;      ///< patients discharged home with a care package
  std::uint64_t deaths = 0;
  std::uint64_t vaccinations = 0;
  std::array<std::uint64_t, kEpisodeCount> episodes{};
  std::array<std::uint64_t, kEpisodeCount> episode_successes{};
  std::uint64_t ties_formed = 0;
  std::uint64_t ties_lost = 0;
  std::uint64_t leavers = 0;
  std::uint64_t adoptions = 0;
  std::uint64_t abandonments = 0;
  std::vector<std::uint64_t> leavers_by_org;
  // GP access (docs/model.md 3.5).
  std::uint64_t gp_appointments = 0;     ///< appointments given today
  std::uint64_t gp_same_day = 0;         ///< of which asked for today
  std::uint64_t gp_within_14_days = 0;   ///< of which asked for at most 14 days ago
  double gp_wait_days = 0;               ///< sum of their waits (days since asked)
  std::uint64_t gp_gave_up = 0;          ///< waiting patients who gave up today
  std::uint64_t gp_gave_up_a_and_e = 0;  ///< of whom attended A&E
  std::uint64_t gp_wait_crises = 0;      ///< waiting past the day wanted, became acute (A&E)
};

/// The day's costs in pounds (scenario.costs), by what they pay for and by organisation; filled
/// after the day's phases from the day's tallies and the end-of-day stocks (account_costs) and
/// read only by the outputs (docs/model.md, "Costs and health outputs").
struct DailyCosts {
  double bed_days = 0;            ///< occupied beds of patients not yet fit x bed_day
  double delayed_bed_days = 0;    ///< beds of medically fit patients waiting x delayed_bed_day
  double a_and_e = 0;             ///< attendances x a_and_e_attendance
  double gp = 0;                  ///< appointments x gp_appointment
  double community = 0;           ///< community contacts served x community_contact
  double crisis = 0;              ///< crisis contacts served x crisis_contact
  double home_care = 0;           ///< packages started x hours a week x weeks x home_care_hour
  double care_home = 0;           ///< long-term residents x care_home_week / 7
  double interim_care = 0;        ///< interim beds occupied x interim_bed_day
  double staff_replacement = 0;   ///< leavers x replacement (their organisation's kind)
  double intervention_staff = 0;  ///< staff-days interventions took x staff_day (by kind)
  double system = 0;              ///< the sum of the above
  std::vector<double> by_org;     ///< the same costs, each charged to an organisation
  std::vector<double> staff_days_by_org;  ///< staff-days each organisation gave interventions
};

/// A shared system target in force: judged on the system's value of its metric, for the
/// organisations marked in `judged` (target_regime interventions, docs/model.md).
struct SharedTarget {
  TargetSpec target;
  std::vector<std::uint8_t> judged;  ///< per organisation
};

/// What the interventions in force set for the day, read by the phases. The interventions phase
/// resets it to "no intervention" every day before applying the active ones, so an intervention
/// acts exactly on its active days.
struct Levers {
  /// target_regime (scale): multiplier of the inspection of each organisation's targets, by
  /// metric, indexed [org][metric].
  std::vector<std::array<double, 8>> inspection_scale;
  /// target_regime (shared): shared system targets in force.
  std::vector<SharedTarget> shared_targets;
  /// resource_shift: share of each kind's system work in localities without priority
  /// neighbourhoods moved to the priority localities.
  std::array<double, kOrgKindCount> priority_shift{};
  /// flu_campaign: vaccination-rate gain in each neighbourhood from today's outreach successes.
  std::vector<double> flu_outreach_gain;
  /// day_two_workshop (ABCD), open_space: extra prevention and joint work (staff-days) in each
  /// locality today, added by the capacity phase to the day's system work.
  std::vector<double> prevention_extra;
  std::vector<double> joint_work_extra;

  /// Back to no intervention, for a city of `orgs` organisations, `hoods` neighbourhoods and
  /// `localities` localities.
  void reset(std::size_t orgs, std::size_t hoods, std::size_t localities) {
    inspection_scale.assign(orgs, {1, 1, 1, 1, 1, 1, 1, 1});
    shared_targets.clear();
    priority_shift.fill(0.0);
    flu_outreach_gain.assign(hoods, 0.0);
    prevention_extra.assign(localities, 0.0);
    joint_work_extra.assign(localities, 0.0);
  }
};

/// What one organisation's leader has chosen, in force until they choose again (the studio's
/// class session sets it between days; docs/model.md 3.14.12). Unlike Levers it is not reset each
/// day. The defaults change nothing, so a run without choices is the scenario's own.
struct LeaderChoice {
  /// Protected time: each of the organisation's staff aims for at least this share of their time
  /// on system work (a floor under the staff-effort target), 0..0.5.
  double protected_system_time = 0.0;
  /// Share of the organisation's target pressure (and gaming) its leader passes on to staff, 0..1.
  double pressure_passed = 1.0;
  /// Staff the organisation sends to a cross-organisation workshop on `workshop_day`: each gives
  /// one staff-day of joint work in their locality that day (levers.joint_work_extra, as Open
  /// Space groups do).
  double workshop_staff = 0.0;
  std::int32_t workshop_day = -1;
  /// Multiplier of the social-care budget for packages (meaningful for social-care
  /// organisations; the city's budget is multiplied by every organisation's), 0.5..1.5.
  double package_budget = 1.0;
};

/// Everything that changes during a run. Only phases (and interventions) write it.
struct State {
  int day = 0;  ///< the day the next step simulates (days since start)
  Staff staff;
  Citizens citizens;
  TieNetwork ties;
  DemandCalendar calendar;
  DailyTallies today;
  std::uint32_t next_citizen_id = 0;
  std::uint32_t next_staff_id = 0;

  // Citizens in the acute state today, waiting for the A&E phase, in the order they arrived.
  std::vector<std::uint32_t> attendances;
  // Medically fit patients who need support to leave hospital, oldest first, and what each
  // waits for (a DelayReason; the same length once the discharge phase has run).
  std::vector<std::uint32_t> delayed_discharges;
  std::vector<std::uint8_t> delay_reason;
  /// Care-home places and NHS care slots (0..1) left over from earlier days, as package_credit.
  double care_home_credit = 0.0;
  double nhs_care_credit = 0.0;
  std::uint32_t in_hospital = 0;
  /// Package capacity (packages, 0..1) left over from earlier days: a fraction of a package is
  /// not lost at midnight, so small and large cities discharge at the same rate per package.
  double package_credit = 0.0;
  std::uint32_t in_care = 0;  ///< citizens in care, those in interim care included
  /// Interim care stays in progress, in order of entry (docs/model.md 3.7).
  std::vector<InterimStay> interim_care;

  /// GP practices' appointment books, per organisation (empty for other kinds), in the order
  /// asked; and each practice's appointment capacity carried over (0..1) from earlier days.
  std::vector<std::vector<GpRequest>> gp_queue;
  std::vector<double> gp_credit;
  /// Mean wait (days since asked) of each practice's appointments today; NaN if none.
  std::vector<double> gp_mean_wait;

  // Organisations: capacity today (episodes), demand and backlog of their own service.
  std::vector<double> capacity;
  std::vector<double> backlog;
  std::vector<double> served;
  /// Each organisation's target metrics, smoothed over a month, indexed [org][metric].
  std::vector<std::array<double, 8>> metric;
  std::vector<double> pressure;  ///< target pressure on the organisation, 0..
  /// Pressure of shared system targets on the organisation, 0..; pulls towards system work.
  std::vector<double> shared_pressure;
  Levers levers;               ///< what interventions in force set for the day
  /// Each organisation's leader's choices (indexed by organisation), or empty: none chosen.
  std::vector<LeaderChoice> leader_choices;
  std::vector<double> gaming;  ///< gaming intensity, 0..1
  double social_care_budget_per_day = 0;
  double social_care_spend_per_day = 0;
  std::array<double, kOrgKindCount> capacity_cut{};  ///< funding cuts in force, share of capacity

  // Localities: system work (staff-days per 1,000 residents per day), smoothed with a lag.
  std::vector<double> prevention_work;
  std::vector<double> joint_work;
  std::vector<double> prevention_coverage;  ///< 0..1
  std::vector<double> joint_work_level;     ///< 0..1
  double community_service_level = 1.0;     ///< share of community demand met, smoothed

  // Vaccination (this season), per neighbourhood.
  std::vector<double> vaccinated_65;
  double flu_wave = 0.0;  ///< extra share of acute episodes from a flu wave in force

  std::vector<CoordinationOutcome> coordination;
  std::vector<Adoption> adoptions;  ///< every adoption so far, in order

  // Interventions (docs/model.md 7): what relational interventions leave behind.
  /// Cohort of each cohort-forming intervention, indexed like scenario.interventions (empty for
  /// the others, and until it happens).
  std::vector<std::vector<CohortMember>> cohorts;
  std::uint64_t problems_solved = 0;  ///< wants met by offers at day-two workshops, cumulative
  /// Costs of the system (pounds, scenario.costs) summed over the days simulated so far; kept
  /// for the cumulative cost output, read by nothing in the model (docs/model.md, "Costs").
  double cost_to_date = 0.0;
  DailyCosts costs;  ///< the costs of the day just simulated (account_costs)
  /// Leaders' congruence (leaders_congruence): multiplier of later relational interventions'
  /// gains; multiplier of workshop participants' vision decay; multiplier of target pressure's
  /// pull on effort. All 1 without the intervention.
  /// Both follow the leadership groups' collective stance (staff-weighted mean of their
  /// leaders' stances; docs/model.md 3.14.5).
  double relational_gain = 1.0;
  double participant_vision_decay = 1.0;
  /// What each senior leader does (leaders_congruence): their stance in [-1, 1] (> 0 backs and
  /// models system work, < 0 blocks it, 0 neutral), valid while the slot holds the person with
  /// id leader_stance_id (a new hire in the post starts neutral).
  std::vector<float> leader_stance;
  std::vector<std::uint32_t> leader_stance_id;
  bool leaders_acting = false;  ///< some leader's stance is not 0
  /// Each person's view of their leaders' stance through their ties, in [-1, 1] (docs/model.md
  /// 3.14.5), written by the leadership phase; 0 when no leader acts.
  std::vector<float> leader_signal;
  /// Weights of the leader signal L: system share target + effort_weight L; resistance -
  /// resistance_effect L; silo pull x (1 + pressure_effect max(0, -L)).
  struct LeaderEffects {
    double effort_weight = 0.0;
    double resistance_effect = 0.0;
    double pressure_effect = 0.0;
  } leader_effects;

  // Partners (docs/model.md 3.5.1), written by the partners phase.
  /// Share of each locality's referrals to community support that the third sector can take,
  /// smoothed over 28 days, 0..1.
  std::vector<double> community_support;
  double social_prescribing_referrals = 0;  ///< referrals to community support today
  double social_prescribing_supported = 0;  ///< of which taken on today
  double public_health_prevention = 0;      ///< public health's prevention work today, staff-days
  double commissioner_oversight = 1.0;      ///< share of NHS providers' target inspection passed on

  // Staged per-staff choices, written by staff_contact and read by tie_update / tie_merge.
  std::vector<std::uint32_t> chosen_edge;                  ///< edge worked along today, or kNone
  std::vector<std::uint32_t> proposed_partner;             ///< new tie proposed today, or kNone
  std::vector<std::array<std::uint32_t, 2>> introduction;  ///< pair introduced today, or kNone
  std::vector<std::uint32_t> edges_below_floor;  ///< slots below the floor, ascending: dropped
                                                 ///< at the merge
  TieChanges staged_ties;                        ///< from coordination, workshops and hires
  std::vector<float> system_share_next;          ///< double buffer of Staff::system_share
  std::vector<std::uint8_t> mindset_next;        ///< double buffer of Staff::mindset
  std::vector<std::uint32_t> influencer;         ///< who influenced today's adopters, per staff
  std::vector<std::uint8_t> leaving;             ///< drawn by turnover, per staff
  /// Tie-weighted mean system share of each person's ties at their last review (NaN: never).
  std::vector<float> peer_share;
  /// Support from colleagues, 0..1: min(1, summed strength of one's ties / support_saturation)
  /// at their last review (NaN: never).
  std::vector<float> tie_support;
  /// Next day on which each person's mindset may change / they may leave (candidate days of
  /// the daily Bernoulli processes thinned at their ceiling rates; docs/model.md).
  std::vector<std::int32_t> mindset_review_day;
  std::vector<std::int32_t> turnover_review_day;
};

/// Builds the synthetic city from a scenario: neighbourhoods, organisations, staff, citizens and
/// the initial tie network. The city comes from city.seed, the first events from run.seed;
/// deterministic at any thread count.
struct World {
  Model model;
  State state;
};
World build_world(const Scenario& scenario);

/// Day of year (1..366) of an ISO date "yyyy-mm-dd"; throws std::invalid_argument if malformed.
int day_of_year(const std::string& iso_date);

/// The calendar date of an ISO 8601 yyyy-mm-dd text (checked by day_of_year, which throws
/// std::invalid_argument for a malformed or unreal date).
std::chrono::year_month_day iso_date(const std::string& iso);

/// The scenario the model runs when `given` has a warm-up of W = run.warm_up_days days: W more
/// days, starting W days before start_date, with interventions and shocks moved W days later
/// (so they begin on the same dates). `given` itself when W = 0.
Scenario warm_up_scenario(const Scenario& given);

/// Draws the time of citizen i's next candidate event after `now` from its state's ceiling rate
/// (infinity if its state has no events).
double next_candidate_time(const Model& model, const Citizens& c, std::uint32_t i, double now,
                           Stream& rng);

/// Stationary shares of (well, ltc, complex, in care) of the health chain (docs/model.md 3.4)
/// for a citizen of age band `band` in deprivation decile `decile` (1..10), with prevention
/// coverage `prevention` and community service level `community` held fixed: onset, progression
/// and care entry (directly, and through hospital: admissions discharged with a package into
/// care), deaths and moving on (each resetting the place to a newcomer drawn from the band's
/// published shares). Seasons average out over a year; time in hospital is ignored.
std::array<double, 4> stationary_health(const HealthSettings& h, const HospitalSettings& hs,
                                        std::size_t band, int decile, double prevention,
                                        double community);

/// Logistic function 1 / (1 + e^-x).
double logistic(double x);

}  // namespace caresim
