#include "caresim/care/simulation.hpp"

#include <fmt/format.h>

#include <chrono>
#include <cmath>
#include <deque>
#include <memory>
#include <mutex>
#include <stdexcept>

#include "caresim/care/costs.hpp"
#include "caresim/core/parallel.hpp"
#include "caresim/core/progress.hpp"
#include "caresim/core/stop.hpp"
#include "caresim/scenario/load.hpp"

namespace caresim {

std::vector<Observable> standard_observables(const Model& model);  // observables.cpp

Simulation::Simulation(const Scenario& scenario) : Simulation(scenario, NoWarmUp{}) {
  warm_up(scenario);
}

Simulation::Simulation(const Scenario& scenario, const Scenario& warm_up_from)
    : Simulation(scenario, NoWarmUp{}) {
  if (warm_up_from.run.warm_up_days != scenario.run.warm_up_days) {
    throw std::invalid_argument(fmt::format(
        "the warm-up to start from has {} days, this scenario's {}: start from the warm-up of a "
        "scenario with the same run.warm_up_days",
        warm_up_from.run.warm_up_days, scenario.run.warm_up_days));
  }
  warm_up(warm_up_from);
}

Simulation::Simulation(const Scenario& scenario, NoWarmUp)
    : world_(build_world(scenario)),
      phases_(default_phases()),
      observables_(standard_observables(world_.model)),
      phase_seconds_(phases_.size(), 0.0) {
  layout_.start_date = scenario.run.start_date;
  const Model& m = world_.model;
  layout_.dimensions.push_back({"organisation", "organisation in the city's health and care system",
                                m.organisations.name, {}, {}});
  layout_.dimensions.push_back({"neighbourhood", "neighbourhood (MSOA-sized area) of the city",
                                m.neighbourhoods.name, m.neighbourhoods.priority, "priority"});
  for (const Observable& o : observables_)
    layout_.series.push_back(o.spec);
}

namespace {

/// The warm-up a scenario needs: its city and parameters with nothing scheduled (no
/// interventions, no shocks, no leaders' choices), one day after it, drawn from the city seed
/// rather than the run seed. Every run seed and every arm that differs only in what it schedules
/// or how long it runs starts from the same warmed-up city.
Scenario warm_up_city(const Scenario& given) {
  Scenario s = given;
  s.name = "warm-up";
  s.description.clear();
  s.run.days = 1;
  s.run.seed = given.city.seed;
  s.run.flush_every_days = 1;
  s.interventions.clear();
  s.shocks.clear();
  s.outputs = {};
  return s;
}

/// Warmed-up cities (their State's bytes) by warm_up_city()'s YAML. A few at most: a process
/// runs one scenario's replicates, or a comparison's arms; and only the newest beyond 2 GiB (a
/// warmed-up England is about that size on its own).
struct WarmUpCache {
  static constexpr std::size_t kEntries = 4;
  static constexpr std::size_t kBytes = std::size_t{2} << 30;
  std::mutex mutex;
  std::deque<std::pair<std::string, std::shared_ptr<const std::string>>> entries;
};

WarmUpCache& warm_up_cache() {
  static WarmUpCache cache;
  return cache;
}

}  // namespace

std::pair<std::size_t, std::size_t> Simulation::warm_up_cache_size() {
  WarmUpCache& cache = warm_up_cache();
  const std::lock_guard lock(cache.mutex);
  std::size_t bytes = 0;
  for (const auto& [key, state] : cache.entries)
    bytes += state->size();
  return {cache.entries.size(), bytes};
}

void Simulation::warm_up(const Scenario& scenario) {
  if (world_.model.warm_up_days == 0) return;
  const Scenario warm = warm_up_city(scenario);
  const std::string key = to_yaml(warm);
  WarmUpCache& cache = warm_up_cache();
  std::shared_ptr<const std::string> bytes;
  {
    const std::lock_guard lock(cache.mutex);
    for (const auto& [k, state] : cache.entries) {
      if (k == key) bytes = state;
    }
  }
  if (bytes == nullptr) {
    // Simulated outside the lock: two threads that miss together compute the same bytes.
    Simulation warming(warm, NoWarmUp{});
    warming.warm_up_in_place();
    StateArchive writer = StateArchive::writer();
    warming.visit_state(writer);
    bytes = std::make_shared<const std::string>(writer.take_bytes());
    const std::lock_guard lock(cache.mutex);
    cache.entries.emplace_back(key, bytes);
    std::size_t total = 0;
    for (const auto& entry : cache.entries)
      total += entry.second->size();
    while (cache.entries.size() > WarmUpCache::kEntries ||
           (cache.entries.size() > 1 && total > WarmUpCache::kBytes)) {
      total -= cache.entries.front().second->size();
      cache.entries.pop_front();
    }
  }
  // Loaded as a checkpoint branched into this scenario is: its days and interventions.
  StateArchive reader = StateArchive::reader(*bytes);
  visit_state(reader);
}

void Simulation::warm_up_in_place() {
  // Whole days of the model with nothing scheduled, between which a stop is honoured.
  // Afterwards the running totals start again, so that every output counts from day 0.
  State& st = world_.state;
  while (st.day < world_.model.warm_up_days) {
    check_stop();
    step();
    if (st.day % 30 == 0 || st.day == world_.model.warm_up_days)
      report_progress("warm-up", st.day, world_.model.warm_up_days);
  }
  st.cost_to_date = 0.0;
  st.problems_solved = 0;
  st.adoptions.clear();
}

Simulation::Simulation(const Simulation& other)
    : Simulator(other),
      world_(other.world_),
      phases_(default_phases()),
      // Rebuilt rather than copied so that nothing in them refers to the original's Model.
      observables_(standard_observables(world_.model)),
      layout_(other.layout_),
      phase_seconds_(other.phase_seconds_),
      perturbation_(other.perturbation_) {}

std::unique_ptr<Simulator> Simulation::clone() const {
  return std::unique_ptr<Simulator>(new Simulation(*this));
}

std::uint64_t Simulation::perturbation_sites() const {
  return world_.state.staff.size();
}

void Simulation::perturb(std::uint64_t site) {
  Staff& staff = world_.state.staff;
  if (site >= staff.size()) {
    throw std::out_of_range(
        fmt::format("Simulation::perturb: site {} of {} staff slots", site, staff.size()));
  }
  const auto i = static_cast<std::uint32_t>(site);
  switch (perturbation_) {
    case CarePerturbation::mindset:
      staff.mindset[i] = staff.mindset[i] != 0 ? 0 : 1;
      break;
    case CarePerturbation::system_share: {
      float& s = staff.system_share[i];
      s = s > 0.99f ? s - 0.01f : s + 0.01f;
      break;
    }
    case CarePerturbation::tie: {
      TieNetwork& net = world_.state.ties;
      std::uint32_t strongest = kNone;
      for (const std::uint32_t e : net.edges_of(i)) {
        if (strongest == kNone || net.strength(e) > net.strength(strongest) ||
            (net.strength(e) == net.strength(strongest) && e < strongest)) {
          strongest = e;
        }
      }
      if (strongest != kNone) net.apply(TieChanges{{strongest}, {}});
      break;
    }
  }
}

namespace {

// Summed strength of each person's ties.
std::vector<double> strength_by_staff(const TieNetwork& net, std::size_t staff) {
  std::vector<double> w(staff, 0.0);
  for (std::size_t i = 0; i < staff && i < net.node_count(); ++i) {
    for (const std::uint32_t e : net.edges_of(static_cast<std::uint32_t>(i)))
      w[i] += net.strength(e);
  }
  return w;
}

}  // namespace

double Simulation::distance(const Simulator& other_simulator) const {
  const auto* other = dynamic_cast<const Simulation*>(&other_simulator);
  if (other == nullptr || other->world_.state.staff.size() != world_.state.staff.size()) {
    throw std::invalid_argument("Simulation::distance: not a care model of the same city");
  }
  const Staff& a = world_.state.staff;
  const Staff& b = other->world_.state.staff;
  const std::size_t n = a.size();
  if (n == 0) return 0.0;
  const std::vector<double> wa = strength_by_staff(world_.state.ties, n);
  const std::vector<double> wb = strength_by_staff(other->world_.state.ties, n);
  double sum = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    sum +=
        std::abs(static_cast<double>(a.mindset[i]) - static_cast<double>(b.mindset[i])) +
        std::abs(static_cast<double>(a.system_share[i]) - static_cast<double>(b.system_share[i])) +
        std::abs(wa[i] - wb[i]);
  }
  return sum / static_cast<double>(n);
}

