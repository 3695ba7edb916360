// Direct effects of the structural and system interventions (coaching, resource_shift,
// target_regime, restructure, flu_campaign): each run against the same seed without it (common
// random numbers) on the tiny city.
#include <oneapi/tbb/global_control.h>

#include <catch2/catch.hpp>
#include <cmath>
#include <cstring>
#include <numeric>

#include "../support.hpp"
#include "caresim/care/targets.hpp"

using namespace caresim;

namespace {

std::uint32_t first_intervention_of_kind(const Model& m, OrgKind kind) {
  return m.first_org_of_kind[static_cast<std::size_t>(kind)];
}

std::uint32_t org_named(const Model& m, const std::string& name) {
  const auto& names = m.organisations.name;
  return static_cast<std::uint32_t>(std::find(names.begin(), names.end(), name) - names.begin());
}

void step_both(Simulation& a, Simulation& b, int days) {
  for (int d = 0; d < days; ++d) {
    a.step();
    b.step();
  }
}

}  // namespace

TEST_CASE("coaching: paired staff gain efficacy and energy and a cross-organisation tie",
          "[care][interventions]") {
  Scenario s = test::tiny_city(2000, 30);
  InterventionSpec c;
  c.set_kind("coaching");
  c.day = 0;
  c.org_kinds = {OrgKind::acute};
  c.params.set("days", 20);
  c.params.set("share", 0.5);
  c.params.set("sessions_per_month", 15);  // every other day
  s.workforce.energy_recovery = 0.01;
  Scenario with = s;
  with.interventions.push_back(c);
  Simulation a(s), b(with);
  // Tired staff, recovering slowly: the sessions' energy gain shows.
  for (Simulation* sim : {&a, &b}) {
    for (float& e : sim->mutable_state().staff.energy)
      e = 0.5f;
  }
  step_both(a, b, 20);
  const State& x = a.state();
  const State& y = b.state();
  const Model& m = b.model();
  double acute = 0, raised = 0, others_raised = 0, energy_gap = 0, cross_a = 0, cross_b = 0;
  for (std::uint32_t u = 0; u < y.staff.size(); ++u) {
    if (y.staff.id[u] != x.staff.id[u]) continue;  // a different hire in the post
    const bool targeted = m.organisations.kind[y.staff.org[u]] == OrgKind::acute;
    const bool up = y.staff.efficacy[u] > x.staff.efficacy[u] + 0.1f;
    if (!targeted) {
      others_raised += up ? 1 : 0;
      continue;
    }
    ++acute;
    raised += up ? 1 : 0;
    energy_gap += y.staff.energy[u] - x.staff.energy[u];
    for (std::uint32_t e : x.ties.edges_of(u))
      cross_a += x.ties.cross_org(e);
    for (std::uint32_t e : y.ties.edges_of(u))
      cross_b += y.ties.cross_org(e);
  }
  // Half the acute staff are paired; about 10 sessions each raise efficacy well above baseline.
  CHECK(raised / acute == Approx(0.5).margin(0.07));
  CHECK(others_raised == 0);
  CHECK(energy_gap > 0);
  // Each pair forms (or keeps up) a tie across organisations.
  CHECK(cross_b - cross_a > 0.3 * acute);
}

TEST_CASE("resource_shift: system work moves to the priority localities, total conserved",
          "[care][interventions]") {
  Scenario s = test::tiny_city(4000, 60);
  InterventionSpec r;
  r.set_kind("resource_shift");
  r.day = 0;
  r.params.set("days", 60);
  r.params.set("share", 0.5);
  Scenario with = s;
  with.interventions.push_back(r);
  Simulation a(s), b(with);
  step_both(a, b, 1);
  const Model& m = a.model();
  std::vector<std::uint8_t> priority(m.pcn_count, 0);
  for (std::size_t n = 0; n < m.neighbourhoods.size(); ++n) {
    if (m.neighbourhoods.priority[n]) priority[m.neighbourhoods.pcn[n]] = 1;
  }
  REQUIRE(std::count(priority.begin(), priority.end(), 1) > 0);
  REQUIRE(std::count(priority.begin(), priority.end(), 0) > 0);
  // Day 0: the prevention stock is the day's work (staff-days per 1,000 residents).
  double total_a = 0, total_b = 0;
  for (std::uint32_t l = 0; l < m.pcn_count; ++l) {
    const double wa = a.state().prevention_work[l], wb = b.state().prevention_work[l];
    total_a += wa * m.residents_in_locality[l];
    total_b += wb * m.residents_in_locality[l];
    if (priority[l]) {
      CHECK(wb > wa);
    } else {
      CHECK(wb < wa);
    }
  }
  CHECK(total_b == Approx(total_a).epsilon(1e-9));
  // Through the usual lagged stock, prevention coverage rises where the work went.
  step_both(a, b, 59);
  for (std::uint32_t l = 0; l < m.pcn_count; ++l) {
    if (priority[l]) CHECK(b.state().prevention_coverage[l] > a.state().prevention_coverage[l]);
  }
}

