// caresim command line: registers the subcommands (one file each in tools/commands/), parses the
// arguments and runs the chosen one. No model logic here.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <cstdlib>

#include "caresim/version.hpp"
#include "commands/command.hpp"

namespace {
// HDF5 1.10 (Debian 12) crashes in its exit-time teardown (H5F__close_cb) when a file's close
// failed earlier, as on a full disk. Every file of ours is closed or abandoned by the time a
// command returns, so a command that did not succeed skips the library teardown.
int exit_with(int code) {
  if (code == caresim::cli::kExitOk) return code;
  std::fflush(stdout);
  std::fflush(stderr);
  std::_Exit(code);
}
}  // namespace

int main(int argc, char** argv) {
  using namespace caresim::cli;
  CLI::App app{
      "caresim: a parallel agent-based simulation of a city's health and care system.\n"
      "Exit codes: 0 finished; 1 the run failed while running; 2 bad command line, scenario or\n"
      "override (nothing written); 130/143 stopped by SIGINT/SIGTERM (OUT.h5.part is kept, marked\n"
      "interrupted; an existing OUT.h5 is untouched).",
      "caresim"};
  app.set_version_flag("--version",
                       fmt::format("caresim {} (git {})", caresim::kVersion, caresim::kGitCommit));
  app.require_subcommand(1);

  std::vector<Command> commands;
  for (Registrar add : {add_run_command, add_keys_command, add_sweep_command, add_analyse_command,
                        add_chaos_command, add_compare_command, add_calibrate_command,
                        add_studio_command})
    add(app, commands);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? kExitOk : kExitUsage;
  }
  g_command_line = joined_command_line(argc, argv);
  // Whatever a command lets escape ends as a message and exit 1, never std::terminate.
  try {
    for (const Command& c : commands) {
      if (c.app->parsed()) return exit_with(c.execute());
    }
  } catch (const std::bad_alloc&) {
    fmt::print(stderr, "caresim: error: out of memory\n");
    return exit_with(kExitFailure);
  } catch (const std::exception& e) {
    fmt::print(stderr, "caresim: error: {}\n", e.what());
    return exit_with(kExitFailure);
  } catch (...) {
    fmt::print(stderr, "caresim: error: an unknown internal error\n");
    return exit_with(kExitFailure);
  }
  return kExitUsage;
}
