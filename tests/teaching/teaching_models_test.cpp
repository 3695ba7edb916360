// Exact small cases of the teaching models, thread-count determinism and the twin-run hooks.
#include <oneapi/tbb/global_control.h>

#include <catch2/catch.hpp>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <numeric>

#include "caresim/catalogue/catalogue.hpp"
#include "caresim/engine/simulator.hpp"
#include "caresim/scenario/load.hpp"
#include "caresim/teaching/boolean_network.hpp"
#include "caresim/teaching/branching.hpp"
#include "caresim/teaching/fold.hpp"
#include "caresim/teaching/granovetter.hpp"
#include "caresim/teaching/sandpile.hpp"
#include "caresim/teaching/threshold_cascade.hpp"

using namespace caresim;

namespace {

Scenario teaching_scenario(ModelKind kind, int steps, std::uint64_t seed = 11) {
  Scenario s;
  s.model = kind;
  s.run.days = steps;
  s.run.seed = seed;
  return s;
}

/// Every output row of a whole run, at the given thread count.
std::vector<double> run_model_rows(const Scenario& s, std::size_t threads) {
  tbb::global_control c(tbb::global_control::max_allowed_parallelism, threads);
  const auto sim = make_simulator(s);
  std::vector<double> rows, row(sim->layout().row_width());
  while (sim->day() < sim->days()) {
    sim->step();
    sim->observe(row);
    rows.insert(rows.end(), row.begin(), row.end());
  }
  return rows;
}

}  // namespace

TEST_CASE("boolean network: each node applies its truth table to its inputs", "[teaching]") {
  Scenario s = teaching_scenario(ModelKind::boolean_network, 3);
  s.teaching.boolean_network = {50, 3, 0.5, 0.5};
  teaching::BooleanNetwork net(s);
  for (std::size_t i = 0; i < 50; ++i) {
    const auto in = net.inputs_of(i);
    CHECK(in[0] != in[1]);
    CHECK(in[1] != in[2]);
    CHECK(in[0] != in[2]);
  }
  const std::vector<std::uint8_t> before(net.states().begin(), net.states().end());
  net.step();
  for (std::size_t i = 0; i < 50; ++i) {
    const auto in = net.inputs_of(i);
    const unsigned index = before[in[0]] | before[in[1]] << 1 | before[in[2]] << 2;
    CHECK(net.states()[i] == ((net.table_of(i) >> index) & 1U));
  }
}

TEST_CASE("boolean network: bias 0 and 1 freeze every node at 0 and 1", "[teaching]") {
  for (const double p : {0.0, 1.0}) {
    Scenario s = teaching_scenario(ModelKind::boolean_network, 1);
    s.teaching.boolean_network = {1000, 2, p, 0.5};
    teaching::BooleanNetwork net(s);
    net.step();
    std::vector<double> row(2);
    net.observe(row);
    CHECK(row[0] == p);
  }
}

TEST_CASE(
    "threshold cascade: a tiny phi activates the seed component, phi 1 with no edges only the seed",
    "[teaching]") {
  Scenario s = teaching_scenario(ModelKind::threshold_cascade, 200);
  // phi > 0 but below 1/degree: one active neighbour is enough, so the cascade is a BFS.
  s.teaching.threshold_cascade = {2000, 1.5, 1e-9};
  teaching::ThresholdCascade open(s);
  while (open.day() < open.days())
    open.step();
  // Breadth-first search from the seed over the same network.
  const TieNetwork& g = open.network();
  std::vector<std::uint8_t> seen(g.node_count(), 0);
  std::vector<std::uint32_t> queue = {open.seed_node()};
  seen[open.seed_node()] = 1;
  for (std::size_t q = 0; q < queue.size(); ++q) {
    for (const std::uint32_t e : g.edges_of(queue[q])) {
      const std::uint32_t v = g.other(e, queue[q]);
      if (seen[v] == 0) {
        seen[v] = 1;
        queue.push_back(v);
      }
    }
  }
  CHECK(open.active_fraction() == static_cast<double>(queue.size()) / 2000.0);
  CHECK(std::equal(seen.begin(), seen.end(), open.active().begin()));

  s.teaching.threshold_cascade.threshold = 1.0;
  s.teaching.threshold_cascade.mean_degree = 0.0;
  teaching::ThresholdCascade closed(s);
  closed.step();
  CHECK(closed.active_fraction() == 1.0 / 2000.0);
}