TEST_CASE("target_regime: inspection scales pressure, a shared target pulls towards system work",
          "[care][interventions]") {
  Scenario s = test::tiny_city(4000, 60);
  s.targets = {
      {OrgKind::acute, TargetMetric::a_and_e_4h, 0.95, TargetDirection::at_least, 1.0, 0.03},
      {OrgKind::community, TargetMetric::community_wait_days, 0.5, TargetDirection::at_most, 1.0,
       0.5}};
  InterventionSpec scale;
  scale.set_kind("target_regime");
  scale.day = 0;
  scale.org_kinds = {OrgKind::acute};
  scale.params.set("inspection_scale", 2.0);
  scale.params.set("metrics", std::vector<std::string>{"a_and_e_4h"});
  Scenario tighter = s;
  tighter.interventions.push_back(scale);
  Simulation a(s), b(tighter);
  step_both(a, b, 1);
  const std::uint32_t acute = first_intervention_of_kind(a.model(), OrgKind::acute);
  const std::uint32_t community = first_intervention_of_kind(a.model(), OrgKind::community);
  REQUIRE(a.state().pressure[acute] > 0.0);
  CHECK(b.state().pressure[acute] == Approx(2.0 * a.state().pressure[acute]));
  CHECK(b.state().pressure[community] == Approx(a.state().pressure[community]));

  // A shared A&E target judged on community health (and the acute trust): the pressure it puts
  // on community staff pulls their effort towards system work, where silo pressure pushes away.
  InterventionSpec shared;
  shared.set_kind("target_regime");
  shared.day = 0;
  shared.org_kinds = {OrgKind::acute, OrgKind::community};
  shared.params.set("mode", "shared");
  shared.params.set("metric", "a_and_e_4h");
  shared.params.set("threshold", 0.99);
  shared.params.set("inspection", 2.0);
  Scenario joint = s;
  joint.interventions.push_back(shared);
  Simulation c(s), d(joint);
  step_both(c, d, 1);
  const double system_4h =
      d.state().metric[acute][static_cast<std::size_t>(TargetMetric::a_and_e_4h)];
  TargetSpec expected;
  expected.threshold = 0.99;
  expected.inspection = 2.0;
  CHECK(d.state().shared_pressure[community] == Approx(target_pressure(expected, system_4h)));
  CHECK(d.state().shared_pressure[acute] == d.state().shared_pressure[community]);
  CHECK(d.state().shared_pressure[first_intervention_of_kind(d.model(), OrgKind::social_care)] ==
        0.0);
  step_both(c, d, 30);
  const auto mean_share = [](const Simulation& sim, std::uint32_t org) {
    double sum = 0, n = 0;
    for (std::uint32_t u = 0; u < sim.state().staff.size(); ++u) {
      if (sim.state().staff.org[u] != org) continue;
      sum += sim.state().staff.system_share[u];
      ++n;
    }
    return sum / n;
  };
  CHECK(mean_share(d, community) > mean_share(c, community) + 0.02);
  CHECK(mean_share(b, acute) < mean_share(a, acute));  // tighter silo target: less system work
}

