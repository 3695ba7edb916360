// caresim calibrate: history matching or ABC-SMC of a scenario's uncertain parameters against a
// targets file, on the ensemble runner (caresim/ensemble/calibrate.hpp, docs/calibration.md).
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>

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
  BackendArgs backend;
};

int execute(const CalibrateArgs& a) {
  // The backend first: under mpirun it starts MPI, and every rank follows the calibration.
  std::optional<ensemble::Backend> backend;
  try {
    backend.emplace(backend_options(a.backend));
  } catch (const std::invalid_argument& e) {
    fmt::print(stderr, "caresim: error: {}\n", e.what());
    return kExitUsage;
  }
  const bool root = backend->root();
  ensemble::CalibrationSpec spec;
  try {
    spec = ensemble::load_calibration_spec(a.spec);
  } catch (const ensemble::SweepError& e) {
    if (root) fmt::print(stderr, "caresim: error: {}\n", e.what());
    return kExitUsage;
  }
  ensemble::CalibrationOptions options;
  if (!a.output.empty()) options.folder = a.output;
  options.keep_runs = a.keep_runs;
  options.runner.threads = a.threads == 0 && backend->ranks() > 1 ? 1 : a.threads;
  options.backend = &*backend;
  options.task_command = {"calibrate", a.spec, "--output",
                          a.output.empty() ? spec.output.string() : a.output};
  if (a.keep_runs) options.task_command.push_back("--keep-runs");
  // --collect emits the next batch: the printed collect command carries the array's options.
  {
    const ensemble::SlurmOptions& slurm = backend->options().slurm;
    std::vector<std::string>& words = options.task_command;
    if (slurm.array_size > 0)
      words.insert(words.end(), {"--array-size", std::to_string(slurm.array_size)});
    words.insert(words.end(),
                 {"--cpus-per-task", std::to_string(slurm.cpus_per_task), "--time", slurm.time});
    if (!slurm.mem.empty()) words.insert(words.end(), {"--mem", slurm.mem});
    if (!slurm.partition.empty()) words.insert(words.end(), {"--partition", slurm.partition});
  }
  options.working_directory = std::filesystem::current_path();
  options.runner.command_line = g_command_line;
  stop_on_signals();
  options.runner.stop = &stop_signal();
  const auto start = std::chrono::steady_clock::now();
  const bool tty = isatty(STDERR_FILENO) == 1;
  if (!a.quiet && root) {
    // The methods report between batches; runs finishing inside a batch move the count on.
    struct Live {
      std::string stage;
      std::size_t done = 0, planned = 0, in_batch = 0;
    };
    const auto live = std::make_shared<Live>();
    const auto print = [start, tty, live] {
      const std::size_t done = live->done + live->in_batch;
      const std::size_t planned = std::max(live->planned, done);
      const double elapsed =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      const double left =
          done > 0 && planned > done
              ? elapsed * static_cast<double>(planned - done) / static_cast<double>(done)
              : 0.0;
      fmt::print(stderr, "{}caresim: {}: {} of ~{} runs, {} elapsed, ~{} left{}",
                 tty ? "\r\033[K" : "", live->stage, done, planned, format_duration(elapsed),
                 format_duration(left), tty ? "" : "\n");
      std::fflush(stderr);
    };
    options.progress = [live, print](const std::string& stage, std::size_t done,
                                     std::size_t planned) {
      *live = Live{stage, done, planned, 0};
      print();
    };
    options.runner.on_done = [live, print](const ensemble::RunOutcome&) {
      ++live->in_batch;
      print();
    };
  }
  try {
    const ensemble::CalibrationResult result = ensemble::run_calibration(spec, options);
    if (!a.quiet && tty && root) fmt::print(stderr, "\n");
    if (!root) return kExitOk;
    if (!result.finished) {
      // A batch on a Slurm array: say where it stands; --collect continues.
      if (result.batches_collected > 0) {
        fmt::print("collected {} batch{} of runs; the calibration continues with the next\n",
                   result.batches_collected, result.batches_collected == 1 ? "" : "es");
      }
      return report_stage(result.batch, "calibrate", spec.name, a.quiet);
    }
    fmt::print("{}", ensemble::calibration_report(result));
    const std::filesystem::path folder =
        a.output.empty() ? spec.output : std::filesystem::path(a.output);
    fmt::print("written to {}\n", (folder / "calibration.h5").string());
    return kExitOk;
  } catch (const ensemble::SweepError& e) {
    if (root) fmt::print(stderr, "caresim: error: {}\n", e.what());
    return kExitUsage;
  } catch (const ensemble::EnsembleError& e) {
    if (root) fmt::print(stderr, "caresim: error: {}\n", e.what());
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
      "command after an interruption. Each wave's (or generation's) batch of runs goes through "
      "the backend sweep uses: over MPI under mpirun, or as a Slurm array (--emit-slurm writes "
      "the first batch not yet run; when the array has run, --collect reads it back, continues "
      "and emits the next batch, until the calibration ends)");
  app->add_option("spec", args->spec, "the calibration spec (YAML)")
      ->required()
      ->check(CLI::ExistingFile);
  app->add_option("-o,--output", args->output, "calibration folder (default: the spec's output)");
  app->add_option("--threads", args->threads, "worker threads (default: all cores)")
      ->check(CLI::NonNegativeNumber);
  app->add_flag("--keep-runs", args->keep_runs, "keep every run's file under FOLDER/runs");
  app->add_flag("--quiet", args->quiet, "no progress on stderr");
  // Each wave's (or generation's) batch of runs goes through the backend `sweep` uses: over MPI
  // under mpirun, or as a Slurm array (--emit-slurm writes the first batch not yet run; after
  // the array, --collect reads it back, continues and emits the next batch).
  add_backend_options(app, args->backend);
  commands.push_back({app, [args] { return execute(*args); }});
}

}  // namespace caresim::cli
