#include "caresim/teaching/boolean_network.hpp"

#include <algorithm>
#include <stdexcept>

#include "caresim/core/parallel.hpp"
#include "caresim/core/random.hpp"

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
