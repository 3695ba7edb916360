// Leaders' choices (State::leader_choices, docs/model.md 3.15), the levers the studio's class
// session sets: each changes what its phase computes, and neutral choices change nothing.
#include <catch2/catch.hpp>
#include <cmath>
#include <cstring>

#include "caresim/care/simulation.hpp"
#include "caresim/scenario/load.hpp"

using namespace caresim;

namespace {

Scenario class_city(int days) {
  Scenario s = load_scenario(CARESIM_SOURCE_DIR "/scenarios/class/care_city.yaml");
  s.run.days = days;
  return s;
}

std::uint32_t first_of(const Simulation& sim, OrgKind kind) {
  const auto& orgs = sim.model().organisations;
  for (std::uint32_t o = 0; o < orgs.size(); ++o)
    if (orgs.kind[o] == kind) return o;
  FAIL("no organisation of that kind");
  return 0;
}

double mean_system_share(const Simulation& sim, std::uint32_t org) {
  const Staff& staff = sim.state().staff;
  double sum = 0.0, n = 0.0;
  for (std::size_t u = 0; u < staff.size(); ++u) {
    if (staff.org[u] != org) continue;
    sum += staff.system_share[u];
    n += 1.0;
  }
  return sum / n;
}

void run_days(Simulation& sim, int days) {
  for (int d = 0; d < days; ++d)
    sim.step();
}

}  // namespace

TEST_CASE("neutral leader choices leave the run bitwise the same", "[leader_choices]") {
  Simulation plain(class_city(40)), chosen(class_city(40));
  chosen.mutable_state().leader_choices.assign(chosen.model().organisations.size(), {});
  std::vector<double> a(plain.layout().row_width()), b(a.size());
  for (int d = 0; d < 40; ++d) {
    plain.step();
    chosen.step();
  }
  plain.observe(a);
  chosen.observe(b);
  CHECK(std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0);
}

TEST_CASE("protected time raises the organisation's share of system work", "[leader_choices]") {
  Simulation plain(class_city(60)), chosen(class_city(60));
  const std::uint32_t hospital = first_of(chosen, OrgKind::acute);
  chosen.mutable_state().leader_choices.assign(chosen.model().organisations.size(), {});
  chosen.mutable_state().leader_choices[hospital].protected_system_time = 0.4;
  run_days(plain, 60);
  run_days(chosen, 60);
  const double before = mean_system_share(plain, hospital);
  const double after = mean_system_share(chosen, hospital);
  INFO("hospital system share: " << before << " without, " << after << " with 40% protected");
  CHECK(before < 0.3);
  // Each person moves towards at least 0.4 by adjustment_per_day a day: most of the way in 60.
  CHECK(after > 0.35);
  CHECK(after <= 0.4 + 1e-6);
}

TEST_CASE("pressure passed on scales what staff feel of their targets", "[leader_choices]") {
  Simulation plain(class_city(30)), chosen(class_city(30));
  const std::uint32_t hospital = first_of(chosen, OrgKind::acute);
  chosen.mutable_state().leader_choices.assign(chosen.model().organisations.size(), {});
  chosen.mutable_state().leader_choices[hospital].pressure_passed = 0.25;
  plain.step();
  chosen.step();
  const double full = plain.state().pressure[hospital];
  INFO("hospital target pressure on day 0: " << full);
  REQUIRE(full > 0.0);
  // Day 0: everything before the targets phase is the same in both runs.
  CHECK(chosen.state().pressure[hospital] == Approx(0.25 * full).epsilon(1e-12));
  const std::uint32_t community = first_of(chosen, OrgKind::community);
  CHECK(chosen.state().pressure[community] == plain.state().pressure[community]);
}

TEST_CASE("staff sent to a workshop give a staff-day of joint work each", "[leader_choices]") {
  Simulation sim(class_city(30));
  const std::uint32_t community = first_of(sim, OrgKind::community);
  auto& choices = sim.mutable_state().leader_choices;
  choices.assign(sim.model().organisations.size(), {});
  choices[community].workshop_staff = 20;
  choices[community].workshop_day = 1;
  sim.step();  // day 0: not the workshop day
  double extra = 0.0;
  for (double x : sim.state().levers.joint_work_extra)
    extra += x;
  CHECK(extra == 0.0);
  const double joint_before = sim.state().joint_work_level[0] + sim.state().joint_work_level[1] +
                              sim.state().joint_work_level[2];
  sim.step();  // day 1: the workshop
  extra = 0.0;
  for (double x : sim.state().levers.joint_work_extra)
    extra += x;
  CHECK(extra == Approx(20.0).epsilon(1e-12));
  const double joint_after = sim.state().joint_work_level[0] + sim.state().joint_work_level[1] +
                             sim.state().joint_work_level[2];
  CHECK(joint_after > joint_before);
  // More staff than the organisation has: only its staff go.
  choices[community].workshop_staff = 1e6;
  choices[community].workshop_day = 2;
  sim.step();
  extra = 0.0;
  for (double x : sim.state().levers.joint_work_extra)
    extra += x;
  CHECK(extra == Approx(static_cast<double>(sim.model().organisations.staff_count[community])));
}

TEST_CASE("a bigger budget for packages means fewer delayed discharges", "[leader_choices]") {
  // The class city's hospital is in exit block: packages are rationed by the overspend.
  const auto delayed_after = [](double budget) {
    Simulation sim(class_city(90));
    const std::uint32_t social = first_of(sim, OrgKind::social_care);
    sim.mutable_state().leader_choices.assign(sim.model().organisations.size(), {});
    sim.mutable_state().leader_choices[social].package_budget = budget;
    double delayed = 0.0;
    std::uint64_t packages = 0;
    for (int d = 0; d < 90; ++d) {
      sim.step();
      packages += sim.state().today.packages_started;
      if (d >= 30) delayed += static_cast<double>(sim.state().delayed_discharges.size());
    }
    return std::pair{delayed / 60.0, packages};
  };
  const auto [tight, tight_packages] = delayed_after(0.5);
  const auto [usual, usual_packages] = delayed_after(1.0);
  const auto [generous, generous_packages] = delayed_after(1.5);
  INFO("mean delayed discharges, days 30-89: " << tight << " (budget 0.5), " << usual << " (1.0), "
                                               << generous << " (1.5); packages started "
                                               << tight_packages << ", " << usual_packages << ", "
                                               << generous_packages);
  CHECK(tight_packages < generous_packages);
  CHECK(generous < tight);
}
