#pragma once

#include <memory>
#include <string_view>
#include <vector>

namespace caresim {

/// One named phase of a model's step, over the model's immutable description `ModelT` and its
/// mutable `StateT`. A phase reads the state as it was when the phase began and writes its
/// results either to slots it alone owns (one agent's or one edge's) or to staging areas merged
/// later in a fixed order; so its effect does not depend on the thread count. A model's step is
/// its ordered list of phases (e.g. care/phases.hpp).
template <class ModelT, class StateT>
class PhaseOf {
 public:
  virtual ~PhaseOf() = default;
  /// Stable snake_case name, shown in profiles and docs.
  virtual std::string_view name() const = 0;
  /// Runs the phase on the state's current step.
  virtual void run(const ModelT& model, StateT& state) const = 0;
};

/// A model's phases, in the order a step runs them.
template <class ModelT, class StateT>
using PhaseListOf = std::vector<std::unique_ptr<PhaseOf<ModelT, StateT>>>;

}  // namespace caresim
