// a_and_e and discharge: the acute trust's front door and back door.
#include <algorithm>
#include <cmath>

#include "care_detail.hpp"

namespace caresim::detail {
namespace {

/// A&E: today's attendances against today's capacity, and exit block from bed occupancy.
///   within 4 h (not admitted) ~ Bernoulli(q), q = max / (1 + (N / C / half)^power)
///   admitted: also needs a bed in time: blocked ~ Bernoulli(logistic((occ - mid) / width))
///   gaming: a breach is pulled inside 4 h with probability gaming x strength (and counted as a
///   last-minute departure), as target pressure near the threshold makes staff do.
class AandE final : public Phase {
 public:
  std::string_view name() const override { return "a_and_e"; }

  void run(const Model& model, State& state) const override {
    const HospitalSettings& h = model.scenario.hospital;
    const std::uint32_t acute = model.first_org_of_kind[static_cast<std::size_t>(OrgKind::acute)];
    Citizens& c = state.citizens;
    DailyTallies& tally = state.today;
    const double n = static_cast<double>(state.attendances.size());
    const double capacity = acute == kNone ? 0.0 : state.capacity[acute];
    const double utilisation = capacity > 0 ? n / capacity : 10.0;
    const double seen_in_time =
        h.max_within_4h / (1.0 + std::pow(utilisation / h.utilisation_half, h.utilisation_power));
    const double occupancy = static_cast<double>(state.in_hospital) / h.beds;
    const double blocked = logistic((occupancy - h.exit_block_midpoint) / h.exit_block_width);
    const double gaming = acute == kNone ? 0.0 : state.gaming[acute] * h.gaming_strength;
    if (acute != kNone) {
      tally.demand_by_org[acute] += state.attendances.size();
      state.served[acute] = n;
    }
    for (std::uint32_t i : state.attendances) {
      Stream rng(model.scenario.run.seed, purpose::a_and_e, static_cast<std::uint32_t>(state.day),
                 c.id[i]);
      const std::size_t chronic = c.chronic[i];
      const bool admitted = rng.bernoulli(h.admission_probability[chronic]);
      bool in_time = rng.bernoulli(seen_in_time);
      const bool bed_in_time = !rng.bernoulli(blocked);
      if (admitted) in_time = in_time && bed_in_time;
      const bool gamed = rng.bernoulli(gaming) && !in_time;
      const bool last_minute = rng.bernoulli(h.last_minute_share);
      if (in_time || gamed) ++tally.a_and_e_within_4h;
      if (gamed) ++tally.a_and_e_gamed;
      if ((in_time && last_minute) || gamed) ++tally.a_and_e_last_minute;
      const double now = state.day + 0.5;
      if (admitted) {
        c.health[i] = static_cast<std::uint8_t>(Health::hospital);
        c.next_event_time[i] = now + rng.exponential(1.0 / h.length_of_stay_days[chronic]);
        ++state.in_hospital;
        ++tally.admissions;
        ++tally.admissions_by_neighbourhood[c.neighbourhood[i]];
      } else {
        c.health[i] = c.chronic[i];
        c.next_event_time[i] = next_candidate_time(model, c, i, now, rng);
      }
      file_in_calendar(state, i);
    }
    state.attendances.clear();
  }
};

/// Discharge of medically fit patients who need a care package: in the order they became fit,
/// while the care providers have package capacity today (block contract plus spot purchases
/// that grow with the queue, up to their whole capacity), each patient's discharge is a cross-
/// organisation episode (acute <-> social care in the patient's locality). A success uses one
/// package and the patient leaves (into care with probability care_home_share); a failed hand-off
/// wastes half a package's effort and the patient stays another day: a delayed discharge.
/// Social care rations packages when its spend runs over budget. Over full occupancy, the trust
/// escalates: delayed patients move to interim care beds. Up to one package of capacity left at
/// the end of the day carries over to the next (package_credit).
class Discharge final : public Phase {
 public:
  std::string_view name() const override { return "discharge"; }

