// Direct effects of each phase of the default model.
#include <catch2/catch.hpp>
#include <cmath>
#include <numeric>

#include "../support.hpp"
#include "caresim/engine/simulation.hpp"

using namespace caresim;

namespace {
const Phase& phase_named(const Simulation& sim, std::string_view name) {
  for (const auto& p : sim.phases()) {
    if (p->name() == name) return *p;
  }
  throw std::logic_error("no such phase");
}
}  // namespace

TEST_CASE("citizen_demand: event counts match the Poisson rates, by season", "[phases][demand]") {
  Scenario s = test::tiny_city(40000, 90);
  s.run.start_date = "2017-11-01";  // into winter: the seasonal factor changes across the run
  Simulation sim(s);
  const Model& m = sim.model();
  // Expected events = sum over citizens and days of candidate rate x keep probability.
  double candidate_per_day = 0.0;
  for (std::size_t i = 0; i < sim.state().citizens.size(); ++i) {
    const auto& c = sim.state().citizens;
    candidate_per_day +=
        m.candidate_rate_per_day[c.age_band[i]]
                                [m.neighbourhoods.deprivation_decile[c.neighbourhood[i]] - 1u];
  }
  double expected = 0.0;
  std::array<double, kServiceCount> observed{};
  while (sim.day() < s.run.days) {
    expected += candidate_per_day * m.season(sim.day()) / (1.0 + s.demand.winter_amplitude);
    sim.step();
    for (std::size_t k = 0; k < kServiceCount; ++k) {
      observed[k] += static_cast<double>(sim.state().today.demand[k]);
    }
  }
  const double total = std::accumulate(observed.begin(), observed.end(), 0.0);
  CHECK(std::abs(total - expected) < 4.0 * std::sqrt(expected));
  for (std::size_t k = 0; k < kServiceCount; ++k) {
    const double p = m.service_share[k];
    CHECK(std::abs(observed[k] / total - p) < 4.0 * std::sqrt(p * (1 - p) / total));
  }
}

TEST_CASE("citizen_demand: deprived neighbourhoods ask for more care", "[phases][demand]") {
  Scenario s = test::tiny_city(60000, 120);
  s.city.neighbourhoods = 20;
  s.demand.deprivation_gradient = 1.0;  // most deprived decile: twice the least deprived's rates
  Simulation sim(s);
  std::vector<double> demand(20, 0.0);
  while (sim.day() < s.run.days) {
    sim.step();
    for (std::size_t i = 0; i < 20; ++i) {
      demand[i] += static_cast<double>(sim.state().today.demand_by_neighbourhood[i]);
    }
  }
  const auto& nb = sim.model().neighbourhoods;
  double most = 0, most_n = 0, least = 0, least_n = 0;
  for (std::size_t i = 0; i < 20; ++i) {
    if (nb.deprivation_decile[i] == 1) most += demand[i], most_n += nb.residents[i];
    if (nb.deprivation_decile[i] == 10) least += demand[i], least_n += nb.residents[i];
  }
  const double ratio = (most / most_n) / (least / least_n);
  CHECK(ratio == Approx(2.0).epsilon(0.08));  // age mix varies a little between areas
}

TEST_CASE("tie_update: without contact, ties keep their monthly retention", "[phases][ties]") {
  Scenario s = test::tiny_city(2000, 30);
  s.ties.contact_probability_per_day = 0.0;
  s.ties.triadic_closure_per_day = 0.0;
  s.ties.random_tie_per_day = 0.0;
  s.ties.removal_threshold = 1e-6;
  Simulation sim(s);
  const TieNetwork before = sim.state().ties;
  for (int d = 0; d < 30; ++d)
    sim.step();
  const TieNetwork& after = sim.state().ties;
  REQUIRE(after.edge_count() == before.edge_count());
  REQUIRE(after.slot_count() == before.slot_count());
  for (std::uint32_t e = 0; e < after.slot_count(); ++e) {
    const double kept = after.strength(e) / before.strength(e);
    const double expected = after.cross_org(e) ? s.ties.cross_org_monthly_retention
                                               : s.ties.within_org_monthly_retention;
    REQUIRE(kept == Approx(expected).epsilon(1e-4));
  }
}

