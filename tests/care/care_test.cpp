// Direct effects of each care-model mechanism, one at a time.
#include <catch2/catch.hpp>
#include <cmath>
#include <map>
#include <numeric>
#include <set>

#include "../support.hpp"
#include "caresim/care/coordination.hpp"
#include "caresim/care/targets.hpp"

using namespace caresim;
using test::phase_named;

namespace {
double sum(const std::vector<double>& v) {
  return std::accumulate(v.begin(), v.end(), 0.0);
}

std::uint32_t first_of_kind(const Model& m, OrgKind kind) {
  return m.first_org_of_kind[static_cast<std::size_t>(kind)];
}
}  // namespace

TEST_CASE("capacity: an organisation's capacity is its staff's target-work effort", "[care]") {
  Simulation sim(test::tiny_city(5000, 5));
  State& st = sim.mutable_state();
  const Model& m = sim.model();
  const std::uint32_t acute = first_of_kind(m, OrgKind::acute);
  for (std::size_t u = 0; u < st.staff.size(); ++u) {
    st.staff.system_share[u] = 0.25f;
    st.staff.energy[u] = 0.8f;
  }
  phase_named(sim, "capacity").run(m, st);
  const double per_staff = m.scenario.services.episodes_per_staff_day[0];
  CHECK(st.capacity[acute] == Approx(450 * 0.8 * 0.75 * per_staff).epsilon(1e-6));
  // More system work: less capacity now, more joint work in the localities.
  const double before = st.capacity[acute];
  const double joint_before = sum(st.joint_work);
  for (std::size_t u = 0; u < st.staff.size(); ++u)
    st.staff.system_share[u] = 0.5f;
  st.day = 1;
  phase_named(sim, "capacity").run(m, st);
  CHECK(st.capacity[acute] == Approx(before * 0.5 / 0.75));
  CHECK(sum(st.joint_work) > joint_before);
}

TEST_CASE("targets: pressure rises with the shortfall and is steepest at the threshold", "[care]") {
  const TargetSpec ae{
      OrgKind::acute, TargetMetric::a_and_e_4h, 0.95, TargetDirection::at_least, 1.0, 0.03};
  CHECK(target_pressure(ae, 0.95) == Approx(0.5));
  CHECK(target_pressure(ae, 0.80) > target_pressure(ae, 0.90));
  CHECK(target_pressure(ae, 0.99) < target_pressure(ae, 0.95));
  const auto slope = [&](double x) {
    return target_pressure(ae, x - 1e-4) - target_pressure(ae, x + 1e-4);
  };
  CHECK(slope(0.95) > slope(0.90));
  CHECK(slope(0.95) > slope(0.99));
  // Gaming pays most exactly at the threshold.
  CHECK(target_gaming(ae, 0.95) == Approx(1.0));
  CHECK(target_gaming(ae, 0.85) < 0.2);
  CHECK(target_gaming(ae, 0.99) < target_gaming(ae, 0.96));
  // Inspection scales pressure; "at most" targets fail above the threshold.
  TargetSpec harsh = ae;
  harsh.inspection = 3.0;
  CHECK(target_pressure(harsh, 0.9) == Approx(3.0 * target_pressure(ae, 0.9)));
  const TargetSpec beds{
      OrgKind::acute, TargetMetric::bed_occupancy, 0.92, TargetDirection::at_most, 1.0, 0.02};
  CHECK(target_pressure(beds, 0.97) > 0.9);
  CHECK(target_pressure(beds, 0.85) < 0.1);
}

