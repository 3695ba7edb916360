// A class plays the system (studio/classroom.hpp): the rounds, the players and the debrief.
#include "caresim/studio/classroom.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>
#include <random>

#include "caresim/scenario/load.hpp"
#include "studio_detail.hpp"

namespace caresim::studio {
namespace {

using nlohmann::json;

/// The series every page plots, in this order (scalar care outputs).
constexpr const char* kClassSeries[] = {
    "a_and_e_4h",       "delayed_discharges",       "gp_mean_wait_days", "mean_system_share",
    "cross_org_strength_share", "mean_energy", "system_cost_per_day"};

/// The kinds players lead, in the order places are dealt (round-robin over those in the city).
constexpr OrgKind kDealOrder[] = {OrgKind::acute,        OrgKind::community,
                                  OrgKind::mental_health, OrgKind::gp_practice,
                                  OrgKind::social_care,   OrgKind::third_sector,
                                  OrgKind::public_health, OrgKind::care_home,
                                  OrgKind::commissioner};

/// Letters that cannot be mistaken for each other when read off a projector.
constexpr char kCodeLetters[] = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";

std::string random_text(std::size_t n, const char* alphabet, std::size_t letters) {
  // Codes and tokens only: nothing of the simulation draws from this.
  thread_local std::mt19937_64 gen{std::random_device{}()};
  std::string out;
  for (std::size_t i = 0; i < n; ++i)
    out += alphabet[gen() % letters];
  return out;
}

std::string token() {
  return random_text(24, "abcdefghijklmnopqrstuvwxyz0123456789", 36);
}

json lever_json(const LeverSpec& l, double value) {
  return {{"key", l.key}, {"name", l.name}, {"unit", l.unit},       {"lo", l.lo},
          {"hi", l.hi},   {"step", l.step}, {"neutral", l.neutral}, {"value", value},
          {"meaning", l.meaning}};
}

std::string string_field(const json& j, const char* key) {
  return j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : std::string();
}

json nan_null(double x) {
  return std::isfinite(x) ? json(x) : json(nullptr);
}

/// The pace fields of a request (create or pace), checked; absent ones leave `options` as is.
void read_pace(const json& request, ClassSession::Options& options) {
  if (request.contains("round_seconds")) {
    if (!request["round_seconds"].is_number_integer() || request["round_seconds"].get<int>() < 0 ||
        request["round_seconds"].get<int>() > 3600)
      throw StudioError(400, "\"round_seconds\" must be 0 (the teacher advances) to 3600");
    options.round_seconds = request["round_seconds"].get<int>();
  }
  if (request.contains("advance_when_all_submitted")) {
    if (!request["advance_when_all_submitted"].is_boolean())
      throw StudioError(400, "\"advance_when_all_submitted\" must be true or false");
    options.advance_when_all_submitted = request["advance_when_all_submitted"].get<bool>();
  }
}

}  // namespace

std::vector<LeverSpec> levers_for(const Simulation& sim, std::uint32_t org) {
  const Model& m = sim.model();
  const OrgKind kind = m.organisations.kind[org];
  std::vector<LeverSpec> out;
  out.push_back({"system_time", "Staff time protected for system work", "%", 0, 50, 5, 0,
                 "each of your staff aims to give at least this share of their time to work "
                 "across the system (a floor under their own choice); that time is not spent "
                 "on your own service"});
  bool has_targets = false;
  for (const TargetSpec& t : m.scenario.targets)
    has_targets |= t.org_kind == kind;
  if (has_targets) {
    out.push_back({"pressure_passed", "Target pressure passed on to staff", "%", 0, 100, 10, 100,
                   "how much of the pressure of your organisation's targets you pass on: it "
                   "pulls staff towards your own service, drains their energy and, at A&E, "
                   "invites gaming"});
  }
  const double staff = m.organisations.staff_count[org];
  out.push_back({"workshop_staff", "Staff sent to this month's cross-organisation workshop",
                 "people", 0, std::min(staff, 100.0), 1, 0,
                 "each person sent gives a day to joint work with other organisations in their "
                 "locality on the month's first day"});
  if (kind == OrgKind::social_care) {
    out.push_back({"package_budget", "Budget for care packages", "% of the usual", 50, 150, 10,
                   100,
                   "the budget against which social care's spending is judged: above it, "
                   "packages to take patients home are rationed"});
  }
  return out;
}

LeaderChoice to_choice(const LeverValues& values, int first_day) {
  LeaderChoice c;
  const auto get = [&](const char* key, double fallback) {
    const auto it = values.find(key);
    return it == values.end() ? fallback : it->second;
  };
  c.protected_system_time = get("system_time", 0.0) / 100.0;
  c.pressure_passed = get("pressure_passed", 100.0) / 100.0;
  c.workshop_staff = std::round(get("workshop_staff", 0.0));
  c.workshop_day = c.workshop_staff > 0 ? first_day : -1;
  c.package_budget = get("package_budget", 100.0) / 100.0;
  return c;
}

// ---------------------------------------------------------------------------------------------
// ClassSession

ClassSession::ClassSession(std::string code, std::string teacher,
                           const std::filesystem::path& scenarios, Options options,
                           ClassLimits limits)
    : code_(std::move(code)), teacher_(std::move(teacher)), options_(std::move(options)),
      limits_(limits) {
  const auto path = file_under(scenarios, options_.scenario);
  if (!path) throw StudioError(404, "no scenario '" + options_.scenario + "' in the scenarios folder");
  Scenario scenario;
  try {
    scenario = load_scenario(*path);
  } catch (const std::exception& e) {
    throw StudioError(400, e.what());
  }
  if (scenario.model != ModelKind::care)
    throw StudioError(400, "a class plays a care city; '" + options_.scenario + "' is not one");
  if (options_.seed) scenario.run.seed = *options_.seed;
  name_ = scenario.name;
  sim_ = std::make_unique<Simulation>(scenario);
  days_ = sim_->days();
  const RunLayout& layout = sim_->layout();
  for (const char* wanted : kClassSeries) {
    std::size_t column = 0;
    for (const SeriesSpec& s : layout.series) {
      const std::size_t width =
          s.dimension < 0
              ? 1
              : layout.dimensions[static_cast<std::size_t>(s.dimension)].labels.size();
      if (s.name == wanted && s.dimension < 0) {
        series_names_.push_back(s.name);
        series_specs_.push_back(s);
        series_columns_.push_back(column);
      }
      column += width;
    }
  }
  const Organisations& orgs = sim_->model().organisations;
  for (std::uint32_t o = 0; o < orgs.size(); ++o) {
    org_names_.push_back(orgs.name[o]);
    org_kinds_.push_back(kOrgKindNames[static_cast<std::size_t>(orgs.kind[o])]);
    org_levers_.push_back(levers_for(*sim_, o));
  }
  // Places dealt round-robin over the kinds, and within a kind over its organisations.
  std::vector<std::vector<std::uint32_t>> by_kind;
  for (OrgKind k : kDealOrder) {
    const auto& list = sim_->model().orgs_of_kind[static_cast<std::size_t>(k)];
    if (!list.empty()) by_kind.push_back(list);
  }
  if (by_kind.empty()) throw StudioError(400, "the city has no organisations to lead");
  for (std::size_t i = 0; i < limits_.players; ++i) {
    const auto& list = by_kind[i % by_kind.size()];
    assignment_.push_back(list[(i / by_kind.size()) % list.size()]);
  }
  sim_->mutable_state().leader_choices.assign(orgs.size(), {});
  picture_json_ = detail::picture_json(sim_->picture()).dump();
  touched_ = round_started_ = std::chrono::steady_clock::now();
  driver_ = std::thread([this] { drive(); });
}

ClassSession::~ClassSession() {
  end();
  if (driver_.joinable()) driver_.join();
}

void ClassSession::touch() const {
  touched_ = std::chrono::steady_clock::now();
}

std::chrono::steady_clock::time_point ClassSession::last_touched() const {
  std::lock_guard lock(mutex_);
  return touched_;
}

void ClassSession::end() {
  std::lock_guard lock(mutex_);
  ended_ = true;
  ++version_;
  changed_.notify_all();
}

bool ClassSession::ended() const {
  std::lock_guard lock(mutex_);
  return ended_;
}

int ClassSession::rounds_done() const {
  std::lock_guard lock(mutex_);
  return static_cast<int>(rounds_.size());
}

bool ClassSession::settled() const {
  std::lock_guard lock(mutex_);
  return !running_ && !computing_effects_ && !advance_requested_;
}

std::string ClassSession::description_json() const {
  std::lock_guard lock(mutex_);
  touch();
  const json series = json::parse(series_json());
  json orgs = json::array();
  for (std::size_t o = 0; o < org_names_.size(); ++o)
    orgs.push_back({{"id", o}, {"name", org_names_[o]}, {"kind", org_kinds_[o]}});
  json j = json::parse(state_json_locked());
  j["name"] = name_;
  j["scenario"] = options_.scenario;
  j["series"] = series;
  j["organisations"] = orgs;
  j["round_days"] = limits_.round_days;
  j["max_players"] = limits_.players;
  return j.dump();
}

std::string ClassSession::series_json() const {
  json series = json::array();
  for (const SeriesSpec& s : series_specs_) {
    series.push_back({{"name", s.name},
                      {"plain_name", s.plain_name.empty() ? s.description : s.plain_name},
                      {"units", s.units},
                      {"description", s.description},
                      {"percent", s.percent},
                      {"better", s.better == Better::higher  ? "higher"
                                 : s.better == Better::lower ? "lower"
                                                             : "neutral"}});
  }
  return series.dump();
}

std::string ClassSession::state_json_locked() const {
  json players = json::array();
  int submitted = 0;
  const int open = static_cast<int>(rounds_.size()) + 1;
  for (std::size_t i = 0; i < players_.size(); ++i) {
    const Player& p = players_[i];
    const bool done = p.submitted_round == open;
    submitted += done ? 1 : 0;
    players.push_back({{"id", i},
                       {"name", p.name},
                       {"org", p.org},
                       {"org_name", org_names_[p.org]},
                       {"kind", org_kinds_[p.org]},
                       {"submitted", done}});
  }
  const int rounds_max = days_ / limits_.round_days;
  const bool finished = static_cast<int>(rounds_.size()) >= rounds_max;
  // Seconds until the timer runs the open round: null without a timer or while nothing waits
  // on it; the full time until the first student joins (the clock starts then).
  json seconds_left = nullptr;
  if (options_.round_seconds > 0 && !finished && !running_ && !advance_requested_) {
    if (players_.empty()) {
      seconds_left = options_.round_seconds;
    } else {
      const auto due = round_started_ + std::chrono::seconds(options_.round_seconds);
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          due - std::chrono::steady_clock::now());
      seconds_left = std::max<double>(0.0, static_cast<double>(left.count()) / 1000.0);
    }
  }
  return json{{"code", code_},
              {"round", rounds_.size()},
              {"open_round", open},
              {"rounds_max", rounds_max},
              {"finished", finished},
              {"running", running_ || advance_requested_},
              {"effects_pending", computing_effects_},
              {"day", row_json_.size()},
              {"days", days_},
              {"players", players},
              {"submitted", submitted},
              {"advance_when_all_submitted", options_.advance_when_all_submitted},
              {"round_seconds", options_.round_seconds},
              {"seconds_left", seconds_left},
              {"ended", ended_}}
      .dump();
}

