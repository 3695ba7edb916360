#include "caresim/scenario/load.hpp"

#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include "../support.hpp"

namespace {

using caresim::OrgKind;
using caresim::Scenario;
using caresim::ScenarioError;

const std::string kMinimal = "organisations:\n  - {name: A, kind: acute, staff: 10}\n";

Scenario parse(const std::string& text, const std::vector<std::string>& overrides = {}) {
  return caresim::parse_scenario(text, "test.yaml", overrides);
}

/// The message parse() throws, or "no error".
std::string error_of(const std::string& text, const std::vector<std::string>& overrides = {}) {
  try {
    parse(text, overrides);
  } catch (const ScenarioError& error) {
    return error.what();
  }
  return "no error";
}

/// Every field differs from its default, so a key that is not read (or not written) shows.
const std::string kComplete = R"(name: leeds
description: "Leeds: health and care, 2017-2020"
run: {start_date: "2016-02-29", days: 730, seed: 18446744073709551615, flush_every_days: 7}
city:
  citizens: 800000
  neighbourhoods: 100
  priority_neighbourhoods: 100
  primary_care_networks: 18
  age_shares: {"0-17": 0.2, "18-64": 0.6, "65-84": 0.15, "85+": 0.05}
organisations:
  - {name: Leeds Teaching Hospitals NHS Trust, kind: acute, staff: 18000}
  - name: GP practice
    kind: gp_practice
    staff: 4500
    count: 93
  - {name: Leeds Community Healthcare, kind: community, staff: 3000}
ties:
  team_size: 12
  within_team_strength: 0.75
  within_org_ties_per_staff: 2.5
  within_org_strength: 0.45
  cross_org_ties_per_staff: 0.5
  cross_org_strength: 0.25
  within_org_monthly_retention: 0.95
  cross_org_monthly_retention: 0.8
  contact_probability_per_day: 0.4
  reinforcement: 0.1
  triadic_closure_per_day: 0.003
  random_tie_per_day: 1e-4
  new_tie_strength: 0.15
  removal_threshold: 0.01
  max_ties: 50
health:
  gp_requests_per_year: {well: 5.5, ltc: 7.5, complex: 13}
  age_multiplier: {"0-17": 0.5, "18-64": 1, "65-84": 2, "85+": 3.5}
  deprivation_gradient: 0.7
  winter_amplitude: 0.2
  winter_peak_day_of_year: 20
)";

}  // namespace

TEST_CASE("a complete scenario sets every field", "[scenario]") {
  const Scenario s = parse(kComplete);
  CHECK(s.name == "leeds");
  CHECK(s.description == "Leeds: health and care, 2017-2020");
  CHECK(s.run.start_date == "2016-02-29");
  CHECK(s.run.days == 730);
  CHECK(s.run.seed == std::numeric_limits<std::uint64_t>::max());
  CHECK(s.run.flush_every_days == 7);
  CHECK(s.city.citizens == 800000);
  CHECK(s.city.neighbourhoods == 100);
  CHECK(s.city.priority_neighbourhoods == 100);
  CHECK(s.city.primary_care_networks == 18);
  CHECK(s.city.age_shares == std::array<double, 4>{0.2, 0.6, 0.15, 0.05});
  REQUIRE(s.organisations.size() == 3);
  CHECK(s.organisations[0] ==
        caresim::OrganisationSpec{"Leeds Teaching Hospitals NHS Trust", OrgKind::acute, 18000, 1});
  CHECK(s.organisations[1] ==
        caresim::OrganisationSpec{"GP practice", OrgKind::gp_practice, 4500, 93});
  CHECK(s.organisations[2] ==
        caresim::OrganisationSpec{"Leeds Community Healthcare", OrgKind::community, 3000, 1});
  CHECK(s.ties.team_size == 12);
  CHECK(s.ties.within_team_strength == 0.75);
  CHECK(s.ties.within_org_ties_per_staff == 2.5);
  CHECK(s.ties.within_org_strength == 0.45);
  CHECK(s.ties.cross_org_ties_per_staff == 0.5);
  CHECK(s.ties.cross_org_strength == 0.25);
  CHECK(s.ties.within_org_monthly_retention == 0.95);
  CHECK(s.ties.cross_org_monthly_retention == 0.8);
  CHECK(s.ties.contact_probability_per_day == 0.4);
  CHECK(s.ties.reinforcement == 0.1);
  CHECK(s.ties.triadic_closure_per_day == 0.003);
  CHECK(s.ties.random_tie_per_day == 1e-4);
  CHECK(s.ties.new_tie_strength == 0.15);
  CHECK(s.ties.removal_threshold == 0.01);
  CHECK(s.ties.max_ties == 50);
  CHECK(s.health.gp_requests_per_year == std::array<double, 3>{5.5, 7.5, 13});
  CHECK(s.health.age_multiplier == std::array<double, 4>{0.5, 1.0, 2.0, 3.5});
  CHECK(s.health.deprivation_gradient == 0.7);
  CHECK(s.health.winter_amplitude == 0.2);
  CHECK(s.health.winter_peak_day_of_year == 20);
}

