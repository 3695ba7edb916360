// staff_effort, mindset and turnover: what staff do, think, and whether they stay.
#include <algorithm>
#include <cmath>
#include <limits>

#include "care_detail.hpp"
#include "caresim/core/parallel.hpp"

namespace caresim::detail {

void draw_staff_attitudes(const Scenario& s, Staff& staff, std::size_t u, Stream& rng) {
  const MindsetSettings& ms = s.mindset;
  staff.mindset[u] = rng.bernoulli(ms.initial_adopters) ? 1 : 0;
  staff.vision[u] =
      static_cast<float>(std::clamp(ms.initial_vision + 0.1 * rng.normal(), 0.0, 1.0));
  staff.efficacy[u] =
      static_cast<float>(std::clamp(ms.initial_efficacy + 0.1 * rng.normal(), 0.0, 1.0));
  staff.resistance[u] = static_cast<float>(ms.resistance_min +
                                           (ms.resistance_max - ms.resistance_min) * rng.uniform());
  staff.trust[u] = static_cast<float>(ms.initial_trust);
  staff.bias[u] = static_cast<float>(ms.initial_bias);
  staff.energy[u] = 1.0f;
  staff.dissatisfaction[u] = 0.0f;
  staff.committed[u] = 0;
  staff.workshops[u] = 0;
  staff.system_share[u] = baseline_system_share(s, staff, u);
}

float baseline_system_share(const Scenario& s, const Staff& staff, std::size_t u) {
  const EffortSettings& ef = s.effort;
  return static_cast<float>(logistic(
      ef.baseline + ef.mindset_weight * staff.mindset[u] + ef.vision_weight * staff.vision[u] +
      ef.efficacy_weight * staff.efficacy[u] - ef.bias_weight * staff.bias[u]));
}

std::int32_t next_review_day(std::int32_t from, double p, Stream& rng) {
  constexpr auto kNever = std::numeric_limits<std::int32_t>::max();
  if (!(p > 0.0)) return kNever;
  if (p >= 1.0) return from;
  const double gap = std::floor(std::log(rng.uniform_open0()) / std::log1p(-p));
  return gap < static_cast<double>(kNever - from) ? from + static_cast<std::int32_t>(gap) : kNever;
}

double mindset_ceiling(const Scenario& s) {
  return std::min(1.0, std::max(s.mindset.adoption_rate, s.mindset.abandon_rate));
}

double turnover_ceiling(const Model& m, std::uint32_t org) {
  const WorkforceSettings& wf = m.scenario.workforce;
  const double annual = wf.annual_turnover[static_cast<std::size_t>(m.organisations.kind[org])];
  const double daily = 1.0 - std::pow(1.0 - annual, 1.0 / 365.25);
  return std::min(1.0, daily * std::max(1.0, wf.burnout_multiplier));
}

void schedule_staff_reviews(const Model& m, State& st, std::size_t u, std::int32_t from,
                            Stream& rng) {
  st.mindset_review_day[u] = next_review_day(from, mindset_ceiling(m.scenario), rng);
  st.turnover_review_day[u] = next_review_day(from, turnover_ceiling(m, st.staff.org[u]), rng);
  st.peer_share[u] = std::numeric_limits<float>::quiet_NaN();
  st.tie_support[u] = std::numeric_limits<float>::quiet_NaN();
}

namespace {

/// Staff review their peers in blocks of this many consecutive slots (neighbouring teams of one
/// organisation), so that each day's reviewers' tie rows lie together in memory.
constexpr std::size_t kReviewBlock = 64;

/// Ties weaker than this do not count as colleagues who model the mindset.
constexpr float kAdopterTie = 0.1f;

/// Effort under conflicting targets. Energy (job demands-resources; Bakker & Demerouti 2007):
///   e <- e + r(1 - e) - (d_o min(1, overload) + d_p P) (1 - b support)
/// with overload = max(0, demand/capacity - 1), P the organisation's target pressure (silo plus
/// shared), and support = min(1, summed tie strength / saturation) at the last peer review.
/// System share s moves a fraction of the way each day towards
///   s* = logistic(b0 + b_m mindset + b_v vision + b_n peers + b_e efficacy - b_p pressure
///   + b_p shared pressure - b_b bias)
/// where peers is the tie-weighted mean system share of one's ties (read from yesterday's values:
/// double-buffered), as reviewed every peer_review_days days in staggered turns (the person in
/// slot u on days with (day + floor(u / 64)) mod k = 0, and on their first day). Shared system
/// targets (target_regime) pull towards the system work that moves them, with the weight silo
/// targets push away from it; the leaders a person sees (leader_signal L) add
/// effort_weight L and, when they block (L < 0), scale the silo pull by 1 + pressure_effect (-L).
/// Dissatisfaction follows the organisation's target pressure (silo plus shared) with a lag.
class StaffEffort final : public Phase {
 public:
  std::string_view name() const override { return "staff_effort"; }