std::string ClassSession::seat_json_locked(std::size_t id) const {
  const Player& p = players_[id];
  json levers = json::array();
  for (const LeverSpec& l : org_levers_[p.org]) {
    const auto v = p.values.find(l.key);
    levers.push_back(lever_json(l, v == p.values.end() ? l.neutral : v->second));
  }
  const int open = static_cast<int>(rounds_.size()) + 1;
  return json{{"player", p.token},
              {"id", id},
              {"name", p.name},
              {"code", code_},
              {"org", p.org},
              {"org_name", org_names_[p.org]},
              {"kind", org_kinds_[p.org]},
              {"open_round", open},
              {"submitted", p.submitted_round == open},
              {"levers", levers}}
      .dump();
}

bool ClassSession::all_submitted_locked() const {
  const int open = static_cast<int>(rounds_.size()) + 1;
  return !players_.empty() && std::all_of(players_.begin(), players_.end(), [&](const Player& p) {
    return p.submitted_round == open;
  });
}

std::string ClassSession::join(const std::string& body) {
  const json request = detail::parse_object(body, "{\"name\": \"your name\"}");
  std::string name = string_field(request, "name");
  name.erase(0, name.find_first_not_of(' '));
  while (!name.empty() && name.back() == ' ')
    name.pop_back();
  if (name.empty() || name.size() > 40)
    throw StudioError(400, "\"name\" must be your name, 1 to 40 characters");
  std::lock_guard lock(mutex_);
  touch();
  if (ended_) throw StudioError(404, "class " + code_ + " has ended");
  if (players_.size() >= limits_.players)
    throw StudioError(409, fmt::format("class {} is full ({} players)", code_, limits_.players));
  Player p;
  p.token = token();
  p.name = name;
  p.org = assignment_[players_.size()];
  // A newcomer starts from what their organisation's leaders chose last (neutral at first).
  for (const LeverSpec& l : org_levers_[p.org])
    p.values[l.key] = l.neutral;
  for (const Player& other : players_) {
    if (other.org == p.org) p.values = other.values;
  }
  // A round's timer counts from the first student in: the teacher may start the class well
  // before the room has joined.
  if (players_.empty() && rounds_.empty()) round_started_ = std::chrono::steady_clock::now();
  players_.push_back(p);
  ++version_;
  changed_.notify_all();
  return seat_json_locked(players_.size() - 1);
}