std::vector<std::size_t> Simulation::headline_series() const {
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < observables_.size(); ++i) {
    if (observables_[i].headline) out.push_back(i);
  }
  return out;
}

std::vector<std::pair<std::string, double>> Simulation::phase_seconds() const {
  std::vector<std::pair<std::string, double>> out;
  for (std::size_t p = 0; p < phases_.size(); ++p) {
    out.emplace_back(std::string(phases_[p]->name()), phase_seconds_[p]);
  }
  return out;
}

std::vector<Table> Simulation::tables(bool at_end) const {
  const State& st = world_.state;
  const Model& m = world_.model;
  std::vector<Table> out;
  if (at_end) {
    Table t{"adoptions",
            "adoption",
            "who adopted the system-leadership mindset, when, and who influenced them "
            "(the adopter's most strongly tied colleague who had adopted; -1 if none)",
            {}};
    TableColumn day{"day", "day", "run day of the adoption (0 = the first day)", {}, {}};
    TableColumn who{"staff_id", "1", "stable id of the adopter", {}, {}};
    TableColumn from{"influencer_id", "1", "stable id of the influencer, -1 if none", {}, {}};
    for (const Adoption& a : st.adoptions) {
      day.integers.push_back(a.day - m.warm_up_days);
      who.integers.push_back(a.staff_id);
      from.integers.push_back(
          a.influencer_id == kNone ? -1 : static_cast<std::int64_t>(a.influencer_id));
    }
    t.columns = {std::move(day), std::move(who), std::move(from)};
    out.push_back(std::move(t));
    return out;
  }
  const int every = m.scenario.outputs.network_snapshot_every_days;
  const int today = day();
  if (every <= 0 || today % every != 0) return out;
  Table t{fmt::format("network/day_{:04d}", today),
          "tie",
          today == 0 ? (m.warm_up_days == 0
                            ? std::string("the staff tie network as generated, before the first day")
                            : fmt::format("the staff tie network after the {}-day warm-up, before "
                                          "the first day",
                                          m.warm_up_days))
                     : fmt::format("the staff tie network after {} simulated days", today),
          {}};
  TableColumn a{"staff_a", "1", "stable id of one end", {}, {}};
  TableColumn b{"staff_b", "1", "stable id of the other end", {}, {}};
  TableColumn org_a{"org_a", "1", "organisation index of staff_a", {}, {}};
  TableColumn org_b{"org_b", "1", "organisation index of staff_b", {}, {}};
  TableColumn strength{"strength", "1", "tie strength, 0..1", {}, {}};
  const TieNetwork& net = st.ties;
  for (std::uint32_t e = 0; e < net.slot_count(); ++e) {
    if (!net.alive(e)) continue;
    a.integers.push_back(st.staff.id[net.a(e)]);
    b.integers.push_back(st.staff.id[net.b(e)]);
    org_a.integers.push_back(st.staff.org[net.a(e)]);
    org_b.integers.push_back(st.staff.org[net.b(e)]);
    strength.reals.push_back(net.strength(e));
  }
  t.columns = {std::move(a), std::move(b), std::move(org_a), std::move(org_b), std::move(strength)};
  out.push_back(std::move(t));
  return out;
}

