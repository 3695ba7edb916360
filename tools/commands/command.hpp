#pragma once
// The pieces every caresim subcommand shares: how it registers, exit codes, progress display.

#include <CLI/CLI.hpp>
#include <atomic>
#include <chrono>
#include <functional>
#include <string>
#include <vector>

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
void add_studio_command(CLI::App& root, std::vector<Command>& commands);

/// The command line as typed, for provenance.
std::string joined_command_line(int argc, char** argv);
/// Set once by main() for provenance.
extern std::string g_command_line;

/// After stop_on_signals(): the number of the SIGINT or SIGTERM received, 0 until then. Long
/// commands pass it as their runner's stop flag, finish the step under way and exit 128 + it.
const std::atomic<int>& stop_signal();
/// Routes SIGINT and SIGTERM to stop_signal(); a second signal kills at once.
void stop_on_signals();

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
