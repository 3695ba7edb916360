// Resource shift to the priority neighbourhoods (seed 004, Open Space on the six priority
// neighbourhoods: "Shift resource to these priority areas").
#include "registry.hpp"

namespace caresim::detail {
namespace {

/// Parameters (`resource_shift:` under the intervention; docs/model.md).
struct ResourceShiftSpec {
  int days = 365;
  double share = 0.2;  ///< of the targeted kinds' system work outside the priority localities

  bool operator==(const ResourceShiftSpec&) const = default;
};

template <class V>
void visit(V& v, ResourceShiftSpec& r) {
  v.field("days", r.days, kAtLeastOne, "days", "how long the shift lasts");
  v.field("share", r.share, kProbability, "fraction",
          "share of the targeted kinds' system work (prevention, community capacity) in localities "
          "without priority neighbourhoods that goes to the priority localities instead");
}

const InterventionKindInfo kResourceShiftInfo{
    .name = "resource_shift",
    .section = "resource_shift",
    .doc =
        "A shift of system work (prevention, community capacity) from the other localities to "
        "those of the priority neighbourhoods, for a while. Conserves the total.",
    .make_params = [] { return KindParams::of<ResourceShiftSpec>(); },
};

/// Kinds whose system work is shifted when the intervention names none: community health,
/// public health and the third sector (the seed's community matrons, public health and "links
/// with Third Sector").
constexpr std::array<OrgKind, 3> kDefaultKinds = {OrgKind::community, OrgKind::public_health,
                                                  OrgKind::third_sector};

class ResourceShift final : public InterventionModule {
 public:
  const InterventionKindInfo& info() const override { return kResourceShiftInfo; }

  bool active(const InterventionSpec& spec, int day) const override {
    return day >= spec.day && day < spec.day + spec.params.as<ResourceShiftSpec>().days;
  }

  /// Sets the day's lever: `share` of the targeted kinds' system work in localities without a
  /// priority neighbourhood goes to the priority localities (the capacity phase moves it,
  /// conserving the total). Shifts of several interventions add up, to at most all of it.
  void apply(const InterventionSpec& spec, const Model&, State& state) const override {
    const auto add = [&](OrgKind k) {
      double& shift = state.levers.priority_shift[static_cast<std::size_t>(k)];
      shift = std::min(1.0, shift + spec.params.as<ResourceShiftSpec>().share);
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
