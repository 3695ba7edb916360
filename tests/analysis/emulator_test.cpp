#include "caresim/analysis/emulator.hpp"

#include <catch2/catch.hpp>
#include <cmath>
#include <vector>

#include "../test_purposes.hpp"
#include "caresim/analysis/priors.hpp"
#include "caresim/analytic/ishigami.hpp"

namespace caresim::analysis {
namespace {

TEST_CASE("normal_quantile inverts normal_cdf to machine precision", "[emulator]") {
  CHECK(normal_quantile(0.975) == Approx(1.959963984540054).epsilon(1e-14));
  CHECK(normal_quantile(0.5) == Approx(0.0).margin(1e-15));
  CHECK(normal_quantile(1e-10) == Approx(-6.361340902404056).epsilon(1e-12));
  for (double p : {1e-6, 0.01, 0.3, 0.77, 0.999})
    CHECK(normal_cdf(normal_quantile(p)) == Approx(p).epsilon(1e-13));
}

TEST_CASE("Nelder-Mead finds the minimum of Rosenbrock's function", "[emulator]") {
  double value = 0.0;
  const auto x = nelder_mead(
      [](const std::vector<double>& v) {
        return 100 * std::pow(v[1] - v[0] * v[0], 2) + std::pow(1 - v[0], 2);
      },
      {-1.2, 1.0}, {0.5, 0.5}, 2000, 1e-16, &value);
  CHECK(x[0] == Approx(1.0).margin(1e-4));
  CHECK(x[1] == Approx(1.0).margin(1e-4));
  CHECK(value < 1e-8);
}

TEST_CASE("A linear-mean emulator of a linear function recovers it exactly", "[emulator]") {
  const std::vector<double> x = maximin_latin_hypercube(12, 2, 5);
  std::vector<double> y;
  for (std::size_t i = 0; i < 12; ++i)
    y.push_back(2.0 + 3.0 * x[2 * i] - 1.5 * x[2 * i + 1]);
  EmulatorOptions o;
  o.fit_nugget = false;
  const GaussianProcess gp = GaussianProcess::fit(x, 2, y, o);
  REQUIRE(gp.coefficients().size() == 3);
  CHECK(gp.coefficients()[0] == Approx(2.0).margin(1e-6));
  CHECK(gp.coefficients()[1] == Approx(3.0).margin(1e-6));
  CHECK(gp.coefficients()[2] == Approx(-1.5).margin(1e-6));
  const std::vector<double> at = {0.31, 0.84};
  CHECK(gp.predict(at).mean == Approx(2.0 + 0.93 - 1.26).margin(1e-6));
  // Leaving a point out changes nothing: the rest still determine the plane.
  for (std::size_t i = 0; i < 12; ++i)
    CHECK(gp.diagnostics().loo_mean[i] == Approx(y[i]).margin(1e-6));
}

TEST_CASE("A constant output gives an exact constant emulator", "[emulator]") {
  const std::vector<double> x = maximin_latin_hypercube(8, 2, 1);
  const std::vector<double> y(8, 0.25);
  const GaussianProcess gp = GaussianProcess::fit(x, 2, y);
  const std::vector<double> at = {0.5, 0.5};
  CHECK(gp.predict(at).mean == 0.25);
  CHECK(gp.predict(at).variance == 0.0);
  CHECK(gp.diagnostics().coverage_95 == 1.0);
}

TEST_CASE("A fitted nugget estimates the run-to-run variance of a noisy output", "[emulator]") {
  // y = sin(2 pi x) + N(0, 0.1^2) at 80 points: the nugget variance should be near 0.01.
  std::vector<double> x, y;
  for (std::uint32_t i = 0; i < 80; ++i) {
    Stream s(77, purpose::test_a, 0, i);
    x.push_back((i + 0.5) / 80.0);
    y.push_back(std::sin(2 * M_PI * x.back()) + 0.1 * s.normal());
  }
  const GaussianProcess gp = GaussianProcess::fit(x, 1, y);
  CHECK(gp.nugget_variance() == Approx(0.01).epsilon(0.4));
  const std::vector<double> at = {0.25};
  CHECK(gp.predict(at).mean == Approx(1.0).margin(0.06));
  CHECK(gp.diagnostics().coverage_95 >= 0.9);
}

TEST_CASE("Emulator 95% intervals cover held-out Ishigami runs at their nominal rate",
          "[emulator][validation]") {
  const std::size_t n = 150, held_out = 200;
  const std::vector<double> train = maximin_latin_hypercube(n, 3, 2024);
  auto ishigami = [](const double* u) {
    IshigamiSettings s;
    s.x1 = -M_PI + 2 * M_PI * u[0];
    s.x2 = -M_PI + 2 * M_PI * u[1];
    s.x3 = -M_PI + 2 * M_PI * u[2];
    return IshigamiModel::evaluate(s);
  };
  std::vector<double> y;
  for (std::size_t i = 0; i < n; ++i)
    y.push_back(ishigami(&train[3 * i]));
  EmulatorOptions o;
  o.fit_nugget = false;
  o.min_nugget = 1e-6;
  const GaussianProcess gp = GaussianProcess::fit(train, 3, y, o);
  int covered = 0;
  double sse = 0.0, ss = 0.0;
  for (std::uint32_t i = 0; i < held_out; ++i) {
    Stream s(99, purpose::test_b, 0, i);
    const std::vector<double> u = {s.uniform(), s.uniform(), s.uniform()};
    const EmulatorPrediction p = gp.predict(u);
    const double truth = ishigami(u.data());
    const double sd = std::sqrt(p.variance + p.nugget_variance);
    if (std::abs(truth - p.mean) <= 1.959963984540054 * sd) ++covered;
    sse += (truth - p.mean) * (truth - p.mean);
    ss += truth * truth;
  }
  const double coverage = covered / static_cast<double>(held_out);
  UNSCOPED_INFO("held-out coverage " << coverage << ", LOO coverage "
                                     << gp.diagnostics().coverage_95 << ", relative MSE "
                                     << sse / ss);
  CHECK(coverage >= 0.90);
  CHECK(coverage <= 0.99);
  CHECK(gp.diagnostics().coverage_95 >= 0.88);
  CHECK(sse / ss < 0.1);
}

TEST_CASE("Maximin Latin hypercubes are Latin and deterministic", "[emulator]") {
  const auto a = maximin_latin_hypercube(20, 3, 11), b = maximin_latin_hypercube(20, 3, 11);
  CHECK(a == b);
  for (std::size_t j = 0; j < 3; ++j) {
    std::vector<int> strata(20, 0);
    for (std::size_t i = 0; i < 20; ++i)
      ++strata[static_cast<std::size_t>(a[3 * i + j] * 20)];
    for (int c : strata)
      CHECK(c == 1);
  }
  // Better spread than a single hypercube of the same seed family.
  CHECK(min_distance(a, 3) >= min_distance(maximin_latin_hypercube(20, 3, 11, 1), 3));
}

TEST_CASE("Priors map the unit cube by their quantile functions", "[emulator]") {
  const Prior u{"u", PriorKind::uniform, 2, 6}, l{"l", PriorKind::log_uniform, 0.01, 1},
      g{"g", PriorKind::normal, 10, 2};
  CHECK(prior_value(u, 0.25) == Approx(3.0));
  CHECK(prior_value(l, 0.5) == Approx(0.1));
  CHECK(prior_value(g, 0.975) == Approx(10 + 2 * 1.959963984540054));
  CHECK(prior_unit(l, prior_value(l, 0.3)) == Approx(0.3));
  CHECK(prior_density(u, 7.0) == 0.0);
  CHECK(prior_density(l, 0.1) == Approx(1.0 / (0.1 * std::log(100.0))));
}

}  // namespace
}  // namespace caresim::analysis
