// a_and_e and discharge: the acute trust's front door and back door.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <string>

#include "care_detail.hpp"

namespace caresim::detail {
namespace {

bool weekend(const Model& model, int day) {
  return model.weekday(day) >= 5;
}

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
        // Mean stay by chronic state and age band; a stay that would end at the weekend is
        // extended to Monday with probability 1 - weekend_discharge_ratio (3.6).
        const double mean_stay =
            h.length_of_stay_days[chronic] * h.length_of_stay_age_factor[c.age_band[i]];
        double fit = now + rng.exponential(1.0 / mean_stay);
        const int fit_day = static_cast<int>(std::floor(fit));
        const int fit_weekday = model.weekday(fit_day);
        if (fit_weekday >= 5 && !rng.bernoulli(h.weekend_discharge_ratio))
          fit += static_cast<double>(7 - fit_weekday);
        c.next_event_time[i] = fit;
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

/// Discharge of medically fit patients who need support to leave (3.7). Each waits for one
/// thing, drawn when they join the queue: a home-care package (care_home_share and
/// nhs_care_share leave the rest), a care-home place, or NHS community or intermediate care or
/// an assessment. In the order they became fit, while today's capacity for their reason lasts:
///   home care: packages from the care providers (block contract plus spot purchases that grow
///     with the queue, up to their whole capacity), rationed when social care overspends;
///   care home: min(places a day, waiting / care_home_wait_days);
///   NHS care:  min(slots a day, waiting / nhs_care_wait_days);
/// each discharge is a cross-organisation episode (acute <-> social care for a package or a
/// care-home place, acute <-> community for NHS care, in the patient's locality). A success
/// uses one unit and the patient leaves (home, or into care for a care-home place); a failed
/// hand-off wastes half a unit and the patient stays another day: a delayed discharge. At the
/// weekend each capacity runs at weekend_discharge_ratio. Over full occupancy, the trust
/// escalates: delayed patients move to interim care beds. Up to one unit of each capacity left
/// at the end of the day carries over to the next.
class Discharge final : public Phase {
 public:
  std::string_view name() const override { return "discharge"; }

