// Leaders' congruence (seed 004): the Partnership Executive Group was asked not to direct the
// work but to ensure congruence between what leaders ask of their teams and the work, to role-model
// it ("both collectively and individually"), and to meet participants after the workshops. Here
// the leaders are agents: each targeted organisation's leadership group (its senior leaders) takes
// a stance, which their staff see through their ties (the leadership phase, partners.cpp).
#include "cohort.hpp"
#include "registry.hpp"

namespace caresim::detail {
namespace {

/// Parameters (`leaders_congruence:` under the intervention; docs/model.md).
struct LeadersSpec {
  double congruence = 0.5;           ///< stance of the leaders who act, -1..1
  double share = 1.0;                ///< share of the targeted leadership groups' members who act
  double gain_effect = 0.5;          ///< later relational gains x (1 + this x collective stance)
  double decay_effect = 0.5;         ///< participants' vision decay x (1 - this x collective)
  double pressure_effect = 0.5;      ///< silo pull x (1 + this x max(0, -L)) for each person
  double effort_weight = 0.5;        ///< system-share logit + this x L for each person
  double resistance_effect = 0.1;    ///< resistance to the mindset - this x L for each person
  double meeting_probability = 0.5;  ///< a participant meets one of their leaders afterwards
  double meeting_vision_gain = 0.1;  ///< a meeting moves vision by this x the leader's stance
  double meeting_tie_strength = 0.3;  ///< a meeting with a backing leader ties them

  bool operator==(const LeadersSpec&) const = default;
};

template <class V>
void visit(V& v, LeadersSpec& l) {
  v.field("congruence", l.congruence, RealRange{-1.0, 1.0}, "-1..1",
          "stance of the leaders who act: back and model system work (> 0) or block it and "
          "demand their own targets above all (< 0)");
  v.field("share", l.share, kProbability, "fraction",
          "share of the targeted organisations' senior leaders who act (drawn per leader)");
  v.field("gain_effect", l.gain_effect, kProbability, "factor",
          "later relational interventions' gains are multiplied by (1 + this x the leadership "
          "groups' collective stance)");
  v.field("decay_effect", l.decay_effect, kProbability, "factor",
          "workshop participants' vision decays (1 - this x collective stance) times as fast");
  v.field("pressure_effect", l.pressure_effect, kNonNegative, "factor",
          "target pressure's pull on a person's effort is multiplied by (1 + this x max(0, -L)), "
          "L the stance of the leaders they see");
  v.field("effort_weight", l.effort_weight, kNonNegative, "logit per unit",
          "pull of the leaders a person sees (L) on their system share");
  v.field("resistance_effect", l.resistance_effect, kProbability, "0..1 per unit",
          "leaders a person sees lower (L > 0) or raise (L < 0) their resistance to the mindset "
          "by this x L");
  v.field("meeting_probability", l.meeting_probability, kProbability, "fraction",
          "chance a participant meets one of their organisation's acting leaders afterwards");
  v.field("meeting_vision_gain", l.meeting_vision_gain, kProbability, "fraction",
          "a meeting moves vision by this x the leader's stance (towards 1, or towards 0 if "
          "negative)");
  v.field("meeting_tie_strength", l.meeting_tie_strength, kProbability, "0..1",
          "a meeting with a backing leader ties them at this strength (an existing tie gains "
          "this x (1 - w))");
}

const InterventionKindInfo kLeadersCongruenceInfo{
    .name = "leaders_congruence",
    .section = "leaders_congruence",
    .doc =
        "Leaders' congruence (seed 004): the senior leaders of the targeted organisations (all "
        "if none named) back and model system work (congruence > 0) or block it (< 0); their "
        "staff see it through their ties.",
    .make_params = [] { return KindParams::of<LeadersSpec>(); },
};

class LeadersCongruence final : public InterventionModule {
 public:
  const InterventionKindInfo& info() const override { return kLeadersCongruenceInfo; }