TEST_CASE("granovetter: one step lets in exactly those whose threshold is met", "[teaching]") {
  Scenario s = teaching_scenario(ModelKind::granovetter, 10);
  teaching::Granovetter crowd(s, {0.0, 0.0, 2.0, 3.0, 5.0});
  crowd.step();
  CHECK(crowd.rioters() == 2);
  crowd.step();
  CHECK(crowd.rioters() == 3);
  crowd.step();
  CHECK(crowd.rioters() == 4);
  crowd.step();
  CHECK(crowd.rioters() == 4);  // nobody's threshold is 4
}

TEST_CASE("sandpile: a grain on a full 3 x 3 pile topples as computed by hand", "[teaching]") {
  Scenario s = teaching_scenario(ModelKind::sandpile, 1);
  s.teaching.sandpile = {3, 1, 3};
  teaching::Sandpile pile(s);
  const teaching::Avalanche a = pile.drop(4);  // the centre
  // Worked by hand: wave 1 the centre topples; wave 2 its 4 neighbours (the centre gets 4,
  // each corner 5); wave 3 the centre and the 4 corners: 10 topplings, 12 grains lost.
  CHECK(a.size == 10);
  CHECK(a.duration == 3);
  CHECK(a.lost == 12);
  const std::vector<std::uint8_t> expected = {1, 3, 1, 3, 0, 3, 1, 3, 1};
  CHECK(std::equal(expected.begin(), expected.end(), pile.heights().begin()));
  // Grains are conserved: 27 + 1 = sum of heights + lost.
  CHECK(std::accumulate(expected.begin(), expected.end(), 0) + 12 == 28);
}

TEST_CASE("branching: mean offspring 0 gives single-individual cascades", "[teaching]") {
  Scenario s = teaching_scenario(ModelKind::branching, 1);
  s.teaching.branching = {0.0, 100, 10};
  teaching::Branching process(s);
  process.step();
  for (const teaching::Cascade& c : process.last_cascades()) {
    CHECK(c.size == 1);
    CHECK(c.generations == 1);
  }
  s.teaching.branching = {3.0, 100, 50};
  teaching::Branching explosive(s);
  explosive.step();
  int censored = 0;
  for (const teaching::Cascade& c : explosive.last_cascades())
    censored += c.censored ? 1 : 0;
  CHECK(censored > 80);  // survival probability at m = 3 is 0.94
}

TEST_CASE("fold: without noise x relaxes to the upper equilibrium", "[teaching]") {
  Scenario s = teaching_scenario(ModelKind::fold, 200);
  s.teaching.fold.schedule = HarvestSchedule::fixed;
  s.teaching.fold.c_start = 1.0;
  s.teaching.fold.noise_sd = 0.0;
  teaching::Fold fold(s);
  while (fold.day() < fold.days())
    fold.step();
  CHECK(std::abs(teaching::Fold::drift(fold.x(), 1.0)) < 1e-9);
  CHECK(fold.x() == Approx(8.889).margin(1e-3));
  s.teaching.fold.schedule = HarvestSchedule::ramped;
  const teaching::Fold ramp(s);
  CHECK(ramp.harvest_rate(0) == 1.0);
  CHECK(ramp.harvest_rate(199) == 2.6);
}

