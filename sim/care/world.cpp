#include "caresim/care/world.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <numbers>
#include <numeric>
#include <stdexcept>

#include "care_detail.hpp"
#include "caresim/core/parallel.hpp"
#include "caresim/core/random.hpp"

namespace caresim {
namespace {

// Step value for draws made while building the city, before day 0.
constexpr std::uint32_t kSetupStep = 0xFFFFFFFFu;
constexpr std::uint16_t kNoPractice = 0xFFFF;

bool is_leap(int y) {
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

// Splits `total` into parts proportional to `weights`, exactly (largest remainder, ties to the
// lower index), so sizes always add up to what the scenario asked for.
std::vector<std::uint32_t> apportion(std::uint64_t total, const std::vector<double>& weights) {
  const double sum = std::accumulate(weights.begin(), weights.end(), 0.0);
  std::vector<std::uint32_t> parts(weights.size());
  std::vector<std::pair<double, std::size_t>> remainders(weights.size());
  std::uint64_t given = 0;
  for (std::size_t i = 0; i < weights.size(); ++i) {
    const double exact = static_cast<double>(total) * weights[i] / sum;
    parts[i] = static_cast<std::uint32_t>(std::floor(exact));
    given += parts[i];
    remainders[i] = {exact - std::floor(exact), i};
  }
  std::stable_sort(remainders.begin(), remainders.end(),
                   [](const auto& x, const auto& y) { return x.first > y.first; });
  for (std::size_t k = 0; given < total; ++k, ++given)
    ++parts[remainders[k].second];
  return parts;
}

void build_neighbourhoods(const Scenario& s, Model& m) {
  const auto n = static_cast<std::uint32_t>(s.city.neighbourhoods);
  const std::uint64_t seed = s.city.seed;
  m.pcn_count = static_cast<std::uint32_t>(s.city.primary_care_networks);
  std::vector<double> size_weight(n), deprivation_score(n);
  for (std::uint32_t i = 0; i < n; ++i) {
    Stream rng(seed, purpose::city_generation, 0, i);
    size_weight[i] = std::max(0.3, 1.0 + 0.25 * rng.normal());
    deprivation_score[i] = rng.normal();
  }
  Neighbourhoods& nb = m.neighbourhoods;
  nb.residents = apportion(static_cast<std::uint64_t>(s.city.citizens), size_weight);
  std::vector<std::uint32_t> order(n);
  std::iota(order.begin(), order.end(), 0u);
  std::stable_sort(order.begin(), order.end(), [&](std::uint32_t x, std::uint32_t y) {
    return deprivation_score[x] < deprivation_score[y];  // most deprived first
  });
  nb.deprivation_decile.assign(n, 10);
  nb.priority.assign(n, 0);
  for (std::uint32_t rank = 0; rank < n; ++rank) {
    const std::uint32_t i = order[rank];
    nb.deprivation_decile[i] = static_cast<std::uint8_t>(1 + (rank * 10) / n);
    nb.priority[i] = rank < static_cast<std::uint32_t>(s.city.priority_neighbourhoods) ? 1 : 0;
  }
  nb.pcn.resize(n);
  nb.name.resize(n);
  for (std::uint32_t i = 0; i < n; ++i) {
    nb.pcn[i] = static_cast<std::uint32_t>((static_cast<std::uint64_t>(i) * m.pcn_count) / n);
    nb.name[i] = fmt::format("Neighbourhood {:03d}{}", i + 1, nb.priority[i] ? " (priority)" : "");
  }
}

void build_organisations(const Scenario& s, Model& m) {
  Organisations& o = m.organisations;
  for (const OrganisationSpec& spec : s.organisations) {
    const auto count = static_cast<std::uint32_t>(spec.count);
    for (std::uint32_t k = 0; k < count; ++k) {
      o.name.push_back(count == 1 ? spec.name : fmt::format("{} {}", spec.name, k + 1));
      o.kind.push_back(spec.kind);
      const auto share = static_cast<std::uint32_t>(spec.staff) / count;
      o.staff_count.push_back(share + (k < static_cast<std::uint32_t>(spec.staff) % count ? 1 : 0));
    }
  }
  if (o.size() >= kNoPractice) {
    throw std::invalid_argument(
        fmt::format("the scenario expands to {} organisations; at most {} are supported", o.size(),
                    kNoPractice - 1));
  }
  std::uint32_t first = 0, practices = 0, practice_index = 0;
  for (std::size_t i = 0; i < o.size(); ++i) {
    o.first_staff.push_back(first);
    first += o.staff_count[i];
    if (o.kind[i] == OrgKind::gp_practice) ++practices;
  }
  o.pcn.assign(o.size(), kNone);
  for (std::size_t i = 0; i < o.size(); ++i) {
    if (o.kind[i] != OrgKind::gp_practice) continue;
    o.pcn[i] = static_cast<std::uint32_t>(
        (static_cast<std::uint64_t>(practice_index++) * m.pcn_count) / practices);
  }
}

std::size_t event_index(CitizenEvent e) {
  return static_cast<std::size_t>(e);
}

void derive_parameters(const Scenario& s, Model& m) {
  const HealthSettings& h = s.health;
  double largest_flu = 0.0;
  for (const ShockSpec& shock : s.shocks) {
    if (shock.kind == ShockKind::flu_wave) largest_flu = std::max(largest_flu, shock.magnitude);
  }
  double weekly_mean = 0.0;
  for (double f : h.acute_weekday_factor) weekly_mean += f / 7.0;
  double largest_weekday = 0.0;
  for (std::size_t d = 0; d < 7; ++d) {
    m.acute_weekday[d] = h.acute_weekday_factor[d] / weekly_mean;
    largest_weekday = std::max(largest_weekday, m.acute_weekday[d]);
  }
  m.acute_ceiling_factor = (1.0 + h.winter_amplitude) * (1.0 + largest_flu) * largest_weekday;
  const double per_day = 1.0 / 365.25;
  const double death_ceiling = 1.0 + h.winter_death_amplitude;
  for (std::size_t state = 0; state < kHealthStateCount; ++state) {
    for (std::size_t a = 0; a < kAgeBandCount; ++a) {
      for (int decile = 1; decile <= 10; ++decile) {
        const double dep = 1.0 + h.deprivation_gradient * (10 - decile) / 9.0;
        const double age = h.age_multiplier[a];
        auto& r = m.event_ceiling[state][a][static_cast<std::size_t>(decile - 1)];
        r.fill(0.0);
        if (state < kChronicStateCount) {
          r[event_index(CitizenEvent::acute_episode)] =
              h.acute_episodes_per_year[state] * age * dep * m.acute_ceiling_factor * per_day;
          r[event_index(CitizenEvent::gp_request)] = h.gp_requests_per_year[state] * dep * per_day;
          r[event_index(CitizenEvent::community_referral)] =
              h.community_referrals_per_year[state] * dep * per_day;
          r[event_index(CitizenEvent::social_care_request)] =
              h.social_care_requests_per_year[state] * dep * per_day;
          r[event_index(CitizenEvent::mental_health_crisis)] =
              h.mental_health_crises_per_year[state] * dep * per_day;
          const double deterioration = state == 0   ? h.onset_per_year
                                       : state == 1 ? h.progression_per_year
                                                    : h.care_entry_per_year;
          r[event_index(CitizenEvent::deterioration)] = deterioration * age * dep * per_day;
          r[event_index(CitizenEvent::death)] =
              h.deaths_per_year[state] * age * dep * death_ceiling * per_day;
          r[event_index(CitizenEvent::moves_on)] =
              (h.ageing_per_year[a] + h.migration_per_year) * per_day;
        } else if (state == static_cast<std::size_t>(Health::in_care)) {
          r[event_index(CitizenEvent::death)] = h.in_care_deaths_per_year * death_ceiling * per_day;
          r[event_index(CitizenEvent::moves_on)] =
              (h.ageing_per_year[a] + h.migration_per_year) * per_day;
        }
        // Hospital stays are drawn per patient (length of stay), not from this table.
        m.ceiling_total[state][a][static_cast<std::size_t>(decile - 1)] =
            std::accumulate(r.begin(), r.end(), 0.0);
      }
    }
  }
  m.first_org_of_kind.fill(kNone);
  for (std::uint32_t i = 0; i < m.organisations.size(); ++i) {
    const auto k = static_cast<std::size_t>(m.organisations.kind[i]);
    if (m.first_org_of_kind[k] == kNone) m.first_org_of_kind[k] = i;
    m.orgs_of_kind[k].push_back(i);
  }
  m.within_org_daily_retention = std::pow(s.ties.within_org_monthly_retention, 1.0 / 30.0);
  m.cross_org_daily_retention = std::pow(s.ties.cross_org_monthly_retention, 1.0 / 30.0);
  m.vision_daily_retention = std::pow(s.mindset.vision_monthly_retention, 1.0 / 30.0);
  m.start_day_of_year = day_of_year(s.run.start_date);
  m.start_weekday = static_cast<int>(std::chrono::weekday{std::chrono::sys_days{
                                         iso_date(s.run.start_date)}}
                                         .iso_encoding()) -
                    1;
}

// Roles belong to posts: each slot draws its role from the city seed with the shares of
// `leadership.role_shares`; an organisation that drew no senior leader gets one, the post whose
// draw came highest (a front-line post, so the managers' share is kept). The leadership group of
// an organisation is its senior leaders.
void draw_roles(const Scenario& s, Model& m, Staff& staff) {
  const Organisations& o = m.organisations;
  const auto& shares = s.leadership.role_shares;
  const double total = shares[0] + shares[1] + shares[2];
  const double senior = total > 0 ? shares[2] / total : 0.0;
  const double manager = total > 0 ? shares[1] / total : 0.0;
  m.leadership_group.assign(o.size(), {});
  for (std::uint32_t i = 0; i < o.size(); ++i) {
    std::uint32_t highest = kNone;
    double highest_u = -1.0;
    for (std::uint32_t k = 0; k < o.staff_count[i]; ++k) {
      const std::uint32_t slot = o.first_staff[i] + k;
      Stream rng(s.city.seed, purpose::staff_roles, 0, slot);
      const double u = rng.uniform();
      if (u < senior) {
        staff.role[slot] = static_cast<std::uint8_t>(StaffRole::senior_leader);
        m.leadership_group[i].push_back(slot);
      } else if (u < senior + manager) {
        staff.role[slot] = static_cast<std::uint8_t>(StaffRole::manager);
      }
      if (u > highest_u) highest_u = u, highest = slot;
    }
    if (m.leadership_group[i].empty() && highest != kNone) {
      staff.role[highest] = static_cast<std::uint8_t>(StaffRole::senior_leader);
      m.leadership_group[i].push_back(highest);
    }
  }
}

void build_staff(const Scenario& s, Model& m, State& st) {
  const Organisations& o = m.organisations;
  const std::uint32_t total =
      o.first_staff.empty() ? 0 : o.first_staff.back() + o.staff_count.back();
  m.total_staff = total;
  Staff& staff = st.staff;
  for (auto* column : {&staff.id, &staff.org, &staff.team, &staff.locality})
    column->resize(total);
  staff.role.assign(total, static_cast<std::uint8_t>(StaffRole::frontline));
  for (auto* column : {&staff.system_share, &staff.energy, &staff.vision, &staff.efficacy,
                       &staff.resistance, &staff.trust, &staff.bias, &staff.dissatisfaction}) {
    column->resize(total);
  }
  staff.mindset.resize(total);
  staff.committed.assign(total, 0);
  staff.workshops.assign(total, 0);
  const auto team_size = static_cast<std::uint32_t>(s.ties.team_size);
  std::uint32_t team = 0;
  for (std::uint32_t i = 0; i < o.size(); ++i) {
    const std::uint32_t first = o.first_staff[i];
    for (std::uint32_t k = 0; k < o.staff_count[i]; ++k) {
      const std::uint32_t slot = first + k;
      const std::uint32_t team_in_org = k / team_size;
      staff.id[slot] = slot;
      staff.org[slot] = i;
      staff.team[slot] = team + team_in_org;
      // Teams go round the localities in city-wide team order, so many small organisations of
      // a kind together cover every locality (each continues where the previous one stopped).
      staff.locality[slot] = o.pcn[i] != kNone ? o.pcn[i] : (team + team_in_org) % m.pcn_count;
    }
    team += (o.staff_count[i] + team_size - 1) / team_size;
  }
  st.next_staff_id = total;
  draw_roles(s, m, staff);
  parallel_chunks(total, kGrain, [&](std::size_t begin, std::size_t end) {
    for (std::size_t u = begin; u < end; ++u) {
      Stream rng(s.city.seed, purpose::staff_layout, 0, staff.id[u]);
      detail::draw_staff_attitudes(s, staff, u, rng);
    }
  });
  for (std::size_t k = 0; k < kOrgKindCount; ++k) {
    m.staff_by_kind_locality[k].assign(m.pcn_count, {});
  }
  m.staff_in_locality.assign(m.pcn_count, {});
  for (std::uint32_t u = 0; u < total; ++u) {
    const auto k = static_cast<std::size_t>(o.kind[staff.org[u]]);
    m.staff_by_kind_locality[k][staff.locality[u]].push_back(u);
    m.staff_in_locality[staff.locality[u]].push_back(u);
  }
}

void build_citizens(const Scenario& s, Model& m, State& st) {
  const Neighbourhoods& nb = m.neighbourhoods;
  const HealthSettings& h = s.health;
  const HospitalSettings& hosp = s.hospital;
  Citizens& c = st.citizens;
  const std::size_t n = static_cast<std::size_t>(s.city.citizens);
  // Each column is zeroed as it is sized (a tenth of a second for the widest at tens of millions
  // of citizens): a stop is checked between them.
  c.id.resize(n);
  check_stop();
  c.neighbourhood.resize(n);
  check_stop();
  c.gp_practice.resize(n);
  check_stop();
  c.age_band.resize(n);
  c.health.resize(n);
  c.chronic.resize(n);
  check_stop();
  c.next_event_time.resize(n);
  check_stop();

  std::vector<std::vector<std::uint16_t>> practices_in_pcn(m.pcn_count);
  std::vector<std::uint16_t> all_practices;
  for (std::uint32_t i : m.orgs_of_kind[static_cast<std::size_t>(OrgKind::gp_practice)]) {
    practices_in_pcn[m.organisations.pcn[i]].push_back(static_cast<std::uint16_t>(i));
    all_practices.push_back(static_cast<std::uint16_t>(i));
  }
  std::size_t slot = 0;
  for (std::size_t i = 0; i < nb.size(); ++i) {
    std::fill_n(c.neighbourhood.begin() + static_cast<std::ptrdiff_t>(slot), nb.residents[i],
                static_cast<std::uint16_t>(i));
    slot += nb.residents[i];
  }
  std::array<double, kAgeBandCount> cumulative{};
  std::partial_sum(s.city.age_shares.begin(), s.city.age_shares.end(), cumulative.begin());
  // Who lives where, their practice and their health at the start are the city's (city seed);
  // when their first events fall is the run's (run seed).
  const std::uint64_t city_seed = s.city.seed, seed = s.run.seed;
  const double season0 = m.season(0);
  // The stationary shares by age band, decile and locality, at the prevention coverage the
  // staff's system work gives on day 0 (the capacity phase's formula) and community care at
  // its full level (its capacity exceeds demand at baseline).
  std::vector<double> system_work(m.pcn_count, 0.0), residents(m.pcn_count, 0.0);
  for (std::size_t u = 0; u < st.staff.size(); ++u)
    system_work[st.staff.locality[u]] += st.staff.energy[u] * st.staff.system_share[u];
  for (std::size_t k = 0; k < nb.size(); ++k)
    residents[nb.pcn[k]] += nb.residents[k];
  std::vector<std::array<double, 4>> start_shares(kAgeBandCount * 10 * m.pcn_count);
  for (std::size_t band = 0; band < kAgeBandCount; ++band) {
    for (int decile = 1; decile <= 10; ++decile) {
      for (std::size_t l = 0; l < m.pcn_count; ++l) {
        const double work = residents[l] > 0 ? 0.5 * 1000.0 * system_work[l] / residents[l] : 0.0;
        const double coverage = 1.0 - std::exp(-work / h.prevention_saturation);
        start_shares[(band * 10 + static_cast<std::size_t>(decile - 1)) * m.pcn_count + l] =
            stationary_health(h, hosp, band, decile, coverage, 1.0);
      }
    }
  }
  parallel_chunks(n, kGrain, [&](std::size_t begin, std::size_t end) {
    for (std::size_t i = begin; i < end; ++i) {
      const auto id = static_cast<std::uint32_t>(i);
      c.id[i] = id;
      Stream rng(city_seed, purpose::city_generation, 1, id);
      const double u = rng.uniform() * cumulative.back();
      std::size_t band = 0;
      while (band + 1 < kAgeBandCount && u >= cumulative[band])
        ++band;
      c.age_band[i] = static_cast<std::uint8_t>(band);
      const auto& local = practices_in_pcn[nb.pcn[c.neighbourhood[i]]];
      const auto& choices = local.empty() ? all_practices : local;
      c.gp_practice[i] = choices.empty() ? kNoPractice : choices[rng.below(choices.size())];
      // Health at the start: the stationary state of the band, decile and locality (3.4);
      // some of the sick are in hospital already.
      const std::size_t cell = (band * 10 + nb.deprivation_decile[c.neighbourhood[i]] - 1u) *
                                   m.pcn_count +
                               nb.pcn[c.neighbourhood[i]];
      const auto& pi = start_shares[cell];
      const double v = rng.uniform();
      Health state = Health::well;
      if (v < pi[3]) {
        state = Health::in_care;
      } else if (v < pi[3] + pi[2]) {
        state = Health::complex;
      } else if (v < pi[3] + pi[2] + pi[1]) {
        state = Health::ltc;
      }
      c.chronic[i] = static_cast<std::uint8_t>(state == Health::in_care ? Health::complex : state);
      c.health[i] = static_cast<std::uint8_t>(state);
      Stream first_event(seed, purpose::citizen_demand, kSetupStep, id);
      if (state != Health::in_care) {
        const auto chronic = static_cast<std::size_t>(state);
        const std::size_t decile = nb.deprivation_decile[c.neighbourhood[i]] - 1u;
        const double acute =
            m.event_ceiling[chronic][band][decile][0] / m.acute_ceiling_factor * season0;
        // Expected share in hospital: admissions x length of stay (Little's law), less a fifth
        // because the winter peak is not yet on.
        const double occupancy_share =
            0.8 * acute * hosp.admission_probability[chronic] * hosp.length_of_stay_days[chronic];
        if (first_event.uniform() < occupancy_share) {
          c.health[i] = static_cast<std::uint8_t>(Health::hospital);
          c.next_event_time[i] = first_event.exponential(1.0 / hosp.length_of_stay_days[chronic]);
          continue;
        }
      }
      c.next_event_time[i] = next_candidate_time(m, c, id, 0.0, first_event);
    }
  });
  st.next_citizen_id = static_cast<std::uint32_t>(n);
  // The serial passes over every citizen below take a tenth of a second or more each at tens of
  // millions of citizens: each checks the stop flag every 2^20 citizens (issue 14 item 2).
  constexpr std::size_t kStopCheck = (std::size_t{1} << 20) - 1;
  check_stop();
  for (std::size_t i = 0; i < n; ++i) {
    if ((i & kStopCheck) == 0) check_stop();
    if (c.health[i] == static_cast<std::uint8_t>(Health::hospital)) ++st.in_hospital;
    if (c.health[i] == static_cast<std::uint8_t>(Health::in_care)) ++st.in_care;
  }
  // The calendar holds each citizen once, on the day of its next candidate event.
  const auto days = static_cast<std::size_t>(s.run.days);
  std::vector<std::uint32_t> per_day(days, 0);
  check_stop();
  for (double t : c.next_event_time) {
    if (t < static_cast<double>(days)) ++per_day[static_cast<std::size_t>(t)];
  }
  check_stop();
  st.calendar.day_bucket.assign(days, {});
  for (std::size_t d = 0; d < days; ++d)
    st.calendar.day_bucket[d].reserve(per_day[d]);
  st.calendar.filed_day.assign(n, -1);
  for (std::size_t i = 0; i < n; ++i) {
    if ((i & kStopCheck) == 0) check_stop();
    const double t = c.next_event_time[i];
    if (t < static_cast<double>(days)) {
      st.calendar.day_bucket[static_cast<std::size_t>(t)].push_back(static_cast<std::uint32_t>(i));
      st.calendar.filed_day[i] = static_cast<std::int32_t>(t);
    }
  }
  m.residents_in_locality.assign(m.pcn_count, 0.0);
  m.over_65_in_neighbourhood.assign(nb.size(), 0.0);
  for (std::size_t i = 0; i < nb.size(); ++i)
    m.residents_in_locality[nb.pcn[i]] += nb.residents[i];
  for (std::size_t i = 0; i < n; ++i) {
    if ((i & kStopCheck) == 0) check_stop();
    if (c.age_band[i] >= 2) m.over_65_in_neighbourhood[c.neighbourhood[i]] += 1.0;
  }
  // Public health's prevention programmes go where need is: residents weighted by the
  // deprivation gradient of their neighbourhood (proportionate universalism; Marmot 2010).
  m.prevention_programme_weight.assign(m.pcn_count, 0.0);
  double weights = 0.0;
  for (std::size_t i = 0; i < nb.size(); ++i) {
    const double w = nb.residents[i] * (1.0 + h.deprivation_gradient *
                                                  (10 - nb.deprivation_decile[i]) / 9.0);
    m.prevention_programme_weight[nb.pcn[i]] += w;
    weights += w;
  }
  if (weights > 0) {
    for (double& w : m.prevention_programme_weight)
      w /= weights;
  }
}

void build_ties(const Scenario& s, const Model& m, State& st) {
  const Staff& staff = st.staff;
  const TieSettings& ts = s.ties;
  const Organisations& o = m.organisations;
  std::vector<std::vector<std::uint32_t>> staff_in_locality(m.pcn_count);
  for (std::uint32_t u = 0; u < staff.size(); ++u)
    staff_in_locality[staff.locality[u]].push_back(u);

  const std::uint64_t seed = s.city.seed;
  const auto jitter = [](Stream& rng, double base) {
    return static_cast<float>(std::clamp(base * (0.75 + 0.5 * rng.uniform()), 0.01, 1.0));
  };
  using Ties = std::vector<NewTie>;
  Ties proposals = deterministic_reduce(
      staff.size(), 1024, Ties{},
      [&](std::size_t begin, std::size_t end, Ties& out) {
        for (std::size_t i = begin; i < end; ++i) {
          const auto u = static_cast<std::uint32_t>(i);
          Stream rng(seed, purpose::initial_ties, 0, staff.id[u]);
          const std::uint32_t org = staff.org[u];
          // The rest of the team: dense and strong.
          for (std::uint32_t v = u + 1;
               v < o.first_staff[org] + o.staff_count[org] && staff.team[v] == staff.team[u]; ++v) {
            out.push_back({u, v, jitter(rng, ts.within_team_strength)});
          }
          // Colleagues elsewhere in the organisation.
          const std::uint64_t within = rng.poisson(ts.within_org_ties_per_staff / 2.0);
          for (std::uint64_t k = 0; k < within; ++k) {
            const auto v =
                static_cast<std::uint32_t>(o.first_staff[org] + rng.below(o.staff_count[org]));
            out.push_back({u, v, jitter(rng, ts.within_org_strength)});
          }
          // Sparse, weak ties to other organisations working in the same locality.
          const auto& local = staff_in_locality[staff.locality[u]];
          const std::uint64_t cross = rng.poisson(ts.cross_org_ties_per_staff / 2.0);
          for (std::uint64_t k = 0; k < cross; ++k) {
            for (int attempt = 0; attempt < 8; ++attempt) {
              const std::uint32_t v = local[rng.below(local.size())];
              if (staff.org[v] == org) continue;
              out.push_back({u, v, jitter(rng, ts.cross_org_strength)});
              break;
            }
          }
        }
      },
      [](Ties& total, const Ties& part) { total.insert(total.end(), part.begin(), part.end()); });
  // Line management: each manager is tied to one of their organisation's senior leaders, so
  // what leaders do is visible to managers and, through managers' teams, to front-line staff.
  for (std::uint32_t u = 0; u < staff.size(); ++u) {
    if (staff.role[u] != static_cast<std::uint8_t>(StaffRole::manager)) continue;
    const auto& group = m.leadership_group[staff.org[u]];
    if (group.empty()) continue;
    Stream rng(seed, purpose::staff_roles, 1, staff.id[u]);
    proposals.push_back(
        {u, group[rng.below(group.size())], jitter(rng, s.leadership.line_tie_strength)});
  }
  check_stop();
  st.ties = TieNetwork(staff.org, static_cast<std::uint32_t>(ts.max_ties));
  st.ties.apply(TieChanges{{}, std::move(proposals)});
}

}  // namespace

int day_of_year(const std::string& iso_date) {
  int y = 0, mo = 0, d = 0;
  char dash1 = 0, dash2 = 0;
  if (std::sscanf(iso_date.c_str(), "%4d%c%2d%c%2d", &y, &dash1, &mo, &dash2, &d) != 5 ||
      dash1 != '-' || dash2 != '-' || mo < 1 || mo > 12 || d < 1) {
    throw std::invalid_argument(fmt::format("'{}' is not a yyyy-mm-dd date", iso_date));
  }
  static constexpr std::array<int, 12> kDays = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const int month_days = kDays[static_cast<std::size_t>(mo - 1)] + (mo == 2 && is_leap(y) ? 1 : 0);
  if (d > month_days) throw std::invalid_argument(fmt::format("'{}' is not a real date", iso_date));
  int doy = d;
  for (int k = 1; k < mo; ++k)
    doy += kDays[static_cast<std::size_t>(k - 1)] + (k == 2 && is_leap(y) ? 1 : 0);
  return doy;
}

std::chrono::year_month_day iso_date(const std::string& iso) {
  day_of_year(iso);  // refuses a malformed date with its message
  return {std::chrono::year{std::stoi(iso.substr(0, 4))},
          std::chrono::month{static_cast<unsigned>(std::stoi(iso.substr(5, 2)))},
          std::chrono::day{static_cast<unsigned>(std::stoi(iso.substr(8, 2)))}};
}

double Model::season(int day) const {
  const HealthSettings& h = scenario.health;
  const double phase =
      2.0 * std::numbers::pi * (start_day_of_year + day - h.winter_peak_day_of_year) / 365.25;
  return 1.0 + h.winter_amplitude * std::cos(phase);
}

double Model::death_season(int day) const {
  const HealthSettings& h = scenario.health;
  const double phase =
      2.0 * std::numbers::pi * (start_day_of_year + day - h.winter_peak_day_of_year) / 365.25;
  return 1.0 + h.winter_death_amplitude * std::cos(phase);
}

std::array<double, 4> stationary_health(const HealthSettings& h, const HospitalSettings& hs,
                                        std::size_t band, int decile, double prevention,
                                        double community) {
  const double dep = 1.0 + h.deprivation_gradient * (10 - decile) / 9.0;
  const double md = h.age_multiplier[band] * dep;
  const double leave = h.ageing_per_year[band] + h.migration_per_year;
  const double prevent = 1.0 - h.prevention_effect * prevention;
  const double support = 1.0 - h.community_effect * community;
  // Forward transitions, entry to care through a hospital stay (acute episode, admission,
  // package needed, discharged into care), and the rates at which the place resets.
  const double onset = h.onset_per_year * md * prevent;
  const double progression = h.progression_per_year * md * support;
  const double care = h.care_entry_per_year * md;
  std::array<double, 3> via_hospital{};
  for (std::size_t k = 0; k < 3; ++k) {
    via_hospital[k] = h.acute_episodes_per_year[k] * md * prevent * (k == 2 ? support : 1.0) *
                      hs.admission_probability[k] * hs.package_probability[k] * hs.care_home_share;
  }
  const std::array<double, 4> reset = {leave + h.deaths_per_year[0] * md,
                                       leave + h.deaths_per_year[1] * md,
                                       leave + h.deaths_per_year[2] * md,
                                       leave + h.in_care_deaths_per_year};
  const double e_ltc = h.initial_ltc_share[band], e_complex = h.initial_complex_share[band],
               e_care = h.initial_in_care_share[band];
  const std::array<double, 4> newcomer = {1.0 - e_ltc - e_complex - e_care, e_ltc, e_complex,
                                          e_care};
  // Balance with the reset flux R = sum_j pi_j reset_j set to 1, then normalised (h_k: into
  // care through hospital):
  //   pi_W (o + h_W + r_W) = e_W,  pi_L (p + h_L + r_L) = o pi_W + e_L,
  //   pi_C (q + h_C + r_C) = p pi_L + e_C,  pi_K r_K = h_W pi_W + h_L pi_L + (q + h_C) pi_C + e_K.
  std::array<double, 4> pi{};
  pi[0] = newcomer[0] / (onset + via_hospital[0] + reset[0]);
  pi[1] = (onset * pi[0] + newcomer[1]) / (progression + via_hospital[1] + reset[1]);
  pi[2] = (progression * pi[1] + newcomer[2]) / (care + via_hospital[2] + reset[2]);
  pi[3] = reset[3] > 0.0 ? (via_hospital[0] * pi[0] + via_hospital[1] * pi[1] +
                            (care + via_hospital[2]) * pi[2] + newcomer[3]) /
                               reset[3]
                         : 0.0;
  const double total = pi[0] + pi[1] + pi[2] + pi[3];
  for (double& x : pi)
    x /= total;
  return pi;
}

double logistic(double x) {
  return 1.0 / (1.0 + std::exp(-x));
}

int Model::day_of_year(int day) const {
  return (start_day_of_year - 1 + day) % 365 + 1;
}

double next_candidate_time(const Model& model, const Citizens& c, std::uint32_t i, double now,
                           Stream& rng) {
  const std::size_t state = c.health[i];
  const double rate =
      model.ceiling_total[state][c.age_band[i]]
                         [model.neighbourhoods.deprivation_decile[c.neighbourhood[i]] - 1u];
  return rate > 0.0 ? now + rng.exponential(rate) : INFINITY;
}

Scenario warm_up_scenario(const Scenario& given) {
  const int w = given.run.warm_up_days;
  if (w <= 0) return given;
  Scenario s = given;
  s.run.days += w;
  const std::chrono::year_month_day first{std::chrono::sys_days{iso_date(given.run.start_date)} -
                                           std::chrono::days{w}};
  s.run.start_date = fmt::format("{:04d}-{:02d}-{:02d}", static_cast<int>(first.year()),
                                 static_cast<unsigned>(first.month()),
                                 static_cast<unsigned>(first.day()));
  for (InterventionSpec& spec : s.interventions)
    spec.day += w;
  for (ShockSpec& shock : s.shocks)
    shock.day += w;
  return s;
}

World build_world(const Scenario& given) {
  World w;
  Model& m = w.model;
  State& st = w.state;
  const Scenario scenario = warm_up_scenario(given);
  m.scenario = scenario;
  m.warm_up_days = std::max(0, given.run.warm_up_days);
  // A stop asked for while a big city is built ends the build between (and, through
  // parallel_chunks, inside) these phases.
  build_neighbourhoods(scenario, m);
  build_organisations(scenario, m);
  derive_parameters(scenario, m);
  check_stop();
  build_staff(scenario, m, st);
  check_stop();
  build_citizens(scenario, m, st);
  check_stop();
  build_ties(scenario, m, st);
  check_stop();

  const std::size_t staff = st.staff.size();
  const std::size_t orgs = m.organisations.size();
  const std::size_t hoods = m.neighbourhoods.size();
  st.chosen_edge.assign(staff, kNone);
  st.proposed_partner.assign(staff, kNone);
  st.introduction.assign(staff, {kNone, kNone});
  st.system_share_next = st.staff.system_share;
  st.mindset_next = st.staff.mindset;
  st.influencer.assign(staff, kNone);
  st.leaving.assign(staff, 0);
  st.peer_share.assign(staff, std::numeric_limits<float>::quiet_NaN());
  st.tie_support.assign(staff, std::numeric_limits<float>::quiet_NaN());
  st.mindset_review_day.assign(staff, 0);
  st.turnover_review_day.assign(staff, 0);
  parallel_chunks(staff, kGrain, [&](std::size_t begin, std::size_t end) {
    for (std::size_t u = begin; u < end; ++u) {
      Stream rng(scenario.run.seed, purpose::turnover, kSetupStep, st.staff.id[u]);
      detail::schedule_staff_reviews(m, st, u, 0, rng);
    }
  });
  DailyTallies& t = st.today;
  t.demand_by_org.assign(orgs, 0);
  t.leavers_by_org.assign(orgs, 0);
  t.demand_by_neighbourhood.assign(hoods, 0);
  t.a_and_e_by_neighbourhood.assign(hoods, 0);
  t.admissions_by_neighbourhood.assign(hoods, 0);
  st.capacity.assign(orgs, 0.0);
  st.backlog.assign(orgs, 0.0);
  st.gp_queue.assign(orgs, {});
  st.gp_credit.assign(orgs, 0.0);
  st.gp_mean_wait.assign(orgs, std::numeric_limits<double>::quiet_NaN());
  st.served.assign(orgs, 0.0);
  st.metric.assign(orgs, {});
  for (auto& row : st.metric)
    row.fill(std::numeric_limits<double>::quiet_NaN());
  st.pressure.assign(orgs, 0.0);
  st.shared_pressure.assign(orgs, 0.0);
  st.levers.reset(orgs, hoods, m.pcn_count);
  st.gaming.assign(orgs, 0.0);
  st.prevention_work.assign(m.pcn_count, 0.0);
  st.joint_work.assign(m.pcn_count, 0.0);
  st.prevention_coverage.assign(m.pcn_count, 0.0);
  st.cohorts.assign(scenario.interventions.size(), {});
  st.joint_work_level.assign(m.pcn_count, 0.0);
  st.vaccinated_65.assign(hoods, 0.0);
  st.leader_stance.assign(staff, 0.0f);
  st.leader_stance_id.assign(staff, kNone);
  st.leader_signal.assign(staff, 0.0f);
  st.community_support.assign(m.pcn_count, 0.0);

  const BudgetSettings& b = scenario.budget;
  const std::uint32_t social = m.first_org_of_kind[static_cast<std::size_t>(OrgKind::social_care)];
  double social_staff = 0.0;
  for (std::uint32_t i : m.orgs_of_kind[static_cast<std::size_t>(OrgKind::social_care)]) {
    social_staff += m.organisations.staff_count[i];
  }
  st.social_care_spend_per_day =
      (social_staff * b.staff_cost_per_year + st.in_care * b.care_cost_per_year) / 365.25;
  st.social_care_budget_per_day = b.social_care_headroom * st.social_care_spend_per_day;
  (void)social;
  return w;
}

}  // namespace caresim
