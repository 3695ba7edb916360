#include "caresim/teaching/fold.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "caresim/core/random.hpp"

namespace caresim::teaching {

Fold::Fold(const Scenario& scenario)
    : TeachingModel(scenario, "integrate",
                    {{"x", "1", "state (biomass) at the end of the step"},
                     {"harvest_rate", "1", "harvest rate c used in the step"}}),
      settings_(scenario.teaching.fold),
      x_(scenario.teaching.fold.initial_x) {}

double Fold::drift(double x, double c) {
  return x * (1.0 - x / 10.0) - c * x * x / (x * x + 1.0);
}

double Fold::harvest_rate(int step) const {
  if (settings_.schedule == HarvestSchedule::fixed || days() <= 1) return settings_.c_start;
  const double progress = static_cast<double>(step) / static_cast<double>(days() - 1);
  return settings_.c_start + (settings_.c_end - settings_.c_start) * progress;
}

void Fold::advance() {
  const double c = harvest_rate(day());
  const double dt = 1.0 / settings_.substeps;
  const double noise_scale = settings_.noise_sd * std::sqrt(dt);
  Stream noise(seed(), purpose::fold_noise, static_cast<std::uint32_t>(day()), 0);
  for (int k = 0; k < settings_.substeps; ++k) {
    x_ = std::max(0.0, x_ + drift(x_, c) * dt + noise_scale * noise.normal());
  }
  last_c_ = c;
}

void Fold::observe(std::span<double> row) const {
  row[0] = x_;
  row[1] = last_c_;
}

Picture Fold::picture() const {
  // The potential V(x) = -integral_0^x drift(u, c) du at the current harvest rate (trapezoids on
  // a grid of 0.05): x rolls downhill; the well it sits in vanishes at the fold.
  const double c = day() == 0 ? harvest_rate(0) : last_c_;
  constexpr int kPoints = 241;
  constexpr double kStep = 0.05;
  Picture p{"curve", {}, {{"x", {}}, {"y", {}}}, {}};
  double v = 0.0, point_y = 0.0;
  for (int i = 0; i < kPoints; ++i) {
    const double x = i * kStep;
    if (i > 0) v -= 0.5 * kStep * (drift(x - kStep, c) + drift(x, c));
    p.layers[0].values.push_back(x);
    p.layers[1].values.push_back(v);
    if (std::abs(x - x_) <= 0.5 * kStep) point_y = v;
  }
  p.scalars = {{"point_x", x_}, {"point_y", point_y}, {"harvest_rate", c}};
  return p;
}

std::vector<Attribute> Fold::describe() const {
  return {Attribute::of("substeps", static_cast<std::int64_t>(settings_.substeps))};
}

std::unique_ptr<Simulator> Fold::clone() const {
  return std::make_unique<Fold>(*this);
}

void Fold::perturb(std::uint64_t site) {
  if (site != 0) throw std::out_of_range("fold: the only site is 0");
  x_ += kPerturbation;
}

double Fold::distance(const Simulator& other) const {
  return std::abs(x_ - same_model<Fold>(other).x_);
}

// Every member, configuration included: a restored model is this one, whatever it was built from.
void Fold::visit_model_state(StateArchive& archive) {
  archive("settings", settings_);
  archive("x", x_);
  archive("last_c", last_c_);
}

std::vector<std::string> Fold::live_keys() const {
  return {"teaching.fold.c_start", "teaching.fold.c_end", "teaching.fold.noise_sd"};
}

void Fold::set_live(const std::string& key, double value) {
  if (!(value >= 0.0 && std::isfinite(value)))
    throw std::invalid_argument(key + ": must be a number, 0 or more");
  if (key == "teaching.fold.c_start") {
    settings_.c_start = value;
  } else if (key == "teaching.fold.c_end") {
    settings_.c_end = value;
  } else if (key == "teaching.fold.noise_sd") {
    settings_.noise_sd = value;
  } else {
    Simulator::set_live(key, value);
  }
}

}  // namespace caresim::teaching
