// Direct mechanisms of the relational intervention kinds around cohorts (docs/model.md 7):
// day_two_workshop, open_space, acts_of_courage, leaders_congruence, online_community. Each test
// compares runs with and without the mechanism from the same seed (common random numbers).
#include <catch2/catch.hpp>
#include <numeric>
#include <optional>
#include <set>

#include "../support.hpp"
#include "caresim/scenario/load.hpp"

using namespace caresim;
using test::phase_named;

namespace {

/// A day-one workshop named "day one" on `day`.
InterventionSpec day_one(int day, int cohort_size = 45) {
  InterventionSpec w;
  w.set_kind("workshop");
  w.day = day;
  w.name = "day one";
  w.params.set("cohort_size", cohort_size);
  return w;
}

InterventionSpec follow_on(std::string_view kind, int day, std::string cohort = "day one") {
  InterventionSpec i;
  i.set_kind(kind);
  i.day = day;
  i.cohort_of = std::move(cohort);
  return i;
}

void run_to(Simulation& sim, int day) {
  while (sim.day() < day)
    sim.step();
}

std::vector<std::uint32_t> attended(const State& st) {
  std::vector<std::uint32_t> out;
  for (std::uint32_t u = 0; u < st.staff.size(); ++u) {
    if (st.staff.workshops[u]) out.push_back(u);
  }
  return out;
}

std::vector<std::uint8_t> priority_locality(const Model& m) {
  std::vector<std::uint8_t> p(m.pcn_count, 0);
  for (std::size_t i = 0; i < m.neighbourhoods.size(); ++i) {
    if (m.neighbourhoods.priority[i]) p[m.neighbourhoods.pcn[i]] = 1;
  }
  return p;
}

/// Pairs among `people` tied in `st`.
int tied_pairs(const State& st, const std::vector<std::uint32_t>& people) {
  int n = 0;
  for (std::size_t i = 0; i < people.size(); ++i) {
    for (std::size_t j = i + 1; j < people.size(); ++j)
      n += st.ties.find(people[i], people[j]) != kNone ? 1 : 0;
  }
  return n;
}

double mean_of(const std::vector<float>& values, const std::vector<std::uint32_t>& who) {
  double total = 0.0;
  for (std::uint32_t u : who)
    total += values[u];
  return who.empty() ? 0.0 : total / static_cast<double>(who.size());
}

}  // namespace

TEST_CASE("cohorts: a workshop records its cohort by slot and id, leavers drop out",
          "[care][interventions]") {
  Scenario s = test::tiny_city(3000, 4);
  s.interventions.push_back(day_one(1));
  Simulation sim(s);
  run_to(sim, 2);
  const State& st = sim.state();
  REQUIRE(st.cohorts.size() == 1);
  const auto& cohort = st.cohorts[0];
  CHECK(cohort.size() == 45);
  for (const CohortMember& m : cohort) {
    CHECK(st.staff.workshops[m.slot] == 1);
    CHECK(st.staff.id[m.slot] == m.id);
  }
}

