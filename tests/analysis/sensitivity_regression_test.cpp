#include "caresim/analysis/sensitivity_regression.hpp"

#include <catch2/catch.hpp>
#include <cmath>
#include <vector>

#include "caresim/analysis/design.hpp"

namespace caresim::analysis {
namespace {

TEST_CASE("ranks give mid-ranks to ties", "[sensitivity]") {
  const std::vector<double> x = {3.0, 1.0, 3.0, 2.0};
  CHECK(ranks(x) == std::vector<double>{3.5, 1.0, 3.5, 2.0});
}

TEST_CASE("SRC of a linear model equal the analytic ones, PRCC ranks a monotone input first",
          "[sensitivity]") {
  // y = 4 x1 + 2 x2 + 0 x3 on a Latin hypercube of 500 points, x_j uniform on [0, 1]: all inputs
  // have the same sd, so SRC_j = b_j / sqrt(sum b^2) = (0.894, 0.447, 0) and R^2 = 1.
  const auto design = latin_hypercube_design(500, 3, 42);
  std::vector<double> y;
  for (std::size_t i = 0; i < 500; ++i)
    y.push_back(4 * design.unit[3 * i] + 2 * design.unit[3 * i + 1]);
  const auto s = regression_sensitivity(design.unit, 3, y);
  CHECK(s.r_squared == Approx(1.0).margin(1e-12));
  // Margins: the sample correlation of x1 and x2 in 500 points moves SRC by ~1%.
  CHECK(s.src[0] == Approx(4 / std::sqrt(20.0)).margin(0.02));
  CHECK(s.src[1] == Approx(2 / std::sqrt(20.0)).margin(0.02));
  CHECK(std::abs(s.src[2]) < 0.01);
  // PRCC: y is an exact function of x1, x2, so both partial rank correlations are high and
  // x3's is near zero with a large p-value.
  CHECK(s.prcc[0] > 0.95);
  CHECK(s.prcc[1] > 0.7);
  CHECK(std::abs(s.prcc[2]) < 0.1);
  CHECK(s.prcc_p_value[0] < 1e-10);
  CHECK(s.prcc_p_value[2] > 0.05);
}

TEST_CASE("PRCC sees a monotone nonlinear effect that SRC understates", "[sensitivity]") {
  // y = exp(8 x1) + x2: monotone in both, strongly nonlinear in x1.
  const auto design = latin_hypercube_design(300, 2, 7);
  std::vector<double> y;
  for (std::size_t i = 0; i < 300; ++i)
    y.push_back(std::exp(8 * design.unit[2 * i]) + 30 * design.unit[2 * i + 1]);
  const auto s = regression_sensitivity(design.unit, 2, y);
  CHECK(s.r_squared < 0.9);
  CHECK(s.prcc[0] > 0.98);
  CHECK(s.prcc[1] > 0.5);
}

}  // namespace
}  // namespace caresim::analysis
