#pragma once
// Private: one factory per intervention kind, each defined in its own file.

#include <memory>
#include <vector>

#include "caresim/care/intervention.hpp"

namespace caresim::detail {
std::unique_ptr<InterventionModule> make_workshop();
std::unique_ptr<InterventionModule> make_shared_purpose_campaign();
std::unique_ptr<InterventionModule> make_day_two_workshop();
std::unique_ptr<InterventionModule> make_open_space();
std::unique_ptr<InterventionModule> make_acts_of_courage();
std::unique_ptr<InterventionModule> make_leaders_congruence();
std::unique_ptr<InterventionModule> make_online_community();
std::unique_ptr<InterventionModule> make_coaching();
std::unique_ptr<InterventionModule> make_resource_shift();
std::unique_ptr<InterventionModule> make_target_regime();
std::unique_ptr<InterventionModule> make_restructure();
std::unique_ptr<InterventionModule> make_flu_campaign();

/// Per organisation, 1 if the intervention targets it: named in `organisations` or of a kind in
/// `org_kinds`; every organisation if both are empty and `all_if_none`.
std::vector<std::uint8_t> targeted_organisations(const InterventionSpec& spec, const Model& model,
                                                 bool all_if_none = true);
}  // namespace caresim::detail
