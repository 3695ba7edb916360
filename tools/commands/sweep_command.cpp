// caresim sweep: many runs of one scenario over a design, on this machine, over MPI, or as a
// Slurm array; one summary file at the end. The work is in caresim/ensemble/.
#include <fmt/format.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <optional>

#include "caresim/ensemble/mpi.hpp"
#include "caresim/ensemble/sweep.hpp"
#include "command.hpp"

namespace caresim::cli {
namespace {

using namespace caresim::ensemble;

struct SweepArgs {
  std::string spec;
  std::string output;
  int threads = -1;  // -1: all cores locally, one per rank under MPI
  bool emit_slurm = false;
  int array_size = 0;
  int cpus_per_task = 1;
  std::string time = "01:00:00";
  std::string mem;
  std::string partition;
  std::optional<int> task;
  bool collect = false;
  bool quiet = false;
};

std::string self_path() {
  std::error_code ec;
  const auto path = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? std::string("caresim") : path.string();
}

// Merges the manifest's finished runs with this process's outcomes (failures included).
std::vector<RunOutcome> merged(const SweepPlan& plan, std::vector<RunOutcome> done,
                               const std::vector<RunOutcome>& fresh) {
  for (const RunOutcome& o : fresh) {
    if (o.id < 0) continue;
    RunOutcome& slot = done[static_cast<std::size_t>(o.id)];
    if (slot.id < 0 || slot.status != RunStatus::finished) slot = o;
  }
  (void)plan;
  return done;
}

// Writes the summary if every run has ended; returns the exit code.
int finish(const SweepPlan& plan, const std::vector<RunOutcome>& all, bool quiet) {
  std::size_t missing = 0, failed = 0;
  std::vector<std::int64_t> missing_ids;
  for (std::size_t i = 0; i < all.size(); ++i) {
    if (all[i].id < 0 ||
        (all[i].status != RunStatus::finished && all[i].status != RunStatus::failed)) {
      ++missing;
      if (missing_ids.size() < 10) missing_ids.push_back(static_cast<std::int64_t>(i));
    } else if (all[i].status == RunStatus::failed) {
      ++failed;
    }
  }
  if (missing > 0) {
    fmt::print(stderr,
               "caresim: {} of {} runs are not done (first: {}); re-run the same command to "
               "finish them\n",
               missing, all.size(), fmt::join(missing_ids, ", "));
    return kExitFailure;
  }
  const auto path = summary_path(plan.folder);
  write_summary(plan, all, path);
  if (!quiet) {
    double seconds = 0.0, sim = 0.0;
    for (const RunOutcome& o : all) {
      seconds += o.seconds;
      sim += o.sim_seconds;
    }
    fmt::print("caresim sweep '{}': {} runs ({} failed), summary {}\n", plan.spec.name, all.size(),
               failed, path.string());
    fmt::print("run time {:.2f} s in all, of which simulation {:.2f} s\n", seconds, sim);
  }
  return failed > 0 ? kExitFailure : kExitOk;
}

int execute(const SweepArgs& a) {
  std::optional<mpi::Session> session;
  if (mpi::available() && mpi::launched() && !a.emit_slurm && !a.task && !a.collect) {
    session.emplace(nullptr, nullptr);
  }
  const bool root = !session || session->rank() == 0;

  SweepPlan plan;
  try {
    const SweepSpec spec = load_sweep_spec(a.spec);
    plan = plan_sweep(
        spec, a.output.empty() ? std::nullopt : std::optional<std::filesystem::path>(a.output));
  } catch (const SweepError& e) {
    if (root) fmt::print(stderr, "caresim: error: {}\n", e.what());
    return kExitUsage;
  }

  if (a.emit_slurm) {
    try {
      prepare_folder(plan);
      SlurmOptions options;
      options.array_size = a.array_size;
      options.cpus_per_task = a.cpus_per_task;
      options.time = a.time;
      options.mem = a.mem;
      options.partition = a.partition;
      options.binary = self_path();
      const auto script = emit_slurm(plan, options);
      fmt::print("wrote {} ({} runs in {} array tasks) and {}\n", script.string(), plan.runs.size(),
                 emitted_array_size(plan.folder), (plan.folder / "tasks.tsv").string());
      fmt::print("submit:  sbatch {}\nthen:    {} sweep {} --output {} --collect\n",
                 script.string(), self_path(), a.spec, plan.folder.string());
      return kExitOk;
    } catch (const SweepError& e) {
      fmt::print(stderr, "caresim: error: {}\n", e.what());
      return kExitUsage;
    }
  }

  // Only rank 0 touches the folder; the others learn from it whether to go on.
  std::vector<RunOutcome> done;
  std::vector<std::size_t> pending;
  int status = kExitOk;
  if (root) {
    try {
      prepare_folder(plan);
      done = read_manifests(plan);
      std::size_t first = 0, end = plan.runs.size();
      if (a.task) {
        const int tasks = emitted_array_size(plan.folder);
        if (*a.task < 0 || *a.task >= tasks) {
          throw SweepError(
              fmt::format("--task {}: expected a task in [0, {}] (tasks.tsv)", *a.task, tasks - 1));
        }
        std::tie(first, end) = task_share(plan.runs.size(), tasks, *a.task);
      }
      if (!a.collect) {
        for (std::size_t i = first; i < end; ++i) {
          if (done[i].id < 0 || done[i].status != RunStatus::finished) pending.push_back(i);
        }
      }
    } catch (const SweepError& e) {
      fmt::print(stderr, "caresim: error: {}\n", e.what());
      status = kExitUsage;
    }
  }
  if (session) status = session->broadcast(status);
  if (status != kExitOk) return status;

  stop_on_signals();
  RunnerOptions options;
  options.threads = a.threads >= 0 ? a.threads : (session ? 1 : 0);
  options.stop = &stop_signal();
  options.command_line = g_command_line;
  std::optional<ManifestWriter> manifest;
  std::size_t completed = 0;
  Progress progress(!a.quiet && root, "runs");
  const std::size_t total = pending.size();
  if (root && total > 0) {
    manifest.emplace(manifest_path(plan.folder, a.task), plan.hash, plan.spec.metrics.size());
    if (!a.quiet) {
      fmt::print(stderr, "caresim: sweep '{}': {} runs to do of {} ({} already done){}\n",
                 plan.spec.name, total, plan.runs.size(),
                 plan.runs.size() - total - (a.task ? plan.runs.size() - total : 0) * 0,
                 session ? fmt::format(", over {} MPI ranks", session->size()) : std::string());
    }
  }
  options.on_done = [&](const RunOutcome& o) {
    manifest->record(o);
    if (o.status == RunStatus::failed && !session) {
      fmt::print(stderr, "caresim: run {} failed: {}\n", o.id, o.error);
    }
    progress(static_cast<int>(++completed), static_cast<int>(total));
  };

  std::vector<RunOutcome> fresh;
  if (session) {
    fresh =
        mpi::run_distributed(*session, plan.base, plan.runs, pending, plan.spec.metrics, options);
  } else if (total > 0) {
    std::vector<PlannedRun> runs;
    for (std::size_t i : pending)
      runs.push_back(plan.runs[i]);
    fresh = run_local(plan.base, runs, plan.spec.metrics, options);
  }
  if (!root) return kExitOk;
  manifest.reset();

  if (stop_signal().load() != 0) {
    fmt::print(stderr, "caresim: sweep stopped by signal {}; re-run the same command to resume\n",
               stop_signal().load());
    return 128 + stop_signal().load();
  }
  if (a.task) {
    std::size_t failed = 0;
    for (const RunOutcome& o : fresh)
      failed += o.status == RunStatus::failed ? 1 : 0;
    if (!a.quiet) {
      fmt::print("caresim sweep '{}': task {} ran {} runs ({} failed)\n", plan.spec.name, *a.task,
                 fresh.size(), failed);
    }
    return failed > 0 ? kExitFailure : kExitOk;
  }
  try {
    return finish(plan, merged(plan, std::move(done), fresh), a.quiet);
  } catch (const std::exception& e) {
    fmt::print(stderr, "caresim: error: writing the summary: {}\n", e.what());
    return kExitFailure;
  }
}

}  // namespace

void add_sweep_command(CLI::App& root, std::vector<Command>& commands) {
  auto args = std::make_shared<SweepArgs>();
  CLI::App* app = root.add_subcommand(
      "sweep",
      "Run a parameter sweep (docs/sweeps.md): locally, under mpirun, or as a Slurm array. "
      "Re-running the same command resumes it.");
  app->add_option("spec", args->spec, "sweep spec (YAML)")->required()->check(CLI::ExistingFile);
  app->add_option("-o,--output", args->output, "sweep folder (default: the spec's `output`)");
  app->add_option("--threads", args->threads,
                  "worker threads (per rank under MPI); 0 = all cores. Default: all cores "
                  "locally, 1 per MPI rank")
      ->check(CLI::NonNegativeNumber);
  app->add_flag("--emit-slurm", args->emit_slurm,
                "write FOLDER/sweep.sbatch (an array job) and FOLDER/tasks.tsv, run nothing");
  app->add_option("--array-size", args->array_size, "Slurm array tasks (default: 1 per 64 runs)")
      ->check(CLI::PositiveNumber);
  app->add_option("--cpus-per-task", args->cpus_per_task, "Slurm CPUs per array task")
      ->check(CLI::PositiveNumber);
  app->add_option("--time", args->time, "Slurm time limit per task, e.g. 02:00:00");
  app->add_option("--mem", args->mem, "Slurm memory per task, e.g. 4G");
  app->add_option("--partition", args->partition, "Slurm partition");
  app->add_option("--task", args->task, "run one Slurm array task's share of the runs")
      ->check(CLI::NonNegativeNumber);
  app->add_flag("--collect", args->collect,
                "run nothing: merge the manifests of the tasks and write the summary");
  app->add_flag("-q,--quiet", args->quiet, "no progress and no summary line");
  commands.push_back({app, [args] { return execute(*args); }});
}

}  // namespace caresim::cli
