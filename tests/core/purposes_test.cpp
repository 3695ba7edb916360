// Every random-stream purpose any module declares is distinct: a clash would make two decisions
// share random numbers. Each module declares its own purposes (core/random.hpp); this test is
// the one place that sees them all (intervention kinds' through the registry).
#include "caresim/care/purposes.hpp"

#include <catch2/catch.hpp>
#include <cstdint>
#include <set>
#include <utility>
#include <vector>

#include "../test_purposes.hpp"
#include "caresim/analysis/abc.hpp"
#include "caresim/analysis/damage.hpp"
#include "caresim/analysis/emulator.hpp"
#include "caresim/analysis/history_matching.hpp"
#include "caresim/analysis/priors.hpp"
#include "caresim/analytic/purposes.hpp"
#include "caresim/care/intervention.hpp"
#include "caresim/ensemble/purposes.hpp"
#include "caresim/teaching/purposes.hpp"

namespace caresim {
namespace {

TEST_CASE("Random-stream purposes declared by the modules are all distinct", "[rng]") {
  namespace p = purpose;
  const std::vector<Purpose> all = {p::city_generation,
                                    p::org_layout,
                                    p::staff_layout,
                                    p::initial_ties,
                                    p::staff_roles,
                                    p::citizen_demand,
                                    p::a_and_e,
                                    p::discharge,
                                    p::coordination,
                                    p::vaccination,
                                    p::citizen_arrival,
                                    p::citizen_newcomer,
                                    p::staff_contact,
                                    p::tie_formation,
                                    p::staff_effort,
                                    p::mindset,
                                    p::turnover,
                                    p::gp_access,
                                    p::interim_care,
                                    p::delay_reason,
                                    p::intervention,
                                    p::boolean_network_wiring,
                                    p::boolean_network_tables,
                                    p::boolean_network_initial,
                                    p::boolean_network_derrida,
                                    p::threshold_cascade_network,
                                    p::threshold_cascade_seed,
                                    p::granovetter_thresholds,
                                    p::sandpile_drop,
                                    p::branching_offspring,
                                    p::fold_noise,
                                    p::ishigami_noise,
                                    p::twin_run_sites,
                                    p::emulator_starts,
                                    p::maximin_design,
                                    p::history_matching_candidates,
                                    p::abc_proposal,
                                    p::compare_parameter_set,
                                    p::test_a,
                                    p::test_b};
  // Intervention kinds declare their own purposes in their files; the registry lists them.
  std::vector<Purpose> every = all;
  for (const InterventionModule* module : intervention_modules()) {
    for (const Purpose& q : module->purposes())
      every.push_back(q);
  }
  CHECK(every.size() >= all.size() + 3);  // coaching, restructure, flu_campaign
  std::set<std::uint32_t> values;
  for (const Purpose& q : every)
    values.insert(q.value);
  CHECK(values.size() == every.size());
  // The contract: existing values never change (outputs of old runs stay reproducible).
  CHECK(p::city_generation.value == 1);
  CHECK(p::tie_formation.value == 21);
  CHECK(intervention_module("coaching").purposes().at(0).value == 3000);
  CHECK(intervention_module("restructure").purposes().at(0).value == 3001);
  CHECK(intervention_module("flu_campaign").purposes().at(0).value == 3002);
  CHECK(p::twin_run_sites.value == 2060);
}

}  // namespace
}  // namespace caresim
