// The schema's scalar keys with their ranges, as controls (the studio's sliders and menus) offer
// them: one more visitor over the schema, so a control accepts exactly what the loader accepts.
#include <stdexcept>
#include <string>
#include <vector>

#include "caresim/scenario/load.hpp"
#include "schema.hpp"
#include "text.hpp"

namespace caresim {
namespace detail::loading {
namespace {

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
  template <class Enum>
  void choice(std::string_view key, Enum& value, Names names, std::string_view meaning,
              Need = Need::optional) {
    add(key, ScenarioKey::Type::choice, static_cast<double>(value), 0.0,
        static_cast<double>(names.size() - 1), "", meaning);
    keys_.back().choices.assign(names.begin(), names.end());
  }
  void table(std::string_view key, std::span<double> values, Names names, RealRange range,
             std::string_view unit, std::string_view meaning) {
    for (std::size_t i = 0; i < values.size(); ++i)
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
  template <class Enum>
  void choices(std::string_view, std::vector<Enum>&, Names, std::string_view) {}
  template <class Rule>
  void check(std::string_view, std::string_view, Rule&&) {}
  // Interventions are lists; their parameters are not offered as controls.
  void kind_sections(InterventionSpec&, const InterventionKinds&) {}

 private:
  void add(std::string_view key, ScenarioKey::Type type, double value, double lo, double hi,
           std::string_view unit, std::string_view meaning) {
    keys_.push_back({join_path(prefix_, key), type, value, lo, hi, std::string(unit),
                     std::string(meaning), {}});
  }

  std::vector<ScenarioKey>& keys_;
  std::string prefix_;
};

}  // namespace
}  // namespace detail::loading

std::vector<ScenarioKey> scenario_keys(const Scenario& scenario) {
  using namespace detail;
  using namespace detail::loading;
  std::vector<ScenarioKey> keys;
  Scenario copy = scenario;  // the visitors take mutable references
  ControlLister lister(keys, "");
  visit(lister, copy);
  return keys;
}

std::vector<ScenarioKey> intervention_keys(std::string_view kind) {
  using namespace detail;
  using namespace detail::loading;
  const InterventionKindInfo* info = intervention_kinds().find(kind);
  if (info == nullptr)
    throw std::invalid_argument("no intervention kind '" + std::string(kind) + "'");
  std::vector<ScenarioKey> keys;
  KindParams params = info->make_params();
  ControlLister lister(keys, "");
  KeyVisitorFor<ControlLister> visitor(lister);
  params.visit_keys(visitor);
  return keys;
}

}  // namespace caresim