TEST_CASE("coordination: success rises with tie strength, and outcomes feed back on ties",
          "[care]") {
  Scenario s = test::tiny_city(2000, 5);
  Simulation sim(s);
  State& st = sim.mutable_state();
  const Model& m = sim.model();
  // Everyone's trust and bias equal, so only the tie differs between the two conditions.
  std::fill(st.staff.trust.begin(), st.staff.trust.end(), 0.4f);
  std::fill(st.staff.bias.begin(), st.staff.bias.end(), 0.4f);
  const auto& acute = m.staff_by_kind_locality[static_cast<std::size_t>(OrgKind::acute)][0];
  const auto& social = m.staff_by_kind_locality[static_cast<std::size_t>(OrgKind::social_care)][0];
  REQUIRE(!acute.empty());
  REQUIRE(!social.empty());
  const auto success_rate = [&](float strength) {
    st.ties = TieNetwork(st.staff.org, static_cast<std::uint32_t>(st.staff.size()));
    if (strength > 0) {
      TieChanges ties;
      for (std::uint32_t u : acute)
        ties.added.push_back({u, social[0], strength});
      st.ties.apply(ties);
    }
    int wins = 0;
    for (std::uint32_t k = 0; k < 4000; ++k) {
      Stream rng(s.run.seed, purpose::test_a, 0, k);
      wins += attempt_coordination(m, st, Episode::discharge, OrgKind::acute, OrgKind::social_care,
                                   0, rng);
    }
    st.coordination.clear();
    return wins / 4000.0;
  };
  const double untied = success_rate(0.0f), tied = success_rate(0.9f);
  INFO("untied " << untied << ", tied " << tied);
  CHECK(tied > untied + 0.3);

  // Success strengthens the tie and trust; failure weakens the tie, cuts trust faster than success
  // builds it (alpha- > alpha+), and raises out-group bias.
  st.ties = TieNetwork(st.staff.org, 60);
  st.ties.apply(TieChanges{{}, {{acute[0], social[0], 0.5f}}});
  const std::uint32_t e = st.ties.find(acute[0], social[0]);
  st.coordination = {{acute[0], social[0], e, Episode::discharge, true}};
  phase_named(sim, "coordination").run(m, st);
  CHECK(st.ties.strength(e) > 0.5f);
  CHECK(st.staff.trust[acute[0]] > 0.4f);
  const float trust_gain = st.staff.trust[acute[0]] - 0.4f;
  st.staff.trust[acute[0]] = 0.4f;
  const float w = st.ties.strength(e);
  st.coordination = {{acute[0], social[0], e, Episode::discharge, false}};
  phase_named(sim, "coordination").run(m, st);
  CHECK(st.ties.strength(e) < w);
  CHECK(0.4f - st.staff.trust[acute[0]] > trust_gain);
  CHECK(st.staff.bias[acute[0]] > 0.4f);
  // A success between strangers stages a new tie when it leaves one (drawn in
  // attempt_coordination with coordination.new_tie_probability); else none.
  st.coordination = {{acute[1], social[0], kNone, Episode::referral, true, false}};
  phase_named(sim, "coordination").run(m, st);
  CHECK(st.staged_ties.added.empty());
  st.coordination = {{acute[1], social[0], kNone, Episode::referral, true, true}};
  phase_named(sim, "coordination").run(m, st);
  REQUIRE(st.staged_ties.added.size() == 1);
  CHECK(st.staged_ties.added[0].a == acute[1]);
}

TEST_CASE("coordination: new_tie_probability is the share of successes between strangers that "
          "leave a tie",
          "[care]") {
  // Many attempts between people with no tie, at a success probability near 1: the share of
  // successes marked new_tie is new_tie_probability within a binomial 99.9% band.
  for (const double q : {0.0, 0.25, 1.0}) {
    Scenario s = test::tiny_city(2000, 5);
    s.coordination.base = 8.0;  // logistic(8 + ...) > 0.99
    s.coordination.new_tie_probability = q;
    Simulation sim(s);
    State& st = sim.mutable_state();
    const Model& m = sim.model();
    st.ties = TieNetwork(st.staff.org, 60);
    int successes = 0, new_ties = 0;
    for (std::uint32_t k = 0; k < 4000; ++k) {
      Stream rng(1, purpose::coordination, 0, k);
      attempt_coordination(m, st, Episode::discharge, OrgKind::acute, OrgKind::social_care, 0,
                           rng);
    }
    for (const CoordinationOutcome& o : st.coordination) {
      successes += o.success ? 1 : 0;
      new_ties += o.new_tie ? 1 : 0;
      CHECK((!o.new_tie || o.success));
    }
    REQUIRE(successes > 3900);
    const double share = static_cast<double>(new_ties) / successes;
    const double band = 3.3 * std::sqrt(q * (1 - q) / successes) + 1e-12;
    INFO("q " << q << ": " << new_ties << " of " << successes);
    CHECK(std::abs(share - q) <= band);
  }
}