TEST_CASE("missing keys keep the defaults", "[scenario]") {
  Scenario expected;
  expected.organisations = {{"A", OrgKind::acute, 10, 1}};
  CHECK(parse(kMinimal) == expected);

  // Sections and maps given only in part, or empty, keep the rest of their defaults.
  const Scenario partial = parse(kMinimal +
                                 "run: {days: 10}\n"
                                 "ties:\n"
                                 "health:\n  gp_requests_per_year: {well: 5}\n");
  expected.run.days = 10;
  expected.health.gp_requests_per_year[0] = 5;
  CHECK(partial == expected);
}

TEST_CASE("to_yaml writes every key and reads back equal", "[scenario]") {
  const Scenario complete = parse(kComplete);
  const std::string yaml = caresim::to_yaml(complete);
  CHECK(parse(yaml) == complete);
  CHECK(caresim::to_yaml(parse(yaml)) == yaml);

  // Text and numbers that are easy to get wrong in YAML.
  Scenario tricky = complete;
  tricky.name = "yes";  // a YAML 1.1 boolean if left bare
  tricky.description = "line one\nline \"two\": a #hash, a \\ and caf\xc3\xa9\t\x01";
  tricky.organisations[0].name = "- [not, a, list]";
  tricky.organisations[1].name = "123";
  tricky.ties.reinforcement = 0.1 + 0.2;  // 0.30000000000000004
  tricky.ties.random_tie_per_day = 1e-300;
  tricky.health.deprivation_gradient = 9.999999999999998;
  tricky.run.seed = 0;
  CHECK(parse(caresim::to_yaml(tricky)) == tricky);

  // Defaults are written too: every key appears.
  Scenario defaults;
  defaults.organisations = {{"A", OrgKind::acute, 10, 1}};
  const std::string written = caresim::to_yaml(defaults);
  for (const char* key :
       {"name:", "description:", "start_date:", "flush_every_days:", "citizens:", "\"85+\":",
        "count:", "max_ties:", "mental_health_crises_per_year:", "winter_peak_day_of_year:"}) {
    CHECK(written.find(key) != std::string::npos);
  }
}

TEST_CASE("overrides change values", "[scenario]") {
  const Scenario s = parse(kComplete, {"run.days=100", "health.gp_requests_per_year.well=5",
                                       "organisations[1].staff=5000", "organisations.2.count=2",
                                       "city.age_shares={\"0-17\": 0.25, \"18-64\": 0.55, "
                                       "\"65-84\": 0.15, \"85+\": 0.05}",
                                       "name=bradford", "run.days=200"});
  CHECK(s.run.days == 200);  // the later override wins
  CHECK(s.health.gp_requests_per_year[0] == 5.0);
  CHECK(s.organisations[1].staff == 5000);
  CHECK(s.organisations[2].count == 2);
  CHECK(s.city.age_shares == std::array<double, 4>{0.25, 0.55, 0.15, 0.05});
  CHECK(s.name == "bradford");

  // A section the file does not have, and a whole list replaced.
  const Scenario t = parse(kMinimal, {"ties.team_size=4", " ties.max_ties = 7",
                                      "organisations=[{name: B, kind: care_home, staff: 3}]"});
  CHECK(t.ties.team_size == 4);
  CHECK(t.ties.max_ties == 7);
  REQUIRE(t.organisations.size() == 1);
  CHECK(t.organisations[0] == caresim::OrganisationSpec{"B", OrgKind::care_home, 3, 1});
}

TEST_CASE("overrides are checked like the file and blamed by name", "[scenario]") {
  CHECK(error_of(kMinimal, {"run.days=ten"}) ==
        "--set run.days=ten: run.days: expected an integer in [1, 36500], got 'ten'");
  CHECK(error_of(kMinimal, {"ties.cross_org_strength=1.5"}) ==
        "--set ties.cross_org_strength=1.5: ties.cross_org_strength: expected a number in [0, 1], "
        "got 1.5");
  CHECK(error_of(kMinimal, {"city.age_shares.85+=0.5"}) ==
        "--set city.age_shares.85+=0.5: city.age_shares: expected shares summing to 1 (within "
        "1e-6), got shares summing to 1.47");
  // The file's staff is fine; the override of count breaks the rule between them.
  CHECK(error_of(kMinimal, {"organisations[0].count=11"}) ==
        "--set organisations[0].count=11: organisations[0].staff: expected at least count (11), "
        "got 10");
}