TEST_CASE(
    "day_two_workshop: reconnects the cohort, solves problems through wants and offers, "
    "ties to third-sector staff in priority localities and boosts prevention there",
    "[care][interventions]") {
  Scenario base = test::tiny_city(4000, 6);
  // One charity of 100 staff: its ten teams cover all three localities (the generator places
  // an organisation's teams in localities 0, 1, 2, ... in turn).
  base.organisations[6].count = 1;
  base.interventions.push_back(day_one(1));
  Scenario treated = base;
  treated.interventions.push_back(follow_on("day_two_workshop", 3));
  Simulation a(base), b(treated);
  run_to(a, 3);
  run_to(b, 3);
  const std::vector<std::uint32_t> cohort = attended(a.state());
  REQUIRE(cohort == attended(b.state()));
  const TieNetwork before = b.state().ties;
  a.step();
  b.step();  // day 3: day two
  const State& sa = a.state();
  const State& sb = b.state();
  const Model& m = b.model();

  // Wants and offers: problems solved, at most one per want and one per offer.
  CHECK(sa.problems_solved == 0);
  CHECK(sb.problems_solved > 0);
  CHECK(sb.problems_solved <= 2 * cohort.size());

  // Reconnecting: ties among the cohort that existed before are stronger than without day two.
  int pairs = 0, stronger = 0;
  for (std::size_t i = 0; i < cohort.size(); ++i) {
    for (std::size_t j = i + 1; j < cohort.size(); ++j) {
      if (before.find(cohort[i], cohort[j]) == kNone) continue;
      const std::uint32_t ea = sa.ties.find(cohort[i], cohort[j]);
      const std::uint32_t eb = sb.ties.find(cohort[i], cohort[j]);
      if (ea == kNone || eb == kNone) continue;
      ++pairs;
      stronger += sb.ties.strength(eb) > sa.ties.strength(ea) ? 1 : 0;
    }
  }
  REQUIRE(pairs > 50);
  CHECK(stronger == pairs);

  // ABCD: new ties from the cohort to third-sector staff working in priority localities.
  const auto priority = priority_locality(m);
  const auto abcd_ties = [&](const State& st) {
    int n = 0;
    for (std::uint32_t u : cohort) {
      for (std::uint32_t v : st.ties.neighbours_of(u)) {
        n += m.organisations.kind[st.staff.org[v]] == OrgKind::third_sector &&
                     priority[st.staff.locality[v]] && before.find(u, v) == kNone
                 ? 1
                 : 0;
      }
    }
    return n;
  };
  CHECK(abcd_ties(sb) >= abcd_ties(sa) + 30);  // one each, bar repeats and full rows

  // More preventive effort in priority localities only (same staff effort until the next step).
  for (std::uint32_t l = 0; l < m.pcn_count; ++l) {
    if (priority[l]) {
      CHECK(sb.prevention_work[l] > sa.prevention_work[l]);
    } else {
      CHECK(sb.prevention_work[l] == sa.prevention_work[l]);
    }
  }
}

TEST_CASE(
    "day_two_workshop: matches are likelier across organisations and between people not yet "
    "tied",
    "[care][interventions]") {
  const auto solved = [](double cross_bonus, double distance_bonus) {
    Scenario s = test::tiny_city(3000, 4);
    s.interventions.push_back(day_one(1, 60));
    InterventionSpec d = follow_on("day_two_workshop", 2);
    d.params.set("match_probability", 0.1);
    d.params.set("cross_org_bonus", cross_bonus);
    d.params.set("distance_bonus", distance_bonus);
    s.interventions.push_back(d);
    Simulation sim(s);
    run_to(sim, 3);
    return sim.state().problems_solved;
  };
  const std::uint64_t flat = solved(0.0, 0.0), bonus = solved(2.0, 0.0);
  const std::uint64_t distant = solved(0.0, 2.0);
  INFO("solved with no bonus " << flat << ", a cross-organisation bonus " << bonus
                               << ", a tie-distance bonus " << distant);
  CHECK(bonus > flat + 10);
  CHECK(distant > flat + 10);
}