std::string ClassSession::rejoin(const std::string& body) {
  const json request = detail::parse_object(body, "{\"player\": \"<token>\"}");
  const std::string tok = string_field(request, "player");
  std::lock_guard lock(mutex_);
  touch();
  if (ended_) throw StudioError(404, "class " + code_ + " has ended");
  return seat_json_locked(seat_of_locked(tok, "that seat token is not a seat of class " + code_ +
                                                  "; join again with the code and your name"));
}

std::size_t ClassSession::seat_of_locked(const std::string& token,
                                         const std::string& refusal) const {
  const auto it = std::find_if(players_.begin(), players_.end(),
                               [&](const Player& p) { return p.token == token; });
  if (token.empty() || it == players_.end()) throw StudioError(403, refusal);
  return static_cast<std::size_t>(it - players_.begin());
}

std::string ClassSession::pace(const std::string& body) {
  check_teacher(body);
  const json request = detail::parse_object(
      body,
      "{\"teacher\": \"<token>\", \"advance_when_all_submitted\": bool, \"round_seconds\": n}");
  std::lock_guard lock(mutex_);
  touch();
  if (ended_) throw StudioError(404, "class " + code_ + " has ended");
  Options next = options_;
  read_pace(request, next);
  if (next.round_seconds != options_.round_seconds)
    round_started_ = std::chrono::steady_clock::now();
  options_ = next;
  const bool more = static_cast<int>(rounds_.size()) < days_ / limits_.round_days;
  if (options_.advance_when_all_submitted && more && !running_ && all_submitted_locked())
    advance_requested_ = true;
  ++version_;
  changed_.notify_all();
  return json{{"advance_when_all_submitted", options_.advance_when_all_submitted},
              {"round_seconds", options_.round_seconds}}
      .dump();
}

