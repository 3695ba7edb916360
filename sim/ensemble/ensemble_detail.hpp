#pragma once
// Small helpers several files of sim/ensemble share (one definition each, so that the unity
// builds of tools/sanitizer_build.sh see no duplicates). Internal to sim/ensemble.

#include <fmt/format.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>

namespace caresim::ensemble::detail {

/// The 64-bit FNV-1a hash that names what a run depends on (a sweep's cache key, a backend's
/// plan and schema digests, a calibration run's identity): enough to tell two plans apart, not a
/// cryptographic digest. A separator after each part makes ("ab", "c") and ("a", "bc") differ.
struct Hasher {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  void add(std::string_view text) {
    for (unsigned char c : text) {
      h ^= c;
      h *= 0x100000001b3ULL;
    }
    h ^= 0xff;
    h *= 0x100000001b3ULL;
  }
};

/// 16 lower-case hex digits.
inline std::string hex(std::uint64_t value) {
  return fmt::format("{:016x}", value);
}

/// The whole file as bytes; empty when it cannot be read.
inline std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return {};
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

/// Whether the file starts with HDF5's eight-byte signature.
inline bool is_hdf5(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  char signature[8] = {};
  in.read(signature, 8);
  return in.gcount() == 8 &&
         std::string_view(signature, 8) == std::string_view("\x89HDF\r\n\x1a\n", 8);
}

}  // namespace caresim::ensemble::detail
