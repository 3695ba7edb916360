// libFuzzer target: the --set parser. Each input line is one "key.path=value" override applied
// to a small valid scenario. Any ScenarioError is a correct answer.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "caresim/scenario/load.hpp"

namespace {
constexpr std::string_view kScenario = R"(name: fuzz
model: care
run: {days: 30, seed: 1}
city: {citizens: 2000, neighbourhoods: 4, priority_neighbourhoods: 1, primary_care_networks: 2}
organisations:
  - {name: acute, kind: acute_trust, staff: 200}
  - {name: gp, kind: gp_practice, staff: 60, count: 3}
  - {name: council, kind: adult_social_care, staff: 50}
interventions:
  - {kind: workshop, day: 10, participants: 10}
)";
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  std::vector<std::string> overrides;
  std::size_t start = 0;
  while (start <= input.size() && overrides.size() < 16) {
    std::size_t end = input.find('\n', start);
    if (end == std::string_view::npos) end = input.size();
    overrides.emplace_back(input.substr(start, end - start));
    start = end + 1;
  }
  try {
    (void)caresim::parse_scenario(kScenario, "fuzz.yaml", overrides);
  } catch (const caresim::ScenarioError&) {
  }
  return 0;
}
