// capacity, services, vaccination and targets: what organisations can do, what they do, and how
// they are judged.
#include <algorithm>
#include <cmath>

#include "care_detail.hpp"
#include "caresim/care/targets.hpp"
#include "caresim/core/parallel.hpp"

namespace caresim::detail {
namespace {

constexpr double kMonth = 28.0;  // smoothing of metrics and service levels, days

std::size_t kind_of(const Model& m, std::uint32_t org) {
  return static_cast<std::size_t>(m.organisations.kind[org]);
}

/// Capacity comes from staff effort: capacity_o = sum over staff of energy (1 - system share)
/// x episodes_per_staff_day(kind) x (1 - funding cut). System work (energy x system share) goes
/// to the staff member's locality, half as prevention and half as joint work, each a stock that
/// follows the day's work with its lag; their effects saturate: level = 1 - exp(-stock / sat).
/// Extra prevention and joint work staged by interventions today is added to the day's work.
class Capacity final : public Phase {
 public:
  std::string_view name() const override { return "capacity"; }

  void run(const Model& model, State& state) const override {
    const Scenario& s = model.scenario;
    state.flu_wave = 0.0;
    std::fill(std::begin(state.capacity_cut), std::end(state.capacity_cut), 0.0);
    for (const ShockSpec& shock : s.shocks) {
      if (state.day < shock.day || state.day >= shock.day + shock.days) continue;
      if (shock.kind == ShockKind::flu_wave) state.flu_wave += shock.magnitude;
      if (shock.kind == ShockKind::funding_cut) {
        auto& cut = state.capacity_cut[static_cast<std::size_t>(shock.org_kind)];
        cut = std::min(0.9, cut + shock.magnitude);
      }
    }
    const Staff& staff = state.staff;
    const std::size_t orgs = model.organisations.size();
    const std::size_t localities = model.pcn_count;
    struct Sums {
      std::vector<double> capacity, system_work, shifted;
    };
    const auto& shift = state.levers.priority_shift;
    const Sums identity{std::vector<double>(orgs, 0.0), std::vector<double>(localities, 0.0),
                        std::vector<double>(localities, 0.0)};
    Sums sums = deterministic_reduce(
        staff.size(), kGrain, identity,
        [&](std::size_t begin, std::size_t end, Sums& out) {
          for (std::size_t u = begin; u < end; ++u) {
            const double e = staff.energy[u], share = staff.system_share[u];
            out.capacity[staff.org[u]] += e * (1.0 - share);
            out.system_work[staff.locality[u]] += e * share;
            out.shifted[staff.locality[u]] += e * share * shift[kind_of(model, staff.org[u])];
          }
        },
        [](Sums& total, const Sums& part) {
          for (std::size_t i = 0; i < total.capacity.size(); ++i)
            total.capacity[i] += part.capacity[i];
          for (std::size_t i = 0; i < total.system_work.size(); ++i) {
            total.system_work[i] += part.system_work[i];
            total.shifted[i] += part.shifted[i];
          }
        });
    shift_to_priority_localities(model, sums.system_work, sums.shifted);
    for (std::uint32_t o = 0; o < orgs; ++o) {
      const std::size_t k = kind_of(model, o);
      state.capacity[o] =
          sums.capacity[o] * s.services.episodes_per_staff_day[k] * (1.0 - state.capacity_cut[k]);
    }
    const bool first = state.day == 0;
    for (std::size_t l = 0; l < localities; ++l) {
      const double per_1000 = model.residents_in_locality[l] > 0
                                  ? 1000.0 * sums.system_work[l] / model.residents_in_locality[l]
                                  : 0.0;
      const double half = 0.5 * per_1000;
      // Extra work interventions staged for today (day-two ABCD focus, Open Space groups).
      const double per_resident =
          model.residents_in_locality[l] > 0 ? 1000.0 / model.residents_in_locality[l] : 0.0;
      const double prevention_in = half + per_resident * state.levers.prevention_extra[l];
      const double joint_in = half + per_resident * state.levers.joint_work_extra[l];
      auto& prevention = state.prevention_work[l];
      auto& joint = state.joint_work[l];
      prevention = first ? prevention_in
                         : prevention + (prevention_in - prevention) / s.health.prevention_lag_days;
      joint = first ? joint_in : joint + (joint_in - joint) / s.coordination.joint_work_lag_days;
      state.prevention_coverage[l] = 1.0 - std::exp(-prevention / s.health.prevention_saturation);
      state.joint_work_level[l] = 1.0 - std::exp(-joint / s.coordination.joint_work_saturation);
    }
    double social_staff = 0.0;
    for (std::uint32_t o : model.orgs_of_kind[static_cast<std::size_t>(OrgKind::social_care)]) {
      social_staff += model.organisations.staff_count[o];
    }
    state.social_care_spend_per_day = (social_staff * s.budget.staff_cost_per_year +
                                       state.in_care * s.budget.care_cost_per_year) /
                                      365.25;
  }

