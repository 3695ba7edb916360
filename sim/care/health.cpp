// citizen_health: the citizens' Markov chain of health states and their demand for services.
#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "care_detail.hpp"
#include "caresim/core/parallel.hpp"

namespace caresim::detail {
namespace {

constexpr std::uint8_t kAttended = 1, kDied = 2, kFit = 4, kEnteredCare = 8, kMovedOn = 16;

/// What one citizen's events today came to, written by its own task.
struct Outcome {
  std::array<std::uint8_t, kServiceCount> requests{};
  std::uint8_t flags = 0;
  std::uint8_t state_before = 0;
};

std::size_t idx(CitizenEvent e) {
  return static_cast<std::size_t>(e);
}

/// Each citizen's events are a Poisson process whose rates depend on its state, age band,
/// deprivation, the season, flu waves, vaccination, and the prevention and community care its
/// locality receives. Candidates come at the state's ceiling rate and are kept with probability
/// actual / ceiling (thinning; Lewis & Shedler 1979), which is exact while rates change. Only
/// the citizens in today's calendar bucket are touched.
class CitizenHealth final : public Phase {
 public:
  std::string_view name() const override { return "citizen_health"; }

  void run(const Model& model, State& state) const override {
    const int day = state.day;
    auto& bucket = state.calendar.day_bucket[static_cast<std::size_t>(day)];
    // Only live entries: a citizen re-filed elsewhere since (sent to A&E from a GP queue) has a
    // stale entry here. Clearing filed_day as we go also drops a second entry in this bucket.
    auto& filed = state.calendar.filed_day;
    std::erase_if(bucket, [&](std::uint32_t i) {
      if (filed[i] != day) return true;
      filed[i] = -1;
      return false;
    });
    Citizens& c = state.citizens;
    const Neighbourhoods& nb = model.neighbourhoods;
    const HealthSettings& h = model.scenario.health;
    const std::uint64_t seed = model.scenario.run.seed;
    const double acute_now = model.season(day) * (1.0 + state.flu_wave) *
                             model.acute_weekday[static_cast<std::size_t>(model.weekday(day))] /
                             model.acute_ceiling_factor;
    // Influenza's share of today's acute episodes: its part of the winter excess, and all of a
    // flu wave. The vaccine prevents only these.
    const double season = model.season(day);
    const double flu_share =
        (h.flu_share_of_winter_excess * std::max(0.0, season - 1.0) * (1.0 + state.flu_wave) +
         season * state.flu_wave) /
        (season * (1.0 + state.flu_wave));
    const double death_now = model.death_season(day) / (1.0 + h.winter_death_amplitude);

    std::vector<Outcome> outcomes(bucket.size());
    parallel_chunks(bucket.size(), 512, [&](std::size_t begin, std::size_t end) {
      for (std::size_t k = begin; k < end; ++k) {
        const std::uint32_t i = bucket[k];
        Outcome& out = outcomes[k];
        out.state_before = c.health[i];
        Stream rng(seed, purpose::citizen_demand, static_cast<std::uint32_t>(day), c.id[i]);
        const std::size_t age = c.age_band[i];
        const std::size_t where = c.neighbourhood[i];
        const std::size_t decile = nb.deprivation_decile[where] - 1u;
        const std::uint32_t locality = nb.pcn[where];
        const double prevention = 1.0 - h.prevention_effect * state.prevention_coverage[locality];
        const double community = 1.0 - h.community_effect * state.community_service_level;
        // Community support for those referred (social prescribing, docs/model.md 3.5.1).
        const double supported = model.scenario.partners.social_prescribing_share *
                                 state.community_support[locality];
        const double gp_support =
            1.0 - model.scenario.partners.social_prescribing_gp_effect * supported;
        const double crisis_support =
            1.0 - model.scenario.partners.social_prescribing_crisis_effect * supported;
        const double uptake =
            model.over_65_in_neighbourhood[where] > 0
                ? state.vaccinated_65[where] / model.over_65_in_neighbourhood[where]
                : 0.0;
        const double vaccine =
            age >= 2 ? 1.0 - model.scenario.vaccination.effectiveness * uptake * flu_share : 1.0;
        double t = c.next_event_time[i];
        while (t < day + 1.0) {
          const std::size_t s = c.health[i];
          if (s == static_cast<std::size_t>(Health::hospital)) {
            out.flags |= kFit;  // the discharge decision is the serial pass's
            break;
          }
          const auto& ceiling = model.event_ceiling[s][age][decile];
          double u = rng.uniform() * model.ceiling_total[s][age][decile];
          std::size_t e = 0;
          while (e + 1 < kCitizenEventCount && u >= ceiling[e])
            u -= ceiling[e++];
          double keep = 1.0;
          if (e == idx(CitizenEvent::acute_episode)) {
            keep = acute_now * prevention * vaccine * crisis_support *
                   (s == static_cast<std::size_t>(Health::complex) ? community : 1.0);
          } else if (e == idx(CitizenEvent::gp_request)) {
            keep = gp_support;
          } else if (e == idx(CitizenEvent::mental_health_crisis)) {
            keep = crisis_support;
          } else if (e == idx(CitizenEvent::deterioration)) {
            keep = s == 0 ? prevention : s == 1 ? community : 1.0;
          } else if (e == idx(CitizenEvent::death)) {
            keep = death_now;
          }
          const bool happens = rng.uniform() < keep;
          if (happens) {
            if (e == idx(CitizenEvent::acute_episode)) {
              c.health[i] = static_cast<std::uint8_t>(Health::acute);
              out.flags |= kAttended;
              ++out.requests[static_cast<std::size_t>(Service::a_and_e)];
              break;
            }
            if (e == idx(CitizenEvent::death)) {
              out.flags |= kDied;
              break;
            }
            if (e == idx(CitizenEvent::moves_on)) {
              out.flags |= kMovedOn;
              break;
            }
            if (e == idx(CitizenEvent::deterioration)) {
              if (s == static_cast<std::size_t>(Health::complex)) {
                c.health[i] = static_cast<std::uint8_t>(Health::in_care);
                out.flags |= kEnteredCare;
              } else {
                c.health[i] = static_cast<std::uint8_t>(s + 1);
                c.chronic[i] = static_cast<std::uint8_t>(s + 1);
              }
            } else {
              const Service service =
                  e == idx(CitizenEvent::gp_request)            ? Service::gp
                  : e == idx(CitizenEvent::community_referral)  ? Service::community
                  : e == idx(CitizenEvent::social_care_request) ? Service::social_care
                                                                : Service::mental_health_crisis;
              auto& n = out.requests[static_cast<std::size_t>(service)];
              if (n < 255) ++n;
            }
          }
          t = next_candidate_time(model, c, i, t, rng);
        }
        c.next_event_time[i] = t;
      }
    });

    // Outcomes in bucket order: tallies, cross-organisation episodes, arrivals in hospital or
    // care, replacement of the dead, and re-filing. Serial, so every order is fixed.
    DailyTallies& tally = state.today;
    const auto gp_kind = static_cast<std::size_t>(Service::gp);
    for (std::size_t k = 0; k < bucket.size(); ++k) {
      const std::uint32_t i = bucket[k];
      const Outcome& out = outcomes[k];
      const std::uint16_t where = c.neighbourhood[i];
      const std::uint32_t locality = nb.pcn[where];
      Stream rng(seed, purpose::coordination, static_cast<std::uint32_t>(day), c.id[i]);
      Stream gp(seed, purpose::gp_access, static_cast<std::uint32_t>(day), c.id[i]);
      for (std::size_t s = 0; s < kServiceCount; ++s) {
        const std::uint64_t count = out.requests[s];
        if (count == 0) continue;
        tally.demand[s] += count;
        tally.demand_by_neighbourhood[where] += count;
        if (s == static_cast<std::size_t>(Service::a_and_e)) {
          tally.a_and_e_by_neighbourhood[where] += count;
          continue;  // A&E's organisation is counted by the A&E phase
        }
        std::uint32_t org = kNone;
        if (s == gp_kind) {
          org = c.gp_practice[i] == kNoPractice ? kNone : c.gp_practice[i];
        } else {
          const OrgKind kind =
              s == static_cast<std::size_t>(Service::community)     ? OrgKind::community
              : s == static_cast<std::size_t>(Service::social_care) ? OrgKind::social_care
                                                                    : OrgKind::mental_health;
          org = model.first_org_of_kind[static_cast<std::size_t>(kind)];
        }
        if (org != kNone) tally.demand_by_org[org] += count;
        if (s == gp_kind && org != kNone) {
          for (std::uint64_t r = 0; r < count; ++r)
            ask_gp(model, state, i, org, false, gp);
          continue;
        }
        for (std::uint64_t r = 0; r < count; ++r) {
          if (s == static_cast<std::size_t>(Service::community)) {
            // A failed referral comes back to the practice: the patient needs another
            // appointment, the same day.
            if (!attempt_coordination(model, state, Episode::referral, OrgKind::gp_practice,
                                      OrgKind::community, locality, rng) &&
                c.gp_practice[i] != kNoPractice) {
              ask_gp(model, state, i, c.gp_practice[i], true, gp);
            }
          } else if (s == static_cast<std::size_t>(Service::mental_health_crisis)) {
            // A crisis the crisis team and the acute trust do not handle together ends in A&E.
            if (!attempt_coordination(model, state, Episode::crisis, OrgKind::mental_health,
                                      OrgKind::acute, locality, rng) &&
                c.health[i] <= static_cast<std::uint8_t>(Health::complex)) {
              c.health[i] = static_cast<std::uint8_t>(Health::acute);
              ++tally.demand[static_cast<std::size_t>(Service::a_and_e)];
              ++tally.a_and_e_by_neighbourhood[where];
            }
          }
        }
      }
      if (out.flags & kEnteredCare) ++state.in_care;
      if (out.flags & (kDied | kMovedOn)) {
        if (out.flags & kDied) ++tally.deaths;
        if (out.state_before == static_cast<std::uint8_t>(Health::in_care) ||
            c.health[i] == static_cast<std::uint8_t>(Health::in_care)) {
          --state.in_care;
        }
        arrive(model, state, i, day,
               (out.flags & kDied) ? purpose::citizen_arrival : purpose::citizen_newcomer);
      } else if (out.flags & kFit) {
        Stream decide(seed, purpose::discharge, static_cast<std::uint32_t>(day), c.id[i]);
        const std::size_t chronic = c.chronic[i];
        if (decide.bernoulli(model.scenario.hospital.package_probability[chronic])) {
          state.delayed_discharges.push_back(i);
          c.next_event_time[i] = INFINITY;
        } else {
          c.health[i] = c.chronic[i];
          --state.in_hospital;
          ++tally.discharges;
          c.next_event_time[i] = next_candidate_time(model, c, i, day + 0.5, decide);
        }
      }
      if (c.health[i] == static_cast<std::uint8_t>(Health::acute)) {
        state.attendances.push_back(i);
        c.next_event_time[i] = INFINITY;
      }
      file_in_calendar(state, i);
    }
    std::vector<std::uint32_t>().swap(bucket);  // today is done: give its memory back
  }

