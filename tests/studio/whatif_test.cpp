// The studio's what-if endpoint without HTTP (studio/whatif.hpp): the posteriors and saved states
// it offers, comparisons with parameter uncertainty and from a saved state (a checkpoint or a
// warm-up run), and the requests it refuses.
#include "caresim/studio/whatif.hpp"

#include <catch2/catch.hpp>
#include <chrono>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "../support.hpp"
#include "caresim/catalogue/run.hpp"
#include "caresim/scenario/load.hpp"
#include "caresim/studio/studio.hpp"

using namespace caresim;
using nlohmann::json;

namespace {

// A scenarios folder: the tiny city as baseline, a bed cut, a posterior, a file that is not one,
// and a checkpoint of the baseline at day 10.
struct Folder {
  test::TempDir dir;
  std::filesystem::path scenarios = dir / "scenarios";
  Folder() {
    std::filesystem::create_directories(scenarios / "what-if");
    std::filesystem::create_directories(scenarios / "calibration");
    std::filesystem::create_directories(scenarios / "checkpoints");
    const std::string text = test::tiny_city_yaml(20000, 40);
    std::ofstream(scenarios / "what-if" / "baseline.yaml") << text;
    std::string cut = text;
    cut.replace(cut.find("beds: 45"), 8, "beds: 34");
    std::ofstream(scenarios / "what-if" / "cut.yaml") << cut;
    std::ofstream(scenarios / "calibration" / "sets.csv")
        << "hospital.length_of_stay_days.ltc,weight\n3,1\n6,1\n12,1\n";
    std::ofstream(scenarios / "calibration" / "notes.csv") << "not a posterior\n";
    RunOptions o;
    o.output = scenarios / "checkpoints" / "day10.h5";
    o.threads = 2;
    o.checkpoint_every = 10;
    const Scenario s = parse_scenario(text, "baseline.yaml", {"run.days=10"});
    REQUIRE(run_scenario(s, o).status == RunStatus::finished);
  }
};

json wait_done(studio::WhatIf& w, const std::string& id) {
  json s;
  for (int i = 0; i < 1200; ++i) {
    s = json::parse(w.status(id));
    if (s["state"] != "running") return s;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return s;
}

int refused(studio::WhatIf& w, const json& body, const std::string& message) {
  try {
    (void)w.start(body.dump());
  } catch (const studio::StudioError& e) {
    INFO(e.what());
    CHECK(std::string(e.what()).find(message) != std::string::npos);
    return e.status();
  }
  FAIL("accepted " << body.dump());
  return 0;
}

}  // namespace

TEST_CASE("studio what-if: offers posteriors and saved states, runs with both, refuses misuse",
          "[studio][whatif][parameters]") {
  Folder f;
  studio::WhatIf w(f.scenarios, f.dir / "scratch", {});
  const json options = json::parse(w.options_json());
  REQUIRE(options["posteriors"].size() == 1);  // notes.csv is not offered
  CHECK(options["posteriors"][0]["file"] == "calibration/sets.csv");
  CHECK(options["posteriors"][0]["sets"] == 3);
  CHECK(options["posteriors"][0]["parameters"][0] == "hospital.length_of_stay_days.ltc");
  REQUIRE(options["checkpoints"].size() == 1);
  CHECK(options["checkpoints"][0]["file"] == "checkpoints/day10.h5.ckpt");
  CHECK(options["checkpoints"][0]["day"] == 10);

  const json base = {{"baseline", "what-if/baseline.yaml"},
                     {"variants", {"what-if/cut.yaml"}},
                     {"days", 30},
                     {"replicates", 4}};  // 4 draws of 3 sets: 2 distinct (3 drew one)
  // Parameter uncertainty and a checkpoint: the report says what its intervals cover.
  json body = base;
  body["parameters"] = "calibration/sets.csv";
  body["from"] = "checkpoints/day10.h5.ckpt";
  const json started = json::parse(w.start(body.dump()));
  const json done = wait_done(w, started["id"]);
  INFO(done.dump().substr(0, 2000));
  REQUIRE(done["state"] == "done");
  CHECK(done["report"]["parameter_uncertainty"] == true);
  CHECK(done["report"]["uncertainty"].get<std::string>().find(
            "both run-to-run chance and parameter uncertainty") != std::string::npos);
  CHECK(done["report"]["days"] == 30);
  // Warm up first: the baseline runs 10 days, the options 30 more from its end.
  body = base;
  body["warm_up_days"] = 10;
  const json warm = wait_done(w, json::parse(w.start(body.dump()))["id"]);
  INFO(warm.dump().substr(0, 2000));
  REQUIRE(warm["state"] == "done");
  CHECK(warm["report"]["days"] == 40);
  CHECK(warm["report"]["parameter_uncertainty"] == false);
  CHECK(warm["report"]["uncertainty"].get<std::string>().find("chance only") != std::string::npos);

  body = base;
  body["parameters"] = "../../etc/passwd";
  CHECK(refused(w, body, "no posterior") == 404);
  body["parameters"] = "calibration/notes.csv";
  CHECK(refused(w, body, "\"parameters\": ") == 400);
  body = base;
  body["from"] = "checkpoints/day10.h5.ckpt";
  body["warm_up_days"] = 10;
  CHECK(refused(w, body, "choose one saved state") == 400);
  body = base;
  body["warm_up_days"] = -1;
  CHECK(refused(w, body, "\"warm_up_days\"") == 400);
  body = base;
  body["from"] = "what-if/baseline.yaml";
  CHECK(refused(w, body, "\"from\": ") == 400);
}
