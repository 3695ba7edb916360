// caresim run: one scenario, one HDF5 file.
#include <fmt/format.h>

#include <atomic>
#include <charconv>
#include <csignal>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>

#include "caresim/core/progress.hpp"
#include "caresim/catalogue/run.hpp"
#include "caresim/io/checkpoint_file.hpp"
#include "caresim/io/run_file.hpp"
#include "caresim/scenario/load.hpp"
#include "command.hpp"

namespace caresim::cli {
namespace {

struct RunArgs {
  std::string scenario_path;
  std::string output;
  std::string seed;
  std::string steps;
  std::string threads;
  std::vector<std::string> overrides;
  bool quiet = false;
  std::string checkpoint_every;
  std::string resume;    // OUT.h5 of the run to continue from OUT.h5.ckpt
  std::string from;      // a checkpoint to branch from
  std::string from_day;  // the day the checkpoint must hold
};

void print_summary(const RunResult& r, const Scenario& s) {
  const char* status = r.status == RunStatus::finished ? "finished" : "interrupted";
  // A teaching model's clock is its own step, not a day, and it builds a model, not a city.
  const bool care = s.model == ModelKind::care;
  const char* tick = care ? "days" : "steps";
  fmt::print(
      "\ncaresim run of '{}': {} after {} of {} {} ({:.2f} s, {:.1f} {}/s; {} built{} in "
      "{:.2f} s)\n",
      s.name, status, r.steps, s.run.days, tick, r.seconds,
      r.seconds > 0 ? r.steps / r.seconds : 0.0, tick, care ? "city" : "model",
      care && s.run.warm_up_days > 0 ? fmt::format(" and warmed up for {} days", s.run.warm_up_days)
                                     : std::string(),
      r.build_seconds);
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
  std::optional<std::uint64_t> seed, steps, threads, checkpoint_every, from_day;
  try {
    if (!a.seed.empty()) seed = parse_count("--seed", a.seed, 0, UINT64_MAX);
    if (!a.steps.empty()) steps = parse_count("--steps", a.steps, 1, 36500);
    threads = a.threads.empty() ? 0 : parse_count("--threads", a.threads, 0, 4096);
    if (!a.checkpoint_every.empty())
      checkpoint_every = parse_count("--checkpoint-every", a.checkpoint_every, 1, 36500);
    if (!a.from_day.empty()) from_day = parse_count("--day", a.from_day, 0, 36500);
    if (!a.resume.empty() && (!a.scenario_path.empty() || !a.from.empty() || !a.overrides.empty() ||
                              seed || steps || !a.output.empty())) {
      throw std::invalid_argument(
          "--resume OUT.h5 continues the run saved in OUT.h5.ckpt with its own scenario and "
          "output: give no scenario, -o, --from, --set, --seed or --steps with it");
    }
    if (a.resume.empty() && a.scenario_path.empty())
      throw std::invalid_argument("a scenario file is required (or --resume OUT.h5)");
    if (from_day && a.from.empty()) throw std::invalid_argument("--day needs --from CHECKPOINT");
  } catch (const std::invalid_argument& e) {
    fmt::print(stderr, "caresim: error: {}\n", e.what());
    return kExitUsage;
  }
  if (seed) a.overrides.push_back(fmt::format("run.seed={}", *seed));
  if (steps) a.overrides.push_back(fmt::format("run.days={}", *steps));

  // --resume and --from start from a checkpoint (io/checkpoint_file.hpp).
  std::optional<io::Checkpoint> start;
  const std::string checkpoint_file = !a.resume.empty() ? a.resume + ".ckpt" : a.from;
  if (!checkpoint_file.empty()) {
    try {
      start = io::read_checkpoint(checkpoint_file);
    } catch (const std::exception& e) {
      fmt::print(stderr, "caresim: error: {}{}\n", e.what(),
                 a.resume.empty() ? ""
                                  : "; a run saves checkpoints with --checkpoint-every N (without "
                                    "one, run it again from the start)");
      return kExitUsage;
    }
    if (from_day && static_cast<std::int64_t>(*from_day) != start->day) {
      fmt::print(stderr, "caresim: error: --day {}: {} holds the state after day {}\n", *from_day,
                 checkpoint_file, start->day);
      return kExitUsage;
    }
  }

  Scenario scenario;
  try {
    scenario = !a.resume.empty() ? parse_scenario(start->scenario_yaml, checkpoint_file)
                                 : load_scenario(a.scenario_path, a.overrides);
  } catch (const ScenarioError& e) {
    fmt::print(stderr, "caresim: error: {}\n", e.what());
    return kExitUsage;
  }
  if (!a.resume.empty()) {
    a.scenario_path = start->scenario_file;
    if (!checkpoint_every && start->checkpoint_every > 0)
      checkpoint_every = static_cast<std::uint64_t>(start->checkpoint_every);
  }

  const std::filesystem::path out = !a.resume.empty() ? std::filesystem::path(a.resume)
                                    : a.output.empty()
                                        ? std::filesystem::path(default_output_name(scenario.name))
                                        : std::filesystem::path(a.output);
  if (!a.resume.empty()) {
    std::filesystem::path part = out;
    part += ".part";
    if (io::inspect_run_file(part) == io::RunFileState::running) {
      fmt::print(stderr,
                 "caresim: error: {} is being written by a process that is still running; "
                 "stop it before resuming\n",
                 part.string());
      return kExitUsage;
    }
  }
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
  if (!a.quiet && scenario.model == ModelKind::care && scenario.run.warm_up_days > 0 &&
      start == std::nullopt) {
    fmt::print(stderr,
               "caresim: warming up the city: {} days before {} with nothing scheduled (not "
               "written; run.warm_up_days, docs/model.md 3.4.1)\n",
               scenario.run.warm_up_days, scenario.run.start_date);
  }
  RunOptions options;
  options.output = out;
  options.threads = static_cast<int>(*threads);
  options.scenario_file = a.scenario_path;
  options.command_line = g_command_line;
  options.stop = &stop_signal();
  options.progress = [&](int done, int total) { progress(done, total); };
  options.checkpoint_every = checkpoint_every ? static_cast<int>(*checkpoint_every) : 0;
  options.start_from = start ? &*start : nullptr;
  options.on_saving = [](bool saving) { hold_watchdog(saving); };
  if (!a.quiet) {
    options.on_checkpoint = [&](int day, std::uintmax_t bytes, double seconds) {
      progress.finish_line();
      fmt::print(stderr, "caresim: checkpoint after day {}: {:.1f} MB in {:.2f} s\n", day,
                 static_cast<double>(bytes) / 1e6, seconds);
    };
  }

  stop_on_signals();
  // The warm-up's days (before the run's own progress starts).
  Progress warming(!a.quiet, "days");
  const ProgressScope warm_up_progress(
      [&](std::string_view, int done, int total) { warming(done, total); });
  RunResult result;
  try {
    result = run_scenario(scenario, options);
  } catch (const std::invalid_argument& e) {
    fmt::print(stderr, "caresim: error: {}: {}\n", a.scenario_path, e.what());
    return kExitUsage;
  } catch (const std::exception& e) {
    progress.finish_line();
    std::filesystem::path part = out;
    part += ".part";
    std::error_code ignored;
    fmt::print(stderr, "caresim: error: the run failed: {}\n  ({})\n", e.what(),
               std::filesystem::exists(part, ignored)
                   ? "partial output, marked failed: " + part.string()
                   : std::string("no output was written"));
    return kExitFailure;
  }
  if (result.status != RunStatus::finished) {
    progress.finish_line();
    if (result.output.empty()) {
      fmt::print(stderr, "caresim: stopped by signal {} before the first day; nothing written\n",
                 result.signal);
      return 128 + result.signal;
    }
    fmt::print(stderr,
               "caresim: stopped by signal {} after {} days; {} is kept, marked interrupted{}\n",
               result.signal, result.steps, result.output.string(),
               std::filesystem::exists(out) ? " (" + out.string() + " is untouched)" : "");
    if (result.checkpoint_day >= 0) {
      fmt::print(stderr,
                 "caresim: state saved after day {}; continue with: caresim run --resume {}\n",
                 result.checkpoint_day, out.string());
    }
  }
  if (!a.quiet) print_summary(result, scenario);
  return result.signal != 0 ? 128 + result.signal : kExitOk;
}

}  // namespace

std::uint64_t parse_count(std::string_view option, std::string_view text, std::uint64_t lo,
                          std::uint64_t hi) {
  std::uint64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc() || end != text.data() + text.size() || value < lo ||
      value > hi) {
    throw std::invalid_argument(
        fmt::format("{}: expected a whole number from {} to {}, got '{}'", option, lo, hi, text));
  }
  return value;
}

