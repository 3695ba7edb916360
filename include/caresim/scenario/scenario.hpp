#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "caresim/scenario/analytic.hpp"
#include "caresim/scenario/care.hpp"
#include "caresim/scenario/kinds.hpp"
#include "caresim/scenario/teaching.hpp"

namespace caresim {

/// Which model a scenario runs: the care system, or a teaching model (docs/teaching.md).
enum class ModelKind : std::uint8_t {
  care,
  ishigami,  ///< analytic test function for the sensitivity analysis (analytic.hpp)
  boolean_network,
  threshold_cascade,
  granovetter,
  sandpile,
  branching,
  fold,
};
inline constexpr std::array<const char*, 8> kModelKindNames = {
    "care",        "ishigami", "boolean_network", "threshold_cascade",
    "granovetter", "sandpile", "branching",       "fold"};

/// How long and how a run goes.
struct RunSettings {
  std::string start_date = "2017-04-01";  ///< first simulated day, ISO 8601
  int days = 1095;                        ///< simulated days (one step = one day)
  /// Care model: days the city runs before day 0, with no interventions, so that it starts
  /// near its own stationary state; outputs, interventions and shocks count from after it.
  int warm_up_days = 0;
  std::uint64_t seed = 2017;              ///< run seed
  int flush_every_days = 30;              ///< days between HDF5 flushes

  bool operator==(const RunSettings&) const = default;
};

/// The synthetic city the generator builds.
struct CitySettings {
  /// Seed of the city generator (neighbourhoods, deprivation, citizens' homes, ages, practices
  /// and starting health, staff attitudes, initial ties), apart from the run seed: every
  /// replicate and every arm of a comparison share the same city.
  std::uint64_t seed = 1;
  int citizens = 812000;            ///< residents
  int neighbourhoods = 107;         ///< neighbourhoods (Leeds has 107 MSOAs)
  int priority_neighbourhoods = 6;  ///< how many of the most deprived are priority areas
  int primary_care_networks = 19;   ///< PCNs the GP practices are grouped into
  std::array<double, kAgeBandCount> age_shares = {0.21, 0.63, 0.13, 0.03};  ///< population shares

  bool operator==(const CitySettings&) const = default;
};

/// One organisation, or `count` alike ones (for example 93 GP practices) sharing `staff`.
struct OrganisationSpec {
  std::string name;  ///< non-empty, unique among a scenario's organisations
  OrgKind kind = OrgKind::third_sector;
  int staff = 0;  ///< total staff (split evenly across `count` organisations)
  int count = 1;  ///< how many organisations this entry stands for

  bool operator==(const OrganisationSpec&) const = default;
};

/// The names organisations get when the city is built: an entry's own name, or "name k"
/// (k = 1..count) for an entry standing for several (sim/care/world.cpp).
inline std::vector<std::string> organisation_names(const std::vector<OrganisationSpec>& orgs) {
  std::vector<std::string> names;
  for (const OrganisationSpec& o : orgs) {
    for (int k = 1; k <= o.count; ++k)
      names.push_back(o.count == 1 ? o.name : o.name + " " + std::to_string(k));
  }
  return names;
}

/// The staff tie network: its initial shape and its daily dynamics.
struct TieSettings {
  int team_size = 10;                          ///< staff per team (dense in-team ties)
  double within_team_strength = 0.7;           ///< initial strength of in-team ties, 0..1
  double within_org_ties_per_staff = 3.0;      ///< mean extra ties inside the organisation
  double within_org_strength = 0.4;            ///< initial strength of those ties, 0..1
  double cross_org_ties_per_staff = 0.4;       ///< mean ties to other organisations
  double cross_org_strength = 0.2;             ///< initial strength of cross-org ties, 0..1
  double within_org_monthly_retention = 0.97;  ///< strength kept after 30 days without contact
  double cross_org_monthly_retention = 0.825;  ///< Burt 2002: 9 in 10 bridges gone in a year
  double contact_probability_per_day = 0.3;    ///< chance a staff member works with a tie today
  double reinforcement = 0.08;                 ///< strength gained per joint contact, times (1-w)
  double triadic_closure_per_day = 0.002;      ///< chance of a new tie to a friend of a friend
  double random_tie_per_day = 0.0002;          ///< chance of a new tie to a random colleague
  double new_tie_strength = 0.1;               ///< strength of a newly formed tie
  double removal_threshold = 0.02;             ///< ties weaker than this are dropped
  int max_ties = 60;                           ///< most ties a person can keep up

  bool operator==(const TieSettings&) const = default;
};

/// A whole scenario: what the user asked for. Plain data; the core never sees YAML.
/// load_scenario() guarantees the ranges and cross-key rules listed in docs/scenario.md;
/// equality compares every field exactly (doubles bit for bit, up to -0 == 0).
struct Scenario {
  std::string name = "scenario";
  std::string description;
  ModelKind model = ModelKind::care;
  RunSettings run;
  CitySettings city;
  std::vector<OrganisationSpec> organisations;
  TieSettings ties;
  HealthSettings health;
  ServiceSettings services;
  HospitalSettings hospital;
  CoordinationSettings coordination;
  EffortSettings effort;
  MindsetSettings mindset;
  WorkforceSettings workforce;
  PartnerSettings partners;
  LeadershipSettings leadership;
  VaccinationSettings vaccination;
  BudgetSettings budget;
  CostSettings costs;          ///< unit costs, for the cost outputs only
  UtilitySettings utilities;  ///< quality of life by health state, for QALY outputs only
  std::vector<TargetSpec> targets;  ///< each organisation kind's own targets
  std::vector<InterventionSpec> interventions;
  std::vector<ShockSpec> shocks;
  OutputSettings outputs;
  TeachingSettings teaching;  ///< used only when `model` is a teaching model
  IshigamiSettings ishigami;  ///< used only when `model` is ishigami

  bool operator==(const Scenario&) const = default;
};

}  // namespace caresim
