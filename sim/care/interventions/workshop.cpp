// Workshop (seed 004, day one): a cohort invited by referral chain ("who do you know who works in
// a system-leadership way?"), a diagonal slice of organisations, re-mixed small groups.
#include <algorithm>
#include <array>
#include <cmath>
#include <numeric>

#include "cohort.hpp"
#include "registry.hpp"

namespace caresim::detail {
namespace {

/// Parameters (`workshop:` under the intervention; docs/model.md).
struct WorkshopSpec {
  int cohort_size = 45;
  int seed_people = 6;
  int group_size = 5;
  int rounds = 4;
  /// Relative weight of each kind of organisation in the cohort (the diagonal slice).
  std::array<double, kOrgKindCount> mix = {1, 1, 1, 1, 1, 1, 1, 1, 1};
  /// Relative weight of each staff role in the cohort (the diagonal slice of hierarchy).
  std::array<double, kStaffRoleCount> role_mix = {0.6, 0.3, 0.1};
  double system_minded_preference = 3.0;  ///< referral chains favour system-minded people
  double new_tie_strength = 0.3;
  double strengthen = 0.3;  ///< existing ties gain this x (1 - w)
  double vision_gain = 0.3;
  double efficacy_gain = 0.25;
  double bias_reduction = 0.3;

  bool operator==(const WorkshopSpec&) const = default;
};

template <class V>
void visit(V& v, WorkshopSpec& w) {
  v.field("cohort_size", w.cohort_size, IntRange{2, 100000}, "people", "people in the cohort");
  v.field("seed_people", w.seed_people, kAtLeastOne, "people",
          "named starting points of the referral chain");
  v.field("group_size", w.group_size, IntRange{2, 1000}, "people", "size of the small groups");
  v.field("rounds", w.rounds, kAtLeastOne, "rounds", "times the small groups are re-mixed");
  v.table("mix", w.mix, kOrgKindNames, kNonNegative, "weight",
          "relative share of each kind of organisation in the cohort (the diagonal slice)");
  v.table("role_mix", w.role_mix, kStaffRoleNames, kNonNegative, "weight",
          "relative share of each staff role in the cohort (the diagonal slice of hierarchy); "
          "filled as far as the roles' staff and the chain allow");
  v.field("system_minded_preference", w.system_minded_preference, kNonNegative, "factor",
          "how much the referral chain favours system-minded people");
  v.field("new_tie_strength", w.new_tie_strength, RealRange{0.0, 1.0, true}, "0..1",
          "strength of a tie formed in a group");
  v.field("strengthen", w.strengthen, kProbability, "fraction",
          "existing ties between group members gain this times (1 - w)");
  v.field("vision_gain", w.vision_gain, kProbability, "fraction",
          "shared vision gained, times (1 - vision)");
  v.field("efficacy_gain", w.efficacy_gain, kProbability, "fraction",
          "self-efficacy gained, times (1 - efficacy)");
  v.field("bias_reduction", w.bias_reduction, kProbability, "fraction",
          "out-group bias lost, times bias (intergroup contact)");
}

bool always(const InterventionSpec&) {
  return true;
}

/// The cohort cannot be empty: `mix` weighs at least one kind of organisation the scenario has.
void check_mix(const Scenario& scenario, const InterventionSpec& spec, const std::string& at,
               const InterventionFail& fail) {
  if (scenario.model != ModelKind::care || scenario.organisations.empty()) return;
  const WorkshopSpec& w = spec.params.as<WorkshopSpec>();
  double weight = 0.0;
  for (const auto& org : scenario.organisations) {
    if (org.staff > 0) weight += w.mix[static_cast<std::size_t>(org.kind)];
  }
  if (weight <= 0.0) {
    fail(at + ".workshop.mix", "organisations",
         "a positive weight for at least one kind of organisation in `organisations`",
         "weights that select nobody: the cohort would be empty");
  }
}

const InterventionKindInfo kWorkshopInfo{
    .name = "workshop",
    .section = "workshop",
    .doc = "A workshop: a cohort invited by referral chain, re-mixed small groups, new ties.",
    .make_params = [] { return KindParams::of<WorkshopSpec>(); },
    .forms_cohort = always,
    .check = check_mix,
    .check_doc =
        "A workshop's `mix` gives weight to at least one kind of organisation the "
        "scenario has, so its cohort is not empty.",
};

class Workshop final : public InterventionModule {
 public:
  const InterventionKindInfo& info() const override { return kWorkshopInfo; }

  /// A day of each participant's time, on its day.
  void staff_time(const InterventionSpec& spec, const Model& model, const State& state, int,
                  std::vector<double>& staff_days) const override {
    charge_staff_days(state, recorded_cohort(model, state, spec), 1.0, staff_days);
  }

