#include "caresim/analysis/sensitivity.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <numeric>
#include <stdexcept>

#include "caresim/analysis/statistics.hpp"
#include "caresim/core/numbers.hpp"
#include "caresim/core/random.hpp"

namespace caresim::analysis {
namespace {

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
  bool second_order = false;
  std::vector<double> fa, fb, fab, fba;  // fab[s * d + j], fba[s * d + j]
};

struct SobolEstimate {
  std::vector<double> s1, st, s2;
  double variance = 0.0;
};

SobolEstimate sobol_estimate(const SaltelliBlocks& blk, const std::vector<std::size_t>& rows) {
  const std::size_t n = rows.size(), d = blk.d;
  SobolEstimate e;
  double mean = 0.0;
  for (std::size_t s : rows)
    mean += blk.fa[s] + blk.fb[s];
  mean /= static_cast<double>(2 * n);
  double var = 0.0;
  for (std::size_t s : rows)
    var += (blk.fa[s] - mean) * (blk.fa[s] - mean) + (blk.fb[s] - mean) * (blk.fb[s] - mean);
  var /= static_cast<double>(2 * n);
  e.variance = var;
  e.s1.assign(d, 0.0);
  e.st.assign(d, 0.0);
  for (std::size_t j = 0; j < d; ++j) {
    double first = 0.0, total = 0.0;
    for (std::size_t s : rows) {
      const double fab = blk.fab[s * d + j];
      first += blk.fb[s] * (fab - blk.fa[s]);          // Saltelli et al. 2010
      total += (blk.fa[s] - fab) * (blk.fa[s] - fab);  // Jansen 1999
    }
    e.s1[j] = first / static_cast<double>(n) / var;
    e.st[j] = total / (2.0 * static_cast<double>(n)) / var;
  }
  if (!blk.second_order) return e;
  // Saltelli 2002: BA_j and AB_k share x_j (from A) and x_k (from B) and nothing else, so
  // E[f(BA_j) f(AB_k)] - f0^2 is the closed variance of (x_j, x_k); f0^2 is estimated by
  // mean(f_A f_B), A and B being independent.
  e.s2.assign(d * d, kNaN);
  for (std::size_t j = 0; j < d; ++j) {
    for (std::size_t k = j + 1; k < d; ++k) {
      double closed = 0.0;
      for (std::size_t s : rows)
        closed += blk.fba[s * d + j] * blk.fab[s * d + k] - blk.fa[s] * blk.fb[s];
      const double s2 = closed / static_cast<double>(n) / var - e.s1[j] - e.s1[k];
      e.s2[j * d + k] = e.s2[k * d + j] = s2;
    }
  }
  return e;
}

}  // namespace

