// Online community (seed 004): the "Leading Leeds" Google+ site, a closed community for workshop
// participants. "In practice it was difficult to engage people": a couple of steps to get in, and
// people overwhelmed by email and social media. So: a joining friction, low engagement, weak ties.
#include "cohort.hpp"
#include "registry.hpp"

namespace caresim::detail {
namespace {

/// Parameters (`online_community:` under the intervention; docs/model.md).
struct OnlineSpec {
  int days = 365;
  double join_probability = 0.15;    ///< per invited person
  double activity = 0.03;            ///< chance a member is active on a day
  double connect_probability = 0.2;  ///< an active member ties to another member
  double new_tie_strength = 0.1;     ///< weak ties
  double vision_gain = 0.01;         ///< an active member's vision gain, times (1 - vision)

  bool operator==(const OnlineSpec&) const = default;
};

template <class V>
void visit(V& v, OnlineSpec& o) {
  v.field("days", o.days, kAtLeastOne, "days", "how long the site is kept going");
  v.field("join_probability", o.join_probability, kProbability, "fraction",
          "chance an invited person gets through the steps to join");
  v.field("activity", o.activity, kProbability, "per day", "chance a member is active on a day");
  v.field("connect_probability", o.connect_probability, kProbability, "fraction",
          "chance an active member ties to another member at random");
  v.field("new_tie_strength", o.new_tie_strength, RealRange{0.0, 1.0, true}, "0..1",
          "strength of such a (weak) tie");
  v.field("vision_gain", o.vision_gain, kProbability, "fraction",
          "vision an active member gains from others' stories, times (1 - vision)");
}

const InterventionKindInfo kOnlineCommunityInfo{
    .name = "online_community",
    .section = "online_community",
    .doc =
        "An online community (the Leading Leeds Google+ site, seed 004): hard to join, little "
        "used.",
    .make_params = [] { return KindParams::of<OnlineSpec>(); },
};

class OnlineCommunity final : public InterventionModule {
 public:
  const InterventionKindInfo& info() const override { return kOnlineCommunityInfo; }

  bool active(const InterventionSpec& spec, int day) const override {
    return day >= spec.day && day < spec.day + spec.params.as<OnlineSpec>().days;
  }

  /// Invited: the named cohort, or everyone who has attended a workshop. Each invited person
  /// joins with probability join_probability, drawn once for the whole period (keyed by the
  /// start day). Each day each member is active with probability `activity`; an active member
  /// gains vision_gain x (1 - vision) from others' stories and, with probability
  /// connect_probability, ties to another member at random (a weak tie, new_tie_strength; an
  /// existing tie keeps the larger strength).
  void apply(const InterventionSpec& spec, const Model& model, State& state) const override {
    const OnlineSpec& o = spec.params.as<OnlineSpec>();
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
