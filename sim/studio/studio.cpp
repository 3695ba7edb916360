#include "caresim/studio/studio.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "caresim/catalogue/catalogue.hpp"
#include "caresim/teaching/boolean_network.hpp"
#include "studio_detail.hpp"

namespace caresim::studio {
namespace {

using nlohmann::json;

using detail::picture_json;
using detail::read_text;

/// The narrower range a class can use, for keys whose schema range is far wider than a browser
/// can show or run live. Applied only inside the schema's range.
struct ClassroomRange {
  const char* path;
  double lo, hi;
};
constexpr ClassroomRange kClassroom[] = {
    {"teaching.boolean_network.nodes", 100, 20000},
    {"teaching.threshold_cascade.nodes", 100, 20000},
    {"teaching.threshold_cascade.mean_degree", 0, 12},
    {"teaching.threshold_cascade.threshold", 0, 0.5},
    {"teaching.granovetter.people", 10, 1000},
    {"teaching.granovetter.mean", 0, 1},
    {"teaching.granovetter.sd", 0, 0.5},
    {"teaching.sandpile.side", 8, 128},
    {"teaching.sandpile.grains_per_step", 1, 1000},
    {"teaching.branching.mean_offspring", 0, 2},
    {"teaching.branching.cascades_per_step", 100, 20000},
    {"teaching.fold.c_start", 0, 4},
    {"teaching.fold.c_end", 0, 4},
    {"teaching.fold.noise_sd", 0, 0.5},
    {"effort.peer_weight", 0, 14},
};

/// The keys each model offers as sliders, in the order shown.
std::vector<std::string> slider_keys(ModelKind model) {
  switch (model) {
    case ModelKind::boolean_network:
      return {"teaching.boolean_network.inputs", "teaching.boolean_network.bias",
              "teaching.boolean_network.nodes"};
    case ModelKind::threshold_cascade:
      return {"teaching.threshold_cascade.mean_degree", "teaching.threshold_cascade.threshold",
              "teaching.threshold_cascade.nodes"};
    case ModelKind::granovetter:
      return {"teaching.granovetter.distribution", "teaching.granovetter.mean",
              "teaching.granovetter.sd", "teaching.granovetter.people"};
    case ModelKind::sandpile:
      return {"teaching.sandpile.side", "teaching.sandpile.grains_per_step",
              "teaching.sandpile.initial_height"};
    case ModelKind::branching:
      return {"teaching.branching.mean_offspring", "teaching.branching.cascades_per_step"};
    case ModelKind::fold:
      return {"teaching.fold.schedule", "teaching.fold.c_start", "teaching.fold.c_end",
              "teaching.fold.noise_sd"};
    case ModelKind::care:
      return {"effort.peer_weight"};
    default:
      return {};
  }
}

json slider_json(const Slider& s) {
  json j = {
      {"key", s.key.path},  {"value", s.key.value},    {"lo", s.lo}, {"hi", s.hi}, {"step", s.step},
      {"unit", s.key.unit}, {"meaning", s.key.meaning}};
  j["type"] = s.key.type == ScenarioKey::Type::integer  ? "integer"
              : s.key.type == ScenarioKey::Type::choice ? "choice"
                                                        : "number";
  if (!s.key.choices.empty()) j["choices"] = s.key.choices;
  return j;
}

std::string model_name(ModelKind kind) {
  return kModelKindNames[static_cast<std::size_t>(kind)];
}

}  // namespace

std::string error_json(const std::string& message) {
  return json{{"error", message}}.dump();
}

std::string header_text(const std::string& yaml_text) {
  std::istringstream in(yaml_text);
  std::string line, text;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] != '#') break;
    std::string words = line.substr(1);
    if (!words.empty() && words[0] == ' ') words.erase(0, 1);
    if (!text.empty()) text += ' ';
    text += words;
  }
  return text;
}

