// A class plays the system without HTTP: places dealt round-robin over the kinds, rounds run
// deterministically from the players' choices, the debrief's paired effects, and every bad
// request refused with its status.
#include "caresim/studio/classroom.hpp"

#include <catch2/catch.hpp>
#include <chrono>
#include <nlohmann/json.hpp>
#include <functional>
#include <thread>

using namespace caresim;
using nlohmann::json;

namespace {
const std::filesystem::path kScenarios = CARESIM_SOURCE_DIR "/scenarios";

bool wait_settled(studio::ClassSession& s, int rounds) {
  for (int i = 0; i < 6000; ++i) {
    if (s.rounds_done() >= rounds && s.settled()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

int status_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const studio::StudioError& e) {
    return e.status();
  }
  return 0;
}

struct Played {
  json debrief;
  std::vector<json> rows;
};

/// Two rounds: player 0 (the hospital) protects 30% time in round 1; player 1 (community)
/// sends 20 to the workshop in round 2.
Played play(bool counterfactual, double system_time) {
  studio::ClassSession::Options options;
  options.counterfactual = counterfactual;
  studio::ClassSession s("ABCDE", "teach", kScenarios, options, {});
  const json a = json::parse(s.join(R"({"name": "Ada"})"));
  const json b = json::parse(s.join(R"({"name": "Bo"})"));
  s.choose(json{{"player", a["player"]}, {"round", 1}, {"levers", {{"system_time", system_time}}}}
               .dump());
  s.advance(R"({"teacher": "teach"})");
  REQUIRE(wait_settled(s, 1));
  s.choose(json{{"player", b["player"]}, {"round", 2}, {"levers", {{"workshop_staff", 20}}}}
               .dump());
  s.advance(R"({"teacher": "teach"})");
  REQUIRE(wait_settled(s, 2));
  studio::ClassSession::Cursor cursor;
  const json event = json::parse(*s.next_event(cursor, std::chrono::milliseconds(10)));
  return {json::parse(s.debrief_json()), event["rows"].get<std::vector<json>>()};
}
}  // namespace

TEST_CASE("class: places are dealt round-robin over the kinds with levers", "[class]") {
  studio::ClassSession s("ABCDE", "teach", kScenarios, {}, {});
  std::vector<std::string> kinds;
  for (int i = 0; i < 9; ++i)
    kinds.push_back(json::parse(s.join(R"({"name": "P"})"))["kind"]);
  // care_city.yaml has every kind but the commissioner.
  CHECK(kinds == std::vector<std::string>{"acute", "community", "mental_health", "gp_practice",
                                          "social_care", "third_sector", "public_health",
                                          "care_home", "acute"});
  const json social = json::parse(s.description_json())["players"][4];
  CHECK(social["org_name"] == "Social care");
}

TEST_CASE("class: the same choices and seed give the same run, other choices another",
          "[class]") {
  const Played first = play(false, 30), again = play(false, 30), other = play(false, 0);
  REQUIRE(first.rows.size() == 60);
  CHECK(first.rows == again.rows);
  CHECK(first.rows != other.rows);
  // mean_system_share (series 3) is higher when the hospital protects time.
  const double with = first.debrief["rounds"][0]["means"]["mean_system_share"];
  const double without = other.debrief["rounds"][0]["means"]["mean_system_share"];
  CHECK(with > without);
}

TEST_CASE("class: the debrief gives each changed organisation's paired effect", "[class]") {
  const Played p = play(true, 30);
  const json& r1 = p.debrief["rounds"][0];
  CHECK(r1["round"] == 1);
  CHECK(r1["first_day"] == 0);
  CHECK(r1["effects_done"] == true);
  json hospital;
  for (const json& o : r1["organisations"])
    if (o["kind"] == "acute") hospital = o;
  REQUIRE(hospital.is_object());
  CHECK(hospital["changed"] == true);
  CHECK(hospital["players"] == json::array({"Ada"}));
  CHECK(hospital["levers"][0]["key"] == "system_time");
  CHECK(hospital["levers"][0]["value"] == 30.0);
  // Only the hospital changed in round 1, so its effect is the whole difference from a month
  // without it: the played run with 0% gives the counterfactual's means.
  const Played none = play(false, 0);
  const double effect = hospital["effect"]["mean_system_share"];
  const double played = r1["means"]["mean_system_share"];
  const double counter = none.debrief["rounds"][0]["means"]["mean_system_share"];
  CHECK(effect == Approx(played - counter).epsilon(1e-12));
  CHECK(effect > 0.0);
}

TEST_CASE("class: every bad request is refused with its status", "[class]") {
  studio::ClassSession s("ABCDE", "teach", kScenarios, {}, {});
  const json a = json::parse(s.join(R"({"name": "Ada"})"));
  const std::string tok = a["player"];
  CHECK(status_of([&] { s.join("not json"); }) == 400);
  CHECK(status_of([&] { s.join(R"({"name": ""})"); }) == 400);
  CHECK(status_of([&] {
          s.choose(json{{"player", "nobody"}, {"round", 1}, {"levers", json::object()}}.dump());
        }) == 403);
  CHECK(status_of([&] {
          s.choose(json{{"player", tok}, {"round", 2}, {"levers", json::object()}}.dump());
        }) == 409);
  CHECK(status_of([&] {
          s.choose(json{{"player", tok}, {"round", 1}, {"levers", {{"system_time", 80}}}}.dump());
        }) == 400);
  CHECK(status_of([&] {
          s.choose(json{{"player", tok}, {"round", 1}, {"levers", {{"package_budget", 100}}}}
                       .dump());
        }) == 400);  // the hospital has no package budget
  CHECK(status_of([&] { s.advance(R"({"teacher": "student"})"); }) == 403);

  studio::ClassLimits small;
  small.players = 2;
  studio::ClassSession full("FGHJK", "teach", kScenarios, {}, small);
  full.join(R"({"name": "A"})");
  full.join(R"({"name": "B"})");
  CHECK(status_of([&] { full.join(R"({"name": "C"})"); }) == 409);

  studio::ClassLimits one;
  one.sessions = 1;
  studio::Classes classes(kScenarios, one);
  const json created = json::parse(classes.create("{}"));
  CHECK(created["code"].get<std::string>().size() == 5);
  CHECK(status_of([&] { classes.create("{}"); }) == 429);
  CHECK(status_of([&] { classes.find("ZZZZZ"); }) == 404);
  CHECK(status_of([&] { classes.create(R"({"scenario": "teaching/sandpile.yaml"})"); }) == 429);
  const std::string code = created["code"];
  CHECK(status_of([&] { classes.end(code, R"({"teacher": "x"})"); }) == 403);
  classes.end(code, json{{"teacher", created["teacher"]}}.dump());
  CHECK(status_of([&] { classes.find(code); }) == 404);
  CHECK(status_of([&] { classes.create(R"({"scenario": "teaching/sandpile.yaml"})"); }) == 400);
  CHECK(status_of([&] { classes.create(R"({"scenario": "../etc/passwd"})"); }) == 404);
}

TEST_CASE("class: idle classes expire", "[class]") {
  studio::ClassLimits quick;
  quick.idle = std::chrono::seconds(1);
  studio::Classes classes(kScenarios, quick);
  const std::string code = json::parse(classes.create("{}"))["code"];
  CHECK(classes.count() == 1);
  std::this_thread::sleep_for(std::chrono::milliseconds(1300));
  CHECK(classes.count() == 0);
  CHECK(status_of([&] { classes.find(code); }) == 404);
}

namespace {
double lever_of(const json& debrief, int round, std::uint32_t org, const char* key) {
  for (const json& o : debrief["rounds"][round - 1]["organisations"]) {
    if (o["org"] != org) continue;
    for (const json& l : o["levers"])
      if (l["key"] == key) return l["value"];
  }
  return -1.0;
}
}  // namespace

TEST_CASE("class: a round runs when the last player submits, or on the teacher's timer",
          "[class]") {
  studio::ClassSession::Options options;
  options.counterfactual = false;
  options.advance_when_all_submitted = true;
  studio::ClassSession s("ABCDE", "teach", kScenarios, options, {});
  std::vector<json> p;
  for (const char* name : {"A", "B", "C"})
    p.push_back(json::parse(s.join(json{{"name", name}}.dump())));
  const auto choose = [&](int i, int round, double system_time) {
    return json::parse(s.choose(json{{"player", p[static_cast<std::size_t>(i)]["player"]},
                                     {"round", round},
                                     {"levers", {{"system_time", system_time}}}}
                                    .dump()));
  };
  choose(0, 1, 10);
  choose(1, 1, 20);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  CHECK(s.rounds_done() == 0);
  CHECK(json::parse(s.description_json())["running"] == false);
  CHECK(choose(2, 1, 30)["submitted"] == 3);
  REQUIRE(wait_settled(s, 1));

  CHECK(status_of([&] { s.pace(R"({"teacher": "student", "round_seconds": 1})"); }) == 403);
  CHECK(status_of([&] { s.pace(R"({"teacher": "teach", "round_seconds": 4000})"); }) == 400);
  CHECK(status_of([&] { s.pace(R"({"teacher": "teach", "advance_when_all_submitted": 1})"); }) ==
        400);
  const auto set = std::chrono::steady_clock::now();
  const json pace = json::parse(
      s.pace(R"({"teacher": "teach", "advance_when_all_submitted": false, "round_seconds": 1})"));
  CHECK(pace == json{{"advance_when_all_submitted", false}, {"round_seconds", 1}});
  const double left = json::parse(s.description_json())["seconds_left"];
  CHECK(left > 0.5);
  CHECK(left <= 1.0);
  choose(0, 2, 45);  // B and C do not choose for round 2
  REQUIRE(wait_settled(s, 2));
  CHECK(std::chrono::steady_clock::now() - set >= std::chrono::seconds(1));
  s.pace(R"({"teacher": "teach", "round_seconds": 0})");
  CHECK(json::parse(s.description_json())["seconds_left"].is_null());
  const json d = json::parse(s.debrief_json());
  for (int i = 0; i < 3; ++i) {
    const auto org = p[static_cast<std::size_t>(i)]["org"].get<std::uint32_t>();
    CHECK(lever_of(d, 1, org, "system_time") == 10.0 * (i + 1));
    CHECK(lever_of(d, 2, org, "system_time") == (i == 0 ? 45.0 : 10.0 * (i + 1)));
  }
  // Switching to "when all have submitted" once everyone has runs the round at once.
  choose(0, 3, 0);
  choose(1, 3, 0);
  choose(2, 3, 0);
  CHECK(s.rounds_done() == 2);
  s.pace(R"({"teacher": "teach", "advance_when_all_submitted": true})");
  REQUIRE(wait_settled(s, 3));
}

TEST_CASE("class: a player's token gives back their seat", "[class]") {
  studio::ClassSession s("ABCDE", "teach", kScenarios, {}, {});
  const json a = json::parse(s.join(R"({"name": "Ada"})"));
  const json b = json::parse(s.join(R"({"name": "Bo"})"));
  s.choose(
      json{{"player", b["player"]}, {"round", 1}, {"levers", {{"workshop_staff", 12}}}}.dump());
  const json again = json::parse(s.rejoin(json{{"player", b["player"]}}.dump()));
  CHECK(again["id"] == b["id"]);
  CHECK(again["org"] == b["org"]);
  CHECK(again["org_name"] == "Community");
  CHECK(again["name"] == "Bo");
  CHECK(again["submitted"] == true);
  for (const json& l : again["levers"])
    if (l["key"] == "workshop_staff") CHECK(l["value"] == 12.0);
  CHECK(json::parse(s.rejoin(json{{"player", a["player"]}}.dump()))["submitted"] == false);
  CHECK(json::parse(s.description_json())["players"].size() == 2);
  CHECK(status_of([&] { s.rejoin(R"({"player": "not-a-token"})"); }) == 403);
  CHECK(status_of([&] { s.rejoin("{}"); }) == 403);
  CHECK(status_of([&] { s.rejoin("oops"); }) == 400);
  s.end();
  CHECK(status_of([&] { s.rejoin(json{{"player", a["player"]}}.dump()); }) == 404);
}
