#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "caresim/scenario/analytic.hpp"
#include "caresim/scenario/teaching.hpp"

namespace caresim {

/// Kinds of organisation in a city's health-and-care system.
enum class OrgKind : std::uint8_t {
  acute,          ///< acute hospital trust (A&E, beds)
  community,      ///< community health trust
  mental_health,  ///< mental-health trust
  gp_practice,    ///< general practice, grouped into Primary Care Networks
  social_care,    ///< local-authority adult social care
  public_health,  ///< local-authority public health
  third_sector,   ///< charities and community groups
  commissioner,   ///< commissioners (CCG / ICB)
  care_home,      ///< care homes and independent providers
};
inline constexpr std::size_t kOrgKindCount = 9;
/// YAML spelling of each kind, indexed by the enum value.
inline constexpr std::array<const char*, kOrgKindCount> kOrgKindNames = {
    "acute",         "community",    "mental_health", "gp_practice", "social_care",
    "public_health", "third_sector", "commissioner",  "care_home"};

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

/// Services citizens ask for. Order fixes the columns of per-service outputs.
enum class Service : std::uint8_t { gp, a_and_e, community, social_care, mental_health_crisis };
inline constexpr std::size_t kServiceCount = 5;
inline constexpr std::array<const char*, kServiceCount> kServiceNames = {
    "gp", "a_and_e", "community", "social_care", "mental_health_crisis"};

/// Citizens' age bands: 0-17, 18-64, 65-84, 85+.
inline constexpr std::size_t kAgeBandCount = 4;
inline constexpr std::array<const char*, kAgeBandCount> kAgeBandNames = {"0-17", "18-64", "65-84",
                                                                         "85+"};

/// How long and how a run goes.
struct RunSettings {
  std::string start_date = "2017-04-01";  ///< first simulated day, ISO 8601
  int days = 1095;                        ///< simulated days (one step = one day)
  std::uint64_t seed = 2017;              ///< run seed
  int flush_every_days = 30;              ///< days between HDF5 flushes

  bool operator==(const RunSettings&) const = default;
};

/// The synthetic city the generator builds.
struct CitySettings {
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

/// Citizens' demand for services: a Poisson process per citizen, rates per year.
struct DemandSettings {
  std::array<double, kServiceCount> rate_per_year = {4.0, 0.34, 0.30, 0.05, 0.02};
  std::array<double, kAgeBandCount> age_multiplier = {0.6, 0.9, 1.8, 3.2};
  double deprivation_gradient = 0.6;  ///< most-deprived decile's rates are (1 + this) x least
  double winter_amplitude = 0.12;     ///< seasonal swing of rates: 1 + a*cos(2pi(d - peak)/365)
  int winter_peak_day_of_year = 15;   ///< day of year rates peak (15 = mid-January)

  bool operator==(const DemandSettings&) const = default;
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
  DemandSettings demand;
  IshigamiSettings ishigami;  ///< used only when `model` is ishigami
  TeachingSettings teaching;  ///< used only when `model` is a teaching model

  bool operator==(const Scenario&) const = default;
};

}  // namespace caresim
