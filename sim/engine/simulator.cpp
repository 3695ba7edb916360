// Which simulator a scenario's `model` key builds. Adding a model kind is one enum value in
// scenario.hpp, its name in kModelKindNames, and one case here.
#include "caresim/engine/simulator.hpp"

#include <stdexcept>

#include "caresim/engine/ishigami.hpp"
#include "caresim/engine/simulation.hpp"

namespace caresim {

std::unique_ptr<Simulator> make_simulator(const Scenario& scenario) {
  switch (scenario.model) {
    case ModelKind::care:
      return std::make_unique<Simulation>(scenario);
    case ModelKind::ishigami:
      return std::make_unique<IshigamiModel>(scenario);
  }
  throw std::invalid_argument("unknown model kind");
}

}  // namespace caresim
