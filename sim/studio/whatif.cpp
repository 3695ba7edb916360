// The studio's what-if comparisons (studio/whatif.hpp): requests checked here, runs on the
// ensemble's local backend, the report built by ensemble/compare_report and sent as JSON.
#include "caresim/studio/whatif.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "caresim/ensemble/backend.hpp"
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
  return json{{"scenarios", files},
              {"kinds", kinds},
              {"limits",
               {{"running", limits_.running},
                {"min_days", limits_.min_days},
                {"max_days", limits_.max_days},
                {"max_replicates", limits_.max_replicates},
                {"max_arms", limits_.max_arms}}}}
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
  raw->thread = std::thread([raw, arms, options, folder] {
    std::string state, error, report;
    try {
      std::filesystem::create_directories(folder);
      const ensemble::Comparison c = ensemble::run_comparison(arms, options);
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