TEST_CASE("staff_effort: target pressure pulls towards silo work, peers towards system work",
          "[care]") {
  Simulation sim(test::tiny_city(2000, 5));
  State& st = sim.mutable_state();
  const Model& m = sim.model();
  const auto run_effort = [&](double pressure, float peers) {
    std::fill(st.pressure.begin(), st.pressure.end(), pressure);
    std::fill(st.staff.system_share.begin(), st.staff.system_share.end(), peers);
    phase_named(sim, "staff_effort").run(m, st);
    double total = 0.0;
    for (float x : st.staff.system_share)
      total += x;
    return total / static_cast<double>(st.staff.size());
  };
  // A step moves adjustment_per_day of the way to the target split; recover the target.
  const double adjust = m.scenario.effort.adjustment_per_day;
  const auto target = [&](double pressure, float peers) {
    return peers + (run_effort(pressure, peers) - peers) / adjust;
  };
  const double calm = target(0.0, 0.2f), pressed = target(2.0, 0.2f);
  const double engaged_peers = target(0.0, 0.6f);
  INFO("targets: calm " << calm << ", pressed " << pressed << ", engaged peers " << engaged_peers);
  CHECK(pressed < calm - 0.02);
  CHECK(engaged_peers > calm + 0.02);
}

TEST_CASE("mindset: adoption needs reinforcement from several colleagues (complex contagion)",
          "[care]") {
  Scenario s = test::tiny_city(2000, 5);
  s.mindset.adoption_rate = 1.0;  // so the probabilities are visible in one step
  s.mindset.abandon_rate = 0.0;
  Simulation sim(s);
  State& st = sim.mutable_state();
  const Model& m = sim.model();
  Staff& staff = st.staff;
  const auto n = static_cast<std::uint32_t>(staff.size());
  std::fill(staff.dissatisfaction.begin(), staff.dissatisfaction.end(), 1.0f);
  std::fill(staff.vision.begin(), staff.vision.end(), 0.6f);
  std::fill(staff.efficacy.begin(), staff.efficacy.end(), 1.0f);
  std::fill(staff.resistance.begin(), staff.resistance.end(), 0.4f);
  std::fill(staff.bias.begin(), staff.bias.end(), 0.0f);
  std::fill(staff.mindset.begin(), staff.mindset.end(), 0);
  // Person i (i < n/3) is tied to one adopter, person i in [n/3, 2n/3) to two.
  st.ties = TieNetwork(staff.org, 60);
  TieChanges ties;
  const std::uint32_t a1 = n - 1, a2 = n - 2;
  staff.mindset[a1] = staff.mindset[a2] = 1;
  for (std::uint32_t i = 0; i < 2 * (n / 3); ++i) {
    ties.added.push_back({i, a1, 0.8f});
    if (i >= n / 3) ties.added.push_back({i, a2, 0.5f});
  }
  TieNetwork wide(staff.org, n);
  wide.apply(ties);
  st.ties = std::move(wide);
  phase_named(sim, "staff_effort").run(m, st);  // counts adopters among ties
  phase_named(sim, "mindset").run(m, st);
  double one = 0, two = 0;
  for (std::uint32_t i = 0; i < n / 3; ++i)
    one += staff.mindset[i];
  for (std::uint32_t i = n / 3; i < 2 * (n / 3); ++i)
    two += staff.mindset[i];
  one /= n / 3;
  two /= n / 3;
  // D V F - R: one adopter 1 x 0.6 x 0.5 - 0.4 = -0.1; two adopters 0.6 - 0.4 = +0.2.
  INFO("one adopter: " << one << ", two: " << two);
  CHECK(one == Approx(logistic(25 * -0.1)).margin(0.05));
  CHECK(two == Approx(logistic(25 * 0.2)).margin(0.05));
  // Who influenced whom: the adopter tied most strongly.
  REQUIRE(!st.adoptions.empty());
  for (const Adoption& a : st.adoptions)
    CHECK(a.influencer_id == staff.id[a1]);
}

