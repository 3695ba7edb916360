#pragma once
// Private: what the intervention kinds' files share.

#include <memory>
#include <vector>

#include "caresim/care/intervention.hpp"
#include "caresim/care/purposes.hpp"

namespace caresim::detail {

/// Per organisation, 1 if the intervention targets it: named in `organisations` or of a kind in
/// `org_kinds`; every organisation if both are empty and `all_if_none`.
std::vector<std::uint8_t> targeted_organisations(const InterventionSpec& spec, const Model& model,
                                                 bool all_if_none = true);
}  // namespace caresim::detail