std::vector<GalleryEntry> gallery(const std::filesystem::path& scenarios) {
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(scenarios / "teaching")) {
    if (entry.is_regular_file() && entry.path().extension() == ".yaml")
      files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  std::vector<GalleryEntry> out;
  for (const auto& file : files) {
    const Scenario s = load_scenario(file);
    out.push_back({"teaching/" + file.filename().string(), s.name, model_name(s.model),
                   s.description, header_text(read_text(file))});
  }
  return out;
}

std::vector<Slider> sliders(const Scenario& scenario) {
  const auto keys = scenario_keys(scenario);
  std::vector<Slider> out;
  for (const std::string& path : slider_keys(scenario.model)) {
    // A crowd given one threshold per person has its size fixed by the list.
    if (path == "teaching.granovetter.people" &&
        scenario.teaching.granovetter.distribution == ThresholdLadder::list)
      continue;
    const auto key = std::find_if(keys.begin(), keys.end(),
                                  [&](const ScenarioKey& k) { return k.path == path; });
    if (key == keys.end()) continue;
    Slider s{*key, key->lo, key->hi, 1.0};
    for (const auto& room : kClassroom) {
      if (path == room.path) {
        s.lo = std::max(s.lo, room.lo);
        s.hi = std::min(s.hi, room.hi);
      }
    }
    if (key->type == ScenarioKey::Type::number) s.step = (s.hi - s.lo) / 200.0;
    out.push_back(s);
  }
  return out;
}

std::optional<std::filesystem::path> file_under(const std::filesystem::path& root,
                                                const std::string& relative) {
  if (relative.empty() || relative.find('\0') != std::string::npos ||
      relative.find('\\') != std::string::npos || relative.front() == '/')
    return std::nullopt;
  const std::filesystem::path rel(relative);
  for (const auto& part : rel) {
    if (part == ".." || part == ".") return std::nullopt;
  }
  std::error_code ec;
  const auto base = std::filesystem::canonical(root, ec);
  if (ec) return std::nullopt;
  const auto file = std::filesystem::canonical(base / rel, ec);
  if (ec || !std::filesystem::is_regular_file(file, ec)) return std::nullopt;
  // Symbolic links could still lead out of root.
  const auto [root_end, file_it] =
      std::mismatch(base.begin(), base.end(), file.begin(), file.end());
  if (root_end != base.end()) return std::nullopt;
  return file;
}

// ---------------------------------------------------------------------------------------------
// Session

Session::Session(std::string id, const std::filesystem::path& scenarios, const std::string& file,
                 std::vector<std::string> overrides, bool twin)
    : id_(std::move(id)), file_(file), twin_(twin) {
  const auto path = file_under(scenarios, file);
  if (!path) throw StudioError(404, "no scenario '" + file + "' in the scenarios folder");
  try {
    scenario_ = load_scenario(*path, overrides);
  } catch (const std::exception& e) {
    throw StudioError(400, e.what());
  }
  notice_ = header_text(read_text(*path));
  try {
    build();
  } catch (const std::logic_error& e) {
    throw StudioError(400, e.what());
  }
  driver_ = std::thread([this] { drive(); });
}

Session::~Session() {
  cancel();
  if (driver_.joinable()) driver_.join();
}

void Session::build() {
  sim_ = make_simulator(scenario_);
  for (const auto& [key, value] : live_)
    sim_->set_live(key, value);
  twin_sim_.reset();
  if (twin_) {
    twin_sim_ = sim_->clone();  // std::logic_error if the model has no twin runs
    twin_sim_->perturb(sim_->perturbation_sites() / 2);
  }
  row_json_.clear();
  picture_json_ = picture_json(sim_->picture()).dump();
}

