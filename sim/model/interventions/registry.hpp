#pragma once
// Private: one factory per intervention kind, each defined in its own file.

#include <memory>

#include "caresim/model/intervention.hpp"

namespace caresim::detail {
std::unique_ptr<InterventionModule> make_workshop();
std::unique_ptr<InterventionModule> make_shared_purpose_campaign();
}  // namespace caresim::detail
