// Paired what-if comparisons: the plan (arms x replicates, common random numbers) and reading
// the runs back. The statistics are in compare_statistics.cpp, the file in compare_file.cpp, the
// printed table in compare_table.cpp; docs/compare.md explains the statistics.
#include "caresim/ensemble/compare.hpp"

#include <fmt/format.h>

#include <cctype>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <limits>
#include <set>
#include <stdexcept>

#include "caresim/catalogue/catalogue.hpp"
#include "caresim/core/archive.hpp"
#include "caresim/core/numbers.hpp"
#include "caresim/core/random.hpp"
#include "caresim/engine/simulator.hpp"
#include "caresim/io/checkpoint_file.hpp"
#include "caresim/io/netcdf.hpp"
#include "caresim/io/run_file.hpp"
#include "caresim/scenario/load.hpp"
#include "caresim/version.hpp"
#include "compare_detail.hpp"

namespace caresim::ensemble {
namespace nc = io::netcdf;
namespace {

bool is_plain_name(std::string_view name) {
  if (name.empty() || !std::isalpha(static_cast<unsigned char>(name[0]))) return false;
  for (const char c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') return false;
  }
  return true;
}

// The scenario of one arm as every run of it sees it, before the run's own seed.
std::vector<std::string> arm_overrides(const CompareOptions& options) {
  std::vector<std::string> overrides = options.overrides;
  if (options.days) overrides.push_back("run.days=" + std::to_string(*options.days));
  return overrides;
}

// The per-neighbourhood series of every run, as time means (Comparison::neighbourhood_run_mean),
// and their statistics: only when every arm has the reference's neighbourhoods (same names and
// flags), so that neighbourhood n is the same place in every run.
void read_neighbourhoods(Comparison& c) {
  const auto R = static_cast<std::size_t>(c.replicates);
  const auto dimension_of = [](const RunLayout& layout) -> int {
    for (std::size_t k = 0; k < layout.dimensions.size(); ++k) {
      if (layout.dimensions[k].name == "neighbourhood") return static_cast<int>(k);
    }
    return -1;
  };
  const RunLayout& reference = c.outcomes.front().layout;
  const int dim = dimension_of(reference);
  if (dim < 0) return;
  const Dimension& hoods = reference.dimensions[static_cast<std::size_t>(dim)];
  for (std::size_t a = 1; a < c.arm_count(); ++a) {
    const RunLayout& layout = c.outcomes[a * R].layout;
    const int k = dimension_of(layout);
    if (k < 0) return;
    const Dimension& other = layout.dimensions[static_cast<std::size_t>(k)];
    if (other.labels != hoods.labels || other.flagged != hoods.flagged) return;
  }
  std::vector<std::string> metrics;
  for (const SeriesSpec& spec : reference.series) {
    if (spec.dimension != dim) continue;
    metrics.push_back(spec.name);
    c.neighbourhood_metric_units.push_back(spec.units);
    c.neighbourhood_metric_descriptions.push_back(spec.description);
  }
  c.neighbourhood_metrics = metrics;
  c.neighbourhoods = hoods.labels;
  c.neighbourhood_flagged = hoods.flagged;
  c.neighbourhood_flagged.resize(hoods.labels.size(), 0);
  c.neighbourhood_flag = hoods.flagged.empty() ? std::string() : hoods.flag;
  const std::size_t M = metrics.size(), N = hoods.labels.size(),
                    days = static_cast<std::size_t>(c.days);
  c.neighbourhood_run_mean.assign(c.outcomes.size() * M * N, kNaN);
  for (std::size_t i = 0; i < c.outcomes.size(); ++i) {
    const nc::Reader file(c.run_files[i]);
    for (std::size_t m = 0; m < M; ++m) {
      const std::vector<double> values = file.read_doubles(metrics[m]);  // (time, neighbourhood)
      if (values.size() != days * N) {
        throw std::runtime_error(fmt::format("{}: series {} holds {} values, expected {}",
                                             c.run_files[i].string(), metrics[m], values.size(),
                                             days * N));
      }
      for (std::size_t n = 0; n < N; ++n) {
        double sum = 0.0;
        for (std::size_t t = 0; t < days; ++t)
          sum += values[t * N + n];
        c.neighbourhood_run_mean[(i * M + m) * N + n] = sum / static_cast<double>(days);
      }
    }
  }
  detail::compute_neighbourhood_statistics(c);
}

}  // namespace

std::vector<std::string> arm_names(std::span<const std::string> files) {
  std::vector<std::string> names;
  std::set<std::string> taken;
  for (const std::string& file : files) {
    std::string stem = std::filesystem::path(file).stem().string();
    for (char& ch : stem) {
      if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '_') ch = '_';
    }
    if (stem.empty() || !std::isalpha(static_cast<unsigned char>(stem[0]))) stem = "arm_" + stem;
    std::string name = stem;
    for (int k = 2; taken.count(name) != 0; ++k)
      name = stem + "_" + std::to_string(k);
    taken.insert(name);
    names.push_back(name);
  }
  return names;
}