TEST_CASE(
    "open_space: self-organised topic groups form ties, feed joint work, and the law of two "
    "feet mixes groups",
    "[care][interventions]") {
  const auto run = [](double two_feet, bool with) {
    Scenario s = test::tiny_city(3000, 3);
    if (with) {
      InterventionSpec o;
      o.set_kind("open_space");
      o.day = 1;
      o.name = "open space";
      o.params.set("invited", 40);
      o.params.set("topics", 5);
      o.params.set("sessions", 3);
      o.params.set("tie_probability", 1.0);
      o.params.set("two_feet", two_feet);
      s.interventions.push_back(o);
    }
    Simulation sim(s);
    run_to(sim, 1);
    const State before = sim.state();
    sim.step();
    return std::make_pair(before, sim.state());
  };
  const auto [before, control] = run(0.0, false);
  const auto [before_still, still] = run(0.0, true);
  const auto [before_moving, moving] = run(1.0, true);
  REQUIRE(still.cohorts.size() == 1);
  std::vector<std::uint32_t> people;
  for (const CohortMember& c : still.cohorts[0])
    people.push_back(c.slot);
  CHECK(people.size() == 40);
  // The invited group is drawn the same way whatever two_feet is.
  CHECK(moving.cohorts[0] == still.cohorts[0]);
  const int baseline = tied_pairs(control, people);
  const int stay = tied_pairs(still, people), move = tied_pairs(moving, people);
  INFO("tied pairs among participants: control " << baseline << ", staying " << stay << ", moving "
                                                 << move);
  // Groups of about 8 make every pair in a group tied: about 40 x 7 / 2 = 140 pairs.
  CHECK(stay > baseline + 60);
  CHECK(move > stay + 60);  // moving between topics meets new people
  // Joint work: members of mixed groups add follow-up joint work to their localities.
  double extra = 0.0;
  for (std::size_t l = 0; l < still.joint_work.size(); ++l) {
    CHECK(still.joint_work[l] >= control.joint_work[l]);
    extra += still.joint_work[l] - control.joint_work[l];
  }
  CHECK(extra > 0.0);
}

TEST_CASE(
    "acts_of_courage: committed people act over the period, success lowers bias and ties, "
    "failure raises bias",
    "[care][interventions]") {
  constexpr int kDays = 30;
  const auto run = [](double success, bool with) {
    Scenario s = test::tiny_city(3000, kDays + 3);
    s.interventions.push_back(day_one(1, 80));
    if (with) {
      InterventionSpec c = follow_on("acts_of_courage", 2);
      c.params.set("days", kDays);
      c.params.set("share_acting", 0.8);
      c.params.set("success_probability", success);
      c.params.set("efficacy_effect", 0.0);
      s.interventions.push_back(c);
    }
    Simulation sim(s);
    run_to(sim, kDays + 3);
    return sim.state();
  };
  const State control = run(0.0, false), good = run(1.0, true), bad = run(0.0, true);
  std::vector<std::uint32_t> actors;
  for (std::uint32_t u = 0; u < good.staff.size(); ++u) {
    if (good.staff.committed[u] == 2) actors.push_back(u);
    if (control.staff.workshops[u]) CHECK(control.staff.committed[u] == 1);
  }
  // The hazard spreads the acts over the period: about 80% of 80 act.
  INFO("actors: " << actors.size());
  CHECK(actors.size() > 50);
  CHECK(actors.size() < 76);
  const double b0 = mean_of(control.staff.bias, actors), b1 = mean_of(good.staff.bias, actors),
               b2 = mean_of(bad.staff.bias, actors);
  INFO("mean out-group bias of the actors: control " << b0 << ", success " << b1 << ", failure "
                                                     << b2);
  CHECK(b1 < b0 - 0.02);
  CHECK(b2 > b0 + 0.005);
  // Success ties the actors to people in other organisations: an act strengthens the actor's
  // weakest cross-organisation tie (a new tie only if they have none), so it shows in the summed
  // strength of those ties rather than in their number.
  const auto cross_ties = [&](const State& st) {
    double w = 0.0;
    for (std::uint32_t u : actors) {
      for (std::uint32_t e : st.ties.edges_of(u))
        w += st.ties.cross_org(e) ? st.ties.strength(e) : 0.0;
    }
    return w;
  };
  INFO("summed cross-organisation tie strength of the actors: success " << cross_ties(good)
                                                                        << ", failure "
                                                                        << cross_ties(bad));
  CHECK(cross_ties(good) > cross_ties(bad));
}

