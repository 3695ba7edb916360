// Day-two workshop (seed 004, "Workshop 2"): a day-one cohort meets again two months later.
// People reconnect; a wants-and-offers marketplace solves problems and forms ties; Asset Based
// Community Development turns attention to the priority neighbourhoods: new ties to third-sector
// staff working there, and more preventive effort there for a while.
#include <cmath>

#include "cohort.hpp"
#include "registry.hpp"

namespace caresim::detail {
namespace {

/// Parameters (`day_two_workshop:` under the intervention; docs/model.md).
struct DayTwoSpec {
  double reconnect = 0.3;              ///< ties among the cohort gain this x (1 - w)
  double vision_gain = 0.15;           ///< times (1 - vision)
  double dissatisfaction_gain = 0.15;  ///< data on deprived areas: times (1 - dissatisfaction)
  int wants_per_person = 2;
  int offers_per_person = 2;
  int approaches_per_want = 3;          ///< people a participant approaches about each want
  double match_probability = 0.2;       ///< an approach meets an offer: same org kind, already tied
  double cross_org_bonus = 1.0;         ///< x (1 + this) when the two work in different kinds
  double distance_bonus = 0.5;          ///< x (1 + this) when the two were not tied
  double new_tie_strength = 0.3;        ///< a match between people not yet tied
  double strengthen = 0.3;              ///< a match between tied people: w gains this x (1 - w)
  int abcd_ties = 1;                    ///< new ties per participant to third-sector priority staff
  double abcd_prevention_share = 0.05;  ///< extra effort each participant gives prevention there
  int abcd_days = 180;                  ///< how long that extra prevention effort lasts

  bool operator==(const DayTwoSpec&) const = default;
};

template <class V>
void visit(V& v, DayTwoSpec& d) {
  v.field("reconnect", d.reconnect, kProbability, "fraction",
          "existing ties among the cohort gain this times (1 - w): people reconnect");
  v.field("vision_gain", d.vision_gain, kProbability, "fraction",
          "shared vision gained, times (1 - vision)");
  v.field("dissatisfaction_gain", d.dissatisfaction_gain, kProbability, "fraction",
          "dissatisfaction with the present gained from the data on deprived areas, times (1 - d)");
  v.field("wants_per_person", d.wants_per_person, IntRange{0, 100}, "wants",
          "wants each participant posts in the marketplace");
  v.field("offers_per_person", d.offers_per_person, IntRange{0, 100}, "offers",
          "offers each participant posts; each offer meets at most one want");
  v.field("approaches_per_want", d.approaches_per_want, IntRange{0, 100}, "people",
          "participants approached about each want (at random) until it is met");
  v.field("match_probability", d.match_probability, kProbability, "fraction",
          "chance an approach meets an offer, between tied people of the same kind of "
          "organisation");
  v.field("cross_org_bonus", d.cross_org_bonus, kNonNegative, "factor",
          "the chance is multiplied by (1 + this) between different kinds of organisation");
  v.field("distance_bonus", d.distance_bonus, kNonNegative, "factor",
          "the chance is multiplied by (1 + this) between people not yet tied");
  v.field("new_tie_strength", d.new_tie_strength, RealRange{0.0, 1.0, true}, "0..1",
          "strength of the tie a match forms between people not yet tied");
  v.field("strengthen", d.strengthen, kProbability, "fraction",
          "a match between tied people strengthens the tie by this times (1 - w)");
  v.field("abcd_ties", d.abcd_ties, IntRange{0, 100}, "ties",
          "new ties per participant to third-sector staff working in priority localities");
  v.field("abcd_prevention_share", d.abcd_prevention_share, kProbability, "fraction",
          "extra share of their effort each participant gives prevention in the priority "
          "localities");
  v.field("abcd_days", d.abcd_days, IntRange{0, 36500}, "days",
          "how long that extra prevention effort lasts");
}

const InterventionKindInfo kDayTwoWorkshopInfo{
    .name = "day_two_workshop",
    .section = "day_two_workshop",
    .doc =
        "A day-two workshop (seed 004): a day-one cohort meets again two months later. "
        "Reconnecting, a wants-and-offers marketplace, and Asset Based Community Development "
        "(ABCD) in the priority neighbourhoods.",
    .make_params = [] { return KindParams::of<DayTwoSpec>(); },
    .needs_cohort = true,
};

class DayTwoWorkshop final : public InterventionModule {
 public:
  const InterventionKindInfo& info() const override { return kDayTwoWorkshopInfo; }

