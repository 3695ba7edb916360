#pragma once

#include "caresim/care/world.hpp"
#include "caresim/core/random.hpp"

namespace caresim {

/// Attempts a cross-organisation episode in `locality`: a member of `from` kind's staff there asks
/// the colleague of `to` kind they are most strongly tied to (or, if none, someone there).
/// Success has probability logistic(base + tie_weight w + trust_weight mean trust +
/// joint_work_weight joint work - bias_weight mean bias). The outcome is appended to
/// state.coordination for the coordination phase to apply. Serial use only.
bool attempt_coordination(const Model& model, State& state, Episode episode, OrgKind from,
                          OrgKind to, std::uint32_t locality, Stream& rng);

}  // namespace caresim
