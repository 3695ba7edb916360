// caresim sweep: many runs of one scenario over a design, on this machine, over MPI, or as a
// Slurm array; one summary file at the end. The work is in caresim/ensemble/.
#include <fmt/format.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <optional>

#include "caresim/ensemble/sweep.hpp"
#include "command.hpp"

namespace caresim::cli {
namespace {

using namespace caresim::ensemble;

struct SweepArgs {
  std::string spec;
  std::string output;
  int threads = -1;  // -1: all cores locally, one per rank under MPI
  BackendArgs backend;
  bool quiet = false;
  bool force_resume = false;
  std::string status;  ///< --status FOLDER: report and run nothing
};

int execute(const SweepArgs& a) {
  if (!a.status.empty()) {
    try {
      fmt::print("{}", format_status(sweep_status(a.status)));
      return kExitOk;
    } catch (const std::exception& e) {
      fmt::print(stderr, "caresim: error: {}\n", e.what());
      return kExitUsage;
    }
  }
  if (a.spec.empty()) {
    fmt::print(stderr, "caresim: error: sweep: expected a spec file (or --status FOLDER)\n");
    return kExitUsage;
  }
  std::optional<Backend> backend;
  try {
    backend.emplace(backend_options(a.backend));
  } catch (const std::invalid_argument& e) {
    fmt::print(stderr, "caresim: error: {}\n", e.what());
    return kExitUsage;
  }
  SweepPlan plan;
  try {
    const SweepSpec spec = load_sweep_spec(a.spec);
    plan = plan_sweep(
        spec, a.output.empty() ? std::nullopt : std::optional<std::filesystem::path>(a.output));
  } catch (const SweepError& e) {
    if (backend->root()) fmt::print(stderr, "caresim: error: {}\n", e.what());
    return kExitUsage;
  }

  stop_on_signals();
  RunnerOptions options;
  options.threads = a.threads >= 0 ? a.threads : (backend->ranks() > 1 ? 1 : 0);
  options.stop = &stop_signal();
  options.command_line = g_command_line;
  std::size_t completed = 0;
  const bool mode_runs = backend->options().mode == BackendMode::automatic ||
                         backend->options().mode == BackendMode::slurm_task;
  Progress progress(!a.quiet && backend->root() && mode_runs, "runs");
  if (!a.quiet && backend->root() && mode_runs) {
    fmt::print(stderr, "caresim: sweep '{}': {} runs{}\n", plan.spec.name, plan.runs.size(),
               backend->ranks() > 1 ? fmt::format(", over {} MPI ranks", backend->ranks())
                                    : std::string());
  }
  options.on_done = [&](const RunOutcome& o) {
    if (o.status == RunStatus::failed && backend->ranks() == 1) {
      fmt::print(stderr, "caresim: run {} failed: {}\n", o.id, o.error);
    }
    progress(static_cast<int>(++completed), static_cast<int>(plan.runs.size()));
  };

  EnsembleResult result;
  try {
    result = run_sweep(*backend, plan, options, a.force_resume);
  } catch (const EnsembleError& e) {
    fmt::print(stderr, "caresim: error: {}\n", e.what());
    return kExitUsage;
  } catch (const std::exception& e) {
    fmt::print(stderr, "caresim: error: writing the summary: {}\n", e.what());
    return kExitFailure;
  }
  if (const int code = report_stage(result, "sweep", plan.spec.name, a.quiet); code >= 0)
    return code;
  if (!a.quiet) {
    double seconds = 0.0, sim = 0.0;
    for (const RunOutcome& o : result.outcomes) {
      seconds += o.seconds;
      sim += o.sim_seconds;
    }
    fmt::print("caresim sweep '{}': {} runs ({} failed), summary {}\n", plan.spec.name,
               result.outcomes.size(), result.failed, summary_path(plan.folder).string());
    fmt::print("run time {:.2f} s in all, of which simulation {:.2f} s\n", seconds, sim);
  }
  return result.failed > 0 ? kExitFailure : kExitOk;
}

}  // namespace

void add_sweep_command(CLI::App& root, std::vector<Command>& commands) {
  auto args = std::make_shared<SweepArgs>();
  CLI::App* app = root.add_subcommand(
      "sweep",
      "Run a parameter sweep (docs/sweeps.md): locally, under mpirun, or as a Slurm array. "
      "Re-running the same command resumes it.");
  app->add_option("spec", args->spec, "sweep spec (YAML)")->check(CLI::ExistingFile);
  app->add_option("--status", args->status,
                  "Run nothing: total the sweep in FOLDER (done, running, failed, missing; per "
                  "Slurm array task, with the tasks to resubmit)")
      ->check(CLI::ExistingDirectory);
  app->add_flag("--force-resume", args->force_resume,
                "Resume a sweep whose runs so far were made by another build of caresim (the "
                "summary records each run's build)");
  app->add_option("-o,--output", args->output, "sweep folder (default: the spec's `output`)");
  app->add_option("--threads", args->threads,
                  "worker threads (per rank under MPI); 0 = all cores. Default: all cores "
                  "locally, 1 per MPI rank")
      ->check(CLI::NonNegativeNumber);
  add_backend_options(app, args->backend);
  app->add_flag("-q,--quiet", args->quiet, "no progress and no summary line");
  commands.push_back({app, [args] { return execute(*args); }});
}

}  // namespace caresim::cli
