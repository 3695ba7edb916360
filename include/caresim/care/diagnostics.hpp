#pragma once
// Diagnostics of emergence read from the care model's state (docs/teaching.md): order
// parameters and mindset-adoption cascades. Pure functions of the state; deterministic.

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "caresim/analysis/statistics.hpp"
#include "caresim/care/world.hpp"

namespace caresim::analysis {

/// The care model's order parameters at one moment.
struct CareOrderParameters {
  double system_minded_share = 0.0;       ///< staff holding the mindset / staff, 0..1
  double cross_org_strength_share = 0.0;  ///< strength of cross-organisation ties / all, 0..1
  /// Staff in the largest connected component of the cross-organisation ties alone (a person
  /// with no cross-organisation tie is a component of one), and that as a share of staff.
  std::uint64_t largest_cross_org_component = 0;
  double largest_cross_org_component_share = 0.0;
};
/// Computes the order parameters (one pass over staff, one union-find over the edge slots in
/// slot order).
CareOrderParameters care_order_parameters(const State& state);

/// The parent of each adoption in `adoptions` (the record State::adoptions, in order): the most
/// recent adoption, on an earlier day, by the influencer; -1 (a root) if there is no influencer
/// or the influencer's adoption is not in the record (they held the mindset from the start).
std::vector<std::int64_t> adoption_parents(std::span<const Adoption> adoptions);

/// Mindset-adoption cascades: sizes, durations, branching ratio, and the discrete power-law fit
/// of the sizes with the KS-chosen x_min (empty when fewer than `min_tail` cascades, or all of
/// one size).
struct AdoptionCascades {
  CascadeStats cascades;
  std::optional<PowerLawFit> size_fit;
};
AdoptionCascades adoption_cascades(std::span<const Adoption> adoptions, std::size_t min_tail = 10);

}  // namespace caresim::analysis
