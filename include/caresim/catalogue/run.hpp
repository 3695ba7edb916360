#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "caresim/io/checkpoint_file.hpp"
#include "caresim/io/run_file.hpp"
#include "caresim/scenario/scenario.hpp"

namespace caresim {

class Simulator;

/// How to carry out one run (what to run is the Scenario).
struct RunOptions {
  std::filesystem::path output;  ///< final HDF5 path; written as <output>.part until the end
  int threads = 0;               ///< worker threads; 0 = all cores. Results do not depend on it.
  std::string scenario_file;     ///< for provenance
  std::string command_line;      ///< for provenance
  /// Set non-zero (e.g. by a signal handler) to stop after the current step; the value is kept as
  /// the signal number in the result.
  const std::atomic<int>* stop = nullptr;
  /// Called after every step with (steps done, steps in the run).
  std::function<void(int, int)> progress;
  /// Whether run_scenario caps TBB at `threads` with its own tbb::global_control. That control is
  /// process-wide, so an ensemble running several runs at once sets false and holds one control
  /// for the whole process (ensemble/runner.hpp).
  bool limit_threads = true;
  /// Called after every step with the output layout, the day just written and its row, so an
  /// ensemble can reduce a run to summary metrics without reading the file back.
  std::function<void(const RunLayout&, std::int32_t, std::span<const double>)> on_row;
  /// Called after every step (after on_row) with the simulator itself, so an analysis can read
  /// its state or branch twin runs off it (analysis/phase_diagram.hpp). Must not change it.
  std::function<void(const Simulator&)> on_step;
  /// If set, the file holds only these series (with the dimensions they use), besides its
  /// provenance and tables; on_row still sees every series. Names the model does not write are
  /// ignored.
  std::optional<std::vector<std::string>> series;

  /// Days between checkpoints (io/checkpoint_file.hpp); 0 = none. With checkpoints on, one is
  /// also written when the run is stopped (options.stop) and when it finishes, and kept.
  int checkpoint_every = 0;
  /// Where checkpoints go; empty = <output>.ckpt.
  std::filesystem::path checkpoint;
  /// Start from this saved run instead of day 0: the simulator built from `scenario` takes the
  /// saved state, the saved output rows and tables are written first, and the run goes on from
  /// the saved day. With the saved run's own scenario this is a resume, and the output is bit
  /// for bit that of the run never stopped; with another scenario of the same city it is a
  /// branch (the scenario applies from the saved day on; random numbers are keyed by day, so
  /// branches of one checkpoint with the same seed share them).
  const io::Checkpoint* start_from = nullptr;
  /// Called after each checkpoint is written, with its day, its size in bytes and the seconds
  /// taken (to report; tests).
  std::function<void(int, std::uintmax_t, double)> on_checkpoint;
  /// Called with true before a checkpoint is written and false after (a signal's watchdog can
  /// wait for it).
  std::function<void(bool)> on_saving;
};

/// A headline metric summarised over the run.
struct HeadlineSummary {
  std::string name;
  std::string units;
  double mean = 0.0;
  double min = 0.0;
  double max = 0.0;
  double last = 0.0;
};

struct RunResult {
  RunStatus status = RunStatus::running;
  int steps = 0;         ///< steps simulated and written
  double seconds = 0.0;  ///< wall time of the simulation loop (without building the city)
  double build_seconds = 0.0;
  int signal = 0;  ///< the stop value that interrupted the run, if any
  std::filesystem::path output;
  std::vector<HeadlineSummary> headline;
  std::vector<std::pair<std::string, double>> phase_seconds;
  int checkpoint_day = -1;  ///< day of the last checkpoint written, -1 if none
};

/// Builds the city, runs every step, and writes the HDF5 file as it goes: to <output>.part,
/// renamed to <output> only when the run finishes. A stopped run leaves <output>.part marked
/// status "interrupted" (result.output names it; empty if stopped before the file was created);
/// a failed run leaves it marked "failed" and the exception propagates. An existing <output> is
/// never touched unless the run finishes. Throws std::invalid_argument before building when the
/// city would not fit in the machine's memory (estimated_memory_bytes).
RunResult run_scenario(const Scenario& scenario, const RunOptions& options);

/// Rough peak memory of building and running `scenario`, in bytes (0 for models too small to
/// matter); compared with the machine's memory before the city is built.
std::uint64_t estimated_memory_bytes(const Scenario& scenario);

/// ISO 8601 UTC timestamp of now, e.g. "2026-11-22T03:14:15Z".
std::string utc_now();

}  // namespace caresim