 private:
  /// Resource shift (resource_shift interventions): the `shifted` system work of localities with
  /// no priority neighbourhood leaves them and is shared among the localities that have some, in
  /// proportion to their priority residents. The total is unchanged.
  static void shift_to_priority_localities(const Model& model, std::vector<double>& system_work,
                                           const std::vector<double>& shifted) {
    const Neighbourhoods& nb = model.neighbourhoods;
    std::vector<double> priority_residents(system_work.size(), 0.0);
    double weight = 0.0;
    for (std::size_t n = 0; n < nb.size(); ++n) {
      if (!nb.priority[n]) continue;
      priority_residents[nb.pcn[n]] += nb.residents[n];
      weight += nb.residents[n];
    }
    if (weight <= 0.0) return;
    double moved = 0.0;
    for (std::size_t l = 0; l < system_work.size(); ++l) {
      if (priority_residents[l] > 0.0) continue;
      moved += shifted[l];
      system_work[l] -= shifted[l];
    }
    if (moved <= 0.0) return;
    for (std::size_t l = 0; l < system_work.size(); ++l)
      system_work[l] += moved * priority_residents[l] / weight;
  }
};

/// GP access: each practice's appointment book. Today's capacity (plus up to one appointment
/// carried over) goes to the requests whose wanted day has come, earliest wanted day first, then
/// in the order asked; a request still unseen on its give-up day is abandoned, and with
/// probability gp_give_up_a_and_e the patient attends A&E that day (Cowling et al. 2013;
/// Whittaker et al. 2016). The queue is bounded: past-due requests leave at hazard
/// 1 / gp_patience_days, so the overdue backlog settles where arrivals beyond capacity equal
/// abandonments. Runs before a_and_e so today's abandoners are seen today.
class GpAccess final : public Phase {
 public:
  std::string_view name() const override { return "gp_access"; }

  void run(const Model& model, State& state) const override {
    Citizens& c = state.citizens;
    DailyTallies& tally = state.today;
    const int day = state.day;
    const auto by_wanted_day = [](const GpRequest& a, const GpRequest& b) {
      return a.wanted_day < b.wanted_day;
    };
    for (std::uint32_t o : model.orgs_of_kind[static_cast<std::size_t>(OrgKind::gp_practice)]) {
      auto& queue = state.gp_queue[o];
      // Stable: among equal wanted days, the order asked.
      std::stable_sort(queue.begin(), queue.end(), by_wanted_day);
      const double capacity = state.capacity[o] + state.gp_credit[o];
      const auto slots = static_cast<std::uint64_t>(std::max(0.0, std::floor(capacity)));
      std::uint64_t seen = 0, overdue = 0;
      double waits = 0.0;
      std::size_t kept = 0;
      for (std::size_t k = 0; k < queue.size(); ++k) {
        const GpRequest r = queue[k];
        if (c.id[r.citizen] != r.id) continue;  // died while waiting
        if (r.wanted_day <= day && seen < slots) {
          ++seen;
          const int wait = day - r.asked_day;
          waits += wait;
          if (wait == 0) ++tally.gp_same_day;
          if (wait <= 14) ++tally.gp_within_14_days;
          continue;
        }
        const bool at_home = c.health[r.citizen] <= static_cast<std::uint8_t>(Health::complex);
        if (r.crisis_day <= day && r.crisis_day <= r.give_up_day) {
          // Deteriorated while waiting: an acute episode, seen in A&E today (3.5).
          if (at_home) {
            go_to_a_and_e(state, r.citizen);
            ++tally.gp_wait_crises;
          }
          continue;
        }
        if (r.give_up_day <= day) {
          ++tally.gp_gave_up;
          if (r.to_a_and_e && at_home) {
            go_to_a_and_e(state, r.citizen);
            ++tally.gp_gave_up_a_and_e;
          }
          continue;
        }
        if (r.wanted_day <= day) ++overdue;
        queue[kept++] = r;
      }
      queue.resize(kept);
      tally.gp_appointments += seen;
      tally.gp_wait_days += waits;
      state.gp_credit[o] = std::min(1.0, capacity - static_cast<double>(seen));
      state.served[o] = static_cast<double>(seen);
      state.backlog[o] = static_cast<double>(overdue);
      state.gp_mean_wait[o] = seen > 0 ? waits / static_cast<double>(seen) : NAN;
    }
  }