  void run(const Model& model, State& state) const override {
    const HospitalSettings& h = model.scenario.hospital;
    Citizens& c = state.citizens;
    assign_reasons(model, state);
    std::array<double, kDelayReasonCount> waiting{};
    for (std::uint8_t r : state.delay_reason)
      waiting[r] += 1.0;
    // Packages come from the care providers: the block contract's share of their capacity,
    // plus spot purchases for a share of the waiting patients, up to their whole capacity.
    const ServiceSettings& sv = model.scenario.services;
    double providers = 0.0;
    for (std::uint32_t o : model.orgs_of_kind[static_cast<std::size_t>(OrgKind::care_home)])
      providers += state.capacity[o];
    const auto home_care = static_cast<std::size_t>(DelayReason::home_care);
    const auto care_home = static_cast<std::size_t>(DelayReason::care_home);
    const auto nhs_care = static_cast<std::size_t>(DelayReason::nhs_care);
    std::array<double, kDelayReasonCount> places{};
    places[home_care] = std::min(providers, sv.commissioned_package_share * providers +
                                                sv.spot_purchase_per_day * waiting[home_care]);
    const double budget = package_budget_per_day(state);
    const double overspend = budget > 0 ? state.social_care_spend_per_day / budget - 1.0 : 0.0;
    places[home_care] *= 1.0 - std::clamp(overspend * h.rationing_slope, 0.0, 0.3);
    const double residents_100k = static_cast<double>(c.size()) / 1e5;
    places[care_home] =
        std::min(h.care_home_places_per_100k_day * residents_100k *
                     (1.0 - state.capacity_cut[static_cast<std::size_t>(OrgKind::care_home)]),
                 waiting[care_home] / h.care_home_wait_days);
    places[nhs_care] =
        std::min(h.nhs_care_places_per_100k_day * residents_100k *
                     (1.0 - state.capacity_cut[static_cast<std::size_t>(OrgKind::community)]),
                 waiting[nhs_care] / h.nhs_care_wait_days);
    if (weekend(model, state.day)) {
      for (double& p : places)
        p *= h.weekend_discharge_ratio;
    }
    places[home_care] += state.package_credit;
    places[care_home] += state.care_home_credit;
    places[nhs_care] += state.nhs_care_credit;
    end_interim_stays(model, state);
    double interim_beds = 0.0;
    for (std::uint32_t o : model.orgs_of_kind[static_cast<std::size_t>(OrgKind::care_home)])
      interim_beds += model.organisations.staff_count[o];
    interim_beds *= h.interim_beds_per_care_staff *
                    (1.0 - state.capacity_cut[static_cast<std::size_t>(OrgKind::care_home)]);
    const double occupancy = static_cast<double>(state.in_hospital) / h.beds;
    const double escalate = std::min(0.5, h.escalation * std::max(0.0, occupancy - 1.0));
    std::vector<std::uint32_t> still_waiting;
    std::vector<std::uint8_t> still_reason;
    still_waiting.reserve(state.delayed_discharges.size());
    still_reason.reserve(state.delayed_discharges.size());
    for (std::size_t k = 0; k < state.delayed_discharges.size(); ++k) {
      const std::uint32_t i = state.delayed_discharges[k];
      const std::uint8_t reason = state.delay_reason[k];
      Stream rng(model.scenario.run.seed, purpose::discharge, static_cast<std::uint32_t>(state.day),
                 c.id[i]);
      rng.next_u64();  // the first value decided the need for support
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
      double& left = places[reason];
      if (left < 1.0) {
        still_waiting.push_back(i);
        still_reason.push_back(reason);
        continue;
      }
      const std::uint32_t locality = model.neighbourhoods.pcn[c.neighbourhood[i]];
      const OrgKind partner = reason == nhs_care ? OrgKind::community : OrgKind::social_care;
      if (!attempt_coordination(model, state, Episode::discharge, OrgKind::acute, partner, locality,
                                rng)) {
        left -= 0.5;
        still_waiting.push_back(i);
        still_reason.push_back(reason);
        continue;
      }
      left -= 1.0;
      --state.in_hospital;
      ++state.today.discharges;
      if (reason == care_home) {
        c.health[i] = static_cast<std::uint8_t>(Health::in_care);
        ++state.in_care;
      } else {
        c.health[i] = c.chronic[i];
        if (reason == home_care) ++state.today.packages_started;
      }
      c.next_event_time[i] = next_candidate_time(model, c, i, state.day + 0.5, rng);
      file_in_calendar(state, i);
    }
    state.delayed_discharges = std::move(still_waiting);
    state.delay_reason = std::move(still_reason);
    state.package_credit = std::min(places[home_care], 1.0);
    state.care_home_credit = std::min(places[care_home], 1.0);
    state.nhs_care_credit = std::min(places[nhs_care], 1.0);
  }

 private:
  /// What each patient who joined the queue since yesterday waits for: a care-home place with
  /// probability care_home_share, NHS care with nhs_care_share, else a home-care package.
  static void assign_reasons(const Model& model, State& state) {
    const HospitalSettings& h = model.scenario.hospital;
    for (std::size_t k = state.delay_reason.size(); k < state.delayed_discharges.size(); ++k) {
      const std::uint32_t i = state.delayed_discharges[k];
      Stream rng(model.scenario.run.seed, purpose::delay_reason,
                 static_cast<std::uint32_t>(state.day), state.citizens.id[i]);
      const double u = rng.uniform();
      const DelayReason reason = u < h.care_home_share ? DelayReason::care_home
                                 : u < h.care_home_share + h.nhs_care_share
                                     ? DelayReason::nhs_care
                                     : DelayReason::home_care;
      state.delay_reason.push_back(static_cast<std::uint8_t>(reason));
    }
  }

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
