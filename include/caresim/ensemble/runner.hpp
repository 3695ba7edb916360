#pragma once
// The ensemble runner: a plan of runs (scenario, overrides, seed, output file) executed in
// parallel, each reduced to summary metrics. `caresim sweep`, `chaos` and `compare` all use it
// (only a plan and metrics differ), not their own loops. A plan may start from several base
// scenarios (the arms of a comparison): each run names its base by index.

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "caresim/ensemble/metrics.hpp"
#include "caresim/io/run_file.hpp"

namespace caresim {
class Simulator;
}

namespace caresim::ensemble {

/// The scenario every run of a plan starts from: its YAML text, read once, and the name its
/// messages use.
struct BaseScenario {
  std::string yaml_text;
  std::string source_name;  ///< file path, for messages and provenance
};

/// One run of a plan. The seed is part of `overrides` (run.seed=...), so the overrides alone say
/// what the run is.
struct PlannedRun {
  std::int64_t id = 0;                 ///< 0..n-1, the run's row in the plan
  std::vector<std::string> overrides;  ///< "key.path=value", applied in order, as --set takes them
  std::uint64_t seed = 0;              ///< the run's seed (also in overrides), for the table
  std::filesystem::path output;        ///< the run's HDF5 file, written as `caresim run` does
  std::size_t base = 0;  ///< which base scenario it starts from (index into run_local's `bases`)
};

/// How one run ended. `metrics` are bitwise the same whichever process or thread ran it.
struct RunOutcome {
  std::int64_t id = -1;
  RunStatus status = RunStatus::running;
  std::vector<double> metrics;
  double seconds = 0.0;      ///< wall time of the whole run: parse, build, simulate, write
  double sim_seconds = 0.0;  ///< of which the simulation loop
  std::string error;         ///< why it failed (status failed)
  /// The plan hash of the manifest the outcome was read from (the build that ran it, for a
  /// sweep); the current plan's for a run of this process.
  std::uint64_t plan_hash = 0;
  /// With RunnerOptions::keep_layout: the run's output layout (series, units, dimensions, labels),
  /// set once the run has written a row, and the names of the model's headline series
  /// (Simulator::headline_series) in its order. Empty otherwise.
  RunLayout layout;
  std::vector<std::string> headline;
};

struct RunnerOptions {
  int threads = 0;  ///< worker threads for the whole ensemble; 0 = all cores
  /// Set non-zero (e.g. by a signal handler) to start no new run; runs under way stop after
  /// their current step (status interrupted).
  const std::atomic<int>* stop = nullptr;
  std::string command_line;  ///< provenance of each run file
  /// Called once per run as it ends, from one thread at a time, in completion order.
  std::function<void(const RunOutcome&)> on_done;
  /// Optional metrics read from the simulator itself rather than its rows (twin runs, network
  /// measures): called after every step of a run, from the thread running it, with the run and
  /// a vector (empty at the start of each run) that it fills; what it holds at the end of the
  /// run is appended to the run's metrics (`extra_metrics` NaNs if the run failed). Must be
  /// deterministic for the results not to depend on the thread count.
  std::function<void(const PlannedRun&, const Simulator&, std::vector<double>&)> on_step;
  std::size_t extra_metrics = 0;  ///< how many values on_step leaves
  /// Whether each outcome keeps its run's layout and headline names (what `compare` reads the
  /// run files with). Off by default: a layout holds every organisation's and neighbourhood's
  /// name, too much to keep for each of a large sweep's runs.
  bool keep_layout = false;
  /// If set, each run's file holds only these series (and its provenance and tables); the
  /// metrics are still reduced from every series. Unknown names are ignored.
  std::optional<std::vector<std::string>> keep_series;
  /// A checkpoint (io/checkpoint_file.hpp) every run starts from instead of day 0 (run_scenario's
  /// RunOptions::start_from): a branch of one saved state. Empty: none.
  std::filesystem::path start_from;
};

/// Carries out one run in the calling thread (its phases use the current TBB arena): parses the
/// base scenario with the run's overrides, runs it through run_scenario (no global_control of
/// its own) and reduces its rows to `metrics`. Never throws for a failing run: the outcome says
/// failed, with the reason; a failed run leaves its file as <output>.part.
RunOutcome execute_run(const BaseScenario& base, const PlannedRun& run,
                       std::span<const MetricSpec> metrics, const RunnerOptions& options);

/// Runs `runs` on this machine, up to options.threads at a time, with one tbb::global_control
/// for the duration (process-wide: do not run two ensembles at once in one process). Returns
/// the outcomes in the order of `runs`. Results do not depend on the thread count.
std::vector<RunOutcome> run_local(const BaseScenario& base, std::span<const PlannedRun> runs,
                                  std::span<const MetricSpec> metrics,
                                  const RunnerOptions& options);
/// The same for a plan over several base scenarios: run i starts from bases[runs[i].base].
/// Throws std::out_of_range, before running anything, if a run names a base that is not there.
std::vector<RunOutcome> run_local(std::span<const BaseScenario> bases,
                                  std::span<const PlannedRun> runs,
                                  std::span<const MetricSpec> metrics,
                                  const RunnerOptions& options);

/// Text that reads back as exactly `value` (shortest round trip; "nan", "-nan", "inf", "-inf").
std::string format_exact(double value);
/// Parses what format_exact writes. Throws std::invalid_argument on anything else.
double parse_exact(std::string_view text);

}  // namespace caresim::ensemble
