#include "caresim/ensemble/sweep.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "caresim/catalogue/catalogue.hpp"
#include "caresim/core/random.hpp"
#include "caresim/engine/simulator.hpp"
#include "caresim/io/run_file.hpp"
#include "caresim/scenario/load.hpp"

namespace caresim::ensemble {
namespace {

constexpr const char* kManifestMagic = "# caresim sweep manifest";

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
std::filesystem::path manifest_path(const std::filesystem::path& folder, std::optional<int> task) {
  return folder / (task ? fmt::format("manifest-task-{}.tsv", *task) : std::string("manifest.tsv"));
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

ManifestWriter::ManifestWriter(const std::filesystem::path& path, std::uint64_t hash,
                               std::size_t metrics) {
  std::error_code ec;
  const auto size = std::filesystem::exists(path) ? std::filesystem::file_size(path, ec) : 0;
  bool torn = false;
  if (size > 0) {
    std::ifstream in(path, std::ios::binary);
    in.seekg(-1, std::ios::end);
    torn = in.get() != '\n';
  }
  file_ = std::fopen(path.c_str(), "ab");
  if (file_ == nullptr) throw SweepError(path.string() + ": cannot open the manifest");
  // A process killed mid-line leaves a torn last line; end it so the next record stands alone.
  if (torn) std::fputc('\n', file_);
  if (size == 0)
    std::fprintf(file_, "%s hash=%s metrics=%zu\n", kManifestMagic, hex(hash).c_str(), metrics);
  std::fflush(file_);
}

ManifestWriter::~ManifestWriter() {
  if (file_ != nullptr) std::fclose(file_);
}

void ManifestWriter::record(const RunOutcome& outcome) {
  if (outcome.status != RunStatus::finished && outcome.status != RunStatus::failed) return;
  std::string line = fmt::format("{}\t{}\t{:.6f}\t{:.6f}", outcome.id,
                                 outcome.status == RunStatus::finished ? "finished" : "failed",
                                 outcome.seconds, outcome.sim_seconds);
  for (double m : outcome.metrics)
    line += "\t" + format_exact(m);
  line += "\n";
  std::fwrite(line.data(), 1, line.size(), file_);
  std::fflush(file_);
}

std::vector<RunOutcome> read_manifests(const SweepPlan& plan) {
  std::vector<RunOutcome> done(plan.runs.size());
  if (!std::filesystem::is_directory(plan.folder)) return done;
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(plan.folder)) {
    const std::string name = entry.path().filename().string();
    if (name.starts_with("manifest") && name.ends_with(".tsv")) files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  const std::size_t m = plan.spec.metrics.size();
  const std::string header =
      fmt::format("{} hash={} metrics={}", kManifestMagic, hex(plan.hash), m);
  for (const auto& path : files) {
    std::ifstream in(path, std::ios::binary);
    std::string line;
    if (!std::getline(in, line)) continue;
    if (line != header) {
      throw SweepError(path.string() + ": belongs to another sweep (expected '" + header +
                       "', got '" + line + "'); give --output NEW_FOLDER to start a new sweep");
    }
    while (std::getline(in, line)) {
      if (in.eof()) break;  // no newline: torn by a killed process
      std::vector<std::string_view> fields;
      std::string_view rest = line;
      for (;;) {
        const auto tab = rest.find('\t');
        fields.push_back(rest.substr(0, tab));
        if (tab == std::string_view::npos) break;
        rest.remove_prefix(tab + 1);
      }
      if (fields.size() != 4 + m) continue;
      try {
        const long long id = std::stoll(std::string(fields[0]));
        if (id < 0 || static_cast<std::size_t>(id) >= done.size()) continue;
        RunOutcome outcome;
        outcome.id = id;
        outcome.status = fields[1] == "finished" ? RunStatus::finished : RunStatus::failed;
        outcome.seconds = parse_exact(fields[2]);
        outcome.sim_seconds = parse_exact(fields[3]);
        for (std::size_t k = 0; k < m; ++k)
          outcome.metrics.push_back(parse_exact(fields[4 + k]));
        // A finished line counts only if its run file still says so (issue 14: a run file
        // overwritten or lost after the fact is a run to redo, not a run to count).
        if (outcome.status == RunStatus::finished &&
            io::inspect_run_file(plan.runs[static_cast<std::size_t>(id)].output) !=
                io::RunFileState::finished) {
          continue;
        }
        RunOutcome& slot = done[static_cast<std::size_t>(id)];
        if (slot.id < 0 ||
            (slot.status != RunStatus::finished && outcome.status == RunStatus::finished)) {
          slot = std::move(outcome);
        }
      } catch (const std::exception&) {
        continue;  // a malformed line is a run to redo
      }
    }
  }
  return done;
}

std::vector<PlannedRun> pending_runs(const SweepPlan& plan, const std::vector<RunOutcome>& done) {
  std::vector<PlannedRun> pending;
  for (std::size_t i = 0; i < plan.runs.size(); ++i) {
    if (done[i].id < 0 || done[i].status != RunStatus::finished) pending.push_back(plan.runs[i]);
  }
  return pending;
}

std::pair<std::size_t, std::size_t> task_share(std::size_t runs, int tasks, int task) {
  const auto k = static_cast<std::size_t>(task), n = static_cast<std::size_t>(tasks);
  return {k * runs / n, (k + 1) * runs / n};
}

std::filesystem::path emit_slurm(const SweepPlan& plan, const SlurmOptions& options) {
  const std::size_t n = plan.runs.size();
  int tasks = options.array_size;
  if (tasks <= 0) tasks = static_cast<int>(std::clamp<std::size_t>((n + 63) / 64, 1, 1000));
  tasks = static_cast<int>(std::min<std::size_t>(static_cast<std::size_t>(tasks), n));
  std::filesystem::create_directories(plan.folder / "slurm");
  {
    std::ofstream map(plan.folder / "tasks.tsv", std::ios::binary);
    map << "# caresim sweep task map: task, first run, end run (exclusive); tasks=" << tasks
        << "\n";
    for (int t = 0; t < tasks; ++t) {
      const auto [first, end] = task_share(n, tasks, t);
      map << t << "\t" << first << "\t" << end << "\n";
    }
    if (!map) throw SweepError((plan.folder / "tasks.tsv").string() + ": cannot write");
  }
  const std::filesystem::path script = plan.folder / "sweep.sbatch";
  std::ofstream out(script, std::ios::binary);
  const std::filesystem::path spec = std::filesystem::absolute(plan.spec.file);
  out << "#!/bin/bash\n";
  out << "#SBATCH --job-name=caresim-" << plan.spec.name << "\n";
  out << "#SBATCH --array=0-" << tasks - 1 << "\n";
  out << "#SBATCH --ntasks=1\n";
  out << "#SBATCH --cpus-per-task=" << options.cpus_per_task << "\n";
  out << "#SBATCH --time=" << options.time << "\n";
  if (!options.mem.empty()) out << "#SBATCH --mem=" << options.mem << "\n";
  if (!options.partition.empty()) out << "#SBATCH --partition=" << options.partition << "\n";
  out << "#SBATCH --output=" << (plan.folder / "slurm" / "task-%a.out").string() << "\n";
  out << "# Written by caresim sweep --emit-slurm. Task K runs the runs tasks.tsv gives it and\n"
         "# records them in manifest-task-K.tsv; a task that is re-run skips runs already done.\n"
         "# When the array is done: caresim sweep SPEC --output FOLDER --collect\n";
  out << "set -euo pipefail\n";
  out << "exec '" << options.binary << "' sweep '" << spec.string() << "' --output '"
      << plan.folder.string()
      << "' --task \"${SLURM_ARRAY_TASK_ID}\" --threads \"${SLURM_CPUS_PER_TASK:-1}\" --quiet\n";
  if (!out) throw SweepError(script.string() + ": cannot write");
  out.close();
  std::filesystem::permissions(script, std::filesystem::perms::owner_exec,
                               std::filesystem::perm_options::add);
  return script;
}

int emitted_array_size(const std::filesystem::path& folder) {
  const std::string text = read_text(folder / "tasks.tsv");
  const auto at = text.find("tasks=");
  if (at == std::string::npos) {
    throw SweepError((folder / "tasks.tsv").string() +
                     ": no task map; run caresim sweep SPEC --emit-slurm first");
  }
  return std::stoi(text.substr(at + 6));
}

}  // namespace caresim::ensemble