 private:
  /// Left the practice's book for A&E (gave up, or deteriorated while waiting): attends in
  /// today's a_and_e phase. Their calendar entry becomes stale; a_and_e files them again. The
  /// caller counts why.
  static void go_to_a_and_e(State& state, std::uint32_t i) {
    Citizens& c = state.citizens;
    DailyTallies& tally = state.today;
    c.health[i] = static_cast<std::uint8_t>(Health::acute);
    c.next_event_time[i] = INFINITY;
    state.calendar.filed_day[i] = -1;
    state.attendances.push_back(i);
    const std::uint16_t where = c.neighbourhood[i];
    ++tally.demand[static_cast<std::size_t>(Service::a_and_e)];
    ++tally.demand_by_neighbourhood[where];
    ++tally.a_and_e_by_neighbourhood[where];
  }
};

/// Each organisation's own service as a queue: backlog += arrivals; served = min(backlog,
/// capacity); wait = backlog / capacity. Care providers' capacity goes to discharge packages
/// (the discharge phase). Community care's service level (share of demand met, smoothed) feeds citizens'
/// health.
class Services final : public Phase {
 public:
  std::string_view name() const override { return "services"; }

  void run(const Model& model, State& state) const override {
    double community_demand = 0.0, community_capacity = 0.0;
    for (std::uint32_t o = 0; o < model.organisations.size(); ++o) {
      const OrgKind kind = model.organisations.kind[o];
      // A&E and GP practices have their own phases.
      if (kind == OrgKind::acute || kind == OrgKind::gp_practice) continue;
      // Care providers' capacity goes to home-care packages (the discharge phase).
      if (kind == OrgKind::care_home) continue;
      const double capacity = state.capacity[o];
      const double arrivals = static_cast<double>(state.today.demand_by_org[o]);
      state.backlog[o] += arrivals;
      state.served[o] = std::min(state.backlog[o], capacity);
      state.backlog[o] -= state.served[o];
      if (kind == OrgKind::community) {
        community_demand += arrivals;
        community_capacity += capacity;
      }
    }
    if (community_demand > 0) {
      const double level = std::min(1.0, community_capacity / community_demand);
      state.community_service_level += state.day == 0
                                           ? level - state.community_service_level
                                           : (level - state.community_service_level) / kMonth;
    }
  }
};

/// The autumn flu campaign for over-65s: in each neighbourhood, each campaign day, an outreach
/// episode (public health <-> GP practices of the locality); unvaccinated over-65s are vaccinated
/// with probability base x (1 + outreach_effect if the outreach worked) x (1 + the flu_campaign
/// intervention's gain from today's outreach successes, State::levers), drawn as a binomial.
class Vaccination final : public Phase {
 public:
  std::string_view name() const override { return "vaccination"; }

  void run(const Model& model, State& state) const override {
    const VaccinationSettings& v = model.scenario.vaccination;
    const int into_campaign =
        (model.day_of_year(state.day) - v.campaign_start_day_of_year + 365) % 365;
    if (into_campaign == 0) std::fill(state.vaccinated_65.begin(), state.vaccinated_65.end(), 0.0);
    if (into_campaign >= v.campaign_days) return;
    for (std::uint32_t n = 0; n < model.neighbourhoods.size(); ++n) {
      Stream rng(model.scenario.run.seed, purpose::vaccination,
                 static_cast<std::uint32_t>(state.day), n);
      const bool reached =
          attempt_coordination(model, state, Episode::outreach, OrgKind::public_health,
                               OrgKind::gp_practice, model.neighbourhoods.pcn[n], rng);
      const double rate = v.base_daily_rate * (1.0 + (reached ? v.outreach_effect : 0.0)) *
                          (1.0 + state.levers.flu_outreach_gain[n]);
      const auto unvaccinated = static_cast<std::uint64_t>(
          std::max(0.0, model.over_65_in_neighbourhood[n] - state.vaccinated_65[n]));
      const std::uint64_t jabs = rng.binomial(unvaccinated, std::min(1.0, rate));
      state.vaccinated_65[n] += static_cast<double>(jabs);
      state.today.vaccinations += jabs;
    }
  }
};

/// Targets: each organisation's metrics (smoothed over a month) against its kind's targets.
///   pressure_o = sum over targets of inspection x logistic(gap / width), gap > 0 when failing
/// so pressure is steepest at the threshold. Gaming intensity for the A&E target is
///   sum of inspection x 4 sigma (1 - sigma): largest exactly at the threshold, where a few
/// patients moved inside 4 hours change the verdict (Bevan & Hood 2006).
class Targets final : public Phase {
 public:
  std::string_view name() const override { return "targets"; }

