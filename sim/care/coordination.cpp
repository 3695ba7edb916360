// Coordination across organisational boundaries: who is asked, whether it works, and what the
// outcome does to the people involved.
#include <algorithm>

#include "care_detail.hpp"

namespace caresim {

bool attempt_coordination(const Model& model, State& state, Episode episode, OrgKind from,
                          OrgKind to, std::uint32_t locality, Stream& rng) {
  const auto& asking = model.staff_by_kind_locality[static_cast<std::size_t>(from)];
  const auto& answering = model.staff_by_kind_locality[static_cast<std::size_t>(to)];
  if (asking.empty() || answering.empty() || asking[locality].empty() ||
      answering[locality].empty()) {
    return false;  // nobody to do it: the episode fails, uncounted
  }
  const Staff& staff = state.staff;
  const TieNetwork& net = state.ties;
  const std::uint32_t u = asking[locality][rng.below(asking[locality].size())];
  // "Who do I know over there?": the strongest tie to someone of the other kind.
  std::uint32_t v = kNone, edge = kNone;
  float w = 0.0f;
  for (std::uint32_t e : net.edges_of(u)) {
    const std::uint32_t other = net.other(e, u);
    if (model.organisations.kind[staff.org[other]] == to && net.strength(e) > w) {
      w = net.strength(e);
      v = other;
      edge = e;
    }
  }
  if (v == kNone) v = answering[locality][rng.below(answering[locality].size())];
  const CoordinationSettings& cs = model.scenario.coordination;
  const double x = cs.base + cs.tie_weight * w +
                   cs.trust_weight * 0.5 * (staff.trust[u] + staff.trust[v]) +
                   cs.joint_work_weight * state.joint_work_level[locality] -
                   cs.bias_weight * 0.5 * (staff.bias[u] + staff.bias[v]);
  const bool success = rng.uniform() < logistic(x);
  // Most one-off contacts with a stranger across a boundary do not become a working relationship.
  const bool new_tie =
      success && edge == kNone && rng.uniform() < cs.new_tie_probability;
  state.coordination.push_back({u, v, edge, episode, success, new_tie});
  const auto k = static_cast<std::size_t>(episode);
  ++state.today.episodes[k];
  if (success) ++state.today.episode_successes[k];
  return success;
}

namespace detail {
namespace {

/// Applies the day's coordination outcomes in the order they happened: success reinforces the
/// tie (or forms one), raises trust and lowers out-group bias; failure weakens the tie, lowers
/// trust faster than success raised it (alpha- > alpha+), raises bias and dissatisfaction.
class Coordination final : public Phase {
 public:
  std::string_view name() const override { return "coordination"; }

  void run(const Model& model, State& state) const override {
    const CoordinationSettings& cs = model.scenario.coordination;
    Staff& staff = state.staff;
    auto strengths = state.ties.strengths();
    const auto new_tie = static_cast<float>(model.scenario.ties.new_tie_strength);
    for (const CoordinationOutcome& o : state.coordination) {
      for (std::uint32_t p : {o.from_staff, o.to_staff}) {
        if (o.success) {
          staff.trust[p] += static_cast<float>(cs.trust_gain) * (1.0f - staff.trust[p]);
          staff.bias[p] -= static_cast<float>(cs.bias_loss) * staff.bias[p];
        } else {
          staff.trust[p] -= static_cast<float>(cs.trust_loss) * staff.trust[p];
          staff.bias[p] += static_cast<float>(cs.bias_gain) * (1.0f - staff.bias[p]);
          staff.dissatisfaction[p] += 0.05f * (1.0f - staff.dissatisfaction[p]);
        }
      }
      if (o.edge != kNone) {
        float& w = strengths[o.edge];
        w = o.success ? w + static_cast<float>(cs.success_reinforcement) * (1.0f - w)
                      : w * (1.0f - static_cast<float>(cs.failure_weakening));
      } else if (o.new_tie) {
        state.staged_ties.added.push_back({o.from_staff, o.to_staff, new_tie});
      }
    }
    state.coordination.clear();
  }
};

}  // namespace

std::unique_ptr<Phase> make_coordination_phase() {
  return std::make_unique<Coordination>();
}

}  // namespace detail
}  // namespace caresim
