#pragma once
// Helpers shared by the care model's tests that run the tenth-scale city and read its daily
// series: the scenario, every scalar series of a run by name, window means and slopes, and the
// 95% interval of independent replicates. (These were copied into six test files before.)

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "../support.hpp"
#include "caresim/care/simulation.hpp"
#include "caresim/scenario/load.hpp"

namespace caresim::test {

/// scenarios/leeds_small.yaml (Leeds at one tenth) run for `days`, from the city as built: no
/// warm-up (run.warm_up_days 0). The mechanism tests compare arms from day 0 of one city; the
/// tests of the baseline itself (calibration bands, at rest) use leeds_small_warm().
inline Scenario leeds_small(int days) {
  Scenario s = load_scenario(CARESIM_SOURCE_DIR "/scenarios/leeds_small.yaml");
  s.run.days = days;
  s.run.warm_up_days = 0;
  return s;
}

/// scenarios/leeds_small.yaml as a user runs it: with its warm-up (docs/model.md 3.4.1).
inline Scenario leeds_small_warm(int days) {
  Scenario s = load_scenario(CARESIM_SOURCE_DIR "/scenarios/leeds_small.yaml");
  s.run.days = days;
  return s;
}

/// Every scalar series of a run, by name, one value per day.
using Series = std::map<std::string, std::vector<double>>;

/// Runs `s` with `seed` to its last day and returns every scalar series (per-organisation and
/// per-neighbourhood series are skipped); `each_day`, if given, sees the simulation and the
/// series so far after each day.
inline Series run_series(Scenario s, std::uint64_t seed,
                         const std::function<void(const Simulation&, Series&)>& each_day = {},
                         const Scenario* warm_up_from = nullptr) {
  s.run.seed = seed;
  Simulation sim = warm_up_from != nullptr ? Simulation(s, *warm_up_from) : Simulation(s);
  Series out;
  std::vector<double> row(sim.layout().row_width());
  while (sim.day() < s.run.days) {
    sim.step();
    sim.observe(row);
    std::size_t offset = 0;
    for (const auto& spec : sim.layout().series) {
      if (spec.dimension < 0) {
        out[spec.name].push_back(row[offset++]);
      } else {
        offset += sim.layout().dimensions[static_cast<std::size_t>(spec.dimension)].labels.size();
      }
    }
    if (each_day) each_day(sim, out);
  }
  return out;
}

/// The offset of the scalar series `name` in an observed row of `sim`.
inline std::size_t series_column(const Simulation& sim, const std::string& name) {
  std::size_t offset = 0;
  for (const auto& spec : sim.layout().series) {
    if (spec.name == name) return offset;
    offset += spec.dimension < 0
                  ? 1
                  : sim.layout().dimensions[static_cast<std::size_t>(spec.dimension)].labels.size();
  }
  throw std::logic_error("no series " + name);
}

/// Mean of v over days [from, to).
inline double mean(const std::vector<double>& v, std::size_t from, std::size_t to) {
  if (v.size() < to || to <= from) throw std::logic_error("mean: window outside the series");
  double s = 0.0;
  for (std::size_t i = from; i < to; ++i)
    s += v[i];
  return s / static_cast<double>(to - from);
}

/// Least-squares slope of a daily series over days [from, to), per year.
inline double slope_per_year(const std::vector<double>& v, std::size_t from, std::size_t to) {
  const double t_mean = (static_cast<double>(from + to) - 1.0) / 2.0;
  const double y_mean = mean(v, from, to);
  double sxy = 0.0, sxx = 0.0;
  for (std::size_t i = from; i < to; ++i) {
    const double dt = static_cast<double>(i) - t_mean;
    sxy += dt * (v[i] - y_mean);
    sxx += dt * dt;
  }
  return 365.0 * sxy / sxx;
}

/// Mean and 95% half-width (Student t) of independent replicates.
inline PairedDifference interval(const std::vector<double>& x) {
  return paired_difference(std::vector<double>(x.size(), 0.0), x);
}

}  // namespace caresim::test
