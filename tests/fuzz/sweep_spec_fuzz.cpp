// libFuzzer target: the sweep-spec loader. Any SweepError is a correct answer.
#include <cstdint>
#include <string_view>

#include "caresim/ensemble/sweep.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  try {
    (void)caresim::ensemble::parse_sweep_spec(input, "/nonexistent/fuzz/sweep.yaml");
  } catch (const caresim::ensemble::SweepError&) {
  }
  return 0;
}
