#pragma once

#include <memory>
#include <string_view>
#include <vector>

#include "caresim/care/world.hpp"
#include "caresim/core/random.hpp"
#include "caresim/scenario/intervention.hpp"

namespace caresim {

/// One kind of scheduled intervention: a self-contained module, one file each under
/// sim/care/interventions/ (its parameters and their keys, its schedule, its effect, its docs,
/// its random-stream purposes), listed once in registry.cpp. Modules are stateless; what they
/// change lives in State.
class InterventionModule {
 public:
  virtual ~InterventionModule() = default;
  /// Its name, parameters and rules, as the scenario loader sees them.
  virtual const InterventionKindInfo& info() const = 0;
  /// Random-stream purposes it alone draws for (the shared purpose::intervention aside); every
  /// module's are checked distinct from each other and from the other modules' purposes
  /// (tests/core/purposes_test.cpp).
  virtual std::vector<Purpose> purposes() const { return {}; }
  /// Whether the intervention acts on run day `day` (default: only on its start day).
  virtual bool active(const InterventionSpec& spec, int day) const { return day == spec.day; }
  /// Acts on `state.day`. Structural changes to ties go to state.staged_ties.
  virtual void apply(const InterventionSpec& spec, const Model& model, State& state) const = 0;
  /// The staff time it took on run day `day`, one it is `active` on, as staff-days added to
  /// `staff_days` (one entry per organisation, charged to the organisation of the people who
  /// gave it). Called after the day's phases by the cost outputs (care/costs.hpp); it only reads,
  /// so it cannot change what the intervention does. Default: none (docs/model.md, "Costs and
  /// health outputs", lists which kinds are costed).
  virtual void staff_time(const InterventionSpec& spec, const Model& model, const State& state,
                          int day, std::vector<double>& staff_days) const {
    (void)spec, (void)model, (void)state, (void)day, (void)staff_days;
  }
};

/// The module of the kind called `kind`; throws std::invalid_argument if none is registered.
const InterventionModule& intervention_module(std::string_view kind);

/// Every registered module, in the order the key reference lists them.
std::vector<const InterventionModule*> intervention_modules();

/// Registers one more kind (beside the built-in ones in registry.cpp), e.g. a test's; call it
/// before any scenario naming the kind is read, from one thread. Throws std::logic_error if its
/// name or section key is taken.
void register_intervention_kind(std::unique_ptr<InterventionModule> module);
/// Removes a kind registered so (a test's, when it is done); the same conditions.
void unregister_intervention_kind(std::string_view kind);

}  // namespace caresim
