// Leaders' congruence (seed 004): the Partnership Executive Group was asked not to direct the
// work but to ensure congruence between what leaders ask of their teams and the work, to role-model
// it, and to meet participants after the workshops. Leaders are represented collectively, by one
// signed congruence level for the city's chief executives (-1..1).
#include "cohort.hpp"
#include "registry.hpp"

namespace caresim::detail {
namespace {

/// Parameters (`leaders_congruence:` under the intervention; docs/model.md).
struct LeadersSpec {
  double congruence = 0.5;           ///< -1..1
  double gain_effect = 0.5;          ///< later relational gains x (1 + this x congruence)
  double decay_effect = 0.5;         ///< participants' vision decay x (1 - this x congruence)
  double pressure_effect = 0.5;      ///< pressure's pull x (1 + this x max(0, -congruence))
  double meeting_probability = 0.5;  ///< a participant meets their leader afterwards
  double meeting_vision_gain = 0.1;  ///< a meeting moves vision by this x congruence

  bool operator==(const LeadersSpec&) const = default;
};

template <class V>
void visit(V& v, LeadersSpec& l) {
  v.field("congruence", l.congruence, RealRange{-1.0, 1.0}, "-1..1",
          "leaders role-model the work (> 0) or demand their own targets above all (< 0)");
  v.field("gain_effect", l.gain_effect, kProbability, "factor",
          "later relational interventions' gains are multiplied by (1 + this x congruence)");
  v.field("decay_effect", l.decay_effect, kProbability, "factor",
          "workshop participants' vision decays (1 - this x congruence) times as fast");
  v.field("pressure_effect", l.pressure_effect, kNonNegative, "factor",
          "target pressure's pull on effort is multiplied by (1 + this x max(0, -congruence))");
  v.field("meeting_probability", l.meeting_probability, kProbability, "fraction",
          "chance a participant meets their leader after the workshops");
  v.field("meeting_vision_gain", l.meeting_vision_gain, kProbability, "fraction",
          "a meeting moves vision by this x congruence (towards 1, or towards 0 if negative)");
}

const InterventionKindInfo kInfo{
    .name = "leaders_congruence",
    .section = "leaders_congruence",
    .doc =
        "Leaders' congruence (seed 004): chief executives role-model the work (congruence > 0) or "
        "demand their own targets above all (congruence < 0).",
    .make_params = [] { return KindParams::of<LeadersSpec>(); },
};

class LeadersCongruence final : public InterventionModule {
 public:
  const InterventionKindInfo& info() const override { return kInfo; }

  /// From its day on (until another leaders_congruence): later relational interventions' gains
  /// are multiplied by g = max(0, 1 + gain_effect c); workshop participants' vision decays
  /// (1 - decay_effect c) times as fast; target pressure's pull on effort is multiplied by
  /// 1 + pressure_effect max(0, -c). Each participant (of the named cohort, or of any workshop)
  /// meets their leader with probability meeting_probability; a meeting moves vision by
  /// meeting_vision_gain c, towards 1 if c > 0 and towards 0 if c < 0.
  void apply(const InterventionSpec& spec, const Model& model, State& state) const override {
    const LeadersSpec& l = spec.params.as<LeadersSpec>();
    const double c = l.congruence;
    state.relational_gain = std::max(0.0, 1.0 + l.gain_effect * c);
    state.participant_vision_decay = 1.0 - l.decay_effect * c;
    state.pressure_pull = 1.0 + l.pressure_effect * std::max(0.0, -c);
    Staff& staff = state.staff;
    std::vector<std::uint32_t> people;
    if (spec.cohort_of.empty()) {
      for (std::uint32_t u = 0; u < staff.size(); ++u) {
        if (staff.workshops[u]) people.push_back(u);
      }
    } else {
      people = named_cohort(model, state, spec);
    }
    const std::uint32_t step = intervention_step(intervention_index(model, spec), state.day);
    const auto move = static_cast<float>(l.meeting_vision_gain * c);
    for (std::uint32_t u : people) {
      Stream rng(model.scenario.run.seed, purpose::intervention, step, staff.id[u]);
      if (!rng.bernoulli(l.meeting_probability)) continue;
      float& v = staff.vision[u];
      v += move * (move > 0.0f ? 1.0f - v : v);
    }
  }
};

}  // namespace

std::unique_ptr<InterventionModule> make_leaders_congruence() {
  return std::make_unique<LeadersCongruence>();
}

}  // namespace caresim::detail
