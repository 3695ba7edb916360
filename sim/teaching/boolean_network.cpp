#include "caresim/teaching/boolean_network.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>

#include "caresim/core/parallel.hpp"
#include "caresim/core/random.hpp"
#include "caresim/teaching/purposes.hpp"

namespace caresim::teaching {

BooleanNetwork::BooleanNetwork(const Scenario& scenario)
    : TeachingModel(
          scenario, "boolean_update",
          {{"fraction_on", "1", "fraction of nodes in state 1 after the step"},
           {"fraction_changed", "1", "fraction of nodes whose state changed in the step"}}),
      k_(scenario.teaching.boolean_network.inputs) {
  const BooleanNetworkSettings& s = scenario.teaching.boolean_network;
  if (s.inputs < 1 || s.inputs > 6 || s.inputs >= s.nodes) {
    throw std::invalid_argument("boolean_network: need 1 <= inputs <= 6 and inputs < nodes");
  }
  const auto n = static_cast<std::size_t>(s.nodes);
  const auto k = static_cast<std::size_t>(k_);
  inputs_.resize(n * k);
  tables_.resize(n);
  state_.resize(n);
  next_.resize(n);
  parallel_chunks(n, kGrain, [&](std::size_t begin, std::size_t end) {
    for (std::size_t i = begin; i < end; ++i) {
      const auto node = static_cast<std::uint32_t>(i);
      Stream wiring(seed(), purpose::boolean_network_wiring, 0, node);
      std::uint32_t* row = inputs_.data() + i * k;
      for (std::size_t j = 0; j < k; ++j) {
        std::uint32_t input = 0;
        do {
          input = static_cast<std::uint32_t>(wiring.below(n));
        } while (std::find(row, row + j, input) != row + j);
        row[j] = input;
      }
      Stream table(seed(), purpose::boolean_network_tables, 0, node);
      std::uint64_t bits = 0;
      for (std::size_t entry = 0; entry < (std::size_t{1} << k); ++entry) {
        if (table.bernoulli(s.bias)) bits |= std::uint64_t{1} << entry;
      }
      tables_[i] = bits;
      state_[i] =
          Stream(seed(), purpose::boolean_network_initial, 0, node).bernoulli(s.initial_on) ? 1 : 0;
    }
  });
}

void BooleanNetwork::advance() {
  const std::size_t k = static_cast<std::size_t>(k_);
  changed_ = deterministic_reduce(
      state_.size(), kGrain, std::uint64_t{0},
      [&](std::size_t begin, std::size_t end, std::uint64_t& changed) {
        for (std::size_t i = begin; i < end; ++i) {
          const std::uint32_t* row = inputs_.data() + i * k;
          std::uint64_t index = 0;
          for (std::size_t j = 0; j < k; ++j)
            index |= std::uint64_t{state_[row[j]]} << j;
          next_[i] = static_cast<std::uint8_t>((tables_[i] >> index) & 1U);
          changed += next_[i] != state_[i] ? 1 : 0;
        }
      },
      [](std::uint64_t& total, std::uint64_t part) { total += part; });
  state_.swap(next_);
}

void BooleanNetwork::observe(std::span<double> row) const {
  const auto on = static_cast<double>(std::count(state_.begin(), state_.end(), std::uint8_t{1}));
  const auto n = static_cast<double>(state_.size());
  row[0] = on / n;
  row[1] = static_cast<double>(changed_) / n;
}

Picture BooleanNetwork::picture() const {
  // The first nodes' states: stacked step after step they make Kauffman's space-time raster.
  constexpr std::size_t kShown = 200;
  const std::size_t shown = std::min(kShown, state_.size());
  return {"raster",
          {{"nodes_shown", static_cast<double>(shown)}},
          {{"states", std::vector<double>(state_.begin(),
                                          state_.begin() + static_cast<std::ptrdiff_t>(shown))}},
          {}};
}

std::vector<Attribute> BooleanNetwork::describe() const {
  return {Attribute::of("nodes", static_cast<std::int64_t>(state_.size())),
          Attribute::of("inputs_per_node", static_cast<std::int64_t>(k_))};
}

std::unique_ptr<Simulator> BooleanNetwork::clone() const {
  return std::make_unique<BooleanNetwork>(*this);
}

void BooleanNetwork::perturb(std::uint64_t site) {
  if (site >= state_.size()) throw std::out_of_range("boolean_network: no such node");
  state_[site] ^= 1U;
}

double BooleanNetwork::distance(const Simulator& other) const {
  const auto& b = same_model<BooleanNetwork>(other);
  if (b.state_.size() != state_.size()) throw std::invalid_argument("distance: sizes differ");
  const std::uint64_t differ = deterministic_reduce(
      state_.size(), kGrain, std::uint64_t{0},
      [&](std::size_t begin, std::size_t end, std::uint64_t& count) {
        for (std::size_t i = begin; i < end; ++i)
          count += state_[i] != b.state_[i] ? 1 : 0;
      },
      [](std::uint64_t& total, std::uint64_t part) { total += part; });
  return static_cast<double>(differ) / static_cast<double>(state_.size());
}

void BooleanNetwork::update(std::span<const std::uint8_t> from,
                           std::span<std::uint8_t> to) const {
  if (from.size() != state_.size() || to.size() != state_.size())
    throw std::invalid_argument("boolean_network: a configuration has one state per node");
  const std::size_t k = static_cast<std::size_t>(k_);
  parallel_chunks(state_.size(), kGrain, [&](std::size_t begin, std::size_t end) {
    for (std::size_t i = begin; i < end; ++i) {
      const std::uint32_t* row = inputs_.data() + i * k;
      std::uint64_t index = 0;
      for (std::size_t j = 0; j < k; ++j)
        index |= std::uint64_t{from[row[j]]} << j;
      to[i] = static_cast<std::uint8_t>((tables_[i] >> index) & 1U);
    }
  });
}

std::vector<DerridaPoint> derrida_map(const BooleanNetwork& net, std::span<const double> distances,
                                      int pairs, std::uint64_t seed) {
  if (pairs < 1) throw std::invalid_argument("derrida_map: need at least one pair");
  const std::size_t n = net.node_count();
  std::vector<std::uint8_t> a(n), b(n), a1(n), b1(n);
  std::vector<std::uint32_t> order(n);
  std::vector<DerridaPoint> out;
  for (std::size_t di = 0; di < distances.size(); ++di) {
    const double d = distances[di];
    if (!(d >= 0.0 && d <= 1.0)) throw std::invalid_argument("derrida_map: distances are 0..1");
    const auto flips = static_cast<std::size_t>(std::llround(d * static_cast<double>(n)));
    double sum = 0.0, sum2 = 0.0;
    for (int pair = 0; pair < pairs; ++pair) {
      Stream rng(seed, purpose::boolean_network_derrida, static_cast<std::uint32_t>(pair),
                 static_cast<std::uint32_t>(di));
      for (std::size_t i = 0; i < n; ++i)
        a[i] = rng.bernoulli(0.5) ? 1 : 0;
      b = a;
      // Exactly `flips` distinct nodes: a partial Fisher-Yates shuffle.
      std::iota(order.begin(), order.end(), 0U);
      for (std::size_t j = 0; j < flips; ++j) {
        const std::size_t pick = j + static_cast<std::size_t>(rng.below(n - j));
        std::swap(order[j], order[pick]);
        b[order[j]] ^= 1U;
      }
      net.update(a, a1);
      net.update(b, b1);
      std::size_t differ = 0;
      for (std::size_t i = 0; i < n; ++i)
        differ += a1[i] != b1[i] ? 1 : 0;
      const double x = static_cast<double>(differ) / static_cast<double>(n);
      sum += x;
      sum2 += x * x;
    }
    const double mean = sum / pairs;
    const double var = pairs > 1 ? std::max(0.0, (sum2 - pairs * mean * mean) / (pairs - 1)) : 0.0;
    out.push_back({static_cast<double>(flips) / static_cast<double>(n), mean,
                   std::sqrt(var / pairs)});
  }
  return out;
}

double derrida_annealed(double d, int k, double p) {
  return 2.0 * p * (1.0 - p) * (1.0 - std::pow(1.0 - d, k));
}

// Every member, configuration included: a restored model is this one, whatever it was built from.
void BooleanNetwork::visit_model_state(StateArchive& archive) {
  archive("k", k_);
  archive("inputs", inputs_);
  archive("tables", tables_);
  archive("state", state_);
  archive("next", next_);
  archive("changed", changed_);
}

}  // namespace caresim::teaching
