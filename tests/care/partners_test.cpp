// What the third sector, public health and the commissioner do (docs/model.md 3.5.1), and leaders
// as agents: roles, leadership groups and what leaders' congruence does through ties (3.1,
// 3.14.5). Behaviour tests are paired comparisons at one tenth scale with common random numbers
// (replicate i of both arms shares its seed), each a difference with a 95% t interval.
#include <catch2/catch.hpp>
#include <cmath>
#include <functional>
#include <map>

#include "care_support.hpp"

using namespace caresim;

using test::leeds_small;
using test::mean;
using test::run_series;
using test::Series;

namespace {

constexpr std::uint64_t kPartnerSeeds[] = {11, 12, 13, 14, 15, 16};

Scenario without_capacity(Scenario s, OrgKind kind) {
  s.services.episodes_per_staff_day[static_cast<std::size_t>(kind)] = 0.0;
  return s;
}

}  // namespace

TEST_CASE(
    "partners: the third sector's community support for GP referrals lowers GP demand and "
    "crises, and without its staff they rise",
    "[behaviour][partners]") {
  constexpr std::size_t kDays = 240;
  std::vector<double> a_gp, b_gp, a_crisis, b_crisis, a_ae, b_ae, a_support;
  for (std::uint64_t seed : kPartnerSeeds) {
    Scenario with = leeds_small(kDays);
    // Five times Leeds's effect on crises (0.1): at Leeds's own size the support thins acute
    // episodes and crises by 0.2% city-wide (0.02 of people supported x 0.1; about 0.24 A&E
    // attendances per 100,000 a day), less than six replicates resolve once the hospital's days
    // diverge; the direction, not Leeds's size, is what this test holds (docs/model.md 3.5.1).
    with.partners.social_prescribing_crisis_effect = 0.5;
    Series a = run_series(with, seed),
           b = run_series(without_capacity(with, OrgKind::third_sector), seed);
    a_gp.push_back(mean(a["gp_appointment_requests"], 30, kDays));
    b_gp.push_back(mean(b["gp_appointment_requests"], 30, kDays));
    a_crisis.push_back(mean(a["mental_health_crises"], 30, kDays));
    b_crisis.push_back(mean(b["mental_health_crises"], 30, kDays));
    a_ae.push_back(mean(a["a_and_e_attendances_per_100k"], 30, kDays));
    b_ae.push_back(mean(b["a_and_e_attendances_per_100k"], 30, kDays));
    a_support.push_back(mean(a["social_prescribing_supported"], 30, kDays) /
                        mean(a["social_prescribing_referrals"], 30, kDays));
    CHECK(mean(b["social_prescribing_supported"], 0, kDays) == 0.0);
  }
  const auto gp = test::paired_difference(a_gp, b_gp);
  const auto crisis = test::paired_difference(a_crisis, b_crisis);
  const auto ae = test::paired_difference(a_ae, b_ae);
  INFO("without the third sector's capacity (days 30-240): GP requests a day "
       << gp.mean << " +- " << gp.half_width << " (of " << mean(a_gp, 0, 6) << "); crises "
       << crisis.mean << " +- " << crisis.half_width << "; A&E per 100k a day " << ae.mean << " +- "
       << ae.half_width << "; share of referrals taken " << mean(a_support, 0, 6));
  CHECK(gp.low() > 0.0);
  CHECK(ae.low() > 0.0);
  CHECK(crisis.mean > 0.0);
  // Modest, as the evidence is (NHS England): under 1% of GP demand city-wide.
  CHECK(gp.mean < 0.01 * mean(a_gp, 0, 6));
}

TEST_CASE(
    "partners: public health's prevention programmes raise prevention coverage and lower A&E "
    "attendances, and without its staff they fall back",
    "[behaviour][partners]") {
  constexpr std::size_t kDays = 365;
  std::vector<double> a_cov, b_cov, a_ae, b_ae;
  for (std::uint64_t seed : kPartnerSeeds) {
    const Scenario with = leeds_small(kDays);
    const auto coverage = [](const Simulation& sim, Series& out) {
      double c = 0.0;
      for (double x : sim.state().prevention_coverage)
        c += x;
      out["coverage"].push_back(c / static_cast<double>(sim.state().prevention_coverage.size()));
    };
    Series a = run_series(with, seed, coverage),
           b = run_series(without_capacity(with, OrgKind::public_health), seed, coverage);
    a_cov.push_back(mean(a["coverage"], 180, kDays));
    b_cov.push_back(mean(b["coverage"], 180, kDays));
    a_ae.push_back(mean(a["a_and_e_attendances_per_100k"], 180, kDays));
    b_ae.push_back(mean(b["a_and_e_attendances_per_100k"], 180, kDays));
    CHECK(b["public_health_prevention"].back() == 0.0);
  }
  const auto cov = test::paired_difference(a_cov, b_cov);
  const auto ae = test::paired_difference(a_ae, b_ae);
  INFO("without public health's capacity (days 180-365): prevention coverage "
       << cov.mean << " +- " << cov.half_width << " (of " << mean(a_cov, 0, 6)
       << "); A&E per 100k a day " << ae.mean << " +- " << ae.half_width);
  CHECK(cov.high() < 0.0);
  CHECK(ae.low() > 0.0);
}