 private:
  /// A request for an appointment at `practice`: the same day (always for `same_day`, else with
  /// probability gp_same_day_share) or booked ahead ceil(Exp(mean lead)) days; patience past
  /// the wanted day Exp(mean gp_patience_days), rounded up; whether giving up means A&E.
  static void ask_gp(const Model& model, State& state, std::uint32_t i, std::uint32_t practice,
                     bool same_day, Stream& rng) {
    const ServiceSettings& s = model.scenario.services;
    const bool today = rng.bernoulli(s.gp_same_day_share) || same_day;
    const double lead = std::ceil(rng.exponential(1.0 / s.gp_booking_lead_days));
    const double patience = std::ceil(rng.exponential(1.0 / s.gp_patience_days));
    const bool to_a_and_e = rng.bernoulli(s.gp_give_up_a_and_e);
    const int day = state.day;
    const auto wanted = static_cast<std::int32_t>(today ? day : day + std::min(lead, 365.0));
    // Deterioration while overdue: a day drawn only when the hazard is on, so that with it off
    // the stream's later draws are as before.
    std::int32_t crisis = std::numeric_limits<std::int32_t>::max();
    if (s.gp_overdue_crisis_per_day > 0.0) {
      const double after = std::ceil(rng.exponential(s.gp_overdue_crisis_per_day));
      if (after <= 365.0) crisis = wanted + static_cast<std::int32_t>(after);
    }
    state.gp_queue[practice].push_back(
        {i, state.citizens.id[i], day, wanted,
         static_cast<std::int32_t>(wanted + std::min(patience, 365.0)), crisis,
         static_cast<std::uint8_t>(to_a_and_e)});
  }

