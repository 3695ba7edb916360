#pragma once
// One backend for every command that runs many runs (`sweep`, `compare`, `chaos`): a plan of
// runs (base scenarios, overrides, seeds) carried out on this machine, over MPI when the process
// was started by mpirun or srun, or as a Slurm array (emit the script, run one task's share,
// collect). The choice is made here and nowhere else; the commands build a plan, call
// Backend::run and read the outcomes, which are bitwise the same whichever backend ran them.
// Finished runs are recorded in manifests in the plan's folder, so a killed run resumes.

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "caresim/ensemble/runner.hpp"

namespace caresim::ensemble {

namespace mpi {
class Session;
}

/// A plan folder or backend request that cannot be used. what() is one line a user can act on.
class EnsembleError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Every run of one command's ensemble, whatever made it.
struct EnsemblePlan {
  std::string command;  ///< the caresim command ("sweep", "compare", "chaos"): script name
  std::string name;     ///< job name (Slurm) and messages
  std::vector<BaseScenario> bases;
  std::vector<PlannedRun> runs;  ///< run i has id i
  std::vector<MetricSpec> metrics;
  /// Of everything that decides the runs' results (plan_hash); manifests and the folder carry it,
  /// so a folder is never resumed or collected by a different plan.
  std::uint64_t hash = 0;
  std::filesystem::path folder;         ///< absolute: manifests, the task map, the Slurm script
  std::string hash_file = "plan_hash";  ///< name of the file in `folder` that records the hash
  /// Other hashes whose manifests count as this plan's (the same plan run by another build,
  /// accepted by `sweep --force-resume`); each outcome says which it came from.
  std::vector<std::uint64_t> accepted_hashes;
  /// Whether a run recorded finished counts only while its file still says so. Off for plans
  /// that delete their runs' files once recorded (sweep `keep: none`).
  bool check_run_files = true;
  /// Arguments after the caresim binary that repeat this command (without --threads, --quiet
  /// or any backend option): a Slurm task runs them with --task K --threads CPUS --quiet, and
  /// collecting adds --collect. Relative paths in them are relative to `working_directory`.
  std::vector<std::string> task_command;
  std::filesystem::path working_directory;  ///< where each task starts; empty: the submitter's
};

/// This build of caresim as the resume hash sees it: version, git commit, a digest of the model's
/// sources (sim/ and include/, taken at build time) and of the scenario schema (every key, type,
/// default and range), e.g. "caresim 0.9.0 (commit 4ca3b07aa1b2, sources 3f2a..., schema 9c...)".
std::string build_identity();
/// What of the build decides results, for hashes: version and the two digests, not the commit
/// (a commit that changes only docs or tests builds the same model).
std::string build_fingerprint();

/// FNV-1a over the build (build_fingerprint), the plan's bases, runs (overrides, base, output file
/// name) and metrics, and `extra` (settings that change the results but are not overrides, e.g.
/// chaos's horizon).
std::uint64_t plan_hash(const EnsemblePlan& plan, std::span<const std::string> extra = {});

/// The Slurm array script (docs/sweeps.md, "Slurm").
struct SlurmOptions {
  int array_size = 0;  ///< tasks; 0 = one per 64 runs, at most 1000
  int cpus_per_task = 1;
  std::string time = "01:00:00";
  std::string mem;
  std::string partition;
  std::string binary;  ///< absolute path of caresim
};

/// Which backend runs the plan.
enum class BackendMode : std::uint8_t {
  automatic,   ///< over MPI if started by mpirun/srun (and built with MPI), else this machine
  local,       ///< this machine only, even under mpirun (for in-process helpers and tests)
  emit_slurm,  ///< write the array script and task map; run nothing
  slurm_task,  ///< run one array task's share (BackendOptions::task)
  collect,     ///< run nothing; read every task's manifest
};

struct BackendOptions {
  BackendMode mode = BackendMode::automatic;
  int task = -1;  ///< slurm_task: the array task, 0-based
  SlurmOptions slurm;
  /// Forget runs an earlier attempt recorded in the folder (the folder is emptied first). For
  /// commands whose folder is scratch space (compare, chaos) run in one go.
  bool fresh = false;
  /// Keep the runs an earlier, interrupted attempt at the same plan recorded (resume), but
  /// empty a folder that holds another plan's runs instead of refusing it. For commands whose
  /// folder is scratch space (compare, chaos) run in one go: stopped by a signal and run again,
  /// they redo only the runs that had not finished.
  bool replace_other_plan = false;
};

/// Where a call of Backend::run left the plan.
enum class EnsembleStage : std::uint8_t {
  done,        ///< every run has ended (finished or failed): outcomes hold them all
  not_done,    ///< some runs have not ended (stopped, or tasks not all run before --collect)
  task_done,   ///< a Slurm task ran its share
  emitted,     ///< the Slurm script and task map are written
  other_rank,  ///< an MPI rank other than 0: its part is over, rank 0 reports
};

struct EnsembleResult {
  EnsembleStage stage = EnsembleStage::done;
  /// Indexed by run id: every run that ended, from the manifests and from this process; a run
  /// not ended has id -1 (or its status interrupted). On rank 0 only.
  std::vector<RunOutcome> outcomes;
  std::size_t already_done = 0;       ///< runs found finished in the folder before this call
  std::size_t ran = 0;                ///< runs this call carried out
  std::size_t failed = 0;             ///< of every run recorded, those that failed
  std::vector<std::int64_t> missing;  ///< the first (up to 10) runs not ended, when not_done
  std::size_t missing_count = 0;
  std::filesystem::path script;  ///< emitted: the script
  int array_size = 0;            ///< emitted / task: the array's tasks
  int ranks = 1;                 ///< MPI ranks that ran the plan
  std::size_t runs = 0;          ///< runs in the plan
  std::string collect_command;   ///< emitted: the shell command that collects the array
  /// collect with runs missing: the array tasks that hold them, and the sbatch command that
  /// resubmits only those tasks.
  std::vector<int> resubmit_tasks;
  std::string resubmit;
};

/// The backend of one process. Constructing it in `automatic` mode under mpirun/srun starts MPI
/// (MPI_Init_thread, funnelled) for the object's life: make one per process, on the main
/// thread, before planning, and keep it until the command ends.
class Backend {
 public:
  explicit Backend(BackendOptions options);
  ~Backend();
  Backend(const Backend&) = delete;
  Backend& operator=(const Backend&) = delete;