std::string default_output_name(const std::string& scenario_name) {
  // The name comes from the scenario file: keep the default output in the working directory.
  std::string stem;
  for (const char c : scenario_name)
    stem += (c == '/' || c == '\\') ? '_' : c;
  if (stem.empty() || stem == "." || stem == "..") stem = "caresim-run";
  if (stem.front() == '.') stem.front() = '_';
  return stem + ".h5";
}

void add_run_command(CLI::App& root, std::vector<Command>& commands) {
  auto args = std::make_shared<RunArgs>();
  CLI::App* run = root.add_subcommand("run", "Run one scenario and write its time series to HDF5");
  run->add_option("scenario", args->scenario_path, "Scenario YAML file (not with --resume)");
  run->add_option("-o,--output", args->output, "Output HDF5 file (default: <scenario name>.h5)");
  // Taken as text and checked by parse_count: CLI11 would wrap -1 to 2^64-1 and print ranges
  // such as "0.000000 to 1.79769e308".
  run->add_option("--seed", args->seed, "Run seed (overrides run.seed)")->type_name("UINT64");
  run->add_option("--threads", args->threads,
                  "Worker threads; 0 = all cores (results do not depend on it)")
      ->type_name("0..4096");
  run->add_option("--steps", args->steps, "Days to simulate (overrides run.days)")
      ->type_name("1..36500");
  run->add_option("--set", args->overrides,
                  "Override a scenario key, e.g. --set ties.reinforcement=0.1")
      ->type_name("KEY.PATH=VALUE");
  run->add_flag("-q,--quiet", args->quiet, "No progress and no summary");
  run->add_option("--checkpoint-every", args->checkpoint_every,
                  "Save the whole state to OUT.h5.ckpt every N days, on SIGINT/SIGTERM and at "
                  "the end")
      ->type_name("DAYS");
  run->add_option("--resume", args->resume,
                  "Continue the run whose output is OUT.h5 from OUT.h5.ckpt (same output, bit "
                  "for bit, as if it had not stopped)")
      ->type_name("OUT.h5");
  run->add_option("--from", args->from,
                  "Start SCENARIO from a saved state (a .ckpt of the same city), keeping its "
                  "days so far")
      ->type_name("CHECKPOINT");
  run->add_option("--day", args->from_day, "With --from: the day the checkpoint must hold")
      ->type_name("DAY");
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
