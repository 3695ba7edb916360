#include "caresim/teaching/branching.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

#include "caresim/core/parallel.hpp"
#include "caresim/core/random.hpp"

namespace caresim::teaching {
namespace {

Dimension size_classes() {
  Dimension d{"cascade_size", "cascade size class: 1 .. 20 individuals, then 21 or more", {}, {}, {}};
  for (std::size_t s = 1; s < Branching::kSizeClasses; ++s)
    d.labels.push_back(std::to_string(s));
  d.labels.push_back(std::to_string(Branching::kSizeClasses) + "+");
  return d;
}

}  // namespace

Branching::Branching(const Scenario& scenario)
    : TeachingModel(scenario, "cascades",
                    {{"mean_cascade_size", "1", "mean size of the step's cascades"},
                     {"mean_cascade_generations", "1", "mean generations of the step's cascades"},
                     {"censored_fraction", "1", "fraction of cascades stopped at max_size"},
                     {"cascade_size_count", "1", "cascades of the step in each size class", 0}},
                    {size_classes()}),
      mean_offspring_(scenario.teaching.branching.mean_offspring),
      cascades_per_step_(scenario.teaching.branching.cascades_per_step),
      max_size_(static_cast<std::uint64_t>(scenario.teaching.branching.max_size)) {}

void Branching::advance() {
  last_.assign(static_cast<std::size_t>(cascades_per_step_), Cascade{});
  const auto step = static_cast<std::uint32_t>(day());
  parallel_chunks(last_.size(), 256, [&](std::size_t begin, std::size_t end) {
    for (std::size_t c = begin; c < end; ++c) {
      Stream draw(seed(), purpose::branching_offspring, step, static_cast<std::uint32_t>(c));
      Cascade cascade{1, 1, false};
      std::uint64_t generation = 1;
      while (generation > 0) {
        if (cascade.size >= max_size_) {
          cascade.censored = true;
          cascade.size = max_size_;
          break;
        }
        generation = draw.poisson(mean_offspring_ * static_cast<double>(generation));
        if (generation == 0) break;
        cascade.size += generation;
        ++cascade.generations;
      }
      if (cascade.size >= max_size_) cascade.size = max_size_;
      last_[c] = cascade;
    }
  });
}

void Branching::observe(std::span<double> row) const {
  double size = 0.0, generations = 0.0, censored = 0.0;
  std::fill(row.begin() + 3, row.begin() + 3 + static_cast<std::ptrdiff_t>(kSizeClasses), 0.0);
  for (const Cascade& c : last_) {
    size += static_cast<double>(c.size);
    generations += c.generations;
    censored += c.censored ? 1.0 : 0.0;
    const std::size_t bin = std::min<std::uint64_t>(c.size, kSizeClasses) - 1;
    row[3 + bin] += 1.0;
  }
  const auto n = static_cast<double>(std::max<std::size_t>(last_.size(), 1));
  row[0] = size / n;
  row[1] = generations / n;
  row[2] = censored / n;
}

std::vector<std::uint64_t> Branching::generation_sizes(int step, std::size_t cascade) const {
  Stream draw(seed(), purpose::branching_offspring, static_cast<std::uint32_t>(step),
              static_cast<std::uint32_t>(cascade));
  std::vector<std::uint64_t> sizes{1};
  std::uint64_t size = 1;
  while (size < max_size_) {
    const std::uint64_t generation =
        draw.poisson(mean_offspring_ * static_cast<double>(sizes.back()));
    if (generation == 0) break;
    sizes.push_back(generation);
    size += generation;
  }
  return sizes;
}

Picture Branching::picture() const {
  // The largest cascade of the last step (the first of equals), generation by generation: most
  // cascades die at once, a few grow for many generations.
  Picture p{"bars", {}, {{"x", {}}, {"individuals", {}}}, {}};
  if (last_.empty()) return p;
  std::size_t largest = 0;
  for (std::size_t c = 1; c < last_.size(); ++c)
    if (last_[c].size > last_[largest].size) largest = c;
  const auto sizes = generation_sizes(day() - 1, largest);
  for (std::size_t g = 0; g < sizes.size(); ++g) {
    p.layers[0].values.push_back(static_cast<double>(g));
    p.layers[1].values.push_back(static_cast<double>(sizes[g]));
  }
  p.scalars = {{"cascade_size", static_cast<double>(last_[largest].size)},
               {"single_fraction",
                static_cast<double>(std::count_if(last_.begin(), last_.end(),
                                                  [](const Cascade& c) { return c.size == 1; })) /
                    static_cast<double>(last_.size())}};
  return p;
}

std::vector<Attribute> Branching::describe() const {
  return {Attribute::of("cascades_per_step", static_cast<std::int64_t>(cascades_per_step_))};
}

// Every member, configuration included: a restored model is this one, whatever it was built from.
void Branching::visit_model_state(StateArchive& archive) {
  archive("mean_offspring", mean_offspring_);
  archive("cascades_per_step", cascades_per_step_);
  archive("max_size", max_size_);
  archive("last", last_);
}

std::vector<std::string> Branching::live_keys() const {
  return {"teaching.branching.mean_offspring"};
}

void Branching::set_live(const std::string& key, double value) {
  if (key != "teaching.branching.mean_offspring") return Simulator::set_live(key, value);
  if (!(value >= 0.0 && std::isfinite(value)))
    throw std::invalid_argument("teaching.branching.mean_offspring: must be a number, 0 or more");
  mean_offspring_ = value;
}

}  // namespace caresim::teaching
