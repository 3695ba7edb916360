// Which simulator a scenario's `model` key builds. Adding a model kind is one enum value in
// scenario.hpp, its name in kModelKindNames, and one case here.
#include "caresim/catalogue/catalogue.hpp"

#include <stdexcept>

#include "caresim/analytic/ishigami.hpp"
#include "caresim/care/simulation.hpp"
#include "caresim/teaching/boolean_network.hpp"
#include "caresim/teaching/branching.hpp"
#include "caresim/teaching/fold.hpp"
#include "caresim/teaching/granovetter.hpp"
#include "caresim/teaching/sandpile.hpp"
#include "caresim/teaching/threshold_cascade.hpp"

namespace caresim {

std::unique_ptr<Simulator> make_simulator(const Scenario& scenario, bool warm_up) {
  switch (scenario.model) {
    case ModelKind::care:
      // Without its warm-up (run.warm_up_days) for a caller that loads a saved state next or
      // reads only the layout.
      if (!warm_up) return std::make_unique<Simulation>(scenario, Simulation::NoWarmUp{});
      return std::make_unique<Simulation>(scenario);
    case ModelKind::boolean_network:
      return std::make_unique<teaching::BooleanNetwork>(scenario);
    case ModelKind::threshold_cascade:
      return std::make_unique<teaching::ThresholdCascade>(scenario);
    case ModelKind::granovetter:
      return std::make_unique<teaching::Granovetter>(scenario);
    case ModelKind::sandpile:
      return std::make_unique<teaching::Sandpile>(scenario);
    case ModelKind::branching:
      return std::make_unique<teaching::Branching>(scenario);
    case ModelKind::fold:
      return std::make_unique<teaching::Fold>(scenario);
    case ModelKind::ishigami:
      return std::make_unique<IshigamiModel>(scenario);
  }
  throw std::invalid_argument("unknown model kind");
}

}  // namespace caresim
