// What the system's activity costs and what people's health comes to (docs/model.md, "Costs and
// health outputs"): accounting identities recomputed from the run file's own tallies, unit costs
// that change nothing else, and paired comparisons whose cost moves the expected way.
#include "caresim/care/costs.hpp"

#include <catch2/catch.hpp>
#include <cmath>
#include <fstream>
#include <map>
#include <sstream>

#include "care_support.hpp"
#include "caresim/analysis/statistics.hpp"
#include "caresim/care/simulation.hpp"
#include "caresim/catalogue/run.hpp"
#include "caresim/ensemble/compare.hpp"
#include "caresim/io/netcdf.hpp"
#include "caresim/scenario/load.hpp"

using namespace caresim;
using test::read_text;

using test::leeds_small;

namespace {

// A workshop on day 5, an Open Space for its cohort on day 6 and coaching of the acute trust and
// social care from day 8: interventions whose staff time is costed.
Scenario with_interventions(Scenario s) {
  InterventionSpec workshop = InterventionSpec::of("workshop", 5);
  workshop.name = "wave_1";
  workshop.params.set("cohort_size", 45);
  InterventionSpec space = InterventionSpec::of("open_space", 6);
  space.cohort_of = "wave_1";
  InterventionSpec coaching = InterventionSpec::of("coaching", 8);
  coaching.org_kinds = {OrgKind::acute, OrgKind::social_care};
  coaching.params.set("days", 20);
  s.interventions = {workshop, space, coaching};
  return s;
}

}  // namespace

TEST_CASE(
    "costs: each day's cost is count x unit cost, recomputed from the run file's tallies, the "
    "system total is the sum over organisations and over components, the cumulative total sums "
    "the days",
    "[costs]") {
  const int days = 40;
  const Scenario s = with_interventions(leeds_small(days));
  test::TempDir dir;
  RunOptions options;
  options.output = dir / "run.h5";
  options.threads = 2;
  REQUIRE(run_scenario(s, options).status == RunStatus::finished);
  const io::netcdf::Reader file(options.output);
  const auto series = [&](const char* name) { return file.read_doubles(name); };
  const World world = build_world(s);  // the same city: it comes from city.seed
  const Organisations& orgs = world.model.organisations;
  const std::size_t O = orgs.size();
  const CostSettings& u = s.costs;

  const auto attendances = series("a_and_e_attendances"), occupancy = series("bed_occupancy"),
             delayed = series("delayed_discharges"), gp = series("gp_appointments"),
             community = series("community_contacts"), crisis = series("crisis_contacts"),
             packages = series("care_packages_started"), in_care = series("in_care"),
             interim = series("interim_care_occupied"), leavers = series("org_leavers"),
             staff_days = series("org_intervention_staff_days"),
             by_org = series("org_cost_per_day"), system = series("system_cost_per_day"),
             to_date = series("system_cost_to_date");
  REQUIRE(by_org.size() == static_cast<std::size_t>(days) * O);
  std::map<std::string, std::vector<double>> components;
  for (const char* name :
       {"cost_bed_days", "cost_delayed_bed_days", "cost_a_and_e", "cost_gp", "cost_community",
        "cost_crisis", "cost_home_care", "cost_care_home", "cost_interim_care",
        "cost_staff_replacement", "cost_intervention_staff"})
    components[name] = series(name);

  double cumulative = 0.0, packages_seen = 0.0, leavers_seen = 0.0, coaching_days = 0.0;
  for (std::size_t t = 0; t < static_cast<std::size_t>(days); ++t) {
    INFO("day " << t);
    double replacement = 0.0, staff_time = 0.0, org_sum = 0.0, staff_day_sum = 0.0;
    for (std::size_t o = 0; o < O; ++o) {
      const auto k = static_cast<std::size_t>(orgs.kind[o]);
      replacement += leavers[t * O + o] * u.replacement[k];
      staff_time += staff_days[t * O + o] * u.staff_day[k];
      staff_day_sum += staff_days[t * O + o];
      org_sum += by_org[t * O + o];
      leavers_seen += leavers[t * O + o];
    }
    const double beds = s.hospital.beds;
    const std::map<std::string, double> expected{
        {"cost_bed_days", (occupancy[t] * beds - delayed[t]) * u.bed_day},
        {"cost_delayed_bed_days", delayed[t] * u.delayed_bed_day},
        {"cost_a_and_e", attendances[t] * u.a_and_e_attendance},
        {"cost_gp", gp[t] * u.gp_appointment},
        {"cost_community", community[t] * u.community_contact},
        {"cost_crisis", crisis[t] * u.crisis_contact},
        {"cost_home_care",
         packages[t] * u.home_care_hours_per_week * u.home_care_package_weeks * u.home_care_hour},
        {"cost_care_home", (in_care[t] - interim[t]) * u.care_home_week / 7.0},
        {"cost_interim_care", interim[t] * u.interim_bed_day},
        {"cost_staff_replacement", replacement},
        {"cost_intervention_staff", staff_time}};
    double component_sum = 0.0;
    for (const auto& [name, value] : expected) {
      INFO(name);
      CHECK(components[name][t] == Approx(value).epsilon(1e-9).margin(1e-6));
      component_sum += components[name][t];
    }
    CHECK(system[t] == Approx(component_sum).epsilon(1e-12));
    CHECK(org_sum == Approx(system[t]).epsilon(1e-12));
    cumulative += system[t];
    CHECK(to_date[t] == Approx(cumulative).epsilon(1e-12));
    packages_seen += packages[t];
    // Staff time: the workshop's cohort of 45 for a day on day 5; the Open Space takes the same
    // people (those still in post) on day 6; only coaching sessions on days 8-27.
    if (t == 5) CHECK(staff_day_sum == 45.0);
    if (t == 6) CHECK(staff_day_sum == Approx(45.0).margin(2.0));
    if (t < 5 || t == 7 || t >= 28) CHECK(staff_day_sum == 0.0);
    if (t >= 8 && t < 28) coaching_days += staff_day_sum;
  }
  // Every component was exercised, so no identity above holds vacuously.
  CHECK(packages_seen > 0.0);
  CHECK(leavers_seen > 0.0);
  // Coaching: about share 0.1 of the acute and social-care staff in pairs, meeting
  // 2 sessions / 30 days, an hour each of two people: staff x 0.1 x 2/30 x 2/7.5 a day.
  double coached_staff = 0.0;
  for (std::size_t o = 0; o < O; ++o) {
    if (orgs.kind[o] == OrgKind::acute || orgs.kind[o] == OrgKind::social_care)
      coached_staff += orgs.staff_count[o];
  }
  const double expected_per_day = coached_staff * 0.1 * (2.0 / 30.0) * (2.0 / 7.5);
  INFO("coaching staff-days per day " << coaching_days / 20.0 << ", expected about "
                                      << expected_per_day);
  CHECK(coaching_days / 20.0 == Approx(expected_per_day).epsilon(0.25));
  // At one tenth of Leeds (about 81,000 residents) the system costs a few hundred thousand
  // pounds a day (measured: 242,900 on average over three years of the baseline).
  CHECK(system[10] > 1e5);
  CHECK(system[10] < 1e6);
}