  /// A newcomer of the same age band takes the place of one who died or moved on (ageing out
  /// of the band, leaving the city): new id, chronic state (or care) drawn from the band's
  /// published shares.
  static void arrive(const Model& model, State& state, std::uint32_t i, int day, Purpose why) {
    Citizens& c = state.citizens;
    const HealthSettings& h = model.scenario.health;
    c.id[i] = state.next_citizen_id++;
    Stream rng(model.scenario.run.seed, why, static_cast<std::uint32_t>(day), c.id[i]);
    const std::size_t band = c.age_band[i];
    const double v = rng.uniform();
    const double care = h.initial_in_care_share[band];
    const double complex = care + h.initial_complex_share[band];
    const Health s = v < care                                    ? Health::in_care
                     : v < complex                               ? Health::complex
                     : v < complex + h.initial_ltc_share[band] ? Health::ltc
                                                                 : Health::well;
    c.health[i] = static_cast<std::uint8_t>(s);
    c.chronic[i] = static_cast<std::uint8_t>(s == Health::in_care ? Health::complex : s);
    if (s == Health::in_care) ++state.in_care;
    c.next_event_time[i] = next_candidate_time(model, c, i, day + 0.5, rng);
  }
};

}  // namespace

void file_in_calendar(State& state, std::uint32_t citizen) {
  const double t = state.citizens.next_event_time[citizen];
  if (!(t < static_cast<double>(state.calendar.day_bucket.size()))) return;
  // Today's bucket is being (or has been) processed: an event later today waits for tomorrow's
  // step, keeping its time.
  const auto day = std::max(static_cast<std::size_t>(t), static_cast<std::size_t>(state.day) + 1);
  if (day < state.calendar.day_bucket.size()) {
    state.calendar.day_bucket[day].push_back(citizen);
    state.calendar.filed_day[citizen] = static_cast<std::int32_t>(day);
  }
}

std::unique_ptr<Phase> make_citizen_health_phase() {
  return std::make_unique<CitizenHealth>();
}

}  // namespace caresim::detail