TEST_CASE("an override naming an unknown key is rejected with a suggestion", "[scenario]") {
  CHECK(error_of(kMinimal, {"ties.cross_org_strenght=0.3"}) ==
        "--set ties.cross_org_strenght=0.3: ties.cross_org_strenght: unknown key, did you mean "
        "'cross_org_strength'?");
  CHECK(error_of(kMinimal, {"tiess.team_size=3"}) ==
        "--set tiess.team_size=3: tiess: unknown key, did you mean 'ties'?");
  CHECK(error_of(kMinimal, {"health.gp_requests_per_year.sick=1"}) ==
        "--set health.gp_requests_per_year.sick=1: health.gp_requests_per_year.sick: unknown key, "
        "expected one of {well, ltc, complex}");
}

TEST_CASE("malformed overrides are rejected", "[scenario]") {
  CHECK(error_of(kMinimal, {"run.days"}) == "--set run.days: expected key.path=value, got no '='");
  CHECK(error_of(kMinimal, {"run..days=3"}) ==
        "--set run..days=3: expected a key path like ties.team_size or organisations[0].staff, got "
        "'run..days'");
  CHECK(error_of(kMinimal, {"organisations[1].staff=3"}) ==
        "--set organisations[1].staff=3: organisations: index 1 is past the end (1 entry)");
  CHECK(error_of(kMinimal, {"organisations.x=3"}) ==
        "--set organisations.x=3: organisations: expected an index into the sequence, got 'x'");
  CHECK(error_of(kMinimal, {"run[0]=3"}) ==
        "--set run[0]=3: run: expected a key, got the index [0] (this is a map)");
  CHECK(error_of(kComplete, {"run.days.x=3"}) ==
        "--set run.days.x=3: run.days: expected a map or sequence to set 'x' in, got 730");
  CHECK(error_of(kMinimal, {"run.days=[1, 2"}) ==
        "--set run.days=[1, 2: malformed YAML value: end of sequence flow not found");
}

TEST_CASE("an unknown key is rejected with a suggestion", "[scenario]") {
  CHECK(error_of(kMinimal + "ties:\n  cross_org_strenght: 0.3\n") ==
        "test.yaml:4:3: ties.cross_org_strenght: unknown key, did you mean 'cross_org_strength'?");
  CHECK(error_of(kMinimal + "Run: {days: 3}\n") ==
        "test.yaml:3:1: Run: unknown key, did you mean 'run'?");
}

TEST_CASE("an unknown key far from any known one lists the known keys", "[scenario]") {
  CHECK(
      error_of(kMinimal + "xyzzy: 1\n") ==
      "test.yaml:3:1: xyzzy: unknown key, expected one of {name, description, model, run, city, "
      "organisations, ties, health, services, hospital, coordination, effort, mindset, workforce, "
      "partners, leadership, "
      "vaccination, budget, costs, utilities, targets, interventions, shocks, outputs, teaching, "
      "ishigami}");
}

TEST_CASE("an unknown organisation kind is rejected with a suggestion", "[scenario]") {
  CHECK(error_of("organisations:\n  - {name: A, kind: acutee, staff: 10}\n") ==
        "test.yaml:2:21: organisations[0].kind: expected one of {acute, community, mental_health, "
        "gp_practice, social_care, public_health, third_sector, commissioner, care_home}, got "
        "'acutee'; did you mean 'acute'?");
  CHECK(error_of("organisations:\n  - {name: A, kind: hospital, staff: 10}\n") ==
        "test.yaml:2:21: organisations[0].kind: expected one of {acute, community, mental_health, "
        "gp_practice, social_care, public_health, third_sector, commissioner, care_home}, got "
        "'hospital'");
}

TEST_CASE("unknown keys of age_shares and rate_per_year are rejected", "[scenario]") {
  CHECK(error_of(kMinimal + "city:\n  age_shares: {\"0-17\": 0.21, \"85\": 0.03}\n") ==
        "test.yaml:4:30: city.age_shares.85: unknown key, did you mean '85+'?");
  CHECK(error_of(kMinimal + "health:\n  gp_requests_per_year: {wel: 4}\n") ==
        "test.yaml:4:26: health.gp_requests_per_year.wel: unknown key, did you mean 'well'?");
}

TEST_CASE("a string where a number is expected is rejected", "[scenario]") {
  CHECK(error_of(kMinimal + "health: {winter_amplitude: high}\n") ==
        "test.yaml:3:28: health.winter_amplitude: expected a number in [0, 0.9], got 'high'");
  // Quotes make a string, even of digits.
  CHECK(error_of(kMinimal + "run: {days: \"10\"}\n") ==
        "test.yaml:3:13: run.days: expected an integer in [1, 36500], got the quoted string '10'");
  CHECK(error_of(kMinimal + "ties: {reinforcement: .nan}\n") ==
        "test.yaml:3:23: ties.reinforcement: expected a number in [0, 1], got '.nan'");
}

