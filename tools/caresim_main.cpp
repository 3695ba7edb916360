// caresim command line: parses arguments, calls caresim::core, reports. No model logic here.
#include <fmt/format.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <optional>

#include "caresim/engine/run.hpp"
#include "caresim/scenario/load.hpp"
#include "caresim/version.hpp"

namespace {

// Exit codes (documented in README.md and `caresim --help`).
constexpr int kExitOk = 0;
constexpr int kExitFailure = 1;  // the run failed while running (I/O error, internal error)
constexpr int kExitUsage = 2;    // bad command line, scenario or override; nothing was written

std::atomic<int> g_stop{0};

extern "C" void on_stop_signal(int signo) {
  g_stop.store(signo);
  // A second Ctrl-C kills at once.
  std::signal(signo, SIG_DFL);
}

std::string format_duration(double seconds) {
  const auto s = static_cast<long>(seconds + 0.5);
  return s >= 3600 ? fmt::format("{}:{:02d}:{:02d}", s / 3600, (s / 60) % 60, s % 60)
                   : fmt::format("{}:{:02d}", s / 60, s % 60);
}

/// Progress on stderr: a redrawn bar on a terminal, a plain line every 10% otherwise.
class Progress {
 public:
  explicit Progress(bool enabled) : enabled_(enabled), tty_(isatty(STDERR_FILENO) == 1) {}

  void operator()(int done, int total) {
    if (!enabled_) return;
    const auto now = std::chrono::steady_clock::now();
    const double elapsed = std::chrono::duration<double>(now - start_).count();
    const double rate = elapsed > 0 ? done / elapsed : 0.0;
    const double left = rate > 0 ? (total - done) / rate : 0.0;
    if (tty_) {
      if (done < total && now - last_ < std::chrono::milliseconds(100)) return;
      last_ = now;
      constexpr int kWidth = 30;
      const int filled = total > 0 ? done * kWidth / total : kWidth;
      fmt::print(stderr, "\r[{}{}] {}/{} days  {:.1f} days/s  {} left ", std::string(filled, '#'),
                 std::string(kWidth - filled, '.'), done, total, rate, format_duration(left));
      if (done == total) fmt::print(stderr, "\n");
    } else {
      const int decile = total > 0 ? done * 10 / total : 10;
      if (decile == last_decile_ && done != total) return;
      last_decile_ = decile;
      fmt::print(stderr, "caresim: {}/{} days ({}%), {:.1f} days/s, {} left\n", done, total,
                 total > 0 ? done * 100 / total : 100, rate, format_duration(left));
    }
    std::fflush(stderr);
  }

  void interrupted() const {
    if (enabled_ && tty_) fmt::print(stderr, "\n");
  }

 private:
  bool enabled_;
  bool tty_;
  int last_decile_ = 0;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
  std::chrono::steady_clock::time_point last_{};
};

void print_summary(const caresim::RunResult& r, const caresim::Scenario& s) {
  const char* status = r.status == caresim::io::RunStatus::finished ? "finished" : "interrupted";
  fmt::print(
      "\ncaresim run of '{}': {} after {} of {} days ({:.2f} s, {:.1f} days/s; city built "
      "in {:.2f} s)\n",
      s.name, status, r.steps, s.run.days, r.seconds, r.seconds > 0 ? r.steps / r.seconds : 0.0,
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

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "caresim: a parallel agent-based simulation of a city's health and care system.\n"
      "Exit codes: 0 finished; 1 the run failed while running; 2 bad command line, scenario or\n"
      "override (nothing written); 130/143 stopped by SIGINT/SIGTERM (the file is kept, marked\n"
      "unfinished).",
      "caresim"};
  app.set_version_flag("--version",
                       fmt::format("caresim {} (git {})", caresim::kVersion, caresim::kGitCommit));
  app.require_subcommand(1);

  std::string scenario_path;
  std::string output;
  std::optional<std::uint64_t> seed;
  std::optional<int> steps;
  int threads = 0;
  std::vector<std::string> overrides;
  bool quiet = false;

  CLI::App* run = app.add_subcommand("run", "Run one scenario and write its time series to HDF5");
  run->add_option("scenario", scenario_path, "Scenario YAML file")->required();
  run->add_option("-o,--output", output, "Output HDF5 file (default: <scenario name>.h5)");
  run->add_option("--seed", seed, "Run seed (overrides run.seed)");
  run->add_option("--threads", threads,
                  "Worker threads; 0 = all cores (results do not depend on it)")
      ->check(CLI::NonNegativeNumber);
  run->add_option("--steps", steps, "Days to simulate (overrides run.days)")
      ->check(CLI::PositiveNumber);
  run->add_option("--set", overrides, "Override a scenario key, e.g. --set ties.reinforcement=0.1")
      ->type_name("KEY.PATH=VALUE");
  run->add_flag("-q,--quiet", quiet, "No progress and no summary");

  CLI::App* keys =
      app.add_subcommand("keys", "Print the reference of every scenario key (Markdown)");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? kExitOk : kExitUsage;
  }

  if (*keys) {
    fmt::print("{}", caresim::scenario_reference_markdown());
    return kExitOk;
  }

  if (seed) overrides.push_back(fmt::format("run.seed={}", *seed));
  if (steps) overrides.push_back(fmt::format("run.days={}", *steps));

  caresim::Scenario scenario;
  try {
    scenario = caresim::load_scenario(scenario_path, overrides);
  } catch (const caresim::ScenarioError& e) {
    fmt::print(stderr, "caresim: error: {}\n", e.what());
    return kExitUsage;
  }

  const std::filesystem::path out =
      output.empty() ? std::filesystem::path(scenario.name + ".h5") : std::filesystem::path(output);
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

  std::string command_line;
  for (int i = 0; i < argc; ++i) {
    if (i > 0) command_line += ' ';
    command_line += argv[i];
  }

  Progress progress(!quiet);
  caresim::RunOptions options;
  options.output = out;
  options.threads = threads;
  options.scenario_file = scenario_path;
  options.command_line = command_line;
  options.stop = &g_stop;
  options.progress = [&](int done, int total) { progress(done, total); };

  std::signal(SIGINT, on_stop_signal);
  std::signal(SIGTERM, on_stop_signal);
  caresim::RunResult result;
  try {
    result = caresim::run_scenario(scenario, options);
  } catch (const std::invalid_argument& e) {
    fmt::print(stderr, "caresim: error: {}: {}\n", scenario_path, e.what());
    return kExitUsage;
  } catch (const std::exception& e) {
    progress.interrupted();
    fmt::print(stderr,
               "caresim: error: the run failed: {}\n  (partial output, marked failed: {}.part)\n",
               e.what(), out.string());
    return kExitFailure;
  }
  if (result.status != caresim::io::RunStatus::finished) {
    progress.interrupted();
    fmt::print(stderr,
               "caresim: stopped by signal {} after {} days; {} is kept, marked unfinished\n",
               result.signal, result.steps, out.string());
  }
  if (!quiet) print_summary(result, scenario);
  return result.signal != 0 ? 128 + result.signal : kExitOk;
}
