// The backend options shared by sweep, compare and chaos, and what their stages print.
#include <fmt/format.h>

#include <filesystem>
#include <stdexcept>

#include "command.hpp"

namespace caresim::cli {

std::string self_path() {
  std::error_code ec;
  const auto path = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? std::string("caresim") : path.string();
}

void add_backend_options(CLI::App* app, BackendArgs& args) {
  app->add_flag("--emit-slurm", args.emit_slurm,
                "Write a Slurm array script and task map (in the runs folder) and run nothing");
  app->add_option("--array-size", args.array_size, "Slurm array tasks (default: 1 per 64 runs)")
      ->check(CLI::PositiveNumber);
  app->add_option("--cpus-per-task", args.cpus_per_task, "Slurm CPUs per array task")
      ->check(CLI::PositiveNumber);
  app->add_option("--time", args.time, "Slurm time limit per task, e.g. 02:00:00");
  app->add_option("--mem", args.mem, "Slurm memory per task, e.g. 4G");
  app->add_option("--partition", args.partition, "Slurm partition");
  app->add_option("--task", args.task, "Run one Slurm array task's share of the runs")
      ->check(CLI::NonNegativeNumber);
  app->add_flag("--collect", args.collect,
                "Run nothing: read the array tasks' records and write the results");
}

ensemble::BackendOptions backend_options(const BackendArgs& a) {
  using ensemble::BackendMode;
  if (static_cast<int>(a.emit_slurm) + static_cast<int>(a.task.has_value()) +
          static_cast<int>(a.collect) >
      1) {
    throw std::invalid_argument("--emit-slurm, --task and --collect: expected at most one of them");
  }
  ensemble::BackendOptions options;
  options.mode = a.emit_slurm ? BackendMode::emit_slurm
                 : a.task     ? BackendMode::slurm_task
                 : a.collect  ? BackendMode::collect
                              : BackendMode::automatic;
  options.task = a.task.value_or(-1);
  options.slurm.array_size = a.array_size;
  options.slurm.cpus_per_task = a.cpus_per_task;
  options.slurm.time = a.time;
  options.slurm.mem = a.mem;
  options.slurm.partition = a.partition;
  options.slurm.binary = self_path();
  return options;
}

int report_stage(const ensemble::EnsembleResult& r, std::string_view command, std::string_view name,
                 bool quiet) {
  using ensemble::EnsembleStage;
  switch (r.stage) {
    case EnsembleStage::done:
      return -1;
    case EnsembleStage::other_rank:
      return kExitOk;
    case EnsembleStage::emitted:
      fmt::print("wrote {} ({} runs in {} array tasks) and {}\n", r.script.string(), r.runs,
                 r.array_size, (r.script.parent_path() / "tasks.tsv").string());
      fmt::print("submit:  sbatch {}\nthen:    {}\n", r.script.string(), r.collect_command);
      return kExitOk;
    case EnsembleStage::task_done:
      if (!quiet) {
        fmt::print("caresim {} '{}': task ran {} runs ({} failed)\n", command, name, r.ran,
                   r.failed);
      }
      return r.failed > 0 ? kExitFailure : kExitOk;
    case EnsembleStage::not_done:
      if (stop_signal().load() != 0) {
        fmt::print(stderr, "caresim: {} stopped by signal {}\n", command, stop_signal().load());
        return 128 + stop_signal().load();
      }
      if (!r.resubmit_tasks.empty()) {
        fmt::print(stderr,
                   "caresim: {} of {} runs are not done (first: {}); they belong to array "
                   "task{} {}: resubmit them with\n  {}\nand collect again when they are done\n",
                   r.missing_count, r.runs, fmt::join(r.missing, ", "),
                   r.resubmit_tasks.size() == 1 ? "" : "s", fmt::join(r.resubmit_tasks, ", "),
                   r.resubmit);
        return kExitFailure;
      }
      fmt::print(stderr,
                 "caresim: {} of {} runs are not done (first: {}); re-run the same command "
                 "to finish them\n",
                 r.missing_count, r.runs, fmt::join(r.missing, ", "));
      return kExitFailure;
  }
  return kExitFailure;
}

}  // namespace caresim::cli
