// Shared-purpose campaign: connecting people to a meaningful common aim, for a while.
#include "registry.hpp"

namespace caresim::detail {
namespace {

class SharedPurposeCampaign final : public InterventionModule {
 public:
  InterventionKind kind() const override { return InterventionKind::shared_purpose_campaign; }

  bool active(const InterventionSpec& spec, int day) const override {
    return day >= spec.day && day < spec.day + spec.campaign.days;
  }

  /// Each staff member is reached or not once for the whole campaign (keyed by the start day);
  /// those reached gain vision_gain_per_day x (1 - vision) every campaign day.
  void apply(const InterventionSpec& spec, const Model& model, State& state) const override {
    const CampaignSpec& c = spec.campaign;
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