TEST_CASE("costs: unit costs and utilities change no other output", "[costs]") {
  const int days = 30;
  Scenario cheap = with_interventions(leeds_small(days));
  Scenario dear = cheap;
  dear.costs.bed_day *= 3.0;
  dear.costs.a_and_e_attendance *= 2.0;
  dear.costs.home_care_hour *= 2.0;
  for (double& x : dear.costs.staff_day)
    x *= 2.0;
  for (double& x : dear.costs.replacement)
    x *= 2.0;
  dear.utilities.eq5d[0] = 0.5;
  Simulation a(cheap), b(dear);
  std::vector<double> row_a(a.layout().row_width()), row_b(b.layout().row_width());
  bool costs_differ = false;
  while (a.day() < days) {
    a.step();
    b.step();
    a.observe(row_a);
    b.observe(row_b);
    std::size_t offset = 0;
    for (const SeriesSpec& spec : a.layout().series) {
      const std::size_t width =
          spec.dimension < 0
              ? 1
              : a.layout().dimensions[static_cast<std::size_t>(spec.dimension)].labels.size();
      const bool accounting =
          spec.name.find("cost") != std::string::npos || spec.name == "qalys_per_day";
      for (std::size_t k = offset; k < offset + width; ++k) {
        if (accounting) {
          costs_differ = costs_differ || row_a[k] != row_b[k];
        } else {
          INFO(spec.name << " day " << a.day());
          REQUIRE(row_a[k] == row_b[k]);
        }
      }
      offset += width;
    }
  }
  CHECK(costs_differ);
}

