// Twin runs on the care model: a clone is a deep copy that draws the same numbers; each kind of
// perturbation moves the documented distance; lambda comes out finite with an interval.
#include <catch2/catch.hpp>
#include <cstring>

#include "../support.hpp"
#include "caresim/analysis/damage.hpp"
#include "caresim/care/simulation.hpp"

using namespace caresim;

namespace {
std::vector<double> rows_for(Simulator& sim, int steps) {
  std::vector<double> rows, row(sim.layout().row_width());
  for (int t = 0; t < steps; ++t) {
    sim.step();
    sim.observe(row);
    rows.insert(rows.end(), row.begin(), row.end());
  }
  return rows;
}
}  // namespace

TEST_CASE("care twin runs: a clone continues bitwise like the original", "[twin]") {
  Simulation sim(test::tiny_city(5000, 30));
  for (int t = 0; t < 10; ++t)
    sim.step();
  const std::unique_ptr<Simulator> copy = sim.clone();
  CHECK(copy->day() == 10);
  CHECK(copy->distance(sim) == 0.0);
  const std::vector<double> a = rows_for(sim, 15);
  const std::vector<double> b = rows_for(*copy, 15);
  REQUIRE(a.size() == b.size());
  CHECK(std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0);
  CHECK(copy->distance(sim) == 0.0);
}

TEST_CASE("care twin runs: each perturbation moves the distance by what it changed", "[twin]") {
  Simulation sim(test::tiny_city(5000, 30));
  for (int t = 0; t < 5; ++t)
    sim.step();
  const double staff = static_cast<double>(sim.perturbation_sites());
  REQUIRE(staff == static_cast<double>(sim.state().staff.size()));

  auto copy = sim.clone();
  copy->perturb(3);
  CHECK(copy->distance(sim) == Approx(1.0 / staff));
  CHECK(static_cast<const Simulation&>(*copy).state().staff.mindset[3] !=
        sim.state().staff.mindset[3]);

  sim.set_perturbation(CarePerturbation::system_share);
  copy = sim.clone();
  copy->perturb(3);
  CHECK(copy->distance(sim) == Approx(0.01 / staff).epsilon(1e-4));

  sim.set_perturbation(CarePerturbation::tie);
  std::uint32_t person = 0;
  while (sim.state().ties.degree(person) == 0)
    ++person;
  float strongest = 0.0f;
  for (const std::uint32_t e : sim.state().ties.edges_of(person))
    strongest = std::max(strongest, sim.state().ties.strength(e));
  copy = sim.clone();
  copy->perturb(person);
  CHECK(static_cast<const Simulation&>(*copy).state().ties.degree(person) ==
        sim.state().ties.degree(person) - 1);
  // Both ends lose the tie's strength.
  CHECK(copy->distance(sim) == Approx(2.0 * strongest / staff).epsilon(1e-4));
  CHECK_THROWS_AS(copy->perturb(sim.perturbation_sites()), std::out_of_range);
}

TEST_CASE("care twin runs: lambda from mindset flips is finite with an interval", "[twin]") {
  Simulation sim(test::tiny_city(5000, 30));
  for (int t = 0; t < 15; ++t)
    sim.step();
  analysis::LyapunovOptions options;
  options.horizon = 10;
  options.sites = 12;
  const analysis::LyapunovEstimate est = analysis::lyapunov_exponent(sim, options);
  CHECK(sim.day() == 15);
  REQUIRE(est.mean_damage.size() == 11);
  CHECK(est.mean_damage[0] > 0.0);
  CHECK(est.lower <= est.lambda);
  CHECK(est.lambda <= est.upper);
  // The same sites give the same estimate, bit for bit.
  const analysis::LyapunovEstimate again = analysis::lyapunov_exponent(sim, options);
  CHECK(again.lambda == est.lambda);
}