TEST_CASE("turnover: sectors lose staff at their rates, leavers take their ties", "[care]") {
  Scenario s = test::tiny_city(2000, 365);
  s.organisations[4].staff = 3000;  // social care
  s.organisations[0].staff = 3000;  // acute
  Simulation sim(s);
  const Model& m = sim.model();
  const std::uint32_t acute = first_of_kind(m, OrgKind::acute);
  const std::uint32_t social = first_of_kind(m, OrgKind::social_care);
  double acute_leavers = 0, social_leavers = 0;
  bool checked_ties = false;
  while (sim.day() < 365) {
    sim.step();
    acute_leavers += static_cast<double>(sim.state().today.leavers_by_org[acute]);
    social_leavers += static_cast<double>(sim.state().today.leavers_by_org[social]);
    if (!checked_ties && sim.state().today.leavers > 0) {
      // A new hire holds ties to their own team only.
      const State& st = sim.state();
      for (std::uint32_t u = 0; u < st.staff.size(); ++u) {
        if (st.staff.id[u] < m.total_staff) continue;
        if (st.staff.workshops[u] != 0) continue;
        for (std::uint32_t v : st.ties.neighbours_of(u))
          CHECK(st.staff.team[v] == st.staff.team[u]);
        checked_ties = true;
        break;
      }
    }
  }
  CHECK(checked_ties);
  CHECK(acute_leavers / 3000 == Approx(s.workforce.annual_turnover[0]).margin(0.04));
  CHECK(social_leavers / 3000 > 0.2);
  CHECK(social_leavers > 1.8 * acute_leavers);
}

TEST_CASE("season and shocks: winter and flu waves raise attendances, cuts cut capacity",
          "[care]") {
  Scenario s = test::tiny_city(40000, 60);
  s.run.start_date = "2017-12-15";
  const auto attendances = [](Scenario sc) {
    Simulation sim(sc);
    double total = 0;
    while (sim.day() < sc.run.days) {
      sim.step();
      total +=
          static_cast<double>(sim.state().today.demand[static_cast<std::size_t>(Service::a_and_e)]);
    }
    return total;
  };
  Scenario flat = s;
  flat.health.winter_amplitude = 0.0;
  const double winter = attendances(s), no_season = attendances(flat);
  CHECK(winter > 1.08 * no_season);
  Scenario flu = s;
  flu.shocks.push_back({ShockKind::flu_wave, 10, 30, 0.5, OrgKind::acute});
  // A wave of 0.5 for half the days adds 25% to acute episodes; attendances also hold patients
  // who gave up waiting for a GP (3.5), which a flu wave does not raise, so the rise is smaller.
  CHECK(attendances(flu) > 1.1 * winter);

  Scenario cut = s;
  cut.shocks.push_back({ShockKind::funding_cut, 0, 30, 0.3, OrgKind::social_care});
  Simulation a(s), b(cut);
  a.step();
  b.step();
  const std::uint32_t social = first_of_kind(a.model(), OrgKind::social_care);
  CHECK(b.state().capacity[social] == Approx(0.7 * a.state().capacity[social]));
}

