// Interventions as the scenario holds them: the kind registry's lookups, and setting one kind's
// parameters by key in code.
#include "caresim/scenario/intervention.hpp"

#include <algorithm>
#include <cmath>
#include <optional>
#include <variant>

namespace caresim {
namespace {

using detail::AnyUnsigned;
using detail::IntRange;
using detail::Names;
using detail::Need;
using detail::RealRange;
using detail::TextForm;

/// Finds one key among a kind's parameters and sets it from a number, a text or a list of names,
/// or reads it as a number.
class KeyAccess final : public detail::KeyVisitor {
 public:
  using Value = std::variant<std::monostate, double, std::string, std::vector<std::string>>;
  KeyAccess(std::string_view key, Value value) : key_(key), value_(std::move(value)) {}

  void field(std::string_view key, std::string& value, TextForm, std::string_view, std::string_view,
             Need) override {
    if (key != key_) return;
    found_ = true;
    if (const auto* text = std::get_if<std::string>(&value_))
      value = *text;
    else if (!reading())
      wrong("a string");
  }
  void field(std::string_view key, int& value, IntRange range, std::string_view, std::string_view,
             Need) override {
    if (key != key_) return;
    found_ = true;
    read_ = value;
    if (reading()) return;
    const auto* number = std::get_if<double>(&value_);
    if (!number || *number != std::floor(*number) || *number < static_cast<double>(range.lo) ||
        *number > static_cast<double>(range.hi)) {
      wrong("an integer in [" + std::to_string(range.lo) + ", " + std::to_string(range.hi) + "]");
    }
    value = static_cast<int>(*number);
  }
  void field(std::string_view key, std::uint64_t& value, AnyUnsigned, std::string_view,
             std::string_view, Need) override {
    if (key != key_) return;
    found_ = true;
    read_ = static_cast<double>(value);
    if (reading()) return;
    const auto* number = std::get_if<double>(&value_);
    if (!number || *number < 0 || *number != std::floor(*number)) wrong("an unsigned integer");
    value = static_cast<std::uint64_t>(*number);
  }
  void field(std::string_view key, double& value, RealRange range, std::string_view,
             std::string_view, Need) override {
    if (key != key_) return;
    found_ = true;
    read_ = value;
    if (reading()) return;
    const auto* number = std::get_if<double>(&value_);
    const bool fits = number && (range.lo_open ? *number > range.lo : *number >= range.lo) &&
                      (range.hi_open ? *number < range.hi : *number <= range.hi);
    if (!fits) wrong("a number in its range");
    value = *number;
  }
  void strings(std::string_view key, std::vector<std::string>& items, std::string_view) override {
    if (key != key_) return;
    found_ = true;
    if (const auto* names = std::get_if<std::vector<std::string>>(&value_))
      items = *names;
    else if (!reading())
      wrong("a list of names");
  }
  void choice_index(std::string_view key, std::size_t& index, Names names, std::string_view,
                    Need) override {
    if (key != key_) return;
    found_ = true;
    if (reading()) return;
    const auto* text = std::get_if<std::string>(&value_);
    if (!text) wrong("the name of a value");
    index = index_of(*text, names);
  }
  void choices_index(std::string_view key, std::vector<std::size_t>& items, Names names,
                     std::string_view) override {
    if (key != key_) return;
    found_ = true;
    if (reading()) return;
    const auto* list = std::get_if<std::vector<std::string>>(&value_);
    if (!list) wrong("a list of names");
    items.clear();
    for (const std::string& text : *list)
      items.push_back(index_of(text, names));
  }
  void table_values(std::string_view key, std::span<double>, Names, RealRange, std::string_view,
                    std::string_view) override {
    if (key != key_) return;
    found_ = true;
    if (!reading()) wrong("no table (set a table's entries in YAML)");
  }
  void check_rule(std::string_view, std::string_view,
                  const std::function<void(const detail::Fail&)>&) override {}

  void done() const {
    if (!found_) throw std::invalid_argument("no parameter '" + std::string(key_) + "'");
  }
  std::optional<double> read() const { return read_; }

