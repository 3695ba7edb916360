#include "caresim/teaching/threshold_cascade.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "caresim/core/parallel.hpp"
#include "caresim/core/random.hpp"

namespace caresim::teaching {
namespace {

std::uint64_t count_differences(std::span<const std::uint8_t> a, std::span<const std::uint8_t> b) {
  return deterministic_reduce(
      a.size(), kGrain, std::uint64_t{0},
      [&](std::size_t begin, std::size_t end, std::uint64_t& count) {
        for (std::size_t i = begin; i < end; ++i)
          count += a[i] != b[i] ? 1 : 0;
      },
      [](std::uint64_t& total, std::uint64_t part) { total += part; });
}

/// Degree cap for the TieNetwork: Poisson(z) exceeds it with negligible probability.
std::uint32_t degree_cap(double z) {
  return static_cast<std::uint32_t>(std::ceil(z + 10.0 * std::sqrt(z) + 10.0));
}

}  // namespace

ThresholdCascade::ThresholdCascade(const Scenario& scenario)
    : TeachingModel(scenario, "threshold_update",
                    {{"active_fraction", "1", "fraction of nodes active after the step"},
                     {"newly_active", "1", "nodes that became active in the step"}}),
      threshold_(scenario.teaching.threshold_cascade.threshold) {
  const ThresholdCascadeSettings& s = scenario.teaching.threshold_cascade;
  const auto n = static_cast<std::size_t>(s.nodes);
  const double edges_wanted = std::round(s.mean_degree * static_cast<double>(n) / 2.0);
  if (n < 2 || !(edges_wanted < static_cast<double>(std::numeric_limits<std::uint32_t>::max()))) {
    throw std::invalid_argument("threshold_cascade: need 2 or more nodes and under 2^32 edges");
  }
  const auto m = static_cast<std::size_t>(edges_wanted);
  network_ = TieNetwork(std::vector<std::uint32_t>(n, 0), degree_cap(s.mean_degree));
  TieChanges changes;
  changes.added.resize(m);
  parallel_chunks(m, kGrain, [&](std::size_t begin, std::size_t end) {
    for (std::size_t e = begin; e < end; ++e) {
      Stream draw(seed(), purpose::threshold_cascade_network, 0, static_cast<std::uint32_t>(e));
      const auto a = static_cast<std::uint32_t>(draw.below(n));
      const auto b = static_cast<std::uint32_t>(draw.below(n));
      changes.added[e] = {a, b, 1.0f};
    }
  });
  network_.apply(std::move(changes));
  active_.assign(n, 0);
  next_.assign(n, 0);
  seed_node_ =
      static_cast<std::uint32_t>(Stream(seed(), purpose::threshold_cascade_seed, 0, 0).below(n));
  active_[seed_node_] = 1;
  active_count_ = 1;
}

void ThresholdCascade::advance() {
  newly_active_ = deterministic_reduce(
      active_.size(), kGrain, std::uint64_t{0},
      [&](std::size_t begin, std::size_t end, std::uint64_t& added) {
        for (std::size_t i = begin; i < end; ++i) {
          const auto node = static_cast<std::uint32_t>(i);
          std::uint8_t now = active_[i];
          const std::uint32_t degree = network_.degree(node);
          if (now == 0 && degree > 0) {
            std::uint32_t active_neighbours = 0;
            for (const std::uint32_t e : network_.edges_of(node))
              active_neighbours += active_[network_.other(e, node)];
            if (static_cast<double>(active_neighbours) >=
                threshold_ * static_cast<double>(degree)) {
              now = 1;
              ++added;
            }
          }
          next_[i] = now;
        }
      },
      [](std::uint64_t& total, std::uint64_t part) { total += part; });
  active_.swap(next_);
  active_count_ += newly_active_;
}

double ThresholdCascade::active_fraction() const {
  return static_cast<double>(active_count_) / static_cast<double>(active_.size());
}

void ThresholdCascade::observe(std::span<double> row) const {
  row[0] = active_fraction();
  row[1] = static_cast<double>(newly_active_);
}

Picture ThresholdCascade::picture() const {
  // The first nodes reached breadth-first from the seed, with the ties among them: the
  // neighbourhood a cascade must cross. Fixed for the run (the network does not change).
  constexpr std::size_t kShown = 300;
  std::vector<std::uint32_t> order{seed_node_};
  std::vector<std::int64_t> index(active_.size(), -1);
  index[seed_node_] = 0;
  for (std::size_t next = 0; next < order.size() && order.size() < kShown; ++next) {
    for (const std::uint32_t e : network_.edges_of(order[next])) {
      const std::uint32_t v = network_.other(e, order[next]);
      if (index[v] >= 0 || order.size() >= kShown) continue;
      index[v] = static_cast<std::int64_t>(order.size());
      order.push_back(v);
    }
  }
  Picture p{
      "network", {{"active_fraction", active_fraction()}}, {{"state", {}}, {"edges", {}}}, {}};
  for (const std::uint32_t u : order) {
    p.layers[0].values.push_back(active_[u]);
    for (const std::uint32_t e : network_.edges_of(u)) {
      const std::int64_t j = index[network_.other(e, u)];
      if (j > index[u]) {
        p.layers[1].values.push_back(static_cast<double>(index[u]));
        p.layers[1].values.push_back(static_cast<double>(j));
      }
    }
  }
  return p;
}

std::vector<Attribute> ThresholdCascade::describe() const {
  return {Attribute::of("nodes", static_cast<std::int64_t>(active_.size())),
          Attribute::of("edges", static_cast<std::int64_t>(network_.edge_count())),
          Attribute::of("seed_node", static_cast<std::int64_t>(seed_node_))};
}

std::unique_ptr<Simulator> ThresholdCascade::clone() const {
  return std::make_unique<ThresholdCascade>(*this);
}

void ThresholdCascade::perturb(std::uint64_t site) {
  if (site >= active_.size()) throw std::out_of_range("threshold_cascade: no such node");
  active_[site] ^= 1U;
  if (active_[site] != 0) {
    ++active_count_;
  } else {
    --active_count_;
  }
}

double ThresholdCascade::distance(const Simulator& other) const {
  const auto& b = same_model<ThresholdCascade>(other);
  if (b.active_.size() != active_.size()) throw std::invalid_argument("distance: sizes differ");
  return static_cast<double>(count_differences(active_, b.active_)) /
         static_cast<double>(active_.size());
}

// Every member, configuration included: a restored model is this one, whatever it was built from.
void ThresholdCascade::visit_model_state(StateArchive& archive) {
  archive("threshold", threshold_);
  archive("network", network_);
  archive("seed_node", seed_node_);
  archive("active", active_);
  archive("next", next_);
  archive("active_count", active_count_);
  archive("newly_active", newly_active_);
}

}  // namespace caresim::teaching