std::string ClassSession::choose(const std::string& body) {
  const json request = detail::parse_object(
      body, "{\"player\": \"<token>\", \"round\": n, \"levers\": {\"system_time\": 20, ...}}");
  const std::string tok = string_field(request, "player");
  std::lock_guard lock(mutex_);
  touch();
  if (ended_) throw StudioError(404, "class " + code_ + " has ended");
  Player& player = players_[seat_of_locked(
      tok, "\"player\" is not a player of class " + code_ + "; join first")];
  const int open = static_cast<int>(rounds_.size()) + 1;
  if (!request.contains("round") || !request["round"].is_number_integer())
    throw StudioError(400, fmt::format("\"round\" must be the open round's number ({})", open));
  const int round = request["round"].get<int>();
  if (running_ || advance_requested_)
    throw StudioError(409, fmt::format("round {} is running; choose for round {} when it ends",
                                       open, open + 1));
  if (round != open)
    throw StudioError(409, fmt::format("round {} is over (or not yet open): the open round is {}",
                                       round, open));
  if (open > days_ / limits_.round_days)
    throw StudioError(409, "the city has run all its rounds");
  if (!request.contains("levers") || !request["levers"].is_object())
    throw StudioError(400, "\"levers\" must map lever keys to numbers");
  const auto& specs = org_levers_[player.org];
  LeverValues values = player.values;
  for (const auto& [key, value] : request["levers"].items()) {
    const std::string& name = key;  // clang 14 cannot capture a structured binding
    const auto spec = std::find_if(specs.begin(), specs.end(),
                                   [&](const LeverSpec& l) { return l.key == name; });
    if (spec == specs.end()) {
      std::string known;
      for (const LeverSpec& l : specs)
        known += (known.empty() ? "" : ", ") + l.key;
      throw StudioError(400, fmt::format("'{}' is not a lever of {} (its levers: {})", key,
                                         org_names_[player.org], known));
    }
    if (!value.is_number() || !std::isfinite(value.get<double>()) ||
        value.get<double>() < spec->lo || value.get<double>() > spec->hi)
      throw StudioError(400, fmt::format("'{}' ({}) must be a number from {} to {} {}", key,
                                         spec->name, spec->lo, spec->hi, spec->unit));
    values[key] = value.get<double>();
  }
  player.values = values;
  player.submitted_round = open;
  int submitted = 0;
  for (const Player& p : players_)
    submitted += p.submitted_round == open ? 1 : 0;
  if (options_.advance_when_all_submitted && all_submitted_locked()) advance_requested_ = true;
  ++version_;
  changed_.notify_all();
  return json{{"ok", true},
              {"round", open},
              {"submitted", submitted},
              {"players", players_.size()}}
      .dump();
}

