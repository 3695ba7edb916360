#pragma once

#include "caresim/care/world.hpp"
#include "caresim/engine/phase.hpp"

namespace caresim {

/// A phase of the care model's day.
using Phase = PhaseOf<Model, State>;
using PhaseList = PhaseListOf<Model, State>;

/// The care model's phases, in the order a day runs them (sixteen; docs/model.md 2 lists them
/// with what each reads and writes).
PhaseList default_phases();

}  // namespace caresim
