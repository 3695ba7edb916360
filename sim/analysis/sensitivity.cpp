#include "caresim/analysis/sensitivity.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <numeric>
#include <stdexcept>

#include "caresim/analysis/statistics.hpp"
#include "caresim/core/random.hpp"

namespace caresim::analysis {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Percentile of sorted values (linear interpolation between order statistics).
double percentile(std::vector<double>& values, double q) {
  if (values.empty()) return kNaN;
  std::sort(values.begin(), values.end());
  const double at = q * static_cast<double>(values.size() - 1);
  const auto lo = static_cast<std::size_t>(std::floor(at));
  const auto hi = std::min(lo + 1, values.size() - 1);
  return values[lo] + (at - static_cast<double>(lo)) * (values[hi] - values[lo]);
}

// Index i of resample b: uniform on [0, n), a pure function of (seed, b, i).
std::size_t resample_index(std::uint64_t seed, std::size_t b, std::size_t i, std::size_t n) {
  const double u = static_cast<double>(mix_seed(seed, b + 1, i) >> 11) * 0x1.0p-53;
  return std::min(n - 1, static_cast<std::size_t>(u * static_cast<double>(n)));
}

struct SaltelliBlocks {
  std::size_t d = 0;
  std::vector<double> fa, fb, fab;  // fab[s * d + j]
};

void sobol_estimate(const SaltelliBlocks& blk, const std::vector<std::size_t>& rows,
                    std::vector<double>& s1, std::vector<double>& st, double& variance) {
  const std::size_t n = rows.size(), d = blk.d;
  double mean = 0.0;
  for (std::size_t s : rows)
    mean += blk.fa[s] + blk.fb[s];
  mean /= static_cast<double>(2 * n);
  double var = 0.0;
  for (std::size_t s : rows)
    var += (blk.fa[s] - mean) * (blk.fa[s] - mean) + (blk.fb[s] - mean) * (blk.fb[s] - mean);
  var /= static_cast<double>(2 * n);
  variance = var;
  s1.assign(d, 0.0);
  st.assign(d, 0.0);
  for (std::size_t j = 0; j < d; ++j) {
    double first = 0.0, total = 0.0;
    for (std::size_t s : rows) {
      const double fab = blk.fab[s * d + j];
      first += blk.fb[s] * (fab - blk.fa[s]);          // Saltelli et al. 2010
      total += (blk.fa[s] - fab) * (blk.fa[s] - fab);  // Jansen 1999
    }
    s1[j] = first / static_cast<double>(n) / var;
    st[j] = total / (2.0 * static_cast<double>(n)) / var;
  }
}

}  // namespace

SobolIndices sobol_indices(const SummaryData& summary, std::size_t metric,
                           const AnalysisOptions& options) {
  if (summary.design != "sobol") {
    throw std::invalid_argument("Sobol indices need a sobol design, not " + summary.design);
  }
  const std::size_t d = summary.parameters.size();
  const std::vector<double> y = summary.point_means(metric);
  // Blocks are whole: A, B, AB_1..AB_d, in that order (saltelli_design).
  SaltelliBlocks blk;
  blk.d = d;
  for (std::size_t start = 0; start + d + 2 <= summary.points; start += d + 2) {
    bool ok = summary.role[start] == -1 && summary.role[start + 1] == -2;
    for (std::size_t k = 0; k < d + 2; ++k)
      ok = ok && !std::isnan(y[start + k]);
    if (!ok) continue;
    blk.fa.push_back(y[start]);
    blk.fb.push_back(y[start + 1]);
    for (std::size_t j = 0; j < d; ++j)
      blk.fab.push_back(y[start + 2 + j]);
  }
  const std::size_t n = blk.fa.size();
  if (n < 2) throw std::invalid_argument("Sobol indices need at least 2 complete base samples");
  SobolIndices out;
  out.samples = n;
  std::vector<std::size_t> rows(n);
  std::iota(rows.begin(), rows.end(), std::size_t{0});
  sobol_estimate(blk, rows, out.s1, out.st, out.variance);

  const auto B = static_cast<std::size_t>(std::max(0, options.bootstrap));
  std::vector<std::vector<double>> s1_draws(d), st_draws(d);
  std::vector<double> s1, st;
  double var = 0.0;
  for (std::size_t b = 0; b < B; ++b) {
    for (std::size_t i = 0; i < n; ++i)
      rows[i] = resample_index(options.seed, b, i, n);
    sobol_estimate(blk, rows, s1, st, var);
    for (std::size_t j = 0; j < d; ++j) {
      s1_draws[j].push_back(s1[j]);
      st_draws[j].push_back(st[j]);
    }
  }
  const double tail = (1.0 - options.confidence) / 2.0;
  for (std::size_t j = 0; j < d; ++j) {
    out.s1_low.push_back(percentile(s1_draws[j], tail));
    out.s1_high.push_back(percentile(s1_draws[j], 1.0 - tail));
    out.st_low.push_back(percentile(st_draws[j], tail));
    out.st_high.push_back(percentile(st_draws[j], 1.0 - tail));
  }
  return out;
}

