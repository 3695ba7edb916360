#pragma once
// The random-stream purposes the care model draws for (core/random.hpp). Values are part of the
// output contract: never renumber one; a new one takes a number no module uses
// (tests/core/purposes_test.cpp).

#include "caresim/core/random.hpp"

namespace caresim::purpose {

inline constexpr Purpose city_generation{1};
inline constexpr Purpose org_layout{2};
inline constexpr Purpose staff_layout{3};
inline constexpr Purpose initial_ties{4};
/// Staff roles of the posts and managers' line ties to their leadership group (city seed)
inline constexpr Purpose staff_roles{5};
inline constexpr Purpose citizen_demand{10};
inline constexpr Purpose a_and_e{11};
inline constexpr Purpose discharge{12};
inline constexpr Purpose coordination{13};
inline constexpr Purpose vaccination{14};
inline constexpr Purpose citizen_arrival{15};
/// A newcomer's state when a citizen moves on (ageing out of the band or leaving the city)
inline constexpr Purpose citizen_newcomer{16};
inline constexpr Purpose staff_contact{20};
inline constexpr Purpose tie_formation{21};
inline constexpr Purpose staff_effort{22};
inline constexpr Purpose mindset{23};
inline constexpr Purpose turnover{24};
/// GP access: same-day or booked-ahead, patience, and where those who give up go
inline constexpr Purpose gp_access{40};
/// Interim care: the stay's length and where people go after it
inline constexpr Purpose interim_care{41};
/// What a medically fit patient who needs support waits for (docs/model.md 3.7)
inline constexpr Purpose delay_reason{42};
/// Interventions' draws (cohorts and invitations), shared by the kinds keyed apart by day and
/// intervention; a kind's own purposes are declared in its file (3000 coaching, 3001
/// restructure, 3002 flu_campaign) and checked through the registry.
inline constexpr Purpose intervention{30};

}  // namespace caresim::purpose
