// Resource shift to the priority neighbourhoods (seed 004, Open Space on the six priority
// neighbourhoods: "Shift resource to these priority areas").
#include "registry.hpp"

namespace caresim::detail {
namespace {

/// Kinds whose system work is shifted when the intervention names none: community health,
/// public health and the third sector (the seed's community matrons, public health and "links
/// with Third Sector").
constexpr std::array<OrgKind, 3> kDefaultKinds = {OrgKind::community, OrgKind::public_health,
                                                  OrgKind::third_sector};

class ResourceShift final : public InterventionModule {
 public:
  InterventionKind kind() const override { return InterventionKind::resource_shift; }

  bool active(const InterventionSpec& spec, int day) const override {
    return day >= spec.day && day < spec.day + spec.resource_shift.days;
  }

  /// Sets the day's lever: `share` of the targeted kinds' system work in localities without a
  /// priority neighbourhood goes to the priority localities (the capacity phase moves it,
  /// conserving the total). Shifts of several interventions add up, to at most all of it.
  void apply(const InterventionSpec& spec, const Model&, State& state) const override {
    const auto add = [&](OrgKind k) {
      double& shift = state.levers.priority_shift[static_cast<std::size_t>(k)];
      shift = std::min(1.0, shift + spec.resource_shift.share);
    };
    if (spec.org_kinds.empty()) {
      for (OrgKind k : kDefaultKinds)
        add(k);
    } else {
      for (OrgKind k : spec.org_kinds)
        add(k);
    }
  }
};

}  // namespace

std::unique_ptr<InterventionModule> make_resource_shift() {
  return std::make_unique<ResourceShift>();
}

}  // namespace caresim::detail