MorrisIndices morris_indices(const SummaryData& summary, std::size_t metric,
                             const AnalysisOptions& options) {
  if (summary.design != "morris") {
    throw std::invalid_argument("Morris indices need a morris design, not " + summary.design);
  }
  const std::size_t d = summary.parameters.size();
  const std::vector<double> y = summary.point_means(metric);
  std::vector<std::vector<double>> effects(d);
  MorrisIndices out;
  for (std::size_t p = 1; p < summary.points; ++p) {
    if (summary.role[p] < 0 || summary.block[p] != summary.block[p - 1]) continue;
    const auto j = static_cast<std::size_t>(summary.role[p]);
    const double du = summary.unit[p * d + j] - summary.unit[(p - 1) * d + j];
    if (std::isnan(y[p]) || std::isnan(y[p - 1]) || du == 0.0) continue;
    effects[j].push_back((y[p] - y[p - 1]) / du);
  }
  for (std::size_t p = 0; p < summary.points; ++p)
    if (summary.role[p] == -1) ++out.trajectories;
  const double tail = (1.0 - options.confidence) / 2.0;
  for (std::size_t j = 0; j < d; ++j) {
    const std::vector<double>& e = effects[j];
    const auto n = static_cast<double>(e.size());
    double mu = 0.0, mu_star = 0.0;
    for (double x : e) {
      mu += x;
      mu_star += std::abs(x);
    }
    mu /= n;
    mu_star /= n;
    double ss = 0.0;
    for (double x : e)
      ss += (x - mu) * (x - mu);
    out.mu.push_back(e.empty() ? kNaN : mu);
    out.mu_star.push_back(e.empty() ? kNaN : mu_star);
    out.sigma.push_back(e.size() > 1 ? std::sqrt(ss / (n - 1)) : kNaN);
    std::vector<double> draws;
    for (std::size_t b = 0;
         b < static_cast<std::size_t>(std::max(0, options.bootstrap)) && !e.empty(); ++b) {
      double sum = 0.0;
      for (std::size_t i = 0; i < e.size(); ++i)
        sum += std::abs(e[resample_index(options.seed + j, b, i, e.size())]);
      draws.push_back(sum / n);
    }
    out.mu_star_low.push_back(percentile(draws, tail));
    out.mu_star_high.push_back(percentile(draws, 1.0 - tail));
  }
  return out;
}

std::vector<MarginalMean> marginal_means(const SummaryData& summary, std::size_t metric,
                                         const AnalysisOptions& options) {
  const std::size_t d = summary.parameters.size();
  const double z = normal_quantile(1.0 - (1.0 - options.confidence) / 2.0);
  const std::vector<double>& v = summary.metric_values[metric];
  std::vector<MarginalMean> out;
  for (std::size_t j = 0; j < d; ++j) {
    std::map<double, std::vector<double>> by_level;
    for (std::size_t p = 0; p < summary.points; ++p) {
      auto& runs = by_level[summary.values[p * d + j]];
      for (std::size_t r = 0; r < summary.replicates; ++r) {
        const double x = v[p * summary.replicates + r];
        if (!std::isnan(x)) runs.push_back(x);
      }
    }
    for (const auto& [level, runs] : by_level) {
      MarginalMean mm;
      mm.parameter = j;
      mm.value = level;
      mm.runs = runs.size();
      const auto n = static_cast<double>(runs.size());
      double mean = 0.0;
      for (double x : runs)
        mean += x;
      mean /= n;
      double ss = 0.0;
      for (double x : runs)
        ss += (x - mean) * (x - mean);
      // Student's t with n - 1 degrees of freedom: a z interval at n = 2 is six times too narrow.
      const double t = runs.size() > 1 ? analysis::student_t_quantile(
                                             1.0 - (1.0 - options.confidence) / 2.0, n - 1)
                                       : z;
      const double half = runs.size() > 1 ? t * std::sqrt(ss / (n - 1) / n) : kNaN;
      mm.mean = runs.empty() ? kNaN : mean;
      mm.low = mean - half;
      mm.high = mean + half;
      out.push_back(mm);
    }
  }
  return out;
}

std::vector<double> SummaryData::point_means(std::size_t metric) const {
  std::vector<double> means(points, std::numeric_limits<double>::quiet_NaN());
  const std::vector<double>& v = metric_values[metric];
  for (std::size_t p = 0; p < points; ++p) {
    double sum = 0.0;
    std::size_t n = 0;
    for (std::size_t r = 0; r < replicates; ++r) {
      const double x = v[p * replicates + r];
      if (!std::isnan(x)) {
        sum += x;
        ++n;
      }
    }
    if (n > 0) means[p] = sum / static_cast<double>(n);
  }
  return means;
}

}  // namespace caresim::analysis