TEST_CASE("a map where a sequence is expected is rejected", "[scenario]") {
  CHECK(error_of("organisations: {name: A, kind: acute, staff: 10}\n") ==
        "test.yaml:1:16: organisations: expected a sequence, got a map");
  CHECK(error_of("organisations: []\n") ==
        "test.yaml:1:16: organisations: expected at least one organisation when model is care, "
        "got none");
  CHECK(error_of(kMinimal + "run: [1, 2]\n") ==
        "test.yaml:3:6: run: expected a map, got a sequence");
}

TEST_CASE("a float where an integer is expected is rejected", "[scenario]") {
  CHECK(error_of(kMinimal + "run:\n  days: 10.5\n") ==
        "test.yaml:4:9: run.days: expected an integer in [1, 36500], got 10.5");
  CHECK(error_of(kMinimal + "ties: {max_ties: 1e3}\n") ==
        "test.yaml:3:18: ties.max_ties: expected an integer in [1, 100000], got 1e3");
  CHECK(error_of(kMinimal + "ties: {max_ties: 99999999999}\n") ==
        "test.yaml:3:18: ties.max_ties: expected an integer in [1, 100000], got 99999999999");
}

TEST_CASE("out-of-range values are rejected", "[scenario]") {
  CHECK(error_of(kMinimal + "ties: {cross_org_strength: 1.5}\n") ==
        "test.yaml:3:28: ties.cross_org_strength: expected a number in [0, 1], got 1.5");
  CHECK(error_of(kMinimal + "ties: {cross_org_monthly_retention: 0}\n") ==
        "test.yaml:3:37: ties.cross_org_monthly_retention: expected a number in (0, 1], got 0");
  CHECK(error_of(kMinimal + "ties: {team_size: 1}\n") ==
        "test.yaml:3:19: ties.team_size: expected an integer in [2, 1000], got 1");
  CHECK(error_of(kMinimal + "health: {age_multiplier: {\"85+\": 0}}\n") ==
        "test.yaml:3:34: health.age_multiplier.85+: expected a number in (0, 100], got 0");
  CHECK(error_of(kMinimal + "health: {gp_requests_per_year: {well: -1}}\n") ==
        "test.yaml:3:39: health.gp_requests_per_year.well: expected a number in [0, 365], got -1");
  CHECK(error_of(kMinimal + "run: {days: 0}\n") ==
        "test.yaml:3:13: run.days: expected an integer in [1, 36500], got 0");
  CHECK(error_of(kMinimal + "city: {citizens: 100000001}\n") ==
        "test.yaml:3:18: city.citizens: expected an integer in [1, 100000000], got 100000001");
  CHECK(error_of("organisations:\n  - {name: A, kind: acute, staff: 0}\n") ==
        "test.yaml:2:35: organisations[0].staff: expected an integer in [1, 2000000], got 0");
}

TEST_CASE("a negative seed is rejected", "[scenario]") {
  CHECK(error_of(kMinimal + "run: {seed: -1}\n") ==
        "test.yaml:3:13: run.seed: expected an integer in [0, 18446744073709551615], got -1");
  CHECK(error_of(kMinimal + "run: {seed: 18446744073709551616}\n") ==
        "test.yaml:3:13: run.seed: expected an integer in [0, 18446744073709551615], got "
        "18446744073709551616");
}

TEST_CASE("an invalid start date is rejected", "[scenario]") {
  CHECK(error_of(kMinimal + "run: {start_date: 2017-02-29}\n") ==
        "test.yaml:3:19: run.start_date: expected a date yyyy-mm-dd, got '2017-02-29'");
  CHECK(error_of(kMinimal + "run: {start_date: 2017-4-1}\n") ==
        "test.yaml:3:19: run.start_date: expected a date yyyy-mm-dd, got '2017-4-1'");
  CHECK(error_of(kMinimal + "run: {start_date: 2017-13-01}\n") ==
        "test.yaml:3:19: run.start_date: expected a date yyyy-mm-dd, got '2017-13-01'");
  CHECK(parse(kMinimal + "run: {start_date: 2000-02-29}\n").run.start_date == "2000-02-29");
  CHECK(error_of(kMinimal + "run: {start_date: 1900-02-29}\n") ==
        "test.yaml:3:19: run.start_date: expected a date yyyy-mm-dd, got '1900-02-29'");
}

