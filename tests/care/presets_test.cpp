// The care model's teaching presets (scenarios/teaching/care_*.yaml) are ordered, critical and
// chaotic as their comments say: the twin-run Lyapunov exponent rises from one to the next.
#include <catch2/catch.hpp>

#include "../support.hpp"
#include "caresim/analysis/damage.hpp"
#include "caresim/care/diagnostics.hpp"
#include "caresim/care/simulation.hpp"
#include "caresim/scenario/load.hpp"

using namespace caresim;

namespace {
struct PresetMeasure {
  analysis::LyapunovEstimate lambda;
  analysis::CareOrderParameters end;
};

PresetMeasure measure(const std::string& name) {
  const Scenario s = load_scenario(test::scenario_path("teaching/" + name + ".yaml"));
  Simulation sim(s);
  analysis::LyapunovOptions o;
  o.horizon = 20;
  o.sites = 48;
  o.site_seed = s.run.seed;
  while (sim.day() < s.run.days - o.horizon)
    sim.step();
  const analysis::LyapunovEstimate e = analysis::lyapunov_exponent(sim, o);
  while (sim.day() < s.run.days)
    sim.step();
  const analysis::CareOrderParameters end = analysis::care_order_parameters(sim.state());
  WARN(name << ": lambda " << e.lambda << " per day [" << e.lower << ", " << e.upper
            << "]; cross-organisation strength share " << end.cross_org_strength_share
            << ", largest cross-organisation component " << end.largest_cross_org_component_share
            << ", system-minded " << end.system_minded_share);
  return {e, end};
}
}  // namespace

TEST_CASE("care presets: lambda is ordered < critical < chaotic", "[presets][asan_slow]") {
  const PresetMeasure o = measure("care_ordered");
  const PresetMeasure c = measure("care_critical");
  const PresetMeasure x = measure("care_chaotic");
  const analysis::LyapunovEstimate& ordered = o.lambda;
  const analysis::LyapunovEstimate& critical = c.lambda;
  const analysis::LyapunovEstimate& chaotic = x.lambda;
  CHECK(ordered.lambda < critical.lambda);
  CHECK(critical.lambda < chaotic.lambda);
  CHECK(chaotic.lower > 0.0);   // damage clearly grows
  CHECK(critical.lower < 0.0);  // consistent with 0
  CHECK(critical.upper > 0.0);
  CHECK(ordered.upper < chaotic.lower);
  // The order parameter responds the other way: cross-organisation working rises towards order.
  CHECK(x.end.cross_org_strength_share < c.end.cross_org_strength_share);
  CHECK(c.end.cross_org_strength_share < o.end.cross_org_strength_share);
}