SobolIndices sobol_indices(const SummaryData& summary, std::size_t metric,
                           const AnalysisOptions& options) {
  if (summary.design != "sobol") {
    throw std::invalid_argument("Sobol indices need a sobol design, not " + summary.design);
  }
  const std::size_t d = summary.parameters.size();
  const std::vector<double> y = summary.point_means(metric);
  SaltelliBlocks blk;
  blk.d = d;
  blk.second_order = std::any_of(summary.role.begin(), summary.role.end(),
                                 [&](std::int64_t r) { return r >= static_cast<std::int64_t>(d); });
  // Blocks are whole: A, B, AB_1..AB_d (and BA_1..BA_d), in that order (saltelli_design).
  const std::size_t size = blk.second_order ? 2 * d + 2 : d + 2;
  for (std::size_t start = 0; start + size <= summary.points; start += size) {
    bool ok = summary.role[start] == -1 && summary.role[start + 1] == -2;
    for (std::size_t k = 0; k < size; ++k)
      ok = ok && !std::isnan(y[start + k]);
    if (!ok) continue;
    blk.fa.push_back(y[start]);
    blk.fb.push_back(y[start + 1]);
    for (std::size_t j = 0; j < d; ++j)
      blk.fab.push_back(y[start + 2 + j]);
    if (blk.second_order) {
      for (std::size_t j = 0; j < d; ++j)
        blk.fba.push_back(y[start + 2 + d + j]);
    }
  }
  const std::size_t n = blk.fa.size();
  if (n < 2) throw std::invalid_argument("Sobol indices need at least 2 complete base samples");
  SobolIndices out;
  out.samples = n;
  std::vector<std::size_t> rows(n);
  std::iota(rows.begin(), rows.end(), std::size_t{0});
  {
    const SobolEstimate e = sobol_estimate(blk, rows);
    out.s1 = e.s1;
    out.st = e.st;
    out.s2 = e.s2;
    out.variance = e.variance;
  }

  // Convergence: the leading N/4, N/2 and N base samples.
  out.largest_change = kNaN;
  for (const std::size_t part : {n / 4, n / 2, n}) {
    if (part < 2) continue;
    std::vector<std::size_t> leading(part);
    std::iota(leading.begin(), leading.end(), std::size_t{0});
    const SobolEstimate e = sobol_estimate(blk, leading);
    out.convergence_samples.push_back(part);
    out.s1_at.insert(out.s1_at.end(), e.s1.begin(), e.s1.end());
    out.st_at.insert(out.st_at.end(), e.st.begin(), e.st.end());
    out.s2_at.insert(out.s2_at.end(), e.s2.begin(), e.s2.end());
    if (part == n / 2 && part != n) {
      double change = 0.0;
      for (std::size_t j = 0; j < d; ++j) {
        change = std::max({change, std::abs(e.s1[j] - out.s1[j]), std::abs(e.st[j] - out.st[j])});
      }
      for (std::size_t q = 0; q < e.s2.size(); ++q)
        if (!std::isnan(e.s2[q])) change = std::max(change, std::abs(e.s2[q] - out.s2[q]));
      out.largest_change = change;
    }
  }

  const auto B = static_cast<std::size_t>(std::max(0, options.bootstrap));
  std::vector<std::vector<double>> s1_draws(d), st_draws(d), s2_draws(out.s2.size());
  for (std::size_t b = 0; b < B; ++b) {
    for (std::size_t i = 0; i < n; ++i)
      rows[i] = resample_index(options.seed, b, i, n);
    const SobolEstimate e = sobol_estimate(blk, rows);
    for (std::size_t j = 0; j < d; ++j) {
      s1_draws[j].push_back(e.s1[j]);
      st_draws[j].push_back(e.st[j]);
    }
    for (std::size_t q = 0; q < e.s2.size(); ++q)
      s2_draws[q].push_back(e.s2[q]);
  }
  const double tail = (1.0 - options.confidence) / 2.0;
  for (std::size_t j = 0; j < d; ++j) {
    out.s1_low.push_back(percentile(s1_draws[j], tail));
    out.s1_high.push_back(percentile(s1_draws[j], 1.0 - tail));
    out.st_low.push_back(percentile(st_draws[j], tail));
    out.st_high.push_back(percentile(st_draws[j], 1.0 - tail));
  }
  for (std::size_t q = 0; q < out.s2.size(); ++q) {
    const bool diagonal = q / d == q % d;
    out.s2_low.push_back(diagonal ? kNaN : percentile(s2_draws[q], tail));
    out.s2_high.push_back(diagonal ? kNaN : percentile(s2_draws[q], 1.0 - tail));
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

VarianceSplit variance_split(const SummaryData& summary, std::size_t metric) {
  VarianceSplit out;
  const std::size_t R = summary.replicates;
  const std::vector<double>& v = summary.metric_values[metric];
  std::vector<std::size_t> points;
  for (std::size_t p = 0; p < summary.points; ++p) {
    bool whole = true;
    for (std::size_t r = 0; r < R; ++r)
      whole = whole && !std::isnan(v[p * R + r]);
    if (whole) points.push_back(p);
  }
  out.points = points.size();
  out.replicates = R;
  const std::size_t P = points.size();
  if (R < 2 || P < 2) {
    out.total = out.parameter = out.stochastic = out.parameter_share = out.stochastic_share = kNaN;
    return out;
  }
  std::vector<double> point_mean(P, 0.0), replicate_mean(R, 0.0);
  double grand = 0.0;
  for (std::size_t i = 0; i < P; ++i) {
    for (std::size_t r = 0; r < R; ++r) {
      const double y = v[points[i] * R + r];
      point_mean[i] += y / static_cast<double>(R);
      replicate_mean[r] += y / static_cast<double>(P);
      grand += y;
    }
  }
  grand /= static_cast<double>(P * R);
  double within = 0.0, interaction = 0.0, between = 0.0;
  for (std::size_t i = 0; i < P; ++i) {
    between += (point_mean[i] - grand) * (point_mean[i] - grand);
    for (std::size_t r = 0; r < R; ++r) {
      const double y = v[points[i] * R + r];
      within += (y - point_mean[i]) * (y - point_mean[i]);
      const double e = y - point_mean[i] - replicate_mean[r] + grand;
      interaction += e * e;
    }
  }
  const double Pd = static_cast<double>(P), Rd = static_cast<double>(R);
  const double ms_within = within / (Pd * (Rd - 1.0));
  const double ms_interaction = interaction / ((Pd - 1.0) * (Rd - 1.0));
  const double var_means = between / (Pd - 1.0);
  const double noise_in_means = (summary.common_random_numbers ? ms_interaction : ms_within) / Rd;
  out.stochastic = ms_within;
  out.parameter = std::max(0.0, var_means - noise_in_means);
  out.total = out.parameter + out.stochastic;
  out.parameter_share = out.total > 0.0 ? out.parameter / out.total : kNaN;
  out.stochastic_share = out.total > 0.0 ? out.stochastic / out.total : kNaN;
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
