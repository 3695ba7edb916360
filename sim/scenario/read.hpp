#pragma once
// Private to the scenario loader: reading a struct from YAML through its schema (schema.hpp), with
// messages that name the file, line, column, key path and what was expected.

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "caresim/scenario/load.hpp"
#include "schema.hpp"
#include "text.hpp"

namespace caresim::detail::loading {

// ---------------------------------------------------------------------------------------------
// Where text came from, for messages

/// The file (or text) being read and the --set overrides applied on top of it.
struct Origin {
  struct Override {
    std::string path;  // normalised key path the override replaced
    std::string text;  // as the user gave it
  };
  std::string source_name;
  std::vector<Override> overrides;

  /// "--set x=1" if a problem at `path` (or at `related_path`, the other key a cross-key rule
  /// compares it with) comes from an override; empty if from the file. The latest override that
  /// replaced the path, a map holding it or a part of it wins: it made the value what it is.
  std::string override_at(std::string_view path, std::string_view related_path = {}) const {
    const auto touches = [](std::string_view problem, std::string_view replaced) {
      return !problem.empty() && (path_within(problem, replaced) || path_within(replaced, problem));
    };
    for (auto it = overrides.rbegin(); it != overrides.rend(); ++it) {
      if (touches(path, it->path) || touches(related_path, it->path)) return "--set " + it->text;
    }
    return {};
  }
};

/// Throws the ScenarioError for a problem at `path`: "file:line:column: path: message", or
/// "--set x=1: path: message" when an override made the value what it is.
[[noreturn]] void raise(const Origin& origin, std::string_view path, const YAML::Mark& mark,
                        std::string_view message, std::string_view related_path = {});

bool is_plain_scalar(const YAML::Node& node);

/// The integer a plain scalar spells; nullopt for anything else, quoted "5" included.
template <class Int>
std::optional<Int> plain_integer(const YAML::Node& node) {
  if (!is_plain_scalar(node)) return std::nullopt;
  return parse_integer<Int>(node.Scalar());
}

/// What a node is, for "got ..." in messages.
std::string describe(const YAML::Node& node);

// ---------------------------------------------------------------------------------------------
// Reading: a visitor that fills a struct from a YAML map and checks it

/// Lists the keys a struct's schema declares, to reject others before reading.
struct KeyLister {
  std::vector<std::string_view> keys;
  template <class... Rest>
  void field(std::string_view key, Rest&&...) {
    keys.push_back(key);
  }
  template <class... Rest>
  void choice(std::string_view key, Rest&&...) {
    keys.push_back(key);
  }
  template <class... Rest>
  void table(std::string_view key, Rest&&...) {
    keys.push_back(key);
  }
  template <class... Rest>
  void section(std::string_view key, Rest&&...) {
    keys.push_back(key);
  }
  template <class... Rest>
  void list(std::string_view key, Rest&&...) {
    keys.push_back(key);
  }
  template <class... Rest>
  void strings(std::string_view key, Rest&&...) {
    keys.push_back(key);
  }
  template <class... Rest>
  void numbers(std::string_view key, Rest&&...) {
    keys.push_back(key);
  }
  template <class... Rest>
  void choices(std::string_view key, Rest&&...) {
    keys.push_back(key);
  }
  template <class... Rest>
  void check(Rest&&...) {}
  void kind_sections(const InterventionSpec& spec, const InterventionKinds& kinds) {
    if (const InterventionKindInfo* kind = kinds.find(spec.kind)) keys.emplace_back(kind->section);
  }
};

/// The keys `object`'s schema declares (an intervention's depend on its kind).
template <class Struct>
std::vector<std::string_view> schema_keys(Struct& object) {
  KeyLister lister;
  visit(lister, object);
  return std::move(lister.keys);
}

struct Entry {
  YAML::Node key;
  YAML::Node value;
  /// Where to point for the value: an empty value's own mark is wherever the parser stood next.
  YAML::Mark mark() const { return value.IsNull() ? key.Mark() : value.Mark(); }
};

/// Rejects non-text keys, duplicate keys (yaml-cpp keeps both silently) and keys not in
/// `allowed`, in document order.
void check_keys(const Origin& origin, const YAML::Node& map, std::string_view path,
                const std::vector<std::string_view>& allowed);

std::optional<Entry> find_entry(const YAML::Node& map, std::string_view key);

class Reader {
 public:
  /// Reads from `map`, or from nothing if it is absent (a section not given: defaults stay).
  /// `where` is the mark to blame for keys that are missing.
  Reader(const Origin& origin, std::optional<YAML::Node> map, YAML::Mark where, std::string path)
      : origin_(origin), map_(std::move(map)), where_(where), path_(std::move(path)) {}