TEST_CASE("teaching models: outputs are bitwise identical at 1 and 2 threads", "[determinism]") {
  std::vector<Scenario> runs;
  Scenario s = teaching_scenario(ModelKind::boolean_network, 20);
  s.teaching.boolean_network.nodes = 30000;  // several chunks
  runs.push_back(s);
  s = teaching_scenario(ModelKind::threshold_cascade, 20);
  s.teaching.threshold_cascade = {30000, 4.0, 0.15};
  runs.push_back(s);
  s = teaching_scenario(ModelKind::granovetter, 20);
  s.teaching.granovetter = {30000, ThresholdLadder::normal, 0.25, 0.13, {}};
  runs.push_back(s);
  s = teaching_scenario(ModelKind::branching, 5);
  s.teaching.branching = {1.0, 5000, 1000};
  runs.push_back(s);
  s = teaching_scenario(ModelKind::sandpile, 5);
  s.teaching.sandpile = {32, 500, 0};
  runs.push_back(s);
  s = teaching_scenario(ModelKind::fold, 50);
  runs.push_back(s);
  for (const Scenario& run : runs) {
    INFO(kModelKindNames[static_cast<std::size_t>(run.model)]);
    const auto one = run_model_rows(run, 1), two = run_model_rows(run, 2);
    REQUIRE(one.size() == two.size());
    CHECK(std::memcmp(one.data(), two.data(), one.size() * sizeof(double)) == 0);
  }
}

TEST_CASE("teaching models: clones stay in step and perturb changes the distance", "[teaching]") {
  for (const ModelKind kind : {ModelKind::boolean_network, ModelKind::threshold_cascade,
                               ModelKind::granovetter, ModelKind::sandpile, ModelKind::fold}) {
    INFO(kModelKindNames[static_cast<std::size_t>(kind)]);
    Scenario s = teaching_scenario(kind, 30);
    s.teaching.boolean_network.nodes = 1000;
    s.teaching.threshold_cascade.nodes = 1000;
    s.teaching.sandpile.side = 16;
    const auto base = make_simulator(s);
    for (int t = 0; t < 5; ++t)
      base->step();
    const auto twin = base->clone();
    CHECK(base->distance(*twin) == 0.0);
    for (int t = 0; t < 5; ++t) {
      base->step();
      twin->step();
    }
    CHECK(base->distance(*twin) == 0.0);  // shared random numbers: no drift without a kick
    twin->perturb(0);
    CHECK(base->distance(*twin) > 0.0);
  }
  Scenario s = teaching_scenario(ModelKind::branching, 3);
  const auto branching = make_simulator(s);
  CHECK_THROWS_AS(branching->clone(), std::logic_error);
  CHECK_THROWS_AS(branching->perturb(0), std::logic_error);
}

TEST_CASE("teaching scenarios: every file under scenarios/teaching loads and runs a few steps",
          "[teaching]") {
  int files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(
           std::filesystem::path(CARESIM_SOURCE_DIR) / "scenarios" / "teaching")) {
    if (entry.path().extension() != ".yaml") continue;
    INFO(entry.path());
    const Scenario s = load_scenario(entry.path(), {"run.days=3"});
    // care_*.yaml are presets of the care model itself (docs/teaching.md); the rest are
    // teaching models, which need no organisations.
    const bool care_preset = entry.path().filename().string().rfind("care_", 0) == 0;
    CHECK((s.model == ModelKind::care) == care_preset);
    CHECK(s.organisations.empty() != care_preset);
    CHECK(parse_scenario(to_yaml(s), "round trip") == s);
    const auto sim = make_simulator(s);
    std::vector<double> row(sim->layout().row_width());
    sim->step();
    sim->observe(row);
    for (const double x : row)
      CHECK(std::isfinite(x));
    ++files;
  }
  CHECK(files >= 6);
}

TEST_CASE("scenario: organisations are required only for the care model", "[teaching]") {
  CHECK(parse_scenario("model: sandpile\n", "t").model == ModelKind::sandpile);
  CHECK_THROWS_WITH(parse_scenario("model: care\n", "t"),
                    Catch::Contains("organisations") && Catch::Contains("when model is care"));
}
