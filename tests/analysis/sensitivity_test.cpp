// Sensitivity numerics on functions with known answers: Sobol second-order indices and their
// convergence check on Ishigami (Saltelli 2002 scheme), the split of variance into parameter and
// stochastic parts, and the intervals of SRC and PRCC.
#include "caresim/analysis/sensitivity.hpp"

#include <catch2/catch.hpp>
#include <cmath>
#include <numbers>

#include "caresim/analysis/design.hpp"
#include "caresim/analysis/sensitivity_regression.hpp"
#include "caresim/analytic/ishigami.hpp"
#include "caresim/core/random.hpp"

using namespace caresim;
using namespace caresim::analysis;

namespace {

// A Saltelli design of the Ishigami function (a = 7, b = 0.1) on [-pi, pi]^3, as a summary.
SummaryData ishigami_sobol(std::size_t n, bool second_order) {
  const Design design = saltelli_design(n, 3, second_order);
  SummaryData s;
  s.design = "sobol";
  s.parameters = {"x1", "x2", "x3"};
  s.metrics = {"y"};
  s.points = design.points();
  s.replicates = 1;
  s.unit = design.unit;
  s.block = design.block;
  s.role = design.role;
  s.metric_values.emplace_back();
  for (std::size_t p = 0; p < s.points; ++p) {
    IshigamiSettings x;
    x.x1 = -std::numbers::pi + 2 * std::numbers::pi * design.unit[p * 3 + 0];
    x.x2 = -std::numbers::pi + 2 * std::numbers::pi * design.unit[p * 3 + 1];
    x.x3 = -std::numbers::pi + 2 * std::numbers::pi * design.unit[p * 3 + 2];
    s.values.insert(s.values.end(), {x.x1, x.x2, x.x3});
    s.metric_values[0].push_back(IshigamiModel::evaluate(x));
  }
  return s;
}

// Exact Ishigami indices (a = 7, b = 0.1): V = a^2/8 + b pi^4/5 + b^2 pi^8/18 + 1/2.
constexpr double kPi = std::numbers::pi;
const double kV = 49.0 / 8 + 0.1 * std::pow(kPi, 4) / 5 + 0.01 * std::pow(kPi, 8) / 18 + 0.5;
const double kS1 = 0.5 * std::pow(1 + 0.1 * std::pow(kPi, 4) / 5, 2) / kV;
const double kS2 = 49.0 / 8 / kV;
const double kS13 = 0.01 * std::pow(kPi, 8) * (1.0 / 18 - 1.0 / 50) / kV;

}  // namespace

TEST_CASE("sensitivity: Sobol second-order indices of Ishigami (Saltelli 2002)", "[sensitivity]") {
  REQUIRE(kS13 == Approx(0.2437).margin(1e-4));
  const SummaryData s = ishigami_sobol(4096, true);
  REQUIRE(s.points == 4096 * 8);
  AnalysisOptions options;
  options.bootstrap = 200;
  const SobolIndices si = sobol_indices(s, 0, options);
  REQUIRE(si.samples == 4096);
  CHECK(si.s1[0] == Approx(kS1).margin(0.02));
  CHECK(si.s1[1] == Approx(kS2).margin(0.02));
  CHECK(si.s1[2] == Approx(0.0).margin(0.02));
  REQUIRE(si.s2.size() == 9);
  INFO("S12 " << si.s2[1] << ", S13 " << si.s2[2] << ", S23 " << si.s2[5]);
  CHECK(si.s2[0 * 3 + 2] == Approx(kS13).margin(0.02));
  CHECK(si.s2[2 * 3 + 0] == si.s2[0 * 3 + 2]);
  CHECK(si.s2[0 * 3 + 1] == Approx(0.0).margin(0.02));
  CHECK(si.s2[1 * 3 + 2] == Approx(0.0).margin(0.02));
  CHECK(std::isnan(si.s2[0]));
  // The bootstrap interval holds the exact S13; the interval has width.
  CHECK(si.s2_low[2] <= kS13);
  CHECK(kS13 <= si.s2_high[2]);
  CHECK(si.s2_high[2] - si.s2_low[2] > 0.005);
  // Convergence: N/4, N/2, N; the last level is the estimate itself; settled within 0.02.
  REQUIRE(si.convergence_samples == std::vector<std::size_t>{1024, 2048, 4096});
  CHECK(si.s1_at[2 * 3 + 0] == si.s1[0]);
  CHECK(si.s2_at[2 * 9 + 2] == si.s2[2]);
  CHECK(si.largest_change < 0.02);
  CHECK(si.largest_change > 0.0);
}

TEST_CASE("sensitivity: without the BA points there are no second-order indices", "[sensitivity]") {
  const SummaryData s = ishigami_sobol(256, false);
  AnalysisOptions options;
  options.bootstrap = 0;
  const SobolIndices si = sobol_indices(s, 0, options);
  CHECK(si.s2.empty());
  CHECK(si.samples == 256);
  // A small sample has not settled: the check says so.
  const SobolIndices small = sobol_indices(ishigami_sobol(16, false), 0, options);
  CHECK(small.largest_change > 0.02);
}