  void field(std::string_view key, std::string& value, TextForm form, std::string_view,
             std::string_view, Need need = Need::optional) {
    const auto entry = lookup(key, expected_text(form), need);
    if (!entry) return;
    const auto& node = entry->value;
    if (!node.IsScalar()) fail_value(key, *entry, expected_text(form));
    const std::string& text = node.Scalar();
    if ((form == TextForm::non_empty && text.empty()) ||
        (form == TextForm::iso_date && !is_iso_date(text))) {
      fail_value(key, *entry, expected_text(form));
    }
    value = text;
  }

  void field(std::string_view key, int& value, IntRange range, std::string_view, std::string_view,
             Need need = Need::optional) {
    const auto entry = lookup(key, expected_int(range), need);
    if (!entry) return;
    const auto& node = entry->value;
    const auto parsed = plain_integer<std::int64_t>(node);
    if (parsed && *parsed >= range.lo && *parsed <= range.hi) {
      value = static_cast<int>(*parsed);
      return;
    }
    // Past an int's reach, "an integer >= 1" would read as if the value were fine.
    const bool too_big = is_plain_scalar(node) && is_integer_text(node.Scalar()) &&
                         node.Scalar().front() != '-' && !(parsed && *parsed <= range.hi);
    if (too_big && range.hi == kNoIntLimit) {
      fail_value(
          key, *entry,
          "an integer in [" + std::to_string(range.lo) + ", " + std::to_string(range.hi) + "]");
    }
    fail_value(key, *entry, expected_int(range));
  }

  void field(std::string_view key, std::uint64_t& value, AnyUnsigned, std::string_view,
             std::string_view, Need need = Need::optional) {
    const std::string expected = "an integer in [0, " + std::string(kU64Max) + "]";
    const auto entry = lookup(key, expected, need);
    if (!entry) return;
    const auto& node = entry->value;
    const auto parsed = plain_integer<std::uint64_t>(node);
    if (!parsed) fail_value(key, *entry, expected);
    value = *parsed;
  }

  void field(std::string_view key, double& value, RealRange range, std::string_view,
             std::string_view, Need need = Need::optional) {
    const auto entry = lookup(key, expected_real(range), need);
    if (!entry) return;
    value = read_real(join_path(path_, key), *entry, range);
  }

  template <class Enum>
  void choice(std::string_view key, Enum& value, Names names, std::string_view,
              Need need = Need::optional) {
    const std::vector<std::string_view> spellings(names.begin(), names.end());
    const std::string expected = "one of {" + join_list(spellings) + "}";
    const auto entry = lookup(key, expected, need);
    if (!entry) return;
    const auto& node = entry->value;
    if (!node.IsScalar()) fail_value(key, *entry, expected);
    const std::string& text = node.Scalar();
    for (std::size_t i = 0; i < spellings.size(); ++i) {
      if (text == spellings[i]) {
        value = static_cast<Enum>(i);
        return;
      }
    }
    std::string message = "expected " + expected + ", got " + describe(node);
    if (const auto suggestion = closest_match(text, spellings)) {
      message += "; did you mean '" + std::string(*suggestion) + "'?";
    }
    raise(origin_, join_path(path_, key), entry->mark(), message);
  }

  void table(std::string_view key, std::span<double> values, Names names, RealRange range,
             std::string_view, std::string_view) {
    const auto entry = lookup(key, "", Need::optional);
    if (!entry || entry->value.IsNull()) return;
    const std::string path = join_path(path_, key);
    const auto& node = entry->value;
    const std::vector<std::string_view> spellings(names.begin(), names.end());
    if (!node.IsMap()) {
      raise(origin_, path, entry->mark(),
            "expected a map with keys {" + join_list(spellings) + "}, got " + describe(node));
    }
    check_keys(origin_, node, path, spellings);
    for (std::size_t i = 0; i < values.size(); ++i) {
      if (const auto item = find_entry(node, spellings[i])) {
        values[i] = read_real(join_path(path, spellings[i]), *item, range);
      }
    }
  }

