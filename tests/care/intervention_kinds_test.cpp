// The intervention-kind registry: names are unique, every kind's parameters round-trip through
// YAML, and a kind declared wholly in one place (here, a test-only kind in this file) is read,
// written, documented, scheduled and applied once it is registered.
#include <catch2/catch.hpp>
#include <set>
#include <string>

#include "../support.hpp"
#include "caresim/care/intervention.hpp"
#include "caresim/scenario/load.hpp"

using namespace caresim;

namespace {

const char* const kBuiltIn[] = {
    "workshop",        "shared_purpose_campaign", "day_two_workshop", "open_space",
    "acts_of_courage", "leaders_congruence",      "online_community", "coaching",
    "resource_shift",  "target_regime",           "restructure",      "flu_campaign"};

/// A scenario of the small Leeds with one intervention of each built-in kind, every one with
/// non-default parameters.
std::string every_kind_yaml() {
  return "base: " CARESIM_SOURCE_DIR
         "/scenarios/leeds_small.yaml\n"
         "interventions:\n"
         "  - {kind: workshop, day: 1, name: w, workshop: {cohort_size: 30, mix: {acute: 2}}}\n"
         "  - {kind: shared_purpose_campaign, day: 2, campaign: {days: 10, reach: 0.25}}\n"
         "  - {kind: day_two_workshop, day: 3, cohort_of: w, day_two_workshop: {abcd_days: 9}}\n"
         "  - {kind: open_space, day: 4, name: o, open_space: {invited: 20, two_feet: 0.5}}\n"
         "  - {kind: acts_of_courage, day: 5, cohort_of: o, acts_of_courage: {days: 7}}\n"
         "  - {kind: leaders_congruence, day: 6, leaders_congruence: {congruence: -0.25}}\n"
         "  - {kind: online_community, day: 7, cohort_of: w, online_community: {days: 30}}\n"
         "  - {kind: coaching, day: 8, org_kinds: [acute], coaching: {share: 0.125}}\n"
         "  - {kind: resource_shift, day: 9, org_kinds: [community], resource_shift: {share: "
         "0.5}}\n"
         "  - {kind: target_regime, day: 10, target_regime: {mode: shared, metrics: "
         "[gp_wait_days], threshold: 0.9}}\n"
         "  - {kind: restructure, day: 11, organisations: [GP practice 2], restructure: {into: "
         "GP practice 1, share: 0.5}}\n"
         "  - {kind: flu_campaign, day: 12, flu_campaign: {uptake_gain: 0.375}}\n";
}

// A test-only kind: one struct, its schema, its schedule and effect, its info, and one
// registration call. It counts the days it is applied on.
struct NudgeParams {
  int days = 3;
  double gain = 0.1;
  bool operator==(const NudgeParams&) const = default;
};

template <class V>
void visit(V& v, NudgeParams& p) {
  v.field("days", p.days, detail::kAtLeastOne, "days", "how long it nudges");
  v.field("gain", p.gain, detail::kProbability, "fraction", "vision gained per day");
}

int g_nudge_days = 0;

const InterventionKindInfo kNudgeInfo{
    .name = "test_nudge",
    .section = "nudge",
    .doc = "A test-only kind.",
    .make_params = [] { return KindParams::of<NudgeParams>(); },
};

class Nudge final : public InterventionModule {
 public:
  const InterventionKindInfo& info() const override { return kNudgeInfo; }
  std::vector<Purpose> purposes() const override { return {Purpose{0x7E570001}}; }
  bool active(const InterventionSpec& spec, int day) const override {
    return day >= spec.day && day < spec.day + spec.params.as<NudgeParams>().days;
  }
  void apply(const InterventionSpec& spec, const Model&, State& state) const override {
    ++g_nudge_days;
    const auto gain = static_cast<float>(spec.params.as<NudgeParams>().gain);
    for (float& v : state.staff.vision)
      v += gain * (1.0f - v);
  }
};

/// Registers the test kind for as long as it lives, so other tests see only the built-in kinds.
struct NudgeRegistered {
  NudgeRegistered() { register_intervention_kind(std::make_unique<Nudge>()); }
  ~NudgeRegistered() { unregister_intervention_kind("test_nudge"); }
  NudgeRegistered(const NudgeRegistered&) = delete;
  NudgeRegistered& operator=(const NudgeRegistered&) = delete;
};

}  // namespace

