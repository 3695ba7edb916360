// The public API of the scenario loader (include/caresim/scenario/load.hpp): reading files, `base:`
// chains and overrides. The work is done by read.hpp (reading), overrides.cpp (--set), write.cpp
// (YAML), reference.cpp (Markdown) and text.cpp (text helpers).
#include "caresim/scenario/load.hpp"

#include <sys/stat.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>
#include <sstream>
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
constexpr int kMaxNesting = 64;
/// Larger scenario files are refused unread (a `base:` naming /dev/zero or a data file).
constexpr std::uintmax_t kMaxScenarioBytes = 4u << 20;

/// `child` laid over `base`: maps merge key by key (recursively); anything else in `child`
/// (a scalar, a list such as `organisations` or `interventions`) replaces the base's whole value.
YAML::Node overlay(const YAML::Node& base, const YAML::Node& child, const detail::loading::Origin& origin,
                   const std::string& path) {
  if (!base.IsMap() || !child.IsMap()) return YAML::Clone(child);
  YAML::Node out = YAML::Clone(base);
  for (const auto& entry : child) {
    // A key such as `[a, b]` would otherwise escape as YAML::TypedBadConversion (issue 14).
    if (!entry.first.IsScalar()) {
      detail::loading::raise(origin, path, entry.first.Mark(),
                    "expected a key name, got " + detail::loading::describe(entry.first));
    }
    const std::string& key = entry.first.Scalar();
    out[key] = out[key] && out[key].IsMap() && entry.second.IsMap()
                   ? overlay(out[key], entry.second, origin, detail::loading::join_path(path, key))
                   : YAML::Clone(entry.second);
  }
  return out;
}

/// Deepest nesting of flow collections (`[`, `{`) outside quotes and comments. yaml-cpp 0.7
/// reports very deep nesting as "bad file"; this lets the message say what is wrong.
std::pair<int, int> deepest_flow_nesting(std::string_view text) {
  int depth = 0, deepest = 0, deepest_line = 1, line = 1;
  char quote = 0;
  bool comment = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\n') {
      ++line;
      comment = false;
      continue;
    }
    if (comment) continue;
    if (quote != 0) {
      if (c == quote) quote = 0;
      continue;
    }
    if (c == '"' || c == '\'') {
      quote = c;
    } else if (c == '#' &&
               (i == 0 || text[i - 1] == ' ' || text[i - 1] == '\t' || text[i - 1] == '\n')) {
      comment = true;
    } else if (c == '[' || c == '{') {
      if (++depth > deepest) {
        deepest = depth;
        deepest_line = line;
      }
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return {deepest, deepest_line};
}

/// Counts documents (at most two) without building nodes. yaml-cpp 0.7's YAML::LoadAll loops
/// for ever on some inputs (a file holding only ","; upstream issue 1040) because the parser
/// keeps reporting empty documents; asking for two at most cannot loop.
struct DocumentCounter : YAML::EventHandler {
  int documents = 0;
  YAML::Mark second_start = YAML::Mark::null_mark();
  void OnDocumentStart(const YAML::Mark& mark) override {
    if (++documents == 2) second_start = mark;
  }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t,
                const std::string&) override {}
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {}
  void OnMapEnd() override {}
};

std::string read_scenario_text(const std::filesystem::path& file);

/// The top-level map of a scenario text, with any `base:` resolved: the base file (a path
/// relative to this one's directory) is read and checked on its own first, so its problems name
/// its own file and lines, then this file's keys are laid over it.
YAML::Node scenario_root(std::string_view yaml_text, const detail::loading::Origin& origin, int depth) {
  using namespace detail::loading;
  if (const auto [deepest, line] = deepest_flow_nesting(yaml_text); deepest > kMaxNesting) {
    YAML::Mark mark = YAML::Mark::null_mark();
    mark.line = line - 1;
    mark.column = 0;
    raise(origin, "", mark,
          "expected at most " + std::to_string(kMaxNesting) + " levels of nested [ ] or { }, got " +
              std::to_string(deepest));
  }
  YAML::Node root;
  DocumentCounter counter;
  try {
    const std::string text(yaml_text);
    root = YAML::Load(text);
    if (!root.IsNull()) {
      std::istringstream stream(text);
      YAML::Parser parser(stream);
      for (int i = 0; i < 2 && parser.HandleNextDocument(counter); ++i) {
      }
    }
  } catch (const YAML::Exception& error) {
    raise(origin, "", error.mark, "malformed YAML: " + error.msg);
  }
  if (root.IsNull()) {
    raise(origin, "", YAML::Mark::null_mark(),
          "expected a map of scenario keys, got an empty file (or one without any key)");
  }
  if (counter.documents > 1) {
    raise(origin, "", counter.second_start, "expected a single YAML document, got more than one");
  }
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
  return overlay(base_root, root, origin, "");
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
  // A device or pipe (/dev/zero, a FIFO) never ends; checked on the open stream, not the name.
  struct stat info {};
  if (::fstat(::fileno(stream.get()), &info) != 0 || !S_ISREG(info.st_mode)) {
    throw ScenarioError(name + ": expected a regular scenario file, got a device, pipe or socket");
  }
  std::string text;
  char buffer[1 << 16];
  std::size_t got = 0;
  while ((got = std::fread(buffer, 1, sizeof buffer, stream.get())) > 0) {
    text.append(buffer, got);
    if (text.size() > kMaxScenarioBytes) {
      throw ScenarioError(name + ": expected a scenario file of at most " +
                          std::to_string(kMaxScenarioBytes >> 20) + " MiB, got a larger file");
    }
  }
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