 private:
  bool reading() const { return std::holds_alternative<std::monostate>(value_); }
  [[noreturn]] void wrong(const std::string& expected) const {
    throw std::invalid_argument("parameter '" + std::string(key_) + "': expected " + expected);
  }
  std::size_t index_of(const std::string& text, Names names) const {
    const auto it = std::find(names.begin(), names.end(), std::string_view(text));
    if (it == names.end()) wrong("one of its names, not '" + text + "'");
    return static_cast<std::size_t>(it - names.begin());
  }

  std::string_view key_;
  Value value_;
  bool found_ = false;
  std::optional<double> read_;
};

void set_key(KindParams& params, std::string_view key, KeyAccess::Value value) {
  KeyAccess access(key, std::move(value));
  params.visit_keys(access);
  access.done();
}

}  // namespace

void KindParams::set(std::string_view key, double value) {
  set_key(*this, key, value);
}
void KindParams::set(std::string_view key, std::string_view text) {
  set_key(*this, key, std::string(text));
}
void KindParams::set(std::string_view key, const std::vector<std::string>& names) {
  set_key(*this, key, names);
}

double KindParams::number(std::string_view key) const {
  KeyAccess access(key, std::monostate{});
  KindParams copy = *this;  // visiting takes mutable references; reading changes nothing
  copy.visit_keys(access);
  access.done();
  if (!access.read())
    throw std::invalid_argument("parameter '" + std::string(key) + "' is not a number");
  return *access.read();
}

void InterventionKinds::add(const InterventionKindInfo& info) {
  static constexpr std::string_view kShared[] = {"kind",      "day",           "name",
                                                 "cohort_of", "organisations", "org_kinds"};
  const std::string_view section = info.section;
  if (std::find(std::begin(kShared), std::end(kShared), section) != std::end(kShared)) {
    throw std::logic_error("intervention kind '" + std::string(info.name) + "': its section key '" +
                           std::string(section) + "' is a key every intervention has");
  }
  for (const InterventionKindInfo* other : kinds_) {
    if (std::string_view(other->name) == info.name || std::string_view(other->section) == section) {
      throw std::logic_error("intervention kind '" + std::string(info.name) +
                             "': name or section key already used by kind '" + other->name + "'");
    }
  }
  if (info.make_params == nullptr) {
    throw std::logic_error("intervention kind '" + std::string(info.name) +
                           "' makes no parameters");
  }
  kinds_.push_back(&info);
  names_.push_back(info.name);
}

void InterventionKinds::remove(std::string_view name) {
  const std::size_t i = index_of(name);
  if (i == kinds_.size()) return;
  kinds_.erase(kinds_.begin() + static_cast<std::ptrdiff_t>(i));
  names_.erase(names_.begin() + static_cast<std::ptrdiff_t>(i));
}

const InterventionKindInfo* InterventionKinds::find(std::string_view name) const {
  const std::size_t i = index_of(name);
  return i < kinds_.size() ? kinds_[i] : nullptr;
}

std::size_t InterventionKinds::index_of(std::string_view name) const {
  for (std::size_t i = 0; i < kinds_.size(); ++i) {
    if (name == kinds_[i]->name) return i;
  }
  return kinds_.size();
}

InterventionSpec InterventionSpec::of(std::string_view kind, int day) {
  InterventionSpec spec;
  spec.set_kind(kind);
  spec.day = day;
  return spec;
}

void InterventionSpec::set_kind(std::string_view kind_name) {
  const InterventionKindInfo* info = intervention_kinds().find(kind_name);
  if (info == nullptr) {
    throw std::invalid_argument("no intervention kind '" + std::string(kind_name) + "'");
  }
  kind = info->name;
  params = info->make_params();
}

bool forms_cohort(const InterventionSpec& spec) {
  const InterventionKindInfo* info = intervention_kinds().find(spec.kind);
  return info != nullptr && info->forms_cohort != nullptr && info->forms_cohort(spec);
}

}  // namespace caresim
