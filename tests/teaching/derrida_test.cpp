// The Derrida map of a random Boolean network against the annealed approximation
// d' = 2p(1-p)[1 - (1-d)^K] (teaching/boolean_network.hpp derives it), whose slope at the origin,
// 2p(1-p)K, is 1 at the critical K = 2, p = 1/2; deterministic at any thread count.
#include <tbb/global_control.h>

#include <catch2/catch.hpp>
#include <cmath>

#include "caresim/scenario/scenario.hpp"
#include "caresim/teaching/boolean_network.hpp"

using namespace caresim;
using teaching::derrida_annealed;
using teaching::derrida_map;

namespace {

teaching::BooleanNetwork network(int nodes, int k, double p, std::uint64_t seed = 5) {
  Scenario s;
  s.model = ModelKind::boolean_network;
  s.run.days = 10;
  s.run.seed = seed;
  s.teaching.boolean_network.nodes = nodes;
  s.teaching.boolean_network.inputs = k;
  s.teaching.boolean_network.bias = p;
  return teaching::BooleanNetwork(s);
}

}  // namespace

TEST_CASE("derrida: the annealed map and its slope at the origin", "[derrida]") {
  CHECK(derrida_annealed(0.0, 2, 0.5) == 0.0);
  // K = 2, p = 1/2: d' = (1 - (1-d)^2) / 2 = d - d^2/2.
  CHECK(derrida_annealed(0.2, 2, 0.5) == Approx(0.2 - 0.02));
  CHECK(derrida_annealed(1.0, 3, 0.5) == Approx(0.5));
  for (const auto& [k, p] : {std::pair{1, 0.5}, std::pair{2, 0.5}, std::pair{3, 0.5},
                             std::pair{4, 0.2}}) {
    const double h = 1e-7;
    CHECK(derrida_annealed(h, k, p) / h == Approx(2 * p * (1 - p) * k).epsilon(1e-5));
  }
}

TEST_CASE("derrida: a large random Boolean network follows the annealed map", "[derrida]") {
  const std::vector<double> ds = {0.01, 0.05, 0.1, 0.2, 0.4, 0.6, 0.8, 1.0};
  for (const auto& [k, p] : {std::pair{1, 0.5}, std::pair{2, 0.5}, std::pair{3, 0.5},
                             std::pair{2, 0.2}}) {
    const auto net = network(20000, k, p);
    const auto map = derrida_map(net, ds, 12, 99);
    REQUIRE(map.size() == ds.size());
    for (const auto& point : map) {
      const double expected = derrida_annealed(point.d, k, p);
      INFO("K " << k << ", p " << p << ", d " << point.d << ": measured " << point.next << " +- "
                << point.standard_error << ", annealed " << expected);
      // Finite N and one quenched network: within 0.006 absolute (a few standard errors of the
      // pair average plus the network's own deviation, which shrinks as 1/sqrt(N)).
      CHECK(std::abs(point.next - expected) < 0.006);
    }
  }
}

TEST_CASE("derrida: the slope at the origin is 1 at the critical point", "[derrida]") {
  const std::vector<double> small = {0.005};
  const auto slope = [&](int k) {
    const auto map = derrida_map(network(20000, k, 0.5), small, 20, 7);
    return map[0].next / map[0].d;
  };
  const double ordered = slope(1), critical = slope(2), chaotic = slope(3);
  INFO("slopes near d = 0.005: K=1 " << ordered << ", K=2 " << critical << ", K=3 " << chaotic);
  CHECK(ordered == Approx(0.5).margin(0.06));
  CHECK(critical == Approx(1.0).margin(0.08));
  CHECK(chaotic == Approx(1.5).margin(0.1));
}

TEST_CASE("derrida: the map is the same at any thread count and leaves the run alone",
          "[derrida]") {
  const std::vector<double> ds = {0.1, 0.5};
  auto net = network(5000, 3, 0.5);
  const std::vector<std::uint8_t> before(net.states().begin(), net.states().end());
  std::vector<teaching::DerridaPoint> one, two;
  {
    tbb::global_control c(tbb::global_control::max_allowed_parallelism, 1);
    one = derrida_map(net, ds, 4, 3);
  }
  {
    tbb::global_control c(tbb::global_control::max_allowed_parallelism, 2);
    two = derrida_map(net, ds, 4, 3);
  }
  for (std::size_t i = 0; i < ds.size(); ++i) {
    CHECK(one[i].next == two[i].next);
    CHECK(one[i].d == two[i].d);
  }
  CHECK(std::vector<std::uint8_t>(net.states().begin(), net.states().end()) == before);
  CHECK(derrida_map(net, ds, 4, 4)[0].next != one[0].next);  // another seed, other pairs
  CHECK_THROWS(derrida_map(net, std::vector<double>{1.5}, 4, 3));
}