TEST_CASE("the intervention registry lists the twelve kinds once each", "[interventions]") {
  const InterventionKinds& kinds = intervention_kinds();
  REQUIRE(kinds.size() >= std::size(kBuiltIn));
  std::set<std::string> names, sections;
  for (std::size_t k = 0; k < kinds.size(); ++k) {
    names.insert(kinds[k].name);
    sections.insert(kinds[k].section);
    CHECK(!kinds[k].doc.empty());
    CHECK(kinds[k].make_params != nullptr);
    // Each kind's module is the one the loader's info came from.
    CHECK(&intervention_module(kinds[k].name).info() == &kinds[k]);
  }
  CHECK(names.size() == kinds.size());
  CHECK(sections.size() == kinds.size());
  for (std::size_t k = 0; k < std::size(kBuiltIn); ++k)
    CHECK(std::string(kinds[k].name) == kBuiltIn[k]);  // the order the key reference lists
  // A second kind with a name or section already taken is refused.
  InterventionKinds copy = kinds;
  InterventionKindInfo clash = kinds[0];
  CHECK_THROWS_AS(copy.add(clash), std::logic_error);
  clash.name = "another";
  CHECK_THROWS_AS(copy.add(clash), std::logic_error);  // section "workshop" taken
  clash.section = "day";
  CHECK_THROWS_AS(copy.add(clash), std::logic_error);  // a key every intervention has
}

TEST_CASE("every intervention kind round-trips through YAML", "[interventions][scenario]") {
  const Scenario s = parse_scenario(every_kind_yaml(), "every_kind.yaml");
  REQUIRE(s.interventions.size() == std::size(kBuiltIn));
  for (std::size_t k = 0; k < std::size(kBuiltIn); ++k) {
    INFO(kBuiltIn[k]);
    const InterventionSpec& x = s.interventions[k];
    CHECK(x.kind == kBuiltIn[k]);
    // What the file set was read into the kind's parameters.
    CHECK(!(x.params == InterventionSpec::of(x.kind).params));
  }
  CHECK(s.interventions[1].params.number("reach") == 0.25);
  CHECK(s.interventions[11].params.number("uptake_gain") == 0.375);
  const std::string yaml = to_yaml(s);
  const Scenario again = parse_scenario(yaml, "again.yaml");
  CHECK(again == s);
  CHECK(to_yaml(again) == yaml);
  // Each intervention writes its own kind's section only.
  CHECK(yaml.find("    campaign:\n      days: 10\n") != std::string::npos);
  CHECK(yaml.find("    workshop:\n") != std::string::npos);
  std::size_t sections = 0;
  for (std::size_t at = yaml.find("    workshop:\n"); at != std::string::npos;
       at = yaml.find("    workshop:\n", at + 1))
    ++sections;
  CHECK(sections == 1);
}

TEST_CASE("an intervention gives parameters of another kind: refused, saying whose",
          "[interventions][scenario]") {
  // The tiny city is 12 lines; the intervention is on line 14.
  const std::string yaml = test::tiny_city_yaml() +
                           "interventions:\n"
                           "  - {kind: coaching, day: 1, workshop: {cohort_size: 30}}\n";
  try {
    (void)parse_scenario(yaml, "x.yaml");
    FAIL("accepted");
  } catch (const ScenarioError& e) {
    CHECK(std::string(e.what()) ==
          "x.yaml:15:30: interventions[0].workshop: parameters of kind workshop, but kind is "
          "coaching (its parameters go under 'coaching')");
  }
}

TEST_CASE("a kind declared in one file and registered is read, written, documented and run",
          "[interventions]") {
  const NudgeRegistered registered;
  const std::string yaml = test::tiny_city_yaml() +
                           "interventions:\n"
                           "  - {kind: test_nudge, day: 2, nudge: {days: 4, gain: 0.5}}\n";
  const Scenario s = parse_scenario(yaml, "nudge.yaml");
  REQUIRE(s.interventions.size() == 1);
  CHECK(s.interventions[0].params.number("days") == 4);
  CHECK(s.interventions[0].params.number("gain") == 0.5);
  CHECK(parse_scenario(to_yaml(s), "again.yaml") == s);
  // Its keys are checked like any other.
  CHECK_THROWS_WITH(
      parse_scenario(yaml + "  - {kind: test_nudge, day: 3, nudge: {gain: 2}}\n", "nudge.yaml"),
      "nudge.yaml:16:46: interventions[1].nudge.gain: expected a number in [0, 1], got 2");
  // The key reference documents it.
  const std::string reference = scenario_reference_markdown();
  CHECK(reference.find("## `interventions[].nudge`\n\nParameters when `kind` is `test_nudge`. A "
                       "test-only kind.") != std::string::npos);
  CHECK(reference.find("| `interventions[].nudge.gain` | number | `0.1` |") != std::string::npos);
  // The model schedules and applies it: days 2..5 of a 10-day run.
  Scenario tiny = test::tiny_city(500, 10);
  InterventionSpec nudge = InterventionSpec::of("test_nudge", 2);
  nudge.params.set("days", 4);
  tiny.interventions.push_back(nudge);
  g_nudge_days = 0;
  Simulation sim(tiny);
  for (int d = 0; d < 10; ++d)
    sim.step();
  CHECK(g_nudge_days == 4);
  // The loader knows it only while it is registered.
}

TEST_CASE("a kind no longer registered is unknown to the loader", "[interventions]") {
  { const NudgeRegistered registered; }
  CHECK(intervention_kinds().find("test_nudge") == nullptr);
  CHECK(intervention_kinds().size() == std::size(kBuiltIn));
}
