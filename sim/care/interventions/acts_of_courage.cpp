// Acts of courage (seed 004): at the end of day one people named an act of courage, "moving
// towards people or issues that had been avoided". Over a period, each committed person contacts
// someone in another organisation they had avoided; it may go well or not.
#include <cmath>

#include "cohort.hpp"
#include "registry.hpp"

namespace caresim::detail {
namespace {

class ActsOfCourage final : public InterventionModule {
 public:
  InterventionKind kind() const override { return InterventionKind::acts_of_courage; }

  bool active(const InterventionSpec& spec, int day) const override {
    return day >= spec.day && day < spec.day + spec.courage.days;
  }

  /// Each day, each committed person who has not yet acted does so with the constant hazard
  /// h = 1 - (1 - share_acting)^(1/days). They contact their weakest tie in another organisation
  /// (someone they know but avoid) or, with none, someone in another organisation in their
  /// locality. Success, with probability clamp(p + e (efficacy - 0.5), 0, 1), forms or
  /// strengthens the tie, lowers both people's out-group bias and raises the actor's efficacy;
  /// failure raises the actor's bias a little.
  void apply(const InterventionSpec& spec, const Model& model, State& state) const override {
    const CourageSpec& c = spec.courage;
    Staff& staff = state.staff;
    std::vector<std::uint32_t> people;
    if (spec.cohort_of.empty()) {
      people.resize(staff.size());
      for (std::uint32_t u = 0; u < staff.size(); ++u)
        people[u] = u;
    } else {
      people = named_cohort(model, state, spec);
    }
    const double hazard = 1.0 - std::pow(1.0 - c.share_acting, 1.0 / c.days);
    const std::uint32_t step = intervention_step(intervention_index(model, spec), state.day);
    const float bias_reduction = relational(c.bias_reduction, state);
    const float efficacy_gain = relational(c.efficacy_gain, state);
    for (std::uint32_t u : people) {
      if (staff.committed[u] != 1) continue;
      Stream rng(model.scenario.run.seed, purpose::intervention, step, staff.id[u]);
      if (!rng.bernoulli(hazard)) continue;
      staff.committed[u] = 2;  // carried out
      const double p = std::clamp(
          c.success_probability + c.efficacy_effect * (staff.efficacy[u] - 0.5), 0.0, 1.0);
      const bool success = rng.bernoulli(p);
      const std::uint32_t v = avoided(model, state, u, rng);
      if (v == kNone) continue;
      if (success) {
        tie_up(state, u, v, c.strengthen, c.new_tie_strength);
        staff.bias[u] -= bias_reduction * staff.bias[u];
        staff.bias[v] -= bias_reduction * staff.bias[v];
        staff.efficacy[u] += efficacy_gain * (1.0f - staff.efficacy[u]);
      } else {
        staff.bias[u] += static_cast<float>(c.bias_gain) * (1.0f - staff.bias[u]);
      }
    }
  }

 private:
  /// u's weakest tie to another organisation, or else someone of another organisation working
  /// in u's locality (up to 8 tries), or kNone.
  static std::uint32_t avoided(const Model& model, const State& state, std::uint32_t u,
                               Stream& rng) {
    std::uint32_t weakest = kNone;
    float w = 2.0f;
    for (std::uint32_t e : state.ties.edges_of(u)) {
      if (state.ties.cross_org(e) && state.ties.strength(e) < w) {
        w = state.ties.strength(e);
        weakest = state.ties.other(e, u);
      }
    }
    const auto& local = model.staff_in_locality[state.staff.locality[u]];
    std::uint32_t stranger = kNone;
    for (int tries = 0; tries < 8 && stranger == kNone && !local.empty(); ++tries) {
      const std::uint32_t v = local[rng.below(local.size())];
      if (state.staff.org[v] != state.staff.org[u]) stranger = v;
    }
    return weakest != kNone ? weakest : stranger;
  }
};

}  // namespace

std::unique_ptr<InterventionModule> make_acts_of_courage() {
  return std::make_unique<ActsOfCourage>();
}

}  // namespace caresim::detail
