#pragma once

#include <string_view>

#include "caresim/care/world.hpp"

namespace caresim {

/// One kind of scheduled intervention: a self-contained module registered by kind (one file each
/// under sim/care/interventions/). Modules are stateless; what they change lives in State.
class InterventionModule {
 public:
  virtual ~InterventionModule() = default;
  virtual InterventionKind kind() const = 0;
  /// Whether the intervention acts on run day `day` (default: only on its start day).
  virtual bool active(const InterventionSpec& spec, int day) const { return day == spec.day; }
  /// Acts on `state.day`. Structural changes to ties go to state.staged_ties.
  virtual void apply(const InterventionSpec& spec, const Model& model, State& state) const = 0;
};

/// The module for a kind. Every InterventionKind has one.
const InterventionModule& intervention_module(InterventionKind kind);

}  // namespace caresim