  /// Whether this process reports (rank 0, or not under MPI).
  bool root() const;
  /// MPI ranks (1 if not under MPI).
  int ranks() const;
  /// Rank 0's `status` on every rank (collective under MPI; the value itself otherwise).
  int agree(int status) const;
  const BackendOptions& options() const { return options_; }

  /// Carries out the plan as the mode says (collective under MPI). `runner.on_done` is called
  /// on rank 0 as each run ends, after the run is recorded in the manifest. Throws
  /// EnsembleError on rank 0 if the folder holds another plan, a task number is out of range or
  /// there is no task map; other ranks then return other_rank.
  EnsembleResult run(const EnsemblePlan& plan, const RunnerOptions& runner) const;

 private:
  BackendOptions options_;
  std::unique_ptr<mpi::Session> session_;
};

// --- the plan folder: what every backend shares ---

/// The manifest a process appends to: "manifest.tsv", or "manifest-task-<K>.tsv" for a Slurm
/// array task.
std::filesystem::path manifest_path(const std::filesystem::path& folder,
                                    std::optional<int> task = std::nullopt);

/// Creates the folder if needed and records the hash in plan.hash_file; throws EnsembleError if
/// the folder records a different hash.
void prepare_plan_folder(const EnsemblePlan& plan);

/// Appends completed runs to a manifest, one line each, flushed as written, so a killed process
/// keeps every run it finished. Not thread-safe: one writer, one thread.
class ManifestWriter {
 public:
  ManifestWriter(const std::filesystem::path& path, std::uint64_t hash, std::size_t metrics);
  ~ManifestWriter();
  ManifestWriter(const ManifestWriter&) = delete;
  ManifestWriter& operator=(const ManifestWriter&) = delete;
  void record(const RunOutcome& outcome);

 private:
  std::FILE* file_;
};

/// The ended runs recorded by every manifest in `folder` (torn last lines of a killed process
/// are ignored), indexed by run id; runs not done are absent (id -1). `metrics` values per run.
/// Throws EnsembleError if a manifest belongs to another plan. With `outputs` (one run file per
/// run id), a run recorded finished counts only if its file still says so (io::inspect_run_file):
/// a file overwritten or lost after the fact is a run to redo, not a run to count.
/// Manifests whose header carries one of `also` count too (RunOutcome::plan_hash says whose).
std::vector<RunOutcome> read_manifests(const std::filesystem::path& folder, std::uint64_t hash,
                                       std::size_t runs, std::size_t metrics,
                                       const std::vector<std::filesystem::path>* outputs = nullptr,
                                       std::span<const std::uint64_t> also = {});

/// The runs a Slurm array task takes: task k of K takes runs [k n / K, (k + 1) n / K).
std::pair<std::size_t, std::size_t> task_share(std::size_t runs, int tasks, int task);

/// Writes <folder>/<command>.sbatch and <folder>/tasks.tsv; returns the script's path.
std::filesystem::path emit_slurm(const EnsemblePlan& plan, const SlurmOptions& options);
/// Array size recorded by emit_slurm (from tasks.tsv). Throws EnsembleError if there is none.
int emitted_array_size(const std::filesystem::path& folder, std::string_view command = "sweep");

/// The array tasks (from the task map) whose share holds a run that has not ended in `outcomes`
/// (indexed by run id; id -1 = not ended). Empty without a task map.
std::vector<int> tasks_to_resubmit(const std::filesystem::path& folder,
                                   const std::vector<RunOutcome>& outcomes);
/// "sbatch --array=1,4-6 FOLDER/<command>.sbatch": resubmits just those tasks.
std::string resubmit_command(const std::filesystem::path& folder, const std::vector<int>& tasks,
                             std::string_view command);

/// A shell word that reads back as `text` ('...' with ' escaped).
std::string shell_quoted(std::string_view text);

}  // namespace caresim::ensemble