TEST_CASE("sensitivity: variance split into parameter and stochastic parts", "[sensitivity]") {
  // y = 3 u + noise, u uniform on the points' own values, noise sd 2: parameter part is the
  // variance of 3 u over the points, the stochastic part 4.
  const std::size_t P = 2000, R = 4;
  for (const bool common : {false, true}) {
    SummaryData s;
    s.design = "latin_hypercube";
    s.parameters = {"u"};
    s.metrics = {"y"};
    s.points = P;
    s.replicates = R;
    s.common_random_numbers = common;
    s.metric_values.emplace_back();
    std::vector<double> f(P);
    for (std::size_t p = 0; p < P; ++p) {
      f[p] = 3.0 * (static_cast<double>(p) + 0.5) / static_cast<double>(P);
      for (std::size_t r = 0; r < R; ++r) {
        Stream stream(common ? 7 : mix_seed(7, p, r), Purpose{99}, 0,
                      static_cast<std::uint32_t>(r));
        s.metric_values[0].push_back(f[p] + 2.0 * stream.normal());
      }
    }
    const double exact_parameter = 9.0 / 12.0;  // var of 3 u, u uniform on [0, 1]
    const VarianceSplit v = variance_split(s, 0);
    INFO("common random numbers " << common << ": parameter " << v.parameter << ", stochastic "
                                  << v.stochastic);
    CHECK(v.points == P);
    CHECK(v.parameter == Approx(exact_parameter).epsilon(0.15));
    if (!common) CHECK(v.stochastic == Approx(4.0).epsilon(0.1));
    CHECK(v.total == Approx(v.parameter + v.stochastic));
    CHECK(v.parameter_share + v.stochastic_share == Approx(1.0));
    if (common) {
      // A noise shared by every point shifts them alike: the means vary exactly as f does.
      double mean = 0.0, var = 0.0;
      for (double x : f)
        mean += x / P;
      for (double x : f)
        var += (x - mean) * (x - mean) / (P - 1);
      CHECK(v.parameter == Approx(var).epsilon(1e-9));
      // And the chance part is the sample variance of the R shared draws.
      std::vector<double> e;
      for (std::size_t r = 0; r < R; ++r)
        e.push_back(s.metric_values[0][r] - f[0]);
      double em = 0.0, ev = 0.0;
      for (double x : e)
        em += x / R;
      for (double x : e)
        ev += (x - em) * (x - em) / (R - 1);
      CHECK(v.stochastic == Approx(ev).epsilon(1e-9));
    }
  }
  // One replicate: no split.
  SummaryData one;
  one.points = 3;
  one.replicates = 1;
  one.metric_values = {{1.0, 2.0, 3.0}};
  CHECK(std::isnan(variance_split(one, 0).parameter));
}

TEST_CASE("sensitivity: SRC and PRCC intervals hold the exact values of a linear model",
          "[sensitivity]") {
  // y = 3 a + b + 0.5 noise over a Latin hypercube: SRC_a = 3 / sqrt(10 + 12 * 0.25 * var) etc.
  const Design d = latin_hypercube_design(400, 3, 5);
  std::vector<double> y;
  for (std::size_t p = 0; p < 400; ++p) {
    Stream stream(3, Purpose{98}, 0, static_cast<std::uint32_t>(p));
    y.push_back(3 * d.unit[p * 3] + d.unit[p * 3 + 1] + 0.1 * stream.normal());
  }
  const RegressionSensitivity r = regression_sensitivity(d.unit, 3, y, 0.95);
  // var(3a + b) = 10 / 12; noise var 0.01.
  const double sd_y = std::sqrt(10.0 / 12 + 0.01);
  const double src_a = 3 * std::sqrt(1.0 / 12) / sd_y, src_b = std::sqrt(1.0 / 12) / sd_y;
  INFO("SRC " << r.src[0] << " [" << r.src_low[0] << ", " << r.src_high[0] << "], " << r.src[1]);
  CHECK(r.src_low[0] <= src_a);
  CHECK(src_a <= r.src_high[0]);
  CHECK(r.src_low[1] <= src_b);
  CHECK(src_b <= r.src_high[1]);
  CHECK(r.src_low[2] <= 0.0);
  CHECK(0.0 <= r.src_high[2]);
  CHECK(r.src_high[0] - r.src_low[0] < 0.05);
  // PRCC: c does nothing, so its interval holds 0; a's is near 1 and excludes 0.
  CHECK(r.prcc_low[2] <= 0.0);
  CHECK(0.0 <= r.prcc_high[2]);
  CHECK(r.prcc_low[0] > 0.9);
  CHECK(r.prcc_low[0] < r.prcc[0]);
  CHECK(r.prcc[0] < r.prcc_high[0]);
}
