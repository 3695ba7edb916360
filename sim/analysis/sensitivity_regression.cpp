#include "caresim/analysis/sensitivity_regression.hpp"

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>

#include "caresim/analysis/statistics.hpp"

namespace caresim::analysis {
namespace {

// Residuals of y after least squares on [1, X].
Eigen::VectorXd residuals(const Eigen::MatrixXd& x, const Eigen::VectorXd& y) {
  Eigen::MatrixXd design(x.rows(), x.cols() + 1);
  design.col(0).setOnes();
  design.rightCols(x.cols()) = x;
  const Eigen::VectorXd beta = design.colPivHouseholderQr().solve(y);
  return y - design * beta;
}

}  // namespace

std::vector<double> ranks(std::span<const double> x) {
  std::vector<std::size_t> order(x.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return x[a] < x[b]; });
  std::vector<double> r(x.size());
  for (std::size_t i = 0; i < order.size();) {
    std::size_t j = i;
    while (j + 1 < order.size() && x[order[j + 1]] == x[order[i]])
      ++j;
    const double mid = 0.5 * static_cast<double>(i + j) + 1.0;
    for (std::size_t k = i; k <= j; ++k)
      r[order[k]] = mid;
    i = j + 1;
  }
  return r;
}

RegressionSensitivity regression_sensitivity(std::span<const double> inputs, std::size_t dims,
                                             std::span<const double> outputs, double confidence) {
  const std::size_t n = outputs.size();
  if (dims == 0 || inputs.size() != n * dims) {
    throw std::invalid_argument("regression_sensitivity: inputs must be points x dims");
  }
  if (n <= dims + 2) {
    throw std::invalid_argument("regression_sensitivity: needs more than dims + 2 points");
  }
  const auto N = static_cast<Eigen::Index>(n), D = static_cast<Eigen::Index>(dims);
  Eigen::MatrixXd x(N, D), rx(N, D);
  Eigen::VectorXd y(N);
  for (std::size_t i = 0; i < n; ++i) {
    y(static_cast<Eigen::Index>(i)) = outputs[i];
    for (std::size_t j = 0; j < dims; ++j)
      x(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j)) = inputs[i * dims + j];
  }
  auto sd = [](const Eigen::VectorXd& v) {
    const double m = v.mean();
    return std::sqrt((v.array() - m).square().sum() / static_cast<double>(v.size() - 1));
  };
  const double sd_y = sd(y);
  for (Eigen::Index j = 0; j < D; ++j) {
    if (!(sd(x.col(j)) > 0.0)) {
      throw std::invalid_argument("regression_sensitivity: input " + std::to_string(j) +
                                  " is constant");
    }
  }
  RegressionSensitivity s;
  {
    Eigen::MatrixXd design(N, D + 1);
    design.col(0).setOnes();
    design.rightCols(D) = x;
    const Eigen::VectorXd beta = design.colPivHouseholderQr().solve(y);
    const Eigen::VectorXd resid = y - design * beta;
    const double ss_tot = (y.array() - y.mean()).square().sum();
    s.r_squared = ss_tot > 0.0 ? 1.0 - resid.squaredNorm() / ss_tot : 0.0;
    // Student's t intervals from the coefficients' standard errors, sigma^2 (X'X)^-1_jj with
    // sigma^2 = RSS / (n - d - 1).
    const double resid_dof = static_cast<double>(n) - static_cast<double>(dims) - 1.0;
    const double sigma2 = resid.squaredNorm() / resid_dof;
    const Eigen::MatrixXd xtx_inv =
        (design.transpose() * design).ldlt().solve(Eigen::MatrixXd::Identity(D + 1, D + 1));
    const double t = student_t_quantile(1.0 - (1.0 - confidence) / 2.0, resid_dof);
    for (Eigen::Index j = 0; j < D; ++j) {
      const double scale = sd_y > 0.0 ? sd(x.col(j)) / sd_y : 0.0;
      const double src = beta(j + 1) * scale;
      const double half = t * std::sqrt(std::max(0.0, sigma2 * xtx_inv(j + 1, j + 1))) * scale;
      s.src.push_back(src);
      s.src_low.push_back(src - half);
      s.src_high.push_back(src + half);
    }
  }
  std::vector<double> column(n);
  for (Eigen::Index j = 0; j < D; ++j) {
    for (std::size_t i = 0; i < n; ++i)
      column[i] = inputs[i * dims + static_cast<std::size_t>(j)];
    const auto r = ranks(column);
    for (std::size_t i = 0; i < n; ++i)
      rx(static_cast<Eigen::Index>(i), j) = r[i];
  }
  const auto ry_std = ranks(outputs);
  const Eigen::VectorXd ry = Eigen::Map<const Eigen::VectorXd>(ry_std.data(), N);
  const double dof = static_cast<double>(n) - 2.0 - static_cast<double>(dims - 1);
  for (Eigen::Index j = 0; j < D; ++j) {
    Eigen::MatrixXd others(N, D - 1);
    for (Eigen::Index k = 0, c = 0; k < D; ++k)
      if (k != j) others.col(c++) = rx.col(k);
    const Eigen::VectorXd ex = D > 1 ? residuals(others, rx.col(j))
                                     : Eigen::VectorXd(rx.col(j).array() - rx.col(j).mean());
    const Eigen::VectorXd ey =
        D > 1 ? residuals(others, ry) : Eigen::VectorXd(ry.array() - ry.mean());
    const double denom = std::sqrt(ex.squaredNorm() * ey.squaredNorm());
    const double r = denom > 0.0 ? ex.dot(ey) / denom : 0.0;
    s.prcc.push_back(r);
    const double t = r * std::sqrt(dof / std::max(1e-300, 1.0 - r * r));
    s.prcc_p_value.push_back(2.0 * (1.0 - student_t_cdf(std::abs(t), dof)));
    // Fisher's z: atanh r is near normal with variance 1 / (n - 3 - k), k the other inputs.
    const double z = std::atanh(std::clamp(r, -1.0 + 1e-15, 1.0 - 1e-15));
    const double se = 1.0 / std::sqrt(std::max(1.0, dof - 1.0));
    const double q = normal_quantile(1.0 - (1.0 - confidence) / 2.0);
    s.prcc_low.push_back(std::tanh(z - q * se));
    s.prcc_high.push_back(std::tanh(z + q * se));
  }
  return s;
}

}  // namespace caresim::analysis
