// The default twin-run hooks of Simulator.
#include "caresim/engine/simulator.hpp"

#include <stdexcept>
#include <string>

namespace caresim {

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

namespace caresim {

void Simulator::set_live(const std::string& key, double) {
  throw std::invalid_argument("'" + key + "' cannot change during a run of this model");
}

void Simulator::visit_state(StateArchive&) {
  throw std::logic_error("checkpoints are not supported by this model");
}

}  // namespace caresim
