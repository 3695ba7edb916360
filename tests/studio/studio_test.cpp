// The studio's logic without HTTP: the gallery, sliders inside the schema's ranges, which files
// may be served, sessions stepping deterministically, and pictures that leave runs unchanged.
#include "caresim/studio/studio.hpp"

#include <catch2/catch.hpp>
#include <chrono>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <thread>

#include "../support.hpp"
#include "caresim/catalogue/catalogue.hpp"
#include "caresim/scenario/load.hpp"

using namespace caresim;
using nlohmann::json;

namespace {
const std::filesystem::path kStudioScenarios = CARESIM_SOURCE_DIR "/scenarios";

/// Waits (up to 20 s) until `session` has `rows` rows.
bool wait_rows(studio::Session& session, std::size_t rows) {
  for (int i = 0; i < 2000 && session.rows() < rows; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  return session.rows() >= rows;
}
}  // namespace

TEST_CASE("studio: the gallery lists every teaching preset with its header text", "[studio]") {
  const auto entries = studio::gallery(kStudioScenarios);
  std::size_t files = 0;
  for (const auto& e : std::filesystem::directory_iterator(kStudioScenarios / "teaching"))
    files += e.path().extension() == ".yaml" ? 1 : 0;
  CHECK(entries.size() == files);
  for (const auto& e : entries) {
    CHECK(e.notice.find("What a class should see") != std::string::npos);
    CHECK(e.notice.find('#') == std::string::npos);
  }
  CHECK(studio::header_text("# one\n# two\nname: x\n# not this\n") == "one two");
}

TEST_CASE("studio: every model's sliders lie inside the schema's ranges", "[studio]") {
  for (const auto& e : studio::gallery(kStudioScenarios)) {
    const Scenario s = load_scenario(kStudioScenarios / e.file);
    const auto sliders = studio::sliders(s);
    CHECK_FALSE(sliders.empty());
    for (const auto& slider : sliders) {
      INFO(e.file << ": " << slider.key.path);
      CHECK(slider.lo >= slider.key.lo);
      CHECK(slider.hi <= slider.key.hi);
      CHECK(slider.lo < slider.hi);
      // Both ends are values the scenario accepts.
      if (slider.key.type != ScenarioKey::Type::choice) {
        for (const double end : {slider.lo, slider.hi}) {
          std::string value = slider.key.type == ScenarioKey::Type::integer
                                  ? std::to_string(static_cast<long long>(end))
                                  : std::to_string(end);
          CHECK_NOTHROW(load_scenario(kStudioScenarios / e.file, {slider.key.path + "=" + value}));
        }
      }
    }
  }
  // The schema's own ranges come through scenario_keys.
  const auto keys = scenario_keys(Scenario{});
  const auto side = std::find_if(keys.begin(), keys.end(), [](const ScenarioKey& k) {
    return k.path == "teaching.sandpile.side";
  });
  REQUIRE(side != keys.end());
  CHECK(side->lo == 2);
  CHECK(side->hi == 10000);
}

TEST_CASE("studio: only files under the root are served", "[studio]") {
  test::TempDir dir;
  std::filesystem::create_directories(dir / "root" / "sub");
  std::ofstream(dir / "root" / "sub" / "a.txt") << "a";
  std::ofstream(dir / "secret.txt") << "secret";
  std::filesystem::create_symlink(dir / "secret.txt", dir / "root" / "link.txt");
  const auto root = dir / "root";
  CHECK(studio::file_under(root, "sub/a.txt").has_value());
  for (const std::string& bad :
       std::vector<std::string>{"../secret.txt", "sub/../../secret.txt", "/etc/passwd",
                                "sub\\..\\..\\secret.txt", "link.txt", "sub", "", "./sub/a.txt",
                                "sub/missing.txt", std::string("sub/a.txt\0x", 11)})
    CHECK_FALSE(studio::file_under(root, bad).has_value());
}

TEST_CASE("studio: a session steps exactly like a plain run, and reset starts again", "[studio]") {
  studio::Session session("t", kStudioScenarios, "teaching/rbn_critical.yaml", {}, false);
  for (int i = 0; i < 12; ++i)
    session.step_once();
  REQUIRE(wait_rows(session, 12));
  std::size_t seen = 0;
  std::uint64_t generation = 0;
  const auto frame =
      json::parse(*session.next_frame(&seen, &generation, std::chrono::milliseconds(100)));
  REQUIRE(frame["rows"].size() == 12);
  CHECK(frame["picture"]["kind"] == "raster");

  const Scenario s = load_scenario(kStudioScenarios / "teaching/rbn_critical.yaml");
  const auto sim = make_simulator(s);
  std::vector<double> row(sim->layout().row_width());
  for (int t = 0; t < 12; ++t) {
    sim->step();
    sim->observe(row);
    for (std::size_t i = 0; i < row.size(); ++i)
      CHECK(frame["rows"][static_cast<std::size_t>(t)][i].get<double>() == row[i]);
  }
  session.reset();
  const auto again =
      json::parse(*session.next_frame(&seen, &generation, std::chrono::milliseconds(100)));
  CHECK(again["reset"] == true);
  CHECK(again["rows"].empty());
  session.cancel();
  CHECK_FALSE(session.next_frame(&seen, &generation, std::chrono::milliseconds(10)).has_value());
}

TEST_CASE("studio: requests it refuses carry a status and a message", "[studio]") {
  studio::Studio hub(kStudioScenarios, {2, 4});
  const auto status_of = [&](const std::string& body) {
    try {
      hub.create(body);
    } catch (const studio::StudioError& e) {
      return e.status();
    }
    return 201;
  };
  CHECK(status_of("not json") == 400);
  CHECK(status_of(R"({"scenario": "teaching/none.yaml"})") == 404);
  CHECK(status_of(R"({"scenario": "../leeds.yaml"})") == 404);
  CHECK(status_of(
            R"({"scenario": "teaching/sandpile.yaml", "set": {"teaching.sandpile.side": 1}})") ==
        400);
  CHECK(status_of(R"({"scenario": "teaching/branching_critical.yaml", "twin": true})") == 400);
  const std::string first =
      json::parse(hub.create(R"({"scenario": "teaching/sandpile.yaml"})"))["id"].get<std::string>();
  CHECK(status_of(R"({"scenario": "teaching/sandpile.yaml"})") == 201);
  CHECK(status_of(R"({"scenario": "teaching/sandpile.yaml"})") == 429);
  CHECK_THROWS_AS(hub.control(first, R"({"action": "fly"})"), studio::StudioError);
  hub.remove(first);
  CHECK_THROWS_AS(hub.find(first), studio::StudioError);
  CHECK(status_of(R"({"scenario": "teaching/sandpile.yaml"})") == 201);
  hub.shutdown();
}

TEST_CASE("studio: taking pictures leaves a run's outputs unchanged", "[studio]") {
  for (const auto& e : studio::gallery(kStudioScenarios)) {
    if (e.model == "care") continue;
    INFO(e.file);
    const Scenario s = load_scenario(kStudioScenarios / e.file, {"run.days=15"});
    const auto plain = make_simulator(s), drawn = make_simulator(s);
    std::vector<double> a(plain->layout().row_width()), b(a.size());
    CHECK_FALSE(drawn->picture().kind.empty());
    while (plain->day() < plain->days()) {
      plain->step();
      drawn->step();
      CHECK_FALSE(drawn->picture().layers.empty());
      plain->observe(a);
      drawn->observe(b);
      CHECK(a == b);
    }
  }
}

TEST_CASE("studio: a live slider changes the run without a restart", "[studio][live]") {
  studio::Session session("t", kStudioScenarios, "teaching/sandpile.yaml", {}, false);
  const json description = json::parse(session.description_json());
  std::map<std::string, bool> live;
  for (const json& s : description["sliders"])
    live[s["key"]] = s["live"];
  CHECK(live["teaching.sandpile.grains_per_step"]);
  CHECK_FALSE(live["teaching.sandpile.side"]);
  for (int i = 0; i < 10; ++i)
    session.step_once();
  REQUIRE(wait_rows(session, 10));
  std::size_t seen = 0;
  std::uint64_t generation = 0;
  session.next_frame(&seen, &generation, std::chrono::milliseconds(100));
  session.set_live(R"({"set": {"teaching.sandpile.grains_per_step": 400}})");
  for (int i = 0; i < 5; ++i)
    session.step_once();
  REQUIRE(wait_rows(session, 15));
  const auto frame =
      json::parse(*session.next_frame(&seen, &generation, std::chrono::milliseconds(100)));
  CHECK(frame["reset"] == false);
  CHECK(frame["first_day"] == 10);
  CHECK(frame["day"] == 15);
  // The same ten steps, then five at 400 grains: as a plain run told so after step 10.
  const Scenario s = load_scenario(kStudioScenarios / "teaching/sandpile.yaml");
  const auto sim = make_simulator(s);
  std::vector<double> row(sim->layout().row_width());
  for (int t = 0; t < 15; ++t) {
    if (t == 10) sim->set_live("teaching.sandpile.grains_per_step", 400);
    sim->step();
    sim->observe(row);
  }
  const auto last = frame["rows"][4];
  for (std::size_t i = 0; i < row.size(); ++i)
    CHECK(last[i].get<double>() == row[i]);
  CHECK(json::parse(session.description_json())["sliders"][1]["value"] == 400.0);
  const auto status_of = [&](const std::string& body) {
    try {
      session.set_live(body);
    } catch (const studio::StudioError& e) {
      return e.status();
    }
    return 200;
  };
  CHECK(status_of(R"({"set": {"teaching.sandpile.side": 20}})") == 400);
  CHECK(status_of(R"({"set": {"teaching.sandpile.grains_per_step": 1e9}})") == 400);
  CHECK(status_of(R"({"set": {"teaching.sandpile.grains_per_step": 2.5}})") == 400);
  CHECK(status_of(R"({"set": {}})") == 400);
  session.cancel();
}

TEST_CASE("studio: the Derrida map of a random Boolean network run", "[studio][derrida]") {
  studio::Session rbn("t", kStudioScenarios, "teaching/rbn_chaotic.yaml", {}, false);
  const json map = json::parse(rbn.derrida_json());
  REQUIRE(map["points"].size() == 16);
  const double k = map["k"], p = map["p"];
  CHECK(map["slope_annealed"].get<double>() == Approx(2 * p * (1 - p) * k));
  for (const json& point : map["points"])
    CHECK(std::abs(point["next"].get<double>() - point["annealed"].get<double>()) < 0.03);
  CHECK(rbn.derrida_json() == map.dump());  // deterministic
  studio::Session sand("u", kStudioScenarios, "teaching/sandpile.yaml", {}, false);
  CHECK_THROWS_AS(sand.derrida_json(), studio::StudioError);
  rbn.cancel();
  sand.cancel();
}
