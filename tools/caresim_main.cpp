// caresim command line: registers the subcommands (one file each in tools/commands/), parses the
// arguments and runs the chosen one. No model logic here.
#include <fmt/format.h>

#include <CLI/CLI.hpp>

#include "caresim/version.hpp"
#include "commands/command.hpp"

int main(int argc, char** argv) {
  using namespace caresim::cli;
  CLI::App app{
      "caresim: a parallel agent-based simulation of a city's health and care system.\n"
      "Exit codes: 0 finished; 1 the run failed while running; 2 bad command line, scenario or\n"
      "override (nothing written); 130/143 stopped by SIGINT/SIGTERM (the file is kept, marked\n"
      "unfinished).",
      "caresim"};
  app.set_version_flag("--version",
                       fmt::format("caresim {} (git {})", caresim::kVersion, caresim::kGitCommit));
  app.require_subcommand(1);

  std::vector<Command> commands;
  for (Registrar add : {add_run_command, add_keys_command, add_sweep_command, add_analyse_command,
                        add_chaos_command, add_compare_command, add_studio_command})
    add(app, commands);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? kExitOk : kExitUsage;
  }
  g_command_line = joined_command_line(argc, argv);
  for (const Command& c : commands) {
    if (c.app->parsed()) return c.execute();
  }
  return kExitUsage;
}