std::string Session::description_json() const {
  std::lock_guard lock(mutex_);
  const RunLayout& layout = sim_->layout();
  json series = json::array();
  std::size_t column = 0;
  for (const SeriesSpec& s : layout.series) {
    const std::size_t width =
        s.dimension < 0 ? 1
                        : layout.dimensions[static_cast<std::size_t>(s.dimension)].labels.size();
    json j = {{"name", s.name},
              {"units", s.units},
              {"description", s.description},
              {"column", column},
              {"width", width}};
    if (s.dimension >= 0)
      j["labels"] = layout.dimensions[static_cast<std::size_t>(s.dimension)].labels;
    series.push_back(j);
    column += width;
  }
  json slider_list = json::array();
  const auto live_keys = sim_->live_keys();
  for (const Slider& s : sliders(scenario_)) {
    json j = slider_json(s);
    j["live"] = std::find(live_keys.begin(), live_keys.end(), s.key.path) != live_keys.end();
    if (const auto it = live_.find(s.key.path); it != live_.end()) j["value"] = it->second;
    slider_list.push_back(j);
  }
  return json{{"id", id_},
              {"file", file_},
              {"model", model_name(scenario_.model)},
              {"name", scenario_.name},
              {"description", scenario_.description},
              {"days", sim_->days()},
              {"seed", scenario_.run.seed},
              {"series", series},
              {"sliders", slider_list},
              {"notice", notice_},
              {"twin", twin_}}
      .dump();
}

void Session::play(double steps_per_second) {
  std::lock_guard lock(mutex_);
  speed_ = std::clamp(steps_per_second, 1.0, 1000.0);
  playing_ = true;
  changed_.notify_all();
}

void Session::pause() {
  std::lock_guard lock(mutex_);
  playing_ = false;
  changed_.notify_all();
}

void Session::step_once() {
  std::lock_guard lock(mutex_);
  ++pending_steps_;
  changed_.notify_all();
}

void Session::reset() {
  std::lock_guard lock(mutex_);
  playing_ = false;
  pending_steps_ = 0;
  build();
  ++generation_;
  changed_.notify_all();
}

void Session::cancel() {
  std::lock_guard lock(mutex_);
  cancelled_ = true;
  changed_.notify_all();
}

void Session::set_live(const std::string& body) {
  const json request = detail::parse_object(body, "{\"set\": {\"<key>\": value}}");
  if (!request.contains("set") || !request["set"].is_object() || request["set"].empty())
    throw StudioError(400, "\"set\" must map scenario keys to numbers");
  std::lock_guard lock(mutex_);
  const auto live_keys = sim_->live_keys();
  const auto offered = sliders(scenario_);
  std::map<std::string, double> values;
  for (const auto& [key, value] : request["set"].items()) {
    if (std::find(live_keys.begin(), live_keys.end(), key) == live_keys.end())
      throw StudioError(400, "'" + key + "' cannot change during a run of " +
                                 model_name(scenario_.model) + "; restart the run to change it");
    const std::string& name = key;  // clang 14 cannot capture a structured binding
    const auto slider = std::find_if(offered.begin(), offered.end(),
                                     [&](const Slider& s) { return s.key.path == name; });
    if (!value.is_number() || slider == offered.end() || !(value.get<double>() >= slider->lo) ||
        !(value.get<double>() <= slider->hi) ||
        (slider->key.type == ScenarioKey::Type::integer &&
         value.get<double>() != std::floor(value.get<double>())))
      throw StudioError(400, "'" + key + "' must be a number in its slider's range");
    values[key] = value.get<double>();
  }
  try {
    for (const auto& [key, value] : values) {
      sim_->set_live(key, value);
      if (twin_sim_) twin_sim_->set_live(key, value);
      live_[key] = value;
    }
  } catch (const std::invalid_argument& e) {
    throw StudioError(400, e.what());
  }
  changed_.notify_all();
}

bool Session::cancelled() const {
  std::lock_guard lock(mutex_);
  return cancelled_;
}

std::size_t Session::rows() const {
  std::lock_guard lock(mutex_);
  return row_json_.size();
}

