// caresim compare: paired what-if comparisons of two or more scenarios (common random numbers).
// The work is in caresim/ensemble/compare.
#include <fmt/format.h>

#include <atomic>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <sstream>

#include "caresim/ensemble/compare.hpp"
#include "caresim/ensemble/compare_report.hpp"
#include "caresim/io/checkpoint_file.hpp"
#include "caresim/scenario/load.hpp"
#include "command.hpp"

namespace caresim::cli {
namespace {

struct CompareArgs {
  std::vector<std::string> scenarios;
  std::vector<std::string> overrides;
  std::string output;
  std::string report;  // --report: the leader's HTML page
  int replicates = 8;
  std::optional<int> days;
  std::string from;        // a checkpoint every run starts from
  std::string parameters;  // --parameters: a posterior (calibration file or CSV of sets)
  int window = 28;
  double confidence = 0.95;
  int threads = 0;
  bool keep_runs = false;
  bool quiet = false;
  BackendArgs backend;
};

// The arguments a Slurm task repeats (all but --threads, --quiet, --keep-runs and the backend's).
std::vector<std::string> task_command(const CompareArgs& a) {
  std::vector<std::string> words{"compare"};
  words.insert(words.end(), a.scenarios.begin(), a.scenarios.end());
  for (const std::string& o : a.overrides) {
    words.push_back("--set");
    words.push_back(o);
  }
  words.insert(words.end(),
               {"--replicates", std::to_string(a.replicates), "--window", std::to_string(a.window),
                "--confidence", ensemble::format_exact(a.confidence)});
  if (a.days) words.insert(words.end(), {"--days", std::to_string(*a.days)});
  if (!a.from.empty()) words.insert(words.end(), {"--from", a.from});
  if (!a.parameters.empty()) words.insert(words.end(), {"--parameters", a.parameters});
  if (!a.output.empty()) words.insert(words.end(), {"--output", a.output});
  return words;
}

int execute(const CompareArgs& a) {
  using namespace caresim::ensemble;
  std::optional<Backend> backend;
  try {
    BackendOptions backend_choice = backend_options(a.backend);
    // Run in one go, the runs folder is scratch: resume an interrupted attempt at this very
    // comparison, replace anything else.
    backend_choice.replace_other_plan = backend_choice.mode == BackendMode::automatic;
    backend.emplace(backend_choice);
  } catch (const std::invalid_argument& e) {
    fmt::print(stderr, "caresim: error: {}\n", e.what());
    return kExitUsage;
  }
  const bool root = backend->root();
  const BackendMode mode = backend->options().mode;
  std::vector<CompareArm> arms;
  const std::vector<std::string> names = arm_names(a.scenarios);
  for (std::size_t i = 0; i < a.scenarios.size(); ++i) {
    std::ifstream in(a.scenarios[i]);
    if (!in || std::filesystem::is_directory(a.scenarios[i])) {
      if (root)
        fmt::print(stderr, "caresim: error: {}: cannot read the scenario file\n", a.scenarios[i]);
      return kExitUsage;
    }
    std::ostringstream text;
    text << in.rdbuf();
    arms.push_back({names[i], {text.str(), a.scenarios[i]}});
  }
  CompareOptions options;
  options.overrides = a.overrides;
  options.replicates = a.replicates;
  options.days = a.days;
  options.window = a.window;
  options.confidence = a.confidence;
  options.threads = a.threads;
  options.command_line = g_command_line;
  options.stop = &stop_signal();
  options.task_command = task_command(a);
  // The file records the command as run in one go, so --collect gives the local run's bytes.
  if (mode == BackendMode::collect) {
    const auto at = options.command_line.rfind(" --collect");
    if (at != std::string::npos) options.command_line.erase(at, 10);
  }
  options.working_directory = std::filesystem::current_path();
  if (!a.from.empty()) {
    // Read once here so a bad checkpoint is refused before any run starts.
    try {
      const io::Checkpoint saved = io::read_checkpoint(a.from);
      options.from = std::filesystem::absolute(a.from);
      if (root) {
        fmt::print(stderr, "caresim: every arm starts from {} (day {})\n", a.from, saved.day);
      }
    } catch (const std::exception& e) {
      if (root) fmt::print(stderr, "caresim: error: {}\n", e.what());
      return kExitUsage;
    }
  }
  if (!a.parameters.empty()) {
    try {
      options.parameters = load_parameter_sets(a.parameters);
      if (root && !a.quiet) {
        fmt::print(stderr, "caresim: parameter uncertainty: each replicate draws one of {}\n",
                   options.parameters->source);
      }
    } catch (const std::exception& e) {
      if (root) fmt::print(stderr, "caresim: error: --parameters: {}\n", e.what());
      return kExitUsage;
    }
  }
  if (backend->ranks() > 1 && a.threads == 0) options.threads = 1;
  try {
    check_comparison(arms, options);
  } catch (const ScenarioError& e) {
    if (root) fmt::print(stderr, "caresim: error: {}\n", e.what());
    return kExitUsage;
  }
  const std::filesystem::path out =
      a.output.empty() ? std::filesystem::path(fmt::format("{}_vs_{}.h5", names[0], names[1]))
                       : std::filesystem::path(a.output);
  const std::filesystem::path parent =
      out.has_parent_path() ? out.parent_path() : std::filesystem::path(".");
  if (!std::filesystem::is_directory(parent)) {
    if (root)
      fmt::print(stderr, "caresim: error: {}: output directory does not exist\n", parent.string());
    return kExitUsage;
  }
  options.scratch = out;
  options.scratch += ".runs";
  // A Slurm array keeps its runs folder until --collect has read it.
  const auto drop_scratch = [&] {
    if (a.keep_runs || !root || mode == BackendMode::emit_slurm || mode == BackendMode::slurm_task)
      return;
    std::error_code ec;
    std::filesystem::remove_all(options.scratch, ec);
    std::filesystem::remove(warm_up_checkpoint_path(options.scratch), ec);
  };

  const std::size_t total = arms.size() * static_cast<std::size_t>(a.replicates);
  const bool runs_here = mode == BackendMode::automatic || mode == BackendMode::slurm_task;
  if (!a.quiet && root && runs_here) {
    fmt::print(stderr, "caresim: compare {} arms x {} paired replicates = {} runs{}\n", arms.size(),
               a.replicates, total,
               backend->ranks() > 1 ? fmt::format(", over {} MPI ranks", backend->ranks())
                                    : std::string());
  }
  Progress progress(!a.quiet && root && runs_here, "runs");
  std::size_t done = 0;
  options.on_done = [&](const RunOutcome& o) {
    (void)o;
    progress(static_cast<int>(++done), static_cast<int>(total));
  };
  stop_on_signals();
  Comparison comparison;
  CompareReport leader;
  try {
    ComparisonRun run = run_comparison(*backend, arms, options);
    if (run.result.stage != EnsembleStage::done && stop_signal().load() == 0) {
      progress.finish_line();
      return report_stage(run.result, "compare", names[0] + "_vs_" + names[1], a.quiet);
    }
    comparison = std::move(run.comparison);
    if (stop_signal().load() != 0 || !complete(comparison)) {
      progress.finish_line();
      // The finished runs stay, so the same command resumes (run_comparison reuses them).
      fmt::print(stderr,
                 "caresim: stopped by signal {}; no comparison written; the runs done are kept "
                 "in {}: the same command again resumes\n",
                 stop_signal().load(), options.scratch.string());
      return 128 + stop_signal().load();
    }
    if (comparison.reused_runs > 0 && !a.quiet) {
      fmt::print(stderr, "caresim: resumed: {} of {} runs reused from {}\n", comparison.reused_runs,
                 total, options.scratch.string());
    }
    write_comparison(comparison, out);
    leader = compare_report(comparison, out);
    if (!a.report.empty()) {
      std::ofstream html(a.report, std::ios::binary | std::ios::trunc);
      html << report_html(leader);
      if (!html.flush()) {
        fmt::print(stderr, "caresim: error: {}: cannot write the report\n", a.report);
        drop_scratch();
        return kExitFailure;
      }
    }
  } catch (const EnsembleError& e) {
    progress.finish_line();
    fmt::print(stderr, "caresim: error: {}\n", e.what());
    return kExitUsage;
  } catch (const ScenarioError& e) {
    progress.finish_line();
    fmt::print(stderr, "caresim: error: {}\n", e.what());
    drop_scratch();
    return kExitUsage;
  } catch (const std::exception& e) {
    progress.finish_line();
    fmt::print(stderr, "caresim: error: the comparison failed: {}\n", e.what());
    drop_scratch();
    return kExitFailure;
  }
  drop_scratch();
  if (!a.quiet) {
    fmt::print("{}", format_report_table(leader));
    fmt::print("{}", format_neighbourhood_comparison(comparison));
    fmt::print("output: {} ({} runs in {}){}{}\n", out.string(), total,
               format_duration(comparison.seconds),
               a.keep_runs ? fmt::format("; run files kept in {}", options.scratch.string())
                           : std::string(),
               a.report.empty() ? std::string() : "; report: " + a.report);
  }
  return kExitOk;
}

}  // namespace

void add_compare_command(CLI::App& root, std::vector<Command>& commands) {
  auto args = std::make_shared<CompareArgs>();
  CLI::App* app = root.add_subcommand(
      "compare",
      "Paired what-if comparison (docs/compare.md): run each scenario for the same replicates "
      "(replicate r of every arm has the same seed), compare every arm with the first");
  app->add_option("scenarios", args->scenarios,
                  "Two or more scenario files; the first is the reference")
      ->required();
  app->add_option("--replicates", args->replicates,
                  "Paired replicates per arm (>= 2; seeds mix_seed(run.seed of the first arm, r))")
      ->capture_default_str();
  app->add_option("--days", args->days, "Run every arm for this many days (run.days)");
  app->add_option("--from", args->from,
                  "Start every run of every arm from this checkpoint (caresim run "
                  "--checkpoint-every): arms branch from one saved state")
      ->type_name("CHECKPOINT");
  app->add_option("--parameters", args->parameters,
                  "Parameter uncertainty (docs/calibration.md): replicate r draws one parameter "
                  "set from this posterior (the calibration.h5 `caresim calibrate` writes: history "
                  "matching's final sample or ABC-SMC's weighted particles; or a CSV with a header "
                  "of scenario keys and an optional weight column) and every arm applies it, so "
                  "the intervals cover chance and what is not known about the parameters")
      ->type_name("POSTERIOR");
  app->add_option("--window", args->window,
                  "Days of the trailing mean whose difference gives the time to effect")
      ->capture_default_str();
  app->add_option("--confidence", args->confidence, "Confidence level of every interval")
      ->capture_default_str();
  app->add_option("--set", args->overrides, "Override a scenario key in every arm")
      ->type_name("KEY.PATH=VALUE");
  app->add_option("-o,--output", args->output,
                  "Output HDF5 file (default: <first>_vs_<second>.h5)");
  app->add_option("--report", args->report,
                  "Also write the leader's report: one self-contained HTML page (table, plots "
                  "with intervals, time to effect, per-neighbourhood results)")
      ->type_name("OUT.html");
  app->add_option("--threads", args->threads,
                  "Worker threads; 0 = all cores (results do not depend on it)")
      ->check(CLI::NonNegativeNumber);
  app->add_flag(
      "--keep-runs", args->keep_runs,
      "Keep each run's own file (with its tables) in OUTPUT.runs/ (under Slurm the folder "
      "stays until --collect)");
  app->add_flag("-q,--quiet", args->quiet, "Print nothing but errors");
  add_backend_options(app, args->backend);
  commands.push_back({app, [args] { return execute(*args); }});
}

}  // namespace caresim::cli
