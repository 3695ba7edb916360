// Which simulator a scenario's `model` key builds. Adding a model kind is one enum value in
// scenario.hpp, its name in kModelKindNames, and one case here.
#include "caresim/engine/simulator.hpp"

#include <stdexcept>
#include <string>

#include "caresim/engine/ishigami.hpp"
#include "caresim/engine/simulation.hpp"
#include "caresim/teaching/boolean_network.hpp"
#include "caresim/teaching/branching.hpp"
#include "caresim/teaching/fold.hpp"
#include "caresim/teaching/granovetter.hpp"
#include "caresim/teaching/sandpile.hpp"
#include "caresim/teaching/threshold_cascade.hpp"

namespace caresim {

std::unique_ptr<Simulator> make_simulator(const Scenario& scenario) {
  switch (scenario.model) {
    case ModelKind::care:
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

// Twin-run hooks are optional; models that support them override all four.
namespace {
[[noreturn]] void twin_runs_not_supported(const char* what) {
  throw std::logic_error(std::string(what) + ": twin runs are not supported by this model");
}
}  // namespace

std::unique_ptr<Simulator> Simulator::clone() const {
  twin_runs_not_supported("clone");
}
std::uint64_t Simulator::perturbation_sites() const {
  twin_runs_not_supported("perturbation_sites");
}
void Simulator::perturb(std::uint64_t) {
  twin_runs_not_supported("perturb");
}
double Simulator::distance(const Simulator&) const {
  twin_runs_not_supported("distance");
}

}  // namespace caresim
