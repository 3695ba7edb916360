// The tie-network phases, and default_phases(), which fixes the order of every phase.
#include "caresim/care/phases.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "care_detail.hpp"
#include "caresim/core/parallel.hpp"
#include "caresim/core/random.hpp"

namespace caresim {
namespace {

/// Staff work with colleagues along their ties: each staff member, with probability
/// contact_probability_per_day, works with one tie chosen with probability proportional to its
/// strength (weight-biased walk, Kumpula et al. 2007), cross-organisation ties weighted up by
/// (1 + system_contact_bias x system share): system work is work with other organisations. From
/// that colleague, with probability triadic_closure_per_day, they meet one of the colleague's ties
/// (triadic closure); otherwise, with probability random_tie_per_day, a random member of their own
/// organisation, or with probability locality_tie_per_day x system share someone working in their
/// locality (focal closure). When today's tie crosses organisations, with probability brokerage x
/// system share they bring a colleague from their own organisation (a tie chosen by strength)
/// into the joint work: the colleague and the other organisation's person meet (brokerage: a new
/// tie, or joint work along their existing one). Proposals are staged for tie_merge.
class StaffContact final : public Phase {
 public:
  std::string_view name() const override { return "staff_contact"; }

  void run(const Model& model, State& state) const override {
    const TieSettings& ts = model.scenario.ties;
    const TieNetwork& net = state.ties;
    const Staff& staff = state.staff;
    const Organisations& o = model.organisations;
    const std::uint64_t seed = model.scenario.run.seed;
    const auto day = static_cast<std::uint32_t>(state.day);
    const double system_bias = model.scenario.effort.system_contact_bias;
    const double locality_tie = model.scenario.effort.locality_tie_per_day;
    const double brokerage = model.scenario.effort.brokerage;
    parallel_chunks(staff.size(), kGrain, [&](std::size_t begin, std::size_t end) {
      for (std::size_t i = begin; i < end; ++i) {
        const auto u = static_cast<std::uint32_t>(i);
        Stream rng(seed, purpose::staff_contact, day, staff.id[u]);
        std::uint32_t chosen = kNone, proposed = kNone;
        const double cross_weight = 1.0 + system_bias * staff.system_share[u];
        if (net.degree(u) > 0 && rng.bernoulli(ts.contact_probability_per_day)) {
          chosen = weighted_edge(net, u, rng.uniform(), cross_weight);
          if (rng.bernoulli(ts.triadic_closure_per_day)) {
            const std::uint32_t v = net.other(chosen, u);
            const std::uint32_t second = weighted_edge(net, v, rng.uniform(), 1.0);
            const std::uint32_t w = net.other(second, v);
            if (w != u) proposed = w;
          }
        }
        if (proposed == kNone && rng.bernoulli(ts.random_tie_per_day)) {
          const std::uint32_t org = staff.org[u];
          proposed = static_cast<std::uint32_t>(o.first_staff[org] + rng.below(o.staff_count[org]));
          // After a restructure, the organisation's original slots may hold staff moved away.
          if (proposed == u || staff.org[proposed] != org) proposed = kNone;
        }
        if (proposed == kNone && rng.bernoulli(locality_tie * staff.system_share[u])) {
          const auto& local = model.staff_in_locality[staff.locality[u]];
          proposed = local[rng.below(local.size())];
          if (proposed == u) proposed = kNone;
        }
        // Bringing a colleague along: someone working with another organisation today brings a
        // colleague from their own organisation into the joint work (brokerage that costs the
        // colleague none of their own contacts; Burt 2005, Kumpula et al. 2007's focal closure).
        std::uint32_t introduced_a = kNone, introduced_b = kNone;
        if (chosen != kNone && net.cross_org(chosen) &&
            rng.bernoulli(brokerage * staff.system_share[u])) {
          const std::uint32_t inside = weighted_edge_of_kind(net, u, rng.uniform(), false);
          if (inside != kNone) {
            introduced_a = net.other(inside, u);
            introduced_b = net.other(chosen, u);
          }
        }
        state.chosen_edge[u] = chosen;
        state.proposed_partner[u] = proposed;
        state.introduction[u] = {introduced_a, introduced_b};
      }
    });
  }

 private:
  /// A tie of u chosen in proportion to strength among its cross-organisation ties (or among
  /// its own organisation's), or kNone if it has none of that kind.
  static std::uint32_t weighted_edge_of_kind(const TieNetwork& net, std::uint32_t u, double uniform,
                                             bool cross) {
    double total = 0.0;
    for (std::uint32_t e : net.edges_of(u)) {
      if ((net.cross_org(e) != 0) == cross) total += net.strength(e);
    }
    if (total <= 0.0) return kNone;
    double target = uniform * total;
    std::uint32_t last = kNone;
    for (std::uint32_t e : net.edges_of(u)) {
      if ((net.cross_org(e) != 0) != cross) continue;
      last = e;
      target -= net.strength(e);
      if (target < 0.0) return e;
    }
    return last;
  }