  void run(const Model& model, State& state) const override {
    const HospitalSettings& h = model.scenario.hospital;
    Citizens& c = state.citizens;
    // Packages come from the care providers: the block contract's share of their capacity,
    // plus spot purchases for a share of the waiting patients, up to their whole capacity.
    const ServiceSettings& sv = model.scenario.services;
    double providers = 0.0;
    for (std::uint32_t o : model.orgs_of_kind[static_cast<std::size_t>(OrgKind::care_home)])
      providers += state.capacity[o];
    const double waiting = static_cast<double>(state.delayed_discharges.size());
    double packages = std::min(providers, sv.commissioned_package_share * providers +
                                              sv.spot_purchase_per_day * waiting);
    const double budget = package_budget_per_day(state);
    const double overspend =
        budget > 0 ? state.social_care_spend_per_day / budget - 1.0 : 0.0;
    packages *= 1.0 - std::clamp(overspend * h.rationing_slope, 0.0, 0.3);
    packages += state.package_credit;
    end_interim_stays(model, state);
    double interim_beds = 0.0;
    for (std::uint32_t o : model.orgs_of_kind[static_cast<std::size_t>(OrgKind::care_home)])
      interim_beds += model.organisations.staff_count[o];
    interim_beds *= h.interim_beds_per_care_staff *
                    (1.0 - state.capacity_cut[static_cast<std::size_t>(OrgKind::care_home)]);
    const double occupancy = static_cast<double>(state.in_hospital) / h.beds;
    const double escalate = std::min(0.5, h.escalation * std::max(0.0, occupancy - 1.0));
    std::vector<std::uint32_t> still_waiting;
    still_waiting.reserve(state.delayed_discharges.size());
    for (std::uint32_t i : state.delayed_discharges) {
      Stream rng(model.scenario.run.seed, purpose::discharge, static_cast<std::uint32_t>(state.day),
                 c.id[i]);
      rng.next_u64();  // the first value decided the need for a package
      // An interim care bed, for want of a hospital bed, while one is free.
      if (rng.bernoulli(escalate) &&
          static_cast<double>(state.interim_care.size()) + 1.0 <= interim_beds) {
        --state.in_hospital;
        ++state.today.discharges;
        ++state.today.interim_admissions;
        c.health[i] = static_cast<std::uint8_t>(Health::in_care);
        ++state.in_care;
        Stream stay(model.scenario.run.seed, purpose::interim_care,
                    static_cast<std::uint32_t>(state.day), c.id[i]);
        const double days = std::min(365.0, std::ceil(stay.exponential(1.0 / h.interim_stay_days)));
        state.interim_care.push_back({i, c.id[i], static_cast<std::int32_t>(state.day + days)});
        c.next_event_time[i] = next_candidate_time(model, c, i, state.day + 0.5, rng);
        file_in_calendar(state, i);
        continue;
      }
      if (packages < 1.0) {
        still_waiting.push_back(i);
        continue;
      }
      const std::uint32_t locality = model.neighbourhoods.pcn[c.neighbourhood[i]];
      if (!attempt_coordination(model, state, Episode::discharge, OrgKind::acute,
                                OrgKind::social_care, locality, rng)) {
        packages -= 0.5;
        still_waiting.push_back(i);
        continue;
      }
      packages -= 1.0;
      --state.in_hospital;
      ++state.today.discharges;
      if (rng.bernoulli(h.care_home_share)) {
        c.health[i] = static_cast<std::uint8_t>(Health::in_care);
        ++state.in_care;
      } else {
        c.health[i] = c.chronic[i];
        ++state.today.packages_started;
      }
      c.next_event_time[i] = next_candidate_time(model, c, i, state.day + 0.5, rng);
      file_in_calendar(state, i);
    }
    state.delayed_discharges = std::move(still_waiting);
    state.package_credit = std::min(packages, 1.0);
  }

 private:
  /// Interim stays ending today: the patient moves on to long-term care with probability
  /// interim_to_long_term_care, else goes home to their chronic state. Those who died are gone.
  static void end_interim_stays(const Model& model, State& state) {
    Citizens& c = state.citizens;
    std::size_t kept = 0;
    for (const InterimStay& s : state.interim_care) {
      const std::uint32_t i = s.citizen;
      if (c.id[i] != s.id || c.health[i] != static_cast<std::uint8_t>(Health::in_care)) continue;
      if (s.end_day > state.day) {
        state.interim_care[kept++] = s;
        continue;
      }
      Stream rng(model.scenario.run.seed, purpose::interim_care,
                 static_cast<std::uint32_t>(state.day), c.id[i]);
      if (rng.bernoulli(model.scenario.hospital.interim_to_long_term_care)) {
        ++state.today.interim_to_long_term;
        continue;  // stays in care, for good
      }
      c.health[i] = c.chronic[i];
      --state.in_care;
      c.next_event_time[i] = next_candidate_time(model, c, i, state.day + 0.5, rng);
      file_in_calendar(state, i);  // the entry filed while in care is now stale
    }
    state.interim_care.resize(kept);
  }
};

}  // namespace

std::unique_ptr<Phase> make_a_and_e_phase() {
  return std::make_unique<AandE>();
}
std::unique_ptr<Phase> make_discharge_phase() {
  return std::make_unique<Discharge>();
}

}  // namespace caresim::detail