  void apply(const InterventionSpec& spec, const Model& model, State& state) const override {
    const WorkshopSpec& w = spec.params.as<WorkshopSpec>();
    const std::vector<std::uint32_t> cohort = invite(w, model, state);
    record_cohort(model, state, spec, cohort);
    // Leaders' congruence scales every gain (1 without a leaders_congruence intervention).
    const float strengthen = relational(w.strengthen, state);
    const float new_tie = relational(w.new_tie_strength, state);
    const float vision_gain = relational(w.vision_gain, state);
    const float efficacy_gain = relational(w.efficacy_gain, state);
    const float bias_reduction = relational(w.bias_reduction, state);
    Staff& staff = state.staff;
    auto strengths = state.ties.strengths();
    Stream rng(model.scenario.run.seed, purpose::intervention,
               static_cast<std::uint32_t>(state.day),
               0x574B0000u + static_cast<std::uint32_t>(spec.day));
    std::vector<std::uint32_t> order = cohort;
    for (int round = 0; round < w.rounds; ++round) {
      for (std::size_t k = order.size(); k > 1; --k) {  // Fisher-Yates re-mix
        std::swap(order[k - 1], order[rng.below(k)]);
      }
      for (std::size_t g = 0; g < order.size(); g += static_cast<std::size_t>(w.group_size)) {
        const std::size_t end = std::min(order.size(), g + static_cast<std::size_t>(w.group_size));
        for (std::size_t x = g; x < end; ++x) {
          for (std::size_t y = x + 1; y < end; ++y) {
            const std::uint32_t edge = state.ties.find(order[x], order[y]);
            if (edge != kNone) {
              strengths[edge] += strengthen * (1.0f - strengths[edge]);
            } else {
              state.staged_ties.added.push_back({order[x], order[y], new_tie});
            }
          }
        }
      }
    }
    for (std::uint32_t u : cohort) {
      staff.vision[u] += vision_gain * (1.0f - staff.vision[u]);
      staff.efficacy[u] += efficacy_gain * (1.0f - staff.efficacy[u]);
      staff.bias[u] -= bias_reduction * staff.bias[u];
      staff.committed[u] = 1;  // each names an act of courage
      if (staff.workshops[u] < 255) ++staff.workshops[u];
    }
  }

