#include "caresim/analysis/emulator.hpp"

#include <oneapi/tbb/parallel_for.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>

#include "caresim/core/numbers.hpp"

namespace caresim::analysis {
namespace {

constexpr double kLog2Pi = 1.8378770664093453;

double kernel_of(Kernel kernel, double r2) {
  if (kernel == Kernel::squared_exponential) return std::exp(-0.5 * r2);
  const double r = std::sqrt(5.0 * r2);
  return (1.0 + r + r * r / 3.0) * std::exp(-r);
}

struct Problem {
  const Eigen::MatrixXd& x;  // n x d
  const Eigen::VectorXd& y;  // standardised
  const Eigen::MatrixXd& h;  // n x q
  Kernel kernel;
};

Eigen::MatrixXd correlation_matrix(const Problem& p, const std::vector<double>& lengths) {
  const Eigen::Index n = p.x.rows(), d = p.x.cols();
  Eigen::MatrixXd r(n, n);
  for (Eigen::Index i = 0; i < n; ++i) {
    r(i, i) = 1.0;
    for (Eigen::Index k = 0; k < i; ++k) {
      double r2 = 0.0;
      for (Eigen::Index j = 0; j < d; ++j) {
        const double t = (p.x(i, j) - p.x(k, j)) / lengths[static_cast<std::size_t>(j)];
        r2 += t * t;
      }
      r(i, k) = r(k, i) = kernel_of(p.kernel, r2);
    }
  }
  return r;
}

// Everything the restricted likelihood computes at one setting of the hyperparameters.
struct Fit {
  bool ok = false;
  double minus_two_log_likelihood = kInf;
  double sigma2 = 0.0;
  Eigen::LLT<Eigen::MatrixXd> chol_a, chol_hah;
  Eigen::VectorXd beta, alpha;
  Eigen::MatrixXd ainv_h;
};

Fit restricted_fit(const Problem& p, const std::vector<double>& lengths, double nugget) {
  Fit f;
  const Eigen::Index n = p.x.rows(), q = p.h.cols();
  Eigen::MatrixXd a = correlation_matrix(p, lengths);
  a.diagonal().array() += nugget;
  f.chol_a.compute(a);
  if (f.chol_a.info() != Eigen::Success) return f;
  const Eigen::MatrixXd& l = f.chol_a.matrixLLT();
  double log_det_a = 0.0;
  for (Eigen::Index i = 0; i < n; ++i) {
    if (!(l(i, i) > 0.0)) return f;
    log_det_a += 2.0 * std::log(l(i, i));
  }
  f.ainv_h = f.chol_a.solve(p.h);
  const Eigen::MatrixXd hah = p.h.transpose() * f.ainv_h;
  f.chol_hah.compute(hah);
  if (f.chol_hah.info() != Eigen::Success) return f;
  double log_det_hah = 0.0;
  for (Eigen::Index i = 0; i < q; ++i)
    log_det_hah += 2.0 * std::log(f.chol_hah.matrixLLT()(i, i));
  f.beta = f.chol_hah.solve(f.ainv_h.transpose() * p.y);
  const Eigen::VectorXd resid = p.y - p.h * f.beta;
  f.alpha = f.chol_a.solve(resid);
  const double s = resid.dot(f.alpha);
  const double dof = static_cast<double>(n - q);
  f.sigma2 = s / dof;
  if (!(f.sigma2 > 0.0) || !std::isfinite(log_det_hah)) return f;
  f.minus_two_log_likelihood =
      dof * std::log(f.sigma2) + log_det_a + log_det_hah + dof * (1.0 + kLog2Pi);
  f.ok = true;
  return f;
}

}  // namespace

std::vector<double> nelder_mead(const std::function<double(const std::vector<double>&)>& f,
                                std::vector<double> start, const std::vector<double>& step,
                                int max_evaluations, double tolerance, double* best_value) {
  const std::size_t n = start.size();
  std::vector<std::vector<double>> simplex(n + 1, start);
  std::vector<double> value(n + 1);
  for (std::size_t i = 0; i < n; ++i)
    simplex[i + 1][i] += step[i];
  int evaluations = 0;
  for (std::size_t i = 0; i <= n; ++i, ++evaluations)
    value[i] = f(simplex[i]);
  std::vector<std::size_t> order(n + 1);
  auto point = [&](const std::vector<double>& centroid, const std::vector<double>& worst,
                   double t) {
    std::vector<double> x(n);
    for (std::size_t j = 0; j < n; ++j)
      x[j] = centroid[j] + t * (worst[j] - centroid[j]);
    return x;
  };
  while (evaluations < max_evaluations) {
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return value[a] < value[b]; });
    const std::size_t best = order.front(), worst = order.back(), second = order[n - 1];
    if (std::abs(value[worst] - value[best]) < tolerance) break;
    std::vector<double> centroid(n, 0.0);
    for (std::size_t i = 0; i <= n; ++i) {
      if (i == worst) continue;
      for (std::size_t j = 0; j < n; ++j)
        centroid[j] += simplex[i][j] / static_cast<double>(n);
    }
    const auto reflected = point(centroid, simplex[worst], -1.0);
    const double fr = f(reflected);
    ++evaluations;
    if (fr < value[best]) {
      const auto expanded = point(centroid, simplex[worst], -2.0);
      const double fe = f(expanded);
      ++evaluations;
      if (fe < fr) {
        simplex[worst] = expanded;
        value[worst] = fe;
      } else {
        simplex[worst] = reflected;
        value[worst] = fr;
      }
    } else if (fr < value[second]) {
      simplex[worst] = reflected;
      value[worst] = fr;
    } else {
      const bool outside = fr < value[worst];
      const auto contracted = point(centroid, simplex[worst], outside ? -0.5 : 0.5);
      const double fc = f(contracted);
      ++evaluations;
      if (fc < (outside ? fr : value[worst])) {
        simplex[worst] = contracted;
        value[worst] = fc;
      } else {
        for (std::size_t i = 0; i <= n; ++i) {
          if (i == best) continue;
          for (std::size_t j = 0; j < n; ++j)
            simplex[i][j] = simplex[best][j] + 0.5 * (simplex[i][j] - simplex[best][j]);
          value[i] = f(simplex[i]);
          ++evaluations;
        }
      }
    }
  }
  const auto best =
      static_cast<std::size_t>(std::min_element(value.begin(), value.end()) - value.begin());
  if (best_value != nullptr) *best_value = value[best];
  return simplex[best];
}