std::vector<Attribute> Simulation::describe() const {
  const State& st = world_.state;
  return {
      Attribute::of("citizens", static_cast<std::int64_t>(st.citizens.size())),
      Attribute::of("staff", static_cast<std::int64_t>(st.staff.size())),
      Attribute::of("organisations", static_cast<std::int64_t>(world_.model.organisations.size())),
      Attribute::of("neighbourhoods",
                    static_cast<std::int64_t>(world_.model.neighbourhoods.size()))};
}

void Simulation::step() {
  State& st = world_.state;
  // A fresh day's tallies, keeping the per-organisation and per-neighbourhood vectors' sizes.
  DailyTallies& t = st.today;
  DailyTallies fresh;
  const auto zeros = [](const std::vector<std::uint64_t>& v) {
    return std::vector<std::uint64_t>(v.size(), 0);
  };
  fresh.demand_by_org = zeros(t.demand_by_org);
  fresh.demand_by_neighbourhood = zeros(t.demand_by_neighbourhood);
  fresh.a_and_e_by_neighbourhood = zeros(t.a_and_e_by_neighbourhood);
  fresh.admissions_by_neighbourhood = zeros(t.admissions_by_neighbourhood);
  fresh.leavers_by_org = zeros(t.leavers_by_org);
  t = std::move(fresh);
  for (std::size_t p = 0; p < phases_.size(); ++p) {
    const auto start = std::chrono::steady_clock::now();
    phases_[p]->run(world_.model, st);
    phase_seconds_[p] +=
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  }
  // Accounting, not a phase: it reads the day's tallies and stocks and changes nothing they do.
  account_costs(world_.model, st);
  ++st.day;
}