void check_comparison(std::span<const CompareArm> arms, const CompareOptions& options) {
  if (arms.size() < 2) {
    throw ScenarioError(
        fmt::format("compare: expected at least two scenario files (the reference first), got {}",
                    arms.size()));
  }
  if (options.replicates < 2) {
    throw ScenarioError(
        fmt::format("--replicates: expected at least 2 (a paired interval needs two pairs), got {}",
                    options.replicates));
  }
  if (options.days && *options.days < 1) {
    throw ScenarioError(fmt::format("--days: expected at least 1, got {}", *options.days));
  }
  if (options.window < 1) {
    throw ScenarioError(fmt::format("--window: expected at least 1 day, got {}", options.window));
  }
  if (!(options.confidence > 0.0 && options.confidence < 1.0)) {
    throw ScenarioError(
        fmt::format("--confidence: expected a number in (0, 1), got {}", options.confidence));
  }
  std::set<std::string> names;
  const std::vector<std::string> overrides = arm_overrides(options);
  std::optional<Scenario> reference;
  for (const CompareArm& arm : arms) {
    if (!is_plain_name(arm.name) || !names.insert(arm.name).second) {
      throw ScenarioError(
          fmt::format("{}: arm name '{}': expected a unique name of letters, digits and '_'",
                      arm.base.source_name, arm.name));
    }
    const Scenario s = parse_scenario(arm.base.yaml_text, arm.base.source_name, overrides);
    if (!reference) {
      reference = s;
      continue;
    }
    const std::string& ref = arms[0].base.source_name;
    if (s.model != reference->model) {
      throw ScenarioError(
          fmt::format("{}: model: expected the same model as {}", arm.base.source_name, ref));
    }
    if (s.run.days != reference->run.days) {
      throw ScenarioError(fmt::format(
          "{}: run.days: expected {} days like {} (every arm must run as long; use --days to "
          "set one length for all), got {}",
          arm.base.source_name, reference->run.days, ref, s.run.days));
    }
    if (s.run.start_date != reference->run.start_date) {
      throw ScenarioError(fmt::format(
          "{}: run.start_date: expected {} like {} (every arm must start on the same day), got {}",
          arm.base.source_name, reference->run.start_date, ref, s.run.start_date));
    }
  }
}

