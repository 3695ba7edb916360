#include "caresim/analysis/damage.hpp"

#include <oneapi/tbb/blocked_range.h>
#include <oneapi/tbb/parallel_for.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "caresim/core/random.hpp"

namespace caresim::analysis {

std::vector<double> damage_curve(const Simulator& base, const std::vector<std::uint64_t>& sites,
                                 int horizon) {
  if (horizon < 0) throw std::invalid_argument("damage_curve: horizon must be >= 0");
  const std::unique_ptr<Simulator> a = base.clone();
  const std::unique_ptr<Simulator> b = base.clone();
  for (const std::uint64_t site : sites)
    b->perturb(site);
  std::vector<double> damage;
  damage.reserve(static_cast<std::size_t>(horizon) + 1);
  damage.push_back(a->distance(*b));
  for (int t = 0; t < horizon; ++t) {
    a->step();
    b->step();
    damage.push_back(a->distance(*b));
  }
  return damage;
}

std::vector<double> damage_curve(const Simulator& base, std::uint64_t site, int horizon) {
  return damage_curve(base, std::vector<std::uint64_t>{site}, horizon);
}

LyapunovEstimate lyapunov_exponent(const Simulator& base, const LyapunovOptions& options) {
  if (options.sites < 2 || options.horizon < 1) {
    throw std::invalid_argument("lyapunov_exponent: need sites >= 2 and horizon >= 1");
  }
  const std::uint64_t site_count = base.perturbation_sites();
  const auto m = static_cast<std::size_t>(options.sites);
  const auto t_end = static_cast<std::size_t>(options.horizon);
  std::vector<std::vector<double>> curves(m);
  // Each site's curve depends only on its index, so the result does not depend on scheduling.
  tbb::parallel_for(
      tbb::blocked_range<std::size_t>(0, m, 1), [&](const tbb::blocked_range<std::size_t>& r) {
        for (std::size_t i = r.begin(); i != r.end(); ++i) {
          Stream pick(options.site_seed, purpose::twin_run_sites, 0, static_cast<std::uint32_t>(i));
          curves[i] = damage_curve(base, pick.below(site_count), options.horizon);
        }
      });

  LyapunovEstimate est;
  est.sites = options.sites;
  est.horizon = options.horizon;
  est.mean_damage.assign(t_end + 1, 0.0);
  for (const auto& curve : curves) {
    for (std::size_t t = 0; t <= t_end; ++t)
      est.mean_damage[t] += curve[t];
    est.extinct += curve[t_end] == 0.0 ? 1 : 0;
  }
  const auto n = static_cast<double>(m);
  for (double& d : est.mean_damage)
    d /= n;
  const double start = est.mean_damage.front(), end = est.mean_damage.back();
  if (!(start > 0.0)) throw std::runtime_error("lyapunov_exponent: perturbations did nothing");
  const double horizon = options.horizon;
  if (end == 0.0) {
    est.lambda = est.lower = est.upper = -std::numeric_limits<double>::infinity();
    return est;
  }
  est.lambda = std::log(end / start) / horizon;
  // Delta method: var ln(mean_a / mean_b) ~ var_a/(n a^2) + var_b/(n b^2) - 2 cov/(n a b).
  double var_end = 0.0, var_start = 0.0, cov = 0.0;
  for (const auto& curve : curves) {
    const double de = curve[t_end] - end, ds = curve[0] - start;
    var_end += de * de;
    var_start += ds * ds;
    cov += de * ds;
  }
  var_end /= n - 1.0;
  var_start /= n - 1.0;
  cov /= n - 1.0;
  const double var_log =
      var_end / (n * end * end) + var_start / (n * start * start) - 2.0 * cov / (n * end * start);
  est.standard_error = std::sqrt(std::max(0.0, var_log)) / horizon;
  est.lower = est.lambda - options.z * est.standard_error;
  est.upper = est.lambda + options.z * est.standard_error;
  return est;
}

}  // namespace caresim::analysis
