// libFuzzer target: the scenario loader with `base:` chains. The input is split at lines
// "#--" into up to four files a.yaml, b.yaml, c.yaml, d.yaml in a private folder, so one input
// can be a scenario whose `base:` names another (or itself: a cycle); a.yaml is loaded.
// Any ScenarioError is a correct answer; anything else escaping, a crash, a hang or a large
// allocation is a finding.
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

#include "caresim/scenario/load.hpp"

namespace {
const std::filesystem::path& folder() {
  static const std::filesystem::path dir = [] {
    auto d = std::filesystem::temp_directory_path() /
             ("caresim-fuzz-scenario-" + std::to_string(::getpid()));
    std::filesystem::create_directories(d);
    return d;
  }();
  return dir;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const char* names[] = {"a.yaml", "b.yaml", "c.yaml", "d.yaml"};
  std::size_t start = 0;
  for (int i = 0; i < 4; ++i) {
    std::size_t end = input.find("\n#--", start);
    if (end == std::string_view::npos || i == 3) end = input.size();
    std::ofstream(folder() / names[i], std::ios::binary | std::ios::trunc)
        << input.substr(std::min(start, input.size()), end - std::min(start, input.size()));
    start = end == input.size() ? input.size() : end + 4;
  }
  try {
    (void)caresim::load_scenario(folder() / "a.yaml");
  } catch (const caresim::ScenarioError&) {
  }
  return 0;
}
