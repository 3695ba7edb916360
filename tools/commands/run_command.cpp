// caresim run: one scenario, one HDF5 file.
#include <fmt/format.h>

#include <atomic>
#include <csignal>
#include <filesystem>
#include <memory>
#include <optional>

#include "caresim/catalogue/run.hpp"
#include "caresim/scenario/load.hpp"
#include "command.hpp"

namespace caresim::cli {
namespace {

struct RunArgs {
  std::string scenario_path;
  std::string output;
  std::optional<std::uint64_t> seed;
  std::optional<int> steps;
  int threads = 0;
  std::vector<std::string> overrides;
  bool quiet = false;
};

void print_summary(const RunResult& r, const Scenario& s) {
  const char* status = r.status == RunStatus::finished ? "finished" : "interrupted";
  // A teaching model's clock is its own step, not a day, and it builds a model, not a city.
  const bool care = s.model == ModelKind::care;
  const char* tick = care ? "days" : "steps";
  fmt::print(
      "\ncaresim run of '{}': {} after {} of {} {} ({:.2f} s, {:.1f} {}/s; {} built in "
      "{:.2f} s)\n",
      s.name, status, r.steps, s.run.days, tick, r.seconds,
      r.seconds > 0 ? r.steps / r.seconds : 0.0, tick, care ? "city" : "model", r.build_seconds);
  fmt::print("output: {}\n\n", r.output.string());
  fmt::print("{:<30} {:>12} {:>12} {:>12} {:>12}  {}\n", "headline metric", "mean", "min", "max",
             "last", "units");
  for (const auto& h : r.headline) {
    fmt::print("{:<30} {:>12.4g} {:>12.4g} {:>12.4g} {:>12.4g}  {}\n", h.name, h.mean, h.min, h.max,
               h.last, h.units);
  }
  fmt::print("\ntime per phase:");
  for (const auto& [name, seconds] : r.phase_seconds)
    fmt::print("  {} {:.2f} s", name, seconds);
  fmt::print("\n");
}

int execute(RunArgs& a) {
  if (a.seed) a.overrides.push_back(fmt::format("run.seed={}", *a.seed));
  if (a.steps) a.overrides.push_back(fmt::format("run.days={}", *a.steps));

  Scenario scenario;
  try {
    scenario = load_scenario(a.scenario_path, a.overrides);
  } catch (const ScenarioError& e) {
    fmt::print(stderr, "caresim: error: {}\n", e.what());
    return kExitUsage;
  }

  const std::filesystem::path out = a.output.empty() ? std::filesystem::path(scenario.name + ".h5")
                                                     : std::filesystem::path(a.output);
  const std::filesystem::path parent =
      out.has_parent_path() ? out.parent_path() : std::filesystem::path(".");
  if (!std::filesystem::is_directory(parent)) {
    fmt::print(stderr, "caresim: error: {}: output directory does not exist\n", parent.string());
    return kExitUsage;
  }
  if (std::filesystem::is_directory(out)) {
    fmt::print(stderr, "caresim: error: {}: is a directory; expected an output file name\n",
               out.string());
    return kExitUsage;
  }

  Progress progress(!a.quiet, scenario.model == ModelKind::care ? "days" : "steps");
  RunOptions options;
  options.output = out;
  options.threads = a.threads;
  options.scenario_file = a.scenario_path;
  options.command_line = g_command_line;
  options.stop = &stop_signal();
  options.progress = [&](int done, int total) { progress(done, total); };

  stop_on_signals();
  RunResult result;
  try {
    result = run_scenario(scenario, options);
  } catch (const std::invalid_argument& e) {
    fmt::print(stderr, "caresim: error: {}: {}\n", a.scenario_path, e.what());
    return kExitUsage;
  } catch (const std::exception& e) {
    progress.finish_line();
    fmt::print(stderr,
               "caresim: error: the run failed: {}\n  (partial output, marked failed: {}.part)\n",
               e.what(), out.string());
    return kExitFailure;
  }
  if (result.status != RunStatus::finished) {
    progress.finish_line();
    fmt::print(stderr,
               "caresim: stopped by signal {} after {} days; {} is kept, marked unfinished\n",
               result.signal, result.steps, out.string());
  }
  if (!a.quiet) print_summary(result, scenario);
  return result.signal != 0 ? 128 + result.signal : kExitOk;
}

}  // namespace

void add_run_command(CLI::App& root, std::vector<Command>& commands) {
  auto args = std::make_shared<RunArgs>();
  CLI::App* run = root.add_subcommand("run", "Run one scenario and write its time series to HDF5");
  run->add_option("scenario", args->scenario_path, "Scenario YAML file")->required();
  run->add_option("-o,--output", args->output, "Output HDF5 file (default: <scenario name>.h5)");
  run->add_option("--seed", args->seed, "Run seed (overrides run.seed)");
  run->add_option("--threads", args->threads,
                  "Worker threads; 0 = all cores (results do not depend on it)")
      ->check(CLI::NonNegativeNumber);
  run->add_option("--steps", args->steps, "Days to simulate (overrides run.days)")
      ->check(CLI::PositiveNumber);
  run->add_option("--set", args->overrides,
                  "Override a scenario key, e.g. --set ties.reinforcement=0.1")
      ->type_name("KEY.PATH=VALUE");
  run->add_flag("-q,--quiet", args->quiet, "No progress and no summary");
  commands.push_back({run, [args] { return execute(*args); }});
}

void add_keys_command(CLI::App& root, std::vector<Command>& commands) {
  CLI::App* keys =
      root.add_subcommand("keys", "Print the reference of every scenario key (Markdown)");
  commands.push_back({keys, [] {
                        fmt::print("{}", scenario_reference_markdown());
                        return kExitOk;
                      }});
}

}  // namespace caresim::cli
