// Direct effects of each phase of the default model.
#include <catch2/catch.hpp>
#include <cmath>
#include <numeric>

#include "../support.hpp"
#include "caresim/care/simulation.hpp"

using namespace caresim;

using test::phase_named;

TEST_CASE("citizen_health: GP requests follow each citizen's Poisson rate", "[phases][health]") {
  Scenario s = test::tiny_city(40000, 60);
  Simulation sim(s);
  const Model& m = sim.model();
  const auto gp = static_cast<std::size_t>(CitizenEvent::gp_request);
  double expected = 0.0, observed = 0.0;
  while (sim.day() < s.run.days) {
    // GP requests are never thinned: their rate is the table's, for the state the citizen is in.
    const Citizens& c = sim.state().citizens;
    for (std::size_t i = 0; i < c.size(); ++i) {
      expected += m.event_ceiling[c.health[i]][c.age_band[i]]
                                 [m.neighbourhoods.deprivation_decile[c.neighbourhood[i]] - 1u][gp];
    }
    sim.step();
    observed +=
        static_cast<double>(sim.state().today.demand[static_cast<std::size_t>(Service::gp)]);
  }
  INFO("expected " << expected << ", observed " << observed);
  CHECK(std::abs(observed - expected) < 4.0 * std::sqrt(expected));
}

TEST_CASE("citizen_health: deprived neighbourhoods ask for more care", "[phases][health]") {
  Scenario s = test::tiny_city(60000, 120);
  s.city.neighbourhoods = 20;
  s.health.deprivation_gradient = 1.0;  // most deprived decile: twice the least deprived's rates
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
  CHECK(ratio == Approx(2.0).epsilon(0.1));  // age and health mix vary a little between areas
}

TEST_CASE("tie_update: without contact, ties keep their monthly retention", "[phases][ties]") {
  Scenario s = test::tiny_city(2000, 30);
  s.ties.removal_threshold = 1e-6;
  Simulation sim(s);
  State& st = sim.mutable_state();
  const TieNetwork before = st.ties;
  st.chosen_edge.assign(st.staff.size(), kNone);  // nobody works along any tie
  for (int d = 0; d < 30; ++d)
    phase_named(sim, "tie_update").run(sim.model(), st);
  const TieNetwork& after = st.ties;
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
  CHECK(st.edges_below_floor == std::vector<std::uint32_t>{st.ties.find(1, 2)});
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
  s.effort.locality_tie_per_day = 0.0;
  Simulation sim(s);
  State& st = sim.mutable_state();
  const TieNetwork before = st.ties;
  for (const char* phase : {"staff_contact", "tie_update", "tie_merge"}) {
    phase_named(sim, phase).run(sim.model(), st);
  }
  const TieNetwork& after = st.ties;
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