std::string Session::derrida_json() const {
  std::lock_guard lock(mutex_);
  const auto* net = dynamic_cast<const teaching::BooleanNetwork*>(sim_.get());
  if (!net)
    throw StudioError(400, "the Derrida plot is for a random Boolean network; run " + id_ +
                               " is a " + model_name(scenario_.model));
  static constexpr double kDistances[] = {0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.15, 0.2, 0.3,
                                          0.4,  0.5,  0.6,  0.7,  0.8,  0.9, 1.0};
  const int k = net->inputs_per_node();
  const double p = scenario_.teaching.boolean_network.bias;
  json points = json::array();
  for (const auto& point : teaching::derrida_map(*net, kDistances, 8, scenario_.run.seed)) {
    points.push_back({{"d", point.d},
                      {"next", point.next},
                      {"standard_error", point.standard_error},
                      {"annealed", teaching::derrida_annealed(point.d, k, p)}});
  }
  return json{{"k", k},
              {"p", p},
              {"nodes", net->node_count()},
              {"slope_annealed", 2.0 * p * (1.0 - p) * k},
              {"points", points}}
      .dump();
}

void Session::advance_locked() {
  sim_->step();
  std::vector<double> row(sim_->layout().row_width());
  sim_->observe(row);
  json j = row;
  if (twin_sim_) {
    twin_sim_->step();
    j.push_back(sim_->distance(*twin_sim_));
  }
  row_json_.push_back(j.dump());
  picture_json_ = picture_json(sim_->picture()).dump();
}

void Session::drive() {
  using clock = std::chrono::steady_clock;
  auto next = clock::now();
  std::unique_lock lock(mutex_);
  while (!cancelled_) {
    const bool more = sim_->day() < sim_->days();
    if (!more) playing_ = false;
    if (pending_steps_ > 0 && more) {
      --pending_steps_;
      advance_locked();
      changed_.notify_all();
      continue;
    }
    if (playing_ && more) {
      if (clock::now() >= next) {
        advance_locked();
        changed_.notify_all();
        next = std::max(next + std::chrono::duration_cast<clock::duration>(
                                   std::chrono::duration<double>(1.0 / speed_)),
                        clock::now() - std::chrono::milliseconds(100));
      } else {
        changed_.wait_until(lock, next);
      }
      continue;
    }
    pending_steps_ = 0;
    changed_.wait(lock);
    next = clock::now();
  }
}

std::optional<std::string> Session::next_frame(std::size_t* seen, std::uint64_t* generation,
                                               std::chrono::milliseconds wait) {
  std::unique_lock lock(mutex_);
  const auto fresh = [&] {
    return cancelled_ || *generation != generation_ || row_json_.size() > *seen;
  };
  if (!fresh()) changed_.wait_for(lock, wait, fresh);
  if (cancelled_) return std::nullopt;
  const bool was_reset = *generation != generation_;
  if (was_reset) {
    *generation = generation_;
    *seen = 0;
  } else if (row_json_.size() <= *seen) {
    return std::string();
  }
  std::string out = "{\"reset\":" + std::string(was_reset ? "true" : "false") +
                    ",\"first_day\":" + std::to_string(*seen) + ",\"rows\":[";
  // At most a few hundred rows at once, so a late tab catches up in bounded frames.
  const std::size_t end = std::min(row_json_.size(), *seen + 500);
  for (std::size_t i = *seen; i < end; ++i) {
    if (i > *seen) out += ',';
    out += row_json_[i];
  }
  *seen = end;
  out += "],\"day\":" + std::to_string(end) + ",\"days\":" + std::to_string(sim_->days()) +
         ",\"playing\":" + (playing_ ? "true" : "false") + ",\"picture\":" + picture_json_ + "}";
  return out;
}

// ---------------------------------------------------------------------------------------------
// Studio

Studio::Studio(std::filesystem::path scenarios, Limits limits)
    : scenarios_(std::move(scenarios)), limits_(limits) {}

std::string Studio::gallery_json() const {
  json list = json::array();
  for (const GalleryEntry& e : gallery(scenarios_)) {
    list.push_back({{"file", e.file},
                    {"name", e.name},
                    {"model", e.model},
                    {"description", e.description},
                    {"notice", e.notice}});
  }
  return list.dump();
}

