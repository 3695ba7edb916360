#pragma once
// The pieces every caresim subcommand shares: how it registers, exit codes, progress display.

#include <CLI/CLI.hpp>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "caresim/ensemble/backend.hpp"

namespace caresim::cli {

// Exit codes (documented in README.md and `caresim --help`).
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;  // failed while running (I/O error, internal error)
inline constexpr int kExitUsage = 2;    // bad command line, scenario or override; nothing written

/// A registered subcommand: its CLI11 app and what to do when it is chosen.
struct Command {
  CLI::App* app = nullptr;
  std::function<int()> execute;
};

/// Each subcommand lives in its own file and adds itself here (see caresim_main.cpp).
using Registrar = void (*)(CLI::App& root, std::vector<Command>& commands);
void add_run_command(CLI::App& root, std::vector<Command>& commands);
void add_keys_command(CLI::App& root, std::vector<Command>& commands);
void add_sweep_command(CLI::App& root, std::vector<Command>& commands);
void add_analyse_command(CLI::App& root, std::vector<Command>& commands);
void add_chaos_command(CLI::App& root, std::vector<Command>& commands);
void add_compare_command(CLI::App& root, std::vector<Command>& commands);
void add_calibrate_command(CLI::App& root, std::vector<Command>& commands);
void add_studio_command(CLI::App& root, std::vector<Command>& commands);

/// The command line as typed, for provenance.
std::string joined_command_line(int argc, char** argv);
/// Set once by main() for provenance.
extern std::string g_command_line;

/// After stop_on_signals(): the number of the SIGINT or SIGTERM received, 0 until then. Long
/// commands pass it as their runner's stop flag, finish the step under way and exit 128 + it.
const std::atomic<int>& stop_signal();
/// Routes SIGINT and SIGTERM to stop_signal(); a second signal kills at once. If the command has
/// not exited within kStopGraceSeconds of the first (a step or the city's build still under
/// way), a watchdog ends the process with 128 + signal: a run file then holds the days of its
/// last flush, status "running", and a pid no longer alive.
inline constexpr double kStopGraceSeconds = 1.0;
void stop_on_signals();
/// While held (true), the watchdog waits past its grace: a checkpoint being written after the
/// first signal is finished rather than cut off (a second signal still ends the process at once).
void hold_watchdog(bool held);

/// The backend options every command that runs many runs takes (docs/sweeps.md): under mpirun
/// it runs over MPI by itself; these choose a Slurm array instead.
struct BackendArgs {
  bool emit_slurm = false;
  int array_size = 0;
  int cpus_per_task = 1;
  std::string time = "01:00:00";
  std::string mem;
  std::string partition;
  std::optional<int> task;
  bool collect = false;
};
/// Adds --emit-slurm, --array-size, --cpus-per-task, --time, --mem, --partition, --task and
/// --collect to `app`.
void add_backend_options(CLI::App* app, BackendArgs& args);
/// The backend the options ask for. Throws std::invalid_argument (a one-line message) when they
/// contradict each other.
ensemble::BackendOptions backend_options(const BackendArgs& args);
/// Prints what an ensemble's stage means when it is not `done` (the Slurm script written, a
/// task's share run, runs missing) and returns the exit code; returns -1 when the stage is
/// `done` and the command goes on to its results. Other MPI ranks get 0 and print nothing.
int report_stage(const ensemble::EnsembleResult& result, std::string_view command,
                 std::string_view name, bool quiet);
/// The absolute path of this caresim binary.
std::string self_path();
/// `text` as a whole number in [lo, hi]; throws std::invalid_argument naming `option` otherwise
/// (no sign, no wrap-around, no trailing text).
std::uint64_t parse_count(std::string_view option, std::string_view text, std::uint64_t lo,
                          std::uint64_t hi);
/// "<name>.h5" with any '/' or '\\' replaced, so a default output stays in the working directory.
std::string default_output_name(const std::string& scenario_name);

/// "m:ss" or "h:mm:ss".
std::string format_duration(double seconds);

/// Progress on stderr: a redrawn bar on a terminal, a plain line every 10% otherwise.
class Progress {
 public:
  Progress(bool enabled, std::string unit);
  void operator()(int done, int total);
  /// Ends a bar line early (after an interruption or an error).
  void finish_line() const;

 private:
  bool enabled_;
  bool tty_;
  std::string unit_;
  int last_decile_ = 0;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
  std::chrono::steady_clock::time_point last_{};
};

}  // namespace caresim::cli
