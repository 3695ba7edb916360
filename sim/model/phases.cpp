// The default model's phases. Each is one class; default_phases() fixes their order.
#include <algorithm>
#include <cmath>
#include <numeric>

#include "caresim/core/parallel.hpp"
#include "caresim/core/random.hpp"
#include "caresim/engine/phase.hpp"

namespace caresim {
namespace {

/// Citizens' demand for services: each citizen is a Poisson process whose rate depends on age
/// band, deprivation and season. Candidate events come at the winter-maximum rate and are kept
/// with probability season(day)/max (thinning, Lewis & Shedler 1979), which is exact; only the
/// citizens in today's calendar bucket are touched.
class CitizenDemand final : public Phase {
 public:
  std::string_view name() const override { return "citizen_demand"; }

  void run(const Model& model, State& state) const override {
    const int day = state.day;
    auto& bucket = state.calendar.day_bucket[static_cast<std::size_t>(day)];
    Citizens& c = state.citizens;
    const Neighbourhoods& nb = model.neighbourhoods;
    const std::uint64_t seed = model.scenario.run.seed;
    const double keep = model.season(day) / (1.0 + model.scenario.demand.winter_amplitude);
    std::array<double, kServiceCount> cumulative{};
    std::partial_sum(model.service_share.begin(), model.service_share.end(), cumulative.begin());

    // One result per bucket entry, owned by its task: the events this citizen had today.
    std::vector<std::array<std::uint8_t, kServiceCount>> events(bucket.size());
    parallel_chunks(bucket.size(), 1024, [&](std::size_t begin, std::size_t end) {
      for (std::size_t k = begin; k < end; ++k) {
        const std::uint32_t i = bucket[k];
        Stream rng(seed, Purpose::citizen_demand, static_cast<std::uint32_t>(day), c.id[i]);
        const double rate =
            model.candidate_rate_per_day[c.age_band[i]]
                                        [nb.deprivation_decile[c.neighbourhood[i]] - 1u];
        double t = c.next_event_time[i];
        auto& mine = events[k];
        mine.fill(0);
        while (t < day + 1.0) {
          if (rng.uniform() < keep) {
            const double u = rng.uniform() * cumulative.back();
            std::size_t s = 0;
            while (s + 1 < kServiceCount && u >= cumulative[s])
              ++s;
            if (mine[s] < 255) ++mine[s];
          }
          t += rng.exponential(rate);
        }
        c.next_event_time[i] = t;
      }
    });

    // Tallies and re-filing in bucket order: serial, cheap (only today's events).
    DailyTallies& tally = state.today;
    const auto days = static_cast<double>(state.calendar.day_bucket.size());
    const auto a_and_e = static_cast<std::size_t>(Service::a_and_e);
    const auto gp = static_cast<std::size_t>(Service::gp);
    for (std::size_t k = 0; k < bucket.size(); ++k) {
      const std::uint32_t i = bucket[k];
      const std::uint16_t where = c.neighbourhood[i];
      for (std::size_t s = 0; s < kServiceCount; ++s) {
        const std::uint64_t count = events[k][s];
        if (count == 0) continue;
        tally.demand[s] += count;
        tally.demand_by_neighbourhood[where] += count;
        if (s == a_and_e) tally.a_and_e_by_neighbourhood[where] += count;
        const std::uint32_t org = s == gp ? (c.gp_practice[i] == 0xFFFF ? kNone : c.gp_practice[i])
                                          : model.service_provider[s];
        if (org != kNone) tally.demand_by_org[org] += count;
      }
      const double t = c.next_event_time[i];
      if (t < days) state.calendar.day_bucket[static_cast<std::size_t>(t)].push_back(i);
    }
    std::vector<std::uint32_t>().swap(bucket);  // today is done: give its memory back
  }
};

/// Staff work with colleagues along their ties: each staff member, with probability
/// contact_probability_per_day, works with one tie chosen with probability proportional to its
/// strength (weight-biased walk, Kumpula et al. 2007). From that colleague, with probability
/// triadic_closure_per_day, they meet one of the colleague's ties (triadic closure); otherwise,
/// with probability random_tie_per_day, a random member of their own organisation (focal
/// closure). Both proposals are staged for tie_merge.
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
    parallel_chunks(staff.size(), kGrain, [&](std::size_t begin, std::size_t end) {
      for (std::size_t i = begin; i < end; ++i) {
        const auto u = static_cast<std::uint32_t>(i);
        Stream rng(seed, Purpose::staff_contact, day, staff.id[u]);
        std::uint32_t chosen = kNone, proposed = kNone;
        if (net.degree(u) > 0 && rng.bernoulli(ts.contact_probability_per_day)) {
          chosen = weighted_edge(net, u, rng.uniform());
          if (rng.bernoulli(ts.triadic_closure_per_day)) {
            const std::uint32_t v = net.other(chosen, u);
            const std::uint32_t second = weighted_edge(net, v, rng.uniform());
            const std::uint32_t w = net.other(second, v);
            if (w != u) proposed = w;
          }
        }
        if (proposed == kNone && rng.bernoulli(ts.random_tie_per_day)) {
          const std::uint32_t org = staff.org[u];
          proposed = static_cast<std::uint32_t>(o.first_staff[org] + rng.below(o.staff_count[org]));
          if (proposed == u) proposed = kNone;
        }
        state.chosen_edge[u] = chosen;
        state.proposed_partner[u] = proposed;
      }
    });
  }

