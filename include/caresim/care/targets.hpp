#pragma once

#include "caresim/scenario/care.hpp"

namespace caresim {

/// How far a metric is from meeting a target, in units of the target's width: positive when the
/// target is failed, negative when met.
double target_gap(const TargetSpec& target, double value);

/// Pressure a target puts on its organisation: inspection x logistic(gap). It rises with the
/// shortfall and is steepest at the threshold (Bevan & Hood 2006).
double target_pressure(const TargetSpec& target, double value);

/// Incentive to game the target: inspection x 4 sigma (1 - sigma) with sigma = logistic(gap);
/// largest exactly at the threshold, where a few patients moved change the verdict, and small far
/// above (no need) or far below (no hope).
double target_gaming(const TargetSpec& target, double value);

}  // namespace caresim
