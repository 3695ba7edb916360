#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "caresim/core/ids.hpp"
#include "caresim/scenario/scenario.hpp"

namespace caresim {

/// Organisations, structure of arrays; index == id (organisations are fixed during a run).
struct Organisations {
  std::vector<std::string> name;
  std::vector<OrgKind> kind;
  std::vector<std::uint32_t> pcn;          ///< Primary Care Network of a GP practice, else kNone
  std::vector<std::uint32_t> first_staff;  ///< staff of an organisation occupy one slot range
  std::vector<std::uint32_t> staff_count;

  std::size_t size() const { return name.size(); }
};

/// Neighbourhoods, structure of arrays; index == id.
struct Neighbourhoods {
  std::vector<std::uint32_t> residents;
  std::vector<std::uint8_t> deprivation_decile;  ///< 1 = most deprived tenth, 10 = least
  std::vector<std::uint8_t> priority;            ///< 1 for the priority neighbourhoods
  std::vector<std::uint32_t> pcn;                ///< the PCN (locality) the neighbourhood is in
  std::vector<std::string> name;

  std::size_t size() const { return residents.size(); }
};

/// Staff, structure of arrays, one slot per post. `id` is the stable identity of the person in a
/// slot: random streams are keyed by it, so a new hire in an old slot gets new numbers. Slots are
/// grouped by organisation (see Organisations::first_staff).
struct Staff {
  std::vector<std::uint32_t> id;
  std::vector<std::uint32_t> org;       ///< organisation index
  std::vector<std::uint32_t> team;      ///< team index, unique across the city
  std::vector<std::uint32_t> locality;  ///< PCN-sized locality the person works in
  /// StaffRole of the post (frontline, manager, senior leader): fixed with the slot, so a new
  /// hire takes the post's role.
  std::vector<std::uint8_t> role;
  std::vector<float> system_share;      ///< share of effort on system work, 0..1
  std::vector<float> energy;            ///< wellbeing, 0..1; scales effort
  std::vector<std::uint8_t> mindset;    ///< 1 = holds the system-leadership mindset
  std::vector<float> vision;            ///< shared purpose, 0..1
  std::vector<float> efficacy;          ///< self-efficacy, 0..1
  std::vector<float> resistance;        ///< resistance to change, 0..1
  std::vector<float> trust;             ///< trust in other organisations, 0..1
  std::vector<float> bias;              ///< out-group bias ("they"), 0..1
  std::vector<float> dissatisfaction;   ///< with the status quo, 0..1
  /// Act of courage: 0 none, 1 committed to one (at a workshop), 2 carried it out.
  std::vector<std::uint8_t> committed;
  std::vector<std::uint8_t> workshops;  ///< workshops attended

  std::size_t size() const { return id.size(); }
};

/// Citizens, structure of arrays: 23 bytes per citizen with the calendar's entry. A slot is a
/// home: when a citizen dies, a new resident (new id) of the same age band moves in.
struct Citizens {
  std::vector<std::uint32_t> id;
  std::vector<std::uint16_t> neighbourhood;
  std::vector<std::uint16_t> gp_practice;  ///< organisation index of the registered practice
  std::vector<std::uint8_t> age_band;      ///< index into kAgeBandNames
  std::vector<std::uint8_t> health;        ///< Health state
  std::vector<std::uint8_t> chronic;       ///< chronic state to return to (well, ltc, complex)
  std::vector<double> next_event_time;     ///< time of the next candidate event, days

  std::size_t size() const { return id.size(); }
};

}  // namespace caresim