TEST_CASE(
    "leaders_congruence: congruence multiplies later workshop gains, incongruence damps "
    "them",
    "[care][interventions]") {
  const auto vision_gain = [](std::optional<double> congruence) {
    Scenario s = test::tiny_city(3000, 3);
    if (congruence) {
      InterventionSpec l;
      l.set_kind("leaders_congruence");
      l.day = 1;
      l.params.set("congruence", *congruence);
      s.interventions.push_back(l);
    }
    s.interventions.push_back(day_one(1));
    Simulation sim(s);
    run_to(sim, 1);
    const std::vector<float> before = sim.state().staff.vision;
    sim.step();
    const State& st = sim.state();
    double gain = 0.0;
    const auto cohort = attended(st);
    for (std::uint32_t u : cohort)
      gain += st.staff.vision[u] - before[u];
    return std::make_pair(cohort, gain / static_cast<double>(cohort.size()));
  };
  const auto [cohort, none] = vision_gain(std::nullopt);
  const auto [cohort_plus, plus] = vision_gain(1.0);
  const auto [cohort_minus, minus] = vision_gain(-1.0);
  REQUIRE(cohort == cohort_plus);
  REQUIRE(cohort == cohort_minus);
  INFO("mean vision gain at the workshop: none " << none << ", congruent " << plus
                                                 << ", incongruent " << minus);
  // gain_effect 0.5: gains x 1.5 and x 0.5.
  CHECK(plus == Approx(1.5 * none).epsilon(0.05));
  CHECK(minus == Approx(0.5 * none).epsilon(0.05));
}

TEST_CASE(
    "leaders_congruence: slows participants' vision decay, meets participants, and "
    "incongruence raises target pressure's pull",
    "[care][interventions]") {
  constexpr int kLater = 60;
  const auto run = [](std::optional<double> congruence, double meeting) {
    Scenario s = test::tiny_city(3000, kLater + 3);
    s.interventions.push_back(day_one(1));
    if (congruence) {
      InterventionSpec l = follow_on("leaders_congruence", 2);
      l.params.set("congruence", *congruence);
      l.params.set("decay_effect", 1.0);
      l.params.set("meeting_probability", meeting);
      s.interventions.push_back(l);
    }
    Simulation sim(s);
    run_to(sim, 3);
    const State after_meeting = sim.state();
    run_to(sim, kLater + 3);
    return std::make_pair(after_meeting, sim.state());
  };
  const auto [c0, none] = run(std::nullopt, 0.0);
  const auto [c1, kept] = run(1.0, 0.0);
  const auto [c2, met] = run(1.0, 1.0);
  const auto cohort = attended(none);
  // Decay effect 1 at congruence 1: participants' vision no longer drifts back to the start
  // (without it, 2 months at 0.97 a month lose about 6% of the excess over 0.35: ~0.013).
  CHECK(mean_of(kept.staff.vision, cohort) == Approx(mean_of(c1.staff.vision, cohort)));
  CHECK(mean_of(kept.staff.vision, cohort) > mean_of(none.staff.vision, cohort) + 0.01);
  CHECK(c1.participant_vision_decay == 0.0);
  // Meetings with a congruent leader raise vision on the day.
  CHECK(mean_of(c2.staff.vision, cohort) > mean_of(c1.staff.vision, cohort) + 0.02);

  // Incongruence: leaders block the work, and their staff see it through their ties.
  const auto [c3, incongruent] = run(-1.0, 0.0);
  CHECK(c3.leaders_acting);
  CHECK(mean_of(c3.leader_signal, cohort) < -0.3);
  // ... which raises pressure's pull on effort (read by staff_effort).
  Simulation sim(test::tiny_city(2000, 3));
  State pulled = sim.state(), plain = sim.state();
  for (State* st : {&pulled, &plain})
    std::fill(st->pressure.begin(), st->pressure.end(), 1.0);
  std::fill(pulled.leader_signal.begin(), pulled.leader_signal.end(), -1.0f);
  pulled.leader_effects = {0.0, 0.0, 0.5};
  phase_named(sim, "staff_effort").run(sim.model(), pulled);
  phase_named(sim, "staff_effort").run(sim.model(), plain);
  CHECK(std::accumulate(pulled.staff.system_share.begin(), pulled.staff.system_share.end(), 0.0) <
        std::accumulate(plain.staff.system_share.begin(), plain.staff.system_share.end(), 0.0));
}

