#pragma once
// Summary metrics: how an ensemble reduces one run's time series to a few numbers.

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "caresim/io/run_file.hpp"

namespace caresim::ensemble {

/// How a series is reduced over a run.
enum class Reduction : std::uint8_t {
  mean,           ///< mean over the run, or over its last `last_days` days
  last,           ///< value on the last day written
  min,            ///< smallest value
  max,            ///< largest value
  area,           ///< area under the curve: sum of daily values x 1 day (units x days)
  time_to_cross,  ///< first day (days since start) the value is >= threshold (`above`) or
                  ///< <= threshold (below); NaN if it never does
  std_dev,        ///< sample standard deviation over the run (divisor n - 1), or its last
                  ///< `last_days` days
  quantile,       ///< the `threshold`-quantile (a probability in [0, 1]) of the daily values,
                  ///< linear interpolation between order statistics (type 7)
  window_mean,    ///< mean over days [first_day, first_day + window_days): an observed
                  ///< data point that covers a period (calibration targets)
};
inline constexpr std::size_t kReductionCount = 9;
/// Spelling of each reduction in sweep specs, indexed by the enum value.
inline constexpr const char* kReductionNames[kReductionCount] = {
    "mean", "last", "min", "max", "area", "time_to_cross", "std", "quantile", "window_mean"};

/// One summary metric of a run: a reduction of one column of one output series.
struct MetricSpec {
  std::string name;    ///< column name in the summary table
  std::string series;  ///< output series (see docs/outputs.md)
  int column = 0;      ///< index along the series' second dimension (0 for a plain series)
  Reduction reduction = Reduction::mean;
  int last_days = 0;       ///< mean: over the last this many days; 0 = whole run
  double threshold = 0.0;  ///< time_to_cross
  bool above = true;       ///< time_to_cross: cross upwards (>=) or downwards (<=)
  int first_day = 0;       ///< window_mean: first day of the window (days since start)
  int window_days = 1;     ///< window_mean: days in the window

  bool operator==(const MetricSpec&) const = default;
};

/// Reduces the rows of one run to its metrics as the run goes, holding nothing per step.
/// Not thread-safe: one per run.
class MetricAccumulator {
 public:
  /// `days` is the number of steps the run will take (for `last_days`).
  MetricAccumulator(std::span<const MetricSpec> metrics, int days);
  /// Resolves series names against the run's layout. Throws std::invalid_argument naming an
  /// unknown series or a column out of range.
  void bind(const RunLayout& layout);
  bool bound() const { return !offsets_.empty() || specs_.empty(); }
  /// Feeds the row written for `day`.
  void add(std::int32_t day, std::span<const double> row);
  /// The metric values, in spec order (NaN where a run gave no value).
  std::vector<double> values() const;

 private:
  std::vector<MetricSpec> specs_;
  int days_;
  std::vector<std::size_t> offsets_;
  std::vector<double> sum_, count_, value_;
  std::vector<std::vector<double>> kept_;  // std_dev and quantile: the daily values
};

/// Checks every metric's series and column against `layout` (what a sweep checks before it
/// starts). Returns an empty string if all resolve, else one line naming the first problem.
std::string check_metrics(std::span<const MetricSpec> metrics, const RunLayout& layout);

}  // namespace caresim::ensemble
