#include "caresim/model/world.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numbers>
#include <numeric>
#include <stdexcept>

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
  const std::uint64_t seed = s.run.seed;
  m.pcn_count = static_cast<std::uint32_t>(s.city.primary_care_networks);
  std::vector<double> size_weight(n), deprivation_score(n);
  for (std::uint32_t i = 0; i < n; ++i) {
    Stream rng(seed, Purpose::city_generation, 0, i);
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

void derive_parameters(const Scenario& s, Model& m) {
  const DemandSettings& d = s.demand;
  const double total_per_year =
      std::accumulate(d.rate_per_year.begin(), d.rate_per_year.end(), 0.0);
  for (std::size_t k = 0; k < kServiceCount; ++k) {
    m.service_share[k] = total_per_year > 0 ? d.rate_per_year[k] / total_per_year : 0.0;
  }
  for (std::size_t a = 0; a < kAgeBandCount; ++a) {
    for (int decile = 1; decile <= 10; ++decile) {
      const double deprivation = 1.0 + d.deprivation_gradient * (10 - decile) / 9.0;
      m.candidate_rate_per_day[a][static_cast<std::size_t>(decile - 1)] =
          total_per_year / 365.25 * d.age_multiplier[a] * deprivation * (1.0 + d.winter_amplitude);
    }
  }
  m.service_provider.fill(kNone);
  const auto provider_of = [&](OrgKind kind) -> std::uint32_t {
    for (std::size_t i = 0; i < m.organisations.size(); ++i) {
      if (m.organisations.kind[i] == kind) return static_cast<std::uint32_t>(i);
    }
    return kNone;
  };
  m.service_provider[static_cast<std::size_t>(Service::a_and_e)] = provider_of(OrgKind::acute);
  m.service_provider[static_cast<std::size_t>(Service::community)] =
      provider_of(OrgKind::community);
  m.service_provider[static_cast<std::size_t>(Service::social_care)] =
      provider_of(OrgKind::social_care);
  m.service_provider[static_cast<std::size_t>(Service::mental_health_crisis)] =
      provider_of(OrgKind::mental_health);
  m.within_org_daily_retention = std::pow(s.ties.within_org_monthly_retention, 1.0 / 30.0);
  m.cross_org_daily_retention = std::pow(s.ties.cross_org_monthly_retention, 1.0 / 30.0);
  m.start_day_of_year = day_of_year(s.run.start_date);
}

void build_staff(const Scenario& s, const Model& m, State& st) {
  const Organisations& o = m.organisations;
  const std::uint32_t total =
      o.first_staff.empty() ? 0 : o.first_staff.back() + o.staff_count.back();
  Staff& staff = st.staff;
  staff.id.resize(total);
  staff.org.resize(total);
  staff.team.resize(total);
  staff.locality.resize(total);
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
      staff.locality[slot] = o.pcn[i] != kNone ? o.pcn[i] : team_in_org % m.pcn_count;
    }
    team += (o.staff_count[i] + team_size - 1) / team_size;
  }
}

