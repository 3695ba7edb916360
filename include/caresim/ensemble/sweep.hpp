#pragma once
// Parameter sweeps: the spec (plain structs, read from YAML at the edge), its expansion into a
// plan of runs for the ensemble runner, and the sweep folder (manifest, per-run files, summary).
// The format is described in docs/sweeps.md.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "caresim/analysis/design.hpp"
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
class SweepError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

enum class DesignKind : std::uint8_t { grid, latin_hypercube, sobol, morris };
inline constexpr const char* kDesignKindNames[] = {"grid", "latin_hypercube", "sobol", "morris"};

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
};

/// A whole sweep spec.
struct SweepSpec {
  std::string name = "sweep";
  std::filesystem::path scenario;  ///< base scenario file (relative paths: to the spec file)
  std::vector<std::string> set;    ///< fixed overrides applied to every run
  std::uint64_t seed = 1;          ///< base seed; run seeds are mix_seed(seed, point, replicate)
  int replicates = 1;
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
  std::uint64_t hash = 0;  ///< of what decides the results: base scenario, runs, metrics
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
/// The manifest a process appends to: "manifest.tsv", or "manifest-task-<K>.tsv" for a Slurm
/// array task.
std::filesystem::path manifest_path(const std::filesystem::path& folder,
                                    std::optional<int> task = std::nullopt);

/// Creates the folder (and runs/) if needed and records the plan's hash in it; if the folder
/// holds a different sweep, throws SweepError telling the user to choose a new folder.
void prepare_folder(const SweepPlan& plan);

/// Appends completed runs to a manifest, one line each, flushed as written, so a killed sweep
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

/// The finished runs recorded by every manifest in the folder (torn last lines of a killed
/// process are ignored), indexed by run id; runs not done are absent (id -1). Throws SweepError
/// if a manifest belongs to another sweep.
std::vector<RunOutcome> read_manifests(const SweepPlan& plan);

/// The runs of the plan not yet finished according to `done`.
std::vector<PlannedRun> pending_runs(const SweepPlan& plan, const std::vector<RunOutcome>& done);

/// The runs a Slurm array task takes: task k of K takes runs [k n / K, (k + 1) n / K).
std::pair<std::size_t, std::size_t> task_share(std::size_t runs, int tasks, int task);

/// The array script and task map for Slurm (slurm.md in docs/sweeps.md).
struct SlurmOptions {
  int array_size = 0;  ///< tasks; 0 = one per 64 runs, at most 1000
  int cpus_per_task = 1;
  std::string time = "01:00:00";
  std::string mem;
  std::string partition;
  std::string binary;  ///< absolute path of caresim
};
/// Writes <folder>/sweep.sbatch and <folder>/tasks.tsv; returns the script's path.
std::filesystem::path emit_slurm(const SweepPlan& plan, const SlurmOptions& options);
/// Array size recorded by emit_slurm (from tasks.tsv). Throws SweepError if there is none.
int emitted_array_size(const std::filesystem::path& folder);

/// Writes the summary file of a sweep whose runs are all in `outcomes` (indexed by id): written
/// to <path>.part and renamed. Identical inputs give a byte-identical file.
void write_summary(const SweepPlan& plan, const std::vector<RunOutcome>& outcomes,
                   const std::filesystem::path& path);

}  // namespace caresim::ensemble