TEST_CASE("workshop: a referral-chain cohort, re-mixed groups, new cross-organisation ties",
          "[care][interventions]") {
  Scenario s = test::tiny_city(4000, 3);
  InterventionSpec w;
  w.set_kind("workshop");
  w.day = 1;
  s.interventions.push_back(w);
  Simulation sim(s);
  sim.step();
  const TieNetwork before = sim.state().ties;
  sim.step();  // day 1: the workshop
  const State& st = sim.state();
  std::vector<std::uint32_t> cohort;
  for (std::uint32_t u = 0; u < st.staff.size(); ++u) {
    if (st.staff.workshops[u]) cohort.push_back(u);
  }
  CHECK(cohort.size() == 45);
  std::set<OrgKind> kinds;
  for (std::uint32_t u : cohort)
    kinds.insert(sim.model().organisations.kind[st.staff.org[u]]);
  CHECK(kinds.size() >= 4);  // a diagonal slice, not one organisation
  // With an even mix, the 8 kinds of the tiny city (care providers included) each fill 45/8
  // places: 5 or 6.
  std::map<OrgKind, int> per_kind;
  for (std::uint32_t u : cohort)
    ++per_kind[sim.model().organisations.kind[st.staff.org[u]]];
  CHECK(per_kind.size() == 8);
  for (const auto& [kind, n] : per_kind) {
    CHECK(n >= 5);
    CHECK(n <= 6);
  }
  int new_cross = 0;
  for (std::size_t i = 0; i < cohort.size(); ++i) {
    for (std::size_t j = i + 1; j < cohort.size(); ++j) {
      const std::uint32_t e = st.ties.find(cohort[i], cohort[j]);
      if (e != kNone && st.ties.cross_org(e) && before.find(cohort[i], cohort[j]) == kNone)
        ++new_cross;
    }
  }
  // 4 rounds of groups of 5 give each person up to 16 group-mates.
  CHECK(new_cross > 100);
  for (std::uint32_t u : cohort) {
    CHECK(st.staff.committed[u] == 1);
    CHECK(st.staff.vision[u] > static_cast<float>(s.mindset.initial_vision));
  }
}

TEST_CASE("shared-purpose campaign: vision rises among the staff it reaches",
          "[care][interventions]") {
  Scenario s = test::tiny_city(2000, 40);
  InterventionSpec c;
  c.set_kind("shared_purpose_campaign");
  c.day = 0;
  c.params.set("days", 30);
  c.params.set("reach", 0.5);
  Scenario with = s;
  with.interventions.push_back(c);
  Simulation a(s), b(with);
  for (int d = 0; d < 30; ++d) {
    a.step();
    b.step();
  }
  double raised = 0;
  for (std::size_t u = 0; u < a.state().staff.size(); ++u) {
    raised += b.state().staff.vision[u] > a.state().staff.vision[u] + 0.05f ? 1 : 0;
  }
  CHECK(raised / static_cast<double>(a.state().staff.size()) == Approx(0.5).margin(0.06));
}

TEST_CASE("staff_contact: people working across organisations bring colleagues along", "[care]") {
  // Everyone works along a tie every day, always across the boundary when they have such a tie;
  // no other closure. New ties then come from brokerage only, and none without it.
  const auto new_ties = [](double brokerage, std::size_t& reinforced) {
    Scenario s = test::tiny_city(1000, 3);
    s.ties.contact_probability_per_day = 1.0;
    s.ties.triadic_closure_per_day = 0.0;
    s.ties.random_tie_per_day = 0.0;
    s.effort.locality_tie_per_day = 0.0;
    s.effort.system_contact_bias = 1e6;
    s.effort.brokerage = brokerage;
    Simulation sim(s);
    State& st = sim.mutable_state();
    std::fill(st.staff.system_share.begin(), st.staff.system_share.end(), 1.0f);
    const TieNetwork before = st.ties;
    for (const char* phase : {"staff_contact", "tie_update", "tie_merge"}) {
      phase_named(sim, phase).run(sim.model(), st);
    }
    // Introduced pairs: a colleague of the broker (same organisation) and the broker's partner
    // across the boundary today.
    std::size_t introduced = 0;
    reinforced = 0;
    for (std::uint32_t u = 0; u < st.staff.size(); ++u) {
      const auto [a, b] = st.introduction[u];
      if (a == kNone) continue;
      CHECK(st.staff.org[a] == st.staff.org[u]);
      CHECK(st.staff.org[b] != st.staff.org[u]);
      CHECK(before.find(u, a) != kNone);
      CHECK(before.find(u, b) != kNone);
      CHECK(st.ties.find(a, b) != kNone);  // they now know each other
      if (const std::uint32_t e = before.find(a, b); e == kNone) {
        ++introduced;
      } else {  // joint work along an existing tie: reinforced beyond its decay
        ++reinforced;
        const float decayed =
            before.strength(e) * static_cast<float>(sim.model().cross_org_daily_retention);
        const auto delta = static_cast<float>(s.ties.reinforcement);
        CHECK(st.ties.strength(st.ties.find(a, b)) >= decayed + delta * (1.0f - decayed) - 1e-6f);
      }
    }
    for (std::uint32_t e = 0; e < st.ties.slot_count(); ++e) {
      if (st.ties.alive(e) && before.find(st.ties.a(e), st.ties.b(e)) == kNone) {
        CHECK(st.ties.cross_org(e) == 1);  // every new tie crosses the boundary
      }
    }
    return introduced;
  };
  std::size_t reinforced = 0;
  CHECK(new_ties(0.0, reinforced) == 0);
  CHECK(reinforced == 0);
  CHECK(new_ties(1.0, reinforced) > 20);
}

