#include "caresim/ensemble/metrics.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "caresim/core/numbers.hpp"

namespace caresim::ensemble {
namespace {

// Offset of `metric` in a row of `layout`, or an error message.
std::pair<std::size_t, std::string> locate(const MetricSpec& metric, const RunLayout& layout) {
  std::size_t offset = 0;
  std::vector<std::string> names;
  for (const SeriesSpec& s : layout.series) {
    const std::size_t width =
        s.dimension < 0 ? 1
                        : layout.dimensions[static_cast<std::size_t>(s.dimension)].labels.size();
    if (s.name == metric.series) {
      if (metric.column < 0 || static_cast<std::size_t>(metric.column) >= width) {
        return {0, "metric '" + metric.name + "': column " + std::to_string(metric.column) +
                       " is out of range for series '" + s.name + "' (" + std::to_string(width) +
                       " columns)"};
      }
      return {offset + static_cast<std::size_t>(metric.column), {}};
    }
    names.push_back(s.name);
    offset += width;
  }
  std::string known;
  for (std::size_t i = 0; i < names.size(); ++i)
    known += (i ? ", " : "") + names[i];
  return {0, "metric '" + metric.name + "': unknown series '" + metric.series +
                 "'; the model writes: " + known};
}

}  // namespace

std::string check_metrics(std::span<const MetricSpec> metrics, const RunLayout& layout) {
  for (const MetricSpec& m : metrics) {
    auto [offset, error] = locate(m, layout);
    if (!error.empty()) return error;
  }
  return {};
}

MetricAccumulator::MetricAccumulator(std::span<const MetricSpec> metrics, int days)
    : specs_(metrics.begin(), metrics.end()),
      days_(days),
      sum_(specs_.size(), 0.0),
      count_(specs_.size(), 0.0),
      value_(specs_.size(), kNaN),
      kept_(specs_.size()) {
  for (std::size_t i = 0; i < specs_.size(); ++i) {
    if (specs_[i].reduction == Reduction::min) value_[i] = std::numeric_limits<double>::infinity();
    if (specs_[i].reduction == Reduction::max) value_[i] = -std::numeric_limits<double>::infinity();
  }
}

void MetricAccumulator::bind(const RunLayout& layout) {
  offsets_.clear();
  for (const MetricSpec& m : specs_) {
    auto [offset, error] = locate(m, layout);
    if (!error.empty()) throw std::invalid_argument(error);
    offsets_.push_back(offset);
  }
}

void MetricAccumulator::add(std::int32_t day, std::span<const double> row) {
  for (std::size_t i = 0; i < specs_.size(); ++i) {
    const MetricSpec& m = specs_[i];
    const double x = row[offsets_[i]];
    switch (m.reduction) {
      case Reduction::mean:
        if (m.last_days == 0 || day >= days_ - m.last_days) {
          sum_[i] += x;
          count_[i] += 1.0;
        }
        break;
      case Reduction::last:
        value_[i] = x;
        break;
      case Reduction::min:
        value_[i] = std::min(value_[i], x);
        break;
      case Reduction::max:
        value_[i] = std::max(value_[i], x);
        break;
      case Reduction::area:
        sum_[i] += x;
        count_[i] = 1.0;
        break;
      case Reduction::std_dev:
      case Reduction::quantile:
        if (m.last_days == 0 || day >= days_ - m.last_days) kept_[i].push_back(x);
        break;
      case Reduction::window_mean:
        if (day >= m.first_day && day < m.first_day + m.window_days) {
          sum_[i] += x;
          count_[i] += 1.0;
        }
        break;
      case Reduction::time_to_cross:
        if (std::isnan(value_[i]) && (m.above ? x >= m.threshold : x <= m.threshold)) {
          value_[i] = static_cast<double>(day);
        }
        break;
    }
  }
}

std::vector<double> MetricAccumulator::values() const {
  std::vector<double> out(specs_.size(), kNaN);
  for (std::size_t i = 0; i < specs_.size(); ++i) {
    const std::vector<double>& kept = kept_[i];
    switch (specs_[i].reduction) {
      case Reduction::mean:
      case Reduction::window_mean:
        out[i] = count_[i] > 0 ? sum_[i] / count_[i] : kNaN;
        break;
      case Reduction::std_dev:
        if (kept.size() > 1) {
          double mean = 0.0, ss = 0.0;
          for (double x : kept)
            mean += x;
          mean /= static_cast<double>(kept.size());
          for (double x : kept)
            ss += (x - mean) * (x - mean);
          out[i] = std::sqrt(ss / static_cast<double>(kept.size() - 1));
        }
        break;
      case Reduction::quantile:
        if (!kept.empty()) {
          std::vector<double> sorted = kept;
          std::sort(sorted.begin(), sorted.end());
          const double h = (static_cast<double>(sorted.size()) - 1.0) * specs_[i].threshold;
          const auto lo = static_cast<std::size_t>(std::floor(h));
          const std::size_t hi = std::min(lo + 1, sorted.size() - 1);
          out[i] = sorted[lo] + (h - static_cast<double>(lo)) * (sorted[hi] - sorted[lo]);
        }
        break;
      case Reduction::area:
        out[i] = count_[i] > 0 ? sum_[i] : kNaN;
        break;
      case Reduction::min:
      case Reduction::max:
        out[i] = std::isinf(value_[i]) ? kNaN : value_[i];
        break;
      default:
        out[i] = value_[i];
    }
  }
  return out;
}

}  // namespace caresim::ensemble