  /// The workshop itself is one day; the ABCD prevention effort lasts abcd_days.
  bool active(const InterventionSpec& spec, int day) const override {
    return day >= spec.day && day < spec.day + std::max(1, spec.params.as<DayTwoSpec>().abcd_days);
  }

  /// A day of each participant's time on its day; then, while the ABCD effort lasts, the share
  /// of their effort they give to prevention in the priority localities (as apply stages it).
  void staff_time(const InterventionSpec& spec, const Model& model, const State& state, int day,
                  std::vector<double>& staff_days) const override {
    const DayTwoSpec& d = spec.params.as<DayTwoSpec>();
    const std::vector<std::uint32_t> cohort = named_cohort(model, state, spec);
    if (day == spec.day) charge_staff_days(state, cohort, 1.0, staff_days);
    if (day < spec.day + d.abcd_days && !priority_localities(model).empty()) {
      const double share = std::min(1.0, d.abcd_prevention_share * state.relational_gain);
      for (const std::uint32_t u : cohort)
        staff_days[state.staff.org[u]] += share * state.staff.energy[u];
    }
  }

  void apply(const InterventionSpec& spec, const Model& model, State& state) const override {
    const DayTwoSpec& d = spec.params.as<DayTwoSpec>();
    const std::vector<std::uint32_t> cohort = named_cohort(model, state, spec);
    if (cohort.empty()) return;
    const std::vector<std::uint32_t> priority = priority_localities(model);
    if (state.day == spec.day) {
      const std::size_t index = intervention_index(model, spec);
      reconnect(d, cohort, state);
      marketplace(d, cohort, model, state, index);
      abcd_ties(d, cohort, priority, model, state, index);
    }
    if (state.day < spec.day + d.abcd_days && !priority.empty()) {
      // Each participant still in post gives abcd_prevention_share of their effort to
      // prevention in the priority localities, spread evenly over them.
      double effort = 0.0;
      for (std::uint32_t u : cohort)
        effort += state.staff.energy[u];
      effort *= std::min(1.0, d.abcd_prevention_share * state.relational_gain);
      for (std::uint32_t l : priority)
        state.levers.prevention_extra[l] += effort / static_cast<double>(priority.size());
    }
  }

 private:
  /// Localities (PCNs) that hold at least one priority neighbourhood.
  static std::vector<std::uint32_t> priority_localities(const Model& model) {
    std::vector<std::uint8_t> is_priority(model.pcn_count, 0);
    const Neighbourhoods& nb = model.neighbourhoods;
    for (std::size_t i = 0; i < nb.size(); ++i) {
      if (nb.priority[i] && nb.pcn[i] < model.pcn_count) is_priority[nb.pcn[i]] = 1;
    }
    std::vector<std::uint32_t> out;
    for (std::uint32_t l = 0; l < model.pcn_count; ++l) {
      if (is_priority[l]) out.push_back(l);
    }
    return out;
  }