TEST_CASE("a missing required key is rejected", "[scenario]") {
  CHECK(error_of("organisations:\n  - {name: A, kind: acute}\n") ==
        "test.yaml:2:5: organisations[0].staff: missing required key (expected an integer in [1, "
        "2000000])");
  CHECK(error_of("name: x\n") ==
        "test.yaml:1:1: organisations: expected at least one organisation when model is care, got "
        "none");
  CHECK(error_of("organisations:\n  - {name: \"\", kind: acute, staff: 3}\n") ==
        "test.yaml:2:12: organisations[0].name: expected a non-empty string, got the quoted "
        "string ''");
}

TEST_CASE("an empty value is rejected", "[scenario]") {
  CHECK(error_of(kMinimal + "run:\n  seed:\n") ==
        "test.yaml:4:3: run.seed: expected an integer in [0, 18446744073709551615], got an empty "
        "value");
}

TEST_CASE("duplicate organisation names are rejected", "[scenario]") {
  CHECK(error_of("organisations:\n"
                 "  - {name: A, kind: acute, staff: 10}\n"
                 "  - {name: B, kind: acute, staff: 10}\n"
                 "  - {name: A, kind: community, staff: 3}\n") ==
        "test.yaml:4:12: organisations[2].name: expected a name no other organisation has, got "
        "'A', already the name of organisations[0]");
}

TEST_CASE("duplicate keys in one map are rejected", "[scenario]") {
  CHECK(error_of(kMinimal + "run:\n  days: 10\n  days: 12\n") ==
        "test.yaml:5:3: run.days: duplicate key, first given at line 4, column 3");
}

TEST_CASE("age shares that do not sum to 1 are rejected", "[scenario]") {
  CHECK(error_of(kMinimal +
                 "city:\n  age_shares: {\"0-17\": 0.3, \"18-64\": 0.63, \"65-84\": 0.13, "
                 "\"85+\": 0.03}\n") ==
        "test.yaml:4:15: city.age_shares: expected shares summing to 1 (within 1e-6), got shares "
        "summing to 1.09");
  // Within the tolerance is fine.
  CHECK_NOTHROW(parse(kMinimal + "city:\n  age_shares: {\"0-17\": 0.2100005}\n"));
}

TEST_CASE("rules across keys are checked", "[scenario]") {
  CHECK(error_of(kMinimal + "city: {neighbourhoods: 5, priority_neighbourhoods: 6}\n") ==
        "test.yaml:3:52: city.priority_neighbourhoods: expected at most neighbourhoods (5), got 6");
  CHECK(error_of("organisations:\n  - {name: GP, kind: gp_practice, staff: 50, count: 93}\n") ==
        "test.yaml:2:42: organisations[0].staff: expected at least count (93), got 50");
  CHECK(error_of(kMinimal + "ties: {new_tie_strength: 0.01, removal_threshold: 0.02}\n") ==
        "test.yaml:3:26: ties.new_tie_strength: expected more than removal_threshold (0.02), got "
        "0.01");
}

TEST_CASE("malformed YAML is reported where the parser stopped", "[scenario]") {
  CHECK(error_of("organisations:\n  - {name: A, kind: acute, staff: 10\n") ==
        "test.yaml:3:1: malformed YAML: end of map flow not found");
  CHECK(error_of("name: a: b\n") == "test.yaml:1:8: malformed YAML: illegal map value");
}

TEST_CASE("an empty file is rejected", "[scenario]") {
  CHECK(error_of("") ==
        "test.yaml: expected a map of scenario keys, got an empty file (or one without any key)");
  CHECK(error_of("# nothing but a comment\n") ==
        "test.yaml: expected a map of scenario keys, got an empty file (or one without any key)");
}

TEST_CASE("a top level that is not a map is rejected", "[scenario]") {
  CHECK(error_of("- a\n- b\n") ==
        "test.yaml:1:1: expected a map of scenario keys at the top level, got a sequence");
  CHECK(error_of("leeds\n") ==
        "test.yaml:1:1: expected a map of scenario keys at the top level, got 'leeds'");
  CHECK(error_of(kMinimal + "---\nname: again\n") ==
        "test.yaml:3:1: expected a single YAML document, got more than one");
}

namespace {

/// A file in the temporary directory, removed when done.
struct TempFile {
  std::filesystem::path path;
  explicit TempFile(const std::string& text)
      : path(std::filesystem::temp_directory_path() /
             ("caresim_scenario_test_" + std::to_string(::getpid()) + ".yaml")) {
    std::ofstream(path) << text;
  }
  ~TempFile() { std::filesystem::remove(path); }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
};

std::string load_error(const std::filesystem::path& path) {
  try {
    caresim::load_scenario(path);
  } catch (const ScenarioError& error) {
    return error.what();
  }
  return "no error";
}

}  // namespace

