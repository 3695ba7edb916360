#pragma once
// The small YAML reader of the ensemble's spec files (sweep specs, calibration specs, targets):
// typed values with messages "file:line:column: key: expected ..., got ...". Internal to
// sim/ensemble; the files that read specs are the only ones that see YAML.

#include <yaml-cpp/yaml.h>

#include <set>
#include <string>
#include <string_view>

#include "caresim/ensemble/sweep.hpp"

namespace caresim::ensemble::detail {

/// Reads typed values from one spec file's YAML; every problem is a SweepError naming the file,
/// line and column and the key path.
class SpecReader {
 public:
  explicit SpecReader(std::string file) : file_(std::move(file)) {}

  /// "file:line:column" of the node (just "file" for a node without a position).
  std::string at(const YAML::Node& node) const;
  [[noreturn]] void fail(const YAML::Node& node, const std::string& key,
                         const std::string& expected) const;
  [[noreturn]] void fail_plain(const YAML::Node& node, const std::string& message) const;
  /// Refuses a node that is not a map, or a key of it not in `known`.
  void check_keys(const YAML::Node& map, const std::string& path,
                  const std::set<std::string>& known) const;

  double real(const YAML::Node& node, const std::string& key) const;
  long long integer(const YAML::Node& node, const std::string& key, long long lo,
                    long long hi) const;
  std::uint64_t unsigned64(const YAML::Node& node, const std::string& key) const;
  std::string text(const YAML::Node& node, const std::string& key) const;
  bool boolean(const YAML::Node& node, const std::string& key) const;
  template <std::size_t N>
  std::size_t choice(const YAML::Node& node, const std::string& key,
                     const char* const (&names)[N]) const {
    std::string list;
    for (std::size_t i = 0; i < N; ++i) {
      if (node.IsScalar() && node.Scalar() == names[i]) return i;
      list += std::string(i ? ", " : "") + names[i];
    }
    fail(node, key, "one of " + list);
  }
  /// Parses the whole file's text; malformed YAML is a SweepError with its position.
  YAML::Node load(std::string_view text) const;

 private:
  std::string file_;
};

}  // namespace caresim::ensemble::detail
