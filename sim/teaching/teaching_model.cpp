#include "caresim/teaching/teaching_model.hpp"

#include <chrono>

namespace caresim::teaching {

TeachingModel::TeachingModel(const Scenario& scenario, std::string phase_name,
                             std::vector<SeriesSpec> series, std::vector<Dimension> dimensions)
    : seed_(scenario.run.seed), days_(scenario.run.days), phase_name_(std::move(phase_name)) {
  layout_.start_date = scenario.run.start_date;
  layout_.dimensions = std::move(dimensions);
  layout_.series = std::move(series);
}

void TeachingModel::step() {
  const auto start = std::chrono::steady_clock::now();
  advance();
  ++step_;
  seconds_ += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

void TeachingModel::visit_state(StateArchive& archive) {
  archive("step", step_);
  visit_model_state(archive);
}

std::vector<std::size_t> TeachingModel::headline_series() const {
  std::vector<std::size_t> all;
  for (std::size_t i = 0; i < layout_.series.size(); ++i) {
    if (layout_.series[i].dimension < 0) all.push_back(i);
  }
  return all;
}

}  // namespace caresim::teaching
