#pragma once
// Private: one factory per intervention kind, each defined in its own file.

#include <memory>

#include "caresim/model/intervention.hpp"

namespace caresim::detail {
std::unique_ptr<InterventionModule> make_workshop();
std::unique_ptr<InterventionModule> make_shared_purpose_campaign();
std::unique_ptr<InterventionModule> make_day_two_workshop();
std::unique_ptr<InterventionModule> make_open_space();
std::unique_ptr<InterventionModule> make_acts_of_courage();
std::unique_ptr<InterventionModule> make_leaders_congruence();
std::unique_ptr<InterventionModule> make_online_community();
}  // namespace caresim::detail
