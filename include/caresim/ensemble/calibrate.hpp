#pragma once
// `caresim calibrate`: a calibration spec and a targets file (plain structs, read from YAML at the
// edge), the model as a batch of ensemble runs, and the calibration file. The methods themselves
// are in analysis/history_matching.hpp and analysis/abc.hpp. Described in docs/calibration.md.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "caresim/analysis/abc.hpp"
#include "caresim/analysis/history_matching.hpp"
#include "caresim/ensemble/backend.hpp"
#include "caresim/ensemble/metrics.hpp"
#include "caresim/ensemble/runner.hpp"

namespace caresim::ensemble {

/// One target: an output series reduced to a number (a MetricSpec), what it should be, and why.
struct TargetSpec {
  MetricSpec metric;  ///< metric.name is the target's name
  double observed = 0.0;
  double observation_sd = 0.0;
  double discrepancy_sd = 0.0;
  bool band = false;  ///< entered as [lower, upper]
  double lower = 0.0, upper = 0.0;
  std::string source;  ///< where the figure comes from
};

/// A targets file: bands and point targets, and observed series (CSV rows of date, value,
/// observation sd; each row a window_mean target over its period) expanded into targets.
struct TargetSet {
  std::vector<TargetSpec> targets;
  std::filesystem::path file;
  std::string text;  ///< the file as written (and each CSV's text appended), for provenance
};

/// Reads a targets file. `start_date` (ISO, the scenario's run.start_date) places observed
/// series' dates. Throws SweepError (sweep.hpp) naming file:line:column and key.
TargetSet load_targets(const std::filesystem::path& file, const std::string& start_date);

enum class CalibrationMethod : std::uint8_t { history_matching, abc_smc };
inline constexpr const char* kCalibrationMethodNames[] = {"history_matching", "abc_smc"};

struct CalibrationSpec {
  std::string name = "calibration";
  CalibrationMethod method = CalibrationMethod::history_matching;
  std::filesystem::path scenario;  ///< relative paths: to the spec file
  std::vector<std::string> set;    ///< fixed overrides applied to every run
  std::filesystem::path targets;
  std::vector<analysis::Prior> parameters;  ///< name = scenario key path
  std::vector<bool> integer;                ///< per parameter: round before setting
  int replicates = 1;                       ///< runs per parameter set, their outputs averaged
  std::uint64_t seed = 1;
  analysis::HistoryMatchingOptions history_matching;
  analysis::AbcOptions abc;
  std::filesystem::path output;  ///< calibration folder (relative: to the working directory)
  std::filesystem::path file;
  std::string text;
};

/// Reads and checks a calibration spec (not the scenario or targets). Throws SweepError.
CalibrationSpec load_calibration_spec(const std::filesystem::path& file);
CalibrationSpec parse_calibration_spec(std::string_view text, const std::filesystem::path& file);

/// What a calibration produced (one of the two results is filled, by method).
struct CalibrationResult {
  CalibrationSpec spec;
  TargetSet targets;
  std::vector<analysis::CalibrationTarget> numeric_targets;
  analysis::HistoryMatchingResult history_matching;
  analysis::AbcResult abc;
  std::size_t runs_executed = 0;  ///< model runs carried out now
  std::size_t runs_reused = 0;    ///< found in the folder's run cache (a resumed calibration)
  double seconds = 0.0;
  /// False when a batch went to a Slurm array (emitted, one task's share run, or collected with
  /// runs missing): `batch` says where it stands, nothing is written, and the same command with
  /// --collect continues once the array has run. On MPI ranks other than 0 the result is
  /// complete but only rank 0 writes the file.
  bool finished = true;
  EnsembleResult batch;
  std::size_t batches_collected = 0;  ///< Slurm batches read back by this call
};

struct CalibrationOptions {
  std::optional<std::filesystem::path> folder;  ///< overrides spec.output
  RunnerOptions runner;
  analysis::CalibrationProgress progress;
  bool keep_runs = false;  ///< keep each run's file under FOLDER/runs (else removed once reduced)
  /// The ensemble backend every batch of runs (a wave's design, an ABC generation's proposals,
  /// history matching's final runs) goes through, as `sweep`'s do: this machine, MPI (every rank
  /// calls run_calibration; rank 0 hands out the runs, every rank follows the same path) or a
  /// Slurm array (the first batch not in the run cache is emitted as
  /// FOLDER/batches/<plan hash>/calibrate.sbatch; --task runs a task's share; --collect reads
  /// the batch back, continues and emits the next). Null: this machine, without the plan folders.
  const Backend* backend = nullptr;
  /// How a Slurm task repeats this calibration (EnsemblePlan::task_command), and from where.
  std::vector<std::string> task_command;
  std::filesystem::path working_directory;
};

/// Runs the calibration on options.backend (or this machine). Every model run is cached in
/// FOLDER/runs.tsv under a hash of (caresim version, base scenario, overrides with seed,
/// metrics): re-running a killed calibration reuses every run it finished, and since the
/// methods are deterministic it retraces the same path to where it stopped. Writes
/// FOLDER/calibration.h5 and returns the result. Throws SweepError for a bad spec, targets or
/// scenario key, before any run.
CalibrationResult run_calibration(const CalibrationSpec& spec, const CalibrationOptions& options);

/// Writes the calibration file (netCDF-4 compatible HDF5, docs/calibration.md).
void write_calibration(const CalibrationResult& result, const std::filesystem::path& path);

/// The printed report: waves or generations, emulator diagnostics, posterior.
std::string calibration_report(const CalibrationResult& result);

}  // namespace caresim::ensemble
