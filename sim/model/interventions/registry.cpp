// The intervention registry, and the phase that applies scheduled interventions.
#include "registry.hpp"

#include <array>
#include <stdexcept>

#include "../care_detail.hpp"

namespace caresim {
namespace {

using Factory = std::unique_ptr<InterventionModule> (*)();
// One line per kind, in enum order.
constexpr std::array<Factory, kInterventionKindNames.size()> kFactories = {
    detail::make_workshop,         detail::make_shared_purpose_campaign,
    detail::make_day_two_workshop, detail::make_open_space,
    detail::make_acts_of_courage,  detail::make_leaders_congruence,
    detail::make_online_community,
};

const std::array<std::unique_ptr<InterventionModule>, kFactories.size()>& modules() {
  static const auto table = [] {
    std::array<std::unique_ptr<InterventionModule>, kFactories.size()> t;
    for (std::size_t k = 0; k < kFactories.size(); ++k) {
      t[k] = kFactories[k]();
      if (static_cast<std::size_t>(t[k]->kind()) != k) {
        throw std::logic_error("intervention registry out of enum order");
      }
    }
    return t;
  }();
  return table;
}

/// Applies every scheduled intervention active today, in the order the scenario lists them.
class Interventions final : public Phase {
 public:
  std::string_view name() const override { return "interventions"; }

  void run(const Model& model, State& state) const override {
    for (const InterventionSpec& spec : model.scenario.interventions) {
      const InterventionModule& module = intervention_module(spec.kind);
      if (module.active(spec, state.day)) module.apply(spec, model, state);
    }
  }
};

}  // namespace

const InterventionModule& intervention_module(InterventionKind kind) {
  return *modules()[static_cast<std::size_t>(kind)];
}

namespace detail {
std::unique_ptr<Phase> make_interventions_phase() {
  return std::make_unique<Interventions>();
}
}  // namespace detail

}  // namespace caresim