void build_citizens(const Scenario& s, const Model& m, State& st) {
  const Neighbourhoods& nb = m.neighbourhoods;
  Citizens& c = st.citizens;
  const std::size_t n = static_cast<std::size_t>(s.city.citizens);
  c.id.resize(n);
  c.neighbourhood.resize(n);
  c.gp_practice.resize(n);
  c.age_band.resize(n);
  c.next_event_time.resize(n);

  std::vector<std::vector<std::uint16_t>> practices_in_pcn(m.pcn_count);
  std::vector<std::uint16_t> all_practices;
  for (std::size_t i = 0; i < m.organisations.size(); ++i) {
    if (m.organisations.kind[i] != OrgKind::gp_practice) continue;
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
  const std::uint64_t seed = s.run.seed;
  parallel_chunks(n, kGrain, [&](std::size_t begin, std::size_t end) {
    for (std::size_t i = begin; i < end; ++i) {
      const auto id = static_cast<std::uint32_t>(i);
      c.id[i] = id;
      Stream rng(seed, Purpose::city_generation, 1, id);
      const double u = rng.uniform() * cumulative.back();
      std::size_t band = 0;
      while (band + 1 < kAgeBandCount && u >= cumulative[band])
        ++band;
      c.age_band[i] = static_cast<std::uint8_t>(band);
      const auto& local = practices_in_pcn[nb.pcn[c.neighbourhood[i]]];
      const auto& choices = local.empty() ? all_practices : local;
      c.gp_practice[i] = choices.empty() ? kNoPractice : choices[rng.below(choices.size())];
      const double rate =
          m.candidate_rate_per_day[band][nb.deprivation_decile[c.neighbourhood[i]] - 1u];
      Stream first_event(seed, Purpose::citizen_demand, kSetupStep, id);
      c.next_event_time[i] = rate > 0 ? first_event.exponential(rate) : INFINITY;
    }
  });
  // The calendar holds each citizen once, on the day of its next candidate event.
  const auto days = static_cast<std::size_t>(s.run.days);
  std::vector<std::uint32_t> per_day(days, 0);
  for (double t : c.next_event_time) {
    if (t < static_cast<double>(days)) ++per_day[static_cast<std::size_t>(t)];
  }
  st.calendar.day_bucket.assign(days, {});
  for (std::size_t d = 0; d < days; ++d)
    st.calendar.day_bucket[d].reserve(per_day[d]);
  for (std::size_t i = 0; i < n; ++i) {
    const double t = c.next_event_time[i];
    if (t < static_cast<double>(days)) {
      st.calendar.day_bucket[static_cast<std::size_t>(t)].push_back(static_cast<std::uint32_t>(i));
    }
  }
}

void build_ties(const Scenario& s, const Model& m, State& st) {
  const Staff& staff = st.staff;
  const TieSettings& ts = s.ties;
  const Organisations& o = m.organisations;
  std::vector<std::vector<std::uint32_t>> staff_in_locality(m.pcn_count);
  for (std::uint32_t u = 0; u < staff.size(); ++u)
    staff_in_locality[staff.locality[u]].push_back(u);

  const std::uint64_t seed = s.run.seed;
  const auto jitter = [](Stream& rng, double base) {
    return static_cast<float>(std::clamp(base * (0.75 + 0.5 * rng.uniform()), 0.01, 1.0));
  };
  using Ties = std::vector<NewTie>;
  Ties proposals = deterministic_reduce(
      staff.size(), 1024, Ties{},
      [&](std::size_t begin, std::size_t end, Ties& out) {
        for (std::size_t i = begin; i < end; ++i) {
          const auto u = static_cast<std::uint32_t>(i);
          Stream rng(seed, Purpose::initial_ties, 0, staff.id[u]);
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

double Model::season(int day) const {
  const DemandSettings& d = scenario.demand;
  const double phase =
      2.0 * std::numbers::pi * (start_day_of_year + day - d.winter_peak_day_of_year) / 365.25;
  return 1.0 + d.winter_amplitude * std::cos(phase);
}

World build_world(const Scenario& scenario) {
  World w;
  w.model.scenario = scenario;
  build_neighbourhoods(scenario, w.model);
  build_organisations(scenario, w.model);
  derive_parameters(scenario, w.model);
  build_staff(scenario, w.model, w.state);
  build_citizens(scenario, w.model, w.state);
  build_ties(scenario, w.model, w.state);
  const std::size_t staff = w.state.staff.size();
  w.state.chosen_edge.assign(staff, kNone);
  w.state.proposed_partner.assign(staff, kNone);
  w.state.today.demand_by_org.assign(w.model.organisations.size(), 0);
  w.state.today.demand_by_neighbourhood.assign(w.model.neighbourhoods.size(), 0);
  w.state.today.a_and_e_by_neighbourhood.assign(w.model.neighbourhoods.size(), 0);
  return w;
}

}  // namespace caresim
