// The paired statistics of a comparison: time means, t intervals of the paired differences and
// the time to effect. docs/compare.md explains them.
#include <array>
#include <cmath>
#include <limits>

#include "caresim/analysis/statistics.hpp"
#include "caresim/core/numbers.hpp"
#include "compare_detail.hpp"

namespace caresim::ensemble::detail {

void compute_statistics(Comparison& c, const std::vector<double>& daily) {
  const Shape s{c.arm_count(), static_cast<std::size_t>(c.replicates), c.metric_count(),
                static_cast<std::size_t>(c.days)};
  const auto value = [&](std::size_t a, std::size_t r, std::size_t m, std::size_t t) {
    return daily[((a * s.replicates + r) * s.metrics + m) * s.days + t];
  };
  // Time means per run, and trailing rolling means per run.
  c.run_mean.assign(s.arms * s.replicates * s.metrics, kNaN);
  std::vector<double> rolling(daily.size(), kNaN);
  const auto window = static_cast<std::size_t>(c.window);
  for (std::size_t a = 0; a < s.arms; ++a)
    for (std::size_t r = 0; r < s.replicates; ++r)
      for (std::size_t m = 0; m < s.metrics; ++m) {
        double sum = 0.0;
        for (std::size_t t = 0; t < s.days; ++t)
          sum += value(a, r, m, t);
        c.run_mean[s.arm(a, r, m)] = sum / static_cast<double>(s.days);
        for (std::size_t t = 0; t < s.days; ++t) {
          const std::size_t first = t + 1 >= window ? t + 1 - window : 0;
          double w = 0.0;
          for (std::size_t u = first; u <= t; ++u)
            w += value(a, r, m, u);
          rolling[((a * s.replicates + r) * s.metrics + m) * s.days + t] =
              w / static_cast<double>(t + 1 - first);
        }
      }
  const auto roll = [&](std::size_t a, std::size_t r, std::size_t m, std::size_t t) {
    return rolling[((a * s.replicates + r) * s.metrics + m) * s.days + t];
  };

  const std::size_t table = s.metrics * s.arms, series = s.arms * s.metrics * s.days;
  c.mean.assign(table, kNaN);
  c.diff.assign(table, kNaN);
  c.diff_low.assign(table, kNaN);
  c.diff_high.assign(table, kNaN);
  c.time_to_effect.assign(table, kNaN);
  for (auto* v : {&c.daily_mean, &c.daily_low, &c.daily_high, &c.daily_diff, &c.daily_diff_low,
                  &c.daily_diff_high, &c.rolling_diff, &c.rolling_diff_low, &c.rolling_diff_high})
    v->assign(series, kNaN);

  std::vector<double> sample(s.replicates);
  const double t_quantile = analysis::student_t_quantile(1.0 - (1.0 - c.confidence) / 2.0,
                                                         static_cast<double>(s.replicates) - 1.0);
  const auto interval = [&](auto&& of) {
    for (std::size_t r = 0; r < s.replicates; ++r)
      sample[r] = of(r);
    return analysis::mean_interval_given_t(sample, t_quantile);
  };
  const auto excludes_zero = [](const analysis::MeanInterval& i) {
    return i.low > 0.0 ? 1 : (i.high < 0.0 ? -1 : 0);
  };
  for (std::size_t m = 0; m < s.metrics; ++m) {
    for (std::size_t a = 0; a < s.arms; ++a) {
      c.mean[s.ma(m, a)] = interval([&](std::size_t r) { return c.run_mean[s.arm(a, r, m)]; }).mean;
      for (std::size_t t = 0; t < s.days; ++t) {
        const auto daily_i = interval([&](std::size_t r) { return value(a, r, m, t); });
        c.daily_mean[s.amt(a, m, t)] = daily_i.mean;
        c.daily_low[s.amt(a, m, t)] = daily_i.low;
        c.daily_high[s.amt(a, m, t)] = daily_i.high;
      }
      if (a == 0) {
        // The reference against itself: exactly nothing, by definition.
        c.diff[s.ma(m, a)] = c.diff_low[s.ma(m, a)] = c.diff_high[s.ma(m, a)] = 0.0;
        for (std::size_t t = 0; t < s.days; ++t)
          for (auto* v : {&c.daily_diff, &c.daily_diff_low, &c.daily_diff_high, &c.rolling_diff,
                          &c.rolling_diff_low, &c.rolling_diff_high})
            (*v)[s.amt(a, m, t)] = 0.0;
        continue;
      }
      const auto d = interval(
          [&](std::size_t r) { return c.run_mean[s.arm(a, r, m)] - c.run_mean[s.arm(0, r, m)]; });
      c.diff[s.ma(m, a)] = d.mean;
      c.diff_low[s.ma(m, a)] = d.low;
      c.diff_high[s.ma(m, a)] = d.high;
      std::vector<int> sign(s.days, 0);
      for (std::size_t t = 0; t < s.days; ++t) {
        const auto dd =
            interval([&](std::size_t r) { return value(a, r, m, t) - value(0, r, m, t); });
        c.daily_diff[s.amt(a, m, t)] = dd.mean;
        c.daily_diff_low[s.amt(a, m, t)] = dd.low;
        c.daily_diff_high[s.amt(a, m, t)] = dd.high;
        const auto rd =
            interval([&](std::size_t r) { return roll(a, r, m, t) - roll(0, r, m, t); });
        c.rolling_diff[s.amt(a, m, t)] = rd.mean;
        c.rolling_diff_low[s.amt(a, m, t)] = rd.low;
        c.rolling_diff_high[s.amt(a, m, t)] = rd.high;
        sign[t] = excludes_zero(rd);
      }
      // The first day of the trailing stretch over which the interval keeps excluding 0 on the
      // side it ends on.
      if (s.days > 0 && sign[s.days - 1] != 0) {
        std::size_t first = s.days - 1;
        while (first > 0 && sign[first - 1] == sign[s.days - 1])
          --first;
        c.time_to_effect[s.ma(m, a)] = static_cast<double>(first);
      }
    }
  }
}

void compute_neighbourhood_statistics(Comparison& c) {
  const std::size_t A = c.arm_count(), R = static_cast<std::size_t>(c.replicates),
                    M = c.neighbourhood_metrics.size(), N = c.neighbourhoods.size();
  const auto run = [&](std::size_t a, std::size_t r, std::size_t m, std::size_t n) {
    return c.neighbourhood_run_mean[((a * R + r) * M + m) * N + n];
  };
  // Per run, each group's unweighted mean over its neighbourhoods.
  constexpr std::size_t kGroups = 2;  // 0: flagged, 1: the others
  std::vector<double> group_run(A * R * M * kGroups, kNaN);
  for (std::size_t a = 0; a < A; ++a)
    for (std::size_t r = 0; r < R; ++r)
      for (std::size_t m = 0; m < M; ++m) {
        std::array<double, kGroups> sum{}, count{};
        for (std::size_t n = 0; n < N; ++n) {
          const std::size_t g = c.neighbourhood_flagged[n] ? 0 : 1;
          sum[g] += run(a, r, m, n);
          count[g] += 1.0;
        }
        for (std::size_t g = 0; g < kGroups; ++g) {
          if (count[g] > 0) group_run[((a * R + r) * M + m) * kGroups + g] = sum[g] / count[g];
        }
      }
  const double t_quantile =
      analysis::student_t_quantile(1.0 - (1.0 - c.confidence) / 2.0, static_cast<double>(R) - 1.0);
  std::vector<double> sample(R);
  // Mean and paired difference of arm a against the reference over the replicates, for a value
  // of(a, r) of each run, written at index i of the four arrays.
  const auto compare = [&](auto&& of, std::size_t a, std::size_t i, std::vector<double>& mean,
                           std::vector<double>& diff, std::vector<double>& low,
                           std::vector<double>& high) {
    for (std::size_t r = 0; r < R; ++r)
      sample[r] = of(a, r);
    mean[i] = analysis::mean_interval_given_t(sample, t_quantile).mean;
    if (a == 0) {
      diff[i] = low[i] = high[i] = 0.0;
      return;
    }
    for (std::size_t r = 0; r < R; ++r)
      sample[r] = of(a, r) - of(0, r);
    const auto d = analysis::mean_interval_given_t(sample, t_quantile);
    diff[i] = d.mean;
    low[i] = d.low;
    high[i] = d.high;
  };
  for (auto* v : {&c.neighbourhood_mean, &c.neighbourhood_diff, &c.neighbourhood_diff_low,
                  &c.neighbourhood_diff_high})
    v->assign(M * A * N, kNaN);
  for (auto* v : {&c.group_mean, &c.group_diff, &c.group_diff_low, &c.group_diff_high})
    v->assign(M * A * kGroups, kNaN);
  for (std::size_t m = 0; m < M; ++m)
    for (std::size_t a = 0; a < A; ++a) {
      for (std::size_t n = 0; n < N; ++n) {
        compare([&](std::size_t arm, std::size_t r) { return run(arm, r, m, n); }, a,
                (m * A + a) * N + n, c.neighbourhood_mean, c.neighbourhood_diff,
                c.neighbourhood_diff_low, c.neighbourhood_diff_high);
      }
      for (std::size_t g = 0; g < kGroups; ++g) {
        if (std::isnan(group_run[((a * R) * M + m) * kGroups + g])) continue;  // empty group
        compare([&](std::size_t arm,
                    std::size_t r) { return group_run[((arm * R + r) * M + m) * kGroups + g]; },
                a, (m * A + a) * kGroups + g, c.group_mean, c.group_diff, c.group_diff_low,
                c.group_diff_high);
      }
    }
}

}  // namespace caresim::ensemble::detail
