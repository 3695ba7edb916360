// caresim chaos: a phase diagram over one or two keys (Lyapunov exponent from
// twin runs, order parameters, susceptibility). The work is in caresim/analysis/phase_diagram.
#include <fmt/format.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <sstream>

#include "caresim/ensemble/phase_diagram.hpp"
#include "caresim/scenario/load.hpp"
#include "command.hpp"

namespace caresim::cli {
namespace {

struct ChaosArgs {
  std::string scenario_path;
  std::vector<std::string> vary;
  std::vector<std::string> overrides;
  std::string output;
  int replicates = 4;
  int horizon = 10;
  int sites = 16;
  std::string perturb = "mindset";
  int threads = 0;
  bool quiet = false;
  BackendArgs backend;
};

// The arguments a Slurm task repeats (all but --threads, --quiet and the backend's).
std::vector<std::string> task_command(const ChaosArgs& a) {
  std::vector<std::string> words{"chaos", a.scenario_path};
  for (const std::string& v : a.vary)
    words.insert(words.end(), {"--vary", v});
  for (const std::string& o : a.overrides)
    words.insert(words.end(), {"--set", o});
  words.insert(words.end(), {"--replicates", std::to_string(a.replicates), "--horizon",
                             std::to_string(a.horizon), "--sites", std::to_string(a.sites),
                             "--perturb", a.perturb});
  if (!a.output.empty()) words.insert(words.end(), {"--output", a.output});
  return words;
}

int execute(const ChaosArgs& a) {
  using namespace caresim::analysis;
  using ensemble::BackendMode;
  std::optional<ensemble::Backend> backend;
  try {
    ensemble::BackendOptions choice = backend_options(a.backend);
    // Run in one go, the runs folder is scratch: resume an interrupted attempt at this very
    // diagram, replace anything else.
    choice.replace_other_plan = choice.mode == BackendMode::automatic;
    backend.emplace(choice);
  } catch (const std::invalid_argument& e) {
    fmt::print(stderr, "caresim: error: {}\n", e.what());
    return kExitUsage;
  }
  const bool root = backend->root();
  const BackendMode mode = backend->options().mode;
  ensemble::BaseScenario base;
  base.source_name = a.scenario_path;
  {
    std::ifstream in(a.scenario_path);
    if (!in) {
      fmt::print(stderr, "caresim: error: {}: cannot read the scenario file\n", a.scenario_path);
      return kExitUsage;
    }
    std::ostringstream text;
    text << in.rdbuf();
    base.yaml_text = text.str();
  }
  PhaseDiagramOptions options;
  options.replicates = a.replicates;
  options.horizon = a.horizon;
  options.sites = a.sites;
  options.threads = a.threads;
  options.overrides = a.overrides;
  options.command_line = g_command_line;
  options.stop = &stop_signal();
  options.task_command = task_command(a);
  options.working_directory = std::filesystem::current_path();
  if (backend->ranks() > 1 && a.threads == 0) options.threads = 1;
  std::filesystem::path out;
  try {
    if (a.perturb == "mindset") {
      options.perturbation = CarePerturbation::mindset;
    } else if (a.perturb == "tie") {
      options.perturbation = CarePerturbation::tie;
    } else if (a.perturb == "system_share") {
      options.perturbation = CarePerturbation::system_share;
    } else {
      throw ScenarioError(
          fmt::format("--perturb: expected mindset, tie or system_share, got '{}'", a.perturb));
    }
    for (const std::string& v : a.vary)
      options.axes.push_back(parse_phase_axis(v, a.scenario_path));
    check_phase_axes(base, options);
    const Scenario scenario = parse_scenario(base.yaml_text, base.source_name, a.overrides);
    out = a.output.empty() ? std::filesystem::path(scenario.name + "_chaos.h5")
                           : std::filesystem::path(a.output);
  } catch (const ScenarioError& e) {
    if (root) fmt::print(stderr, "caresim: error: {}\n", e.what());
    return kExitUsage;
  }
  const std::filesystem::path parent =
      out.has_parent_path() ? out.parent_path() : std::filesystem::path(".");
  if (!std::filesystem::is_directory(parent)) {
    if (root)
      fmt::print(stderr, "caresim: error: {}: output directory does not exist\n", parent.string());
    return kExitUsage;
  }
  options.scratch = out;
  options.scratch += ".runs";

  stop_on_signals();
  const auto start = std::chrono::steady_clock::now();
  // A Slurm array keeps its runs folder until --collect has read it.
  const auto drop_scratch = [&] {
    if (!root || mode == BackendMode::emit_slurm || mode == BackendMode::slurm_task) return;
    std::error_code ec;
    std::filesystem::remove_all(options.scratch, ec);
  };
  PhaseDiagram diagram;
  try {
    PhaseDiagramRun run = phase_diagram(*backend, base, options);
    if (stop_signal().load() != 0) {
      fmt::print(stderr, "caresim: stopped by signal {}; nothing written\n", stop_signal().load());
      drop_scratch();
      return 128 + stop_signal().load();
    }
    if (run.result.stage != ensemble::EnsembleStage::done)
      return report_stage(run.result, "chaos", base.source_name, a.quiet);
    diagram = std::move(run.diagram);
    write_phase_diagram(diagram, out);
    drop_scratch();
  } catch (const ensemble::EnsembleError& e) {
    fmt::print(stderr, "caresim: error: {}\n", e.what());
    return kExitUsage;
  } catch (const ScenarioError& e) {
    fmt::print(stderr, "caresim: error: {}\n", e.what());
    return kExitUsage;
  } catch (const std::exception& e) {
    fmt::print(stderr, "caresim: error: the phase diagram failed: {}\n", e.what());
    return kExitFailure;
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (!a.quiet) {
    fmt::print("{}", format_phase_diagram(diagram));
    fmt::print("output: {} ({} runs in {})\n", out.string(),
               diagram.points() * static_cast<std::size_t>(diagram.replicates),
               format_duration(seconds));
  }
  double failed = 0.0;
  for (const double f : diagram.failed_runs)
    failed += f;
  if (failed > 0) {
    fmt::print(stderr, "caresim: {} runs failed (their values are NaN)\n", failed);
    return kExitFailure;
  }
  return kExitOk;
}

}  // namespace

void add_chaos_command(CLI::App& root, std::vector<Command>& commands) {
  auto args = std::make_shared<ChaosArgs>();
  CLI::App* chaos = root.add_subcommand(
      "chaos",
      "Phase diagram over one or two keys: Lyapunov exponent from twin runs (any model with twin "
      "runs); for the care model also order parameters and susceptibility");
  chaos
      ->add_option("scenario", args->scenario_path,
                   "Scenario YAML file (the care model or a teaching model with twin runs)")
      ->required();
  chaos->add_option("--vary", args->vary, "A key and its range, e.g. mindset.steepness=5:40:6")
      ->type_name("KEY.PATH=LO:HI:N")
      ->required();
  chaos->add_option("--replicates", args->replicates, "Runs per point (seeds run.seed + r)");
  chaos->add_option("--horizon", args->horizon,
                    "Twin-run horizon in days, branching that many days before the end");
  chaos->add_option("--sites", args->sites, "Perturbation sites per replicate");
  chaos->add_option("--perturb", args->perturb,
                    "What a twin run perturbs: mindset (default), tie or system_share");
  chaos->add_option("--set", args->overrides, "Override a scenario key for every run")
      ->type_name("KEY.PATH=VALUE");
  chaos->add_option("-o,--output", args->output,
                    "Output HDF5 file (default: <scenario name>_chaos.h5)");
  chaos
      ->add_option("--threads", args->threads,
                   "Worker threads; 0 = all cores (results do not depend on it)")
      ->check(CLI::NonNegativeNumber);
  chaos->add_flag("-q,--quiet", args->quiet, "Print nothing but errors");
  add_backend_options(chaos, args->backend);
  commands.push_back({chaos, [args] { return execute(*args); }});
}

}  // namespace caresim::cli