  /// Reconnecting: every tie among the cohort (those formed on day one and any others) gains
  /// reconnect x (1 - w); vision and dissatisfaction with the present rise.
  static void reconnect(const DayTwoSpec& d, const std::vector<std::uint32_t>& cohort,
                        State& state) {
    auto strengths = state.ties.strengths();
    const float gain = relational(d.reconnect, state);
    for (std::size_t i = 0; i < cohort.size(); ++i) {
      for (std::size_t j = i + 1; j < cohort.size(); ++j) {
        const std::uint32_t e = state.ties.find(cohort[i], cohort[j]);
        if (e != kNone) strengths[e] += gain * (1.0f - strengths[e]);
      }
    }
    Staff& staff = state.staff;
    const float vision = relational(d.vision_gain, state);
    const auto dissatisfaction = static_cast<float>(d.dissatisfaction_gain);
    for (std::uint32_t u : cohort) {
      staff.vision[u] += vision * (1.0f - staff.vision[u]);
      staff.dissatisfaction[u] += dissatisfaction * (1.0f - staff.dissatisfaction[u]);
    }
  }

  /// Wants and offers: each participant, in turn, approaches approaches_per_want participants
  /// at random about each of their wants; an approach to someone with an offer left meets the
  /// want with probability min(1, p (1 + cross x [different kinds]) (1 + distance x [not tied])).
  /// A met want is a solved problem and ties the two (or strengthens their tie).
  static void marketplace(const DayTwoSpec& d, const std::vector<std::uint32_t>& cohort,
                          const Model& model, State& state, std::size_t index) {
    const std::size_t n = cohort.size();
    if (n < 2) return;
    std::vector<int> offers(n, d.offers_per_person);
    const Staff& staff = state.staff;
    for (std::size_t i = 0; i < n; ++i) {
      const std::uint32_t u = cohort[i];
      Stream rng(model.scenario.run.seed, purpose::intervention,
                 intervention_step(index, state.day), staff.id[u]);
      for (int want = 0; want < d.wants_per_person; ++want) {
        for (int a = 0; a < d.approaches_per_want; ++a) {
          const std::size_t j = rng.below(n);
          const double draw = rng.uniform();  // two draws per approach, met or not
          const std::uint32_t v = cohort[j];
          if (j == i || offers[j] == 0) continue;
          const bool cross =
              model.organisations.kind[staff.org[u]] != model.organisations.kind[staff.org[v]];
          const bool tied = state.ties.find(u, v) != kNone;
          const double p = d.match_probability * (cross ? 1.0 + d.cross_org_bonus : 1.0) *
                           (tied ? 1.0 : 1.0 + d.distance_bonus);
          if (draw >= p) continue;
          --offers[j];
          ++state.problems_solved;
          tie_up(state, u, v, d.strengthen, d.new_tie_strength);
          break;
        }
      }
    }
  }

  /// ABCD: each participant meets abcd_ties third-sector staff working in priority localities
  /// (drawn at random).
  static void abcd_ties(const DayTwoSpec& d, const std::vector<std::uint32_t>& cohort,
                        const std::vector<std::uint32_t>& priority, const Model& model,
                        State& state, std::size_t index) {
    const auto& by_locality =
        model.staff_by_kind_locality[static_cast<std::size_t>(OrgKind::third_sector)];
    std::vector<std::uint32_t> local;
    for (std::uint32_t l : priority) {
      if (l < by_locality.size())
        local.insert(local.end(), by_locality[l].begin(), by_locality[l].end());
    }
    if (local.empty()) {
      // No third-sector staff work in a priority locality (the generator places a small
      // organisation's teams in the first localities only): meet third-sector staff anywhere.
      for (const auto& staff : by_locality)
        local.insert(local.end(), staff.begin(), staff.end());
    }
    if (local.empty()) return;
    for (std::uint32_t u : cohort) {
      Stream rng(model.scenario.run.seed, purpose::intervention,
                 intervention_step(index, state.day), 0x41000000u + state.staff.id[u]);
      for (int k = 0; k < d.abcd_ties; ++k) {
        const std::uint32_t v = local[rng.below(local.size())];
        tie_up(state, u, v, d.strengthen, d.new_tie_strength);
      }
    }
  }
};

}  // namespace

std::unique_ptr<InterventionModule> make_day_two_workshop() {
  return std::make_unique<DayTwoWorkshop>();
}

}  // namespace caresim::detail