TEST_CASE("load_scenario reads a file and applies overrides", "[scenario]") {
  const TempFile file(kComplete);
  CHECK(caresim::load_scenario(file.path) == parse(kComplete));
  CHECK(caresim::load_scenario(file.path, {"run.days=5"}).run.days == 5);

  const TempFile bad(kMinimal + "run: {days: 0}\n");
  CHECK(load_error(bad.path) ==
        bad.path.string() + ":3:13: run.days: expected an integer in [1, 36500], got 0");
}

TEST_CASE("a missing scenario file is reported", "[scenario]") {
  const auto path = std::filesystem::temp_directory_path() / "caresim_no_such_scenario.yaml";
  CHECK(load_error(path) ==
        path.string() + ": cannot open scenario file (No such file or directory)");
}

TEST_CASE("a directory given as the scenario file is reported", "[scenario]") {
  const auto path = std::filesystem::temp_directory_path();
  CHECK(load_error(path) == path.string() + ": cannot open scenario file (Is a directory)");
}

TEST_CASE("the reference lists every key with its default, unit and range", "[scenario]") {
  const std::string reference = caresim::scenario_reference_markdown();
  CHECK(reference.find("| `run.days` | integer | `1095` | days | [1, 36500] |") !=
        std::string::npos);
  CHECK(reference.find("| `ties.within_org_monthly_retention` | number | `0.97` | per 30 days | "
                       "(0, 1] |") != std::string::npos);
  CHECK(reference.find("| `organisations[].kind` | enum | *required* |") != std::string::npos);
  CHECK(reference.find("`city.age_shares.85+`") != std::string::npos);
  CHECK(reference.find("`health.mental_health_crises_per_year.complex`") != std::string::npos);
  CHECK(reference.find("`priority_neighbourhoods` is at most `neighbourhoods`") !=
        std::string::npos);
}

// docs/scenario.md is this reference under a fixed header. To regenerate it after changing the
// schema or a default, run this test with CARESIM_REGENERATE_DOCS=1.
TEST_CASE("docs/scenario.md matches the generated reference", "[scenario]") {
  const std::filesystem::path path = CARESIM_SOURCE_DIR "/docs/scenario.md";
  const std::string reference = caresim::scenario_reference_markdown();
  if (std::getenv("CARESIM_REGENERATE_DOCS") != nullptr) {
    std::ofstream(path)
        << "# Scenario file reference\n\n"
           "<!-- Generated by caresim::scenario_reference_markdown(); do not edit by hand.\n"
           "     Regenerate: CARESIM_REGENERATE_DOCS=1 caresim_tests \"docs/scenario.md matches "
           "the generated reference\" -->\n\n"
           "A scenario is a YAML map with the keys below. Every key is optional except "
           "`organisations` (and, in each organisation, `name`, `kind` and `staff`); a key left "
           "out keeps the default shown. Numbers must be written bare (a quoted \"5\" is a "
           "string). Any key can be changed on the command line with `--set key.path=value`, "
           "for example `--set ties.team_size=8`, `--set organisations[0].staff=9000` or "
           "`--set 'city.age_shares={\"0-17\": 0.2, \"18-64\": 0.64, \"65-84\": 0.13, \"85+\": "
           "0.03}'`; the value is read as YAML and checked like the file.\n\n"
        << reference << "\n";
  }
  std::ifstream in(path);
  REQUIRE(in.good());
  std::stringstream text;
  text << in.rdbuf();
  INFO("docs/scenario.md is out of date: regenerate it with CARESIM_REGENERATE_DOCS=1");
  CHECK(text.str().find(reference) != std::string::npos);
}

TEST_CASE("the shipped scenarios load and round-trip", "[scenario]") {
  for (const char* name : {"leeds.yaml", "leeds_small.yaml"}) {
    INFO(name);
    const Scenario s =
        caresim::load_scenario(std::filesystem::path(CARESIM_SOURCE_DIR "/scenarios") / name);
    CHECK(parse(caresim::to_yaml(s)) == s);
  }
}

namespace {
/// A care scenario of `days` days with GP practices and one intervention (YAML flow map).
std::string with_intervention(const std::string& intervention, int days = 100) {
  return "run: {days: " + std::to_string(days) +
         "}\n"
         "organisations:\n"
         "  - {name: Hospital, kind: acute, staff: 10}\n"
         "  - {name: GP practice, kind: gp_practice, staff: 40, count: 20}\n"
         "interventions:\n"
         "  - " +
         intervention + "\n";
}
}  // namespace