ComparisonRun run_comparison(const Backend& backend, std::span<const CompareArm> arms,
                             const CompareOptions& options) {
  check_comparison(arms, options);
  const auto start = std::chrono::steady_clock::now();
  const std::vector<std::string> overrides = arm_overrides(options);
  ComparisonRun out;
  Comparison& c = out.comparison;
  c.overrides = options.overrides;
  c.command_line = options.command_line;
  c.replicates = options.replicates;
  c.window = options.window;
  c.confidence = options.confidence;
  EnsemblePlan plan;
  plan.command = "compare";
  plan.folder = std::filesystem::absolute(options.scratch).lexically_normal();
  plan.task_command = options.task_command;
  plan.working_directory = options.working_directory;
  for (const CompareArm& arm : arms) {
    const Scenario s = parse_scenario(arm.base.yaml_text, arm.base.source_name, overrides);
    c.arms.push_back(arm.name);
    c.arm_files.push_back(arm.base.source_name);
    c.arm_texts.push_back(arm.base.yaml_text);
    c.arm_scenarios.push_back(to_yaml(s));
    if (plan.bases.empty()) {
      c.days = s.run.days;
      c.start_date = s.run.start_date;
      c.base_seed = s.run.seed;
    }
    plan.bases.push_back(arm.base);
  }
  plan.name = fmt::format("{}", fmt::join(c.arms, "_vs_"));
  const auto R = static_cast<std::size_t>(options.replicates);
  for (std::size_t r = 0; r < R; ++r)
    c.seeds.push_back(mix_seed(c.base_seed, r));

  // Parameter uncertainty: replicate r's set, the same in every arm (paired).
  std::vector<std::vector<std::string>> set_overrides(R);
  if (options.parameters) {
    const ParameterSets& sets = *options.parameters;
    c.parameter_names = sets.names;
    c.parameter_set = draw_parameter_sets(sets, c.base_seed, R);
    c.parameter_sets_available = sets.count();
    c.parameters_file = sets.file.string();
    c.parameters_source = sets.source;
    std::set<std::size_t> distinct(c.parameter_set.begin(), c.parameter_set.end());
    c.distinct_parameter_sets = distinct.size();
    const std::size_t d = sets.parameter_count();
    for (std::size_t r = 0; r < R; ++r) {
      set_overrides[r] = sets.overrides(c.parameter_set[r]);
      for (std::size_t j = 0; j < d; ++j) {
        double v = sets.values[c.parameter_set[r] * d + j];
        if (sets.integer[j]) v = std::round(v);
        c.parameter_values.push_back(v);
      }
    }
    // Every arm must accept every drawn set before anything runs.
    for (const std::size_t i : distinct) {
      std::vector<std::string> with = overrides;
      const std::vector<std::string> set = sets.overrides(i);
      with.insert(with.end(), set.begin(), set.end());
      for (const CompareArm& arm : arms) {
        try {
          (void)parse_scenario(arm.base.yaml_text, arm.base.source_name, with);
        } catch (const ScenarioError& e) {
          throw ScenarioError(fmt::format("--parameters {}: parameter set {}: {}",
                                          sets.file.string(), i + 1, e.what()));
        }
      }
    }
  }

  for (std::size_t a = 0; a < arms.size(); ++a) {
    for (std::size_t r = 0; r < R; ++r) {
      PlannedRun run;
      run.id = static_cast<std::int64_t>(a * R + r);
      run.base = a;
      run.seed = c.seeds[r];
      run.overrides = overrides;
      run.overrides.insert(run.overrides.end(), set_overrides[r].begin(), set_overrides[r].end());
      run.overrides.push_back("run.seed=" + std::to_string(run.seed));
      run.output = plan.folder / fmt::format("{}_r{:03d}.h5", arms[a].name, r);
      c.run_files.push_back(run.output);
      plan.runs.push_back(std::move(run));
    }
  }
  // A warm-up (run.warm_up_days, docs/model.md 3.4.1) is the baseline's, shared by every arm:
  // saved once as a checkpoint of the first arm at day 0, from which every run branches, so
  // that an arm that changes a parameter starts from the baseline's state and the arms differ
  // from day 0 on. Not with --from (its state is the start) or --parameters (each replicate's
  // parameter set warms up under itself, in each arm).
  std::filesystem::path from_path = options.from;
  if (!options.from.empty()) c.from_day = io::read_checkpoint(options.from).day;
  if (from_path.empty() && !options.parameters) {
    const Scenario first =
        parse_scenario(arms[0].base.yaml_text, arms[0].base.source_name, overrides);
    if (first.model == ModelKind::care && first.run.warm_up_days > 0) {
      // Beside the runs folder (which a new plan clears), reused while it holds this baseline.
      const std::string yaml = to_yaml(first);
      from_path = warm_up_checkpoint_path(plan.folder);
      bool reuse = false;
      if (std::filesystem::exists(from_path)) {
        try {
          reuse = io::read_checkpoint(from_path).scenario_yaml == yaml;
        } catch (const std::runtime_error&) {
          reuse = false;  // unreadable: made again
        }
      }
      if (!reuse) {
        const std::unique_ptr<Simulator> warmed = make_simulator(first);
        io::Checkpoint saved;
        saved.caresim_version = kVersion;
        saved.scenario_yaml = yaml;
        saved.scenario_file = arms[0].base.source_name;
        saved.day = warmed->day();
        saved.row_width = warmed->layout().row_width();
        saved.tables = warmed->tables(false);
        StateArchive writer = StateArchive::writer();
        warmed->visit_state(writer);
        saved.state = writer.take_bytes();
        if (from_path.has_parent_path())
          std::filesystem::create_directories(from_path.parent_path());
        io::write_checkpoint(from_path, saved);
      }
    }
  }
  // Branches of another checkpoint are another plan.
  std::vector<std::string> plan_extra;
  if (!options.from.empty()) {
    const std::filesystem::path from = std::filesystem::absolute(options.from).lexically_normal();
    plan_extra.push_back(
        fmt::format("from={}@{}", from.string(),
                    std::filesystem::last_write_time(from).time_since_epoch().count()));
  }
  plan.hash = plan_hash(plan, plan_extra);
  RunnerOptions runner;
  runner.start_from = from_path;
  runner.threads = options.threads;
  runner.stop = options.stop;
  runner.command_line = options.command_line;
  runner.on_done = options.on_done;
  out.result = backend.run(plan, runner);
  out.comparison.reused_runs = out.result.already_done;
  c.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  c.outcomes = out.result.outcomes;
  if (out.result.stage != EnsembleStage::done) return out;
  const std::vector<PlannedRun>& runs = plan.runs;
  if (!complete(c)) {
    for (std::size_t i = 0; i < c.outcomes.size(); ++i) {
      if (c.outcomes[i].status == RunStatus::failed) {
        throw std::runtime_error(fmt::format("arm '{}' replicate {} (seed {}) failed: {}",
                                             c.arms[i / R], i % R, runs[i].seed,
                                             c.outcomes[i].error));
      }
    }
    return out;  // stopped
  }

  // Each arm's output layout and the model's headline series, from the model as its first
  // replicate built it: the same whichever process ran the runs (outcomes read back from a
  // manifest carry no layout).
  std::vector<std::string> headline;
  for (std::size_t a = 0; a < arms.size(); ++a) {
    const Scenario s =
        parse_scenario(arms[a].base.yaml_text, arms[a].base.source_name, runs[a * R].overrides);
    const std::unique_ptr<Simulator> simulator = make_simulator(s, /*warm_up=*/false);
    RunOutcome& first = c.outcomes[a * R];
    first.layout = simulator->layout();
    if (a == 0) {
      for (const std::size_t i : simulator->headline_series())
        headline.push_back(first.layout.series[i].name);
    }
  }

  // The compared series: the model's headline series, which every arm must write.
  const RunOutcome& first = c.outcomes.front();
  c.metrics = headline;
  for (const std::string& name : c.metrics) {
    for (const SeriesSpec& spec : first.layout.series) {
      if (spec.name == name) {
        c.metric_units.push_back(spec.units);
        c.metric_descriptions.push_back(spec.description);
      }
    }
  }
  const std::size_t M = c.metrics.size(), days = static_cast<std::size_t>(c.days);
  std::vector<double> daily(arms.size() * R * M * days, kNaN);
  for (std::size_t i = 0; i < c.outcomes.size(); ++i) {
    const nc::Reader file(c.run_files[i]);
    for (std::size_t m = 0; m < M; ++m) {
      if (!file.has_variable(c.metrics[m])) {
        throw std::runtime_error(
            fmt::format("arm '{}' does not write the series {}", c.arms[i / R], c.metrics[m]));
      }
      const std::vector<double> values = file.read_doubles(c.metrics[m]);
      if (values.size() != days) {
        throw std::runtime_error(fmt::format("{}: series {} holds {} days, expected {}",
                                             c.run_files[i].string(), c.metrics[m], values.size(),
                                             days));
      }
      std::copy(values.begin(), values.end(),
                daily.begin() + static_cast<std::ptrdiff_t>((i * M + m) * days));
    }
  }
  detail::compute_statistics(c, daily);
  read_neighbourhoods(c);
  return out;
}

