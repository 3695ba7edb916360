// Top-down restructure (seed 004: "Top down restructuring and reorganizing in order to improve
// efficiency ... is often employed in preference to collaboration, leadership and partnership
// working"): the structural lever the programme contrasts with relational work.
#include <algorithm>

#include "registry.hpp"

namespace caresim::detail {
namespace {

class Restructure final : public InterventionModule {
 public:
  InterventionKind kind() const override { return InterventionKind::restructure; }

  /// On its day: each person in a source organisation (the intervention's `organisations`) moves
  /// into `into` with probability `share` (all of them for a merger). A mover loses each tie with
  /// probability tie_loss, and the movers are re-formed into new teams of ties.team_size in the
  /// receiving organisation (shuffled), tied to their new team-mates at half the in-team strength,
  /// as new hires are. Everyone in the organisations involved (sources and receiver) loses
  /// energy_loss x energy and trust_loss x trust and gains dissatisfaction_gain x
  /// (1 - dissatisfaction); energy and dissatisfaction then recover through the usual dynamics.
  /// A source left with no staff hands its backlog, and a GP practice its registered patients, to
  /// the receiver.
  void apply(const InterventionSpec& spec, const Model& model, State& state) const override {
    const RestructureSpec& r = spec.restructure;
    const Organisations& o = model.organisations;
    const auto into = static_cast<std::uint32_t>(std::find(o.name.begin(), o.name.end(), r.into) -
                                                 o.name.begin());
    if (into >= o.size()) return;  // the loader rejects unknown names
    std::vector<std::uint8_t> source = targeted_organisations(spec, model, false);
    source[into] = 0;
    std::vector<std::uint8_t> involved = source;
    involved[into] = 1;
    Staff& staff = state.staff;
    const std::uint64_t seed = model.scenario.run.seed;
    const auto day = static_cast<std::uint32_t>(state.day);
    std::vector<std::uint32_t> movers;
    for (std::uint32_t u = 0; u < staff.size(); ++u) {
      if (!source[staff.org[u]]) continue;
      Stream rng(seed, purpose::restructure, day, staff.id[u]);
      if (!rng.bernoulli(r.share)) continue;
      for (std::uint32_t e : state.ties.edges_of(u)) {
        if (rng.bernoulli(r.tie_loss)) state.staged_ties.removed.push_back(e);
      }
      movers.push_back(u);
    }
    for (std::uint32_t u : movers) {
      staff.org[u] = into;
      state.ties.set_org(u, into);
    }
    reshuffle_teams(model, state, movers);
    for (std::uint32_t u = 0; u < staff.size(); ++u) {
      if (!involved[staff.org[u]]) continue;
      staff.energy[u] -= static_cast<float>(r.energy_loss) * staff.energy[u];
      staff.trust[u] -= static_cast<float>(r.trust_loss) * staff.trust[u];
      staff.dissatisfaction[u] +=
          static_cast<float>(r.dissatisfaction_gain) * (1.0f - staff.dissatisfaction[u]);
    }
    hand_over_emptied(model, state, source, into);
  }

 private:
  /// Movers, shuffled, form new teams (fresh team numbers) of ties.team_size.
  static void reshuffle_teams(const Model& model, State& state, std::vector<std::uint32_t> movers) {
    if (movers.empty()) return;
    Staff& staff = state.staff;
    Stream rng(model.scenario.run.seed, purpose::restructure, static_cast<std::uint32_t>(state.day),
               0xFFFFFFFFu);
    for (std::size_t k = movers.size(); k > 1; --k)
      std::swap(movers[k - 1], movers[rng.below(k)]);
    const std::uint32_t first_team = *std::max_element(staff.team.begin(), staff.team.end()) + 1;
    const auto size = static_cast<std::size_t>(model.scenario.ties.team_size);
    const auto strength = static_cast<float>(0.5 * model.scenario.ties.within_team_strength);
    for (std::size_t k = 0; k < movers.size(); ++k) {
      staff.team[movers[k]] = first_team + static_cast<std::uint32_t>(k / size);
      for (std::size_t j = (k / size) * size; j < k; ++j) {
        state.staged_ties.added.push_back({movers[j], movers[k], strength});
      }
    }
  }

  static void hand_over_emptied(const Model& model, State& state,
                                const std::vector<std::uint8_t>& source, std::uint32_t into) {
    std::vector<std::uint32_t> left(source.size(), 0);
    for (std::uint32_t org : state.staff.org)
      ++left[org];
    for (std::uint32_t s = 0; s < source.size(); ++s) {
      if (!source[s] || left[s] > 0) continue;
      state.backlog[into] += state.backlog[s];
      state.backlog[s] = 0.0;
      if (model.organisations.kind[s] != OrgKind::gp_practice) continue;
      for (auto& practice : state.citizens.gp_practice) {
        if (practice == s) practice = static_cast<std::uint16_t>(into);
      }
    }
  }
};

}  // namespace

std::unique_ptr<InterventionModule> make_restructure() {
  return std::make_unique<Restructure>();
}

}  // namespace caresim::detail