TEST_CASE("health outputs: deaths per 100,000, complex prevalence and QALYs from the health states",
          "[costs]") {
  const int days = 20;
  const Scenario s = leeds_small(days);
  Simulation sim(s);
  std::vector<double> row(sim.layout().row_width());
  const auto index = [&](const std::string& name) {
    std::size_t offset = 0;
    for (const SeriesSpec& spec : sim.layout().series) {
      if (spec.name == name) return offset;
      offset +=
          spec.dimension < 0
              ? 1
              : sim.layout().dimensions[static_cast<std::size_t>(spec.dimension)].labels.size();
    }
    FAIL("no series " << name);
    return offset;
  };
  const std::size_t deaths = index("deaths"), per_100k = index("deaths_per_100k"),
                    qalys = index("qalys_per_day"), complex = index("prevalence_complex");
  while (sim.day() < days) {
    sim.step();
    sim.observe(row);
    const CitizenStats counts = citizen_stats(sim.model(), sim.state());
    const double n = static_cast<double>(sim.state().citizens.size());
    CHECK(row[per_100k] == Approx(1e5 * row[deaths] / n).epsilon(1e-12));
    double q = 0.0;
    for (std::size_t h = 0; h < kHealthStateCount; ++h)
      q += counts.total[h] * s.utilities.eq5d[h];
    CHECK(row[qalys] == Approx(q / 365.25).epsilon(1e-12));
    CHECK(row[complex] == Approx(counts.total[static_cast<std::size_t>(Health::complex)] / n));
    // Everyone lives a day of at most full health and at least the worst state's.
    CHECK(row[qalys] < n / 365.25);
    CHECK(row[qalys] > 0.4 * n / 365.25);
  }
}

TEST_CASE(
    "costs: compared with the baseline, Leeds's programme costs staff time and stronger "
    "coordination saves bed days, each with a paired interval",
    "[costs][compare][asan_slow]") {
  test::TempDir dir;
  const auto base = test::scenario_path("what-if/baseline.yaml");
  const auto programme = test::scenario_path("what-if/leeds_programme.yaml");
  const std::string text = read_text(base);
  const std::vector<ensemble::CompareArm> arms{
      {"baseline", {text, base.string()}},
      {"programme", {read_text(programme), programme.string()}},
      {"coordination", {text + "\ncoordination: {base: 0.3}\n", base.string()}}};
  ensemble::CompareOptions o;
  o.replicates = 6;  // 3 left the coordination saving unresolved (CI, 5 December 2026)
  o.days = 420;  // the programme's first wave starts on day 340 (2018-03-07)
  o.threads = 2;
  o.scratch = dir / "runs";
  const ensemble::Comparison c = ensemble::run_comparison(arms, o);
  REQUIRE(complete(c));
  INFO(ensemble::format_comparison(c));
  std::size_t cost = c.metric_count(), to_date = c.metric_count();
  for (std::size_t m = 0; m < c.metric_count(); ++m) {
    if (c.metrics[m] == "system_cost_per_day") cost = m;
    if (c.metrics[m] == "system_cost_to_date") to_date = m;
  }
  REQUIRE(cost < c.metric_count());
  REQUIRE(to_date < c.metric_count());
  // The programme's staff time, from each pair of run files: the workshops and their follow-ons
  // take staff-days from day 340 on, none before.
  const auto R = static_cast<std::size_t>(o.replicates);
  std::vector<double> extra(R);
  for (std::size_t r = 0; r < R; ++r) {
    const io::netcdf::Reader a(c.run_files[r]), b(c.run_files[R + r]);
    const auto base_staff = a.read_doubles("cost_intervention_staff");
    const auto prog_staff = b.read_doubles("cost_intervention_staff");
    double total = 0.0;
    for (std::size_t t = 0; t < base_staff.size(); ++t) {
      CHECK(base_staff[t] == 0.0);
      if (t < 340) CHECK(prog_staff[t] == 0.0);
      total += prog_staff[t];
    }
    extra[r] = total;
  }
  const auto staff = analysis::mean_interval(extra);
  INFO("programme staff time to day 420: " << staff.mean << " GBP [" << staff.low << ", "
                                           << staff.high << "]");
  CHECK(staff.low > 0.0);
  // Stronger coordination clears delayed discharges faster: fewer bed days to pay for.
  const std::size_t i = cost * 3 + 2;
  INFO("coordination: system cost per day " << c.diff[i] << " [" << c.diff_low[i] << ", "
                                            << c.diff_high[i] << "]");
  CHECK(c.diff_high[i] < 0.0);
  // The cumulative total on the last day is the sum of the daily differences.
  const std::size_t last = (2 * c.metric_count() + to_date) * 420 + 419;
  double summed = 0.0;
  for (std::size_t t = 0; t < 420; ++t)
    summed += c.daily_diff[(2 * c.metric_count() + cost) * 420 + t];
  CHECK(c.daily_diff[last] == Approx(summed).epsilon(1e-9));
}
