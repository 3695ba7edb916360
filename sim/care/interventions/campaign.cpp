// Shared-purpose campaign: connecting people to a meaningful common aim, for a while.
#include "registry.hpp"

namespace caresim::detail {
namespace {

/// Parameters (`campaign:` under the intervention; docs/model.md).
struct CampaignSpec {
  int days = 90;
  double reach = 0.5;  ///< share of staff reached
  double vision_gain_per_day = 0.004;

  bool operator==(const CampaignSpec&) const = default;
};

template <class V>
void visit(V& v, CampaignSpec& c) {
  v.field("days", c.days, kAtLeastOne, "days", "how long the campaign runs");
  v.field("reach", c.reach, kProbability, "fraction", "share of staff it reaches");
  v.field("vision_gain_per_day", c.vision_gain_per_day, kProbability, "per day",
          "vision gained each day by those reached, times (1 - vision)");
}

const InterventionKindInfo kCampaignInfo{
    .name = "shared_purpose_campaign",
    .section = "campaign",
    .doc = "A shared-purpose campaign: vision rises among the staff it reaches, for a while.",
    .make_params = [] { return KindParams::of<CampaignSpec>(); },
};

class SharedPurposeCampaign final : public InterventionModule {
 public:
  const InterventionKindInfo& info() const override { return kCampaignInfo; }

  bool active(const InterventionSpec& spec, int day) const override {
    return day >= spec.day && day < spec.day + spec.params.as<CampaignSpec>().days;
  }

  /// Each staff member is reached or not once for the whole campaign (keyed by the start day);
  /// those reached gain vision_gain_per_day x (1 - vision) every campaign day.
  void apply(const InterventionSpec& spec, const Model& model, State& state) const override {
    const CampaignSpec& c = spec.params.as<CampaignSpec>();
    Staff& staff = state.staff;
    const auto gain = static_cast<float>(c.vision_gain_per_day);
    for (std::uint32_t u = 0; u < staff.size(); ++u) {
      Stream rng(model.scenario.run.seed, purpose::intervention,
                 static_cast<std::uint32_t>(spec.day), staff.id[u]);
      if (rng.bernoulli(c.reach)) staff.vision[u] += gain * (1.0f - staff.vision[u]);
    }
  }
};

}  // namespace

std::unique_ptr<InterventionModule> make_shared_purpose_campaign() {
  return std::make_unique<SharedPurposeCampaign>();
}

}  // namespace caresim::detail
