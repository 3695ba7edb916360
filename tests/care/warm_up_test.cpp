// The warm-up (run.warm_up_days, docs/model.md 3.4): the city runs with nothing scheduled before
// day 0, from the city seed, so that every run seed and every arm starts from the same warmed-up
// city; outputs, interventions and running totals count from day 0.
#include <catch2/catch.hpp>
#include <map>
#include <string>

#include "care_support.hpp"
#include "caresim/core/archive.hpp"

using namespace caresim;

using test::leeds_small_warm;

namespace {

constexpr int kWarmUp = 120;

/// The row of the day simulated last, by series name (scalar series only).
std::map<std::string, double> step_and_observe(Simulation& sim) {
  sim.step();
  std::vector<double> row(sim.layout().row_width());
  sim.observe(row);
  std::map<std::string, double> out;
  std::size_t offset = 0;
  for (const auto& spec : sim.layout().series) {
    if (spec.dimension < 0) {
      out[spec.name] = row[offset];
      offset += 1;
    } else {
      offset += sim.layout().dimensions[static_cast<std::size_t>(spec.dimension)].labels.size();
    }
  }
  return out;
}

std::string state_bytes(Simulation& sim) {
  StateArchive writer = StateArchive::writer();
  sim.visit_state(writer);
  return writer.take_bytes();
}

}  // namespace

TEST_CASE("warm-up: every run seed starts from the same warmed-up city, at day 0", "[warm_up]") {
  Scenario s = leeds_small_warm(20);
  s.run.warm_up_days = kWarmUp;
  Scenario other_seed = s, none = s;
  other_seed.run.seed = s.run.seed + 1;
  none.run.warm_up_days = 0;

  Simulation a(s), b(other_seed), as_built(none);
  CHECK(a.day() == 0);
  CHECK(a.days() == 20);
  // Bitwise the same state: the second came from the process's cache, the first was simulated.
  CHECK(state_bytes(a) == state_bytes(b));
  CHECK(a.distance(b) == 0.0);
  // ...and not the city as built: 120 days changed mindsets, system shares and ties.
  CHECK(a.distance(as_built) > 0.0);
  const auto [entries, bytes] = Simulation::warm_up_cache_size();
  CHECK(entries >= 1);
  CHECK(bytes > 0);

  // An arm that changes a parameter starts from its baseline's warm-up when asked to: the
  // same state, bitwise; its own warm-up (under its parameter) is another state.
  Scenario arm = s;
  arm.coordination.base += 0.5;
  Simulation from_baseline(arm, s), own(arm);
  CHECK(state_bytes(from_baseline) == state_bytes(a));
  CHECK(own.distance(a) > 0.0);
  Scenario other_length = arm;
  other_length.run.warm_up_days = kWarmUp + 1;
  CHECK_THROWS_WITH(Simulation(other_length, s), Catch::Contains("warm-up to start from"));

  // The runs then differ by their seeds alone.
  a.step();
  b.step();
  CHECK(a.distance(b) > 0.0);
}

TEST_CASE("warm-up: interventions and running totals count from day 0", "[warm_up]") {
  Scenario s = leeds_small_warm(8);
  s.run.warm_up_days = kWarmUp;
  s.interventions.push_back(InterventionSpec::of("workshop", 5));
  Simulation sim(s);
  double first_day_cost = 0.0;
  for (int day = 0; day < 8; ++day) {
    const auto row = step_and_observe(sim);
    INFO("day " << day);
    if (day == 0) {
      // The running total holds today's cost only, nothing of the warm-up's 120 days.
      first_day_cost = row.at("system_cost_per_day");
      CHECK(first_day_cost > 0.0);
      CHECK(row.at("system_cost_to_date") == Approx(first_day_cost).epsilon(1e-12));
    }
    // The workshop's staff time is charged on its day, day 5 of the run, not of the warm-up.
    if (day == 5) {
      CHECK(row.at("cost_intervention_staff") > 0.0);
    } else {
      CHECK(row.at("cost_intervention_staff") == 0.0);
    }
  }
  CHECK(sim.day() == 8);
}

TEST_CASE("warm-up: its length and the run's start date keep the calendar", "[warm_up]") {
  Scenario s = leeds_small_warm(10);
  s.run.warm_up_days = 400;
  s.run.start_date = "2017-04-01";
  s.interventions.push_back(InterventionSpec::of("workshop", 3));
  s.shocks.push_back({ShockKind::flu_wave, 2, 5, 0.3, OrgKind::social_care});
  const Scenario m = warm_up_scenario(s);
  CHECK(m.run.start_date == "2016-02-26");  // 400 days before 1 April 2017 (2016 is a leap year)
  CHECK(m.run.days == 410);
  CHECK(m.interventions[0].day == 403);
  CHECK(m.shocks[0].day == 402);
  s.run.warm_up_days = 0;
  CHECK(warm_up_scenario(s) == s);
}
