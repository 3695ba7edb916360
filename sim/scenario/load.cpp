// The public API of the scenario loader (include/caresim/scenario/load.hpp): reading files, `base:`
// chains and overrides. The work is done by read.hpp (reading), overrides.cpp (--set), write.cpp
// (YAML), reference.cpp (Markdown) and text.cpp (text helpers).
#include "caresim/scenario/load.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "read.hpp"

namespace caresim {

// -----------------------------------------------------------------------------------------------
// Public API

namespace {

constexpr int kMaxBaseDepth = 8;

/// `child` laid over `base`: maps merge key by key (recursively); anything else in `child`
/// (a scalar, a list such as `organisations` or `interventions`) replaces the base's whole value.
YAML::Node overlay(const YAML::Node& base, const YAML::Node& child) {
  if (!base.IsMap() || !child.IsMap()) return YAML::Clone(child);
  YAML::Node out = YAML::Clone(base);
  for (const auto& entry : child) {
    const auto key = entry.first.as<std::string>();
    out[key] = out[key] && out[key].IsMap() && entry.second.IsMap()
                   ? overlay(out[key], entry.second)
                   : YAML::Clone(entry.second);
  }
  return out;
}

std::string read_scenario_text(const std::filesystem::path& file);

/// The top-level map of a scenario text, with any `base:` resolved: the base file (a path
/// relative to this one's directory) is read and checked on its own first, so its problems name
/// its own file and lines, then this file's keys are laid over it.
YAML::Node scenario_root(std::string_view yaml_text, const detail::loading::Origin& origin,
                         int depth) {
  using namespace detail::loading;
  std::vector<YAML::Node> documents;
  try {
    documents = YAML::LoadAll(std::string(yaml_text));
  } catch (const YAML::Exception& error) {
    raise(origin, "", error.mark, "malformed YAML: " + error.msg);
  }
  if (documents.empty() || (documents.size() == 1 && documents[0].IsNull())) {
    raise(origin, "", YAML::Mark::null_mark(),
          "expected a map of scenario keys, got an empty file");
  }
  if (documents.size() > 1) {
    raise(origin, "", documents[1].Mark(),
          "expected a single YAML document, got " + std::to_string(documents.size()));
  }
  YAML::Node root = documents[0];
  if (!root.IsMap()) {
    raise(origin, "", root.Mark(),
          "expected a map of scenario keys at the top level, got " + describe(root));
  }
  const YAML::Node base_key = root["base"];
  if (!base_key) return root;
  if (!base_key.IsScalar() || base_key.Scalar().empty()) {
    raise(origin, "base", base_key.Mark(),
          "expected the path of a scenario file to start from, got " + describe(base_key));
  }
  if (depth >= kMaxBaseDepth) {
    raise(origin, "base", base_key.Mark(),
          "expected at most " + std::to_string(kMaxBaseDepth) +
              " files in a chain of bases (is there a cycle?)");
  }
  const std::filesystem::path base_path =
      std::filesystem::path(origin.source_name).parent_path() / base_key.Scalar();
  std::string base_text;
  try {
    base_text = read_scenario_text(base_path);
  } catch (const ScenarioError& error) {
    raise(origin, "base", base_key.Mark(), error.what());
  }
  const Origin base_origin{base_path.string(), {}};
  const YAML::Node base_root = scenario_root(base_text, base_origin, depth + 1);
  Scenario checked;  // the base must be a valid scenario by itself
  Reader::read_struct(base_origin, base_root, base_root.Mark(), "", checked);
  root.remove("base");
  return overlay(base_root, root);
}

/// A run shortened by an override of run.days (`--steps`, `--days`, `--set run.days=N`) leaves
/// out the interventions that would start on or after its new end, so "the first N days of this
/// scenario" works; the scenario as written is still checked whole when it is not shortened.
void leave_out_interventions_after_a_shortened_run(YAML::Node& root,
                                                   const detail::loading::Origin& origin) {
  const bool shortened =
      std::any_of(origin.overrides.begin(), origin.overrides.end(),
                  [](const auto& o) { return o.path == "run.days" || o.path == "run"; });
  const YAML::Node run = root["run"];
  const YAML::Node list = root["interventions"];
  if (!shortened || !run || !run.IsMap() || !list || !list.IsSequence()) return;
  int days = 0;
  try {
    days = run["days"].as<int>();
  } catch (const YAML::Exception&) {
    return;  // the reader reports it
  }
  YAML::Node kept(YAML::NodeType::Sequence);
  for (const auto& entry : list) {
    try {
      if (entry.IsMap() && entry["day"] && entry["day"].as<int>() >= days) continue;
    } catch (const YAML::Exception&) {  // not a number: the reader reports it
    }
    kept.push_back(entry);
  }
  root["interventions"] = kept;
}

}  // namespace

Scenario parse_scenario(std::string_view yaml_text, std::string_view source_name,
                        const std::vector<std::string>& overrides) {
  using namespace detail::loading;
  Origin origin{std::string(source_name), {}};
  YAML::Node root = scenario_root(yaml_text, origin, 0);
  for (const auto& text : overrides)
    apply_override(root, text, origin);
  leave_out_interventions_after_a_shortened_run(root, origin);

  Scenario scenario;
  Reader::read_struct(origin, root, root.Mark(), "", scenario);
  return scenario;
}

namespace {

std::string read_scenario_text(const std::filesystem::path& file) {
  const std::string name = file.string();
  const auto cannot_open = [&](std::errc reason) {
    throw ScenarioError(name + ": cannot open scenario file (" +
                        std::make_error_code(reason).message() + ")");
  };
  std::error_code status_error;
  // fopen succeeds on a directory on Linux; only the read would fail, less clearly.
  if (std::filesystem::is_directory(file, status_error)) cannot_open(std::errc::is_a_directory);

  const std::unique_ptr<std::FILE, int (*)(std::FILE*)> stream(std::fopen(name.c_str(), "rb"),
                                                               &std::fclose);
  if (!stream) cannot_open(static_cast<std::errc>(errno));
  std::string text;
  char buffer[1 << 16];
  std::size_t got = 0;
  while ((got = std::fread(buffer, 1, sizeof buffer, stream.get())) > 0)
    text.append(buffer, got);
  if (std::ferror(stream.get())) {
    throw ScenarioError(name + ": cannot read scenario file (" +
                        std::make_error_code(static_cast<std::errc>(errno)).message() + ")");
  }
  return text;
}

}  // namespace

Scenario load_scenario(const std::filesystem::path& file,
                       const std::vector<std::string>& overrides) {
  return parse_scenario(read_scenario_text(file), file.string(), overrides);
}

}  // namespace caresim
