#include "caresim/analysis/priors.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "caresim/analysis/design.hpp"
#include "caresim/analysis/emulator.hpp"

namespace caresim::analysis {

void check_prior(const Prior& prior) {
  const bool finite = std::isfinite(prior.low) && std::isfinite(prior.high);
  switch (prior.kind) {
    case PriorKind::uniform:
      if (!finite || !(prior.low < prior.high)) {
        throw std::invalid_argument("parameter '" + prior.name +
                                    "': a uniform prior needs low < high");
      }
      break;
    case PriorKind::log_uniform:
      if (!finite || !(prior.low > 0.0 && prior.low < prior.high)) {
        throw std::invalid_argument("parameter '" + prior.name +
                                    "': a log-uniform prior needs 0 < low < high");
      }
      break;
    case PriorKind::normal:
      if (!finite || !(prior.high > 0.0)) {
        throw std::invalid_argument("parameter '" + prior.name +
                                    "': a normal prior needs a positive standard deviation");
      }
      break;
  }
}

double prior_value(const Prior& prior, double u) {
  switch (prior.kind) {
    case PriorKind::uniform:
      return prior.low + u * (prior.high - prior.low);
    case PriorKind::log_uniform:
      return std::exp(std::log(prior.low) + u * (std::log(prior.high) - std::log(prior.low)));
    case PriorKind::normal:
      return prior.low + prior.high * normal_quantile(std::clamp(u, 1e-300, 1.0 - 1e-16));
  }
  return std::numeric_limits<double>::quiet_NaN();
}

double prior_unit(const Prior& prior, double value) {
  switch (prior.kind) {
    case PriorKind::uniform:
      return (value - prior.low) / (prior.high - prior.low);
    case PriorKind::log_uniform:
      return (std::log(value) - std::log(prior.low)) / (std::log(prior.high) - std::log(prior.low));
    case PriorKind::normal:
      return normal_cdf((value - prior.low) / prior.high);
  }
  return std::numeric_limits<double>::quiet_NaN();
}

double prior_density(const Prior& prior, double value) {
  switch (prior.kind) {
    case PriorKind::uniform:
      return value >= prior.low && value <= prior.high ? 1.0 / (prior.high - prior.low) : 0.0;
    case PriorKind::log_uniform:
      return value >= prior.low && value <= prior.high
                 ? 1.0 / (value * (std::log(prior.high) - std::log(prior.low)))
                 : 0.0;
    case PriorKind::normal: {
      const double z = (value - prior.low) / prior.high;
      return std::exp(-0.5 * z * z) / (prior.high * std::sqrt(2.0 * M_PI));
    }
  }
  return 0.0;
}

double min_distance(std::span<const double> points, std::size_t dims) {
  const std::size_t n = points.size() / dims;
  double best = std::numeric_limits<double>::infinity();
  for (std::size_t a = 0; a < n; ++a) {
    for (std::size_t b = 0; b < a; ++b) {
      double d2 = 0.0;
      for (std::size_t j = 0; j < dims; ++j) {
        const double t = points[a * dims + j] - points[b * dims + j];
        d2 += t * t;
      }
      best = std::min(best, d2);
    }
  }
  return std::sqrt(best);
}

std::vector<double> maximin_latin_hypercube(std::size_t n, std::size_t dims, std::uint64_t seed,
                                            int candidates) {
  std::vector<double> best;
  double best_distance = -1.0;
  for (int c = 0; c < std::max(1, candidates); ++c) {
    Stream stream(seed, purpose::maximin_design, 0, static_cast<std::uint32_t>(c));
    const Design design = latin_hypercube_design(n, dims, stream.next_u64());
    const double d = n > 1 ? min_distance(design.unit, dims) : 0.0;
    if (d > best_distance) {
      best_distance = d;
      best = design.unit;
    }
  }
  return best;
}

std::vector<std::size_t> greedy_maximin(std::span<const double> pool, std::size_t dims,
                                        std::size_t n) {
  const std::size_t m = pool.size() / dims;
  std::vector<std::size_t> chosen;
  if (m == 0) return chosen;
  std::vector<double> nearest(m, std::numeric_limits<double>::infinity());
  std::size_t next = 0;
  while (chosen.size() < std::min(n, m)) {
    chosen.push_back(next);
    double far = -1.0;
    for (std::size_t i = 0; i < m; ++i) {
      double d2 = 0.0;
      for (std::size_t j = 0; j < dims; ++j) {
        const double t = pool[i * dims + j] - pool[next * dims + j];
        d2 += t * t;
      }
      nearest[i] = std::min(nearest[i], d2);
    }
    for (std::size_t i = 0; i < m; ++i) {
      if (nearest[i] > far) {
        far = nearest[i];
        next = i;
      }
    }
  }
  return chosen;
}

}  // namespace caresim::analysis