  void run(const Model& model, State& state) const override {
    const DailyTallies& t = state.today;
    const double attendances =
        static_cast<double>(t.demand[static_cast<std::size_t>(Service::a_and_e)]);
    double over_65 = 0.0, vaccinated = 0.0;
    for (std::size_t n = 0; n < model.neighbourhoods.size(); ++n) {
      over_65 += model.over_65_in_neighbourhood[n];
      vaccinated += state.vaccinated_65[n];
    }
    for (std::uint32_t o = 0; o < model.organisations.size(); ++o) {
      auto& m = state.metric[o];
      const auto update = [&](TargetMetric which, double value) {
        if (!std::isfinite(value)) return;
        double& x = m[static_cast<std::size_t>(which)];
        x = std::isnan(x) ? value : x + (value - x) / kMonth;
      };
      const double capacity = state.capacity[o];
      const double wait = capacity > 0 ? state.backlog[o] / capacity : 365.0;
      switch (model.organisations.kind[o]) {
        case OrgKind::acute:
          if (attendances > 0) {
            update(TargetMetric::a_and_e_4h,
                   static_cast<double>(t.a_and_e_within_4h) / attendances);
          }
          update(TargetMetric::bed_occupancy,
                 static_cast<double>(state.in_hospital) / model.scenario.hospital.beds);
          break;
        case OrgKind::gp_practice:
          update(TargetMetric::gp_wait_days, state.gp_mean_wait[o]);
          break;
        case OrgKind::community:
          update(TargetMetric::community_wait_days, wait);
          break;
        case OrgKind::social_care:
          update(TargetMetric::social_care_wait_days,
                 capacity > 0 ? state.backlog[o] / capacity : 365.0);
          update(TargetMetric::social_care_budget,
                 state.social_care_spend_per_day / package_budget_per_day(state));
          break;
        case OrgKind::mental_health:
          update(TargetMetric::crisis_response,
                 state.served[o] + state.backlog[o] > 0
                     ? state.served[o] / (state.served[o] + state.backlog[o])
                     : 1.0);
          break;
        case OrgKind::public_health:
          if (over_65 > 0) update(TargetMetric::flu_uptake_65, vaccinated / over_65);
          break;
        default:
          break;
      }
      double pressure = 0.0, gaming = 0.0;
      const auto& scale = state.levers.inspection_scale[o];
      for (const TargetSpec& target : model.scenario.targets) {
        if (target.org_kind != model.organisations.kind[o]) continue;
        const auto metric = static_cast<std::size_t>(target.metric);
        const double value = m[metric];
        if (std::isnan(value)) continue;
        pressure += scale[metric] * target_pressure(target, value);
        if (target.metric == TargetMetric::a_and_e_4h) {
          gaming += scale[metric] * target_gaming(target, value);
        }
      }
      // What the organisation's leader passes on to staff (docs/model.md 3.14.12).
      const double passed = leader_choice(state, o).pressure_passed;
      state.pressure[o] = passed * pressure;
      state.gaming[o] = std::min(1.0, passed * gaming);
    }
    judge_shared_targets(model, state);
  }

 private:
  /// Shared system targets (target_regime, mode shared): the system's value of the metric is the
  /// mean over the organisations that measure it; each judged organisation feels
  /// inspection x logistic(gap / width) as shared pressure, which staff_effort reads as a pull
  /// towards system work.
  static void judge_shared_targets(const Model& model, State& state) {
    std::fill(state.shared_pressure.begin(), state.shared_pressure.end(), 0.0);
    for (const SharedTarget& shared : state.levers.shared_targets) {
      const auto metric = static_cast<std::size_t>(shared.target.metric);
      double total = 0.0, measured = 0.0;
      for (std::uint32_t o = 0; o < model.organisations.size(); ++o) {
        const double value = state.metric[o][metric];
        if (std::isnan(value)) continue;
        total += value;
        measured += 1.0;
      }
      if (measured == 0.0) continue;
      const double pressure = target_pressure(shared.target, total / measured);
      for (std::uint32_t o = 0; o < model.organisations.size(); ++o) {
        if (shared.judged[o]) state.shared_pressure[o] += pressure;
      }
    }
  }
};

}  // namespace

std::unique_ptr<Phase> make_capacity_phase() {
  return std::make_unique<Capacity>();
}
std::unique_ptr<Phase> make_gp_access_phase() {
  return std::make_unique<GpAccess>();
}
std::unique_ptr<Phase> make_services_phase() {
  return std::make_unique<Services>();
}
std::unique_ptr<Phase> make_vaccination_phase() {
  return std::make_unique<Vaccination>();
}
std::unique_ptr<Phase> make_targets_phase() {
  return std::make_unique<Targets>();
}

}  // namespace caresim::detail

namespace caresim {

double target_gap(const TargetSpec& target, double value) {
  const double gap = target.direction == TargetDirection::at_least ? target.threshold - value
                                                                   : value - target.threshold;
  return gap / target.width;
}

double target_pressure(const TargetSpec& target, double value) {
  return target.inspection * logistic(target_gap(target, value));
}

double target_gaming(const TargetSpec& target, double value) {
  const double sigma = logistic(target_gap(target, value));
  return target.inspection * 4.0 * sigma * (1.0 - sigma);
}

}  // namespace caresim
