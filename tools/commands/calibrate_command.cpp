// caresim calibrate: history matching or ABC-SMC of a scenario's uncertain parameters against a
// targets file, on the ensemble runner (caresim/ensemble/calibrate.hpp, docs/calibration.md).
#include <fmt/format.h>
#include <unistd.h>

#include <chrono>

#include "caresim/ensemble/calibrate.hpp"
#include "caresim/ensemble/sweep.hpp"
#include "command.hpp"

namespace caresim::cli {
namespace {

struct CalibrateArgs {
  std::string spec;
  std::string output;
  int threads = 0;
  bool keep_runs = false;
  bool quiet = false;
};

int execute(const CalibrateArgs& a) {
  ensemble::CalibrationSpec spec;
  try {
    spec = ensemble::load_calibration_spec(a.spec);
  } catch (const ensemble::SweepError& e) {
    fmt::print(stderr, "caresim: error: {}\n", e.what());
    return kExitUsage;
  }
  ensemble::CalibrationOptions options;
  if (!a.output.empty()) options.folder = a.output;
  options.keep_runs = a.keep_runs;
  options.runner.threads = a.threads;
  options.runner.command_line = g_command_line;
  stop_on_signals();
  options.runner.stop = &stop_signal();
  const auto start = std::chrono::steady_clock::now();
  const bool tty = isatty(STDERR_FILENO) == 1;
  if (!a.quiet) {
    options.progress = [start, tty](const std::string& stage, std::size_t done,
                                    std::size_t planned) {
      const double elapsed =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      const double left =
          done > 0 && planned > done
              ? elapsed * static_cast<double>(planned - done) / static_cast<double>(done)
              : 0.0;
      fmt::print(stderr, "{}caresim: {}: {} of ~{} runs, {} elapsed, ~{} left{}",
                 tty ? "\r\033[K" : "", stage, done, planned, format_duration(elapsed),
                 format_duration(left), tty ? "" : "\n");
      std::fflush(stderr);
    };
  }
  try {
    const ensemble::CalibrationResult result = ensemble::run_calibration(spec, options);
    if (!a.quiet && tty) fmt::print(stderr, "\n");
    fmt::print("{}", ensemble::calibration_report(result));
    const std::filesystem::path folder =
        a.output.empty() ? spec.output : std::filesystem::path(a.output);
    fmt::print("written to {}\n", (folder / "calibration.h5").string());
    return kExitOk;
  } catch (const ensemble::SweepError& e) {
    fmt::print(stderr, "caresim: error: {}\n", e.what());
    return kExitUsage;
  } catch (const std::exception& e) {
    if (stop_signal().load() != 0) {
      fmt::print(stderr,
                 "\ncaresim: interrupted; every finished run is cached, re-run the same "
                 "command to resume\n");
      return 128 + stop_signal().load();
    }
    fmt::print(stderr, "caresim: error: {}\n", e.what());
    return kExitFailure;
  }
}

}  // namespace

void add_calibrate_command(CLI::App& root, std::vector<Command>& commands) {
  auto args = std::make_shared<CalibrateArgs>();
  CLI::App* app = root.add_subcommand(
      "calibrate",
      "Calibrate a scenario's uncertain parameters to a targets file: history matching with "
      "Gaussian-process emulators, or ABC-SMC (docs/calibration.md). Resumable: re-run the same "
      "command after an interruption.");
  app->add_option("spec", args->spec, "the calibration spec (YAML)")
      ->required()
      ->check(CLI::ExistingFile);
  app->add_option("--output", args->output, "calibration folder (default: the spec's output)");
  app->add_option("--threads", args->threads, "worker threads (default: all cores)")
      ->check(CLI::NonNegativeNumber);
  app->add_flag("--keep-runs", args->keep_runs, "keep every run's file under FOLDER/runs");
  app->add_flag("--quiet", args->quiet, "no progress on stderr");
  commands.push_back({app, [args] { return execute(*args); }});
}

}  // namespace caresim::cli
