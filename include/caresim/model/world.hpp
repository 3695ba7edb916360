#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "caresim/model/population.hpp"
#include "caresim/model/ties.hpp"
#include "caresim/scenario/scenario.hpp"

namespace caresim {

/// What a run is: the scenario's parameters in the form the phases use, and the fixed structure
/// of the city. Built once when a run starts and immutable after (FLAME GPU's description /
/// runtime split): phases take it by const reference.
struct Model {
  Scenario scenario;
  Organisations organisations;
  Neighbourhoods neighbourhoods;
  std::uint32_t pcn_count = 0;
  int start_day_of_year = 1;  ///< day of year (1..366) of run.start_date

  // Derived demand parameters: candidate event rate per citizen per day, by age band and
  // deprivation decile (index decile-1), already multiplied by the winter maximum, and each
  // service's share of a citizen's demand.
  std::array<std::array<double, 10>, kAgeBandCount> candidate_rate_per_day{};
  std::array<double, kServiceCount> service_share{};
  /// Organisation that receives each service's demand for non-GP services (first organisation of
  /// the matching kind), or kNone where the city has none.
  std::array<std::uint32_t, kServiceCount> service_provider{};

  // Derived tie parameters.
  double within_org_daily_retention = 1.0;
  double cross_org_daily_retention = 1.0;

  /// Seasonal multiplier of demand on a simulated day, in [1-a, 1+a].
  double season(int day) const;
};

/// The demand calendar: for each simulated day, the citizens whose next candidate event falls on
/// it. Most citizens have no event on most days, so a step touches only today's bucket.
struct DemandCalendar {
  std::vector<std::vector<std::uint32_t>> day_bucket;
};

/// Counts of what happened on the current day, reset at the start of each step.
struct DailyTallies {
  std::array<std::uint64_t, kServiceCount> demand{};
  std::vector<std::uint64_t> demand_by_org;            ///< organisation index
  std::vector<std::uint64_t> demand_by_neighbourhood;  ///< all services
  std::vector<std::uint64_t> a_and_e_by_neighbourhood;
  std::uint64_t ties_formed = 0;
  std::uint64_t ties_lost = 0;
};

/// Everything that changes during a run. Only phases write it.
struct State {
  int day = 0;  ///< the day the next step simulates (days since start)
  Staff staff;
  Citizens citizens;
  TieNetwork ties;
  DemandCalendar calendar;
  DailyTallies today;

  // Staged per-staff choices, written by staff_contact and read by tie_update / tie_merge.
  std::vector<std::uint32_t> chosen_edge;       ///< edge worked along today, or kNone
  std::vector<std::uint32_t> proposed_partner;  ///< new tie proposed today, or kNone
  std::vector<std::uint8_t> edge_below_floor;   ///< per edge: dropped at the merge
};

/// Builds the synthetic city from a scenario: neighbourhoods, organisations, staff, citizens and
/// the initial tie network. Seeded (run.seed) and deterministic at any thread count.
struct World {
  Model model;
  State state;
};
World build_world(const Scenario& scenario);

/// Day of year (1..366) of an ISO date "yyyy-mm-dd"; throws std::invalid_argument if malformed.
int day_of_year(const std::string& iso_date);

}  // namespace caresim