TEST_CASE("discharge: package capacity below one a day still discharges at its rate", "[care]") {
  // A fraction of a package left at the end of a day is carried to the next, so a small city
  // discharges at the same rate per package as a large one (a scale artefact otherwise: each day
  // lost its fraction, 10% of capacity at a tenth of Leeds, 1% at full scale).
  Scenario s = test::tiny_city(5000, 5);
  s.coordination.base = 50.0;  // every hand-off works: only capacity limits discharges
  s.hospital.beds = 1000;      // no escalation to interim beds
  s.services.spot_purchase_per_day = 0.0;  // the block contract only
  s.hospital.care_home_share = 0.0;        // every patient waits for a package (3.7)
  s.hospital.nhs_care_share = 0.0;
  s.hospital.weekend_discharge_ratio = 1.0;  // no weekly cycle
  Simulation sim(s);
  State& st = sim.mutable_state();
  const Model& m = sim.model();
  const auto& providers = m.orgs_of_kind[static_cast<std::size_t>(OrgKind::care_home)];
  REQUIRE(!providers.empty());
  constexpr double kPackagesPerDay = 0.25;
  for (std::uint32_t o = 0; o < st.capacity.size(); ++o)
    st.capacity[o] = 0.0;
  st.capacity[providers[0]] = kPackagesPerDay / s.services.commissioned_package_share;
  st.social_care_spend_per_day = 0.0;
  std::uint32_t waiting = 0;
  for (std::uint32_t i = 0; i < st.citizens.size() && waiting < 40; ++i) {
    if (st.citizens.health[i] != static_cast<std::uint8_t>(Health::well)) continue;
    st.citizens.health[i] = static_cast<std::uint8_t>(Health::hospital);
    st.delayed_discharges.push_back(i);
    ++waiting;
  }
  st.in_hospital = waiting;  // below the beds: no escalation
  REQUIRE(st.in_hospital < static_cast<std::uint32_t>(s.hospital.beds));
  const std::uint64_t before = st.today.discharges;
  for (int day = 0; day < 40; ++day) {
    st.day = day;
    phase_named(sim, "discharge").run(m, st);
  }
  CHECK(st.today.discharges - before == 10);  // 0.25 a day for 40 days
  CHECK(st.delayed_discharges.size() == 30);
}

