// Acts of courage (seed 004): at the end of day one people named an act of courage, "moving
// towards people or issues that had been avoided". Over a period, each committed person contacts
// someone in another organisation they had avoided; it may go well or not.
#include <cmath>

#include "cohort.hpp"
#include "registry.hpp"

namespace caresim::detail {
namespace {

/// Parameters (`acts_of_courage:` under the intervention; docs/model.md).
struct CourageSpec {
  int days = 90;
  double share_acting = 0.7;         ///< share of the committed who act within `days`
  double success_probability = 0.6;  ///< at efficacy 0.5
  double efficacy_effect = 0.6;      ///< success probability gained per unit of efficacy
  double new_tie_strength = 0.3;     ///< success with someone not tied
  double strengthen = 0.3;           ///< success with a tie: w gains this x (1 - w)
  double bias_reduction = 0.2;       ///< success: both lose this x bias
  double bias_gain = 0.05;           ///< failure: the actor gains this x (1 - bias)
  double efficacy_gain = 0.1;        ///< success: the actor gains this x (1 - efficacy)

  bool operator==(const CourageSpec&) const = default;
};

template <class V>
void visit(V& v, CourageSpec& c) {
  v.field("days", c.days, kAtLeastOne, "days", "period over which the acts are carried out");
  v.field("share_acting", c.share_acting, RealRange{0.0, 1.0, false, true}, "fraction",
          "share of the committed who act within `days` (sets a constant daily hazard)");
  v.field("success_probability", c.success_probability, kProbability, "fraction",
          "chance the contact goes well, at efficacy 0.5");
  v.field("efficacy_effect", c.efficacy_effect, kNonNegative, "per unit",
          "the chance rises by this per unit of the actor's efficacy above 0.5");
  v.field("new_tie_strength", c.new_tie_strength, RealRange{0.0, 1.0, true}, "0..1",
          "strength of the tie a success forms with someone not yet tied");
  v.field("strengthen", c.strengthen, kProbability, "fraction",
          "a success strengthens an existing tie by this times (1 - w)");
  v.field("bias_reduction", c.bias_reduction, kProbability, "fraction",
          "on success, both lose this times their out-group bias");
  v.field("bias_gain", c.bias_gain, kProbability, "fraction",
          "on failure, the actor gains this times (1 - bias)");
  v.field("efficacy_gain", c.efficacy_gain, kProbability, "fraction",
          "on success, the actor gains this times (1 - efficacy)");
}

const InterventionKindInfo kActsOfCourageInfo{
    .name = "acts_of_courage",
    .section = "acts_of_courage",
    .doc =
        "Acts of courage (seed 004): committed people contact someone in another organisation whom "
        "they had avoided, over a period.",
    .make_params = [] { return KindParams::of<CourageSpec>(); },
};

class ActsOfCourage final : public InterventionModule {
 public:
  const InterventionKindInfo& info() const override { return kActsOfCourageInfo; }

  bool active(const InterventionSpec& spec, int day) const override {
    return day >= spec.day && day < spec.day + spec.params.as<CourageSpec>().days;
  }

  /// Each day, each committed person who has not yet acted does so with the constant hazard
  /// h = 1 - (1 - share_acting)^(1/days). They contact their weakest tie in another organisation
  /// (someone they know but avoid) or, with none, someone in another organisation in their
  /// locality. Success, with probability clamp(p + e (efficacy - 0.5), 0, 1), forms or
  /// strengthens the tie, lowers both people's out-group bias and raises the actor's efficacy;
  /// failure raises the actor's bias a little.
  void apply(const InterventionSpec& spec, const Model& model, State& state) const override {
    const CourageSpec& c = spec.params.as<CourageSpec>();
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
