// --set overrides: "key.path=value" laid onto the YAML tree before it is read.
#include "read.hpp"

namespace caresim::detail::loading {

// ---------------------------------------------------------------------------------------------
// Overrides

namespace {

[[noreturn]] void reject_override(const std::string& text, std::string_view message) {
  throw ScenarioError("--set " + text + ": " + std::string(message));
}

}  // namespace

/// Applies one "path=value" override to the tree, recording which path it replaced.
void apply_override(YAML::Node& root, const std::string& text, Origin& origin) {
  const auto equals = text.find('=');
  if (equals == std::string::npos) reject_override(text, "expected key.path=value, got no '='");
  const auto path_text = trim(std::string_view(text).substr(0, equals));
  const auto segments = split_key_path(path_text);
  if (!segments) {
    reject_override(text,
                    "expected a key path like ties.team_size or organisations[0].staff, got '" +
                        one_line(path_text) + "'");
  }
  YAML::Node value;
  try {
    value = YAML::Load(text.substr(equals + 1));
  } catch (const YAML::Exception& error) {
    reject_override(text, "malformed YAML value: " + error.msg);
  }

  // Walk with reset(): assigning one Node to another would overwrite the tree's content.
  YAML::Node node;
  node.reset(root);
  std::string path;
  std::string replaced;  // the first path the override creates or replaces
  for (std::size_t i = 0; i < segments->size(); ++i) {
    const auto& segment = (*segments)[i];
    const bool last = i + 1 == segments->size();
    if (node.IsSequence()) {
      const auto index = parse_integer<std::size_t>(segment.name);
      if (!index) {
        reject_override(text, path + ": expected an index into the sequence, got '" +
                                  one_line(segment.name) + "'");
      }
      if (*index >= node.size()) {
        reject_override(text, path + ": index " + segment.name + " is past the end (" +
                                  std::to_string(node.size()) +
                                  (node.size() == 1 ? " entry)" : " entries)"));
      }
      path = index_path(path, *index);
      if (last) {
        node[*index] = value;
        if (replaced.empty()) replaced = path;
      } else {
        YAML::Node child = node[*index];
        node.reset(child);
      }
    } else if (node.IsMap() || node.IsNull()) {
      if (segment.bracketed) {
        reject_override(text, (path.empty() ? std::string("the top level") : path) +
                                  ": expected a key, got the index [" + segment.name +
                                  "] (this is a map)");
      }
      path = join_path(path, segment.name);
      const auto entry = find_entry(node, segment.name);
      if (last) {
        node[segment.name] = value;
        if (replaced.empty()) replaced = path;
      } else if (!entry) {
        YAML::Node created(YAML::NodeType::Map);
        node[segment.name] = created;
        node.reset(created);
        if (replaced.empty()) replaced = path;
      } else {
        node.reset(entry->value);
      }
    } else {
      reject_override(text, path + ": expected a map or sequence to set '" + segment.name +
                                "' in, got " + describe(node));
    }
  }
  origin.overrides.push_back({replaced, text});
}

}  // namespace caresim::detail::loading