void ClassSession::check_teacher(const std::string& body) const {
  const json request = detail::parse_object(body, "{\"teacher\": \"<token>\"}");
  if (string_field(request, "teacher") != teacher_)
    throw StudioError(403, "only the teacher who started class " + code_ + " can do that");
}

std::string ClassSession::advance(const std::string& body) {
  check_teacher(body);
  std::lock_guard lock(mutex_);
  touch();
  if (ended_) throw StudioError(404, "class " + code_ + " has ended");
  if (running_ || advance_requested_) throw StudioError(409, "a round is already running");
  const int open = static_cast<int>(rounds_.size()) + 1;
  if (open > days_ / limits_.round_days)
    throw StudioError(409, "the city has run all its rounds");
  advance_requested_ = true;
  ++version_;
  changed_.notify_all();
  return json{{"ok", true}, {"round", open}}.dump();
}

std::vector<LeverValues> ClassSession::org_values_locked() const {
  // Each organisation's choice: the mean of its players' values, in the order they joined.
  std::vector<LeverValues> sum(org_names_.size());
  std::vector<double> count(org_names_.size(), 0.0);
  for (const Player& p : players_) {
    for (const auto& [key, value] : p.values)
      sum[p.org][key] += value;
    count[p.org] += 1.0;
  }
  for (std::size_t o = 0; o < sum.size(); ++o) {
    for (auto& [key, value] : sum[o])
      value /= count[o];
  }
  return sum;
}

