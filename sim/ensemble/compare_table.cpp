// The table `caresim compare` prints.
#include <fmt/format.h>

#include <chrono>
#include <cmath>
#include <cstdio>

#include "compare_detail.hpp"

namespace caresim::ensemble {

namespace detail {

std::string date_after(const std::string& start, int day) {
  using namespace std::chrono;
  int y = 0;
  unsigned m = 0, d = 0;
  if (std::sscanf(start.c_str(), "%d-%u-%u", &y, &m, &d) != 3) return {};
  const year_month_day date{sys_days{year_month_day{year{y}, month{m}, std::chrono::day{d}}} +
                            days{day}};
  return fmt::format("{:04d}-{:02d}-{:02d}", static_cast<int>(date.year()),
                     static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()));
}

}  // namespace detail

std::string format_comparison(const Comparison& c) {
  std::string out;
  const detail::Shape s{c.arm_count(), static_cast<std::size_t>(c.replicates), c.metric_count(),
                        static_cast<std::size_t>(c.days)};
  const int percent = static_cast<int>(std::lround(c.confidence * 100.0));
  for (std::size_t a = 1; a < s.arms; ++a) {
    out += fmt::format(
        "\n{} vs {} ({} paired replicates, {} days from {}; means over the run; {}% intervals; "
        "effect from: {}-day rolling mean)\n",
        c.arms[a], c.arms[0], c.replicates, c.days, c.start_date, percent, c.window);
    out += fmt::format("{:<34} {:>11} {:>11} {:>11}  {:<25} {}\n", "metric",
                       c.arms[0].substr(0, 11), c.arms[a].substr(0, 11), "difference",
                       fmt::format("{}% interval", percent), "effect from");
    for (std::size_t m = 0; m < s.metrics; ++m) {
      const std::size_t i = s.ma(m, a);
      const bool significant = c.diff_low[i] > 0.0 || c.diff_high[i] < 0.0;
      const double tte = c.time_to_effect[i];
      const std::string effect =
          std::isnan(tte) ? std::string("never")
                          : fmt::format("day {} ({})", static_cast<int>(tte),
                                        detail::date_after(c.start_date, static_cast<int>(tte)));
      out += fmt::format("{:<34} {:>11.4g} {:>11.4g} {:>+11.4g}{} {:<25} {}\n", c.metrics[m],
                         c.mean[s.ma(m, 0)], c.mean[i], c.diff[i], significant ? '*' : ' ',
                         fmt::format("[{:+.4g}, {:+.4g}]", c.diff_low[i], c.diff_high[i]), effect);
    }
  }
  out += "* the interval excludes 0\n" + c.uncertainty_text() + "\n";
  return out;
}

}  // namespace caresim::ensemble
