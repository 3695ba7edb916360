// Coaching and peer-support network (seed 000: "provide access to peer review, peer learning
// communities and coaching"; seed 001: "having a coaching and support network"): staff paired
// with a coach or peer partner in another organisation, meeting for a while.
#include "registry.hpp"

namespace caresim::detail {
namespace {

/// Parameters (`coaching:` under the intervention; docs/model.md).
struct CoachingSpec {
  int days = 180;                 ///< how long the pairs meet
  double share = 0.1;             ///< share of targeted staff paired
  double sessions_per_month = 2;  ///< per pair
  double efficacy_gain = 0.05;    ///< per session, times (1 - efficacy)
  double energy_gain = 0.1;       ///< per session, times (1 - energy)
  double strengthen = 0.15;       ///< the pair's tie gains this x (1 - w) per session
  double new_tie_strength = 0.2;  ///< the pair's tie if they had none

  bool operator==(const CoachingSpec&) const = default;
};

template <class V>
void visit(V& v, CoachingSpec& c) {
  v.field("days", c.days, kAtLeastOne, "days", "how long the pairs meet");
  v.field("share", c.share, kProbability, "fraction",
          "share of the targeted staff paired with a coach or peer partner in another "
          "organisation");
  v.field("sessions_per_month", c.sessions_per_month, RealRange{0.0, 30.0}, "per 30 days",
          "coaching / peer-support sessions of a pair");
  v.field("efficacy_gain", c.efficacy_gain, kProbability, "fraction",
          "self-efficacy gained by the coachee per session, times (1 - efficacy)");
  v.field("energy_gain", c.energy_gain, kProbability, "fraction",
          "energy recovered by the coachee per session, times (1 - energy)");
  v.field("strengthen", c.strengthen, kProbability, "fraction",
          "the pair's tie gains this times (1 - w) per session");
  v.field("new_tie_strength", c.new_tie_strength, RealRange{0.0, 1.0, true}, "0..1",
          "strength of the pair's tie formed at their first session if they had none");
}

/// Random-stream purpose of its draws (unique across the modules: tests/core/purposes_test.cpp).
constexpr Purpose kCoachingDraws{3000};

const InterventionKindInfo kCoachingInfo{
    .name = "coaching",
    .section = "coaching",
    .doc =
        "A coaching and peer-support network: a share of the targeted staff are each paired with a "
        "coach or peer partner in another organisation for a while; sessions raise self-efficacy "
        "and energy and build the cross-organisation tie.",
    .make_params = [] { return KindParams::of<CoachingSpec>(); },
};

/// Step of the pairing draws: set apart from the day-numbered session draws.
constexpr std::uint32_t kPairing = 0x80000000u;

/// Length of a coaching or peer-support session, staff-days of each of the pair (one hour of a
/// 7.5-hour day; assumption, docs/model.md "Costs and health outputs").
constexpr double kSessionStaffDays = 1.0 / 7.5;

class Coaching final : public InterventionModule {
 public:
  const InterventionKindInfo& info() const override { return kCoachingInfo; }
  std::vector<Purpose> purposes() const override { return {kCoachingDraws}; }

  bool active(const InterventionSpec& spec, int day) const override {
    return day >= spec.day && day < spec.day + spec.params.as<CoachingSpec>().days;
  }

  /// The sessions held on `day` (those apply holds): an hour of the coachee's and of the
  /// partner's time each.
  void staff_time(const InterventionSpec& spec, const Model& model, const State& state, int day,
                  std::vector<double>& staff_days) const override {
    const Staff& staff = state.staff;
    for_each_session(spec, model, staff, day, [&](std::uint32_t u, std::uint32_t partner) {
      staff_days[staff.org[u]] += kSessionStaffDays;
      staff_days[staff.org[partner]] += kSessionStaffDays;
    });
  }

  /// Each person in a targeted organisation is in the programme with probability `share`, paired
  /// with someone drawn uniformly from the other organisations (both fixed for the programme:
  /// keyed by the start day and the person's id, so a new hire in the post is drawn afresh).
  /// Each programme day a pair meets with probability sessions_per_month / 30; a session raises
  /// the coachee's efficacy by efficacy_gain x (1 - efficacy) and energy by energy_gain x
  /// (1 - energy), and strengthens the pair's tie by strengthen x (1 - w), or forms it.
  void apply(const InterventionSpec& spec, const Model& model, State& state) const override {
    const CoachingSpec& c = spec.params.as<CoachingSpec>();
    Staff& staff = state.staff;
    auto strengths = state.ties.strengths();
    for_each_session(spec, model, staff, state.day, [&](std::uint32_t u, std::uint32_t partner) {
      staff.efficacy[u] += static_cast<float>(c.efficacy_gain) * (1.0f - staff.efficacy[u]);
      staff.energy[u] += static_cast<float>(c.energy_gain) * (1.0f - staff.energy[u]);
      const std::uint32_t edge = state.ties.find(u, partner);
      if (edge != kNone) {
        strengths[edge] += static_cast<float>(c.strengthen) * (1.0f - strengths[edge]);
      } else {
        state.staged_ties.added.push_back({u, partner, static_cast<float>(c.new_tie_strength)});
      }
    });
  }

 private:
  /// Calls session(coachee, partner) for each session held on `day`, in staff order. Each person
  /// in a targeted organisation is in the programme with probability `share`, paired with
  /// someone drawn uniformly from the other organisations (both fixed for the programme: keyed
  /// by the start day and the person's id, so a new hire in the post is drawn afresh); a pair
  /// meets on a programme day with probability sessions_per_month / 30. Only organisations and
  /// ids are read, so `session` may change the staff's other attributes.
  template <typename Session>
  static void for_each_session(const InterventionSpec& spec, const Model& model,
                               const Staff& staff, int day, Session&& session) {
    const CoachingSpec& c = spec.params.as<CoachingSpec>();
    const std::vector<std::uint8_t> targeted = targeted_organisations(spec, model);
    const std::uint64_t seed = model.scenario.run.seed;
    const double rate = c.sessions_per_month / 30.0;
    const auto n = staff.size();
    for (std::uint32_t u = 0; u < n; ++u) {
      if (!targeted[staff.org[u]]) continue;
      Stream pairing(seed, kCoachingDraws, kPairing | static_cast<std::uint32_t>(spec.day), staff.id[u]);
      if (!pairing.bernoulli(c.share)) continue;
      std::uint32_t partner = kNone;
      for (int attempt = 0; attempt < 16 && partner == kNone; ++attempt) {
        const auto v = static_cast<std::uint32_t>(pairing.below(n));
        if (staff.org[v] != staff.org[u]) partner = v;
      }
      if (partner == kNone) continue;
      Stream draw(seed, kCoachingDraws, static_cast<std::uint32_t>(day), staff.id[u]);
      if (!draw.bernoulli(rate)) continue;
      session(u, partner);
    }
  }
};

}  // namespace

std::unique_ptr<InterventionModule> make_coaching() {
  return std::make_unique<Coaching>();
}

}  // namespace caresim::detail
