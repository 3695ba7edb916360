#include "caresim/ensemble/runner.hpp"

#include <oneapi/tbb/global_control.h>
#include <oneapi/tbb/info.h>
#include <oneapi/tbb/parallel_for.h>

#include <charconv>
#include <chrono>
#include <cmath>
#include <limits>
#include <mutex>
#include <optional>
#include <stdexcept>

#include "caresim/catalogue/run.hpp"
#include "caresim/scenario/load.hpp"

namespace caresim::ensemble {

std::string format_exact(double value) {
  // The sign of a NaN is kept: a manifest must give back the very bytes a run produced.
  if (std::isnan(value)) return std::signbit(value) ? "-nan" : "nan";
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  char buf[32];
  const auto result = std::to_chars(buf, buf + sizeof buf, value);
  return std::string(buf, result.ptr);
}

double parse_exact(std::string_view text) {
  if (text == "nan") return std::numeric_limits<double>::quiet_NaN();
  if (text == "-nan") return -std::numeric_limits<double>::quiet_NaN();
  if (text == "inf") return std::numeric_limits<double>::infinity();
  if (text == "-inf") return -std::numeric_limits<double>::infinity();
  double value = 0.0;
  const auto result = std::from_chars(text.data(), text.data() + text.size(), value);
  if (result.ec != std::errc{} || result.ptr != text.data() + text.size()) {
    throw std::invalid_argument("not a number: '" + std::string(text) + "'");
  }
  return value;
}

RunOutcome execute_run(const BaseScenario& base, const PlannedRun& run,
                       std::span<const MetricSpec> metrics, const RunnerOptions& options) {
  using clock = std::chrono::steady_clock;
  const auto start = clock::now();
  RunOutcome outcome;
  outcome.id = run.id;
  try {
    const Scenario scenario = parse_scenario(base.yaml_text, base.source_name, run.overrides);
    MetricAccumulator accumulator(metrics, scenario.run.days);
    RunOptions run_options;
    run_options.output = run.output;
    run_options.threads = options.threads;
    run_options.limit_threads = false;
    run_options.scenario_file = base.source_name;
    run_options.command_line = options.command_line;
    run_options.stop = options.stop;
    run_options.series = options.keep_series;
    run_options.on_row = [&](const RunLayout& layout, std::int32_t day,
                             std::span<const double> row) {
      if (!accumulator.bound()) accumulator.bind(layout);
      if (options.keep_layout && outcome.layout.series.empty()) outcome.layout = layout;
      accumulator.add(day, row);
    };
    std::vector<double> extra;
    if (options.on_step) {
      run_options.on_step = [&](const Simulator& sim) { options.on_step(run, sim, extra); };
    }
    std::optional<io::Checkpoint> saved;
    if (!options.start_from.empty()) {
      saved = io::read_checkpoint(options.start_from);
      run_options.start_from = &*saved;
    }
    const RunResult result = run_scenario(scenario, run_options);
    outcome.status = result.status;
    outcome.sim_seconds = result.seconds;
    outcome.metrics = accumulator.values();
    if (options.keep_layout) {
      for (const HeadlineSummary& h : result.headline)
        outcome.headline.push_back(h.name);
    }
    if (options.on_step) {
      extra.resize(options.extra_metrics, std::numeric_limits<double>::quiet_NaN());
      outcome.metrics.insert(outcome.metrics.end(), extra.begin(), extra.end());
    }
  } catch (const std::exception& e) {
    outcome.status = RunStatus::failed;
    outcome.error = e.what();
    outcome.metrics.assign(metrics.size() + (options.on_step ? options.extra_metrics : 0),
                           std::numeric_limits<double>::quiet_NaN());
  }
  outcome.seconds = std::chrono::duration<double>(clock::now() - start).count();
  return outcome;
}

std::vector<RunOutcome> run_local(const BaseScenario& base, std::span<const PlannedRun> runs,
                                  std::span<const MetricSpec> metrics,
                                  const RunnerOptions& options) {
  for (const PlannedRun& run : runs) {
    if (run.base != 0) throw std::out_of_range("run_local: a run names a base other than 0");
  }
  return run_local(std::span<const BaseScenario>(&base, 1), runs, metrics, options);
}

std::vector<RunOutcome> run_local(std::span<const BaseScenario> bases,
                                  std::span<const PlannedRun> runs,
                                  std::span<const MetricSpec> metrics,
                                  const RunnerOptions& options) {
  for (const PlannedRun& run : runs) {
    if (run.base >= bases.size()) {
      throw std::out_of_range("run_local: run " + std::to_string(run.id) + " names base " +
                              std::to_string(run.base) + " of " + std::to_string(bases.size()));
    }
  }
  const int threads = options.threads > 0 ? options.threads : tbb::info::default_concurrency();
  tbb::global_control control(tbb::global_control::max_allowed_parallelism,
                              static_cast<std::size_t>(threads));
  std::vector<RunOutcome> outcomes(runs.size());
  std::mutex done_mutex;
  // One run per task: runs differ in length, so TBB's work stealing balances them; each run's
  // own parallel phases nest inside the same arena.
  tbb::parallel_for(
      tbb::blocked_range<std::size_t>(0, runs.size(), 1),
      [&](const tbb::blocked_range<std::size_t>& range) {
        for (std::size_t i = range.begin(); i != range.end(); ++i) {
          if (options.stop != nullptr && options.stop->load() != 0) {
            outcomes[i].id = runs[i].id;
            outcomes[i].status = RunStatus::interrupted;
            outcomes[i].metrics.assign(
                metrics.size() + (options.on_step ? options.extra_metrics : 0),
                std::numeric_limits<double>::quiet_NaN());
            continue;
          }
          outcomes[i] = execute_run(bases[runs[i].base], runs[i], metrics, options);
          if (options.on_done) {
            const std::lock_guard lock(done_mutex);
            options.on_done(outcomes[i]);
          }
        }
      },
      tbb::simple_partitioner{});
  return outcomes;
}

}  // namespace caresim::ensemble
