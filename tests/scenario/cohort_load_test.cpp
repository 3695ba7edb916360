// Bad cohort specs are rejected with clear errors (file, line, key, what was expected); every
// what-if scenario loads.
#include <catch2/catch.hpp>
#include <filesystem>
#include <string>

#include "../support.hpp"
#include "caresim/scenario/load.hpp"

namespace {

using caresim::ScenarioError;

const std::string kCity =
    "organisations:\n"
    "  - {name: A, kind: acute, staff: 100}\n"
    "  - {name: B, kind: third_sector, staff: 50}\n";

std::string cohort_error_of(const std::string& text) {
  try {
    caresim::parse_scenario(kCity + text, "cohorts.yaml", {});
  } catch (const ScenarioError& error) {
    return error.what();
  }
  return "no error";
}

}  // namespace

TEST_CASE("cohorts: named cohorts and cohort_of load", "[scenario][interventions]") {
  const caresim::Scenario s = caresim::parse_scenario(
      kCity +
          "interventions:\n"
          "  - {kind: workshop, day: 10, name: wave 1}\n"
          "  - {kind: day_two_workshop, day: 71, cohort_of: wave 1}\n"
          "  - {kind: acts_of_courage, day: 11, cohort_of: wave 1, acts_of_courage: {days: 30}}\n"
          "  - {kind: open_space, day: 12, name: space}\n"
          "  - {kind: online_community, day: 13, cohort_of: space}\n"
          "  - {kind: leaders_congruence, day: 5, leaders_congruence: {congruence: -0.5}}\n",
      "cohorts.yaml", {});
  REQUIRE(s.interventions.size() == 6);
  CHECK(s.interventions[1].cohort_of == "wave 1");
  CHECK(s.interventions[2].params.number("days") == 30);
  CHECK(s.interventions[5].params.number("congruence") == -0.5);
  // to_yaml writes the new keys and reads back equal.
  CHECK(caresim::parse_scenario(caresim::to_yaml(s), "again.yaml", {}) == s);
}

TEST_CASE("cohorts: an empty cohort is rejected naming the file, line and key",
          "[scenario][interventions]") {
  SECTION("cohort_of naming no intervention") {
    CHECK(cohort_error_of("interventions:\n"
                          "  - {kind: workshop, day: 10, name: wave 1}\n"
                          "  - {kind: day_two_workshop, day: 71, cohort_of: wave 2}\n") ==
          "cohorts.yaml:6:50: interventions[1].cohort_of: expected the name of an earlier "
          "intervention that forms a cohort, got 'wave 2', which no earlier intervention is "
          "named: the cohort would be empty");
  }
  SECTION("cohort_of naming a later intervention") {
    CHECK(cohort_error_of("interventions:\n"
                          "  - {kind: day_two_workshop, day: 71, cohort_of: wave 1}\n"
                          "  - {kind: workshop, day: 10, name: wave 1}\n") ==
          "cohorts.yaml:5:50: interventions[0].cohort_of: expected the name of an earlier "
          "intervention that forms a cohort, got 'wave 1', which is not earlier in the list");
  }
  SECTION("cohort_of naming an intervention that forms no cohort") {
    CHECK(cohort_error_of("interventions:\n"
                          "  - {kind: shared_purpose_campaign, day: 10, name: campaign}\n"
                          "  - {kind: acts_of_courage, day: 71, cohort_of: campaign}\n") ==
          "cohorts.yaml:6:49: interventions[1].cohort_of: expected the name of an earlier "
          "intervention that forms a cohort (a workshop, or an open_space without cohort_of), "
          "got 'campaign', a shared_purpose_campaign that forms none");
  }
  SECTION("a day-two workshop without a cohort") {
    CHECK(cohort_error_of("interventions:\n"
                          "  - {kind: day_two_workshop, day: 71}\n") ==
          "cohorts.yaml:5:5: interventions[0].cohort_of: expected the name of an earlier workshop "
          "whose cohort meets again (a day_two_workshop needs a cohort), got none: the cohort "
          "would be empty");
  }
  SECTION("a workshop whose mix selects nobody") {
    CHECK(cohort_error_of("interventions:\n"
                          "  - kind: workshop\n"
                          "    day: 10\n"
                          "    workshop: {mix: {acute: 0, third_sector: 0, care_home: 5}}\n") ==
          "cohorts.yaml:7:21: interventions[0].workshop.mix: expected a positive weight for at "
          "least one kind of organisation in `organisations`, got weights that select nobody: "
          "the cohort would be empty");
  }
  SECTION("cohort_size 0") {
    CHECK(cohort_error_of("interventions:\n"
                          "  - {kind: workshop, day: 10, workshop: {cohort_size: 0}}\n") ==
          "cohorts.yaml:5:55: interventions[0].workshop.cohort_size: expected an integer in "
          "[2, 100000], got 0");
  }
  SECTION("an Open Space inviting nobody") {
    CHECK(cohort_error_of("interventions:\n"
                          "  - {kind: open_space, day: 10, open_space: {invited: 0}}\n") ==
          "cohorts.yaml:5:55: interventions[0].open_space.invited: expected an integer in "
          "[2, 100000], got 0");
  }
  SECTION("duplicate names") {
    CHECK(cohort_error_of("interventions:\n"
                          "  - {kind: workshop, day: 10, name: wave}\n"
                          "  - {kind: workshop, day: 20, name: wave}\n") ==
          "cohorts.yaml:6:37: interventions[1].name: expected a name no other intervention has, "
          "got 'wave', already the name of interventions[0]");
  }
  SECTION("congruence outside -1..1") {
    CHECK(cohort_error_of(
              "interventions:\n"
              "  - {kind: leaders_congruence, day: 1, leaders_congruence: {congruence: 2}}\n") ==
          "cohorts.yaml:5:73: interventions[0].leaders_congruence.congruence: expected a number "
          "in [-1, 1], got 2");
  }
}

TEST_CASE(
    "what-if scenarios: every file in scenarios/what-if loads, the relational programme "
    "included",
    "[scenario][interventions]") {
  const auto dir = caresim::test::scenario_path("what-if");
  REQUIRE(std::filesystem::is_directory(dir));
  int files = 0;
  bool relational = false;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() != ".yaml") continue;
    INFO(entry.path());
    CHECK_NOTHROW(caresim::load_scenario(entry.path(), {}));
    ++files;
    relational = relational || entry.path().filename() == "combined.yaml";
  }
  CHECK(files >= 1);
  CHECK(relational);
}
