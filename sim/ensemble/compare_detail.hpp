#pragma once
// Internals of the paired comparison shared by its files (compare.cpp, compare_statistics.cpp,
// compare_file.cpp, compare_table.cpp): not part of the public interface.

#include <cstddef>
#include <string>
#include <vector>

#include "caresim/ensemble/compare.hpp"

namespace caresim::ensemble::detail {

// Index helpers for the row-major arrays of Comparison.
struct Shape {
  std::size_t arms, replicates, metrics, days;
  std::size_t amt(std::size_t a, std::size_t m, std::size_t t) const {
    return (a * metrics + m) * days + t;
  }
  std::size_t ma(std::size_t m, std::size_t a) const { return m * arms + a; }
  std::size_t arm(std::size_t a, std::size_t r, std::size_t m) const {
    return (a * replicates + r) * metrics + m;
  }
};

/// Fills the statistics of `c` from the daily values [arm][replicate][metric][day].
void compute_statistics(Comparison& c, const std::vector<double>& daily);

/// Fills the per-neighbourhood statistics of `c` (Comparison::neighbourhood_*, group_*) from
/// c.neighbourhood_run_mean.
void compute_neighbourhood_statistics(Comparison& c);

/// Day `day` after an ISO date, as an ISO date; empty if `start` is not one.
std::string date_after(const std::string& start, int day);

}  // namespace caresim::ensemble::detail
