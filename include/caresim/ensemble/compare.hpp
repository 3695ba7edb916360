#pragma once
// Paired what-if comparisons (`caresim compare`, docs/compare.md): two or more arms (scenario
// files), each run for the same replicates; replicate r of every arm uses the same seed (common
// random numbers), so the arms differ only by what their scenarios change. The first arm is the
// reference; every other arm is compared with it replicate by replicate. The runs go through the
// ensemble runner (ensemble/runner.hpp) as one plan over several base scenarios.

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "caresim/ensemble/backend.hpp"
#include "caresim/ensemble/parameter_sets.hpp"
#include "caresim/ensemble/runner.hpp"

namespace caresim::ensemble {

/// One arm: a scenario file's text and the name it goes by in tables and in the output file.
struct CompareArm {
  std::string name;   ///< a plain name (letters, digits, '_'), unique among the arms
  BaseScenario base;  ///< the scenario text and its file name
};

/// The arm names for these scenario files: each file's stem made a plain name (other characters
/// become '_'), with "_2", "_3", ... added to a name already taken ("a.yaml a.yaml" gives a, a_2).
std::vector<std::string> arm_names(std::span<const std::string> files);

struct CompareOptions {
  std::vector<std::string> overrides;  ///< --set, applied to every arm after its file
  int replicates = 8;                  ///< paired replicates per arm (>= 2)
  std::optional<int> days;             ///< run.days for every arm (--days); else the arms' own
  int window = 28;           ///< days of the trailing rolling mean used for the time to effect
  double confidence = 0.95;  ///< of every interval
  int threads = 0;           ///< 0 = all cores; results do not depend on it
  /// Folder for the runs' own files, the manifests and (under Slurm) the array script; the
  /// runs are read back from it, so it must outlive a Slurm array until --collect.
  std::filesystem::path scratch;
  std::string command_line;  ///< provenance
  const std::atomic<int>* stop = nullptr;
  /// Called as each run ends (completion order, one thread at a time).
  std::function<void(const RunOutcome&)> on_done;
  /// How a Slurm task repeats this comparison (EnsemblePlan::task_command), and from where.
  std::vector<std::string> task_command;
  std::filesystem::path working_directory;
  /// A checkpoint every run of every arm starts from (`--from`): the arms branch from one saved
  /// state, with common random numbers from its day on. Empty: from day 0.
  std::filesystem::path from;
  /// Parameter uncertainty (`--parameters`): replicate r draws one of these sets
  /// (draw_parameter_sets with the first arm's run.seed) and every arm's run r applies it, after
  /// the arm's file and the overrides, before the seed. Empty: the arms' own values.
  std::optional<ParameterSets> parameters;
};

/// Checks the arms before anything runs: at least two arms with distinct plain names; every
/// file parses with the overrides (and --days); all arms have the same run.days and
/// run.start_date; replicates >= 2; 1 <= window; confidence in (0, 1). Throws ScenarioError naming
/// the file and key (or the option) on the first problem.
void check_comparison(std::span<const CompareArm> arms, const CompareOptions& options);

/// The comparison, in memory. Arrays are row-major with the dimensions named in their comment.
struct Comparison {
  std::vector<std::string> arms;           ///< arm names, reference first
  std::vector<std::string> arm_files;      ///< their scenario files
  std::vector<std::string> arm_scenarios;  ///< each arm's resolved scenario (to_yaml)
  std::vector<std::string> arm_texts;      ///< each arm's file as read
  std::vector<std::string> overrides;
  std::string command_line;
  int replicates = 0;
  int days = 0;
  int window = 0;
  double confidence = 0.95;
  std::string start_date;
  /// The day of the saved state every run started from (CompareOptions::from): days before it
  /// are that run's, the same in every arm. 0 without --from.
  int from_day = 0;
  std::uint64_t base_seed = 0;
  std::vector<std::uint64_t> seeds;  ///< [replicate]: mix_seed(base_seed, replicate)

  /// Parameter uncertainty (CompareOptions::parameters); all empty without it.
  std::vector<std::string> parameter_names;  ///< [parameter]: scenario key paths
  std::vector<std::size_t> parameter_set;    ///< [replicate]: index of the set it drew
  std::vector<double> parameter_values;      ///< [replicate][parameter]: the values applied
  std::size_t parameter_sets_available = 0;  ///< sets in the source
  std::size_t distinct_parameter_sets = 0;   ///< distinct sets among the replicates
  std::string parameters_file, parameters_source;
  bool has_parameters() const { return !parameter_names.empty(); }
  /// What the intervals cover, in a sentence (chance alone, or chance and the parameters).
  std::string uncertainty_text() const;

  /// The compared series: the model's headline series, in its order.
  std::vector<std::string> metrics, metric_units, metric_descriptions;

  /// [arm][replicate][metric]: the run's time mean of the series over all its days.
  std::vector<double> run_mean;
  /// [metric][arm]: mean over replicates of run_mean.
  std::vector<double> mean;
  /// [metric][arm]: paired difference arm - reference (mean over replicates) and its t interval;
  /// 0 and [0, 0] for the reference itself.
  std::vector<double> diff, diff_low, diff_high;
  /// [metric][arm]: first day from which the interval of the paired difference of the
  /// `window`-day trailing mean excludes 0 (same sign) on every day to the end; NaN: never (and
  /// for the reference).
  std::vector<double> time_to_effect;

