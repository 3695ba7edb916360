#include "caresim/ensemble/sweep.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <exception>
#include <fstream>
#include <sstream>

#include "caresim/catalogue/catalogue.hpp"
#include "caresim/core/random.hpp"
#include "caresim/engine/simulator.hpp"
#include "caresim/scenario/load.hpp"

namespace caresim::ensemble {
namespace {

std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return {};
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// FNV-1a, 64 bits: enough to tell two sweeps apart, not a cryptographic digest.
struct Hasher {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  void add(std::string_view text) {
    for (unsigned char c : text) {
      h ^= c;
      h *= 0x100000001b3ULL;
    }
    h ^= 0xff;  // separator, so ("ab", "c") and ("a", "bc") differ
    h *= 0x100000001b3ULL;
  }
};

double parameter_value(const SweepParameter& p, double u, bool grid) {
  if (!p.values.empty()) {
    const auto n = p.values.size();
    const auto k = std::min(n - 1, static_cast<std::size_t>(u * static_cast<double>(n)));
    return p.values[k];
  }
  if (p.integer && !grid) {
    // Equal weight for every integer in the range.
    const double lo = std::ceil(p.low), hi = std::floor(p.high);
    return std::min(hi, lo + std::floor(u * (hi - lo + 1.0)));
  }
  double value = 0.0;
  if (u >= 1.0) {
    value = p.high;
  } else if (p.distribution == Distribution::log_uniform) {
    value = std::exp(std::log(p.low) + u * (std::log(p.high) - std::log(p.low)));
  } else {
    value = p.low + u * (p.high - p.low);
  }
  return p.integer ? std::round(value) : value;
}

std::string override_text(const SweepParameter& p, double value) {
  if (p.integer) return p.key + "=" + std::to_string(static_cast<long long>(value));
  return p.key + "=" + format_exact(value);
}

std::string hex(std::uint64_t value) {
  return fmt::format("{:016x}", value);
}

}  // namespace

std::filesystem::path runs_folder(const std::filesystem::path& folder) {
  return folder / "runs";
}
std::filesystem::path summary_path(const std::filesystem::path& folder) {
  return folder / "summary.h5";
}
SweepPlan plan_sweep(const SweepSpec& spec, const std::optional<std::filesystem::path>& folder) {
  SweepPlan plan;
  plan.spec = spec;
  plan.folder = std::filesystem::absolute(folder ? *folder : spec.output).lexically_normal();
  plan.base.source_name = spec.scenario.string();
  plan.base.yaml_text = read_text(spec.scenario);
  if (plan.base.yaml_text.empty() && !std::filesystem::exists(spec.scenario)) {
    throw SweepError(spec.file.string() + ": scenario: cannot read '" + spec.scenario.string() +
                     "'");
  }

  const std::size_t d = spec.parameters.size();
  const std::uint64_t design_seed = mix_seed(spec.seed, 0x5eed, 1);
  const auto samples = static_cast<std::size_t>(spec.design.samples);
  switch (spec.design.kind) {
    case DesignKind::grid: {
      std::vector<int> levels;
      for (const SweepParameter& p : spec.parameters)
        levels.push_back(p.values.empty() ? p.levels : static_cast<int>(p.values.size()));
      plan.design = grid_design(levels);
      break;
    }
    case DesignKind::latin_hypercube:
      plan.design = latin_hypercube_design(samples, d, design_seed);
      break;
    case DesignKind::sobol:
      plan.design = saltelli_design(samples, d);
      break;
    case DesignKind::morris:
      plan.design = morris_design(samples, d, spec.design.levels, design_seed);
      break;
  }
  const bool grid = spec.design.kind == DesignKind::grid;
  const std::size_t points = plan.design.points();
  plan.values.resize(points * d);
  for (std::size_t p = 0; p < points; ++p) {
    for (std::size_t j = 0; j < d; ++j)
      plan.values[p * d + j] =
          parameter_value(spec.parameters[j], plan.design.unit[p * d + j], grid);
  }

  // Checks before any run: the base scenario with the fixed overrides, each parameter at its
  // lowest and highest value, and the metrics against the model's outputs.
  Scenario base;
  try {
    base = parse_scenario(plan.base.yaml_text, plan.base.source_name, spec.set);
  } catch (const ScenarioError& e) {
    throw SweepError(spec.file.string() + ": scenario: " + e.what());
  }
  for (std::size_t j = 0; j < d; ++j) {
    const SweepParameter& p = spec.parameters[j];
    double lo = plan.values.empty() ? 0.0 : plan.values[j], hi = lo;
    for (std::size_t q = 0; q < points; ++q) {
      lo = std::min(lo, plan.values[q * d + j]);
      hi = std::max(hi, plan.values[q * d + j]);
    }
    for (double value : {lo, hi}) {
      std::vector<std::string> overrides = spec.set;
      overrides.push_back(override_text(p, value));
      try {
        (void)parse_scenario(plan.base.yaml_text, plan.base.source_name, overrides);
      } catch (const ScenarioError& e) {
        throw SweepError(p.where + ": parameter '" + p.key + "': " + e.what());
      }
    }
  }
  {
    std::vector<std::string> overrides = spec.set;
    for (std::size_t j = 0; j < d; ++j)
      overrides.push_back(override_text(spec.parameters[j], plan.values[j]));
    try {
      const Scenario first = parse_scenario(plan.base.yaml_text, plan.base.source_name, overrides);
      const std::unique_ptr<Simulator> simulator = make_simulator(first);
      const std::string problem = check_metrics(spec.metrics, simulator->layout());
      if (!problem.empty()) throw SweepError(spec.file.string() + ": metrics: " + problem);
    } catch (const ScenarioError& e) {
      throw SweepError(spec.file.string() + ": parameters: the first point: " + e.what());
    } catch (const std::invalid_argument& e) {
      throw SweepError(spec.file.string() + ": scenario: cannot build the model: " + e.what());
    }
  }

  Hasher hasher;
  hasher.add("caresim-sweep-v1");
  hasher.add(to_yaml(base));
  for (const MetricSpec& m : spec.metrics) {
    hasher.add(fmt::format("{}|{}|{}|{}|{}|{}|{}", m.name, m.series, m.column,
                           static_cast<int>(m.reduction), m.last_days, format_exact(m.threshold),
                           m.above));
  }
  for (const SweepParameter& p : spec.parameters)
    hasher.add(p.key);
  hasher.add(kDesignKindNames[static_cast<int>(spec.design.kind)]);
  for (std::int64_t b : plan.design.block)
    hasher.add(std::to_string(b));
  for (std::int64_t r : plan.design.role)
    hasher.add(std::to_string(r));

  const auto replicates = static_cast<std::size_t>(spec.replicates);
  plan.runs.reserve(points * replicates);
  const std::filesystem::path runs = runs_folder(plan.folder);
  for (std::size_t p = 0; p < points; ++p) {
    std::vector<std::string> overrides = spec.set;
    for (std::size_t j = 0; j < d; ++j)
      overrides.push_back(override_text(spec.parameters[j], plan.values[p * d + j]));
    for (std::size_t r = 0; r < replicates; ++r) {
      PlannedRun run;
      run.id = static_cast<std::int64_t>(p * replicates + r);
      run.seed = mix_seed(spec.seed, p, r);
      run.overrides = overrides;
      run.overrides.push_back("run.seed=" + std::to_string(run.seed));
      run.output = runs / fmt::format("run_{:06d}.h5", run.id);
      for (const std::string& o : run.overrides)
        hasher.add(o);
      plan.runs.push_back(std::move(run));
    }
  }
  plan.hash = hasher.h;
  return plan;
}

void prepare_folder(const SweepPlan& plan) {
  const std::filesystem::path hash_file = plan.folder / "sweep_hash";
  if (std::filesystem::exists(hash_file)) {
    std::string recorded = read_text(hash_file);
    while (!recorded.empty() && std::isspace(static_cast<unsigned char>(recorded.back())))
      recorded.pop_back();
    if (recorded != hex(plan.hash)) {
      throw SweepError(plan.folder.string() + ": holds a different sweep (hash " + recorded +
                       ", this spec " + hex(plan.hash) +
                       "): the spec or its scenario changed; give --output NEW_FOLDER to start a "
                       "new sweep, or restore the spec");
    }
    return;
  }
  std::error_code ec;
  std::filesystem::create_directories(runs_folder(plan.folder), ec);
  if (ec)
    throw SweepError(plan.folder.string() + ": cannot create the sweep folder: " + ec.message());
  {
    std::ofstream spec(plan.folder / "spec.yaml", std::ios::binary);
    spec << plan.spec.text;
  }
  std::ofstream out(hash_file, std::ios::binary);
  out << hex(plan.hash) << "\n";
  if (!out) throw SweepError(hash_file.string() + ": cannot write");
}

std::vector<RunOutcome> read_manifests(const SweepPlan& plan) {
  return read_manifests(plan.folder, plan.hash, plan.runs.size(), plan.spec.metrics.size());
}

std::vector<PlannedRun> pending_runs(const SweepPlan& plan, const std::vector<RunOutcome>& done) {
  std::vector<PlannedRun> pending;
  for (std::size_t i = 0; i < plan.runs.size(); ++i) {
    if (done[i].id < 0 || done[i].status != RunStatus::finished) pending.push_back(plan.runs[i]);
  }
  return pending;
}

EnsembleResult run_sweep(const Backend& backend, const SweepPlan& plan,
                         const RunnerOptions& runner) {
  std::exception_ptr problem;
  if (backend.root()) {
    try {
      prepare_folder(plan);
    } catch (...) {
      problem = std::current_exception();
    }
  }
  if (backend.agree(problem ? 1 : 0) != 0) {
    if (problem) std::rethrow_exception(problem);
    EnsembleResult result;
    result.stage = EnsembleStage::other_rank;
    return result;
  }
  EnsembleResult result = backend.run(ensemble_plan(plan), runner);
  if (result.stage == EnsembleStage::done)
    write_summary(plan, result.outcomes, summary_path(plan.folder));
  return result;
}

EnsemblePlan ensemble_plan(const SweepPlan& plan) {
  EnsemblePlan e;
  e.command = "sweep";
  e.name = plan.spec.name;
  e.bases = {plan.base};
  e.runs = plan.runs;
  e.metrics = plan.spec.metrics;
  e.hash = plan.hash;
  e.folder = plan.folder;
  e.hash_file = "sweep_hash";
  e.task_command = sweep_task_command(plan);
  return e;
}

std::vector<std::string> sweep_task_command(const SweepPlan& plan) {
  return {"sweep", std::filesystem::absolute(plan.spec.file).string(), "--output",
          plan.folder.string()};
}

}  // namespace caresim::ensemble
