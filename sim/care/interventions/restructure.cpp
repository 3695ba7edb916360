// Top-down restructure (seed 004: "Top down restructuring and reorganizing in order to improve
// efficiency ... is often employed in preference to collaboration, leadership and partnership
// working"): the structural lever the programme contrasts with relational work.
#include <algorithm>

#include "registry.hpp"

namespace caresim::detail {
namespace {

/// Parameters (`restructure:` under the intervention; docs/model.md).
struct RestructureSpec {
  std::string into;                   ///< the receiving organisation (same kind as the sources)
  double share = 1.0;                 ///< share of each source's staff moved
  double tie_loss = 0.3;              ///< share of a moved person's ties lost
  double energy_loss = 0.2;           ///< energy lost by everyone involved, times energy
  double trust_loss = 0.3;            ///< trust lost, times trust
  double dissatisfaction_gain = 0.5;  ///< dissatisfaction gained, times (1 - dissatisfaction)

  bool operator==(const RestructureSpec&) const = default;
};

template <class V>
void visit(V& v, RestructureSpec& r) {
  v.field("into", r.into, TextForm::any, "",
          "the receiving organisation (required for a restructure): an organisation of the same "
          "kind as the intervention's `organisations`");
  v.field("share", r.share, RealRange{0.0, 1.0, true}, "fraction",
          "share of each source organisation's staff moved (1 = merger)");
  v.field("tie_loss", r.tie_loss, kProbability, "fraction", "share of a moved person's ties lost");
  v.field("energy_loss", r.energy_loss, kProbability, "fraction",
          "energy lost by everyone in the organisations involved, times energy");
  v.field("trust_loss", r.trust_loss, kProbability, "fraction",
          "trust in other organisations lost by everyone involved, times trust");
  v.field("dissatisfaction_gain", r.dissatisfaction_gain, kProbability, "fraction",
          "dissatisfaction gained by everyone involved, times (1 - dissatisfaction)");
}

/// Random-stream purpose of its draws (unique across the modules: tests/core/purposes_test.cpp).
constexpr Purpose kRestructureDraws{3001};

/// The receiving organisation exists and is of the same kind as every source; there is a source.
void check_organisations(const Scenario& scenario, const InterventionSpec& spec,
                         const std::string& at, const InterventionFail& fail) {
  const std::vector<std::string> names = organisation_names(scenario.organisations);
  std::vector<OrgKind> kinds;
  for (const OrganisationSpec& o : scenario.organisations) {
    for (int k = 0; k < o.count; ++k)
      kinds.push_back(o.kind);
  }
  const auto index_of = [&](const std::string& name) {
    return static_cast<std::size_t>(std::find(names.begin(), names.end(), name) - names.begin());
  };
  const RestructureSpec& r = spec.params.as<RestructureSpec>();
  if (spec.organisations.empty()) {
    fail(at + ".organisations", at + ".kind", "at least one organisation whose staff move", "none");
  }
  const std::string into_path = at + ".restructure.into";
  if (index_of(r.into) == names.size()) {
    fail(into_path, into_path, "the name of an organisation in the scenario",
         "'" + r.into + "'" + did_you_mean(r.into, names));
    return;
  }
  const OrgKind into = kinds[index_of(r.into)];
  for (std::size_t k = 0; k < spec.organisations.size(); ++k) {
    const std::size_t source = index_of(spec.organisations[k]);
    if (source == names.size()) continue;  // reported by the scenario's own rule
    const OrgKind from = kinds[source];
    if (from != into) {
      fail(at + ".organisations[" + std::to_string(k) + "]", into_path,
           std::string("an organisation of the same kind as restructure.into (") +
               kOrgKindNames[static_cast<std::size_t>(into)] + ")",
           "'" + spec.organisations[k] + "', of kind " +
               kOrgKindNames[static_cast<std::size_t>(from)]);
    }
  }
}

const InterventionKindInfo kRestructureInfo{
    .name = "restructure",
    .section = "restructure",
    .doc =
        "A top-down restructure: a share of the staff of the organisations named by the "
        "intervention move into `into` (a merger when share is 1), losing ties; disruption for "
        "everyone involved.",
    .make_params = [] { return KindParams::of<RestructureSpec>(); },
    .check = check_organisations,
    .check_doc =
        "A restructure names at least one source organisation, and `into` names an "
        "organisation of the scenario of the same kind as the sources.",
};

class Restructure final : public InterventionModule {
 public:
  const InterventionKindInfo& info() const override { return kRestructureInfo; }
  std::vector<Purpose> purposes() const override { return {kRestructureDraws}; }

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
    const RestructureSpec& r = spec.params.as<RestructureSpec>();
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
      Stream rng(seed, kRestructureDraws, day, staff.id[u]);
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
    Stream rng(model.scenario.run.seed, kRestructureDraws, static_cast<std::uint32_t>(state.day), 0xFFFFFFFFu);
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