Comparison run_comparison(std::span<const CompareArm> arms, const CompareOptions& options) {
  BackendOptions local;
  local.mode = BackendMode::local;
  local.fresh = true;
  const Backend backend(local);
  return run_comparison(backend, arms, options).comparison;
}

std::string Comparison::uncertainty_text() const {
  if (!has_parameters()) {
    return "The intervals cover run-to-run chance only: every run uses the scenarios' own "
           "parameter values.";
  }
  if (distinct_parameter_sets == 1 && replicates > 1) {
    return fmt::format(
        "The intervals cover run-to-run chance only: every one of the {} replicates drew the same "
        "one of the {}, so they say nothing about parameter uncertainty (more replicates draw "
        "more sets).",
        replicates, parameters_source);
  }
  return fmt::format(
      "The intervals cover both run-to-run chance and parameter uncertainty: replicate r of "
      "every arm ran with one parameter set drawn from {} ({} distinct sets among the {} "
      "replicates; {} parameters: {}).",
      parameters_source, distinct_parameter_sets, replicates, parameter_names.size(),
      fmt::join(parameter_names, ", "));
}

bool complete(const Comparison& c) {
  for (const RunOutcome& o : c.outcomes) {
    if (o.status != RunStatus::finished) return false;
  }
  return !c.outcomes.empty();
}
}  // namespace caresim::ensemble