  /// From its day on (until another leaders_congruence changes the same leaders): each senior
  /// leader of a targeted organisation acts with probability `share` (drawn per leader), taking
  /// the stance c; the others of those groups turn neutral. The leadership phase shows each
  /// person their leaders' stance L through their ties; staff_effort and mindset read it with
  /// the weights set here. The leadership groups' collective stance c_bar (staff-weighted mean
  /// over organisations of their leaders' mean stance) scales the gains of later relational
  /// interventions, g = max(0, 1 + gain_effect c_bar), and workshop participants' vision decay,
  /// 1 - decay_effect c_bar. Each participant (of the named cohort, or of any workshop) meets
  /// one of their own organisation's acting leaders with probability meeting_probability: vision
  /// moves by meeting_vision_gain x stance, and a backing leader and the participant are tied.
  void apply(const InterventionSpec& spec, const Model& model, State& state) const override {
    const LeadersSpec& l = spec.params.as<LeadersSpec>();
    Staff& staff = state.staff;
    const std::uint32_t step = intervention_step(intervention_index(model, spec), state.day);
    const std::vector<std::uint8_t> targeted = targeted_organisations(spec, model);
    const Organisations& orgs = model.organisations;
    for (std::uint32_t o = 0; o < orgs.size(); ++o) {
      if (!targeted[o]) continue;
      for (std::uint32_t u : model.leadership_group[o]) {
        // Keyed apart from the same person's meeting draw below.
        Stream rng(model.scenario.run.seed, purpose::intervention, step, staff.id[u] ^ 0x80000000u);
        state.leader_stance[u] = rng.bernoulli(l.share) ? static_cast<float>(l.congruence) : 0.0f;
        state.leader_stance_id[u] = staff.id[u];
      }
    }
    const auto stance = [&](std::uint32_t u) {
      return state.leader_stance_id[u] == staff.id[u] ? static_cast<double>(state.leader_stance[u])
                                                      : 0.0;
    };
    double collective = 0.0, weight = 0.0;
    state.leaders_acting = false;
    for (std::uint32_t o = 0; o < orgs.size(); ++o) {
      const auto& group = model.leadership_group[o];
      if (group.empty()) continue;
      double sum = 0.0;
      for (std::uint32_t u : group) {
        sum += stance(u);
        if (stance(u) != 0.0) state.leaders_acting = true;
      }
      collective += orgs.staff_count[o] * sum / static_cast<double>(group.size());
      weight += orgs.staff_count[o];
    }
    collective = weight > 0 ? collective / weight : 0.0;
    state.relational_gain = std::max(0.0, 1.0 + l.gain_effect * collective);
    state.participant_vision_decay = 1.0 - l.decay_effect * collective;
    state.leader_effects = {l.effort_weight, l.resistance_effect, l.pressure_effect};
    if (!state.leaders_acting) std::fill(state.leader_signal.begin(), state.leader_signal.end(), 0.0f);

    std::vector<std::uint32_t> people;
    if (spec.cohort_of.empty()) {
      for (std::uint32_t u = 0; u < staff.size(); ++u) {
        if (staff.workshops[u]) people.push_back(u);
      }
    } else {
      people = named_cohort(model, state, spec);
    }
    std::vector<std::uint32_t> acting;
    for (std::uint32_t u : people) {
      Stream rng(model.scenario.run.seed, purpose::intervention, step, staff.id[u]);
      if (!rng.bernoulli(l.meeting_probability)) continue;
      acting.clear();
      for (std::uint32_t j : model.leadership_group[staff.org[u]]) {
        if (j != u && stance(j) != 0.0) acting.push_back(j);
      }
      if (acting.empty()) continue;
      const std::uint32_t leader = acting[rng.below(acting.size())];
      const auto move = static_cast<float>(l.meeting_vision_gain * stance(leader));
      float& v = staff.vision[u];
      v += move * (move > 0.0f ? 1.0f - v : v);
      if (stance(leader) > 0.0) {
        // The conversation is relational work: tie_up scales it by the collective gain.
        tie_up(state, u, leader, l.meeting_tie_strength, l.meeting_tie_strength);
      }
    }
  }
};

}  // namespace

std::unique_ptr<InterventionModule> make_leaders_congruence() {
  return std::make_unique<LeadersCongruence>();
}

}  // namespace caresim::detail
