#pragma once

#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "caresim/model/world.hpp"

namespace caresim {

/// One named phase of a step. A phase reads the state as it was when the phase began and writes
/// its results either to slots it alone owns (one agent's or one edge's) or to staging areas
/// merged later in a fixed order; so its effect does not depend on the thread count.
class Phase {
 public:
  virtual ~Phase() = default;
  /// Stable snake_case name, shown in profiles and docs.
  virtual std::string_view name() const = 0;
  /// Runs the phase for day `state.day`.
  virtual void run(const Model& model, State& state) const = 0;
};

using PhaseList = std::vector<std::unique_ptr<Phase>>;

/// The phases of the default model, in the order a step runs them:
///   citizen_demand  -> staff_contact -> tie_update -> tie_merge
PhaseList default_phases();

}  // namespace caresim
