// Flu campaign (seed 004, case study 2): a system-wide partnership campaign "targeting priority
// groups and low uptake areas", whose reach depends on public health, GPs, community health and
// the third sector working together.
#include "../care_detail.hpp"
#include "registry.hpp"

namespace caresim::detail {
namespace {

/// Parameters (`flu_campaign:` under the intervention; docs/model.md).
struct FluCampaignSpec {
  int days = 120;
  int episodes_per_day = 1;           ///< extra outreach episodes per neighbourhood per day
  int priority_episodes_per_day = 3;  ///< in each priority neighbourhood instead
  double uptake_gain = 0.1;  ///< vaccination-rate multiplier gained at full outreach success

  bool operator==(const FluCampaignSpec&) const = default;
};

template <class V>
void visit(V& v, FluCampaignSpec& f) {
  v.field("days", f.days, kAtLeastOne, "days", "how long the campaign runs");
  v.field("episodes_per_day", f.episodes_per_day, IntRange{0, 100}, "episodes per day",
          "extra outreach episodes (public health, GPs, community, third sector) per "
          "neighbourhood per day");
  v.field("priority_episodes_per_day", f.priority_episodes_per_day, IntRange{0, 100},
          "episodes per day", "extra outreach episodes per priority neighbourhood per day");
  v.field("uptake_gain", f.uptake_gain, kNonNegative, "factor",
          "vaccination-rate multiplier gained at full success of the day's outreach: rate x (1 + "
          "gain x successes / episodes)");
}

/// Random-stream purpose of its draws (unique across the modules: tests/core/purposes_test.cpp).
constexpr Purpose kFluDraws{3002};

const InterventionKindInfo kFluCampaignInfo{
    .name = "flu_campaign",
    .section = "flu_campaign",
    .doc =
        "A system-wide flu-vaccination outreach campaign (seed 004, case study 2): extra outreach "
        "episodes through the coordination mechanism; uptake rises where they succeed.",
    .make_params = [] { return KindParams::of<FluCampaignSpec>(); },
};

/// The partners of the campaign's outreach episodes, in turn: who asks, who answers.
constexpr std::array<std::pair<OrgKind, OrgKind>, 3> kPartners = {{
    {OrgKind::public_health, OrgKind::gp_practice},
    {OrgKind::community, OrgKind::gp_practice},
    {OrgKind::third_sector, OrgKind::public_health},
}};

class FluCampaign final : public InterventionModule {
 public:
  const InterventionKindInfo& info() const override { return kFluCampaignInfo; }
  std::vector<Purpose> purposes() const override { return {kFluDraws}; }

  bool active(const InterventionSpec& spec, int day) const override {
    return day >= spec.day && day < spec.day + spec.params.as<FluCampaignSpec>().days;
  }

  /// Each campaign day, each neighbourhood gets episodes_per_day (priority neighbourhoods
  /// priority_episodes_per_day) extra outreach episodes through the coordination mechanism, the
  /// k-th between the k-th pair of partners in turn, in the neighbourhood's locality. Their
  /// outcomes feed back on ties and trust like any episode; the share that succeeded raises the
  /// neighbourhood's vaccination rate today by the factor 1 + uptake_gain x share.
  void apply(const InterventionSpec& spec, const Model& model, State& state) const override {
    const FluCampaignSpec& f = spec.params.as<FluCampaignSpec>();
    const Neighbourhoods& nb = model.neighbourhoods;
    const auto outreach = static_cast<std::size_t>(Episode::outreach);
    for (std::uint32_t n = 0; n < nb.size(); ++n) {
      const int episodes = nb.priority[n] ? f.priority_episodes_per_day : f.episodes_per_day;
      Stream rng(model.scenario.run.seed, kFluDraws, static_cast<std::uint32_t>(state.day), n);
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