  template <class Struct>
  void section(std::string_view key, Struct& sub, std::string_view) {
    const auto entry = lookup(key, "", Need::optional);
    const std::string path = join_path(path_, key);
    // `ties:` with every key commented out is an empty section, not an error.
    if (!entry || entry->value.IsNull()) {
      Reader absent(origin_, std::nullopt, entry ? entry->key.Mark() : where_, path);
      visit(absent, sub);
      return;
    }
    read_struct(origin_, entry->value, entry->mark(), path, sub);
  }

  template <class Struct>
  void list(std::string_view key, std::vector<Struct>& items, std::size_t min_items,
            std::string_view, Need need = Need::optional) {
    const std::string expected = min_items == 0
                                     ? std::string("a sequence")
                                     : "a sequence of at least " + std::to_string(min_items) +
                                           (min_items == 1 ? " entry" : " entries");
    const auto entry = lookup(key, expected, need);
    if (!entry) return;
    const auto& node = entry->value;
    if (!node.IsSequence() || node.size() < min_items) fail_value(key, *entry, expected);
    const std::string path = join_path(path_, key);
    std::vector<Struct> read(node.size());
    for (std::size_t i = 0; i < node.size(); ++i) {
      read_struct(origin_, node[i], node[i].Mark(), index_path(path, i), read[i]);
    }
    items = std::move(read);
  }

  void numbers(std::string_view key, std::vector<double>& items, RealRange range, std::string_view,
               std::string_view) {
    const std::string expected = "a sequence of numbers";
    const auto entry = lookup(key, expected, Need::optional);
    if (!entry || entry->value.IsNull()) return;
    const auto& node = entry->value;
    if (!node.IsSequence()) fail_value(key, *entry, expected);
    const std::string path = join_path(path_, key);
    std::vector<double> read;
    for (std::size_t i = 0; i < node.size(); ++i)
      read.push_back(read_real(index_path(path, i), Entry{node[i], node[i]}, range));
    items = std::move(read);
  }

  void strings(std::string_view key, std::vector<std::string>& items, std::string_view) {
    const std::string expected = "a sequence of non-empty names";
    const auto entry = lookup(key, expected, Need::optional);
    if (!entry || entry->value.IsNull()) return;
    const auto& node = entry->value;
    if (!node.IsSequence()) fail_value(key, *entry, expected);
    const std::string path = join_path(path_, key);
    std::vector<std::string> read;
    for (std::size_t i = 0; i < node.size(); ++i) {
      if (!node[i].IsScalar() || node[i].Scalar().empty()) {
        raise(origin_, index_path(path, i), node[i].Mark(),
              "expected a non-empty name, got " + describe(node[i]));
      }
      read.push_back(node[i].Scalar());
    }
    items = std::move(read);
  }

  template <class Enum>
  void choices(std::string_view key, std::vector<Enum>& items, Names names, std::string_view) {
    const std::vector<std::string_view> spellings(names.begin(), names.end());
    const std::string expected = "a sequence of {" + join_list(spellings) + "}";
    const auto entry = lookup(key, expected, Need::optional);
    if (!entry || entry->value.IsNull()) return;
    const auto& node = entry->value;
    if (!node.IsSequence()) fail_value(key, *entry, expected);
    const std::string path = join_path(path_, key);
    std::vector<Enum> read;
    for (std::size_t i = 0; i < node.size(); ++i) {
      const std::string text = node[i].IsScalar() ? node[i].Scalar() : std::string();
      const auto it = std::find(spellings.begin(), spellings.end(), text);
      if (node[i].IsScalar() && it != spellings.end()) {
        read.push_back(static_cast<Enum>(it - spellings.begin()));
        continue;
      }
      std::string message =
          "expected one of {" + join_list(spellings) + "}, got " + describe(node[i]);
      if (const auto suggestion = closest_match(text, spellings)) {
        message += "; did you mean '" + std::string(*suggestion) + "'?";
      }
      raise(origin_, index_path(path, i), node[i].Mark(), message);
    }
    items = std::move(read);
  }

