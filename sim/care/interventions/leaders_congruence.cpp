// Leaders' congruence (seed 004): the Partnership Executive Group was asked not to direct the
// work but to ensure congruence between what leaders ask of their teams and the work, to role-model
// it, and to meet participants after the workshops. Leaders are represented collectively, by one
// signed congruence level for the city's chief executives (-1..1).
#include "cohort.hpp"
#include "registry.hpp"

namespace caresim::detail {
namespace {

class LeadersCongruence final : public InterventionModule {
 public:
  InterventionKind kind() const override { return InterventionKind::leaders_congruence; }

  /// From its day on (until another leaders_congruence): later relational interventions' gains
  /// are multiplied by g = max(0, 1 + gain_effect c); workshop participants' vision decays
  /// (1 - decay_effect c) times as fast; target pressure's pull on effort is multiplied by
  /// 1 + pressure_effect max(0, -c). Each participant (of the named cohort, or of any workshop)
  /// meets their leader with probability meeting_probability; a meeting moves vision by
  /// meeting_vision_gain c, towards 1 if c > 0 and towards 0 if c < 0.
  void apply(const InterventionSpec& spec, const Model& model, State& state) const override {
    const LeadersSpec& l = spec.leaders;
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
