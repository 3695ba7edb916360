#include "caresim/scenario/load.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "schema.hpp"

namespace caresim {
namespace detail {

std::string format_real(double value) {
  // Both forms are the shortest that read back exactly; fixed reads better ("0.0002", not
  // "2e-04") unless it gets long.
  constexpr std::size_t kLongestFixed = 16;
  char buffer[400];  // fixed notation of DBL_MAX has 309 digits
  auto result = std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::fixed);
  if (result.ec == std::errc{} && static_cast<std::size_t>(result.ptr - buffer) <= kLongestFixed) {
    return std::string(buffer, result.ptr);
  }
  result = std::to_chars(buffer, buffer + sizeof buffer, value);
  return std::string(buffer, result.ptr);
}

namespace {

// ---------------------------------------------------------------------------------------------
// Text helpers

/// Optimal-string-alignment distance: Levenshtein plus swaps of two adjacent characters, the
/// commonest typing slip ("cross_org_strenght").
std::size_t edit_distance(std::string_view a, std::string_view b) {
  const std::size_t rows = a.size() + 1;
  const std::size_t cols = b.size() + 1;
  std::vector<std::size_t> d(rows * cols);
  const auto at = [&](std::size_t i, std::size_t j) -> std::size_t& { return d[i * cols + j]; };
  for (std::size_t i = 0; i < rows; ++i) {
    at(i, 0) = i;
  }
  for (std::size_t j = 0; j < cols; ++j) {
    at(0, j) = j;
  }
  for (std::size_t i = 1; i < rows; ++i) {
    for (std::size_t j = 1; j < cols; ++j) {
      const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      at(i, j) = std::min({at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        at(i, j) = std::min(at(i, j), at(i - 2, j - 2) + 1);
      }
    }
  }
  return at(rows - 1, cols - 1);
}

/// The candidate closest to `word`, if close enough to be a likely typo: within
/// max(2, |word|/3) edits, and fewer edits than |word| (so "ab" does not suggest "gp").
/// Ties go to the earlier candidate, which keeps messages stable.
std::optional<std::string_view> closest_match(std::string_view word,
                                              const std::vector<std::string_view>& candidates) {
  const std::size_t limit = std::max<std::size_t>(2, word.size() / 3);
  std::optional<std::string_view> best;
  std::size_t best_distance = limit + 1;
  for (const auto candidate : candidates) {
    const std::size_t distance = edit_distance(word, candidate);
    if (distance < best_distance && distance < word.size()) {
      best = candidate;
      best_distance = distance;
    }
  }
  return best;
}

std::string join_list(const std::vector<std::string_view>& items) {
  std::string out;
  for (const auto item : items) {
    if (!out.empty()) out += ", ";
    out += item;
  }
  return out;
}

/// `text` made safe for a one-line message: control characters escaped, long text cut.
std::string one_line(std::string_view text, std::size_t max_shown = 60) {
  std::string out;
  for (const char c : text.substr(0, max_shown)) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (byte < 0x20 || byte == 0x7f) {
      char hex[8];
      std::snprintf(hex, sizeof hex, "\\x%02x", byte);
      out += hex;
    } else {
      out += c;
    }
  }
  if (text.size() > max_shown) out += "...";
  return out;
}

/// A YAML double-quoted scalar holding exactly `text`.
std::string quote_yaml(std::string_view text) {
  std::string out = "\"";
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\r':
        out += "\\r";
        break;
      default:
        if (byte < 0x20 || byte == 0x7f) {
          char hex[8];
          std::snprintf(hex, sizeof hex, "\\x%02x", byte);
          out += hex;
        } else {
          out += c;
        }
    }
  }
  out += '"';
  return out;
}

/// A map key as written: bare if it is a simple name, else quoted ("85+", "0-17").
std::string yaml_key(std::string_view name) {
  const bool simple = !name.empty() &&
                      std::isalpha(static_cast<unsigned char>(name.front())) != 0 &&
                      std::all_of(name.begin(), name.end(), [](char c) {
                        return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_';
                      });
  return simple ? std::string(name) : quote_yaml(name);
}

std::string_view trim(std::string_view text) {
  const auto first = text.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(" \t");
  return text.substr(first, last - first + 1);
}

// ---------------------------------------------------------------------------------------------
// Numbers and dates

template <class Int>
std::optional<Int> parse_integer(std::string_view text) {
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  Int value{};
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc{} || end != text.data() + text.size()) {
    return std::nullopt;
  }
  return value;
}