TEST_CASE("restructure: staff move, lose ties and are disrupted, an emptied practice hands over",
          "[care][interventions]") {
  Scenario s = test::tiny_city(4000, 10);
  InterventionSpec r;
  r.set_kind("restructure");
  r.day = 1;
  r.organisations = {"Practice 1"};
  r.params.set("into", "Practice 2");
  r.params.set("tie_loss", 0.5);
  Scenario with = s;
  with.interventions.push_back(r);
  Simulation a(s), b(with);
  step_both(a, b, 1);
  const Model& m = b.model();
  const std::uint32_t p1 = org_named(m, "Practice 1"), p2 = org_named(m, "Practice 2");
  std::vector<std::uint32_t> movers;
  for (std::uint32_t u = 0; u < b.state().staff.size(); ++u) {
    if (b.state().staff.org[u] == p1) movers.push_back(u);
  }
  REQUIRE(movers.size() == 17);
  std::size_t patients = 0;
  for (auto practice : b.state().citizens.gp_practice)
    patients += practice == p1 ? 1 : 0;
  REQUIRE(patients > 0);
  step_both(a, b, 1);  // day 1: the restructure
  const State& x = a.state();
  const State& y = b.state();
  std::vector<std::uint8_t> moved(y.staff.size(), 0);
  for (std::uint32_t u : movers)
    moved[u] = 1;
  const auto ties_outside = [&](const State& st) {
    double n = 0;
    for (std::uint32_t u : movers) {
      for (std::uint32_t v : st.ties.neighbours_of(u))
        n += moved[v] ? 0 : 1;
    }
    return n;
  };
  for (std::uint32_t u : movers) {
    CHECK(y.staff.org[u] == p2);
    CHECK(y.staff.trust[u] < x.staff.trust[u]);
    CHECK(y.staff.energy[u] < x.staff.energy[u]);
    CHECK(y.staff.dissatisfaction[u] > x.staff.dissatisfaction[u]);
  }
  // Their ties to people who did not move (the merger's are few: see the split below).
  CHECK(ties_outside(y) < ties_outside(x));
  for (std::uint32_t e = 0; e < y.ties.slot_count(); ++e) {
    if (!y.ties.alive(e)) continue;
    CHECK(y.ties.cross_org(e) == (y.staff.org[y.ties.a(e)] != y.staff.org[y.ties.b(e)] ? 1 : 0));
  }
  // The emptied practice keeps its place in per-organisation outputs, with nobody in it; its
  // patients are now the receiver's.
  CHECK(y.capacity.size() == m.organisations.size());
  for (auto practice : y.citizens.gp_practice)
    CHECK(practice != p1);
  step_both(a, b, 1);
  CHECK(b.state().capacity[p1] == 0.0);
  CHECK(b.state().capacity[p2] > 1.5 * a.state().capacity[p2]);

  // A split: a share of the staff move.
  Scenario split = s;
  r.params.set("share", 0.5);
  r.organisations = {"Hospital"};
  split.organisations.push_back({"Second hospital", OrgKind::acute, 10, 1});
  r.params.set("into", "Second hospital");
  Scenario unsplit = split;
  split.interventions.push_back(r);
  Simulation c(unsplit), d(split);
  step_both(c, d, 2);
  const std::uint32_t hospital = org_named(d.model(), "Hospital");
  std::vector<std::uint8_t> split_off(d.state().staff.size(), 0);
  std::size_t in_second = 0;
  for (std::uint32_t u = 0; u < d.state().staff.size(); ++u) {
    split_off[u] = d.state().staff.org[u] != c.state().staff.org[u] ? 1 : 0;
    in_second += split_off[u];
    if (split_off[u]) CHECK(c.state().staff.org[u] == hospital);
  }
  CHECK(static_cast<double>(in_second) == Approx(225).margin(35));
  // Half of the movers' ties to those who stayed are lost (tie_loss 0.5).
  const auto kept_ties = [&](const State& st) {
    double n = 0;
    for (std::uint32_t u = 0; u < st.staff.size(); ++u) {
      if (!split_off[u]) continue;
      for (std::uint32_t v : st.ties.neighbours_of(u))
        n += split_off[v] ? 0 : 1;
    }
    return n;
  };
  REQUIRE(kept_ties(c.state()) > 500);
  CHECK(kept_ties(d.state()) / kept_ties(c.state()) == Approx(0.5).margin(0.08));
}

