#include "caresim/teaching/sandpile.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <stdexcept>

#include "caresim/core/random.hpp"

namespace caresim::teaching {

Sandpile::Sandpile(const Scenario& scenario)
    : TeachingModel(
          scenario, "drop_and_relax",
          {{"mean_height", "1", "mean height over the lattice after the step, 1..4 scale"},
           {"bulk_mean_height", "1",
            "mean height over the central (L/2) x (L/2) square, 1..4 scale (25/8 for large L)"},
           {"topplings", "1", "topplings in the step (avalanche sizes summed over its grains)"},
           {"avalanche_waves", "1", "waves of toppling in the step (durations summed)"},
           {"grains_lost", "1", "grains that fell off the edges in the step"},
           {"sites_at_height", "1", "sites of each height after the step", 0}},
          {{"height", "height of a site, 1..4 scale", {"1", "2", "3", "4"}, {}, {}}}),
      side_(scenario.teaching.sandpile.side),
      grains_per_step_(scenario.teaching.sandpile.grains_per_step) {
  const int h0 = scenario.teaching.sandpile.initial_height;
  if (side_ < 2 || h0 < 0 || h0 > 3) throw std::invalid_argument("sandpile: bad side or height");
  const auto sites = static_cast<std::size_t>(side_) * static_cast<std::size_t>(side_);
  height_.assign(sites, static_cast<std::uint8_t>(h0));
  queued_.assign(sites, 0);
}

Avalanche Sandpile::drop(std::uint32_t site) {
  Avalanche a;
  ++height_[site];
  if (height_[site] < 4) return a;
  wave_.assign(1, site);
  const auto L = static_cast<std::uint32_t>(side_);
  while (!wave_.empty()) {
    ++a.duration;
    touched_.clear();
    // Every site of the wave topples exactly once, whatever order: the wave's result is fixed.
    for (const std::uint32_t s : wave_) {
      queued_[s] = 0;
      height_[s] = static_cast<std::uint8_t>(height_[s] - 4);
      ++a.size;
      toppled_.push_back(s);
      touched_.push_back(s);
      const std::uint32_t row = s / L, col = s % L;
      const auto give = [&](bool inside, std::uint32_t to) {
        if (inside) {
          ++height_[to];
          touched_.push_back(to);
        } else {
          ++a.lost;
        }
      };
      give(row > 0, s - L);
      give(row + 1 < L, s + L);
      give(col > 0, s - 1);
      give(col + 1 < L, s + 1);
    }
    next_wave_.clear();
    for (const std::uint32_t t : touched_) {
      if (height_[t] >= 4 && queued_[t] == 0) {
        queued_[t] = 1;
        next_wave_.push_back(t);
      }
    }
    wave_.swap(next_wave_);
  }
  return a;
}

void Sandpile::advance() {
  last_.clear();
  toppled_.clear();
  const auto sites = height_.size();
  const auto step = static_cast<std::uint32_t>(day());
  for (int g = 0; g < grains_per_step_; ++g) {
    Stream draw(seed(), purpose::sandpile_drop, step, static_cast<std::uint32_t>(g));
    last_.push_back(drop(static_cast<std::uint32_t>(draw.below(sites))));
    avalanche_step_.push_back(day());
    avalanche_size_.push_back(static_cast<std::int64_t>(last_.back().size));
    avalanche_duration_.push_back(static_cast<std::int64_t>(last_.back().duration));
    avalanche_lost_.push_back(static_cast<std::int64_t>(last_.back().lost));
  }
}

double Sandpile::mean_height() const {
  std::uint64_t sum = 0;
  for (const std::uint8_t h : height_)
    sum += h;
  return 1.0 + static_cast<double>(sum) / static_cast<double>(height_.size());
}

double Sandpile::bulk_mean_height() const {
  const int lo = side_ / 4, hi = lo + std::max(1, side_ / 2);
  std::uint64_t sum = 0, count = 0;
  for (int r = lo; r < hi; ++r) {
    for (int c = lo; c < hi; ++c) {
      sum += height_[static_cast<std::size_t>(r) * static_cast<std::size_t>(side_) +
                     static_cast<std::size_t>(c)];
      ++count;
    }
  }
  return 1.0 + static_cast<double>(sum) / static_cast<double>(count);
}

void Sandpile::observe(std::span<double> row) const {
  Avalanche total;
  for (const Avalanche& a : last_) {
    total.size += a.size;
    total.duration += a.duration;
    total.lost += a.lost;
  }
  row[0] = mean_height();
  row[1] = bulk_mean_height();
  row[2] = static_cast<double>(total.size);
  row[3] = static_cast<double>(total.duration);
  row[4] = static_cast<double>(total.lost);
  std::fill(row.begin() + 5, row.begin() + 9, 0.0);
  for (const std::uint8_t h : height_)
    row[5 + h] += 1.0;
}

std::vector<Table> Sandpile::tables(bool at_end) const {
  if (!at_end) return {};
  Table t{"avalanches", "avalanche", "every dropped grain's avalanche, in drop order", {}};
  t.columns.push_back({"step", "1", "step the grain was dropped in", avalanche_step_, {}});
  t.columns.push_back({"size", "1", "topplings the grain set off (0: none)", avalanche_size_, {}});
  t.columns.push_back(
      {"duration", "1", "waves of parallel topplings (0: none)", avalanche_duration_, {}});
  t.columns.push_back({"lost", "1", "grains that fell off the edges", avalanche_lost_, {}});
  return {t};
}

Picture Sandpile::picture() const {
  Picture p{"grid",
            {{"rows", side_}, {"cols", side_}},
            {{"height", std::vector<double>(height_.begin(), height_.end())},
             {"toppled", std::vector<double>(height_.size(), 0.0)}},
            {}};
  for (const std::uint32_t s : toppled_)
    p.layers[1].values[s] += 1.0;
  p.scalars.emplace_back(
      "largest_avalanche",
      last_.empty()
          ? 0.0
          : static_cast<double>(
                std::max_element(last_.begin(), last_.end(), [](const auto& a, const auto& b) {
                  return a.size < b.size;
                })->size));
  return p;
}

std::vector<Attribute> Sandpile::describe() const {
  return {Attribute::of("side", static_cast<std::int64_t>(side_))};
}

std::unique_ptr<Simulator> Sandpile::clone() const {
  return std::make_unique<Sandpile>(*this);
}

void Sandpile::perturb(std::uint64_t site) {
  if (site >= height_.size()) throw std::out_of_range("sandpile: no such site");
  drop(static_cast<std::uint32_t>(site));
}

double Sandpile::distance(const Simulator& other) const {
  const auto& b = same_model<Sandpile>(other);
  if (b.height_.size() != height_.size()) throw std::invalid_argument("distance: sizes differ");
  std::uint64_t sum = 0;
  for (std::size_t i = 0; i < height_.size(); ++i)
    sum += static_cast<std::uint64_t>(std::abs(int{height_[i]} - int{b.height_[i]}));
  return static_cast<double>(sum) / static_cast<double>(height_.size());
}

// Every member, configuration included: a restored model is this one, whatever it was built from.
void Sandpile::visit_model_state(StateArchive& archive) {
  archive("side", side_);
  archive("grains_per_step", grains_per_step_);
  archive("height", height_);
  archive("queued", queued_);
  archive("wave", wave_);
  archive("next_wave", next_wave_);
  archive("touched", touched_);
  archive("last", last_);
  archive("toppled", toppled_);
  archive("avalanche_step", avalanche_step_);
  archive("avalanche_size", avalanche_size_);
  archive("avalanche_duration", avalanche_duration_);
  archive("avalanche_lost", avalanche_lost_);
}

std::vector<std::string> Sandpile::live_keys() const {
  return {"teaching.sandpile.grains_per_step"};
}

void Sandpile::set_live(const std::string& key, double value) {
  if (key != "teaching.sandpile.grains_per_step") return Simulator::set_live(key, value);
  if (!(value >= 1.0 && value <= 1e6) || value != std::floor(value))
    throw std::invalid_argument("teaching.sandpile.grains_per_step: a whole number from 1");
  grains_per_step_ = static_cast<int>(value);
}

}  // namespace caresim::teaching
