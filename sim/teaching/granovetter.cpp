#include "caresim/teaching/granovetter.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "caresim/core/parallel.hpp"
#include "caresim/core/random.hpp"

namespace caresim::teaching {
namespace {

std::vector<double> draw_thresholds(const Scenario& scenario) {
  const GranovetterSettings& s = scenario.teaching.granovetter;
  if (s.distribution == ThresholdLadder::list) return s.thresholds;
  const auto n = static_cast<std::size_t>(s.people);
  std::vector<double> thresholds(n);
  for (std::size_t i = 0; i < n; ++i) {
    if (s.distribution == ThresholdLadder::ladder) {
      thresholds[i] = static_cast<double>(i);
    } else {
      Stream draw(scenario.run.seed, purpose::granovetter_thresholds, 0,
                  static_cast<std::uint32_t>(i));
      thresholds[i] = static_cast<double>(n) * draw.normal(s.mean, s.sd);
    }
  }
  return thresholds;
}

}  // namespace

Granovetter::Granovetter(const Scenario& scenario)
    : Granovetter(scenario, draw_thresholds(scenario)) {}

Granovetter::Granovetter(const Scenario& scenario, std::vector<double> thresholds)
    : TeachingModel(scenario, "riot_update",
                    {{"rioters", "1", "people rioting after the step"},
                     {"rioting_fraction", "1", "fraction of the crowd rioting after the step"}}),
      thresholds_(std::move(thresholds)),
      rioting_(thresholds_.size(), 0) {
  if (thresholds_.empty()) throw std::invalid_argument("granovetter: the crowd is empty");
}

void Granovetter::count_rioters() {
  rioters_ = deterministic_reduce(
      rioting_.size(), kGrain, std::uint64_t{0},
      [&](std::size_t begin, std::size_t end, std::uint64_t& count) {
        for (std::size_t i = begin; i < end; ++i)
          count += rioting_[i];
      },
      [](std::uint64_t& total, std::uint64_t part) { total += part; });
}

void Granovetter::advance() {
  const auto rioting_now = static_cast<double>(rioters_);
  parallel_chunks(rioting_.size(), kGrain, [&](std::size_t begin, std::size_t end) {
    for (std::size_t i = begin; i < end; ++i)
      rioting_[i] = thresholds_[i] <= rioting_now ? 1 : 0;
  });
  count_rioters();
}

void Granovetter::observe(std::span<double> row) const {
  row[0] = static_cast<double>(rioters_);
  row[1] = static_cast<double>(rioters_) / static_cast<double>(rioting_.size());
}

Picture Granovetter::picture() const {
  // Thresholds in 20 equal bins between the smallest and the largest, with how many of each bin
  // riot: the cascade climbs the histogram from the left while each bin tips the next.
  constexpr int kBins = 20;
  const auto [lo_it, hi_it] = std::minmax_element(thresholds_.begin(), thresholds_.end());
  const double lo = std::floor(*lo_it), hi = std::max(std::ceil(*hi_it), lo + 1.0);
  const double width = (hi - lo) / kBins;
  Picture p{"bars",
            {{"rioters", static_cast<double>(rioters_)},
             {"people", static_cast<double>(thresholds_.size())}},
            {{"x", {}},
             {"people", std::vector<double>(kBins, 0.0)},
             {"rioting", std::vector<double>(kBins, 0.0)}},
            {}};
  for (int b = 0; b < kBins; ++b)
    p.layers[0].values.push_back(lo + b * width);
  for (std::size_t i = 0; i < thresholds_.size(); ++i) {
    const auto bin = std::clamp(static_cast<int>((thresholds_[i] - lo) / width), 0, kBins - 1);
    p.layers[1].values[static_cast<std::size_t>(bin)] += 1.0;
    p.layers[2].values[static_cast<std::size_t>(bin)] += rioting_[i];
  }
  return p;
}

std::vector<Attribute> Granovetter::describe() const {
  return {Attribute::of("people", static_cast<std::int64_t>(rioting_.size()))};
}

std::unique_ptr<Simulator> Granovetter::clone() const {
  return std::make_unique<Granovetter>(*this);
}

void Granovetter::perturb(std::uint64_t site) {
  if (site >= rioting_.size()) throw std::out_of_range("granovetter: no such person");
  rioting_[site] ^= 1U;
  count_rioters();
}

double Granovetter::distance(const Simulator& other) const {
  const auto& b = same_model<Granovetter>(other);
  if (b.rioting_.size() != rioting_.size()) throw std::invalid_argument("distance: sizes differ");
  std::uint64_t differ = 0;
  for (std::size_t i = 0; i < rioting_.size(); ++i)
    differ += rioting_[i] != b.rioting_[i] ? 1 : 0;
  return static_cast<double>(differ) / static_cast<double>(rioting_.size());
}

// Every member, configuration included: a restored model is this one, whatever it was built from.
void Granovetter::visit_model_state(StateArchive& archive) {
  archive("thresholds", thresholds_);
  archive("rioting", rioting_);
  archive("rioters", rioters_);
}

}  // namespace caresim::teaching
