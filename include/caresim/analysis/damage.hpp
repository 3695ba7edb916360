#pragma once

#include <cstdint>
#include <vector>

#include "caresim/core/random.hpp"
#include "caresim/engine/simulator.hpp"

namespace caresim::purpose {
/// Which sites a twin run perturbs (core/random.hpp).
inline constexpr Purpose twin_run_sites{2060};
}  // namespace caresim::purpose

namespace caresim::analysis {

/// The damage D(t), t = 0..horizon, between two copies of `base` (in its current state) after
/// copy B's `site` is perturbed: D(0) is the distance right after the perturbation, D(t) after t
/// further steps of both. Both copies draw the same random numbers (Simulator::clone), so D
/// measures only the perturbation's spread. `base` is not changed. Throws std::logic_error for a
/// model without twin-run support.
std::vector<double> damage_curve(const Simulator& base, std::uint64_t site, int horizon);

/// D(t) after perturbing every site in `sites` of copy B at once (e.g. a fraction d0 of the
/// nodes, for a Derrida map).
std::vector<double> damage_curve(const Simulator& base, const std::vector<std::uint64_t>& sites,
                                 int horizon);

/// How to estimate a finite-time Lyapunov exponent.
struct LyapunovOptions {
  int horizon = 10;             ///< T, steps after the perturbation
  int sites = 200;              ///< perturbation sites, drawn uniformly with replacement
  std::uint64_t site_seed = 1;  ///< seed of the stream (site_seed, twin_run_sites, 0, i) for site i
  double z = 1.959963984540054;  ///< normal quantile of the confidence interval (95%)
};

/// A finite-time Lyapunov exponent lambda = (1/T) ln(<D(T)> / <D(0)>), <.> the mean over
/// perturbation sites (Derrida & Pomeau 1986; Luque & Sole 2000). Averaging D before the log
/// keeps sites whose damage dies out (D(T) = 0) in the estimate; lambda is -infinity if every
/// site's damage dies. The confidence interval is lambda +- z se, se by the delta method for the
/// log of a ratio of means over independent sites.
struct LyapunovEstimate {
  double lambda = 0.0;
  double standard_error = 0.0;
  double lower = 0.0;
  double upper = 0.0;
  std::vector<double> mean_damage;  ///< <D(t)>, t = 0..T
  std::uint64_t extinct = 0;        ///< sites whose damage was 0 at T
  int sites = 0;
  int horizon = 0;
};

/// Estimates lambda from `options.sites` twin runs branching off `base`'s current state, run in
/// parallel (deterministic: each site's curve depends only on its index).
LyapunovEstimate lyapunov_exponent(const Simulator& base, const LyapunovOptions& options);

}  // namespace caresim::analysis
