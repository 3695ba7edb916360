#include "caresim/analytic/ishigami.hpp"

#include <cmath>

#include "caresim/analytic/purposes.hpp"

namespace caresim {

double IshigamiModel::evaluate(const IshigamiSettings& s) {
  const double sin_x1 = std::sin(s.x1), sin_x2 = std::sin(s.x2);
  const double x3_squared = s.x3 * s.x3;
  return sin_x1 + s.a * sin_x2 * sin_x2 + s.b * x3_squared * x3_squared * sin_x1;
}

IshigamiModel::IshigamiModel(const Scenario& scenario)
    : days_(scenario.run.days), y_(evaluate(scenario.ishigami)) {
  if (scenario.ishigami.noise > 0.0) {
    Stream stream(scenario.run.seed, purpose::ishigami_noise, 0, 0);
    y_ += scenario.ishigami.noise * stream.normal();
  }
  layout_.start_date = scenario.run.start_date;
  layout_.series.push_back({"y", "1", "Ishigami function of the inputs", -1});
}

}  // namespace caresim
