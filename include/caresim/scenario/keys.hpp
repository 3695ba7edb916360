#pragma once
// The vocabulary of the scenario schema (sim/scenario/schema.hpp): what a key accepts, and an
// abstract visitor over keys for parameter structs the scenario module does not know.
//
// The loader's visitors (reader, YAML writer, Markdown reference, key lister) are templates that
// the schema's `visit` functions call directly. An intervention kind's parameters, though, are
// declared in the kind's own file in the care model (sim/care/interventions/), which the scenario
// module must not include; the scenario holds them type-erased (KindParams). Their `visit` is
// called with a KeyVisitor, and KeyVisitorFor<V> turns each template visitor V into one, so every
// kind's keys are read, written and documented by the same code as every other key, with the same
// messages.

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace caresim::detail {

/// Whether a key must be given.
enum class Need : std::uint8_t { optional, required };

/// What a string field accepts.
enum class TextForm : std::uint8_t { any, non_empty, iso_date };

/// Any unsigned 64-bit integer.
struct AnyUnsigned {};

/// Inclusive integer bounds; `hi == kNoIntLimit` means no upper bound (beyond fitting an int).
struct IntRange {
  std::int64_t lo;
  std::int64_t hi;
};
inline constexpr std::int64_t kNoIntLimit = std::numeric_limits<int>::max();

/// Real bounds, each closed unless marked open; `hi` infinite means no upper bound.
struct RealRange {
  double lo;
  double hi;
  bool lo_open = false;
  bool hi_open = false;
};
inline constexpr double kNoRealLimit = std::numeric_limits<double>::infinity();

inline constexpr IntRange kAtLeastOne{1, kNoIntLimit};
inline constexpr RealRange kUnitInterval{0.0, 1.0};             // probabilities, strengths
inline constexpr RealRange kRetention{0.0, 1.0, true, false};   // (0, 1]
inline constexpr RealRange kNonNegative{0.0, kNoRealLimit};     // rates, means
inline constexpr RealRange kPositive{0.0, kNoRealLimit, true};  // multipliers
inline constexpr RealRange kProbability{0.0, 1.0};
inline constexpr RealRange kAnyNumber{-kNoRealLimit, kNoRealLimit};
inline constexpr RealRange kPositiveDays{0.0, 36500.0, true};

/// "; did you mean 'x'?" for the candidate closest to `word` if it is a likely typo, else "".
std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates);

/// Names of an enum's values, indexed by value.
using Names = std::span<const char* const>;

/// How a cross-key rule reports a problem: fail(path, related_path, expected, got), paths
/// relative to the struct visited (the related path is the other key compared with).
using Fail =
    std::function<void(std::string_view, std::string_view, std::string_view, std::string_view)>;

/// A visitor over keys, as a virtual interface. The template members give it the same spelling as
/// the loader's template visitors, so a kind's `visit(V&, Params&)` reads like the rest of the
/// schema.
class KeyVisitor {
 public:
  virtual ~KeyVisitor() = default;

  virtual void field(std::string_view key, std::string& value, TextForm form, std::string_view unit,
                     std::string_view meaning, Need need = Need::optional) = 0;
  virtual void field(std::string_view key, int& value, IntRange range, std::string_view unit,
                     std::string_view meaning, Need need = Need::optional) = 0;
  virtual void field(std::string_view key, std::uint64_t& value, AnyUnsigned, std::string_view unit,
                     std::string_view meaning, Need need = Need::optional) = 0;
  virtual void field(std::string_view key, double& value, RealRange range, std::string_view unit,
                     std::string_view meaning, Need need = Need::optional) = 0;
  virtual void strings(std::string_view key, std::vector<std::string>& items,
                       std::string_view meaning) = 0;

  /// An enum spelled by `names`, as its index.
  virtual void choice_index(std::string_view key, std::size_t& index, Names names,
                            std::string_view meaning, Need need) = 0;
  /// A sequence of enums spelled by `names`, as indices.
  virtual void choices_index(std::string_view key, std::vector<std::size_t>& items, Names names,
                             std::string_view meaning) = 0;
  /// A map from the fixed `names` to numbers.
  virtual void table_values(std::string_view key, std::span<double> values, Names names,
                            RealRange range, std::string_view unit, std::string_view meaning) = 0;
  /// A rule across keys; `rule(fail)` calls fail(...) for each problem it finds.
  virtual void check_rule(std::string_view anchor, std::string_view doc,
                          const std::function<void(const Fail&)>& rule) = 0;

  template <class Enum>
  void choice(std::string_view key, Enum& value, Names names, std::string_view meaning,
              Need need = Need::optional) {
    auto index = static_cast<std::size_t>(value);
    choice_index(key, index, names, meaning, need);
    value = static_cast<Enum>(index);
  }
  template <class Enum>
  void choices(std::string_view key, std::vector<Enum>& items, Names names,
               std::string_view meaning) {
    std::vector<std::size_t> indices;
    for (const Enum item : items)
      indices.push_back(static_cast<std::size_t>(item));
    choices_index(key, indices, names, meaning);
    items.clear();
    for (const std::size_t index : indices)
      items.push_back(static_cast<Enum>(index));
  }
  template <std::size_t N>
  void table(std::string_view key, std::array<double, N>& values,
             const std::array<const char*, N>& names, RealRange range, std::string_view unit,
             std::string_view meaning) {
    table_values(key, values, names, range, unit, meaning);
  }
  template <class Rule>
  void check(std::string_view anchor, std::string_view doc, Rule&& rule) {
    check_rule(anchor, doc, [&](const Fail& fail) { rule(fail); });
  }
};

/// A template visitor V seen as a KeyVisitor.
template <class V>
class KeyVisitorFor final : public KeyVisitor {
 public:
  explicit KeyVisitorFor(V& v) : v_(v) {}

  void field(std::string_view key, std::string& value, TextForm form, std::string_view unit,
             std::string_view meaning, Need need) override {
    v_.field(key, value, form, unit, meaning, need);
  }
  void field(std::string_view key, int& value, IntRange range, std::string_view unit,
             std::string_view meaning, Need need) override {
    v_.field(key, value, range, unit, meaning, need);
  }
  void field(std::string_view key, std::uint64_t& value, AnyUnsigned any, std::string_view unit,
             std::string_view meaning, Need need) override {
    v_.field(key, value, any, unit, meaning, need);
  }
  void field(std::string_view key, double& value, RealRange range, std::string_view unit,
             std::string_view meaning, Need need) override {
    v_.field(key, value, range, unit, meaning, need);
  }
  void strings(std::string_view key, std::vector<std::string>& items,
               std::string_view meaning) override {
    v_.strings(key, items, meaning);
  }
  void choice_index(std::string_view key, std::size_t& index, Names names, std::string_view meaning,
                    Need need) override {
    v_.choice(key, index, names, meaning, need);
  }
  void choices_index(std::string_view key, std::vector<std::size_t>& items, Names names,
                     std::string_view meaning) override {
    v_.choices(key, items, names, meaning);
  }
  void table_values(std::string_view key, std::span<double> values, Names names, RealRange range,
                    std::string_view unit, std::string_view meaning) override {
    v_.table(key, values, names, range, unit, meaning);
  }
  void check_rule(std::string_view anchor, std::string_view doc,
                  const std::function<void(const Fail&)>& rule) override {
    v_.check(anchor, doc, [&](auto&& fail) {
      rule([&](std::string_view path, std::string_view related, std::string_view expected,
               std::string_view got) { fail(path, related, expected, got); });
    });
  }

 private:
  V& v_;
};

}  // namespace caresim::detail