TEST_CASE("flu_campaign: extra outreach episodes, uptake rises with their success",
          "[care][interventions]") {
  Scenario s = test::tiny_city(4000, 40);
  s.run.start_date = "2017-09-01";  // the seasonal vaccination campaign starts on day 0
  InterventionSpec f;
  f.set_kind("flu_campaign");
  f.day = 0;
  f.params.set("days", 30);
  f.params.set("uptake_gain", 1.0);
  Scenario with = s, no_gain = s;
  with.interventions.push_back(f);
  f.params.set("uptake_gain", 0.0);
  no_gain.interventions.push_back(f);
  Simulation a(s), b(with), c(no_gain);
  const auto outreach = static_cast<std::size_t>(Episode::outreach);
  double episodes_a = 0, episodes_b = 0, jabs_a = 0, jabs_b = 0, jabs_c = 0;
  for (int d = 0; d < 30; ++d) {
    a.step();
    b.step();
    c.step();
    episodes_a += static_cast<double>(a.state().today.episodes[outreach]);
    episodes_b += static_cast<double>(b.state().today.episodes[outreach]);
    jabs_a += static_cast<double>(a.state().today.vaccinations);
    jabs_b += static_cast<double>(b.state().today.vaccinations);
    jabs_c += static_cast<double>(c.state().today.vaccinations);
  }
  // 12 neighbourhoods, 2 of them priority: 10 x 1 + 2 x 3 = 16 extra episodes a day, less those
  // in localities where a partner has nobody to do it (uncounted).
  CHECK(episodes_b - episodes_a > 8 * 30);
  CHECK(episodes_b - episodes_a <= 16 * 30);
  CHECK(jabs_b > 1.1 * jabs_a);
  CHECK(jabs_b > 1.1 * jabs_c);  // the uptake gain, not the episodes' side effects
  CHECK(jabs_c == Approx(jabs_a).epsilon(0.05));
}

TEST_CASE("structural and system interventions are bitwise identical at 1 and 2 threads",
          "[interventions][determinism]") {
  // Enough staff that every parallel loop has several chunks.
  Scenario s = test::tiny_city(20000, 30);
  s.run.start_date = "2017-08-20";
  s.organisations[0].staff = 9000;
  s.targets = {
      {OrgKind::acute, TargetMetric::a_and_e_4h, 0.95, TargetDirection::at_least, 1.0, 0.03}};
  InterventionSpec x;
  x.day = 2;
  x.set_kind("coaching");
  x.params.set("days", 20);
  x.params.set("sessions_per_month", 10);
  s.interventions.push_back(x);
  x.set_kind("resource_shift");
  x.params.set("days", 20);
  s.interventions.push_back(x);
  x.set_kind("target_regime");
  x.params.set("mode", "shared");
  x.org_kinds = {OrgKind::community, OrgKind::social_care};
  s.interventions.push_back(x);
  x.set_kind("flu_campaign");
  x.params.set("days", 20);
  s.interventions.push_back(x);
  x.set_kind("restructure");
  x.day = 5;
  x.org_kinds = {};
  x.organisations = {"Hospital"};
  x.params.set("into", "Second hospital");
  x.params.set("share", 0.3);
  s.organisations.push_back({"Second hospital", OrgKind::acute, 20, 1});
  s.interventions.push_back(x);
  const auto run_rows = [&](std::size_t threads) {
    tbb::global_control c(tbb::global_control::max_allowed_parallelism, threads);
    Simulation sim(s);
    std::vector<double> rows, row(sim.layout().row_width());
    while (sim.day() < s.run.days) {
      sim.step();
      sim.observe(row);
      rows.insert(rows.end(), row.begin(), row.end());
    }
    for (std::uint32_t e = 0; e < sim.state().ties.slot_count(); ++e)
      rows.push_back(sim.state().ties.strength(e));
    return rows;
  };
  const std::vector<double> one = run_rows(1), two = run_rows(2);
  REQUIRE(one.size() == two.size());
  CHECK(std::memcmp(one.data(), two.data(), one.size() * sizeof(double)) == 0);
}
