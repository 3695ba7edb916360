// Online community (seed 004): the "Leading Leeds" Google+ site, a closed community for workshop
// participants. "In practice it was difficult to engage people": a couple of steps to get in, and
// people overwhelmed by email and social media. So: a joining friction, low engagement, weak ties.
#include "cohort.hpp"
#include "registry.hpp"

namespace caresim::detail {
namespace {

class OnlineCommunity final : public InterventionModule {
 public:
  InterventionKind kind() const override { return InterventionKind::online_community; }

  bool active(const InterventionSpec& spec, int day) const override {
    return day >= spec.day && day < spec.day + spec.online.days;
  }

  /// Invited: the named cohort, or everyone who has attended a workshop. Each invited person
  /// joins with probability join_probability, drawn once for the whole period (keyed by the
  /// start day). Each day each member is active with probability `activity`; an active member
  /// gains vision_gain x (1 - vision) from others' stories and, with probability
  /// connect_probability, ties to another member at random (a weak tie, new_tie_strength; an
  /// existing tie keeps the larger strength).
  void apply(const InterventionSpec& spec, const Model& model, State& state) const override {
    const OnlineSpec& o = spec.online;
    Staff& staff = state.staff;
    const std::uint64_t seed = model.scenario.run.seed;
    const std::size_t index = intervention_index(model, spec);
    std::vector<std::uint32_t> invited;
    if (spec.cohort_of.empty()) {
      for (std::uint32_t u = 0; u < staff.size(); ++u) {
        if (staff.workshops[u]) invited.push_back(u);
      }
    } else {
      invited = named_cohort(model, state, spec);
    }
    std::vector<std::uint32_t> members;
    const std::uint32_t joining = intervention_step(index, spec.day);
    for (std::uint32_t u : invited) {
      Stream rng(seed, purpose::intervention, joining, 0x4A000000u + staff.id[u]);
      if (rng.bernoulli(o.join_probability)) members.push_back(u);
    }
    if (members.empty()) return;
    const std::uint32_t today = intervention_step(index, state.day);
    const float vision = relational(o.vision_gain, state);
    const float strength = relational(o.new_tie_strength, state);
    for (std::uint32_t u : members) {
      Stream rng(seed, purpose::intervention, today, staff.id[u]);
      if (!rng.bernoulli(o.activity)) continue;
      staff.vision[u] += vision * (1.0f - staff.vision[u]);
      const bool connect = rng.bernoulli(o.connect_probability);
      const std::uint32_t v = members[rng.below(members.size())];
      if (connect && v != u) state.staged_ties.added.push_back({u, v, strength});
    }
  }
};

}  // namespace

std::unique_ptr<InterventionModule> make_online_community() {
  return std::make_unique<OnlineCommunity>();
}

}  // namespace caresim::detail
