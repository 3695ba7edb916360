#include "caresim/ensemble/sweep.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <exception>
#include <fstream>
#include <map>
#include <sstream>

#include "caresim/catalogue/catalogue.hpp"
#include "caresim/core/random.hpp"
#include "caresim/engine/simulator.hpp"
#include "caresim/io/run_file.hpp"
#include "caresim/scenario/load.hpp"
#include "ensemble_detail.hpp"

namespace caresim::ensemble {
namespace {

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

// A design of given points: each coordinate scaled to [0, 1] over the column's own range (0.5 for
// a constant column), so design_unit means what it means for the other designs.
Design csv_design(const std::vector<double>& values, const std::vector<SweepParameter>& params) {
  Design design;
  design.dims = params.size();
  const std::size_t d = params.size(), points = d == 0 ? 0 : values.size() / d;
  design.unit.resize(values.size());
  for (std::size_t j = 0; j < d; ++j) {
    const double lo = params[j].low, hi = params[j].high;
    for (std::size_t p = 0; p < points; ++p)
      design.unit[p * d + j] = hi > lo ? (values[p * d + j] - lo) / (hi - lo) : 0.5;
  }
  for (std::size_t p = 0; p < points; ++p) {
    design.block.push_back(static_cast<std::int64_t>(p));
    design.role.push_back(-1);
  }
  return design;
}

// HDF5 holds an exclusive lock on a file open for writing, so another process cannot open a run
// file while its run writes it: a lock held on an unreadable .part means a live writer.
bool locked_by_writer(const std::filesystem::path& path) {
  const int fd = ::open(path.c_str(), O_RDONLY);
  if (fd < 0) return false;
  const bool locked = ::flock(fd, LOCK_SH | LOCK_NB) != 0 && errno == EWOULDBLOCK;
  if (!locked) ::flock(fd, LOCK_UN);
  ::close(fd);
  return locked;
}

// builds.tsv: one line per build that ran this folder's sweep: resume hash, content hash, build.
struct BuildRecord {
  std::uint64_t hash = 0, content = 0;
  std::string build;
};

std::vector<BuildRecord> read_builds(const std::filesystem::path& folder) {
  std::vector<BuildRecord> builds;
  std::ifstream in(folder / "builds.tsv", std::ios::binary);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    const auto a = line.find('\t'), b = a == std::string::npos ? a : line.find('\t', a + 1);
    if (b == std::string::npos) continue;
    try {
      builds.push_back({std::stoull(line.substr(0, a), nullptr, 16),
                        std::stoull(line.substr(a + 1, b - a - 1), nullptr, 16),
                        line.substr(b + 1)});
    } catch (const std::exception&) {
      continue;
    }
  }
  return builds;
}

void record_build(const SweepPlan& plan) {
  for (const BuildRecord& b : read_builds(plan.folder))
    if (b.hash == plan.hash) return;
  const std::filesystem::path path = plan.folder / "builds.tsv";
  const bool fresh = !std::filesystem::exists(path);
  std::ofstream out(path, std::ios::binary | std::ios::app);
  if (fresh)
    out << "# caresim sweep builds: resume hash, sweep hash, build; runs=" << plan.runs.size()
        << " metrics=" << plan.spec.metrics.size() << "\n";
  out << detail::hex(plan.hash) << "\t" << detail::hex(plan.content_hash) << "\t" << plan.build
      << "\n";
  if (!out) throw SweepError((plan.folder / "builds.tsv").string() + ": cannot write");
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
  plan.base.yaml_text = detail::read_text(spec.scenario);
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
      plan.design = saltelli_design(samples, d, spec.design.second_order);
      break;
    case DesignKind::morris:
      plan.design = morris_design(samples, d, spec.design.levels, design_seed);
      break;
    case DesignKind::csv:
      plan.design = csv_design(spec.design.csv_values, spec.parameters);
      break;
  }
  const bool grid = spec.design.kind == DesignKind::grid;
  const std::size_t points = plan.design.points();
  plan.values.resize(points * d);
  if (spec.design.kind == DesignKind::csv) {
    plan.values = spec.design.csv_values;
  } else {
    for (std::size_t p = 0; p < points; ++p) {
      for (std::size_t j = 0; j < d; ++j)
        plan.values[p * d + j] =
            parameter_value(spec.parameters[j], plan.design.unit[p * d + j], grid);
    }
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

  detail::Hasher hasher;
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
  // What the folder keeps of each run decides what a resume can rely on.
  hasher.add(std::string("keep=") + kKeepNames[static_cast<int>(spec.keep)]);
  for (const std::string& series : spec.keep_series)
    hasher.add(series);

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
      run.seed = spec.common_random_numbers ? mix_seed(spec.seed, 0, r) : mix_seed(spec.seed, p, r);
      run.overrides = overrides;
      run.overrides.push_back("run.seed=" + std::to_string(run.seed));
      run.output = runs / fmt::format("run_{:06d}.h5", run.id);
      for (const std::string& o : run.overrides)
        hasher.add(o);
      plan.runs.push_back(std::move(run));
    }
  }
  plan.content_hash = hasher.h;
  plan.build = build_identity();
  hasher.add(build_fingerprint());
  plan.hash = hasher.h;
  return plan;
}

