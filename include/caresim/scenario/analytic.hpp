#pragma once
// Settings of the analytic test models: closed-form functions of the scenario's parameters,
// run through the same sweep and analysis path as the care model so that path can be validated
// against known answers (docs/sweeps.md).

namespace caresim {

/// The Ishigami function (Ishigami & Homma 1990), y = sin x1 + a sin^2 x2 + b x3^4 sin x1, the
/// standard test of variance-based sensitivity analysis. Each step outputs y; the inputs are
/// usually uniform on [-pi, pi].
struct IshigamiSettings {
  double x1 = 0.0;
  double x2 = 0.0;
  double x3 = 0.0;
  double a = 7.0;
  double b = 0.1;
  /// Standard deviation of normal noise added to y, drawn from the run's seed: a stochastic
  /// model with a known split of variance (parameters: the function's; chance: noise^2).
  double noise = 0.0;

  bool operator==(const IshigamiSettings&) const = default;
};

}  // namespace caresim
