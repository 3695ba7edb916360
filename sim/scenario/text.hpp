#pragma once
// Private to the scenario loader: text helpers shared by the reader, the --set overrides, the
// YAML writer and the Markdown reference (sim/scenario/text.cpp).

#include <charconv>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "schema.hpp"

namespace caresim::detail::loading {

// Text

/// Optimal-string-alignment distance: Levenshtein plus swaps of two adjacent characters.
std::size_t edit_distance(std::string_view a, std::string_view b);
/// The candidate closest to `word`, if close enough to be a likely typo (ties: the earlier).
std::optional<std::string_view> closest_match(std::string_view word,
                                              const std::vector<std::string_view>& candidates);
std::string join_list(const std::vector<std::string_view>& items);
/// `text` made safe for a one-line message: control characters escaped, long text cut.
std::string one_line(std::string_view text, std::size_t max_shown = 60);
/// A YAML double-quoted scalar holding exactly `text`.
std::string quote_yaml(std::string_view text);
/// A map key as written: bare if it is a simple name, else quoted ("85+", "0-17").
std::string yaml_key(std::string_view name);
std::string_view trim(std::string_view text);

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
bool is_integer_text(std::string_view text);
/// A finite decimal number (YAML's .inf and .nan are refused: no setting means them).
std::optional<double> parse_real(std::string_view text);
bool is_iso_date(std::string_view text);
std::string int_range_text(IntRange range);
std::string real_range_text(RealRange range);
bool in_range(double value, RealRange range);
std::string expected_int(IntRange range);
std::string expected_real(RealRange range);
std::string expected_text(TextForm form);

inline constexpr std::string_view kU64Max = "18446744073709551615";

// Key paths ("organisations[2].staff", "organisations.2.staff")

struct PathSegment {
  std::string name;
  bool bracketed = false;  // written as [n]
};

std::optional<std::vector<PathSegment>> split_key_path(std::string_view text);
std::string join_path(std::string_view base, std::string_view key);
std::string index_path(std::string_view base, std::size_t index);
/// Whether `path` is `prefix` or a key below it.
bool path_within(std::string_view path, std::string_view prefix);

}  // namespace caresim::detail::loading