std::vector<double> ClassSession::round_means(Simulation& sim, int days,
                                              std::vector<std::string>* rows) {
  std::vector<double> row(sim.layout().row_width());
  std::vector<double> sum(series_columns_.size(), 0.0), n(series_columns_.size(), 0.0);
  for (int d = 0; d < days; ++d) {
    sim.step();
    sim.observe(row);
    json values = json::array();
    for (std::size_t i = 0; i < series_columns_.size(); ++i) {
      const double x = row[series_columns_[i]];
      values.push_back(nan_null(x));
      if (std::isfinite(x)) {
        sum[i] += x;
        n[i] += 1.0;
      }
    }
    if (rows) rows->push_back(values.dump());
  }
  for (std::size_t i = 0; i < sum.size(); ++i)
    sum[i] = n[i] > 0 ? sum[i] / n[i] : std::nan("");
  return sum;
}

void ClassSession::drive() {
  using clock = std::chrono::steady_clock;
  std::unique_lock lock(mutex_);
  while (!ended_) {
    const int rounds_max = days_ / limits_.round_days;
    const bool more = static_cast<int>(rounds_.size()) < rounds_max;
    if (more && !advance_requested_ && options_.round_seconds > 0 && !players_.empty() &&
        clock::now() >= round_started_ + std::chrono::seconds(options_.round_seconds))
      advance_requested_ = true;
    if (!advance_requested_ || !more) {
      advance_requested_ = false;
      if (options_.round_seconds > 0 && more && !players_.empty())  // else a join wakes us
        changed_.wait_until(lock, round_started_ + std::chrono::seconds(options_.round_seconds));
      else
        changed_.wait(lock);
      continue;
    }
    // The round: everyone's choices as they stand.
    running_ = true;
    advance_requested_ = false;
    ++version_;
    changed_.notify_all();
    Round r;
    r.number = static_cast<int>(rounds_.size()) + 1;
    r.first_day = static_cast<int>(row_json_.size());
    r.last_day = r.first_day + limits_.round_days - 1;
    r.values = org_values_locked();
    r.players.resize(org_names_.size());
    for (const Player& p : players_)
      r.players[p.org].push_back(p.name);
    for (std::size_t o = 0; o < r.values.size(); ++o) {
      LeaderChoice c = to_choice(r.values[o], r.first_day);
      r.choices.push_back(c);
      const LeaderChoice before = sim_->state().leader_choices[o];
      if (c.protected_system_time != before.protected_system_time ||
          c.pressure_passed != before.pressure_passed || c.workshop_staff > 0 ||
          c.package_budget != before.package_budget)
        r.changed.push_back(static_cast<std::uint32_t>(o));
    }
    const std::vector<LeaderChoice> previous = sim_->state().leader_choices;
    lock.unlock();
    // The city before the round, for the counterfactual months (common random numbers: each
    // draw is a function of seed, purpose, day and agent, so only the choice differs).
    std::unique_ptr<Simulator> base;
    if (options_.counterfactual && !r.changed.empty()) base = sim_->clone();
    sim_->mutable_state().leader_choices = r.choices;
    std::vector<std::string> rows;
    r.means = round_means(*sim_, limits_.round_days, &rows);
    const std::string picture = detail::picture_json(sim_->picture()).dump();
    lock.lock();
    for (auto& row : rows)
      row_json_.push_back(std::move(row));
    picture_json_ = picture;
    running_ = false;
    computing_effects_ = base != nullptr;
    rounds_.push_back(r);
    round_started_ = clock::now();
    ++version_;
    changed_.notify_all();
    if (!base) continue;
    // What each changed organisation's choice did: the same month with its previous choice.
    const std::size_t index = rounds_.size() - 1;
    for (std::uint32_t o : r.changed) {
      if (ended_) break;
      lock.unlock();
      auto counter = base->clone();
      auto& cf = dynamic_cast<Simulation&>(*counter);
      std::vector<LeaderChoice> choices = r.choices;
      choices[o] = previous[o];
      choices[o].workshop_staff = 0;
      choices[o].workshop_day = -1;
      cf.mutable_state().leader_choices = choices;
      const std::vector<double> means = round_means(cf, limits_.round_days, nullptr);
      std::vector<double> effect(means.size());
      for (std::size_t i = 0; i < means.size(); ++i)
        effect[i] = r.means[i] - means[i];
      lock.lock();
      rounds_[index].effects.push_back(effect);
    }
    computing_effects_ = false;
    ++version_;
    changed_.notify_all();
  }
}