TEST_CASE("online_community: joining friction, low engagement and weak ties among members",
          "[care][interventions]") {
  constexpr int kDays = 40;
  const auto run = [](double join, double activity, bool with) {
    Scenario s = test::tiny_city(3000, kDays + 3);
    s.interventions.push_back(day_one(1, 80));
    if (with) {
      InterventionSpec o = follow_on("online_community", 2);
      o.params.set("days", kDays);
      o.params.set("join_probability", join);
      o.params.set("activity", activity);
      s.interventions.push_back(o);
    }
    Simulation sim(s);
    run_to(sim, kDays + 2);
    return sim.state();
  };
  const State control = run(0, 0, false);
  const State closed = run(0.0, 0.5, true);   // nobody gets in
  const State seeds = run(0.15, 0.03, true);  // the defaults: hard to get going
  const State lively = run(0.8, 0.3, true);
  const auto cohort = attended(control);
  const int base = tied_pairs(control, cohort);
  CHECK(tied_pairs(closed, cohort) == base);
  CHECK(mean_of(closed.staff.vision, cohort) == mean_of(control.staff.vision, cohort));
  const int few = tied_pairs(seeds, cohort) - base, many = tied_pairs(lively, cohort) - base;
  INFO("new tied pairs among the cohort: defaults " << few << ", lively " << many);
  CHECK(few >= 0);
  CHECK(few < 10);
  CHECK(many > few + 30);
  CHECK(mean_of(lively.staff.vision, cohort) > mean_of(control.staff.vision, cohort) + 0.01);
}

TEST_CASE("relational programme: the what-if schedule runs every kind together on a small city",
          "[care][interventions]") {
  // scenarios/what-if/combined.yaml's interventions (the programme with every relational
  // element), moved 335 days earlier, on the tiny city.
  const Scenario programme = load_scenario(test::scenario_path("what-if") / "combined.yaml");
  Scenario s = test::tiny_city(4000, 200);
  for (InterventionSpec i : programme.interventions) {
    i.day -= 335;
    s.interventions.push_back(i);
  }
  Scenario base = test::tiny_city(4000, 200);
  Simulation a(base), b(s);
  run_to(a, 200);
  run_to(b, 200);
  const State& st = b.state();
  std::set<std::size_t> formed;
  for (std::size_t k = 0; k < st.cohorts.size(); ++k) {
    if (!st.cohorts[k].empty()) formed.insert(k);
  }
  // The three spring 2018 cohorts (days 5 to 33) have met, and had their day two.
  CHECK(formed.size() == 3);
  CHECK(st.problems_solved > 20);
  int acted = 0;
  for (std::uint8_t c : st.staff.committed)
    acted += c == 2 ? 1 : 0;
  CHECK(acted > 50);
  CHECK(st.relational_gain == Approx(1.25));
  const auto cross_ties = [](const TieNetwork& net) {
    int n = 0;
    for (std::uint32_t e = 0; e < net.slot_count(); ++e)
      n += net.alive(e) && net.cross_org(e) ? 1 : 0;
    return n;
  };
  INFO("cross-organisation ties on day 200: baseline " << cross_ties(a.state().ties)
                                                       << ", programme " << cross_ties(st.ties));
  CHECK(cross_ties(st.ties) > cross_ties(a.state().ties));
}

TEST_CASE("acts_of_courage: without cohort_of, every committed person acts and nobody else",
          "[care][interventions]") {
  Scenario s = test::tiny_city(3000, 12);
  InterventionSpec w = day_one(1);
  w.name.clear();
  s.interventions.push_back(w);
  InterventionSpec c;
  c.set_kind("acts_of_courage");
  c.day = 2;
  c.params.set("days", 10);
  c.params.set("share_acting", 0.999);
  s.interventions.push_back(c);
  Simulation sim(s);
  run_to(sim, 12);
  const State& st = sim.state();
  int acted = 0, participants = 0;
  for (std::uint32_t u = 0; u < st.staff.size(); ++u) {
    if (!st.staff.workshops[u]) {
      CHECK(st.staff.committed[u] == 0);
      continue;
    }
    ++participants;
    acted += st.staff.committed[u] == 2 ? 1 : 0;
  }
  CHECK(participants >= 44);
  CHECK(acted >= participants - 3);
}