TEST_CASE(
    "partners: the commissioner passes targets on to NHS providers, without its staff their "
    "target pressure and gaming fall",
    "[behaviour][partners]") {
  constexpr std::size_t kDays = 120;
  std::vector<double> a_p, b_p, a_game, b_game, a_4h, b_4h;
  for (std::uint64_t seed : kPartnerSeeds) {
    const Scenario with = leeds_small(kDays);
    const auto acute_pressure = [](const Simulation& sim, Series& out) {
      const auto acute = sim.model().first_org_of_kind[static_cast<std::size_t>(OrgKind::acute)];
      out["acute_pressure"].push_back(sim.state().pressure[acute]);
    };
    Series a = run_series(with, seed, acute_pressure),
           b = run_series(without_capacity(with, OrgKind::commissioner), seed, acute_pressure);
    CHECK(mean(a["commissioner_oversight"], 0, kDays) == 1.0);
    CHECK(mean(b["commissioner_oversight"], 0, kDays) == 0.0);
    a_p.push_back(mean(a["acute_pressure"], 20, kDays));
    b_p.push_back(mean(b["acute_pressure"], 20, kDays));
    a_game.push_back(mean(a["a_and_e_gamed"], 20, kDays));
    b_game.push_back(mean(b["a_and_e_gamed"], 20, kDays));
    a_4h.push_back(mean(a["a_and_e_4h"], 20, kDays));
    b_4h.push_back(mean(b["a_and_e_4h"], 20, kDays));
  }
  const auto pressure = test::paired_difference(a_p, b_p);
  const auto gamed = test::paired_difference(a_game, b_game);
  const auto four_hours = test::paired_difference(a_4h, b_4h);
  INFO("without the commissioner's capacity (days 20-120): acute trust's pressure "
       << pressure.mean << " +- " << pressure.half_width << " (of " << mean(a_p, 0, 6)
       << "); breaches gamed a day " << gamed.mean << " +- " << gamed.half_width
       << "; 4-hour share " << four_hours.mean << " +- " << four_hours.half_width);
  CHECK(pressure.high() < 0.0);
  CHECK(gamed.high() < 0.0);
}

TEST_CASE(
    "leaders: roles are drawn per post from the city seed with the workforce shares, every "
    "organisation has a leadership group, and managers are tied to it",
    "[care][leaders]") {
  Scenario s = leeds_small(5);
  const World w = build_world(s);
  const Staff& staff = w.state.staff;
  std::array<double, kStaffRoleCount> count{};
  for (std::uint8_t r : staff.role)
    count[r] += 1.0;
  const double n = static_cast<double>(staff.size());
  INFO("role shares: " << count[0] / n << ", " << count[1] / n << ", " << count[2] / n);
  CHECK(count[1] / n == Approx(0.10).margin(0.012));
  // 1% drawn, plus one for each organisation that drew none (most of the 313 small ones).
  CHECK(count[2] / n > 0.01);
  CHECK(count[2] / n < 0.07);
  for (std::uint32_t o = 0; o < w.model.organisations.size(); ++o) {
    const auto& group = w.model.leadership_group[o];
    REQUIRE_FALSE(group.empty());
    for (std::uint32_t u : group) {
      CHECK(staff.org[u] == o);
      CHECK(staff.role[u] == static_cast<std::uint8_t>(StaffRole::senior_leader));
    }
  }
  // Every manager has a line tie to a senior leader of their organisation.
  std::size_t managers = 0, tied = 0;
  for (std::uint32_t u = 0; u < staff.size(); ++u) {
    if (staff.role[u] != static_cast<std::uint8_t>(StaffRole::manager)) continue;
    ++managers;
    for (std::uint32_t v : w.model.leadership_group[staff.org[u]]) {
      if (w.state.ties.find(u, v) != kNone) {
        ++tied;
        break;
      }
    }
  }
  CHECK(managers > 0);
  CHECK(tied == managers);
  // One city per scenario: the run seed does not change roles; the city seed does.
  Scenario other_run = s, other_city = s;
  other_run.run.seed += 1;
  other_city.city.seed += 1;
  CHECK(build_world(other_run).state.staff.role == staff.role);
  CHECK(build_world(other_city).state.staff.role != staff.role);
}

