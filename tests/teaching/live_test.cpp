// Parameters that change mid-run without a rebuild (Simulator::live_keys / set_live): the new
// value acts from the next step, the run is otherwise the same, and other keys are refused.
#include <catch2/catch.hpp>
#include <cstring>

#include "caresim/catalogue/catalogue.hpp"
#include "caresim/engine/simulator.hpp"
#include "caresim/scenario/load.hpp"

using namespace caresim;

namespace {

std::vector<double> row_after(Simulator& sim) {
  sim.step();
  std::vector<double> row(sim.layout().row_width());
  sim.observe(row);
  return row;
}

bool same(const std::vector<double>& a, const std::vector<double>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0;
}

}  // namespace

TEST_CASE("live: the sandpile's grains per step act from the next step", "[live]") {
  const Scenario s = load_scenario(CARESIM_SOURCE_DIR "/scenarios/teaching/sandpile.yaml");
  auto a = make_simulator(s), b = make_simulator(s);
  for (int i = 0; i < 20; ++i)
    CHECK(same(row_after(*a), row_after(*b)));
  REQUIRE(a->live_keys() == std::vector<std::string>{"teaching.sandpile.grains_per_step"});
  b->set_live("teaching.sandpile.grains_per_step", s.teaching.sandpile.grains_per_step * 5.0);
  CHECK(a->day() == b->day());  // no restart
  CHECK_FALSE(same(row_after(*a), row_after(*b)));
  // Setting it back to the file's value: the same as a run built with it (from here on the
  // lattices differ, so compare a fresh pair).
  auto c = make_simulator(s), d = make_simulator(s);
  d->set_live("teaching.sandpile.grains_per_step", s.teaching.sandpile.grains_per_step);
  for (int i = 0; i < 10; ++i)
    CHECK(same(row_after(*c), row_after(*d)));
  CHECK_THROWS_AS(b->set_live("teaching.sandpile.side", 10), std::invalid_argument);
  CHECK_THROWS_AS(b->set_live("teaching.sandpile.grains_per_step", 0.5), std::invalid_argument);
}

TEST_CASE("live: the fold's harvest acts from the next step", "[live]") {
  Scenario s = load_scenario(CARESIM_SOURCE_DIR "/scenarios/teaching/fold_fixed.yaml");
  auto a = make_simulator(s), b = make_simulator(s);
  for (int i = 0; i < 5; ++i)
    row_after(*a), row_after(*b);
  b->set_live("teaching.fold.c_start", s.teaching.fold.c_start + 0.5);
  const auto ra = row_after(*a), rb = row_after(*b);
  CHECK(rb[1] == Approx(ra[1] + 0.5));  // harvest_rate used in the step
  CHECK(rb[0] < ra[0]);                 // a harder harvest leaves less
}

TEST_CASE("live: models without live keys refuse", "[live]") {
  const Scenario s = load_scenario(CARESIM_SOURCE_DIR "/scenarios/teaching/rbn_critical.yaml");
  auto sim = make_simulator(s);
  CHECK(sim->live_keys().empty());
  CHECK_THROWS_AS(sim->set_live("teaching.boolean_network.inputs", 3), std::invalid_argument);
}
