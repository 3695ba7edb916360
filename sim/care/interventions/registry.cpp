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
    detail::make_online_community, detail::make_coaching,
    detail::make_resource_shift,   detail::make_target_regime,
    detail::make_restructure,      detail::make_flu_campaign,
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

/// Resets the day's levers (State::levers) to no intervention, then applies every scheduled
/// intervention active today, in the order the scenario lists them.
class Interventions final : public Phase {
 public:
  std::string_view name() const override { return "interventions"; }

  void run(const Model& model, State& state) const override {
    state.levers.reset(model.organisations.size(), model.neighbourhoods.size(), model.pcn_count);
    for (const InterventionSpec& spec : model.scenario.interventions) {
      const InterventionModule& module = intervention_module(spec.kind);
      if (module.active(spec, state.day)) module.apply(spec, model, state);
    }
  }
};

}  // namespace

namespace detail {
std::vector<std::uint8_t> targeted_organisations(const InterventionSpec& spec, const Model& model,
                                                 bool all_if_none) {
  const Organisations& o = model.organisations;
  const bool all = all_if_none && spec.organisations.empty() && spec.org_kinds.empty();
  std::vector<std::uint8_t> targeted(o.size(), all ? 1 : 0);
  for (std::uint32_t i = 0; i < o.size(); ++i) {
    for (OrgKind k : spec.org_kinds)
      targeted[i] |= o.kind[i] == k ? 1 : 0;
    for (const std::string& name : spec.organisations)
      targeted[i] |= o.name[i] == name ? 1 : 0;
  }
  return targeted;
}
}  // namespace detail

const InterventionModule& intervention_module(InterventionKind kind) {
  return *modules()[static_cast<std::size_t>(kind)];
}

namespace detail {
std::unique_ptr<Phase> make_interventions_phase() {
  return std::make_unique<Interventions>();
}
}  // namespace detail

}  // namespace caresim