  void run(const Model& model, State& state) const override {
    const EffortSettings& ef = model.scenario.effort;
    const WorkforceSettings& wf = model.scenario.workforce;
    const double lag = model.scenario.mindset.dissatisfaction_lag_days;
    Staff& staff = state.staff;
    const TieNetwork& net = state.ties;
    const auto review_days = static_cast<std::size_t>(std::max(1, ef.peer_review_days));
    const auto day = static_cast<std::size_t>(state.day);
    std::vector<double> overload(model.organisations.size(), 0.0);
    for (std::uint32_t o = 0; o < overload.size(); ++o) {
      const double capacity = state.capacity[o];
      const double load =
          static_cast<double>(state.today.demand_by_org[o]) + state.backlog[o] * 0.1;
      overload[o] = capacity > 0 ? std::max(0.0, load / capacity - 1.0) : 0.0;
    }
    // Energy drained per day by the organisation's demands, before colleagues' support.
    std::vector<double> demands(overload.size());
    for (std::size_t o = 0; o < demands.size(); ++o) {
      demands[o] = wf.overload_drain * std::min(1.0, overload[o]) +
                   wf.pressure_drain * std::min(wf.pressure_drain_ceiling,
                                                state.pressure[o] + state.shared_pressure[o]);
    }
    // Leaders' stance as each person sees it (docs/model.md 3.14.5): 0 unless leaders act.
    const State::LeaderEffects& leaders = state.leader_effects;
    const auto pull = [&](float signal) {
      return 1.0 + leaders.pressure_effect * std::max(0.0, -static_cast<double>(signal));
    };
    const double buffer = wf.support_buffer;
    const double support_saturation = wf.support_saturation;
    parallel_chunks(staff.size(), kGrain, [&](std::size_t begin, std::size_t end) {
      bool due = false;
      for (std::size_t u = begin; u < end; ++u) {
        if (u == begin || u % kReviewBlock == 0) {
          due = (day + u / kReviewBlock) % review_days == 0;
        }
        const std::uint32_t org = staff.org[u];
        double peers = state.peer_share[u];
        if (due || std::isnan(peers)) {
          double weight = 0.0;
          peers = 0.0;
          const auto edges = net.edges_of(static_cast<std::uint32_t>(u));
          const auto neighbours = net.neighbours_of(static_cast<std::uint32_t>(u));
          for (std::size_t k = 0; k < edges.size(); ++k) {
            const float w = net.strength(edges[k]);
            weight += w;
            peers += w * staff.system_share[neighbours[k]];
          }
          peers = weight > 0 ? peers / weight : 0.0;
          state.peer_share[u] = static_cast<float>(peers);
          state.tie_support[u] = static_cast<float>(std::min(1.0, weight / support_saturation));
        }
        float& e = staff.energy[u];
        e = std::clamp(static_cast<float>(e + wf.energy_recovery * (1.0 - e) -
                                          demands[org] * (1.0 - buffer * state.tie_support[u])),
                       0.0f, 1.0f);
        const double target = logistic(
            ef.baseline + ef.mindset_weight * staff.mindset[u] +
            ef.vision_weight * staff.vision[u] + ef.peer_weight * peers +
            ef.efficacy_weight * staff.efficacy[u] -
            ef.pressure_weight * pull(state.leader_signal[u]) * state.pressure[org] +
            leaders.effort_weight * state.leader_signal[u] +
            ef.pressure_weight * state.shared_pressure[org] - ef.bias_weight * staff.bias[u]);
        // A leader's protected time is a floor under the target (docs/model.md 3.14.12).
        const double floor = leader_choice(state, org).protected_system_time;
        const double aim = std::max(target, floor);
        const float s = staff.system_share[u];
        state.system_share_next[u] = static_cast<float>(s + ef.adjustment_per_day * (aim - s));
        float& d = staff.dissatisfaction[u];
        d = static_cast<float>(
            d + (std::min(1.0, state.pressure[org] + state.shared_pressure[org]) - d) / lag);
      }
    });
    staff.system_share.swap(state.system_share_next);
  }
};

/// The system-leadership mindset as a complex contagion on the change equation. For staff
/// member i: D = dissatisfaction, V = vision, F = efficacy x min(1, adopters among ties /
/// reinforcement_needed) (first steps need several colleagues who already work this way),
/// R = resistance + bias_resistance x bias. Each day a non-adopter adopts with probability
/// adoption_rate x logistic(steepness (D V F - R)); an adopter abandons with probability
/// abandon_rate x logistic(steepness (R - D V F)). Adoptions record the most strongly tied adopter
/// as the influencer. Vision drifts back towards its starting level (workshop participants'
/// drift scaled by leaders' congruence, State::participant_vision_decay).
/// Most people have no mindset change on most days, so the daily trials are thinned (exact):
/// candidate days come as a Bernoulli process at the ceiling c = max(adoption_rate,
/// abandon_rate) (drawn as geometric gaps), and a candidate is a change with probability
/// (rate / c) x logistic(...); only candidates count the adopters among their ties.
class Mindset final : public Phase {
 public:
  std::string_view name() const override { return "mindset"; }