/// Digits with an optional sign, however many.
bool is_integer_text(std::string_view text) {
  if (!text.empty() && (text.front() == '+' || text.front() == '-')) text.remove_prefix(1);
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
    return std::isdigit(static_cast<unsigned char>(c)) != 0;
  });
}

/// A finite decimal number (YAML's .inf and .nan are refused: no setting means them).
std::optional<double> parse_real(std::string_view text) {
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  if (text.empty() || !(std::isdigit(static_cast<unsigned char>(text.front())) ||
                        text.front() == '-' || text.front() == '.')) {
    return std::nullopt;  // from_chars would also take "inf" and "nan"
  }
  double value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc{} || end != text.data() + text.size() || !std::isfinite(value)) {
    return std::nullopt;
  }
  return value;
}

bool is_iso_date(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return false;
  for (const std::size_t i : {0U, 1U, 2U, 3U, 5U, 6U, 8U, 9U}) {
    if (!std::isdigit(static_cast<unsigned char>(text[i]))) return false;
  }
  const int year = *parse_integer<int>(text.substr(0, 4));
  const int month = *parse_integer<int>(text.substr(5, 2));
  const int day = *parse_integer<int>(text.substr(8, 2));
  if (year < 1 || month < 1 || month > 12 || day < 1) return false;
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  constexpr int kDaysInMonth[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const int days = kDaysInMonth[month - 1] + (month == 2 && leap ? 1 : 0);
  return day <= days;
}

std::string int_range_text(IntRange range) {
  if (range.hi == kNoIntLimit) return ">= " + std::to_string(range.lo);
  return "[" + std::to_string(range.lo) + ", " + std::to_string(range.hi) + "]";
}

std::string real_range_text(RealRange range) {
  if (range.hi == kNoRealLimit) {
    return (range.lo_open ? "> " : ">= ") + format_real(range.lo);
  }
  return (range.lo_open ? "(" : "[") + format_real(range.lo) + ", " + format_real(range.hi) +
         (range.hi_open ? ")" : "]");
}

bool in_range(double value, RealRange range) {
  const bool above_lo = range.lo_open ? value > range.lo : value >= range.lo;
  const bool below_hi = range.hi_open ? value < range.hi : value <= range.hi;
  return above_lo && below_hi;
}

std::string expected_int(IntRange range) {
  return range.hi == kNoIntLimit ? "an integer " + int_range_text(range)
                                 : "an integer in " + int_range_text(range);
}

std::string expected_real(RealRange range) {
  return range.hi == kNoRealLimit ? "a number " + real_range_text(range)
                                  : "a number in " + real_range_text(range);
}

std::string expected_text(TextForm form) {
  switch (form) {
    case TextForm::non_empty:
      return "a non-empty string";
    case TextForm::iso_date:
      return "a date yyyy-mm-dd";
    case TextForm::any:
      break;
  }
  return "a string";
}

constexpr std::string_view kU64Max = "18446744073709551615";

// ---------------------------------------------------------------------------------------------
// Key paths ("organisations[2].staff", "organisations.2.staff")

struct PathSegment {
  std::string name;
  bool bracketed = false;  // written as [n]
};

std::optional<std::vector<PathSegment>> split_key_path(std::string_view text) {
  std::vector<PathSegment> segments;
  std::size_t i = 0;
  while (i < text.size()) {
    if (text[i] == '[') {
      const auto close = text.find(']', i);
      if (segments.empty() || close == std::string_view::npos) return std::nullopt;
      const auto index = text.substr(i + 1, close - i - 1);
      if (!parse_integer<std::size_t>(index) || index.front() == '+') return std::nullopt;
      segments.push_back({std::string(index), true});
      i = close + 1;
    } else {
      if (!segments.empty()) {
        if (text[i] != '.') return std::nullopt;
        ++i;
      }
      const auto end = std::min(text.find_first_of(".[]", i), text.size());
      if (end == i) return std::nullopt;
      segments.push_back({std::string(text.substr(i, end - i)), false});
      i = end;
    }
  }
  if (segments.empty()) return std::nullopt;
  return segments;
}

std::string join_path(std::string_view base, std::string_view key) {
  if (base.empty()) return std::string(key);
  if (!key.empty() && key.front() == '[') return std::string(base) + std::string(key);
  return std::string(base) + "." + std::string(key);
}

std::string index_path(std::string_view base, std::size_t index) {
  return std::string(base) + "[" + std::to_string(index) + "]";
}

bool path_within(std::string_view path, std::string_view prefix) {
  if (!path.starts_with(prefix)) return false;
  return path.size() == prefix.size() || path[prefix.size()] == '.' || path[prefix.size()] == '[';
}

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

[[noreturn]] void raise(const Origin& origin, std::string_view path, const YAML::Mark& mark,
                        std::string_view message, std::string_view related_path = {}) {
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

/// The integer a plain scalar spells; nullopt for anything else, quoted "5" included.
template <class Int>
std::optional<Int> plain_integer(const YAML::Node& node) {
  if (!is_plain_scalar(node)) return std::nullopt;
  return parse_integer<Int>(node.Scalar());
}

/// What a node is, for "got ..." in messages.
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
};

template <class Struct>
std::vector<std::string_view> schema_keys() {
  KeyLister lister;
  Struct scratch{};
  visit(lister, scratch);
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

  template <class Enum, std::size_t N>
  void choice(std::string_view key, Enum& value, const std::array<const char*, N>& names,
              std::string_view, Need need = Need::optional) {
    const std::vector<std::string_view> spellings(names.begin(), names.end());
    const std::string expected = "one of {" + join_list(spellings) + "}";
    const auto entry = lookup(key, expected, need);
    if (!entry) return;
    const auto& node = entry->value;
    if (!node.IsScalar()) fail_value(key, *entry, expected);
    const std::string& text = node.Scalar();
    for (std::size_t i = 0; i < N; ++i) {
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

  template <std::size_t N>
  void table(std::string_view key, std::array<double, N>& values,
             const std::array<const char*, N>& names, RealRange range, std::string_view,
             std::string_view) {
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
    for (std::size_t i = 0; i < N; ++i) {
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

  template <class Enum, std::size_t N>
  void choices(std::string_view key, std::vector<Enum>& items,
               const std::array<const char*, N>& names, std::string_view) {
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

  /// Reads a struct from `node`, which must be a map with only the struct's keys.
  template <class Struct>
  static void read_struct(const Origin& origin, const YAML::Node& node, YAML::Mark mark,
                          const std::string& path, Struct& out) {
    if (!node.IsMap()) raise(origin, path, mark, "expected a map, got " + describe(node));
    check_keys(origin, node, path, schema_keys<Struct>());
    Reader reader(origin, node, mark, path);
    visit(reader, out);
  }

 private:
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

// ---------------------------------------------------------------------------------------------
// Overrides

[[noreturn]] void reject_override(const std::string& text, std::string_view message) {
  throw ScenarioError("--set " + text + ": " + std::string(message));
}

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

// ---------------------------------------------------------------------------------------------
// Writing YAML

class Writer {
 public:
  Writer(std::string& out, int indent, std::string first_line_prefix = {})
      : out_(out), indent_(indent), pending_prefix_(std::move(first_line_prefix)) {}

  void field(std::string_view key, std::string& value, TextForm, std::string_view, std::string_view,
             Need = Need::optional) {
    line(key, quote_yaml(value));
  }
  void field(std::string_view key, int& value, IntRange, std::string_view, std::string_view,
             Need = Need::optional) {
    line(key, std::to_string(value));
  }
  void field(std::string_view key, std::uint64_t& value, AnyUnsigned, std::string_view,
             std::string_view, Need = Need::optional) {
    line(key, std::to_string(value));
  }
  void field(std::string_view key, double& value, RealRange, std::string_view, std::string_view,
             Need = Need::optional) {
    line(key, format_real(value));
  }
  template <class Enum, std::size_t N>
  void choice(std::string_view key, Enum& value, const std::array<const char*, N>& names,
              std::string_view, Need = Need::optional) {
    line(key, names[static_cast<std::size_t>(value)]);
  }
  template <std::size_t N>
  void table(std::string_view key, std::array<double, N>& values,
             const std::array<const char*, N>& names, RealRange, std::string_view,
             std::string_view) {
    line(key, "");
    Writer inner(out_, indent_ + 2);
    for (std::size_t i = 0; i < N; ++i)
      inner.line(yaml_key(names[i]), format_real(values[i]));
  }
  template <class Struct>
  void section(std::string_view key, Struct& sub, std::string_view) {
    line(key, "");
    Writer inner(out_, indent_ + 2);
    visit(inner, sub);
  }
  template <class Struct>
  void list(std::string_view key, std::vector<Struct>& items, std::size_t, std::string_view,
            Need = Need::optional) {
    if (items.empty()) {
      line(key, "[]");
      return;
    }
    line(key, "");
    for (auto& item : items) {
      Writer inner(out_, indent_ + 4,
                   std::string(static_cast<std::size_t>(indent_ + 2), ' ') + "- ");
      visit(inner, item);
    }
  }
  void strings(std::string_view key, std::vector<std::string>& items, std::string_view) {
    std::string flow;
    for (const auto& item : items)
      flow += (flow.empty() ? "" : ", ") + quote_yaml(item);
    line(key, "[" + flow + "]");
  }
  void numbers(std::string_view key, std::vector<double>& items, RealRange, std::string_view,
               std::string_view) {
    std::string flow;
    for (const double item : items)
      flow += (flow.empty() ? "" : ", ") + format_real(item);
    line(key, "[" + flow + "]");
  }
  template <class Enum, std::size_t N>
  void choices(std::string_view key, std::vector<Enum>& items,
               const std::array<const char*, N>& names, std::string_view) {
    std::string flow;
    for (const Enum item : items)
      flow += (flow.empty() ? "" : ", ") + std::string(names[static_cast<std::size_t>(item)]);
    line(key, "[" + flow + "]");
  }
  template <class Rule>
  void check(std::string_view, std::string_view, Rule&&) {}

 private:
  void line(std::string_view key, std::string_view value) {
    if (pending_prefix_.empty()) {
      out_.append(static_cast<std::size_t>(indent_), ' ');
    } else {
      out_ += pending_prefix_;
      pending_prefix_.clear();
    }
    out_ += key;
    out_ += ':';
    if (!value.empty()) {
      out_ += ' ';
      out_ += value;
    }
    out_ += '\n';
  }

  std::string& out_;
  int indent_;
  std::string pending_prefix_;  // "  - " before the first key of a sequence entry
};

// ---------------------------------------------------------------------------------------------
// Markdown reference

struct DocRow {
  std::string key, type, default_value, unit, allowed, meaning;
};

struct DocTable {
  std::string path;  // key path of the section ("" for the top level)
  std::string title;
  std::string intro;
  std::vector<DocRow> rows;
  std::vector<std::string> rules;
};

std::string code(std::string_view text) {
  return "`" + std::string(text) + "`";
}

class Documenter {
 public:
  Documenter(std::vector<DocTable>& tables, std::size_t table, std::string prefix)
      : tables_(tables), table_(table), prefix_(std::move(prefix)) {}

  void field(std::string_view key, std::string& value, TextForm form, std::string_view unit,
             std::string_view meaning, Need need = Need::optional) {
    const char* type = form == TextForm::iso_date ? "date" : "string";
    const char* allowed = form == TextForm::iso_date    ? "valid date yyyy-mm-dd"
                          : form == TextForm::non_empty ? "non-empty"
                                                        : "any";
    row(key, type, shown(need, quote_yaml(value)), unit, allowed, meaning);
  }
  void field(std::string_view key, int& value, IntRange range, std::string_view unit,
             std::string_view meaning, Need need = Need::optional) {
    row(key, "integer", shown(need, std::to_string(value)), unit, int_range_text(range), meaning);
  }
  void field(std::string_view key, std::uint64_t& value, AnyUnsigned, std::string_view unit,
             std::string_view meaning, Need need = Need::optional) {
    row(key, "integer", shown(need, std::to_string(value)), unit, "[0, 2^64 - 1]", meaning);
  }
  void field(std::string_view key, double& value, RealRange range, std::string_view unit,
             std::string_view meaning, Need need = Need::optional) {
    row(key, "number", shown(need, format_real(value)), unit, real_range_text(range), meaning);
  }
  template <class Enum, std::size_t N>
  void choice(std::string_view key, Enum& value, const std::array<const char*, N>& names,
              std::string_view meaning, Need need = Need::optional) {
    std::string allowed;
    for (const char* name : names)
      allowed += (allowed.empty() ? "" : ", ") + code(name);
    row(key, "enum", shown(need, names[static_cast<std::size_t>(value)]), "", allowed, meaning);
  }
  template <std::size_t N>
  void table(std::string_view key, std::array<double, N>& values,
             const std::array<const char*, N>& names, RealRange range, std::string_view unit,
             std::string_view meaning) {
    for (std::size_t i = 0; i < N; ++i) {
      row(join_path(key, names[i]), "number", code(format_real(values[i])), unit,
          real_range_text(range), meaning);
    }
  }
  template <class Struct>
  void section(std::string_view key, Struct& sub, std::string_view meaning) {
    const std::string path = join_path(prefix_, key);
    tables_.push_back({path, code(path), std::string(meaning), {}, {}});
    Documenter inner(tables_, tables_.size() - 1, path);
    visit(inner, sub);
  }
  template <class Struct>
  void list(std::string_view key, std::vector<Struct>&, std::size_t min_items,
            std::string_view meaning, Need need = Need::optional) {
    const std::string path = join_path(prefix_, key);
    const std::string size = min_items == 0 ? std::string("any number of entries")
                                            : "at least " + std::to_string(min_items) +
                                                  (min_items == 1 ? " entry" : " entries");
    row(key, "sequence", shown(need, "[]"), "", size, "see " + code(path + "[]") + " below");
    tables_.push_back(
        {path,
         code(path + "[]"),
         std::string(meaning) + " A sequence of " + size + "; each entry is a map with these keys.",
         {},
         {}});
    Documenter inner(tables_, tables_.size() - 1, path + "[]");
    Struct item{};
    visit(inner, item);
  }
  void strings(std::string_view key, std::vector<std::string>&, std::string_view meaning) {
    row(key, "sequence of strings", code("[]"), "", "names", meaning);
  }
  void numbers(std::string_view key, std::vector<double>&, RealRange range, std::string_view unit,
               std::string_view meaning) {
    row(key, "sequence of numbers", code("[]"), unit, "each " + real_range_text(range), meaning);
  }
  template <class Enum, std::size_t N>
  void choices(std::string_view key, std::vector<Enum>&, const std::array<const char*, N>& names,
               std::string_view meaning) {
    std::string allowed;
    for (const char* name : names)
      allowed += (allowed.empty() ? "" : ", ") + code(name);
    row(key, "sequence of enums", code("[]"), "", allowed, meaning);
  }
  template <class Rule>
  void check(std::string_view anchor, std::string_view doc, Rule&&) {
    const std::string anchor_path = join_path(prefix_, anchor);
    for (auto& table : tables_) {
      if (table.path == anchor_path) {
        table.rules.emplace_back(doc);
        return;
      }
    }
    tables_[table_].rules.emplace_back(doc);
  }

 private:
  /// A default as shown in the table; required keys have none.
  static std::string shown(Need need, std::string_view default_value) {
    return need == Need::required ? "*required*" : code(default_value);
  }

  void row(std::string_view key, std::string_view type, std::string default_value,
           std::string_view unit, std::string allowed, std::string_view meaning) {
    tables_[table_].rows.push_back({code(join_path(prefix_, key)), std::string(type),
                                    std::move(default_value), std::string(unit), std::move(allowed),
                                    std::string(meaning)});
  }

  std::vector<DocTable>& tables_;
  std::size_t table_;
  std::string prefix_;
};

// ---------------------------------------------------------------------------------------------
// Key list (for interfaces that offer a key as a control: the studio's sliders)

class ControlLister {
 public:
  ControlLister(std::vector<ScenarioKey>& keys, std::string prefix)
      : keys_(keys), prefix_(std::move(prefix)) {}

  void field(std::string_view, std::string&, TextForm, std::string_view, std::string_view,
             Need = Need::optional) {}
  void field(std::string_view key, int& value, IntRange range, std::string_view unit,
             std::string_view meaning, Need = Need::optional) {
    add(key, ScenarioKey::Type::integer, static_cast<double>(value), static_cast<double>(range.lo),
        range.hi == kNoIntLimit ? kNoRealLimit : static_cast<double>(range.hi), unit, meaning);
  }
  void field(std::string_view, std::uint64_t&, AnyUnsigned, std::string_view, std::string_view,
             Need = Need::optional) {}
  void field(std::string_view key, double& value, RealRange range, std::string_view unit,
             std::string_view meaning, Need = Need::optional) {
    add(key, ScenarioKey::Type::number, value, range.lo, range.hi, unit, meaning);
  }
  template <class Enum, std::size_t N>
  void choice(std::string_view key, Enum& value, const std::array<const char*, N>& names,
              std::string_view meaning, Need = Need::optional) {
    add(key, ScenarioKey::Type::choice, static_cast<double>(value), 0.0, static_cast<double>(N - 1),
        "", meaning);
    keys_.back().choices.assign(names.begin(), names.end());
  }
  template <std::size_t N>
  void table(std::string_view key, std::array<double, N>& values,
             const std::array<const char*, N>& names, RealRange range, std::string_view unit,
             std::string_view meaning) {
    for (std::size_t i = 0; i < N; ++i)
      add(join_path(key, names[i]), ScenarioKey::Type::number, values[i], range.lo, range.hi, unit,
          meaning);
  }
  template <class Struct>
  void section(std::string_view key, Struct& sub, std::string_view) {
    ControlLister inner(keys_, join_path(prefix_, key));
    visit(inner, sub);
  }
  template <class Struct>
  void list(std::string_view, std::vector<Struct>&, std::size_t, std::string_view,
            Need = Need::optional) {}
  void strings(std::string_view, std::vector<std::string>&, std::string_view) {}
  void numbers(std::string_view, std::vector<double>&, RealRange, std::string_view,
               std::string_view) {}
  template <class Enum, std::size_t N>
  void choices(std::string_view, std::vector<Enum>&, const std::array<const char*, N>&,
               std::string_view) {}
  template <class Rule>
  void check(std::string_view, std::string_view, Rule&&) {}

 private:
  void add(std::string_view key, ScenarioKey::Type type, double value, double lo, double hi,
           std::string_view unit, std::string_view meaning) {
    keys_.push_back({join_path(prefix_, key),
                     type,
                     value,
                     lo,
                     hi,
                     std::string(unit),
                     std::string(meaning),
                     {}});
  }

  std::vector<ScenarioKey>& keys_;
  std::string prefix_;
};

std::string escape_cell(std::string_view text) {
  std::string out;
  for (const char c : text) {
    if (c == '|') out += '\\';
    out += c;
  }
  return out;
}

}  // namespace

std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates) {
  const std::vector<std::string_view> views(candidates.begin(), candidates.end());
  if (const auto suggestion = closest_match(word, views)) {
    return "; did you mean '" + std::string(*suggestion) + "'?";
  }
  return "";
}

}  // namespace detail

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
YAML::Node scenario_root(std::string_view yaml_text, const detail::Origin& origin, int depth) {
  using namespace detail;
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
void leave_out_interventions_after_a_shortened_run(YAML::Node& root, const detail::Origin& origin) {
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
  using namespace detail;
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

std::string to_yaml(const Scenario& scenario) {
  std::string out;
  Scenario copy = scenario;  // the visitors take mutable references, shared with the reader
  detail::Writer writer(out, 0);
  detail::visit(writer, copy);
  return out;
}

std::string scenario_reference_markdown() {
  using namespace detail;
  std::vector<DocTable> tables;
  tables.push_back(
      {"",
       "Top level",
       "Keys of the scenario file itself. A file may also start from another: `base: "
       "../leeds_small.yaml` (a path relative to the file) takes every key of that scenario, "
       "checked on its own first, and the file then gives only what differs: maps merge key by "
       "key, anything else (a number, a list such as `organisations`, `targets` or "
       "`interventions`) replaces the base's value. Bases may chain (at most 8).",
       {},
       {}});
  Scenario defaults;
  Documenter documenter(tables, 0, "");
  visit(documenter, defaults);

  std::string out;
  for (const auto& table : tables) {
    out += "## " + table.title + "\n\n" + table.intro + "\n\n";
    out += "| Key | Type | Default | Unit | Allowed | Meaning |\n";
    out += "|-----|------|---------|------|---------|---------|\n";
    for (const auto& row : table.rows) {
      out += "| " + escape_cell(row.key) + " | " + escape_cell(row.type) + " | " +
             escape_cell(row.default_value) + " | " + escape_cell(row.unit) + " | " +
             escape_cell(row.allowed) + " | " + escape_cell(row.meaning) + " |\n";
    }
    if (!table.rules.empty()) {
      out += "\nAlso checked:\n\n";
      for (const auto& rule : table.rules)
        out += "- " + rule + "\n";
    }
    out += "\n";
  }
  out.pop_back();  // one newline at the end, not two
  return out;
}

std::vector<ScenarioKey> scenario_keys(const Scenario& scenario) {
  std::vector<ScenarioKey> keys;
  Scenario copy = scenario;  // the visitors take mutable references
  detail::ControlLister lister(keys, "");
  detail::visit(lister, copy);
  return keys;
}

}  // namespace caresim
