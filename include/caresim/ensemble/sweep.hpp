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
/// Creates the folder (and runs/) if needed and records the plan's hash in it; if the folder
/// holds a different sweep, throws SweepError telling the user to choose a new folder.
void prepare_folder(const SweepPlan& plan);

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
EnsembleResult run_sweep(const Backend& backend, const SweepPlan& plan,
                         const RunnerOptions& runner);

/// Writes the summary file of a sweep whose runs are all in `outcomes` (indexed by id): written
/// to <path>.part and renamed. Identical inputs give a byte-identical file.
void write_summary(const SweepPlan& plan, const std::vector<RunOutcome>& outcomes,
                   const std::filesystem::path& path);

}  // namespace caresim::ensemble
