// Exact small cases of the diagnostics library.
#include "caresim/analysis/statistics.hpp"

#include <catch2/catch.hpp>
#include <cmath>
#include <vector>

#include "caresim/analysis/damage.hpp"
#include "caresim/engine/simulator.hpp"

using namespace caresim;
using namespace caresim::analysis;

TEST_CASE("susceptibility: N times the population variance of the order parameter", "[analysis]") {
  const std::vector<double> m = {0.1, 0.3, 0.5, 0.7};  // mean 0.4, variance 0.05
  CHECK(susceptibility(m, 1000.0) == Approx(50.0).epsilon(1e-12));
  const std::vector<double> same = {0.2, 0.2};
  CHECK(susceptibility(same, 10.0) == 0.0);
}

TEST_CASE("cascades: sizes, durations and branching ratio from a parent record", "[analysis]") {
  // Cascade A: 0 -> {1, 2}, 1 -> {4}. Cascade B: 3 alone. Cascade C: 5 -> 6.
  const std::vector<std::int64_t> parent = {-1, 0, 0, -1, 1, -1, 5};
  const CascadeStats stats = cascades_from_parents(parent);
  CHECK(stats.sizes == std::vector<std::uint64_t>{4, 1, 2});
  CHECK(stats.durations == std::vector<std::uint64_t>{3, 1, 2});
  CHECK(stats.branching_ratio == Approx(4.0 / 7.0));
  const std::vector<std::int64_t> bad = {1, -1};
  CHECK_THROWS_AS(cascades_from_parents(bad), std::invalid_argument);
}

TEST_CASE("distribution: counts, probabilities and survival", "[analysis]") {
  const std::vector<std::uint64_t> v = {3, 1, 1, 2, 1};
  const auto d = distribution(v);
  REQUIRE(d.size() == 3);
  CHECK(d[0].value == 1);
  CHECK(d[0].count == 3);
  CHECK(d[0].probability == Approx(0.6));
  CHECK(d[0].survival == 1.0);
  CHECK(d[2].survival == Approx(0.2));
}

TEST_CASE("power law: continuous MLE and KS distance on a hand-worked sample", "[analysis]") {
  // x = {1, e, e^2}, x_min = 1: sum ln x = 3, alpha = 1 + 3/3 = 2; fitted CDF 1 - 1/x gives
  // 0, 1 - 1/e, 1 - 1/e^2 against empirical steps 1/3, 2/3, 1: the largest gap is 1/3 at x = 1.
  const std::vector<double> x = {1.0, std::exp(1.0), std::exp(2.0)};
  const PowerLawFit fit = fit_power_law_continuous_at(x, 1.0);
  CHECK(fit.alpha == Approx(2.0));
  CHECK(fit.n_tail == 3);
  CHECK(fit.standard_error == Approx(1.0 / std::sqrt(3.0)));
  CHECK(fit.ks_distance == Approx(1.0 / 3.0));
}

TEST_CASE("power law: Hurwitz zeta matches known values", "[analysis]") {
  CHECK(hurwitz_zeta(2.0, 1.0) == Approx(M_PI * M_PI / 6.0).epsilon(1e-12));
  CHECK(hurwitz_zeta(4.0, 1.0) == Approx(std::pow(M_PI, 4) / 90.0).epsilon(1e-12));
  CHECK(hurwitz_zeta(2.0, 3.0) == Approx(M_PI * M_PI / 6.0 - 1.0 - 0.25).epsilon(1e-12));
  CHECK(hurwitz_zeta(1.5, 1.0) == Approx(2.612375348685488).epsilon(1e-11));
}

TEST_CASE("power law: discrete MLE solves the likelihood equation", "[analysis]") {
  // At the MLE, zeta'(a, x_min) / zeta(a, x_min) = -mean ln x (Clauset et al. 2009, eq. 3.5).
  const std::vector<std::uint64_t> x = {1, 1, 1, 2, 2, 3, 5, 8, 13, 40};
  const PowerLawFit fit = fit_power_law_discrete_at(x, 1);
  double mean_log = 0.0;
  for (const auto v : x)
    mean_log += std::log(static_cast<double>(v)) / 10.0;
  const double h = 1e-5;
  const double dlog_zeta =
      (std::log(hurwitz_zeta(fit.alpha + h, 1.0)) - std::log(hurwitz_zeta(fit.alpha - h, 1.0))) /
      (2.0 * h);
  CHECK(dlog_zeta == Approx(-mean_log).epsilon(1e-5));
}

