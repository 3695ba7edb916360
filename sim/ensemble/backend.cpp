#include "caresim/ensemble/backend.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <exception>
#include <fstream>
#include <sstream>

#include "caresim/build_digest.hpp"
#include "caresim/ensemble/mpi.hpp"
#include "caresim/scenario/load.hpp"
#include "caresim/version.hpp"
#include "ensemble_detail.hpp"

namespace caresim::ensemble {
namespace {

constexpr const char* kManifestMagic = "# caresim sweep manifest";

std::size_t manifest_width(const EnsemblePlan& plan, const RunnerOptions& runner) {
  return plan.metrics.size() + (runner.on_step ? runner.extra_metrics : 0);
}

bool ended(const RunOutcome& o) {
  return o.id >= 0 && (o.status == RunStatus::finished || o.status == RunStatus::failed);
}

}  // namespace

namespace {

// The schema's reference lists every key with its type, default, unit and range: a build that
// reads a scenario differently has a different one.
std::uint64_t schema_digest() {
  static const std::uint64_t digest = [] {
    detail::Hasher schema;
    schema.add(scenario_reference_markdown());
    return schema.h >> 32;
  }();
  return digest;
}

}  // namespace

std::string build_identity() {
  return fmt::format("caresim {} (commit {}, sources {}, schema {:08x})", kVersion, kGitCommit,
                     kSourceDigest, schema_digest());
}

std::string build_fingerprint() {
  return fmt::format("caresim {} sources {} schema {:08x}", kVersion, kSourceDigest,
                     schema_digest());
}

std::uint64_t plan_hash(const EnsemblePlan& plan, std::span<const std::string> extra) {
  detail::Hasher hasher;
  hasher.add("caresim-plan-v1");
  hasher.add(build_fingerprint());
  hasher.add(plan.command);
  for (const BaseScenario& b : plan.bases)
    hasher.add(b.yaml_text);
  for (const MetricSpec& m : plan.metrics) {
    hasher.add(fmt::format("{}|{}|{}|{}|{}|{}|{}", m.name, m.series, m.column,
                           static_cast<int>(m.reduction), m.last_days, format_exact(m.threshold),
                           m.above));
  }
  for (const std::string& e : extra)
    hasher.add(e);
  for (const PlannedRun& r : plan.runs) {
    hasher.add(fmt::format("{}|{}|{}", r.id, r.base, r.output.filename().string()));
    for (const std::string& o : r.overrides)
      hasher.add(o);
  }
  return hasher.h;
}

std::filesystem::path manifest_path(const std::filesystem::path& folder, std::optional<int> task) {
  return folder / (task ? fmt::format("manifest-task-{}.tsv", *task) : std::string("manifest.tsv"));
}

void prepare_plan_folder(const EnsemblePlan& plan) {
  const std::filesystem::path hash_file = plan.folder / plan.hash_file;
  if (std::filesystem::exists(hash_file)) {
    std::string recorded = detail::read_text(hash_file);
    while (!recorded.empty() && std::isspace(static_cast<unsigned char>(recorded.back())))
      recorded.pop_back();
    if (recorded != detail::hex(plan.hash)) {
      throw EnsembleError(fmt::format(
          "{}: holds the runs of a different {} (hash {}, this one {}): its inputs changed; "
          "remove the folder or choose another output",
          plan.folder.string(), plan.command, recorded, detail::hex(plan.hash)));
    }
    return;
  }
  std::error_code ec;
  std::filesystem::create_directories(plan.folder, ec);
  if (ec) {
    throw EnsembleError(
        fmt::format("{}: cannot create the folder: {}", plan.folder.string(), ec.message()));
  }
  std::ofstream out(hash_file, std::ios::binary);
  out << detail::hex(plan.hash) << "\n";
  if (!out) throw EnsembleError(hash_file.string() + ": cannot write");
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
  if (file_ == nullptr) throw EnsembleError(path.string() + ": cannot open the manifest");
  // A process killed mid-line leaves a torn last line; end it so the next record stands alone.
  if (torn) std::fputc('\n', file_);
  if (size == 0)
    std::fprintf(file_, "%s hash=%s metrics=%zu\n", kManifestMagic, detail::hex(hash).c_str(),
                 metrics);
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

std::vector<RunOutcome> read_manifests(const std::filesystem::path& folder, std::uint64_t hash,
                                       std::size_t runs, std::size_t m,
                                       const std::vector<std::filesystem::path>* outputs,
                                       std::span<const std::uint64_t> also) {
  std::vector<RunOutcome> done(runs);
  if (!std::filesystem::is_directory(folder)) return done;
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(folder)) {
    const std::string name = entry.path().filename().string();
    if (name.starts_with("manifest") && name.ends_with(".tsv")) files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  const std::string header =
      fmt::format("{} hash={} metrics={}", kManifestMagic, detail::hex(hash), m);
  for (const auto& path : files) {
    std::ifstream in(path, std::ios::binary);
    std::string line;
    if (!std::getline(in, line)) continue;
    std::uint64_t from = hash;
    if (line != header) {
      bool accepted = false;
      for (const std::uint64_t other : also) {
        if (line == fmt::format("{} hash={} metrics={}", kManifestMagic, detail::hex(other), m)) {
          accepted = true;
          from = other;
        }
      }
      if (!accepted) {
        throw EnsembleError(path.string() + ": belongs to another plan (expected '" + header +
                            "', got '" + line + "'); remove the folder or choose another output");
      }
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
        outcome.plan_hash = from;
        outcome.status = fields[1] == "finished" ? RunStatus::finished : RunStatus::failed;
        outcome.seconds = parse_exact(fields[2]);
        outcome.sim_seconds = parse_exact(fields[3]);
        for (std::size_t k = 0; k < m; ++k)
          outcome.metrics.push_back(parse_exact(fields[4 + k]));
        if (outputs != nullptr && outcome.status == RunStatus::finished &&
            io::inspect_run_file((*outputs)[static_cast<std::size_t>(id)]) !=
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

std::pair<std::size_t, std::size_t> task_share(std::size_t runs, int tasks, int task) {
  const auto k = static_cast<std::size_t>(task), n = static_cast<std::size_t>(tasks);
  return {k * runs / n, (k + 1) * runs / n};
}

std::string shell_quoted(std::string_view text) {
  std::string out = "'";
  for (const char c : text) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

std::filesystem::path emit_slurm(const EnsemblePlan& plan, const SlurmOptions& options) {
  const std::size_t n = plan.runs.size();
  int tasks = options.array_size;
  if (tasks <= 0) tasks = static_cast<int>(std::clamp<std::size_t>((n + 63) / 64, 1, 1000));
  tasks = static_cast<int>(std::min<std::size_t>(static_cast<std::size_t>(tasks), n));
  std::filesystem::create_directories(plan.folder / "slurm");
  {
    std::ofstream map(plan.folder / "tasks.tsv", std::ios::binary);
    map << "# caresim " << plan.command
        << " task map: task, first run, end run (exclusive); tasks=" << tasks << "\n";
    for (int t = 0; t < tasks; ++t) {
      const auto [first, end] = task_share(n, tasks, t);
      map << t << "\t" << first << "\t" << end << "\n";
    }
    if (!map) throw EnsembleError((plan.folder / "tasks.tsv").string() + ": cannot write");
  }
  std::string command = shell_quoted(options.binary);
  for (const std::string& word : plan.task_command)
    command += " " + shell_quoted(word);
  const std::filesystem::path script = plan.folder / (plan.command + ".sbatch");
  std::ofstream out(script, std::ios::binary);
  out << "#!/bin/bash\n";
  out << "#SBATCH --job-name=caresim-" << plan.name << "\n";
  out << "#SBATCH --array=0-" << tasks - 1 << "\n";
  out << "#SBATCH --ntasks=1\n";
  out << "#SBATCH --cpus-per-task=" << options.cpus_per_task << "\n";
  out << "#SBATCH --time=" << options.time << "\n";
  if (!options.mem.empty()) out << "#SBATCH --mem=" << options.mem << "\n";
  if (!options.partition.empty()) out << "#SBATCH --partition=" << options.partition << "\n";
  out << "#SBATCH --output=" << (plan.folder / "slurm" / "task-%a.out").string() << "\n";
  out << "# Written by caresim " << plan.command
      << " --emit-slurm. Task K runs the runs tasks.tsv gives it and\n"
         "# records them in manifest-task-K.tsv; a task that is re-run skips runs already done.\n"
         "# When the array is done: "
      << command << " --collect\n";
  out << "set -euo pipefail\n";
  if (!plan.working_directory.empty())
    out << "cd " << shell_quoted(plan.working_directory.string()) << "\n";
  out << "exec " << command
      << " --task \"${SLURM_ARRAY_TASK_ID}\" --threads \"${SLURM_CPUS_PER_TASK:-1}\" --quiet\n";
  if (!out) throw EnsembleError(script.string() + ": cannot write");
  out.close();
  std::filesystem::permissions(script, std::filesystem::perms::owner_exec,
                               std::filesystem::perm_options::add);
  return script;
}

std::vector<int> tasks_to_resubmit(const std::filesystem::path& folder,
                                   const std::vector<RunOutcome>& outcomes) {
  std::vector<int> tasks;
  std::ifstream map(folder / "tasks.tsv", std::ios::binary);
  std::string line;
  while (std::getline(map, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream fields(line);
    int task = 0;
    std::size_t first = 0, end = 0;
    if (!(fields >> task >> first >> end)) continue;
    for (std::size_t i = first; i < end && i < outcomes.size(); ++i) {
      if (!ended(outcomes[i])) {
        tasks.push_back(task);
        break;
      }
    }
  }
  return tasks;
}

std::string resubmit_command(const std::filesystem::path& folder, const std::vector<int>& tasks,
                             std::string_view command) {
  if (tasks.empty()) return {};
  // Runs of consecutive tasks as ranges, as sbatch --array takes them: 1,4-6,9.
  std::string list;
  for (std::size_t i = 0; i < tasks.size();) {
    std::size_t j = i;
    while (j + 1 < tasks.size() && tasks[j + 1] == tasks[j] + 1)
      ++j;
    list += (list.empty() ? "" : ",") +
            (j == i ? std::to_string(tasks[i]) : fmt::format("{}-{}", tasks[i], tasks[j]));
    i = j + 1;
  }
  return fmt::format("sbatch --array={} {}", list,
                     shell_quoted((folder / (std::string(command) + ".sbatch")).string()));
}

int emitted_array_size(const std::filesystem::path& folder, std::string_view command) {
  const std::string text = detail::read_text(folder / "tasks.tsv");
  const auto at = text.find("tasks=");
  if (at == std::string::npos) {
    throw EnsembleError(fmt::format("{}: no task map; run caresim {} with --emit-slurm first",
                                    (folder / "tasks.tsv").string(), command));
  }
  return std::stoi(text.substr(at + 6));
}

Backend::Backend(BackendOptions options) : options_(std::move(options)) {
  if (options_.mode == BackendMode::automatic && mpi::available() && mpi::launched()) {
    session_ = std::make_unique<mpi::Session>(nullptr, nullptr);
  }
}

Backend::~Backend() = default;

bool Backend::root() const {
  return !session_ || session_->rank() == 0;
}

int Backend::ranks() const {
  return session_ ? session_->size() : 1;
}

int Backend::agree(int status) const {
  return session_ ? session_->broadcast(status) : status;
}

EnsembleResult Backend::run(const EnsemblePlan& plan, const RunnerOptions& runner) const {
  EnsembleResult result;
  result.ranks = ranks();
  result.runs = plan.runs.size();
  const std::size_t width = manifest_width(plan, runner);
  const bool task = options_.mode == BackendMode::slurm_task;

  // Only rank 0 touches the folder; the others learn from it whether to go on.
  std::vector<RunOutcome> done;
  std::vector<std::size_t> pending;
  std::exception_ptr problem;
  if (root()) {
    try {
      bool other_plan = false;
      if (options_.replace_other_plan && !options_.fresh) {
        const std::filesystem::path hash_file = plan.folder / plan.hash_file;
        if (std::filesystem::exists(hash_file)) {
          std::string recorded = detail::read_text(hash_file);
          while (!recorded.empty() && std::isspace(static_cast<unsigned char>(recorded.back())))
            recorded.pop_back();
          other_plan = recorded != detail::hex(plan.hash);
        } else {
          other_plan = std::filesystem::exists(plan.folder);
        }
      }
      if (options_.fresh || other_plan) {
        std::error_code ec;
        std::filesystem::remove_all(plan.folder, ec);
      }
      prepare_plan_folder(plan);
      if (options_.mode == BackendMode::emit_slurm) {
        result.script = emit_slurm(plan, options_.slurm);
        result.array_size = emitted_array_size(plan.folder, plan.command);
        result.collect_command = shell_quoted(options_.slurm.binary);
        for (const std::string& word : plan.task_command)
          result.collect_command += " " + shell_quoted(word);
        if (!plan.working_directory.empty()) {
          result.collect_command = "cd " + shell_quoted(plan.working_directory.string()) + " && " +
                                   result.collect_command;
        }
        result.collect_command += " --collect";
        result.stage = EnsembleStage::emitted;
        return result;
      }
      std::vector<std::filesystem::path> outputs;
      for (const PlannedRun& run : plan.runs)
        outputs.push_back(run.output);
      done = read_manifests(plan.folder, plan.hash, plan.runs.size(), width,
                            plan.check_run_files ? &outputs : nullptr, plan.accepted_hashes);
      std::size_t first = 0, end = plan.runs.size();
      if (task) {
        const int tasks = emitted_array_size(plan.folder, plan.command);
        if (options_.task < 0 || options_.task >= tasks) {
          throw EnsembleError(fmt::format("--task {}: expected a task in [0, {}] (tasks.tsv)",
                                          options_.task, tasks - 1));
        }
        result.array_size = tasks;
        std::tie(first, end) = task_share(plan.runs.size(), tasks, options_.task);
      }
      for (std::size_t i = 0; i < plan.runs.size(); ++i) {
        const bool finished = done[i].id >= 0 && done[i].status == RunStatus::finished;
        if (finished) ++result.already_done;
        if (options_.mode != BackendMode::collect && !finished && i >= first && i < end)
          pending.push_back(i);
      }
    } catch (...) {
      problem = std::current_exception();
    }
  }
  if (agree(problem ? 1 : 0) != 0) {
    if (root()) std::rethrow_exception(problem);
    result.stage = EnsembleStage::other_rank;
    return result;
  }

  std::optional<ManifestWriter> manifest;
  if (root() && !pending.empty()) {
    manifest.emplace(
        manifest_path(plan.folder, task ? std::optional<int>(options_.task) : std::nullopt),
        plan.hash, width);
  }
  RunnerOptions options = runner;
  options.on_done = [&](const RunOutcome& o) {
    manifest->record(o);
    if (runner.on_done) runner.on_done(o);
  };
  std::vector<RunOutcome> fresh;
  if (session_) {
    fresh = mpi::run_distributed(*session_, plan.bases, plan.runs, pending, plan.metrics, options);
  } else if (!pending.empty()) {
    std::vector<PlannedRun> runs;
    for (std::size_t i : pending)
      runs.push_back(plan.runs[i]);
    fresh = run_local(plan.bases, runs, plan.metrics, options);
  }
  if (!root()) {
    result.stage = EnsembleStage::other_rank;
    return result;
  }
  manifest.reset();

  // This process's outcomes over the manifests' (its failures included).
  result.ran = fresh.size();
  std::size_t failed_here = 0;
  for (RunOutcome& o : fresh) {
    if (o.status == RunStatus::failed) ++failed_here;
    if (o.id < 0) continue;
    o.plan_hash = plan.hash;
    RunOutcome& slot = done[static_cast<std::size_t>(o.id)];
    if (slot.id < 0 || slot.status != RunStatus::finished) slot = std::move(o);
  }
  for (std::size_t i = 0; i < done.size(); ++i) {
    if (!ended(done[i])) {
      if (result.missing.size() < 10) result.missing.push_back(static_cast<std::int64_t>(i));
      ++result.missing_count;
    } else if (done[i].status == RunStatus::failed) {
      ++result.failed;
    }
  }
  if (options_.mode == BackendMode::collect && result.missing_count > 0) {
    result.resubmit_tasks = tasks_to_resubmit(plan.folder, done);
    result.resubmit = resubmit_command(plan.folder, result.resubmit_tasks, plan.command);
  }
  result.outcomes = std::move(done);
  if (task) {
    result.stage = EnsembleStage::task_done;
    result.failed = failed_here;
  } else {
    result.stage = result.missing_count == 0 ? EnsembleStage::done : EnsembleStage::not_done;
  }
  return result;
}

}  // namespace caresim::ensemble