GaussianProcess GaussianProcess::fit(std::span<const double> inputs, std::size_t dims,
                                     std::span<const double> outputs,
                                     const EmulatorOptions& options) {
  const std::size_t n = outputs.size();
  const std::size_t q = options.mean == MeanFunction::linear ? dims + 1 : 1;
  if (dims == 0 || inputs.size() != n * dims) {
    throw std::invalid_argument("GaussianProcess::fit: inputs must be points x dims");
  }
  if (n < q + 2) {
    throw std::invalid_argument("GaussianProcess::fit: " + std::to_string(n) +
                                " points are too few for " + std::to_string(q) +
                                " mean coefficients");
  }
  for (std::size_t i = 0; i < n; ++i) {
    if (!std::isfinite(outputs[i])) {
      throw std::invalid_argument("GaussianProcess::fit: output " + std::to_string(i) +
                                  " is not finite");
    }
  }
  GaussianProcess gp;
  gp.dims_ = dims;
  gp.n_ = n;
  gp.q_ = q;
  gp.kernel_ = options.kernel;
  gp.mean_ = options.mean;
  gp.inputs_.assign(inputs.begin(), inputs.end());

  const double mean = std::accumulate(outputs.begin(), outputs.end(), 0.0) / static_cast<double>(n);
  double ss = 0.0;
  for (double v : outputs)
    ss += (v - mean) * (v - mean);
  gp.y_mean_ = mean;
  gp.y_sd_ = ss > 0.0 ? std::sqrt(ss / static_cast<double>(n - 1)) : 1.0;
  if (!(ss > 0.0)) {
    // A constant output (e.g. a series still at zero): the emulator is that constant, exactly.
    gp.lengths_.assign(dims, 1.0);
    gp.sigma2_ = 0.0;
    gp.beta_.assign(q, 0.0);
    gp.beta_[0] = mean;
    gp.diagnostics_.loo_mean.assign(outputs.begin(), outputs.end());
    gp.diagnostics_.loo_sd.assign(n, 0.0);
    gp.diagnostics_.standardised_error.assign(n, 0.0);
    gp.diagnostics_.coverage_95 = 1.0;
    return gp;
  }

  Eigen::MatrixXd x(static_cast<Eigen::Index>(n), static_cast<Eigen::Index>(dims));
  Eigen::VectorXd y(static_cast<Eigen::Index>(n));
  Eigen::MatrixXd h(static_cast<Eigen::Index>(n), static_cast<Eigen::Index>(q));
  for (std::size_t i = 0; i < n; ++i) {
    y(static_cast<Eigen::Index>(i)) = (outputs[i] - gp.y_mean_) / gp.y_sd_;
    for (std::size_t j = 0; j < dims; ++j)
      x(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j)) = inputs[i * dims + j];
    h.row(static_cast<Eigen::Index>(i)) = gp.basis(&inputs[i * dims]).transpose();
  }
  const Problem problem{x, y, h, options.kernel};

  // Hyperparameters theta = (log lengths, [log nugget]); outside the bounds the objective is
  // its value at the nearest bound plus a quadratic penalty, so Nelder-Mead walks back in.
  const std::size_t k = dims + (options.fit_nugget ? 1 : 0);
  std::vector<double> lo(k), hi(k);
  for (std::size_t j = 0; j < dims; ++j) {
    lo[j] = std::log(options.min_length);
    hi[j] = std::log(options.max_length);
  }
  if (options.fit_nugget) {
    lo[dims] = std::log(options.min_nugget);
    hi[dims] = std::log(options.max_nugget);
  }
  auto unpack = [&](const std::vector<double>& theta, std::vector<double>& lengths,
                    double& nugget) {
    double penalty = 0.0;
    lengths.resize(dims);
    for (std::size_t j = 0; j < k; ++j) {
      const double c = std::clamp(theta[j], lo[j], hi[j]);
      penalty += (theta[j] - c) * (theta[j] - c);
      if (j < dims)
        lengths[j] = std::exp(c);
      else
        nugget = std::exp(c);
    }
    if (!options.fit_nugget) nugget = options.min_nugget;
    return penalty;
  };
  auto objective = [&](const std::vector<double>& theta) {
    std::vector<double> lengths;
    double nugget = 0.0;
    const double penalty = unpack(theta, lengths, nugget);
    const Fit f = restricted_fit(problem, lengths, nugget);
    return f.ok ? f.minus_two_log_likelihood + 100.0 * penalty : 1e300;
  };

  const int starts = std::max(1, options.starts);
  std::vector<std::vector<double>> best_theta(static_cast<std::size_t>(starts));
  std::vector<double> best_value(static_cast<std::size_t>(starts), kInf);
  tbb::parallel_for(0, starts, [&](int s) {
    std::vector<double> start(k), step(k, 0.7);
    Stream stream(options.seed, purpose::emulator_starts, 0, static_cast<std::uint32_t>(s));
    for (std::size_t j = 0; j < k; ++j) {
      // Start 0 is a fixed, middling guess; the others are uniform over a plausible box.
      if (j < dims) {
        start[j] = s == 0 ? std::log(0.3) : std::log(0.05) + stream.uniform() * std::log(60.0);
      } else {
        const double low = std::max(lo[j], std::log(1e-6));
        start[j] = s == 0 ? std::max(lo[j], std::log(1e-3))
                          : low + stream.uniform() * (std::log(0.5) - low);
      }
    }
    double value = kInf;
    auto theta = nelder_mead(objective, start, step, options.max_evaluations, 1e-7, &value);
    // A restart from the optimum escapes a simplex that collapsed early.
    theta = nelder_mead(objective, theta, std::vector<double>(k, 0.2), options.max_evaluations / 2,
                        1e-8, &value);
    best_theta[static_cast<std::size_t>(s)] = theta;
    best_value[static_cast<std::size_t>(s)] = value;
  });
  const auto chosen = static_cast<std::size_t>(
      std::min_element(best_value.begin(), best_value.end()) - best_value.begin());
  if (!std::isfinite(best_value[chosen]) || best_value[chosen] >= 1e299) {
    throw std::invalid_argument(
        "GaussianProcess::fit: no hyperparameters give a positive-definite correlation matrix "
        "(duplicate points without a nugget?)");
  }
  double nugget = 0.0;
  unpack(best_theta[chosen], gp.lengths_, nugget);
  Fit f = restricted_fit(problem, gp.lengths_, nugget);
  gp.nugget_ = nugget;
  gp.sigma2_ = f.sigma2 * gp.y_sd_ * gp.y_sd_;
  gp.log_likelihood_ = -0.5 * f.minus_two_log_likelihood;
  gp.chol_a_ = f.chol_a;
  gp.chol_hah_ = f.chol_hah;
  gp.alpha_ = f.alpha;
  gp.beta_std_ = f.beta;
  gp.ainv_h_ = f.ainv_h;
  gp.beta_.resize(q);
  for (std::size_t j = 0; j < q; ++j)
    gp.beta_[j] = f.beta(static_cast<Eigen::Index>(j)) * gp.y_sd_ + (j == 0 ? gp.y_mean_ : 0.0);

  // Leave-one-out by Dubrule's (1983) formula on the bordered system M = [A H; H^T 0]: the
  // error at i is (M^-1 [y; 0])_i / (M^-1)_ii with variance sigma^2 / (M^-1)_ii.
  const auto N = static_cast<Eigen::Index>(n), Q = static_cast<Eigen::Index>(q);
  Eigen::MatrixXd m = Eigen::MatrixXd::Zero(N + Q, N + Q);
  m.topLeftCorner(N, N) = correlation_matrix(problem, gp.lengths_);
  m.topLeftCorner(N, N).diagonal().array() += nugget;
  m.topRightCorner(N, Q) = h;
  m.bottomLeftCorner(Q, N) = h.transpose();
  const Eigen::MatrixXd minv = m.fullPivLu().inverse();
  Eigen::VectorXd b = Eigen::VectorXd::Zero(N + Q);
  b.head(N) = y;
  const Eigen::VectorXd mb = minv * b;
  EmulatorDiagnostics& diag = gp.diagnostics_;
  double covered = 0.0, sse = 0.0;
  for (Eigen::Index i = 0; i < N; ++i) {
    const double err_std = mb(i) / minv(i, i);
    const double sd_std = std::sqrt(f.sigma2 / minv(i, i));
    const double err = err_std * gp.y_sd_;
    const double sd = sd_std * gp.y_sd_;
    diag.loo_mean.push_back(outputs[static_cast<std::size_t>(i)] - err);
    diag.loo_sd.push_back(sd);
    const double e = err / sd;
    diag.standardised_error.push_back(e);
    if (std::abs(e) <= 1.959963984540054) covered += 1.0;
    diag.max_abs_error = std::max(diag.max_abs_error, std::abs(e));
    sse += err * err;
  }
  diag.coverage_95 = covered / static_cast<double>(n);
  diag.rmse = std::sqrt(sse / static_cast<double>(n));
  return gp;
}