TEST_CASE("power law: KS-chosen x_min recovers a planted tail", "[analysis]") {
  // Exponents of a continuous power law with alpha = 2.5 above x_min = 10 at the quantiles
  // (i + 0.5)/n, plus a uniform body below 10 that is not a power law.
  std::vector<double> data;
  for (int i = 0; i < 2000; ++i) {
    const double u = (i + 0.5) / 2000.0;
    data.push_back(10.0 * std::pow(1.0 - u, -1.0 / 1.5));
  }
  for (int i = 0; i < 2000; ++i)
    data.push_back(1.0 + 9.0 * (i + 0.5) / 2000.0);
  const PowerLawFit fit = fit_power_law_continuous(data, 50);
  CHECK(fit.x_min == Approx(10.0).epsilon(0.05));
  CHECK(fit.alpha == Approx(2.5).epsilon(0.02));
}

TEST_CASE("early warning: autocorrelation, SD, Kendall tau and detrending on exact cases",
          "[analysis]") {
  const std::vector<double> alternating = {1, -1, 1, -1};
  // mean 0; sum x_t x_{t+1} = -3; sum x^2 = 4.
  CHECK(lag1_autocorrelation(alternating) == Approx(-0.75));
  CHECK(standard_deviation(alternating) == Approx(1.0));
  const std::vector<double> t = {1, 2, 3, 4, 5};
  const std::vector<double> up = {2, 4, 6, 8, 10}, down = {5, 4, 3, 2, 1};
  CHECK(kendall_tau(t, up) == Approx(1.0));
  CHECK(kendall_tau(t, down) == Approx(-1.0));
  // {1,3,2,4,5}: 9 concordant, 1 discordant of 10 pairs: tau = 0.8.
  const std::vector<double> one_swap = {1, 3, 2, 4, 5};
  CHECK(kendall_tau(t, one_swap) == Approx(0.8));
  // Ties: y = {1,1,2}: pairs (1,2) tied in y; tau_b = 2 / sqrt(3 * 2).
  const std::vector<double> t3 = {1, 2, 3}, tied = {1, 1, 2};
  CHECK(kendall_tau(t3, tied) == Approx(2.0 / std::sqrt(6.0)));
  // A constant series has zero residual at any bandwidth.
  const std::vector<double> flat(20, 3.0);
  for (const double r : detrend_gaussian(flat, 4.0))
    CHECK(std::abs(r) < 1e-12);
  // Rolling windows: a series whose swings grow has SD tau 1.
  std::vector<double> growing;
  for (int i = 0; i < 40; ++i)
    growing.push_back((i % 2 == 0 ? 1.0 : -1.0) * (1.0 + i));
  const EarlyWarning ew = early_warning(growing, 10, 0.0);
  CHECK(ew.standard_deviation.size() == 31);
  CHECK(ew.standard_deviation_tau == Approx(1.0));
}

namespace {

/// A toy model for the twin-run code: x_{t+1} = r x_t for every site; distance mean |dx|.
class Multiplier final : public Simulator {
 public:
  Multiplier(double rate, std::size_t sites) : rate_(rate), x_(sites, 1.0) {}
  int day() const override { return day_; }
  int days() const override { return 100; }
  void step() override {
    for (double& v : x_)
      v *= rate_;
    ++day_;
  }
  const RunLayout& layout() const override { return layout_; }
  void observe(std::span<double>) const override {}
  std::vector<std::size_t> headline_series() const override { return {}; }
  std::vector<std::pair<std::string, double>> phase_seconds() const override { return {}; }
  std::vector<Attribute> describe() const override { return {}; }
  std::unique_ptr<Simulator> clone() const override { return std::make_unique<Multiplier>(*this); }
  std::uint64_t perturbation_sites() const override { return x_.size(); }
  void perturb(std::uint64_t site) override { x_[site] += 0.5 * static_cast<double>(site + 1); }
  double distance(const Simulator& other) const override {
    const auto& b = dynamic_cast<const Multiplier&>(other);
    double d = 0.0;
    for (std::size_t i = 0; i < x_.size(); ++i)
      d += std::abs(x_[i] - b.x_[i]);
    return d / static_cast<double>(x_.size());
  }

 private:
  double rate_;
  std::vector<double> x_;
  int day_ = 0;
  RunLayout layout_;
};

}  // namespace

TEST_CASE("twin runs: damage curve and Lyapunov exponent of exponential growth", "[analysis]") {
  const Multiplier grow(2.0, 4);
  const auto curve = damage_curve(grow, 1, 3);  // kick 1.0 at site 1 of 4: D0 = 0.25
  REQUIRE(curve.size() == 4);
  CHECK(curve[0] == 0.25);
  CHECK(curve[3] == 2.0);
  LyapunovOptions options;
  options.horizon = 5;
  options.sites = 50;
  const LyapunovEstimate est = lyapunov_exponent(grow, options);
  // Every site's damage is multiplied by exactly 2 per step: lambda = ln 2 with no spread.
  CHECK(est.lambda == Approx(std::log(2.0)));
  CHECK(est.standard_error == Approx(0.0).margin(1e-9));
  CHECK(est.extinct == 0);
  const LyapunovEstimate shrink = lyapunov_exponent(Multiplier(0.5, 4), options);
  CHECK(shrink.lambda == Approx(std::log(0.5)));
}
