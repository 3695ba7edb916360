// The same scenario and seed give bitwise-identical output at any thread count.
#include <oneapi/tbb/global_control.h>

#include <catch2/catch.hpp>
#include <cstring>

#include "../support.hpp"
#include "caresim/care/simulation.hpp"

using namespace caresim;

namespace {
std::vector<double> run_rows(const Scenario& s, std::size_t threads) {
  tbb::global_control c(tbb::global_control::max_allowed_parallelism, threads);
  Simulation sim(s);
  std::vector<double> rows;
  std::vector<double> row(sim.layout().row_width());
  while (sim.day() < s.run.days) {
    sim.step();
    sim.observe(row);
    rows.insert(rows.end(), row.begin(), row.end());
  }
  for (std::uint32_t e = 0; e < sim.state().ties.slot_count(); ++e) {
    rows.push_back(sim.state().ties.strength(e));
  }
  return rows;
}
}  // namespace

TEST_CASE("simulation: every output is bitwise identical at 1, 2 and 4 threads", "[determinism]") {
  // Enough citizens and staff that every parallel loop has several chunks.
  Scenario s = test::tiny_city(60000, 40);
  s.organisations[0].staff = 9000;
  const std::vector<double> one = run_rows(s, 1);
  REQUIRE(one.size() > 1000);
  for (std::size_t threads : {2u, 4u}) {
    const std::vector<double> many = run_rows(s, threads);
    REQUIRE(many.size() == one.size());
    CHECK(std::memcmp(many.data(), one.data(), one.size() * sizeof(double)) == 0);
  }
  // And again on a repeated run with the same seed.
  const std::vector<double> again = run_rows(s, 1);
  CHECK(std::memcmp(again.data(), one.data(), one.size() * sizeof(double)) == 0);
}

TEST_CASE("simulation: a different seed gives a different run", "[determinism]") {
  Scenario s = test::tiny_city(20000, 20);
  const std::vector<double> a = run_rows(s, 2);
  s.run.seed = 8;
  const std::vector<double> b = run_rows(s, 2);
  CHECK(a != b);
}

TEST_CASE("simulation: the layout's row width matches what observe writes", "[engine]") {
  Simulation sim(test::tiny_city(2000, 3));
  const auto& layout = sim.layout();
  std::size_t width = 0;
  for (const auto& spec : layout.series) {
    width += spec.dimension < 0
                 ? 1
                 : layout.dimensions[static_cast<std::size_t>(spec.dimension)].labels.size();
  }
  CHECK(width == layout.row_width());
  std::vector<double> row(width, -1.0);
  sim.step();
  sim.observe(row);
  for (double x : row)
    REQUIRE(std::isfinite(x));
}
