// History matching and ABC-SMC on models whose posterior and likelihood are known in closed form.
#include <catch2/catch.hpp>
#include <cmath>
#include <vector>

#include "../test_purposes.hpp"
#include "caresim/analysis/abc.hpp"
#include "caresim/analysis/history_matching.hpp"

namespace caresim::analysis {
namespace {

// The linear-Gaussian model: theta ~ N(2, 1); ten observations y_i ~ N(theta, 1), summarised by
// their mean, which is sufficient: ybar | theta ~ N(theta, 1/10). Observed ybar = 3. The exact
// posterior is N(mean 32/11 = 2.909091, variance 1/11 = 0.090909).
TEST_CASE("ABC-SMC recovers the analytic posterior of a linear-Gaussian model",
          "[abc][validation]") {
  const std::vector<Prior> priors = {{"theta", PriorKind::normal, 2.0, 1.0}};
  const std::vector<CalibrationTarget> targets = {{"ybar", 3.0, 0.0, 0.0}};
  const BatchModel model = [](std::span<const double> sets, std::size_t count,
                              std::uint64_t batch) {
    std::vector<double> out(count);
    for (std::size_t i = 0; i < count; ++i) {
      Stream s(31, purpose::test_a, static_cast<std::uint32_t>(batch),
               static_cast<std::uint32_t>(i));
      out[i] = sets[i] + s.normal() / std::sqrt(10.0);
    }
    return out;
  };
  AbcOptions o;
  o.particles = 2000;
  o.generations = 12;
  o.seed = 8;
  const AbcResult r = abc_smc(priors, targets, model, o);
  const AbcGeneration& last = r.generations.back();
  UNSCOPED_INFO("mean " << r.posterior_mean[0] << " variance " << r.posterior_covariance[0]
                        << " tolerance " << last.tolerance << " ESS " << last.effective_sample_size
                        << " generations " << r.generations.size() - 1 << " simulations "
                        << r.simulations);
  // It stops once a generation accepts under 2% of its proposals (generation 6 here).
  CHECK(r.generations.size() >= 6);
  // Monte Carlo error at ESS ~1000: sd of the mean 0.01, of the variance ~4.5%.
  CHECK(r.posterior_mean[0] == Approx(32.0 / 11.0).margin(0.03));
  CHECK(r.posterior_covariance[0] == Approx(1.0 / 11.0).epsilon(0.12));
  CHECK(last.tolerance < 0.05);  // eps^2 / 3 adds < 1% to the variance
  CHECK(last.effective_sample_size > 800);
  double total = 0.0;
  for (double w : last.weights)
    total += w;
  CHECK(total == Approx(1.0));
  // Tolerances shrink generation by generation.
  for (std::size_t t = 2; t < r.generations.size(); ++t)
    CHECK(r.generations[t].tolerance < r.generations[t - 1].tolerance);
  // Deterministic.
  const AbcResult again = abc_smc(priors, targets, model, o);
  CHECK(again.posterior_mean[0] == r.posterior_mean[0]);
}

// Two parameters on uniform(-5, 5) priors, two outputs with Gaussian run-to-run noise of sd 0.1:
// f1 = theta1 + theta2, f2 = exp(theta1 / 3) - theta2. True theta (1, 2); the observed values are
// the noiseless model there, with observation sd 0.1. The analytic implausibility of theta is
// max_k |z_k - f_k(theta)| / sqrt(0.01 + 0.01).
TEST_CASE("History matching keeps the true parameters and rules out what the likelihood does",
          "[history_matching][validation]") {
  auto f1 = [](double a, double b) { return a + b; };
  auto f2 = [](double a, double b) { return std::exp(a / 3.0) - b; };
  const std::vector<Prior> priors = {{"theta1", PriorKind::uniform, -5, 5},
                                     {"theta2", PriorKind::uniform, -5, 5}};
  const std::vector<CalibrationTarget> targets = {{"f1", f1(1, 2), 0.01, 0.0},
                                                  {"f2", f2(1, 2), 0.01, 0.0}};
  const BatchModel model = [&](std::span<const double> sets, std::size_t count,
                               std::uint64_t batch) {
    std::vector<double> out(2 * count);
    for (std::size_t i = 0; i < count; ++i) {
      Stream s(5, purpose::test_a, static_cast<std::uint32_t>(batch),
               static_cast<std::uint32_t>(i));
      out[2 * i] = f1(sets[2 * i], sets[2 * i + 1]) + 0.1 * s.normal();
      out[2 * i + 1] = f2(sets[2 * i], sets[2 * i + 1]) + 0.1 * s.normal();
    }
    return out;
  };
  HistoryMatchingOptions o;
  o.waves = 4;
  o.runs_per_wave = 40;
  o.final_runs = 30;
  o.seed = 3;
  const HistoryMatchingResult r = history_match(priors, targets, model, o);
  REQUIRE(r.stopped.empty());
  REQUIRE(r.waves.size() == 4);
  auto analytic = [&](double a, double b) {
    const double s = std::sqrt(0.02);
    return std::max(std::abs(targets[0].observed - f1(a, b)),
                    std::abs(targets[1].observed - f2(a, b))) /
           s;
  };
  // The true parameters survive every wave.
  const std::vector<double> truth = {0.6, 0.7};  // (1, 2) in unit coordinates
  CHECK(non_implausible(r, targets, truth, o));
  // On a 200 x 200 grid: points the likelihood rules out (analytic I > 3.5) are ruled out, and
  // points well inside (I < 2.5) are kept.
  int outside = 0, outside_kept = 0, inside = 0, inside_kept = 0;
  for (int i = 0; i < 200; ++i) {
    for (int j = 0; j < 200; ++j) {
      const std::vector<double> u = {(i + 0.5) / 200, (j + 0.5) / 200};
      const double a = -5 + 10 * u[0], b = -5 + 10 * u[1];
      const double ia = analytic(a, b);
      const bool kept = non_implausible(r, targets, u, o);
      if (ia > 3.5) {
        ++outside;
        outside_kept += kept;
      } else if (ia < 2.5) {
        ++inside;
        inside_kept += kept;
      }
    }
  }
  std::vector<double> fractions;
  for (const auto& w : r.waves)
    fractions.push_back(w.non_implausible_fraction);
  UNSCOPED_INFO("fractions " << fractions[0] << " " << fractions[1] << " " << fractions[2] << " "
                             << fractions[3] << "; outside kept " << outside_kept << "/" << outside
                             << ", inside kept " << inside_kept << "/" << inside);
  CHECK(outside_kept <= outside / 1000);
  CHECK(inside_kept >= inside * 98 / 100);
  // The space shrinks wave by wave, to about the analytic region's share of the prior.
  for (std::size_t w = 1; w < fractions.size(); ++w)
    CHECK(fractions[w] <= fractions[w - 1]);
  CHECK(fractions.back() < 0.01);
  // Final runs at non-implausible points reproduce the targets.
  std::size_t matches = 0;
  for (auto m : r.final_matches)
    matches += m;
  // A run at the edge of the region (I near 3) misses with its own noise about half the time.
  CHECK(matches >= r.final_matches.size() * 8 / 10);
  CHECK(r.runs == 4 * 40 + 30);
}

}  // namespace
}  // namespace caresim::analysis