 private:
  /// The referral chain, filling a diagonal slice: each kind of organisation gets a quota of
  /// the cohort in proportion to `mix` (largest remainder, kinds with staff only), and each
  /// staff role one in proportion to `role_mix`; if both cannot be met, kinds alone, then none. Seed people
  /// are drawn in proportion to mix x (1 + preference x (mindset + system share)) among kinds
  /// with room; each invitee then names up to three of their ties, weighted by tie strength x the
  /// same appeal, skipping kinds whose quota is full; a new seed is drawn when the chain runs dry.
  static std::vector<std::uint32_t> invite(const WorkshopSpec& w, const Model& model,
                                           const State& state) {
    const Staff& staff = state.staff;
    const auto size = std::min<std::size_t>(static_cast<std::size_t>(w.cohort_size), staff.size());
    const auto kind_of = [&](std::uint32_t u) {
      return static_cast<std::size_t>(model.organisations.kind[staff.org[u]]);
    };
    // Quotas per kind of organisation.
    std::array<double, kOrgKindCount> weight{};
    std::array<std::size_t, kOrgKindCount> available{};
    for (std::uint32_t u = 0; u < staff.size(); ++u)
      ++available[kind_of(u)];
    double weights = 0.0;
    for (std::size_t k = 0; k < kOrgKindCount; ++k) {
      weight[k] = available[k] > 0 ? w.mix[k] : 0.0;
      weights += weight[k];
    }
    std::array<std::size_t, kOrgKindCount> quota{};
    if (weights <= 0.0) return {};
    std::array<std::pair<double, std::size_t>, kOrgKindCount> remainder{};
    std::size_t given = 0;
    for (std::size_t k = 0; k < kOrgKindCount; ++k) {
      const double exact = static_cast<double>(size) * weight[k] / weights;
      quota[k] = std::min(available[k], static_cast<std::size_t>(exact));
      given += quota[k];
      remainder[k] = {exact - std::floor(exact), k};
    }
    std::stable_sort(remainder.begin(), remainder.end(),
                     [](const auto& x, const auto& y) { return x.first > y.first; });
    for (std::size_t pass = 0; given < size && pass < 4; ++pass) {
      for (const auto& [fraction, k] : remainder) {
        if (given < size && weight[k] > 0.0 && quota[k] < available[k]) ++quota[k], ++given;
      }
    }
    // Quotas per role, the same way (seed 004: "a 'diagonal slice' of hierarchy and
    // organization"); lifted if the chain cannot fill them.
    const auto role_of = [&](std::uint32_t u) { return static_cast<std::size_t>(staff.role[u]); };
    std::array<std::size_t, kStaffRoleCount> role_quota{}, role_taken{}, role_available{};
    for (std::uint32_t u = 0; u < staff.size(); ++u)
      ++role_available[role_of(u)];
    {
      std::array<double, kStaffRoleCount> rw{};
      double rsum = 0.0;
      for (std::size_t r = 0; r < kStaffRoleCount; ++r) {
        rw[r] = role_available[r] > 0 ? w.role_mix[r] : 0.0;
        rsum += rw[r];
      }
      std::size_t rgiven = 0;
      std::array<std::pair<double, std::size_t>, kStaffRoleCount> rrem{};
      for (std::size_t r = 0; r < kStaffRoleCount; ++r) {
        const double exact = rsum > 0 ? static_cast<double>(size) * rw[r] / rsum : 0.0;
        role_quota[r] = std::min(role_available[r], static_cast<std::size_t>(exact));
        rgiven += role_quota[r];
        rrem[r] = {exact - std::floor(exact), r};
      }
      std::stable_sort(rrem.begin(), rrem.end(),
                       [](const auto& x, const auto& y) { return x.first > y.first; });
      for (std::size_t pass = 0; rgiven < size && pass < 4; ++pass) {
        for (const auto& [fraction, r] : rrem) {
          if (rgiven < size && rw[r] > 0.0 && role_quota[r] < role_available[r])
            ++role_quota[r], ++rgiven;
        }
      }
      if (rsum <= 0.0) role_quota = role_available;
    }
    std::array<std::size_t, kOrgKindCount> taken{};
    const auto room = [&](std::uint32_t u) {
      return taken[kind_of(u)] < quota[kind_of(u)] &&
             role_taken[role_of(u)] < role_quota[role_of(u)];
    };
    const auto appeal = [&](std::uint32_t u) {
      if (!room(u)) return 0.0;
      return w.mix[kind_of(u)] *
             (1.0 + w.system_minded_preference * (staff.mindset[u] + staff.system_share[u]));
    };
    std::vector<std::uint8_t> invited(staff.size(), 0);
    std::vector<std::uint32_t> cohort, queue;
    const auto invite_one = [&](std::uint32_t u) {
      invited[u] = 1;
      ++taken[kind_of(u)];
      ++role_taken[role_of(u)];
      cohort.push_back(u);
      queue.push_back(u);
    };
    Stream rng(model.scenario.run.seed, purpose::intervention,
               static_cast<std::uint32_t>(state.day), 0x494E0000u);
    const auto draw_seed = [&] {
      // Appeal changes as quotas fill, so the cumulative weights are recomputed per seed; seeds
      // are few.
      double total = 0.0;
      std::vector<double> cumulative(staff.size());
      for (std::uint32_t u = 0; u < staff.size(); ++u) {
        cumulative[u] = total += invited[u] ? 0.0 : appeal(u);
      }
      if (total <= 0.0) return false;
      const double x = rng.uniform() * total;
      const auto u = static_cast<std::uint32_t>(
          std::upper_bound(cumulative.begin(), cumulative.end(), x) - cumulative.begin());
      if (u >= staff.size() || invited[u]) return false;
      invite_one(u);
      return true;
    };
    for (int k = 0; k < w.seed_people && cohort.size() < size; ++k)
      draw_seed();
    std::size_t head = 0;
    while (cohort.size() < size) {
      if (head == queue.size()) {
        if (draw_seed()) continue;
        // Nobody left with room: the kinds' and the roles' quotas cannot both be met (a small
        // organisation has few managers); fill the rest by kind alone, then by anyone.
        if (role_quota != role_available) {
          role_quota = role_available;
        } else if (quota != available) {
          quota = available;
        } else {
          break;
        }
        continue;
      }
      const std::uint32_t u = queue[head++];
      // Each person names up to three people, weighted by tie strength x appeal.
      for (int named = 0; named < 3 && cohort.size() < size; ++named) {
        double sum = 0.0;
        for (std::uint32_t e : state.ties.edges_of(u)) {
          const std::uint32_t v = state.ties.other(e, u);
          if (!invited[v]) sum += state.ties.strength(e) * appeal(v);
        }
        if (sum <= 0.0) break;
        double x = rng.uniform() * sum;
        for (std::uint32_t e : state.ties.edges_of(u)) {
          const std::uint32_t v = state.ties.other(e, u);
          if (invited[v]) continue;
          x -= state.ties.strength(e) * appeal(v);
          if (x < 0.0) {
            invite_one(v);
            break;
          }
        }
      }
    }
    return cohort;
  }
};

}  // namespace

std::unique_ptr<InterventionModule> make_workshop() {
  return std::make_unique<Workshop>();
}

}  // namespace caresim::detail