std::string ClassSession::debrief_json() const {
  std::lock_guard lock(mutex_);
  touch();
  json rounds = json::array();
  for (const Round& r : rounds_) {
    json orgs = json::array();
    for (std::size_t o = 0; o < r.values.size(); ++o) {
      if (r.players[o].empty()) continue;
      json levers = json::array();
      for (const LeverSpec& l : org_levers_[o]) {
        const auto v = r.values[o].find(l.key);
        levers.push_back(lever_json(l, v == r.values[o].end() ? l.neutral : v->second));
      }
      json entry = {{"org", o},
                    {"org_name", org_names_[o]},
                    {"kind", org_kinds_[o]},
                    {"players", r.players[o]},
                    {"levers", levers}};
      const auto changed = std::find(r.changed.begin(), r.changed.end(), o);
      entry["changed"] = changed != r.changed.end();
      const auto k = static_cast<std::size_t>(changed - r.changed.begin());
      if (changed != r.changed.end() && k < r.effects.size()) {
        json effect = json::object();
        for (std::size_t i = 0; i < series_names_.size(); ++i)
          effect[series_names_[i]] = nan_null(r.effects[k][i]);
        entry["effect"] = effect;
      } else {
        entry["effect"] = nullptr;
      }
      orgs.push_back(entry);
    }
    json means = json::object();
    for (std::size_t i = 0; i < series_names_.size(); ++i)
      means[series_names_[i]] = nan_null(r.means[i]);
    rounds.push_back({{"round", r.number},
                      {"first_day", r.first_day},
                      {"last_day", r.last_day},
                      {"means", means},
                      {"organisations", orgs},
                      {"effects_done", r.effects.size() == r.changed.size()}});
  }
  const json series = json::parse(series_json());
  return json{{"code", code_},
              {"series", series},
              {"rounds", rounds},
              {"counterfactual", options_.counterfactual}}
      .dump();
}

std::optional<std::string> ClassSession::next_event(Cursor& cursor,
                                                     std::chrono::milliseconds wait) {
  std::unique_lock lock(mutex_);
  const auto fresh = [&] { return ended_ || version_ != cursor.version; };
  if (!fresh()) changed_.wait_for(lock, wait, fresh);
  if (ended_) return std::nullopt;
  if (version_ == cursor.version) return std::string();
  cursor.version = version_;
  json j = json::parse(state_json_locked());
  std::string rows = "[";
  const std::size_t end = row_json_.size();
  for (std::size_t i = cursor.rows; i < end; ++i) {
    if (i > cursor.rows) rows += ',';
    rows += row_json_[i];
  }
  rows += ']';
  std::string out = j.dump();
  out.pop_back();  // the closing brace: rows and picture are added as text
  out += ",\"first_day\":" + std::to_string(cursor.rows) + ",\"rows\":" + rows;
  cursor.rows = end;
  if (cursor.round != static_cast<int>(rounds_.size())) {
    cursor.round = static_cast<int>(rounds_.size());
    out += ",\"picture\":" + picture_json_;
  }
  out += '}';
  return out;
}

