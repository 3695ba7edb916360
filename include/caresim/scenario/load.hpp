#pragma once

#include <filesystem>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "caresim/scenario/scenario.hpp"

namespace caresim {

/// A scenario that cannot be used. what() is one line a user can act on, naming the source
/// (file or "--set"), the line and column where known, the key path and what was expected, e.g.
///   scenarios/x.yaml:12:5: ties.cross_org_strength: expected a number in [0, 1], got 1.5
class ScenarioError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Reads and checks a scenario file, then applies `overrides` ("key.path=value", as given to
/// --set) with the same checks. Throws ScenarioError on any problem; never returns half a
/// scenario.
Scenario load_scenario(const std::filesystem::path& file,
                       const std::vector<std::string>& overrides = {});

/// As load_scenario, from text; `source_name` names it in messages.
Scenario parse_scenario(std::string_view yaml_text, std::string_view source_name,
                        const std::vector<std::string>& overrides = {});

/// The scenario as complete YAML (every key, defaults included). Parsing it gives back an equal
/// scenario, so a run's provenance is enough to re-run it.
std::string to_yaml(const Scenario& scenario);

/// A scalar key of the schema with its range, as a control (a slider, a menu) offers it.
struct ScenarioKey {
  std::string path;  ///< e.g. "teaching.sandpile.side"
  enum class Type { integer, number, choice } type = Type::number;
  double value = 0.0;  ///< the scenario's value (a choice: the index into `choices`)
  double lo = 0.0;     ///< inclusive lower bound
  double hi = 0.0;     ///< inclusive upper bound; infinite when the schema sets none
  std::string unit;
  std::string meaning;
  std::vector<std::string> choices;  ///< spellings of a choice, in index order
};

/// Every integer, number and choice key of the schema outside lists (organisations and the like),
/// in schema order, with `scenario`'s values. Ranges come from the schema, so a control built
/// from them accepts exactly what load_scenario accepts.
std::vector<ScenarioKey> scenario_keys(const Scenario& scenario);

/// The integer, number and choice keys of one intervention kind's parameters (paths relative to
/// its section, e.g. "days"), at their defaults, with the ranges, units and meanings the loader
/// checks: a form for composing an intervention offers exactly these. Throws
/// std::invalid_argument for an unknown kind.
std::vector<ScenarioKey> intervention_keys(std::string_view kind);

/// Markdown reference of every key: path, type, default, unit, allowed range and meaning.
std::string scenario_reference_markdown();

}  // namespace caresim