  void run(const Model& model, State& state) const override {
    const MindsetSettings& ms = model.scenario.mindset;
    Staff& staff = state.staff;
    const auto retention = static_cast<float>(model.vision_daily_retention);
    // Leaders' congruence changes how fast workshop participants' vision decays.
    const auto participant_retention = static_cast<float>(
        1.0 - (1.0 - model.vision_daily_retention) * state.participant_vision_decay);
    const auto start_vision = static_cast<float>(ms.initial_vision);
    const std::uint64_t seed = model.scenario.run.seed;
    const auto day = static_cast<std::uint32_t>(state.day);
    const double ceiling = mindset_ceiling(model.scenario);
    const TieNetwork& net = state.ties;
    parallel_chunks(staff.size(), kGrain, [&](std::size_t begin, std::size_t end) {
      for (std::size_t u = begin; u < end; ++u) {
        std::uint8_t next = staff.mindset[u];
        state.influencer[u] = kNone;
        if (state.mindset_review_day[u] <= state.day) {
          Stream rng(seed, purpose::mindset, day, staff.id[u]);
          // Adopters among the person's ties, and the most strongly tied of them.
          int adopters = 0;
          float strongest = 0.0f;
          std::uint32_t influencer = kNone;
          const auto edges = net.edges_of(static_cast<std::uint32_t>(u));
          const auto neighbours = net.neighbours_of(static_cast<std::uint32_t>(u));
          for (std::size_t k = 0; k < edges.size(); ++k) {
            const float w = net.strength(edges[k]);
            const std::uint32_t v = neighbours[k];
            if (staff.mindset[v] && w >= kAdopterTie) {
              ++adopters;
              if (w > strongest) {
                strongest = w;
                influencer = staff.id[v];
              }
            }
          }
          const double first_steps =
              staff.efficacy[u] *
              std::min(1.0, static_cast<double>(adopters) / ms.reinforcement_needed);
          const double change = staff.dissatisfaction[u] * staff.vision[u] * first_steps;
          const double resistance = staff.resistance[u] + ms.bias_resistance * staff.bias[u] -
                                    state.leader_effects.resistance_effect *
                                        state.leader_signal[u];
          if (!next) {
            if (rng.bernoulli(ms.adoption_rate / ceiling *
                              logistic(ms.steepness * (change - resistance)))) {
              next = 1;
              state.influencer[u] = influencer;
            }
          } else if (rng.bernoulli(ms.abandon_rate / ceiling *
                                   logistic(ms.steepness * (resistance - change)))) {
            next = 0;
          }
          state.mindset_review_day[u] = next_review_day(state.day + 1, ceiling, rng);
        }
        state.mindset_next[u] = next;
        const float kept = staff.workshops[u] ? participant_retention : retention;
        staff.vision[u] = start_vision + (staff.vision[u] - start_vision) * kept;
      }
    });
    for (std::size_t u = 0; u < staff.size(); ++u) {
      if (state.mindset_next[u] && !staff.mindset[u]) {
        ++state.today.adoptions;
        state.adoptions.push_back({state.day, staff.id[u], state.influencer[u]});
      } else if (!state.mindset_next[u] && staff.mindset[u]) {
        ++state.today.abandonments;
      }
    }
    staff.mindset.swap(state.mindset_next);
  }
};

/// Turnover: staff leave with the sector's annual rate, raised by burnout (energy below the
/// threshold). A leaver takes their ties; the new hire in the post (new id) has attitudes drawn
/// as the starting workforce's and ties to their team only. The daily trials are thinned
/// (exact): candidate days come at the ceiling c = daily rate x max(1, burnout_multiplier), and a
/// candidate leaves with probability p / c.
class Turnover final : public Phase {
 public:
  std::string_view name() const override { return "turnover"; }