double GaussianProcess::correlation(const double* a, const double* b) const {
  double r2 = 0.0;
  for (std::size_t j = 0; j < dims_; ++j) {
    const double t = (a[j] - b[j]) / lengths_[j];
    r2 += t * t;
  }
  return kernel_of(kernel_, r2);
}

Eigen::VectorXd GaussianProcess::basis(const double* x) const {
  Eigen::VectorXd hx(mean_ == MeanFunction::linear ? static_cast<Eigen::Index>(dims_) + 1 : 1);
  hx(0) = 1.0;
  if (mean_ == MeanFunction::linear) {
    for (std::size_t j = 0; j < dims_; ++j)
      hx(static_cast<Eigen::Index>(j) + 1) = x[j];
  }
  return hx;
}

EmulatorPrediction GaussianProcess::predict(std::span<const double> x) const {
  if (x.size() != dims_) throw std::invalid_argument("GaussianProcess::predict: wrong dims");
  if (sigma2_ == 0.0) return {y_mean_, 0.0, 0.0};
  const auto n = static_cast<Eigen::Index>(n_);
  Eigen::VectorXd r(n);
  for (Eigen::Index i = 0; i < n; ++i)
    r(i) = correlation(x.data(), &inputs_[static_cast<std::size_t>(i) * dims_]);
  const Eigen::VectorXd hx = basis(x.data());
  const double mean_std = hx.dot(beta_std_) + r.dot(alpha_);
  const Eigen::VectorXd w = chol_a_.matrixL().solve(r);
  const Eigen::VectorXd u = hx - ainv_h_.transpose() * r;
  const double c = 1.0 - w.squaredNorm() + u.dot(chol_hah_.solve(u));
  EmulatorPrediction p;
  p.mean = mean_std * y_sd_ + y_mean_;
  p.variance = std::max(0.0, c) * sigma2_;
  p.nugget_variance = sigma2_ * nugget_;
  return p;
}

}  // namespace caresim::analysis