  template <class Rule>
  void check(std::string_view, std::string_view, Rule&& rule) {
    rule([&](std::string_view relative_path, std::string_view related_path,
             std::string_view expected, std::string_view got) {
      raise(origin_, join_path(path_, relative_path), locate(relative_path),
            "expected " + std::string(expected) + ", got " + one_line(got, std::string_view::npos),
            join_path(path_, related_path));
    });
  }

  void kind_sections(InterventionSpec& spec, const InterventionKinds& kinds) {
    if (const InterventionKindInfo* kind = kinds.find(spec.kind)) {
      section(kind->section, spec.params, "");
    }
  }

  /// Reads a struct from `node`, which must be a map with only the struct's keys.
  template <class Struct>
  static void read_struct(const Origin& origin, const YAML::Node& node, YAML::Mark mark,
                          const std::string& path, Struct& out) {
    if (!node.IsMap()) raise(origin, path, mark, "expected a map, got " + describe(node));
    Reader reader(origin, node, mark, path);
    if constexpr (std::is_same_v<Struct, InterventionSpec>) reader.read_kind(out);
    check_keys(origin, node, path, schema_keys(out));
    visit(reader, out);
  }

 private:
  /// An intervention's keys depend on its kind: read it first. A section of another kind is
  /// refused with that said.
  void read_kind(InterventionSpec& spec) {
    const InterventionKinds& kinds = intervention_kinds();
    std::size_t kind = kinds.index_of(spec.kind);
    choice("kind", kind, kinds.names(), "", Need::required);
    spec.set_kind(kinds[kind].name);
    for (std::size_t k = 0; k < kinds.size(); ++k) {
      if (k == kind) continue;
      if (const auto entry = find_entry(*map_, kinds[k].section)) {
        raise(origin_, join_path(path_, kinds[k].section), entry->key.Mark(),
              std::string("parameters of kind ") + kinds[k].name + ", but kind is " +
                  kinds[kind].name + " (its parameters go under '" + kinds[kind].section + "')");
      }
    }
  }

  /// The key's entry; nullopt if absent (then an error if required).
  std::optional<Entry> lookup(std::string_view key, std::string_view expected, Need need) const {
    auto entry = map_ ? find_entry(*map_, key) : std::nullopt;
    if (!entry && need == Need::required) {
      raise(origin_, join_path(path_, key), where_,
            "missing required key (expected " + std::string(expected) + ")");
    }
    return entry;
  }

  [[noreturn]] void fail_value(std::string_view key, const Entry& entry,
                               std::string_view expected) const {
    raise(origin_, join_path(path_, key), entry.mark(),
          "expected " + std::string(expected) + ", got " + describe(entry.value));
  }

  double read_real(const std::string& path, const Entry& entry, RealRange range) const {
    const auto& node = entry.value;
    const auto parsed = is_plain_scalar(node) ? parse_real(node.Scalar()) : std::optional<double>{};
    if (!parsed || !in_range(*parsed, range)) {
      raise(origin_, path, entry.mark(),
            "expected " + expected_real(range) + ", got " + describe(node));
    }
    return *parsed;
  }

  /// Best mark for a path below this map: the deepest node of it that exists.
  YAML::Mark locate(std::string_view relative_path) const {
    YAML::Mark mark = where_;
    if (!map_) return mark;
    const auto segments = split_key_path(relative_path);
    if (!segments) return mark;
    YAML::Node node = *map_;
    for (const auto& segment : *segments) {
      if (node.IsMap()) {
        const auto entry = find_entry(node, segment.name);
        if (!entry) break;
        mark = entry->mark();
        node.reset(entry->value);
      } else if (node.IsSequence()) {
        const auto index = parse_integer<std::size_t>(segment.name);
        if (!index || *index >= node.size()) break;
        node.reset(node[*index]);
        mark = node.Mark();
      } else {
        break;
      }
    }
    return mark;
  }

  const Origin& origin_;
  std::optional<YAML::Node> map_;
  YAML::Mark where_;
  std::string path_;
};

/// Applies one "path=value" override (as given to --set) to the tree, recording in `origin` which
/// path it replaced (sim/scenario/overrides.cpp).
void apply_override(YAML::Node& root, const std::string& text, Origin& origin);

}  // namespace caresim::detail::loading