void prepare_folder(const SweepPlan& plan, bool force_resume) {
  const std::filesystem::path hash_file = plan.folder / "sweep_hash";
  if (std::filesystem::exists(hash_file)) {
    std::string recorded = detail::read_text(hash_file);
    while (!recorded.empty() && std::isspace(static_cast<unsigned char>(recorded.back())))
      recorded.pop_back();
    if (recorded == detail::hex(plan.hash)) {
      record_build(plan);
      return;
    }
    const std::vector<BuildRecord> builds = read_builds(plan.folder);
    const BuildRecord* same_sweep = nullptr;
    bool known_build = false;
    for (const BuildRecord& b : builds) {
      if (b.content == plan.content_hash) same_sweep = &b;
      known_build = known_build || b.hash == plan.hash;
    }
    if (same_sweep == nullptr) {
      throw SweepError(
          plan.folder.string() + ": holds a different sweep (hash " + recorded + ", this spec " +
          detail::hex(plan.hash) + "): " +
          (builds.empty() ? std::string("it records no builds (made by a caresim older than the "
                                        "build check) or ")
                          : std::string()) +
          "the spec or its scenario changed; give --output NEW_FOLDER to start a new sweep, or "
          "restore the spec");
    }
    if (!force_resume && !known_build) {
      throw SweepError(
          plan.folder.string() + ": this sweep's runs so far were made by " + same_sweep->build +
          ", not by this build, " + plan.build +
          "; resuming would mix results of two versions. To start afresh, give --output "
          "NEW_FOLDER (or remove " +
          plan.folder.string() +
          "); to keep the runs made so far and go on with this build, add --force-resume (the "
          "summary then records each run's build)");
    }
    record_build(plan);
    std::ofstream out(hash_file, std::ios::binary | std::ios::trunc);
    out << detail::hex(plan.hash) << "\n";
    if (!out) throw SweepError(hash_file.string() + ": cannot write");
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
  record_build(plan);
  std::ofstream out(hash_file, std::ios::binary);
  out << detail::hex(plan.hash) << "\n";
  if (!out) throw SweepError(hash_file.string() + ": cannot write");
}

std::vector<std::uint64_t> accepted_hashes(const SweepPlan& plan) {
  std::vector<std::uint64_t> hashes = {plan.hash};
  for (const BuildRecord& b : read_builds(plan.folder)) {
    if (b.content == plan.content_hash &&
        std::find(hashes.begin(), hashes.end(), b.hash) == hashes.end())
      hashes.push_back(b.hash);
  }
  return hashes;
}

std::map<std::uint64_t, std::string> recorded_builds(const std::filesystem::path& folder) {
  std::map<std::uint64_t, std::string> out;
  for (const BuildRecord& b : read_builds(folder))
    out[b.hash] = b.build;
  return out;
}

std::vector<RunOutcome> read_manifests(const SweepPlan& plan) {
  std::vector<std::filesystem::path> outputs;
  for (const PlannedRun& run : plan.runs)
    outputs.push_back(run.output);
  const std::vector<std::uint64_t> also = accepted_hashes(plan);
  return read_manifests(plan.folder, plan.hash, plan.runs.size(), plan.spec.metrics.size(),
                        plan.spec.keep == Keep::none ? nullptr : &outputs, also);
}

std::vector<PlannedRun> pending_runs(const SweepPlan& plan, const std::vector<RunOutcome>& done) {
  std::vector<PlannedRun> pending;
  for (std::size_t i = 0; i < plan.runs.size(); ++i) {
    if (done[i].id < 0 || done[i].status != RunStatus::finished) pending.push_back(plan.runs[i]);
  }
  return pending;
}

EnsembleResult run_sweep(const Backend& backend, const SweepPlan& plan, const RunnerOptions& runner,
                         bool force_resume) {
  std::exception_ptr problem;
  if (backend.root()) {
    try {
      prepare_folder(plan, force_resume);
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
  EnsemblePlan e = ensemble_plan(plan);
  if (backend.root()) e.accepted_hashes = accepted_hashes(plan);
  RunnerOptions options = runner;
  if (plan.spec.keep != Keep::all) options.keep_series = plan.spec.keep_series;
  if (plan.spec.keep == Keep::none) {
    // After the backend has recorded the run in the manifest (it calls on_done after that), its
    // file is no longer needed: the metrics are safe.
    options.on_done = [&plan, &runner](const RunOutcome& o) {
      if (o.status == RunStatus::finished && o.id >= 0) {
        std::error_code ignored;
        std::filesystem::remove(plan.runs[static_cast<std::size_t>(o.id)].output, ignored);
      }
      if (runner.on_done) runner.on_done(o);
    };
  }
  EnsembleResult result = backend.run(e, options);
  if (result.stage == EnsembleStage::done) {
    if (plan.spec.keep == Keep::none) {
      // Files of runs recorded just before a process was killed, before it could remove them.
      for (const PlannedRun& run : plan.runs) {
        std::error_code ignored;
        std::filesystem::remove(run.output, ignored);
      }
    }
    write_summary(plan, result.outcomes, summary_path(plan.folder));
  }
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
  e.check_run_files = plan.spec.keep != Keep::none;
  e.task_command = sweep_task_command(plan);
  return e;
}

std::vector<std::string> sweep_task_command(const SweepPlan& plan) {
  return {"sweep", std::filesystem::absolute(plan.spec.file).string(), "--output",
          plan.folder.string()};
}

}  // namespace caresim::ensemble

namespace caresim::ensemble {

SweepStatus sweep_status(const std::filesystem::path& folder) {
  SweepStatus status;
  status.folder = std::filesystem::absolute(folder).lexically_normal();
  const std::string hash_text = detail::read_text(folder / "sweep_hash");
  const std::string builds_text = detail::read_text(folder / "builds.tsv");
  const auto runs_at = builds_text.find("runs=");
  if (hash_text.empty() || runs_at == std::string::npos) {
    throw SweepError(folder.string() +
                     ": not a sweep folder (no sweep_hash and builds.tsv; a folder made by "
                     "caresim sweep holds them)");
  }
  const std::uint64_t current = std::stoull(hash_text, nullptr, 16);
  const std::size_t runs = std::stoull(builds_text.substr(runs_at + 5));
  const std::vector<BuildRecord> builds = read_builds(folder);
  std::uint64_t content = 0;
  for (const BuildRecord& b : builds)
    if (b.hash == current) content = b.content;
  std::vector<std::uint64_t> accepted;
  for (const BuildRecord& b : builds) {
    if (b.content != content) continue;
    accepted.push_back(b.hash);
    status.builds.push_back(b.build);
  }

  // 0 not recorded, 1 finished, 2 failed: a finished record wins over a failed one.
  std::vector<std::uint8_t> recorded(runs, 0);
  std::vector<std::filesystem::path> manifests;
  for (const auto& entry : std::filesystem::directory_iterator(folder)) {
    const std::string name = entry.path().filename().string();
    if (name.starts_with("manifest") && name.ends_with(".tsv")) manifests.push_back(entry.path());
  }
  std::sort(manifests.begin(), manifests.end());
  for (const auto& path : manifests) {
    std::ifstream in(path, std::ios::binary);
    std::string line;
    if (!std::getline(in, line)) continue;
    const auto at = line.find("hash=");
    if (at == std::string::npos) continue;
    std::uint64_t hash = 0;
    try {
      hash = std::stoull(line.substr(at + 5, 16), nullptr, 16);
    } catch (const std::exception&) {
      continue;
    }
    if (std::find(accepted.begin(), accepted.end(), hash) == accepted.end()) continue;
    while (std::getline(in, line)) {
      if (in.eof()) break;  // torn by a killed process
      std::istringstream fields(line);
      long long id = -1;
      std::string state;
      if (!(fields >> id >> state) || id < 0 || static_cast<std::size_t>(id) >= runs) continue;
      std::uint8_t& r = recorded[static_cast<std::size_t>(id)];
      if (state == "finished") r = 1;
      if (state == "failed" && r == 0) r = 2;
    }
  }
  auto classify = [&](std::size_t id, SweepStatus::Counts& c) {
    ++c.runs;
    if (recorded[id] == 1) {
      ++c.done;
    } else if (recorded[id] == 2) {
      ++c.failed;
    } else {
      std::filesystem::path part = runs_folder(folder) / fmt::format("run_{:06d}.h5", id);
      part += ".part";
      const io::RunFileState state =
          std::filesystem::exists(part) ? io::inspect_run_file(part) : io::RunFileState::missing;
      if (state == io::RunFileState::running ||
          (state == io::RunFileState::unreadable && locked_by_writer(part))) {
        ++c.running;
      } else {
        ++c.missing;
      }
    }
  };
  for (std::size_t i = 0; i < runs; ++i)
    classify(i, status.total);
  std::ifstream map(folder / "tasks.tsv", std::ios::binary);
  std::string line;
  while (std::getline(map, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream fields(line);
    SweepStatus::Task task;
    if (!(fields >> task.task >> task.first >> task.end)) continue;
    for (std::size_t i = task.first; i < task.end && i < runs; ++i)
      classify(i, task.counts);
    status.tasks.push_back(task);
  }
  status.summary_written = std::filesystem::exists(summary_path(folder));
  return status;
}

std::string format_status(const SweepStatus& s) {
  const SweepStatus::Counts& t = s.total;
  std::string out = fmt::format("sweep {}: {} runs: {} done, {} running, {} failed, {} missing{}\n",
                                s.folder.string(), t.runs, t.done, t.running, t.failed, t.missing,
                                s.summary_written ? "; summary.h5 written" : "");
  for (const std::string& b : s.builds)
    out += "  runs made by " + b + "\n";
  if (s.tasks.empty()) return out;
  std::vector<int> resubmit;
  std::size_t tasks_done = 0, tasks_running = 0;
  for (const SweepStatus::Task& task : s.tasks) {
    const SweepStatus::Counts& c = task.counts;
    if (c.done + c.failed == c.runs) ++tasks_done;
    if (c.running > 0) ++tasks_running;
    // A task with nothing running and runs not ended has stopped short (killed, timed out,
    // never started): it needs resubmitting. One with failures is resubmitted too: a failed
    // run is retried.
    if (c.running == 0 && (c.missing > 0 || c.failed > 0)) resubmit.push_back(task.task);
  }
  out += fmt::format("  array: {} tasks: {} ended, {} running, {} to resubmit\n", s.tasks.size(),
                     tasks_done, tasks_running, resubmit.size());
  out += fmt::format("  {:>6} {:>16} {:>6} {:>8} {:>7} {:>8}\n", "task", "runs", "done", "running",
                     "failed", "missing");
  for (const SweepStatus::Task& task : s.tasks) {
    const SweepStatus::Counts& c = task.counts;
    if (c.done == c.runs) continue;
    out += fmt::format("  {:>6} {:>16} {:>6} {:>8} {:>7} {:>8}\n", task.task,
                       fmt::format("[{}, {})", task.first, task.end), c.done, c.running, c.failed,
                       c.missing);
  }
  if (!resubmit.empty()) {
    std::string command = "sweep";
    for (const auto& entry : std::filesystem::directory_iterator(s.folder)) {
      if (entry.path().extension() == ".sbatch") command = entry.path().stem().string();
    }
    out += "  resubmit the tasks that stopped short (once no task of the array is still queued):\n";
    out += "    " + resubmit_command(s.folder, resubmit, command) + "\n";
  }
  return out;
}

}  // namespace caresim::ensemble
