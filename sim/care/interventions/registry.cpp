// The intervention registry, and the phase that applies scheduled interventions.
#include "registry.hpp"

#include <array>
#include <stdexcept>

#include "../care_detail.hpp"

// The built-in kinds: one line each, in the order the key reference lists them. A kind's file
// defines make_<kind>(), returning its module; nothing else names it.
#define CARESIM_INTERVENTION_KINDS(KIND) \
  KIND(workshop)                         \
  KIND(shared_purpose_campaign)          \
  KIND(day_two_workshop)                 \
  KIND(open_space)                       \
  KIND(acts_of_courage)                  \
  KIND(leaders_congruence)               \
  KIND(online_community)                 \
  KIND(coaching)                         \
  KIND(resource_shift)                   \
  KIND(target_regime)                    \
  KIND(restructure)                      \
  KIND(flu_campaign)

namespace caresim {

namespace detail {
#define CARESIM_DECLARE_KIND(kind) std::unique_ptr<InterventionModule> make_##kind();
CARESIM_INTERVENTION_KINDS(CARESIM_DECLARE_KIND)
#undef CARESIM_DECLARE_KIND
}  // namespace detail

namespace {

// The registry is reached through functions (intervention_kinds(), declared by the scenario
// module, and intervention_module()): built on first use, so no static-initialisation order, and
// referenced by the loader, so the linker keeps it and, through it, every kind's file.
struct Registry {
  std::vector<std::unique_ptr<InterventionModule>> modules;
  InterventionKinds kinds;

  void add(std::unique_ptr<InterventionModule> module) {
    kinds.add(module->info());  // throws on a name or section taken
    modules.push_back(std::move(module));
  }
};

Registry& registry() {
  static Registry r = [] {
    Registry built;
#define CARESIM_ADD_KIND(kind) built.add(detail::make_##kind());
    CARESIM_INTERVENTION_KINDS(CARESIM_ADD_KIND)
#undef CARESIM_ADD_KIND
    return built;
  }();
  return r;
}

/// Resets the day's levers (State::levers) to no intervention, then applies every scheduled
/// intervention active today, in the order the scenario lists them.
class Interventions final : public Phase {
 public:
  std::string_view name() const override { return "interventions"; }

  void run(const Model& model, State& state) const override {
    state.levers.reset(model.organisations.size(), model.neighbourhoods.size(), model.pcn_count);
    for (const InterventionSpec& spec : model.scenario.interventions) {
      const InterventionModule& module = intervention_module(spec.kind);  // 12 names: cheap
      if (module.active(spec, state.day)) module.apply(spec, model, state);
    }
    send_to_workshops(model, state);
  }

 private:
  /// Leaders' choices (State::leader_choices, docs/model.md 3.14.12): staff an organisation sends
  /// to a cross-organisation workshop today give a staff-day of joint work each, spread over
  /// the localities its staff work in, in proportion to its staff there.
  static void send_to_workshops(const Model& model, State& state) {
    for (std::uint32_t o = 0; o < state.leader_choices.size(); ++o) {
      const LeaderChoice& c = state.leader_choices[o];
      if (c.workshop_day != state.day - model.warm_up_days || !(c.workshop_staff > 0)) continue;
      std::vector<double> here(model.pcn_count, 0.0);
      double all = 0.0;
      for (std::size_t u = 0; u < state.staff.size(); ++u) {
        if (state.staff.org[u] != o) continue;
        here[state.staff.locality[u]] += 1.0;
        all += 1.0;
      }
      if (all == 0.0) continue;
      const double sent = std::min(c.workshop_staff, all);
      for (std::size_t l = 0; l < here.size(); ++l)
        state.levers.joint_work_extra[l] += sent * here[l] / all;
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

const InterventionKinds& intervention_kinds() {
  return registry().kinds;
}

const InterventionModule& intervention_module(std::string_view kind) {
  for (const auto& module : registry().modules) {
    if (kind == module->info().name) return *module;
  }
  throw std::invalid_argument("no intervention kind '" + std::string(kind) + "'");
}

std::vector<const InterventionModule*> intervention_modules() {
  std::vector<const InterventionModule*> out;
  for (const auto& module : registry().modules)
    out.push_back(module.get());
  return out;
}

void register_intervention_kind(std::unique_ptr<InterventionModule> module) {
  registry().add(std::move(module));
}

void unregister_intervention_kind(std::string_view kind) {
  Registry& r = registry();
  r.kinds.remove(kind);
  std::erase_if(r.modules, [&](const auto& module) { return kind == module->info().name; });
}

namespace detail {
std::unique_ptr<Phase> make_interventions_phase() {
  return std::make_unique<Interventions>();
}
}  // namespace detail

}  // namespace caresim
