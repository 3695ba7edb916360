// Coaching and peer-support network (seed 000: "provide access to peer review, peer learning
// communities and coaching"; seed 001: "having a coaching and support network"): staff paired
// with a coach or peer partner in another organisation, meeting for a while.
#include "registry.hpp"

namespace caresim::detail {
namespace {

/// Step of the pairing draws: set apart from the day-numbered session draws.
constexpr std::uint32_t kPairing = 0x80000000u;

class Coaching final : public InterventionModule {
 public:
  InterventionKind kind() const override { return InterventionKind::coaching; }

  bool active(const InterventionSpec& spec, int day) const override {
    return day >= spec.day && day < spec.day + spec.coaching.days;
  }

  /// Each person in a targeted organisation is in the programme with probability `share`, paired
  /// with someone drawn uniformly from the other organisations (both fixed for the programme:
  /// keyed by the start day and the person's id, so a new hire in the post is drawn afresh).
  /// Each programme day a pair meets with probability sessions_per_month / 30; a session raises
  /// the coachee's efficacy by efficacy_gain x (1 - efficacy) and energy by energy_gain x
  /// (1 - energy), and strengthens the pair's tie by strengthen x (1 - w), or forms it.
  void apply(const InterventionSpec& spec, const Model& model, State& state) const override {
    const CoachingSpec& c = spec.coaching;
    const std::vector<std::uint8_t> targeted = targeted_organisations(spec, model);
    Staff& staff = state.staff;
    auto strengths = state.ties.strengths();
    const std::uint64_t seed = model.scenario.run.seed;
    const double rate = c.sessions_per_month / 30.0;
    const auto n = staff.size();
    for (std::uint32_t u = 0; u < n; ++u) {
      if (!targeted[staff.org[u]]) continue;
      Stream pairing(seed, purpose::coaching, kPairing | static_cast<std::uint32_t>(spec.day),
                     staff.id[u]);
      if (!pairing.bernoulli(c.share)) continue;
      std::uint32_t partner = kNone;
      for (int attempt = 0; attempt < 16 && partner == kNone; ++attempt) {
        const auto v = static_cast<std::uint32_t>(pairing.below(n));
        if (staff.org[v] != staff.org[u]) partner = v;
      }
      if (partner == kNone) continue;
      Stream session(seed, purpose::coaching, static_cast<std::uint32_t>(state.day), staff.id[u]);
      if (!session.bernoulli(rate)) continue;
      staff.efficacy[u] += static_cast<float>(c.efficacy_gain) * (1.0f - staff.efficacy[u]);
      staff.energy[u] += static_cast<float>(c.energy_gain) * (1.0f - staff.energy[u]);
      const std::uint32_t edge = state.ties.find(u, partner);
      if (edge != kNone) {
        strengths[edge] += static_cast<float>(c.strengthen) * (1.0f - strengths[edge]);
      } else {
        state.staged_ties.added.push_back({u, partner, static_cast<float>(c.new_tie_strength)});
      }
    }
  }
};

}  // namespace

std::unique_ptr<InterventionModule> make_coaching() {
  return std::make_unique<Coaching>();
}

}  // namespace caresim::detail
