#include "caresim/analysis/sensitivity.hpp"
#include "caresim/analysis/statistics.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <numeric>
#include <stdexcept>

#include "caresim/core/random.hpp"
#include "caresim/io/hdf5.hpp"

namespace caresim::ensemble {
namespace h5 = io::hdf5;
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Standard normal quantile (Acklam's rational approximation, relative error < 1.2e-9).
double normal_quantile(double p) {
  static constexpr double a[] = {-3.969683028665376e+01, 2.209460984245205e+02,
                                 -2.759285104469687e+02, 1.383577518672690e+02,
                                 -3.066479806614716e+01, 2.506628277459239e+00};
  static constexpr double b[] = {-5.447609879822406e+01, 1.615858368580409e+02,
                                 -1.556989798598866e+02, 6.680131188771972e+01,
                                 -1.328068155288572e+01};
  static constexpr double c[] = {-7.784894002430293e-03, -3.223964580411365e-01,
                                 -2.400758277161838e+00, -2.549732539343734e+00,
                                 4.374664141464968e+00,  2.938163982698783e+00};
  static constexpr double d[] = {7.784695709041462e-03, 3.224671290700398e-01,
                                 2.445134137142996e+00, 3.754408661907416e+00};
  if (p < 0.02425) {
    const double q = std::sqrt(-2 * std::log(p));
    return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
           ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  if (p > 1 - 0.02425) return -normal_quantile(1 - p);
  const double q = p - 0.5, r = q * q;
  return (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
         (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
}

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
      const double t =
          runs.size() > 1 ? analysis::student_t_quantile(1.0 - (1.0 - options.confidence) / 2.0, n - 1) : z;
      const double half = runs.size() > 1 ? t * std::sqrt(ss / (n - 1) / n) : kNaN;
      mm.mean = runs.empty() ? kNaN : mean;
      mm.low = mean - half;
      mm.high = mean + half;
      out.push_back(mm);
    }
  }
  return out;
}

namespace {

void write_column(hid_t group, const std::string& name, const std::vector<double>& values,
                  std::string_view description) {
  const std::vector<hsize_t> dims{static_cast<hsize_t>(values.size())};
  h5::Handle ds = h5::create_dataset(group, name, H5T_IEEE_F64LE, dims, dims);
  if (!values.empty()) h5::write_all(ds.get(), H5T_NATIVE_DOUBLE, values.data());
  h5::write_attribute(ds.get(), "description", description);
}

}  // namespace

std::string analyse_summary(const std::filesystem::path& path, const AnalysisOptions& options) {
  const SummaryData s = read_summary(path);
  h5::silence_error_printing();
  h5::Handle file(H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT), "open for writing",
                  path.string());
  if (h5::has_link(file.get(), "analysis")) {
    h5::check(H5Ldelete(file.get(), "analysis", H5P_DEFAULT), "delete", "/analysis");
  }
  h5::Handle group = h5::create_group(file.get(), "analysis");
  h5::write_attribute(group.get(), "bootstrap", static_cast<std::int64_t>(options.bootstrap));
  h5::write_attribute(group.get(), "confidence", options.confidence);
  {
    const std::vector<hsize_t> dims{static_cast<hsize_t>(s.parameters.size())};
    h5::Handle utf8 = h5::utf8_string_type();
    h5::Handle names = h5::create_dataset(group.get(), "parameter_name", utf8.get(), dims, dims);
    h5::write_strings(names.get(), s.parameters);
  }
  const int pct = static_cast<int>(std::lround(options.confidence * 100));
  std::string report;
  for (std::size_t k = 0; k < s.metrics.size(); ++k) {
    h5::Handle mg = h5::create_group(group.get(), s.metrics[k]);
    std::vector<std::size_t> order(s.parameters.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    if (s.design == "sobol") {
      const SobolIndices si = sobol_indices(s, k, options);
      write_column(mg.get(), "S1", si.s1, "first-order Sobol index (Saltelli 2010)");
      write_column(mg.get(), "S1_low", si.s1_low, "bootstrap interval, lower end");
      write_column(mg.get(), "S1_high", si.s1_high, "bootstrap interval, upper end");
      write_column(mg.get(), "ST", si.st, "total Sobol index (Jansen 1999)");
      write_column(mg.get(), "ST_low", si.st_low, "bootstrap interval, lower end");
      write_column(mg.get(), "ST_high", si.st_high, "bootstrap interval, upper end");
      h5::write_attribute(mg.get(), "base_samples", static_cast<std::int64_t>(si.samples));
      std::stable_sort(order.begin(), order.end(),
                       [&](std::size_t a, std::size_t b) { return si.st[a] > si.st[b]; });
      report += fmt::format("\n{}: Sobol indices, N = {} base samples, {}% bootstrap intervals\n",
                            s.metrics[k], si.samples, pct);
      report += fmt::format("{:<4} {:<40} {:>8} {:>19} {:>8} {:>19}\n", "rank", "parameter", "S1",
                            "interval", "ST", "interval");
      for (std::size_t r = 0; r < order.size(); ++r) {
        const std::size_t j = order[r];
        report += fmt::format(
            "{:<4} {:<40} {:>8.4f} [{:>7.4f}, {:>7.4f}] {:>8.4f} [{:>7.4f}, {:>7.4f}]\n", r + 1,
            s.parameters[j], si.s1[j], si.s1_low[j], si.s1_high[j], si.st[j], si.st_low[j],
            si.st_high[j]);
      }
    } else if (s.design == "morris") {
      const MorrisIndices mi = morris_indices(s, k, options);
      write_column(mg.get(), "mu", mi.mu, "mean elementary effect (per unit of the [0,1] range)");
      write_column(mg.get(), "mu_star", mi.mu_star, "mean absolute elementary effect");
      write_column(mg.get(), "mu_star_low", mi.mu_star_low, "bootstrap interval, lower end");
      write_column(mg.get(), "mu_star_high", mi.mu_star_high, "bootstrap interval, upper end");
      write_column(mg.get(), "sigma", mi.sigma, "standard deviation of the elementary effects");
      std::stable_sort(order.begin(), order.end(),
                       [&](std::size_t a, std::size_t b) { return mi.mu_star[a] > mi.mu_star[b]; });
      report += fmt::format(
          "\n{}: Morris elementary effects, {} trajectories, {}% bootstrap "
          "intervals for mu*\n",
          s.metrics[k], mi.trajectories, pct);
      report += fmt::format("{:<4} {:<40} {:>11} {:>25} {:>11} {:>11}\n", "rank", "parameter",
                            "mu*", "interval", "mu", "sigma");
      for (std::size_t r = 0; r < order.size(); ++r) {
        const std::size_t j = order[r];
        report += fmt::format("{:<4} {:<40} {:>11.4g} [{:>10.4g}, {:>10.4g}] {:>11.4g} {:>11.4g}\n",
                              r + 1, s.parameters[j], mi.mu_star[j], mi.mu_star_low[j],
                              mi.mu_star_high[j], mi.mu[j], mi.sigma[j]);
      }
    } else {
      const std::vector<MarginalMean> mm = marginal_means(s, k, options);
      std::vector<double> param, value, mean, low, high, runs;
      // Rank parameters by the spread of their marginal means.
      std::vector<double> spread(s.parameters.size(), 0.0);
      std::vector<double> lo(s.parameters.size(), std::numeric_limits<double>::infinity()),
          hi(s.parameters.size(), -std::numeric_limits<double>::infinity());
      for (const MarginalMean& m : mm) {
        param.push_back(static_cast<double>(m.parameter));
        value.push_back(m.value);
        mean.push_back(m.mean);
        low.push_back(m.low);
        high.push_back(m.high);
        runs.push_back(static_cast<double>(m.runs));
        lo[m.parameter] = std::min(lo[m.parameter], m.mean);
        hi[m.parameter] = std::max(hi[m.parameter], m.mean);
      }
      for (std::size_t j = 0; j < spread.size(); ++j)
        spread[j] = hi[j] - lo[j];
      write_column(mg.get(), "marginal_parameter", param, "index into parameter_name");
      write_column(mg.get(), "marginal_value", value, "level of the parameter");
      write_column(mg.get(), "marginal_mean", mean, "mean of the metric over runs at the level");
      write_column(mg.get(), "marginal_low", low, "normal-theory interval, lower end");
      write_column(mg.get(), "marginal_high", high, "normal-theory interval, upper end");
      write_column(mg.get(), "marginal_runs", runs, "runs at the level");
      std::stable_sort(order.begin(), order.end(),
                       [&](std::size_t a, std::size_t b) { return spread[a] > spread[b]; });
      report += fmt::format(
          "\n{}: marginal means ({} design), {}% intervals, parameters ranked "
          "by the spread of their means\n",
          s.metrics[k], s.design, pct);
      if (s.design != "grid") {
        report +=
            "  (levels of a non-grid design are its sampled values; use the table for "
            "regression or plots)\n";
      }
      for (std::size_t r = 0; r < order.size(); ++r) {
        const std::size_t j = order[r];
        report += fmt::format("{:<4} {} (spread {:.4g})\n", r + 1, s.parameters[j], spread[j]);
        std::size_t shown = 0;
        for (const MarginalMean& m : mm) {
          if (m.parameter != j || ++shown > 12) continue;
          report += fmt::format("       {:>12.6g}: {:>12.6g} [{:>12.6g}, {:>12.6g}]  n = {}\n",
                                m.value, m.mean, m.low, m.high, m.runs);
        }
      }
    }
  }
  return report;
}

}  // namespace caresim::ensemble