TEST_CASE("an intervention dated outside the run is rejected, naming the run length",
          "[scenario]") {
  CHECK(error_of(with_intervention("{kind: workshop, day: 100}")) ==
        "test.yaml:6:27: interventions[0].day: expected a day in [0, 100) (run.days is 100), got "
        "100");
  CHECK(error_of(with_intervention("{kind: workshop, day: -3}")) ==
        "test.yaml:6:27: interventions[0].day: expected a day in [0, 100) (run.days is 100), got "
        "-3");
  // One that would go on past the end is cut off there.
  CHECK(error_of(with_intervention("{kind: coaching, day: 50, coaching: {days: 60}}")) ==
        "no error");
  CHECK(error_of(with_intervention("{kind: coaching, day: 40, coaching: {days: 60}}")) ==
        "no error");
  // A target regime with days 0 lasts to the end of the run.
  CHECK(error_of(with_intervention("{kind: target_regime, day: 99}")) == "no error");
}

TEST_CASE("an intervention naming an unknown organisation is rejected with a suggestion",
          "[scenario]") {
  CHECK(error_of(with_intervention(
            "{kind: target_regime, day: 0, organisations: [Hospital, GP practise 12]}")) ==
        "test.yaml:6:61: interventions[0].organisations[1]: expected the name of an organisation "
        "in the scenario, got 'GP practise 12'; did you mean 'GP practice 12'?");
  // Numbered members exist only up to `count`.
  CHECK(error_of(
            with_intervention("{kind: target_regime, day: 0, organisations: [GP practice 21]}")) ==
        "test.yaml:6:51: interventions[0].organisations[0]: expected the name of an organisation "
        "in the scenario, got 'GP practice 21'; did you mean 'GP practice 1'?");
  CHECK(error_of(with_intervention("{kind: restructure, day: 0, organisations: [GP practice 2], "
                                   "restructure: {into: Hospitle}}")) ==
        "test.yaml:6:85: interventions[0].restructure.into: expected the name of an organisation "
        "in the scenario, got 'Hospitle'; did you mean 'Hospital'?");
  CHECK(error_of(with_intervention("{kind: restructure, day: 0, organisations: [GP practice 2], "
                                   "restructure: {into: Hospital}}")) ==
        "test.yaml:6:49: interventions[0].organisations[0]: expected an organisation of the same "
        "kind as restructure.into (acute), got 'GP practice 2', of kind gp_practice");
  CHECK(error_of(with_intervention("{kind: restructure, day: 0, restructure: {into: Hospital}}")) ==
        "test.yaml:6:5: interventions[0].organisations: expected at least one organisation whose "
        "staff move, got none");
  CHECK(error_of(
            with_intervention("{kind: target_regime, day: 0, org_kinds: [acute, gp_practise]}")) ==
        "test.yaml:6:54: interventions[0].org_kinds[1]: expected one of {acute, community, "
        "mental_health, gp_practice, social_care, public_health, third_sector, commissioner, "
        "care_home}, got 'gp_practise'; did you mean 'gp_practice'?");
}

TEST_CASE("an unknown intervention kind is rejected with the list of kinds", "[scenario]") {
  std::string kinds;
  for (const char* name : caresim::intervention_kinds().names())
    kinds += (kinds.empty() ? "" : ", ") + std::string(name);
  CHECK(error_of(with_intervention("{kind: reorganisation, day: 0}")) ==
        "test.yaml:6:12: interventions[0].kind: expected one of {" + kinds +
            "}, got 'reorganisation'");
  CHECK(error_of(with_intervention("{kind: coachng, day: 0}")) ==
        "test.yaml:6:12: interventions[0].kind: expected one of {" + kinds +
            "}, got 'coachng'; did you mean 'coaching'?");
  CHECK(kinds.find("restructure") != std::string::npos);
}

TEST_CASE("interventions with targets and lists round-trip", "[scenario]") {
  const Scenario s = parse(with_intervention(
      "{kind: target_regime, day: 3, organisations: [GP practice 3, \"Hospital\"], org_kinds: "
      "[gp_practice], target_regime: {mode: shared, metrics: [a_and_e_4h, gp_wait_days], "
      "metric: bed_occupancy, days: 20}}"));
  const auto& x = s.interventions.at(0);
  CHECK(x.organisations == std::vector<std::string>{"GP practice 3", "Hospital"});
  CHECK(x.org_kinds == std::vector<OrgKind>{OrgKind::gp_practice});
  const std::string yaml = caresim::to_yaml(s);
  CHECK(yaml.find("    target_regime:\n      mode: shared\n") != std::string::npos);
  CHECK(yaml.find("metrics: [a_and_e_4h, gp_wait_days]") != std::string::npos);
  CHECK(parse(caresim::to_yaml(s)) == s);
}

