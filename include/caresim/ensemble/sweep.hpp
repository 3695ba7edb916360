#pragma once
// Parameter sweeps: the spec (plain structs, read from YAML at the edge), its expansion into a
// plan of runs for the ensemble runner, and the sweep folder (manifest, per-run files, summary).
// The format is described in docs/sweeps.md.

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "caresim/analysis/design.hpp"
#include "caresim/ensemble/backend.hpp"
#include "caresim/ensemble/metrics.hpp"
#include "caresim/ensemble/runner.hpp"

namespace caresim::ensemble {

// The designs are analysis code (analysis/design.hpp); a sweep runs them.
using analysis::Design;
using analysis::grid_design;
using analysis::kMaxSobolDims;
using analysis::latin_hypercube_design;
using analysis::morris_design;
using analysis::saltelli_design;
using analysis::sobol_points;

/// A sweep spec or sweep folder that cannot be used. what() is one line naming the file, line
/// and column where known, and the key: "sweep.yaml:7:12: parameters[0].range: expected ...".
class SweepError : public EnsembleError {
 public:
  using EnsembleError::EnsembleError;
};

enum class DesignKind : std::uint8_t { grid, latin_hypercube, sobol, morris, csv };
inline constexpr const char* kDesignKindNames[] = {"grid", "latin_hypercube", "sobol", "morris",
                                                   "csv"};

/// What stays of each run's own file once its metrics are in the manifest.
enum class Keep : std::uint8_t {
  all,      ///< the whole file, as `caresim run` writes it
  summary,  ///< provenance and tables, and only the series listed in `keep_series`
  none,     ///< no file: deleted once the run is recorded
};
inline constexpr const char* kKeepNames[] = {"all", "summary", "none"};

enum class Distribution : std::uint8_t { uniform, log_uniform };
inline constexpr const char* kDistributionNames[] = {"uniform", "log_uniform"};

/// One varied scenario key: a range with a distribution, or a list of values.
struct SweepParameter {
  std::string key;  ///< scenario key path, as --set takes it
  double low = 0.0, high = 0.0;
  Distribution distribution = Distribution::uniform;
  std::vector<double> values;  ///< if not empty: these values, and no range
  bool integer = false;        ///< round to an integer before setting
  int levels = 0;              ///< grid: values across the range (range only)
  std::string where;           ///< "file:line:column" of the entry, for messages
};

struct SweepDesign {
  DesignKind kind = DesignKind::grid;
  int samples = 0;  ///< latin_hypercube: points; sobol: base samples N; morris: trajectories
  int levels = 4;   ///< morris: grid levels p
  /// sobol: also the points Saltelli (2002) needs for second-order indices: N (2d + 2) points.
  bool second_order = false;
  std::filesystem::path csv;       ///< csv: the file of points (relative: to the spec file)
  std::vector<double> csv_values;  ///< csv: point p, parameter j at csv_values[p * d + j]
};

/// A whole sweep spec.
struct SweepSpec {
  std::string name = "sweep";
  std::filesystem::path scenario;  ///< base scenario file (relative paths: to the spec file)
  std::vector<std::string> set;    ///< fixed overrides applied to every run
  std::uint64_t seed = 1;          ///< base seed; run seeds are mix_seed(seed, point, replicate)
  int replicates = 1;
  /// Replicate r has the same seed at every point (mix_seed(seed, 0, r)), so differences
  /// between points are not run-to-run noise.
  bool common_random_numbers = false;
  Keep keep = Keep::all;
  std::vector<std::string> keep_series;  ///< keep: summary: the series each run's file keeps
  SweepDesign design;
  std::vector<SweepParameter> parameters;
  std::vector<MetricSpec> metrics;
  std::filesystem::path output;  ///< sweep folder (relative: to the working directory)
  std::filesystem::path file;    ///< where the spec was read from
  std::string text;              ///< the spec as written, for provenance
};

/// Reads and checks a sweep spec (syntax, types, ranges, design size). Does not look at the
/// scenario; plan_sweep does. Throws SweepError.
SweepSpec load_sweep_spec(const std::filesystem::path& file);
/// As load_sweep_spec, from text.
SweepSpec parse_sweep_spec(std::string_view text, const std::filesystem::path& file);

/// A sweep expanded: every point's parameter values and every run, in plan order (run id =
/// point x replicates + replicate).
struct SweepPlan {
  SweepSpec spec;
  BaseScenario base;
  Design design;
  std::vector<double> values;  ///< point p, parameter j at values[p * parameters + j]
  std::vector<PlannedRun> runs;
  /// The resume hash: of what decides the results (base scenario, runs, metrics, what is
  /// kept) and of the build that runs them (build_fingerprint), so two builds never mix.
  std::uint64_t hash = 0;
  std::uint64_t content_hash = 0;  ///< of the sweep alone, without the build
  std::string build;               ///< build_identity() of this process
  std::filesystem::path folder;
  std::size_t points() const { return design.points(); }
};

/// Expands the spec and checks, before any run starts, that every key exists and every
/// parameter's range and values are accepted by the scenario (each parameter at its lowest and
/// highest value), and that every metric names a series the model writes. `folder` overrides
/// spec.output. Throws SweepError.
SweepPlan plan_sweep(const SweepSpec& spec, const std::optional<std::filesystem::path>& folder);

/// The sweep folder's layout.
std::filesystem::path runs_folder(const std::filesystem::path& folder);
std::filesystem::path summary_path(const std::filesystem::path& folder);
/// Creates the folder (and runs/) if needed and records the plan's hash and build in it
/// (sweep_hash, builds.tsv). If the folder holds a different sweep, throws SweepError telling the
/// user to choose a new folder; if it holds this sweep run by another build, throws SweepError
/// saying how to start afresh or force, unless `force_resume`: then this build is added to the
/// folder's builds and its runs are kept.
void prepare_folder(const SweepPlan& plan, bool force_resume = false);

/// The resume hashes of every build recorded in the folder for this sweep (plan.hash first):
/// the manifests a resume or collect reads.
std::vector<std::uint64_t> accepted_hashes(const SweepPlan& plan);

/// Each build recorded in the folder (builds.tsv), by its resume hash.
std::map<std::uint64_t, std::string> recorded_builds(const std::filesystem::path& folder);

/// A sweep folder's progress, read from its files alone (no spec needed): runs recorded finished
/// or failed in the manifests, running (a run file being written by a live process, or on
/// another host), and missing (the rest). With a Slurm task map, the same per array task.
struct SweepStatus {
  struct Counts {
    std::size_t runs = 0, done = 0, failed = 0, running = 0, missing = 0;
  };
  struct Task {
    int task = 0;
    std::size_t first = 0, end = 0;
    Counts counts;
  };
  std::filesystem::path folder;
  Counts total;
  std::vector<Task> tasks;          ///< empty without tasks.tsv
  std::vector<std::string> builds;  ///< the builds that recorded runs, oldest first
  bool summary_written = false;
};
/// Throws SweepError if `folder` is not a sweep folder.
SweepStatus sweep_status(const std::filesystem::path& folder);
/// The status as a few lines of text, with the array tasks to resubmit and the sbatch command.
std::string format_status(const SweepStatus& status);

/// The finished runs recorded by every manifest in the folder (torn last lines of a killed
/// process are ignored), indexed by run id; runs not done are absent (id -1). Throws SweepError
/// if a manifest belongs to another sweep.
std::vector<RunOutcome> read_manifests(const SweepPlan& plan);

/// The runs of the plan not yet finished according to `done`.
std::vector<PlannedRun> pending_runs(const SweepPlan& plan, const std::vector<RunOutcome>& done);

/// The sweep as the ensemble backend runs it (bases, runs, metrics, hash, folder).
EnsemblePlan ensemble_plan(const SweepPlan& plan);

/// The Slurm options' task command for this sweep: sweep SPEC --output FOLDER (absolute).
std::vector<std::string> sweep_task_command(const SweepPlan& plan);

/// Carries out the sweep on `backend` (collective under MPI): prepares the folder on rank 0,
/// runs what the backend's mode asks (skipping runs the manifests record as finished) and, once
/// every run has ended and this is not a Slurm task, writes the summary (summary_path). Throws
/// SweepError / EnsembleError on rank 0 for a folder it cannot use.
EnsembleResult run_sweep(const Backend& backend, const SweepPlan& plan, const RunnerOptions& runner,
                         bool force_resume = false);

/// Writes the summary file of a sweep whose runs are all in `outcomes` (indexed by id): written
/// to <path>.part and renamed. Identical inputs give a byte-identical file.
void write_summary(const SweepPlan& plan, const std::vector<RunOutcome>& outcomes,
                   const std::filesystem::path& path);

}  // namespace caresim::ensemble