TEST_CASE("tie_update: each contact adds delta(1-w) after decay, and weak ties are dropped",
          "[phases][ties]") {
  Scenario s = test::tiny_city(1000, 5);
  s.ties.removal_threshold = 0.05;
  Simulation sim(s);
  State& st = sim.mutable_state();
  st.ties = TieNetwork(st.staff.org, 60);
  // Ties 0-1 (worked along by both), 0-2 (by one end), 1-2 (by none, and below the floor after).
  st.ties.apply(TieChanges{{}, {{0, 1, 0.5f}, {0, 2, 0.5f}, {1, 2, 0.05f}}});
  st.chosen_edge.assign(st.staff.size(), kNone);
  st.chosen_edge[0] = st.ties.find(0, 1);
  st.chosen_edge[1] = st.ties.find(0, 1);
  st.chosen_edge[2] = st.ties.find(0, 2);
  phase_named(sim, "tie_update").run(sim.model(), st);
  const auto r = static_cast<float>(sim.model().within_org_daily_retention);
  const float delta = static_cast<float>(s.ties.reinforcement);
  float both = 0.5f * r;
  both += delta * (1.0f - both);
  both += delta * (1.0f - both);
  float one = 0.5f * r;
  one += delta * (1.0f - one);
  CHECK(st.ties.strength(st.ties.find(0, 1)) == both);
  CHECK(st.ties.strength(st.ties.find(0, 2)) == one);
  CHECK(st.edge_below_floor[st.ties.find(1, 2)] == 1);
  CHECK(st.edge_below_floor[st.ties.find(0, 1)] == 0);
  st.proposed_partner.assign(st.staff.size(), kNone);
  phase_named(sim, "tie_merge").run(sim.model(), st);
  CHECK(st.ties.edge_count() == 2);
  CHECK(st.today.ties_lost == 1);
}

TEST_CASE("staff_contact: triadic closure only closes triangles", "[phases][ties]") {
  Scenario s = test::tiny_city(1000, 5);
  s.ties.contact_probability_per_day = 1.0;
  s.ties.triadic_closure_per_day = 1.0;
  s.ties.random_tie_per_day = 0.0;
  Simulation sim(s);
  const TieNetwork before = sim.state().ties;
  sim.step();
  const TieNetwork& after = sim.state().ties;
  std::size_t new_ties = 0;
  for (std::uint32_t e = 0; e < after.slot_count(); ++e) {
    if (!after.alive(e)) continue;
    const std::uint32_t u = after.a(e), w = after.b(e);
    if (before.find(u, w) != kNone) continue;
    ++new_ties;
    bool common = false;
    for (std::uint32_t f : before.edges_of(u))
      common |= before.find(before.other(f, u), w) != kNone;
    REQUIRE(common);
  }
  CHECK(new_ties > 50);
  CHECK(sim.state().today.ties_formed == new_ties);
}

TEST_CASE("tie dynamics: bridges decay faster than in-organisation ties", "[phases][ties]") {
  // Paired runs (same seed, so the same draws): the only difference is how fast unused bridges
  // decay. Over three years, faster decay must leave fewer of the initial bridges (Burt 2002: most
  // are gone) and a smaller cross-organisation share of tie strength.
  Scenario s = test::tiny_city(1000, 1095);
  s.ties.triadic_closure_per_day = 0.0;
  s.ties.random_tie_per_day = 0.0;
  const auto after_a_year = [](Scenario sc) {
    Simulation sim(sc);
    const TieNetwork initial = sim.state().ties;
    while (sim.day() < sc.run.days)
      sim.step();
    const TieNetwork& now = sim.state().ties;
    double cross_kept = 0, cross_total = 0, within_kept = 0, within_total = 0;
    for (std::uint32_t e = 0; e < initial.slot_count(); ++e) {
      const bool kept = now.find(initial.a(e), initial.b(e)) != kNone;
      (initial.cross_org(e) ? cross_kept : within_kept) += kept ? 1 : 0;
      (initial.cross_org(e) ? cross_total : within_total) += 1;
    }
    const TieStats t = tie_stats(sim.model(), sim.state());
    return std::array<double, 3>{cross_kept / cross_total, within_kept / within_total,
                                 t.cross_strength / t.strength};
  };
  const auto burt = after_a_year(s);
  s.ties.cross_org_monthly_retention = s.ties.within_org_monthly_retention;
  const auto equal = after_a_year(s);
  INFO("bridges kept " << burt[0] << " (equal decay: " << equal[0] << "), in-org kept " << burt[1]
                       << "; cross share " << burt[2] << " (equal decay: " << equal[2] << ")");
  CHECK(burt[0] < burt[1]);         // bridges are lost more often than in-organisation ties
  CHECK(burt[0] < equal[0] - 0.1);  // and because they decay faster
  CHECK(burt[2] < 0.8 * equal[2]);  // so less of the network's strength crosses organisations
}