TieStats tie_stats(const Model& model, const State& state) {
  const TieNetwork& net = state.ties;
  const std::size_t orgs = model.organisations.size();
  TieStats identity;
  identity.org_strength.assign(orgs, 0.0);
  identity.org_cross_strength.assign(orgs, 0.0);
  identity.org_ties.assign(orgs, 0.0);
  const auto org_of = net.org_of_node();
  const auto strengths = net.strengths();
  const auto alive = net.alive_flags();
  const auto cross_flags = net.cross_org_flags();
  return deterministic_reduce(
      net.slot_count(), 1 << 15, identity,
      [&](std::size_t begin, std::size_t end, TieStats& s) {
        // Each organisation's sums are added to in slot order, as a plain loop would, but the
        // running sums of the organisation at hand are held in registers until the next tie
        // belongs to another (consecutive slots mostly share one): same additions, same order,
        // same bits. Counts are integers, exact in any order.
        std::vector<std::uint32_t> ends(orgs, 0);
        std::uint64_t ties = 0, cross_ties = 0;
        std::uint32_t current = kNone;
        double strength = 0.0, cross_strength = 0.0;
        const auto hold = [&](std::uint32_t org) {
          if (org == current) return;
          if (current != kNone) {
            s.org_strength[current] = strength;
            s.org_cross_strength[current] = cross_strength;
          }
          current = org;
          strength = s.org_strength[org];
          cross_strength = s.org_cross_strength[org];
        };
        for (std::size_t k = begin; k < end; ++k) {
          if (!alive[k]) continue;
          const auto e = static_cast<std::uint32_t>(k);
          const double w = strengths[k];
          const bool cross = cross_flags[k] != 0;
          s.strength += w;
          ++ties;
          for (std::uint32_t end_org : {org_of[net.a(e)], org_of[net.b(e)]}) {
            hold(end_org);
            strength += w;
            ++ends[end_org];
            if (cross) cross_strength += w;
          }
          if (cross) {
            s.cross_strength += w;
            ++cross_ties;
          }
        }
        if (current != kNone) {
          s.org_strength[current] = strength;
          s.org_cross_strength[current] = cross_strength;
        }
        s.ties += static_cast<double>(ties);
        s.cross_ties += static_cast<double>(cross_ties);
        for (std::size_t o = 0; o < orgs; ++o)
          s.org_ties[o] += static_cast<double>(ends[o]);
      },
      [](TieStats& total, const TieStats& part) {
        total.strength += part.strength;
        total.cross_strength += part.cross_strength;
        total.ties += part.ties;
        total.cross_ties += part.cross_ties;
        for (std::size_t i = 0; i < total.org_strength.size(); ++i) {
          total.org_strength[i] += part.org_strength[i];
          total.org_cross_strength[i] += part.org_cross_strength[i];
          total.org_ties[i] += part.org_ties[i];
        }
      });
}

void Simulation::observe(std::span<double> row) const {
  const Observation obs{world_.model, world_.state, tie_stats(world_.model, world_.state),
                        staff_stats(world_.model, world_.state),
                        citizen_stats(world_.model, world_.state)};
  std::size_t offset = 0;
  for (const Observable& o : observables_) {
    const std::size_t width =
        o.spec.dimension < 0
            ? 1
            : layout_.dimensions[static_cast<std::size_t>(o.spec.dimension)].labels.size();
    o.fill(obs, row.subspan(offset, width));
    offset += width;
  }
}

