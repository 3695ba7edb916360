// A baseline at rest (issue 11 item 5, docs/model.md 3.4 and 3.20): with no interventions the
// trend of every headline series over years 2-3 is within noise. Eight replicates of the Leeds
// baseline at one tenth scale, three years each; per series the change of the annual mean from
// year 2 to year 3 relative to the series' mean (a slope per year), with a 95% t interval across
// replicates.
#include <catch2/catch.hpp>
#include <cmath>
#include <map>
#include <string>

#include "../support.hpp"
#include "caresim/scenario/load.hpp"

using namespace caresim;

namespace {

constexpr int kDays = 1095, kFrom = 365;  // years 2-3: days 365-1094
constexpr std::uint64_t kSeeds[] = {61, 62, 63, 64, 65, 66, 67, 68};

/// The headline series the test holds at rest.
const std::vector<std::string>& headline() {
  static const std::vector<std::string> names = {
      "a_and_e_4h",         "bed_occupancy",    "a_and_e_attendances_per_100k",
      "prevalence_ltc",     "prevalence_complex", "mean_energy",
      "leavers",            "gp_mean_wait_days", "delayed_discharges",
      "in_care",            "social_care_budget_ratio", "coordination_success_rate",
      "cross_org_strength_share", "system_minded_share"};
  return names;
}

/// Series that still drift (docs/model.md 3.20, "Known gaps"): measured and printed by the test,
/// not held to the tolerance. None since the warm-up (run.warm_up_days): without it the
/// cross-organisation share of tie strength grew 29% a year through the coordination loop.
const std::vector<std::string>& still_drifting() {
  static const std::vector<std::string> names = {};
  return names;
}

/// Relative trend per year over days 365-1094: the mean of year 3 less the mean of year 2, over
/// the mean of both. Whole years cancel the seasons: a least-squares line through two winters of
/// daily values picks up the seasonal cycle's phase (A&E attendances +6% a year on a flat
/// series), the difference of annual means does not.
double relative_slope(const std::vector<double>& y) {
  const std::size_t half = y.size() / 2;
  double first = 0, second = 0;
  for (std::size_t i = 0; i < half; ++i)
    first += y[i] / static_cast<double>(half);
  for (std::size_t i = half; i < 2 * half; ++i)
    second += y[i] / static_cast<double>(half);
  const double mean = 0.5 * (first + second);
  return mean != 0.0 ? (second - first) / mean : 0.0;
}

/// Relative slopes of the headline series of one replicate.
std::map<std::string, double> slopes(std::uint64_t seed) {
  Scenario s = load_scenario(CARESIM_SOURCE_DIR "/scenarios/leeds_small.yaml");
  s.run.days = kDays;
  s.run.seed = seed;
  Simulation sim(s);
  std::vector<double> row(sim.layout().row_width());
  std::map<std::string, std::size_t> column;
  std::size_t offset = 0;
  for (const auto& spec : sim.layout().series) {
    column[spec.name] = offset;
    offset += spec.dimension < 0
                  ? 1
                  : sim.layout().dimensions[static_cast<std::size_t>(spec.dimension)].labels.size();
  }
  std::map<std::string, std::vector<double>> series;
  while (sim.day() < kDays) {
    const int day = sim.day();
    sim.step();
    sim.observe(row);
    if (day < kFrom) continue;
    for (const auto* names : {&headline(), &still_drifting()})
      for (const std::string& name : *names)
        series[name].push_back(row[column.at(name)]);
  }
  std::map<std::string, double> out;
  for (const auto& [name, values] : series)
    out[name] = relative_slope(values);
  return out;
}

}  // namespace

TEST_CASE("validation: the Leeds baseline is at rest over years 2-3", "[validation]") {
  // Tolerance: 3% a year relative to the series' mean. The shocks and seasons of one replicate
  // leave a slope of a few per cent a year in the noisiest series (delayed discharges, GP wait)
  // that eight replicates cannot resolve; a drift below 3% a year moves a series by less than
  // its calibration band's width over the three years of a what-if run. Before the population
  // turnover (main, December 2026) LTC prevalence rose 2.8% a year, complex 4.5%, the
  // cross-organisation share 28.5%, and 4-hour performance fell 14.8% a year.
  constexpr double kTolerance = 0.03;
  // Slow, wandering series: every replicate branches from the one warmed-up city (3.4.1), so the
  // replicates' interval covers only what happens after that shared state, not where in its own
  // slow fluctuation the city happened to be. The system-minded share (about 0.05) wanders by
  // 4.1% a year (sd of the year-on-year change in years 11-20 of two 20-year histories, seeds 61
  // and 62, 5 December 2026; mean -1.3% a year): it is held to twice that (docs/model.md 3.20).
  const std::map<std::string, double> wandering = {{"system_minded_share", 0.082}};
  std::map<std::string, std::vector<double>> all;
  for (std::uint64_t seed : kSeeds) {
    for (const auto& [name, slope] : slopes(seed))
      all[name].push_back(slope);
  }
  for (const std::string& name : headline()) {
    const auto& v = all[name];
    const auto d = test::paired_difference(std::vector<double>(v.size(), 0.0), v);
    WARN(name << ": relative slope " << d.mean << " +- " << d.half_width << " a year");
    INFO(name << ": relative slope " << d.mean << " +- " << d.half_width << " a year");
    const double tolerance = wandering.contains(name) ? wandering.at(name) : kTolerance;
    CHECK((d.low() <= 0.0 && d.high() >= 0.0 || std::abs(d.mean) < tolerance));
  }
  for (const std::string& name : still_drifting()) {
    const auto& v = all[name];
    const auto d = test::paired_difference(std::vector<double>(v.size(), 0.0), v);
    WARN("still drifting (known gap): " << name << ": relative slope " << d.mean << " +- "
                                        << d.half_width << " a year");
  }
}
