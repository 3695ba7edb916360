#pragma once
// Schema of the analytic test models (caresim/scenario/analytic.hpp); included by schema.hpp.

#include "caresim/scenario/analytic.hpp"

namespace caresim::detail {

template <class V>
void visit(V& v, IshigamiSettings& ishigami) {
  constexpr RealRange kAnyReal{-kNoRealLimit, kNoRealLimit};
  v.field("x1", ishigami.x1, kAnyReal, "", "first input (usually uniform on [-pi, pi])");
  v.field("x2", ishigami.x2, kAnyReal, "", "second input");
  v.field("x3", ishigami.x3, kAnyReal, "", "third input");
  v.field("a", ishigami.a, kAnyReal, "", "coefficient of sin^2 x2 (7 in the standard test)");
  v.field("b", ishigami.b, kAnyReal, "", "coefficient of x3^4 sin x1 (0.1 in the standard test)");
  v.field("noise", ishigami.noise, kNonNegative, "",
          "standard deviation of normal noise added to y, drawn from run.seed (0: none)");
}

}  // namespace caresim::detail