// ---------------------------------------------------------------------------------------------
// Classes

Classes::Classes(std::filesystem::path scenarios, ClassLimits limits)
    : scenarios_(std::move(scenarios)), limits_(limits) {}

void Classes::expire_locked() {
  const auto now = std::chrono::steady_clock::now();
  for (auto it = sessions_.begin(); it != sessions_.end();) {
    if (!it->second) {  // being built
      ++it;
    } else if (it->second->ended() || now - it->second->last_touched() > limits_.idle) {
      it->second->end();
      it = sessions_.erase(it);
    } else {
      ++it;
    }
  }
}

std::string Classes::create(const std::string& body) {
  const json request = detail::parse_object(
      body, "{\"scenario\": \"class/care_city.yaml\", \"seed\": n, \"round_seconds\": n, "
            "\"advance_when_all_submitted\": bool, \"counterfactual\": bool} (all optional)");
  ClassSession::Options options;
  if (request.contains("scenario")) {
    if (!request["scenario"].is_string())
      throw StudioError(400, "\"scenario\" must be a file of the scenarios folder");
    options.scenario = request["scenario"].get<std::string>();
  }
  if (request.contains("seed")) {
    if (!request["seed"].is_number_unsigned())
      throw StudioError(400, "\"seed\" must be a whole number, 0 or more");
    options.seed = request["seed"].get<std::uint64_t>();
  }
  read_pace(request, options);
  if (request.contains("counterfactual") && !request["counterfactual"].is_boolean())
    throw StudioError(400, "\"counterfactual\" must be true or false");
  if (request.contains("counterfactual"))
    options.counterfactual = request["counterfactual"].get<bool>();
  std::string code, teacher = token();
  {
    std::lock_guard lock(mutex_);
    expire_locked();
    if (sessions_.size() >= limits_.sessions)
      throw StudioError(429, fmt::format("the studio already holds {} classes; end one first",
                                         limits_.sessions));
    do {
      code = random_text(5, kCodeLetters, sizeof kCodeLetters - 1);
    } while (sessions_.count(code) > 0);
    sessions_[code] = nullptr;  // the code is taken while the city is built
  }
  std::shared_ptr<ClassSession> session;
  try {
    session = std::make_shared<ClassSession>(code, teacher, scenarios_, options, limits_);
  } catch (...) {
    std::lock_guard lock(mutex_);
    sessions_.erase(code);
    throw;
  }
  {
    std::lock_guard lock(mutex_);
    sessions_[code] = session;
  }
  json j = json::parse(session->description_json());
  j["teacher"] = teacher;
  return j.dump();
}

std::shared_ptr<ClassSession> Classes::find(const std::string& code) {
  std::string upper = code;
  for (char& c : upper)
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  std::lock_guard lock(mutex_);
  expire_locked();
  const auto it = sessions_.find(upper);
  if (it == sessions_.end() || !it->second)
    throw StudioError(404, "no class with code '" + code + "' (check the code on the board)");
  return it->second;
}

void Classes::end(const std::string& code, const std::string& body) {
  const auto session = find(code);
  session->check_teacher(body);
  session->end();
  std::lock_guard lock(mutex_);
  sessions_.erase(session->code());
}

bool Classes::open_stream() {
  std::lock_guard lock(mutex_);
  if (streams_ >= limits_.streams) return false;
  ++streams_;
  return true;
}

void Classes::close_stream() {
  std::lock_guard lock(mutex_);
  --streams_;
}

std::size_t Classes::count() {
  std::lock_guard lock(mutex_);
  expire_locked();
  return sessions_.size();
}

void Classes::shutdown() {
  std::lock_guard lock(mutex_);
  for (auto& [code, session] : sessions_)
    if (session) session->end();
}

}  // namespace caresim::studio