 private:
  static std::uint32_t weighted_edge(const TieNetwork& net, std::uint32_t u, double uniform) {
    const auto row = net.edges_of(u);
    double total = 0.0;
    for (std::uint32_t e : row)
      total += net.strength(e);
    double target = uniform * total;
    for (std::uint32_t e : row) {
      target -= net.strength(e);
      if (target < 0.0) return e;
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
    state.edge_below_floor.assign(net.slot_count(), 0);
    parallel_chunks(net.slot_count(), kGrain * 4, [&](std::size_t begin, std::size_t end) {
      for (std::size_t k = begin; k < end; ++k) {
        if (!alive[k]) continue;
        const auto e = static_cast<std::uint32_t>(k);
        float w = strengths[k] * retention[cross[k]];
        const int contacts =
            (state.chosen_edge[net.a(e)] == e) + (state.chosen_edge[net.b(e)] == e);
        for (int c = 0; c < contacts; ++c)
          w += delta * (1.0f - w);
        strengths[k] = w;
        state.edge_below_floor[k] = w < floor ? 1 : 0;
      }
    });
  }
};

/// Merges the step's structural changes in a fixed order: drops ties below the floor, adds the
/// proposed ties (strength new_tie_strength; an existing tie is kept as it is), respecting the cap
/// on ties per person.
class TieMerge final : public Phase {
 public:
  std::string_view name() const override { return "tie_merge"; }

  void run(const Model& model, State& state) const override {
    const TieSettings& ts = model.scenario.ties;
    TieChanges changes;
    for (std::uint32_t e = 0; e < state.edge_below_floor.size(); ++e) {
      if (state.edge_below_floor[e]) changes.removed.push_back(e);
    }
    for (std::uint32_t u = 0; u < state.proposed_partner.size(); ++u) {
      const std::uint32_t v = state.proposed_partner[u];
      if (v != kNone && state.ties.find(u, v) == kNone) {
        changes.added.push_back({u, v, static_cast<float>(ts.new_tie_strength)});
      }
    }
    state.today.ties_lost = changes.removed.size();
    if (changes.removed.empty() && changes.added.empty()) return;
    state.today.ties_formed = state.ties.apply(std::move(changes));
  }
};

}  // namespace

PhaseList default_phases() {
  PhaseList phases;
  phases.push_back(std::make_unique<CitizenDemand>());
  phases.push_back(std::make_unique<StaffContact>());
  phases.push_back(std::make_unique<TieUpdate>());
  phases.push_back(std::make_unique<TieMerge>());
  return phases;
}

}  // namespace caresim
