// The per-neighbourhood section `caresim compare` prints after its table (docs/compare.md).
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numeric>

#include "compare_detail.hpp"

namespace caresim::ensemble {
namespace {

std::string difference(double diff, double low, double high) {
  const bool significant = low > 0.0 || high < 0.0;
  return fmt::format("{:+.4g}{} [{:+.4g}, {:+.4g}]", diff, significant ? '*' : ' ', low, high);
}

}  // namespace

std::string format_neighbourhood_comparison(const Comparison& c, std::size_t largest) {
  const std::size_t A = c.arm_count(), M = c.neighbourhood_metrics.size(),
                    N = c.neighbourhoods.size();
  if (N == 0 || M == 0) return {};
  const int percent = static_cast<int>(std::lround(c.confidence * 100.0));
  const std::string flag = c.neighbourhood_flag.empty() ? "flagged" : c.neighbourhood_flag;
  std::string out;
  for (std::size_t a = 1; a < A; ++a) {
    out += fmt::format(
        "\n{} vs {} by neighbourhood ({} neighbourhoods, {} of them {}; paired differences of the "
        "means over the run, {}% intervals; groups: unweighted mean of their neighbourhoods)\n",
        c.arms[a], c.arms[0], N,
        std::count(c.neighbourhood_flagged.begin(), c.neighbourhood_flagged.end(), 1), flag,
        percent);
    for (std::size_t m = 0; m < M; ++m) {
      const std::size_t g = (m * A + a) * 2;
      out += fmt::format("{} ({})\n", c.neighbourhood_metrics[m], c.neighbourhood_metric_units[m]);
      out += fmt::format("  {:<28} {}\n", flag,
                         difference(c.group_diff[g], c.group_diff_low[g], c.group_diff_high[g]));
      out += fmt::format(
          "  {:<28} {}\n", "others",
          difference(c.group_diff[g + 1], c.group_diff_low[g + 1], c.group_diff_high[g + 1]));
      // The neighbourhoods with the largest differences, ties in neighbourhood order.
      std::vector<std::size_t> order(N);
      std::iota(order.begin(), order.end(), std::size_t{0});
      const auto at = [&](std::size_t n) { return (m * A + a) * N + n; };
      std::stable_sort(order.begin(), order.end(), [&](std::size_t x, std::size_t y) {
        return std::abs(c.neighbourhood_diff[at(x)]) > std::abs(c.neighbourhood_diff[at(y)]);
      });
      for (std::size_t k = 0; k < std::min(largest, N); ++k) {
        const std::size_t n = order[k];
        out += fmt::format("  {:<28} {}{}\n", c.neighbourhoods[n],
                           difference(c.neighbourhood_diff[at(n)], c.neighbourhood_diff_low[at(n)],
                                      c.neighbourhood_diff_high[at(n)]),
                           c.neighbourhood_flagged[n] ? "  <- " + flag : std::string());
      }
    }
  }
  return out;
}

}  // namespace caresim::ensemble