  static std::uint32_t weighted_edge(const TieNetwork& net, std::uint32_t u, double uniform,
                                     double cross_weight) {
    const auto row = net.edges_of(u);
    // The weights are looked up once (the edge slots are scattered in memory) and kept for the
    // second pass; rows hold at most max_ties entries.
    thread_local std::vector<double> weights;
    weights.resize(row.size());
    double total = 0.0;
    for (std::size_t k = 0; k < row.size(); ++k) {
      const std::uint32_t e = row[k];
      weights[k] = net.strength(e) * (net.cross_org(e) ? cross_weight : 1.0);
      total += weights[k];
    }
    double target = uniform * total;
    for (std::size_t k = 0; k < row.size(); ++k) {
      target -= weights[k];
      if (target < 0.0) return row[k];
    }
    return row.back();
  }
};

/// Tie strengths decay without contact and grow with joint work:
///   w <- w * r_kind, then for each endpoint that worked along the tie today: w <- w + delta(1-w).
/// r_kind is the daily retention (monthly retention^(1/30)), lower for cross-organisation ties.
/// Ties that fall below removal_threshold are marked for tie_merge. Each edge is one task's.
class TieUpdate final : public Phase {
 public:
  std::string_view name() const override { return "tie_update"; }

  void run(const Model& model, State& state) const override {
    TieNetwork& net = state.ties;
    const TieSettings& ts = model.scenario.ties;
    const auto delta = static_cast<float>(ts.reinforcement);
    const auto floor = static_cast<float>(ts.removal_threshold);
    const std::array<float, 2> retention = {static_cast<float>(model.within_org_daily_retention),
                                            static_cast<float>(model.cross_org_daily_retention)};
    auto strengths = net.strengths();
    const auto cross = net.cross_org_flags();
    const auto alive = net.alive_flags();
    // Decay every tie (one task per slot), then reinforce the few worked along today (in
    // person order; a tie worked along by both ends is reinforced twice, as w <- w + delta(1-w)
    // applied twice). Each chunk lists its slots that decayed below the floor; reinforcement
    // only raises w, so the final list keeps those still below it. Concatenated in chunk order
    // the list is in ascending slot order, so tie_merge need not scan every slot again.
    constexpr std::size_t grain = kGrain * 4;
    std::vector<std::vector<std::uint32_t>> below(chunk_count(net.slot_count(), grain));
    parallel_chunks(net.slot_count(), grain, [&](std::size_t begin, std::size_t end) {
      std::vector<std::uint32_t>& mine = below[begin / grain];
      for (std::size_t k = begin; k < end; ++k) {
        if (!alive[k]) continue;
        const float w = strengths[k] * retention[cross[k]];
        strengths[k] = w;
        if (w < floor) mine.push_back(static_cast<std::uint32_t>(k));
      }
    });
    for (const std::uint32_t e : state.chosen_edge) {
      if (e != kNone) strengths[e] += delta * (1.0f - strengths[e]);
    }
    state.edges_below_floor.clear();
    for (const auto& part : below) {
      for (const std::uint32_t e : part) {
        if (strengths[e] < floor) state.edges_below_floor.push_back(e);
      }
    }
  }
};

/// Merges the step's structural changes in a fixed order: drops ties below the floor and the
/// ties of leavers, adds the proposed ties (strength new_tie_strength; an existing tie keeps the
/// larger strength) and those staged by coordination, interventions and new hires, respecting
/// the cap on ties per person.
class TieMerge final : public Phase {
 public:
  std::string_view name() const override { return "tie_merge"; }

  void run(const Model& model, State& state) const override {
    const TieSettings& ts = model.scenario.ties;
    const auto delta = static_cast<float>(ts.reinforcement);
    auto strengths = state.ties.strengths();
    TieChanges changes = std::move(state.staged_ties);
    state.staged_ties = {};
    changes.removed.insert(changes.removed.end(), state.edges_below_floor.begin(),
                           state.edges_below_floor.end());
    state.edges_below_floor.clear();
    for (std::uint32_t u = 0; u < state.proposed_partner.size(); ++u) {
      const std::uint32_t v = state.proposed_partner[u];
      if (v != kNone && state.ties.find(u, v) == kNone) {
        changes.added.push_back({u, v, static_cast<float>(ts.new_tie_strength)});
      }
      // A colleague brought into joint work meets the other organisation's person: a new tie,
      // or joint work along the existing one (reinforced as a contact is in tie_update).
      const auto [a, b] = state.introduction[u];
      if (a == kNone) continue;
      if (const std::uint32_t e = state.ties.find(a, b); e == kNone) {
        changes.added.push_back({a, b, static_cast<float>(ts.new_tie_strength)});
      } else {  // (a tie dropped below the floor today is still removed below)
        strengths[e] += delta * (1.0f - strengths[e]);
      }
    }
    std::size_t lost = 0;
    for (std::uint32_t e : changes.removed)
      lost += state.ties.alive(e) ? 1 : 0;
    state.today.ties_lost = lost;
    if (changes.removed.empty() && changes.added.empty()) return;
    state.today.ties_formed = state.ties.apply(std::move(changes));
  }
};

}  // namespace

PhaseList default_phases() {
  PhaseList phases;
  phases.push_back(detail::make_interventions_phase());
  phases.push_back(detail::make_partners_phase());
  phases.push_back(detail::make_capacity_phase());
  phases.push_back(detail::make_citizen_health_phase());
  phases.push_back(detail::make_gp_access_phase());
  phases.push_back(detail::make_a_and_e_phase());
  phases.push_back(detail::make_discharge_phase());
  phases.push_back(detail::make_services_phase());
  phases.push_back(detail::make_vaccination_phase());
  phases.push_back(detail::make_coordination_phase());
  phases.push_back(detail::make_targets_phase());
  phases.push_back(detail::make_leadership_phase());
  phases.push_back(detail::make_staff_effort_phase());
  phases.push_back(detail::make_mindset_phase());
  phases.push_back(std::make_unique<StaffContact>());
  phases.push_back(std::make_unique<TieUpdate>());
  phases.push_back(detail::make_turnover_phase());
  phases.push_back(std::make_unique<TieMerge>());
  return phases;
}

}  // namespace caresim