TEST_CASE(
    "discharge: packages come from the care providers, and spot purchases grow with the queue up "
    "to their capacity",
    "[care]") {
  // Packages a day = min(C, a C + k Q): C the care providers' capacity, a the block contract's
  // share, k the spot purchases per waiting patient, Q the queue (docs/model.md 3.7).
  const auto discharged_in_a_day = [](double providers_capacity, double social_capacity,
                                      std::uint32_t queue) {
    Scenario s = test::tiny_city(5000, 5);
    s.coordination.base = 50.0;  // every hand-off works: only capacity limits discharges
    s.hospital.beds = 100000;    // no escalation to interim beds
    s.services.commissioned_package_share = 0.5;
    s.services.spot_purchase_per_day = 0.1;
    s.hospital.care_home_share = 0.0;  // every patient waits for a package (3.7)
    s.hospital.nhs_care_share = 0.0;
    s.hospital.weekend_discharge_ratio = 1.0;  // no weekly cycle
    Simulation sim(s);
    State& st = sim.mutable_state();
    const Model& m = sim.model();
    const auto& providers = m.orgs_of_kind[static_cast<std::size_t>(OrgKind::care_home)];
    const auto& social = m.orgs_of_kind[static_cast<std::size_t>(OrgKind::social_care)];
    for (std::uint32_t o = 0; o < st.capacity.size(); ++o)
      st.capacity[o] = 0.0;
    st.capacity[providers[0]] = providers_capacity;
    st.capacity[social[0]] = social_capacity;
    st.social_care_spend_per_day = 0.0;
    std::uint32_t waiting = 0;
    for (std::uint32_t i = 0; i < st.citizens.size() && waiting < queue; ++i) {
      if (st.citizens.health[i] != static_cast<std::uint8_t>(Health::well)) continue;
      st.citizens.health[i] = static_cast<std::uint8_t>(Health::hospital);
      st.delayed_discharges.push_back(i);
      ++waiting;
    }
    st.in_hospital = waiting;
    phase_named(sim, "discharge").run(m, st);
    return st.today.discharges;
  };
  // No care-provider capacity: no packages, whatever the council's own capacity.
  CHECK(discharged_in_a_day(0.0, 1000.0, 50) == 0);
  // Block contract 0.5 x 20 = 10, plus 0.1 x 40 waiting = 4: 14.
  CHECK(discharged_in_a_day(20.0, 0.0, 40) == 14);
  // A longer queue buys more, up to the providers' capacity of 20.
  CHECK(discharged_in_a_day(20.0, 0.0, 80) == 18);
  CHECK(discharged_in_a_day(20.0, 0.0, 300) == 20);
}

TEST_CASE("staff_effort: colleagues' system work is reviewed every peer_review_days, in turns",
          "[care]") {
  Scenario s = test::tiny_city(2000, 5);
  s.effort.peer_review_days = 3;
  Simulation sim(s);
  State& st = sim.mutable_state();
  const Model& m = sim.model();
  const auto n = static_cast<std::uint32_t>(st.staff.size());
  // Day 0: everyone reviews (first day) and sees colleagues at 0.2.
  std::fill(st.staff.system_share.begin(), st.staff.system_share.end(), 0.2f);
  phase_named(sim, "staff_effort").run(m, st);
  // Day 1: colleagues now work at 0.8; only those whose turn it is ((1 + u / 64) mod 3 = 0,
  // blocks of 64 slots) see it.
  std::fill(st.staff.system_share.begin(), st.staff.system_share.end(), 0.8f);
  st.day = 1;
  phase_named(sim, "staff_effort").run(m, st);
  std::size_t reviewed = 0, held = 0;
  for (std::uint32_t u = 0; u < n; ++u) {
    if (st.ties.degree(u) == 0) continue;
    if ((1 + u / 64) % 3 == 0) {
      CHECK(st.peer_share[u] == Approx(0.8).margin(1e-5));
      ++reviewed;
    } else {
      CHECK(st.peer_share[u] == Approx(0.2).margin(1e-5));
      ++held;
    }
  }
  CHECK(reviewed > n / 4);
  CHECK(held > n / 2);
}

