// Flu campaign (seed 004, case study 2): a system-wide partnership campaign "targeting priority
// groups and low uptake areas", whose reach depends on public health, GPs, community health and
// the third sector working together.
#include "../care_detail.hpp"
#include "registry.hpp"

namespace caresim::detail {
namespace {

/// The partners of the campaign's outreach episodes, in turn: who asks, who answers.
constexpr std::array<std::pair<OrgKind, OrgKind>, 3> kPartners = {{
    {OrgKind::public_health, OrgKind::gp_practice},
    {OrgKind::community, OrgKind::gp_practice},
    {OrgKind::third_sector, OrgKind::public_health},
}};

class FluCampaign final : public InterventionModule {
 public:
  InterventionKind kind() const override { return InterventionKind::flu_campaign; }

  bool active(const InterventionSpec& spec, int day) const override {
    return day >= spec.day && day < spec.day + spec.flu_campaign.days;
  }

  /// Each campaign day, each neighbourhood gets episodes_per_day (priority neighbourhoods
  /// priority_episodes_per_day) extra outreach episodes through the coordination mechanism, the
  /// k-th between the k-th pair of partners in turn, in the neighbourhood's locality. Their
  /// outcomes feed back on ties and trust like any episode; the share that succeeded raises the
  /// neighbourhood's vaccination rate today by the factor 1 + uptake_gain x share.
  void apply(const InterventionSpec& spec, const Model& model, State& state) const override {
    const FluCampaignSpec& f = spec.flu_campaign;
    const Neighbourhoods& nb = model.neighbourhoods;
    const auto outreach = static_cast<std::size_t>(Episode::outreach);
    for (std::uint32_t n = 0; n < nb.size(); ++n) {
      const int episodes = nb.priority[n] ? f.priority_episodes_per_day : f.episodes_per_day;
      Stream rng(model.scenario.run.seed, purpose::flu_campaign,
                 static_cast<std::uint32_t>(state.day), n);
      const std::uint64_t tried = state.today.episodes[outreach];
      const std::uint64_t worked = state.today.episode_successes[outreach];
      for (int k = 0; k < episodes; ++k) {
        const auto& [from, to] = kPartners[static_cast<std::size_t>(k) % kPartners.size()];
        attempt_coordination(model, state, Episode::outreach, from, to, nb.pcn[n], rng);
      }
      const std::uint64_t attempts = state.today.episodes[outreach] - tried;
      const std::uint64_t successes = state.today.episode_successes[outreach] - worked;
      if (attempts > 0) {
        state.levers.flu_outreach_gain[n] +=
            f.uptake_gain * static_cast<double>(successes) / static_cast<double>(attempts);
      }
    }
  }
};

}  // namespace

std::unique_ptr<InterventionModule> make_flu_campaign() {
  return std::make_unique<FluCampaign>();
}

}  // namespace caresim::detail
