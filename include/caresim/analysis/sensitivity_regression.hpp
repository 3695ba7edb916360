#pragma once
// Regression-based sensitivity measures for Latin hypercubes and other random designs
// (Saltelli et al. 2008 ch. 1; Marino et al. 2008, J Theor Biol 254:178): standardised
// regression coefficients (SRC) and partial rank correlation coefficients (PRCC). Pure numerics.

#include <span>
#include <vector>

namespace caresim::analysis {

struct RegressionSensitivity {
  std::vector<double> src;  ///< per input: beta_j sd(x_j) / sd(y) of the linear least-squares fit
  std::vector<double> src_low, src_high;  ///< Student's t interval (n - d - 1 degrees of freedom)
  double r_squared = 0.0;                 ///< of that fit: SRC ranks inputs only if it is near 1
  std::vector<double> prcc;          ///< per input: correlation of the rank residuals of x_j and y
                                     ///< after regressing both on the other inputs' ranks
  std::vector<double> prcc_p_value;  ///< two-sided, t = r sqrt((n - 2 - k) / (1 - r^2)),
                                     ///< n - 2 - k degrees of freedom (k = other inputs)
  std::vector<double> prcc_low, prcc_high;  ///< Fisher z interval, standard error
                                            ///< 1 / sqrt(n - 3 - k)
};

/// From n points (`inputs` row-major n x dims) and their outputs. Throws std::invalid_argument
/// if n <= dims + 2 or a column is constant. Intervals at two-sided level `confidence`.
RegressionSensitivity regression_sensitivity(std::span<const double> inputs, std::size_t dims,
                                             std::span<const double> outputs,
                                             double confidence = 0.95);

/// Mid-ranks (ties share the mean of their ranks), 1-based.
std::vector<double> ranks(std::span<const double> x);

}  // namespace caresim::analysis