std::string Studio::create(const std::string& body) {
  json request;
  try {
    request = json::parse(body);
  } catch (const json::exception&) {
    throw StudioError(400, "the request body is not JSON");
  }
  if (!request.is_object() || !request.contains("scenario") || !request["scenario"].is_string())
    throw StudioError(400, "expected {\"scenario\": \"teaching/<file>.yaml\", \"set\": {...}}");
  std::vector<std::string> overrides;
  if (request.contains("set")) {
    if (!request["set"].is_object())
      throw StudioError(400, "\"set\" must map scenario keys to values");
    for (const auto& [key, value] : request["set"].items()) {
      if (value.is_string()) {
        overrides.push_back(key + "=" + value.get<std::string>());
      } else if (value.is_number() || value.is_boolean()) {
        overrides.push_back(key + "=" + value.dump());
      } else {
        throw StudioError(400, "\"set\": the value of '" + key + "' must be a number or text");
      }
    }
  }
  const bool twin =
      request.contains("twin") && request["twin"].is_boolean() && request["twin"].get<bool>();
  std::string id;
  {
    std::lock_guard lock(mutex_);
    if (sessions_.size() >= limits_.runs)
      throw StudioError(429, "the studio already holds " + std::to_string(limits_.runs) +
                                 " runs; close a tab or stop a run first");
    id = "run" + std::to_string(next_id_++);
  }
  auto session = std::make_shared<Session>(id, scenarios_, request["scenario"].get<std::string>(),
                                           overrides, twin);
  std::lock_guard lock(mutex_);
  if (sessions_.size() >= limits_.runs)
    throw StudioError(429, "the studio already holds " + std::to_string(limits_.runs) + " runs");
  sessions_[id] = session;
  return session->description_json();
}

std::shared_ptr<Session> Studio::find(const std::string& id) const {
  std::lock_guard lock(mutex_);
  const auto it = sessions_.find(id);
  if (it == sessions_.end()) throw StudioError(404, "no run '" + id + "'");
  return it->second;
}

void Studio::remove(const std::string& id) {
  std::shared_ptr<Session> session;
  {
    std::lock_guard lock(mutex_);
    const auto it = sessions_.find(id);
    if (it == sessions_.end()) throw StudioError(404, "no run '" + id + "'");
    session = it->second;
    sessions_.erase(it);
  }
  session->cancel();
}

void Studio::control(const std::string& id, const std::string& body) {
  const auto session = find(id);
  json request;
  try {
    request = json::parse(body);
  } catch (const json::exception&) {
    throw StudioError(400, "the request body is not JSON");
  }
  const std::string action =
      request.is_object() && request.contains("action") && request["action"].is_string()
          ? request["action"].get<std::string>()
          : "";
  if (action == "play") {
    double speed = 10.0;
    if (request.contains("speed")) {
      if (!request["speed"].is_number())
        throw StudioError(400, "\"speed\" must be a number of steps per second");
      speed = request["speed"].get<double>();
    }
    if (!(speed >= 1.0 && speed <= 1000.0))
      throw StudioError(400, "\"speed\" must be between 1 and 1000 steps per second");
    session->play(speed);
  } else if (action == "pause") {
    session->pause();
  } else if (action == "step") {
    session->step_once();
  } else if (action == "reset") {
    session->reset();
  } else {
    throw StudioError(400, "\"action\" must be one of play, pause, step, reset");
  }
}

void Studio::set_live(const std::string& id, const std::string& body) {
  find(id)->set_live(body);
}

bool Studio::open_stream() {
  std::lock_guard lock(mutex_);
  if (streams_ >= limits_.streams) return false;
  ++streams_;
  return true;
}

void Studio::close_stream() {
  std::lock_guard lock(mutex_);
  --streams_;
}

std::size_t Studio::open_streams() const {
  std::lock_guard lock(mutex_);
  return streams_;
}

std::size_t Studio::run_count() const {
  std::lock_guard lock(mutex_);
  return sessions_.size();
}

void Studio::shutdown() {
  std::lock_guard lock(mutex_);
  for (auto& [id, session] : sessions_)
    session->cancel();
}

}  // namespace caresim::studio
