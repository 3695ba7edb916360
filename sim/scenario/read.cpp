// Reading helpers of the scenario loader: where a problem is, what a node is, which keys a map
// may have.
#include "read.hpp"

namespace caresim::detail::loading {

[[noreturn]] void raise(const Origin& origin, std::string_view path, const YAML::Mark& mark,
                        std::string_view message, std::string_view related_path) {
  std::string where = origin.override_at(path, related_path);
  if (where.empty()) {
    where = origin.source_name;
    if (!mark.is_null()) {
      where += ":" + std::to_string(mark.line + 1) + ":" + std::to_string(mark.column + 1);
    }
  }
  std::string text = where + ": ";
  if (!path.empty()) text += std::string(path) + ": ";
  text += message;
  throw ScenarioError(text);
}

bool is_plain_scalar(const YAML::Node& node) {
  return node.IsScalar() && node.Tag() == "?";
}

std::string describe(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Undefined:
    case YAML::NodeType::Null:
      return "an empty value";
    case YAML::NodeType::Sequence:
      return node.size() == 0 ? "an empty sequence" : "a sequence";
    case YAML::NodeType::Map:
      return node.size() == 0 ? "an empty map" : "a map";
    case YAML::NodeType::Scalar:
      break;
  }
  const std::string& text = node.Scalar();
  if (!is_plain_scalar(node)) return "the quoted string '" + one_line(text) + "'";
  if (parse_real(text)) return one_line(text);
  return "'" + one_line(text) + "'";
}

void check_keys(const Origin& origin, const YAML::Node& map, std::string_view path,
                const std::vector<std::string_view>& allowed) {
  std::vector<std::pair<std::string, YAML::Mark>> seen;
  for (auto it = map.begin(); it != map.end(); ++it) {
    const YAML::Node key = it->first;  // it-> yields a temporary: copy the handle
    if (!key.IsScalar()) {
      raise(origin, path, key.Mark(), "expected a key name, got " + describe(key));
    }
    const std::string& name = key.Scalar();
    const std::string key_path = join_path(path, name);
    for (const auto& [earlier, mark] : seen) {
      if (earlier == name) {
        raise(origin, key_path, key.Mark(),
              "duplicate key, first given at line " + std::to_string(mark.line + 1) + ", column " +
                  std::to_string(mark.column + 1));
      }
    }
    seen.emplace_back(name, key.Mark());
    if (std::find(allowed.begin(), allowed.end(), name) == allowed.end()) {
      if (const auto suggestion = closest_match(name, allowed)) {
        raise(origin, key_path, key.Mark(),
              "unknown key, did you mean '" + std::string(*suggestion) + "'?");
      }
      raise(origin, key_path, key.Mark(),
            "unknown key, expected one of {" + join_list(allowed) + "}");
    }
  }
}

std::optional<Entry> find_entry(const YAML::Node& map, std::string_view key) {
  if (!map.IsMap()) return std::nullopt;
  for (auto it = map.begin(); it != map.end(); ++it) {
    if (it->first.IsScalar() && it->first.Scalar() == key) return Entry{it->first, it->second};
  }
  return std::nullopt;
}

}  // namespace caresim::detail::loading
