// The studio's what-if comparisons (studio/whatif.hpp): requests checked here, runs on the
// ensemble's local backend, the report built by ensemble/compare_report and sent as JSON.
#include "caresim/studio/whatif.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "caresim/catalogue/run.hpp"
#include "caresim/ensemble/backend.hpp"
#include "caresim/ensemble/parameter_sets.hpp"
#include "caresim/io/checkpoint_file.hpp"
#include "caresim/scenario/load.hpp"
#include "caresim/studio/studio.hpp"
#include "studio_detail.hpp"

namespace caresim::studio {
namespace {

using nlohmann::json;

using detail::read_text;

bool is_key(const std::string& key) {
  return !key.empty() && std::all_of(key.begin(), key.end(), [](unsigned char c) {
    return std::islower(c) || std::isdigit(c) || c == '_' || c == '.';
  });
}

const char* better_name(Better b) {
  switch (b) {
    case Better::higher:
      return "higher";
    case Better::lower:
      return "lower";
    case Better::neutral:
      break;
  }
  return "neutral";
}

const char* verdict_class(ensemble::Verdict v) {
  switch (v) {
    case ensemble::Verdict::better:
      return "better";
    case ensemble::Verdict::worse:
      return "worse";
    case ensemble::Verdict::unclear:
      return "unclear";
    default:
      return "neutral";
  }
}

json reading_json(const ensemble::Reading& r) {
  return {{"series", r.series},
          {"name", r.name},
          {"units", r.units},
          {"better", better_name(r.better)},
          {"percent", r.percent}};
}

json band_json(const ensemble::Band& b) {
  return {{"mean", b.mean}, {"low", b.low}, {"high", b.high}};
}

// A variant composed in the form, as the text of a scenario file beside the baseline.
std::string composed_yaml(const json& variant, const std::string& baseline_file) {
  const json& list = variant["interventions"];
  if (!list.is_array() || list.empty())
    throw StudioError(400, "a composed variant needs \"interventions\": [{\"kind\", \"day\"}]");
  std::string yaml = "base: " + json(baseline_file).dump() +
                     "\nname: " + json(variant["name"].get<std::string>()).dump() +
                     "\ndescription: composed in the studio\ninterventions:\n";
  for (const json& item : list) {
    if (!item.is_object() || !item.contains("kind") || !item["kind"].is_string())
      throw StudioError(400, "each intervention needs a \"kind\"");
    const std::string kind = item["kind"].get<std::string>();
    const InterventionKindInfo* info = intervention_kinds().find(kind);
    if (info == nullptr) throw StudioError(400, "no intervention kind '" + kind + "'");
    if (!item.contains("day") || !item["day"].is_number_integer())
      throw StudioError(400, "intervention '" + kind + "': \"day\" must be a whole number");
    yaml +=
        "  - kind: " + kind + "\n    day: " + std::to_string(item["day"].get<long long>()) + "\n";
    if (item.contains("set")) {
      if (!item["set"].is_object())
        throw StudioError(400, "intervention '" + kind + "': \"set\" must map keys to values");
      std::string params;
      for (const auto& [key, value] : item["set"].items()) {
        if (!is_key(key))
          throw StudioError(400, "intervention '" + kind + "': bad key '" + key + "'");
        if (!value.is_number() && !value.is_string())
          throw StudioError(400, "intervention '" + kind + "': the value of '" + key +
                                     "' must be a number or text");
        params += (params.empty() ? "" : ", ") + key + ": " + value.dump();
      }
      if (!params.empty()) yaml += "    " + std::string(info->section) + ": {" + params + "}\n";
    }
  }
  return yaml;
}

}  // namespace

std::string report_json(const ensemble::CompareReport& report) {
  json arms = json::array();
  for (std::size_t a = 0; a < report.arms.size(); ++a)
    arms.push_back({{"name", report.arms[a]},
                    {"file", report.arm_files[a]},
                    {"description", report.arm_descriptions[a]}});
  json versus = json::array();
  for (const ensemble::ArmReport& arm : report.versus) {
    json rows = json::array();
    for (const ensemble::ReportRow& row : arm.rows) {
      json j = reading_json(row.reading);
      j.update(
          {{"reference", row.reference_text},
           {"arm", row.arm_text},
           {"change", row.change_text},
           {"interval", row.interval_text},
           {"verdict", row.verdict_text},
           {"verdict_class", verdict_class(row.after.verdict)},
           {"effect", row.effect_text},
           {"before", row.before_text},
           {"before_clear", row.has_before && row.before.verdict != ensemble::Verdict::unclear},
           {"days_to_effect", row.days_to_effect}});
      rows.push_back(j);
    }
    json hoods = json::array();
    for (const ensemble::NeighbourhoodReport& nr : arm.neighbourhoods) {
      json clear = json::array();
      for (std::size_t n = 0; n < nr.effects.size(); ++n) {
        if (nr.effects[n].verdict == ensemble::Verdict::unclear) continue;
        clear.push_back({{"name", nr.names[n]},
                         {"reference", ensemble::format_value(nr.effects[n].reference, nr.reading)},
                         {"arm", ensemble::format_value(nr.effects[n].arm, nr.reading)},
                         {"change", nr.change_texts[n]},
                         {"interval", nr.interval_texts[n]},
                         {"verdict", nr.verdict_texts[n]},
                         {"verdict_class", verdict_class(nr.effects[n].verdict)}});
      }
      json j = reading_json(nr.reading);
      j.update({{"summary", nr.summary_text}, {"clear", clear}});
      hoods.push_back(j);
    }
    versus.push_back({{"arm", arm.arm},
                      {"reference", arm.reference},
                      {"file", arm.file},
                      {"start_day", arm.start_day},
                      {"start", arm.start_text},
                      {"window", arm.window_text},
                      {"rows", rows},
                      {"neighbourhoods", hoods}});
  }
  json plots = json::array();
  for (const ensemble::SeriesPlot& plot : report.plots) {
    json j = reading_json(plot.reading);
    json a = json::array(), d = json::array();
    for (const auto& band : plot.arms)
      a.push_back(band_json(band));
    for (const auto& band : plot.diffs)
      d.push_back(band_json(band));
    j.update({{"arms", a}, {"diffs", d}});
    plots.push_back(j);
  }
  return json{{"title", report.title},
              {"scale", report.scale_text},
              {"method", report.method_text},
              {"uncertainty", report.uncertainty_text},
              {"parameter_uncertainty", report.parameter_uncertainty},
              {"replicates", report.replicates},
              {"days", report.days},
              {"window", report.window},
              {"confidence", report.confidence},
              {"start_date", report.start_date},
              {"arms", arms},
              {"versus", versus},
              {"plot_days", report.plot_days},
              {"plots", plots}}
      .dump();
}

struct WhatIf::Job {
  std::string id;
  std::vector<std::string> arms;
  std::size_t total = 0;
  std::atomic<std::size_t> done{0};
  std::atomic<int> stop{0};
  std::atomic<bool> finished{false};
  mutable std::mutex mutex;
  std::string state = "running", error, report;
  std::thread thread;
  ~Job() {
    stop = 1;
    if (thread.joinable()) thread.join();
  }
};

WhatIf::WhatIf(std::filesystem::path scenarios, std::filesystem::path scratch, WhatIfLimits limits)
    : scenarios_(std::move(scenarios)), scratch_(std::move(scratch)), limits_(limits) {}

WhatIf::~WhatIf() {
  shutdown();
}

std::string WhatIf::options_json() const {
  json files = json::array();
  std::vector<std::filesystem::path> paths;
  std::error_code ec;
  if (std::filesystem::is_directory(scenarios_ / "what-if", ec)) {
    for (const auto& entry : std::filesystem::directory_iterator(scenarios_ / "what-if"))
      if (entry.is_regular_file() && entry.path().extension() == ".yaml")
        paths.push_back(entry.path());
  }
  std::sort(paths.begin(), paths.end());
  for (const auto& path : paths) {
    const Scenario s = load_scenario(path);
    files.push_back({{"file", "what-if/" + path.filename().string()},
                     {"name", s.name},
                     {"description", s.description},
                     {"question", header_text(read_text(path))}});
  }
  json kinds = json::array();
  const InterventionKinds& registry = intervention_kinds();
  for (std::size_t k = 0; k < registry.size(); ++k) {
    const InterventionKindInfo& info = registry[k];
    json keys = json::array();
    for (const ScenarioKey& key : intervention_keys(info.name)) {
      json j = {{"key", key.path},
                {"value", key.value},
                {"lo", key.lo},
                {"hi", key.hi},
                {"unit", key.unit},
                {"meaning", key.meaning},
                {"type", key.type == ScenarioKey::Type::integer  ? "integer"
                         : key.type == ScenarioKey::Type::choice ? "choice"
                                                                 : "number"}};
      if (!key.choices.empty()) j["choices"] = key.choices;
      keys.push_back(j);
    }
    kinds.push_back({{"kind", info.name},
                     {"section", info.section},
                     {"doc", std::string(info.doc)},
                     {"needs_cohort", info.needs_cohort},
                     {"keys", keys}});
  }
  // Posteriors a leader may carry into a comparison (`compare --parameters`): calibration files
  // and CSVs of parameter sets in scenarios/calibration/.
  json posteriors = json::array();
  std::vector<std::filesystem::path> found;
  if (std::filesystem::is_directory(scenarios_ / "calibration", ec)) {
    for (const auto& entry : std::filesystem::directory_iterator(scenarios_ / "calibration")) {
      const std::string ext = entry.path().extension().string();
      if (entry.is_regular_file() && (ext == ".h5" || ext == ".nc" || ext == ".csv"))
        found.push_back(entry.path());
    }
  }
  std::sort(found.begin(), found.end());
  for (const auto& path : found) {
    try {
      const ensemble::ParameterSets sets = ensemble::load_parameter_sets(path);
      posteriors.push_back({{"file", "calibration/" + path.filename().string()},
                            {"description", sets.source},
                            {"sets", sets.count()},
                            {"parameters", sets.names}});
    } catch (const std::exception&) {
      // Not a posterior (or unreadable): not offered.
    }
  }
  // Saved states every option may start from (`compare --from`): checkpoints (*.ckpt) in the
  // scenarios folder, what-if/ and checkpoints/.
  json checkpoints = json::array();
  found.clear();
  for (const char* sub : {"", "what-if", "checkpoints"}) {
    const std::filesystem::path folder = scenarios_ / sub;
    if (!std::filesystem::is_directory(folder, ec)) continue;
    for (const auto& entry : std::filesystem::directory_iterator(folder)) {
      if (entry.is_regular_file() && entry.path().extension() == ".ckpt")
        found.push_back(entry.path());
    }
  }
  std::sort(found.begin(), found.end());
  for (const auto& path : found) {
    try {
      const io::Checkpoint saved = io::read_checkpoint(path);
      checkpoints.push_back({{"file", std::filesystem::relative(path, scenarios_).generic_string()},
                             {"day", saved.day}});
    } catch (const std::exception&) {
      // Not a checkpoint this build reads: not offered.
    }
  }
  return json{{"scenarios", files},
              {"posteriors", posteriors},
              {"checkpoints", checkpoints},
              {"kinds", kinds},
              {"limits",
               {{"running", limits_.running},
                {"min_days", limits_.min_days},
                {"max_days", limits_.max_days},
                {"max_replicates", limits_.max_replicates},
                {"max_arms", limits_.max_arms},
                {"max_warm_up_days", limits_.max_warm_up_days}}}}
      .dump();
}

std::string WhatIf::start(const std::string& body) {
  json request;
  try {
    request = json::parse(body);
  } catch (const json::exception&) {
    throw StudioError(400, "the request body is not JSON");
  }
  if (!request.is_object() || !request.contains("baseline") || !request["baseline"].is_string() ||
      !request.contains("variants") || !request["variants"].is_array() ||
      request["variants"].empty())
    throw StudioError(400,
                      "expected {\"baseline\": \"what-if/<file>.yaml\", \"variants\": [...], "
                      "\"days\": n, \"replicates\": n}");
  const int days = request.value("days", 365);
  const int replicates = request.value("replicates", 4);
  if (!request.value("days", json(365)).is_number_integer() || days < limits_.min_days ||
      days > limits_.max_days)
    throw StudioError(400, "\"days\": expected a whole number from " +
                               std::to_string(limits_.min_days) + " to " +
                               std::to_string(limits_.max_days));
  if (!request.value("replicates", json(4)).is_number_integer() || replicates < 2 ||
      replicates > limits_.max_replicates)
    throw StudioError(400, "\"replicates\": expected a whole number from 2 to " +
                               std::to_string(limits_.max_replicates));
  if (request["variants"].size() + 1 > limits_.max_arms)
    throw StudioError(400, "at most " + std::to_string(limits_.max_arms - 1) + " variants");

  const std::string baseline_rel = request["baseline"].get<std::string>();
  const auto baseline = file_under(scenarios_, baseline_rel);
  if (!baseline)
    throw StudioError(404, "no scenario '" + baseline_rel + "' in the scenarios folder");
  std::vector<ensemble::BaseScenario> bases{{read_text(*baseline), baseline->string()}};
  std::vector<std::string> stems{baseline->filename().string()};
  for (const json& variant : request["variants"]) {
    if (variant.is_string()) {
      const std::string rel = variant.get<std::string>();
      const auto file = file_under(scenarios_, rel);
      if (!file) throw StudioError(404, "no scenario '" + rel + "' in the scenarios folder");
      bases.push_back({read_text(*file), file->string()});
      stems.push_back(file->filename().string());
    } else if (variant.is_object() && variant.contains("name") && variant["name"].is_string() &&
               !variant["name"].get<std::string>().empty()) {
      const std::string name = variant["name"].get<std::string>();
      // Beside the baseline, so its `base:` names the baseline by its file name.
      const auto source = baseline->parent_path() / (name + ".yaml");
      bases.push_back({composed_yaml(variant, baseline->filename().string()), source.string()});
      stems.push_back(name + ".yaml");
    } else {
      throw StudioError(400,
                        "each variant is a scenario file or {\"name\", \"interventions\": [...]}");
    }
  }
  const std::vector<std::string> names = ensemble::arm_names(stems);
  std::vector<ensemble::CompareArm> arms;
  for (std::size_t i = 0; i < bases.size(); ++i)
    arms.push_back({names[i], bases[i]});
  ensemble::CompareOptions options;
  options.replicates = replicates;
  options.days = days;
  options.threads = limits_.threads;
  // Parameter uncertainty: a posterior under the scenarios folder.
  if (request.contains("parameters") && !request["parameters"].is_null()) {
    if (!request["parameters"].is_string())
      throw StudioError(400,
                        "\"parameters\": expected a posterior file, e.g. "
                        "\"calibration/<file>.h5\"");
    const std::string rel = request["parameters"].get<std::string>();
    const auto file = file_under(scenarios_, rel);
    if (!file) throw StudioError(404, "no posterior '" + rel + "' in the scenarios folder");
    try {
      options.parameters = ensemble::load_parameter_sets(*file);
    } catch (const std::exception& e) {
      throw StudioError(400, std::string("\"parameters\": ") + e.what());
    }
  }
  // A saved state every option starts from: a checkpoint, or a warm-up run of the baseline.
  const bool has_from = request.contains("from") && !request["from"].is_null();
  const int warm_up = request.value("warm_up_days", json(0)).is_number_integer()
                          ? request.value("warm_up_days", 0)
                          : -1;
  if (warm_up < 0 || warm_up > limits_.max_warm_up_days)
    throw StudioError(400, "\"warm_up_days\": expected a whole number from 0 to " +
                               std::to_string(limits_.max_warm_up_days));
  if (has_from && warm_up > 0)
    throw StudioError(400, "\"from\" and \"warm_up_days\": choose one saved state, not both");
  if (has_from) {
    if (!request["from"].is_string())
      throw StudioError(400, "\"from\": expected a checkpoint file (*.ckpt)");
    const std::string rel = request["from"].get<std::string>();
    const auto file = file_under(scenarios_, rel);
    if (!file) throw StudioError(404, "no checkpoint '" + rel + "' in the scenarios folder");
    int saved_day = 0;
    try {
      saved_day = io::read_checkpoint(*file).day;
    } catch (const std::exception& e) {
      throw StudioError(400, std::string("\"from\": ") + e.what());
    }
    if (saved_day >= days)
      throw StudioError(400, "\"from\": the checkpoint is of day " + std::to_string(saved_day) +
                                 "; \"days\" must be more than that");
    options.from = *file;
  }
  // With a warm-up the comparison runs `days` days after it.
  if (warm_up > 0) options.days = warm_up + days;
  try {
    ensemble::check_comparison(arms, options);
  } catch (const ScenarioError& e) {
    throw StudioError(400, e.what());
  }

  auto job = std::make_shared<Job>();
  job->arms = names;
  job->total = arms.size() * static_cast<std::size_t>(replicates);
  {
    std::lock_guard lock(mutex_);
    std::size_t running = 0;
    for (const auto& [id, j] : jobs_)
      running += j->finished ? 0 : 1;
    if (running >= limits_.running)
      throw StudioError(429, "the studio is already running " + std::to_string(running) +
                                 " comparisons; wait for one or cancel it");
    job->id = "cmp" + std::to_string(next_id_++);
    // Forget old finished comparisons so a long session does not grow without bound.
    while (jobs_.size() >= 16) {
      auto oldest = std::find_if(jobs_.begin(), jobs_.end(),
                                 [](const auto& entry) { return entry.second->finished.load(); });
      if (oldest == jobs_.end()) break;
      jobs_.erase(oldest);
    }
    jobs_[job->id] = job;
  }
  const std::filesystem::path folder = scratch_ / job->id;
  options.scratch = folder / "runs";
  options.command_line = "caresim studio: " + fmt::format("{}", fmt::join(names, " vs "));
  Job* raw = job.get();
  options.stop = &raw->stop;
  options.on_done = [raw](const ensemble::RunOutcome&) { ++raw->done; };
  raw->thread = std::thread([raw, arms, options, folder, warm_up] {
    std::string state, error, report;
    try {
      std::filesystem::create_directories(folder);
      ensemble::CompareOptions o = options;
      if (warm_up > 0) {
        // Warm up first: the baseline alone for warm_up days, saved at its end; every run of
        // every option then starts from that state (compare --from).
        std::vector<std::string> overrides = o.overrides;
        overrides.push_back("run.days=" + std::to_string(warm_up));
        const Scenario s =
            parse_scenario(arms.front().base.yaml_text, arms.front().base.source_name, overrides);
        RunOptions ro;
        ro.output = folder / "warm_up.h5";
        ro.threads = o.threads;
        ro.scenario_file = arms.front().base.source_name;
        ro.command_line = o.command_line + " (warm-up)";
        ro.stop = o.stop;
        ro.checkpoint_every = warm_up;
        (void)run_scenario(s, ro);
        o.from = folder / "warm_up.h5.ckpt";
      }
      if (raw->stop.load() != 0) throw std::runtime_error("cancelled");
      const ensemble::Comparison c = ensemble::run_comparison(arms, o);
      if (raw->stop.load() != 0 || !ensemble::complete(c)) {
        state = "cancelled";
      } else {
        const auto file = folder / "compare.h5";
        ensemble::write_comparison(c, file);
        report = report_json(ensemble::compare_report(c, file));
        state = "done";
      }
    } catch (const std::exception& e) {
      state = "failed";
      error = e.what();
    }
    std::error_code ec;
    std::filesystem::remove_all(folder, ec);
    std::lock_guard lock(raw->mutex);
    if (raw->state == "running") raw->state = state;
    raw->error = error;
    raw->report = std::move(report);
    raw->finished = true;
  });
  return json{{"id", job->id}, {"total", job->total}, {"arms", names}}.dump();
}

std::string WhatIf::status(const std::string& id) const {
  std::shared_ptr<Job> job;
  {
    std::lock_guard lock(mutex_);
    const auto it = jobs_.find(id);
    if (it == jobs_.end()) throw StudioError(404, "no comparison '" + id + "'");
    job = it->second;
  }
  std::lock_guard lock(job->mutex);
  std::string out = json{{"id", job->id},       {"state", job->state}, {"done", job->done.load()},
                         {"total", job->total}, {"arms", job->arms},   {"error", job->error}}
                        .dump();
  if (!job->report.empty()) {
    out.pop_back();
    out += ",\"report\":" + job->report + "}";
  }
  return out;
}

void WhatIf::cancel(const std::string& id) {
  std::shared_ptr<Job> job;
  {
    std::lock_guard lock(mutex_);
    const auto it = jobs_.find(id);
    if (it == jobs_.end()) throw StudioError(404, "no comparison '" + id + "'");
    job = it->second;
  }
  job->stop = 1;
  std::lock_guard lock(job->mutex);
  if (job->state == "running") job->state = "cancelled";
}

std::size_t WhatIf::running() const {
  std::lock_guard lock(mutex_);
  std::size_t n = 0;
  for (const auto& [id, job] : jobs_)
    n += job->finished ? 0 : 1;
  return n;
}

void WhatIf::shutdown() {
  std::map<std::string, std::shared_ptr<Job>> jobs;
  {
    std::lock_guard lock(mutex_);
    jobs.swap(jobs_);
  }
  for (auto& [id, job] : jobs)
    job->stop = 1;
  jobs.clear();  // each Job joins its thread
}

}  // namespace caresim::studio