  void run(const Model& model, State& state) const override {
    const Scenario& s = model.scenario;
    const WorkforceSettings& wf = s.workforce;
    Staff& staff = state.staff;
    std::array<double, kOrgKindCount> daily{};
    for (std::size_t k = 0; k < kOrgKindCount; ++k) {
      daily[k] = 1.0 - std::pow(1.0 - wf.annual_turnover[k], 1.0 / 365.25);
    }
    const double ceiling_factor = std::max(1.0, wf.burnout_multiplier);
    const std::uint64_t seed = s.run.seed;
    const auto day = static_cast<std::uint32_t>(state.day);
    parallel_chunks(staff.size(), kGrain, [&](std::size_t begin, std::size_t end) {
      for (std::size_t u = begin; u < end; ++u) {
        state.leaving[u] = 0;
        if (state.turnover_review_day[u] > state.day) continue;
        Stream rng(seed, purpose::turnover, day, staff.id[u]);
        const double burnout =
            std::max(0.0, (wf.burnout_threshold - staff.energy[u]) / wf.burnout_threshold);
        const double rate = daily[static_cast<std::size_t>(model.organisations.kind[staff.org[u]])];
        const double p = rate * (1.0 + (wf.burnout_multiplier - 1.0) * burnout);
        const double ceiling = std::min(1.0, rate * ceiling_factor);
        state.leaving[u] = rng.bernoulli(p / ceiling) ? 1 : 0;
        if (!state.leaving[u])
          state.turnover_review_day[u] = next_review_day(state.day + 1, ceiling, rng);
      }
    });
    const auto team_strength = static_cast<float>(0.5 * s.ties.within_team_strength);
    for (std::uint32_t u = 0; u < staff.size(); ++u) {
      if (!state.leaving[u]) continue;
      for (std::uint32_t edge : state.ties.edges_of(u))
        state.staged_ties.removed.push_back(edge);
      staff.id[u] = state.next_staff_id++;
      Stream rng(seed, purpose::turnover, day, staff.id[u]);
      draw_staff_attitudes(s, staff, u, rng);  // as the starting workforce's
      schedule_staff_reviews(model, state, u, state.day + 1, rng);
      // Teams are contiguous slot ranges.
      for (std::uint32_t v = u; v-- > 0 && staff.team[v] == staff.team[u];) {
        state.staged_ties.added.push_back({u, v, team_strength});
      }
      for (std::uint32_t v = u + 1; v < staff.size() && staff.team[v] == staff.team[u]; ++v) {
        state.staged_ties.added.push_back({u, v, team_strength});
      }
      ++state.today.leavers;
      ++state.today.leavers_by_org[staff.org[u]];
    }
  }
};

}  // namespace

std::unique_ptr<Phase> make_staff_effort_phase() {
  return std::make_unique<StaffEffort>();
}
std::unique_ptr<Phase> make_mindset_phase() {
  return std::make_unique<Mindset>();
}
std::unique_ptr<Phase> make_turnover_phase() {
  return std::make_unique<Turnover>();
}

}  // namespace caresim::detail