  /// [arm][metric][day]: daily mean over replicates and its t interval.
  std::vector<double> daily_mean, daily_low, daily_high;
  /// [arm][metric][day]: paired difference arm - reference of the daily values, with interval.
  std::vector<double> daily_diff, daily_diff_low, daily_diff_high;
  /// [arm][metric][day]: paired difference of the trailing `window`-day means (fewer days at the
  /// start: the mean of days 0..d while d < window), with interval: what time_to_effect reads.
  std::vector<double> rolling_diff, rolling_diff_low, rolling_diff_high;

  /// Per-neighbourhood comparison (docs/compare.md, "Per neighbourhood"): every series over the
  /// model's `neighbourhood` dimension, compared neighbourhood by neighbourhood. Filled only when
  /// every arm has the same neighbourhoods (the care model builds one city per scenario from
  /// city.seed, so replicates and arms share it); otherwise `neighbourhoods` is empty.
  std::vector<std::string> neighbourhoods;          ///< [neighbourhood]: names
  std::vector<std::uint8_t> neighbourhood_flagged;  ///< [neighbourhood]: 1 if singled out
  std::string neighbourhood_flag;  ///< what the flag means, e.g. "priority" (empty: none)
  std::vector<std::string> neighbourhood_metrics, neighbourhood_metric_units,
      neighbourhood_metric_descriptions;
  /// [arm][replicate][neighbourhood metric][neighbourhood]: the run's time mean.
  std::vector<double> neighbourhood_run_mean;
  /// [neighbourhood metric][arm][neighbourhood]: mean over replicates of the time means, and the
  /// paired difference arm - reference with its t interval (0 and [0, 0] for the reference).
  std::vector<double> neighbourhood_mean, neighbourhood_diff, neighbourhood_diff_low,
      neighbourhood_diff_high;
  /// [neighbourhood metric][arm][group], group 0 the flagged neighbourhoods and 1 the others:
  /// per run, the unweighted mean over the group's neighbourhoods of their time means; mean over
  /// replicates and paired difference with its t interval. NaN for an empty group.
  std::vector<double> group_mean, group_diff, group_diff_low, group_diff_high;

  /// The runs, [arm][replicate]: their outcome and their own files (in `scratch`).
  std::vector<RunOutcome> outcomes;
  std::vector<std::filesystem::path> run_files;

  std::size_t arm_count() const { return arms.size(); }
  std::size_t metric_count() const { return metrics.size(); }
  double seconds = 0.0;  ///< wall time of all runs (for the summary line; not written)
  /// Runs whose finished files in `scratch` were reused (a resumed comparison; not written).
  std::size_t reused_runs = 0;
};

/// Runs every arm's replicates through the runner and computes the comparison. Calls
/// check_comparison first. If a run fails, throws std::runtime_error naming the arm, replicate
/// and reason; if `stop` is raised, returns what there is with some outcomes not finished (see
/// Comparison::complete). The runs' files stay in options.scratch (write_comparison reads them).
Comparison run_comparison(std::span<const CompareArm> arms, const CompareOptions& options);

/// A comparison carried out by a backend: where the backend left it and, when every run has
/// finished (stage done, on rank 0), the comparison.
struct ComparisonRun {
  EnsembleResult result;
  Comparison comparison;
};

/// Runs the comparison's runs on `backend` (collective under MPI; as a Slurm array by its
/// mode) and, once they have all finished, reads them back and computes the comparison. The
/// bytes write_comparison writes do not depend on the backend. Throws ScenarioError for bad
/// arms (before anything runs), EnsembleError for a scratch folder holding another comparison,
/// std::runtime_error naming the arm and replicate if a run failed.
ComparisonRun run_comparison(const Backend& backend, std::span<const CompareArm> arms,
                             const CompareOptions& options);

/// True when every run finished.
bool complete(const Comparison& comparison);

/// Where run_comparison keeps the baseline's warm-up (run.warm_up_days) that every arm starts
/// from: beside the runs folder `scratch` (a new plan clears that folder). Remove it with it.
inline std::filesystem::path warm_up_checkpoint_path(const std::filesystem::path& scratch) {
  return std::filesystem::path(scratch.string() + ".warm_up.ckpt");
}

/// Writes the comparison file (layout in docs/outputs.md): /runs/<arm> holds every series of
/// every replicate, copied from the run files; /comparison holds the table and the daily means,
/// intervals and differences. One self-contained file, written as <path>.part and renamed. The
/// same comparison gives the same bytes (no times, hosts or thread counts are stored).
void write_comparison(const Comparison& comparison, const std::filesystem::path& path);

/// The table printed by `caresim compare`: one block per arm other than the reference, one row
/// per metric: mean of the reference, mean of the arm, difference, interval, time to effect.
std::string format_comparison(const Comparison& comparison);

/// The per-neighbourhood section `caresim compare` prints after the table: for each other arm
/// and each neighbourhood series, the paired difference in the flagged (priority) neighbourhoods
/// and in the others, then the `largest` neighbourhoods with the largest differences, flagged
/// ones marked. Empty if the comparison has no per-neighbourhood results.
std::string format_neighbourhood_comparison(const Comparison& comparison, std::size_t largest = 3);

}  // namespace caresim::ensemble