TEST_CASE("leaders: a workshop's diagonal slice invites across roles as its role_mix asks",
          "[care][leaders][interventions]") {
  const auto cohort_roles = [](std::array<double, kStaffRoleCount> mix) {
    // role_mix is a table: written in YAML.
    const std::string yaml = test::tiny_city_yaml(4000, 3) +
                             "interventions:\n"
                             "  - {kind: workshop, day: 1, workshop: {cohort_size: 40, role_mix: "
                             "{frontline: " +
                             std::to_string(mix[0]) + ", manager: " + std::to_string(mix[1]) +
                             ", senior_leader: " + std::to_string(mix[2]) + "}}}\n";
    const Scenario s = parse_scenario(yaml, "roles.yaml");
    Simulation sim(s);
    while (sim.day() < 2)
      sim.step();
    std::array<int, kStaffRoleCount> roles{};
    for (std::uint32_t u = 0; u < sim.state().staff.size(); ++u) {
      if (sim.state().staff.workshops[u]) ++roles[sim.state().staff.role[u]];
    }
    return roles;
  };
  const auto slice = cohort_roles({0.6, 0.3, 0.1});
  const auto front = cohort_roles({1.0, 0.0, 0.0});
  INFO("diagonal slice: " << slice[0] << " frontline, " << slice[1] << " managers, " << slice[2]
                          << " senior leaders; frontline only: " << front[0] << ", " << front[1]
                          << ", " << front[2]);
  // The kinds' quotas come first; the roles' are met as far as the kinds allow. At random a
  // cohort of 40 would hold about 4 managers and 1 senior leader.
  CHECK(slice[2] == 4);
  CHECK(slice[1] >= 8);
  CHECK(slice[0] + slice[1] + slice[2] == 40);
  CHECK(front[0] == 40);
}

TEST_CASE(
    "leaders: the combined strategy without congruent leaders has significantly smaller effects "
    "on cross-organisation ties and the mindset than with them, and blocking leaders smaller "
    "still",
    "[behaviour][leaders]") {
  // scenarios/what-if/combined.yaml at one tenth scale, moved 310 days earlier (the first wave
  // on day 30), for 300 days: two waves of workshops with their follow-ons.
  constexpr int kDays = 300;
  const Scenario combined = load_scenario(test::scenario_path("what-if") / "combined.yaml");
  Scenario with = leeds_small(kDays);
  with.interventions.clear();
  for (InterventionSpec i : combined.interventions) {
    i.day -= 310;
    if (i.day < 0 || i.day + 120 >= kDays) continue;
    with.interventions.push_back(i);
  }
  Scenario without = with, blocking = with;
  std::erase_if(without.interventions,
                [](const InterventionSpec& i) { return i.kind == "leaders_congruence"; });
  for (InterventionSpec& i : blocking.interventions) {
    if (i.kind == "leaders_congruence") i.params.set("congruence", -0.5);
  }
  REQUIRE(without.interventions.size() + 1 == with.interventions.size());
  std::vector<double> w_cross, n_cross, b_cross, w_mind, n_mind, b_mind, w_share, n_share;
  for (std::uint64_t seed : kPartnerSeeds) {
    Series w = run_series(with, seed), n = run_series(without, seed),
           b = run_series(blocking, seed);
    w_cross.push_back(mean(w["cross_org_strength_share"], kDays - 30, kDays));
    n_cross.push_back(mean(n["cross_org_strength_share"], kDays - 30, kDays));
    b_cross.push_back(mean(b["cross_org_strength_share"], kDays - 30, kDays));
    w_mind.push_back(mean(w["system_minded_share"], kDays - 30, kDays));
    n_mind.push_back(mean(n["system_minded_share"], kDays - 30, kDays));
    b_mind.push_back(mean(b["system_minded_share"], kDays - 30, kDays));
    w_share.push_back(mean(w["mean_system_share"], kDays - 30, kDays));
    n_share.push_back(mean(n["mean_system_share"], kDays - 30, kDays));
  }
  const auto cross = test::paired_difference(w_cross, n_cross);
  const auto mind = test::paired_difference(w_mind, n_mind);
  const auto share = test::paired_difference(w_share, n_share);
  const auto cross_block = test::paired_difference(n_cross, b_cross);
  const auto mind_block = test::paired_difference(n_mind, b_mind);
  INFO("without - with congruent leaders (days 270-300): cross-organisation share "
       << cross.mean << " +- " << cross.half_width << " (with: " << mean(w_cross, 0, 6)
       << "); system-minded share " << mind.mean << " +- " << mind.half_width << " (with: "
       << mean(w_mind, 0, 6) << "); mean system share " << share.mean << " +- " << share.half_width
       << ". blocking - without: cross " << cross_block.mean << " +- " << cross_block.half_width
       << ", system-minded " << mind_block.mean << " +- " << mind_block.half_width);
  CHECK(cross.high() < 0.0);
  CHECK(mind.high() < 0.0);
  CHECK(cross_block.high() < 0.0);
}
