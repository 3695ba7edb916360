// Text helpers of the scenario loader: typo suggestions, quoting, numbers, dates, ranges and key
// paths.
#include "text.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>

namespace caresim::detail {

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

std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates) {
  const std::vector<std::string_view> views(candidates.begin(), candidates.end());
  if (const auto suggestion = loading::closest_match(word, views)) {
    return "; did you mean '" + std::string(*suggestion) + "'?";
  }
  return "";
}

namespace loading {

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
std::string one_line(std::string_view text, std::size_t max_shown) {
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

// ---------------------------------------------------------------------------------------------
// Key paths ("organisations[2].staff", "organisations.2.staff")

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

}  // namespace loading
}  // namespace caresim::detail