TEST_CASE("every what-if scenario loads and round-trips", "[scenario]") {
  const std::filesystem::path dir(CARESIM_SOURCE_DIR "/scenarios/what-if");
  std::size_t found = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() != ".yaml") continue;
    INFO(entry.path().string());
    ++found;
    const Scenario s = caresim::load_scenario(entry.path());
    CHECK(parse(caresim::to_yaml(s)) == s);
  }
  CHECK(found >= 3);
}

namespace {
void write_file(const std::filesystem::path& path, const std::string& text) {
  std::ofstream(path) << text;
}
std::string file_error(const std::filesystem::path& path,
                       const std::vector<std::string>& overrides = {}) {
  try {
    caresim::load_scenario(path, overrides);
  } catch (const ScenarioError& error) {
    return error.what();
  }
  return "no error";
}
}  // namespace

TEST_CASE("a scenario can start from a base file and give only what differs", "[scenario]") {
  const caresim::test::TempDir dir;
  std::filesystem::create_directories(dir / "what-if");
  write_file(dir / "city.yaml",
             "name: city\nrun: {days: 200, seed: 5}\nties: {team_size: 8, max_ties: 40}\n"
             "organisations:\n  - {name: A, kind: acute, staff: 10}\n"
             "  - {name: B, kind: social_care, staff: 20}\n");
  write_file(dir / "what-if" / "child.yaml",
             "base: ../city.yaml\nname: child\nties: {max_ties: 30}\n"
             "organisations:\n  - {name: C, kind: acute, staff: 12}\n");
  const Scenario child = caresim::load_scenario(dir / "what-if" / "child.yaml");
  CHECK(child.name == "child");
  CHECK(child.run.days == 200);              // from the base
  CHECK(child.run.seed == 5);                // from the base
  CHECK(child.ties.team_size == 8);          // maps merge key by key...
  CHECK(child.ties.max_ties == 30);          // ...and the file's own keys win
  REQUIRE(child.organisations.size() == 1);  // lists are replaced, not merged
  CHECK(child.organisations[0].name == "C");
  // A chain: a grandchild of the city.
  write_file(dir / "what-if" / "grandchild.yaml", "base: child.yaml\nrun: {days: 100}\n");
  const Scenario grandchild = caresim::load_scenario(dir / "what-if" / "grandchild.yaml");
  CHECK(grandchild.run.days == 100);
  CHECK(grandchild.ties.max_ties == 30);
  CHECK(grandchild.name == "child");
  // The base is checked by itself, and its problems name its own file and line.
  write_file(dir / "bad_city.yaml", "name: x\nties: {team_size: -1}\norganisations: []\n");
  write_file(dir / "on_bad.yaml", "base: bad_city.yaml\nname: y\n");
  CHECK_THAT(file_error(dir / "on_bad.yaml"),
             Catch::StartsWith((dir / "bad_city.yaml").string() + ":2:19: ties.team_size"));
  // A missing base, a base that is not a path, a cycle.
  write_file(dir / "orphan.yaml", "name: z\nbase: nowhere.yaml\n");
  CHECK_THAT(file_error(dir / "orphan.yaml"),
             Catch::StartsWith((dir / "orphan.yaml").string() + ":2:7: base: ") &&
                 Catch::Contains("nowhere.yaml: cannot open scenario file"));
  write_file(dir / "listed.yaml", "base: [a.yaml]\n");
  CHECK_THAT(file_error(dir / "listed.yaml"),
             Catch::Contains("base: expected the path of a scenario file to start from"));
  write_file(dir / "loop.yaml", "base: loop.yaml\nname: loop\n");
  CHECK_THAT(file_error(dir / "loop.yaml"), Catch::Contains("is there a cycle?"));
}

TEST_CASE("shortening a run leaves out the interventions that would start after its end",
          "[scenario]") {
  const std::string text =
      "run: {days: 300}\norganisations:\n  - {name: A, kind: acute, staff: 10}\n"
      "  - {name: B, kind: social_care, staff: 10}\n"
      "interventions:\n  - {kind: workshop, day: 10}\n  - {kind: workshop, day: 150}\n"
      "  - {kind: shared_purpose_campaign, day: 90, campaign: {days: 120}}\n";
  CHECK(parse(text).interventions.size() == 3);
  const Scenario first_100 = parse(text, {"run.days=100"});
  CHECK(first_100.run.days == 100);
  REQUIRE(first_100.interventions.size() == 2);
  CHECK(first_100.interventions[0].day == 10);
  CHECK(first_100.interventions[1].day == 90);  // started before the end: cut off there
  // As written, a day outside the run is still an error.
  CHECK_THAT(error_of("run: {days: 100}\norganisations:\n  - {name: A, kind: acute, staff: 10}\n"
                      "interventions:\n  - {kind: workshop, day: 150}\n"),
             Catch::Contains("interventions[0].day: expected a day in [0, 100)"));
}