TEST_CASE("mindset: thinned candidate days give each day's change exactly rate x logistic",
          "[care]") {
  Scenario s = test::tiny_city(2000, 5);
  s.mindset.adoption_rate = 0.02;
  s.mindset.abandon_rate = 0.04;  // the ceiling of the candidate days, above adoption's rate
  Simulation sim(s);
  State& st = sim.mutable_state();
  const Model& m = sim.model();
  Staff& staff = st.staff;
  st.ties = TieNetwork(staff.org, 60);  // no adopters among anyone's ties: F = 0
  std::fill(staff.resistance.begin(), staff.resistance.end(), 0.0f);
  std::fill(staff.bias.begin(), staff.bias.end(), 0.0f);  // R = 0: logistic(0) = 1/2
  const int days = 400;
  double adoptions = 0;
  for (int d = 0; d < days; ++d) {
    std::fill(staff.mindset.begin(), staff.mindset.end(), 0);  // all non-adopters every day
    st.day = d;
    st.today.adoptions = 0;
    phase_named(sim, "mindset").run(m, st);
    adoptions += static_cast<double>(st.today.adoptions);
  }
  const double trials = static_cast<double>(staff.size()) * days;
  const double expected = trials * 0.02 * 0.5;
  INFO("adoptions " << adoptions << ", expected " << expected);
  CHECK(std::abs(adoptions - expected) < 4.0 * std::sqrt(expected));
}

TEST_CASE("turnover: thinned candidate days give burnt-out staff the multiplied daily rate",
          "[care]") {
  Scenario s = test::tiny_city(2000, 5);
  s.organisations[0].staff = 3000;  // acute
  Simulation sim(s);
  State& st = sim.mutable_state();
  const Model& m = sim.model();
  const std::uint32_t acute = first_of_kind(m, OrgKind::acute);
  const double daily = 1.0 - std::pow(1.0 - s.workforce.annual_turnover[0], 1.0 / 365.25);
  const int days = 365;
  double leavers = 0;
  for (int d = 0; d < days; ++d) {
    std::fill(st.staff.energy.begin(), st.staff.energy.end(), 0.0f);  // full burnout
    st.day = d;
    st.today.leavers_by_org.assign(m.organisations.size(), 0);
    phase_named(sim, "turnover").run(m, st);
    leavers += static_cast<double>(st.today.leavers_by_org[acute]);
    st.staged_ties = {};
  }
  const double expected = 3000.0 * days * daily * s.workforce.burnout_multiplier;
  INFO("leavers " << leavers << ", expected " << expected);
  CHECK(std::abs(leavers - expected) < 4.0 * std::sqrt(expected));
}

TEST_CASE("staff_effort: target pressure drains energy up to a ceiling, beyond which it adds no drain",
          "[care]") {
  // drain = d_p x min(P, ceiling) (docs/model.md 3.10): the energy lost in a day at pressure
  // P = 0.5, 1.0, the ceiling 1.5, and three and ten times it.
  Scenario s = test::tiny_city(2000, 5);
  s.workforce.pressure_drain_ceiling = 1.5;
  const auto energy_after = [&](double pressure) {
    Simulation sim(s);
    State& st = sim.mutable_state();
    const Model& m = sim.model();
    std::fill(st.staff.energy.begin(), st.staff.energy.end(), 0.8f);
    std::fill(st.pressure.begin(), st.pressure.end(), pressure);
    std::fill(st.shared_pressure.begin(), st.shared_pressure.end(), 0.0);
    phase_named(sim, "staff_effort").run(m, st);
    double e = 0.0;
    for (float x : st.staff.energy)
      e += x;
    return e / static_cast<double>(st.staff.size());
  };
  const double at_half = energy_after(0.5), at_one = energy_after(1.0),
               at_ceiling = energy_after(1.5), at_three = energy_after(4.5),
               at_ten = energy_after(15.0);
  CHECK(at_one < at_half);
  CHECK(at_ceiling < at_one);
  // Half a unit of pressure drains d_p / 2 at most (less with colleagues' support).
  CHECK(at_half - at_one > 0.0);
  CHECK(at_half - at_one <= 0.5 * s.workforce.pressure_drain + 1e-6);
  CHECK(at_three == Approx(at_ceiling).epsilon(1e-9));
  CHECK(at_ten == Approx(at_ceiling).epsilon(1e-9));
}