StaffStats staff_stats(const Model& model, const State& state) {
  const std::size_t orgs = model.organisations.size();
  const Staff& st = state.staff;
  StaffStats identity;
  for (auto* v : {&identity.system_share, &identity.mindset, &identity.energy, &identity.trust,
                  &identity.bias, &identity.vision, &identity.staff}) {
    v->assign(orgs, 0.0);
  }
  return deterministic_reduce(
      st.size(), kGrain, identity,
      [&](std::size_t begin, std::size_t end, StaffStats& s) {
        // Staff slots are grouped by organisation: each run of one organisation is summed in
        // registers, starting from (and written back to) its partial sums, so every sum sees
        // the same additions in the same order as adding slot by slot into the partials.
        std::size_t u = begin;
        while (u < end) {
          const std::uint32_t o = st.org[u];
          double share = s.system_share[o], mindset = s.mindset[o], energy = s.energy[o];
          double trust = s.trust[o], bias = s.bias[o], vision = s.vision[o];
          double count = s.staff[o];
          for (; u < end && st.org[u] == o; ++u) {
            share += st.system_share[u];
            mindset += st.mindset[u];
            energy += st.energy[u];
            trust += st.trust[u];
            bias += st.bias[u];
            vision += st.vision[u];
            count += 1.0;
          }
          s.system_share[o] = share;
          s.mindset[o] = mindset;
          s.energy[o] = energy;
          s.trust[o] = trust;
          s.bias[o] = bias;
          s.vision[o] = vision;
          s.staff[o] = count;
        }
      },
      [](StaffStats& total, const StaffStats& part) {
        const auto add = [](std::vector<double>& a, const std::vector<double>& b) {
          for (std::size_t i = 0; i < a.size(); ++i)
            a[i] += b[i];
        };
        add(total.system_share, part.system_share);
        add(total.mindset, part.mindset);
        add(total.energy, part.energy);
        add(total.trust, part.trust);
        add(total.bias, part.bias);
        add(total.vision, part.vision);
        add(total.staff, part.staff);
      });
}

CitizenStats citizen_stats(const Model& model, const State& state) {
  const Citizens& c = state.citizens;
  const std::size_t hoods = model.neighbourhoods.size();
  using Counts = std::vector<std::array<std::uint32_t, kHealthStateCount>>;
  // Integer counts (exact in any order, so the same as summing ones in doubles). Homes are
  // laid out neighbourhood by neighbourhood, so each run of one neighbourhood is counted with
  // four interleaved tallies (no store-to-load chain on one counter).
  const Counts counts = deterministic_reduce(
      c.size(), 1 << 16, Counts(hoods),
      [&](std::size_t begin, std::size_t end, Counts& s) {
        const std::uint16_t* where = c.neighbourhood.data();
        const std::uint8_t* health = c.health.data();
        std::size_t i = begin;
        while (i < end) {
          const std::uint16_t n = where[i];
          std::size_t j = i + 1;
          while (j < end && where[j] == n)
            ++j;
          std::array<std::array<std::uint32_t, kHealthStateCount>, 4> t{};
          std::size_t k = i;
          for (; k + 4 <= j; k += 4) {
            ++t[0][health[k]];
            ++t[1][health[k + 1]];
            ++t[2][health[k + 2]];
            ++t[3][health[k + 3]];
          }
          for (; k < j; ++k)
            ++t[0][health[k]];
          for (std::size_t h = 0; h < kHealthStateCount; ++h)
            s[n][h] += t[0][h] + t[1][h] + t[2][h] + t[3][h];
          i = j;
        }
      },
      [](Counts& total, const Counts& part) {
        for (std::size_t n = 0; n < total.size(); ++n) {
          for (std::size_t h = 0; h < kHealthStateCount; ++h)
            total[n][h] += part[n][h];
        }
      });
  CitizenStats out;
  out.by_neighbourhood.assign(hoods, {});
  for (std::size_t n = 0; n < hoods; ++n) {
    for (std::size_t h = 0; h < kHealthStateCount; ++h)
      out.by_neighbourhood[n][h] = static_cast<double>(counts[n][h]);
  }
  for (const auto& row : out.by_neighbourhood) {
    for (std::size_t h = 0; h < kHealthStateCount; ++h)
      out.total[h] += row[h];
  }
  return out;
}

}  // namespace caresim
