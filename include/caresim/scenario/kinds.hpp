#pragma once
// Enumerations of the care model's domain, with their YAML spellings (indexed by enum value).

#include <array>
#include <cstddef>
#include <cstdint>

namespace caresim {

/// Kinds of organisation in a city's health-and-care system.
enum class OrgKind : std::uint8_t {
  acute,          ///< acute hospital trust (A&E, beds)
  community,      ///< community health trust
  mental_health,  ///< mental-health trust
  gp_practice,    ///< general practice, grouped into Primary Care Networks
  social_care,    ///< local-authority adult social care
  public_health,  ///< local-authority public health
  third_sector,   ///< charities and community groups
  commissioner,   ///< commissioners (CCG / ICB)
  care_home,      ///< care homes and independent providers
};
inline constexpr std::size_t kOrgKindCount = 9;
inline constexpr std::array<const char*, kOrgKindCount> kOrgKindNames = {
    "acute",         "community",    "mental_health", "gp_practice", "social_care",
    "public_health", "third_sector", "commissioner",  "care_home"};

/// Staff roles (docs/model.md 1.2, 3.1): front-line staff, managers (team leaders and middle
/// managers) and senior leaders (each organisation's leadership group). A role belongs to the
/// post (the staff slot): a new hire takes the post's role.
enum class StaffRole : std::uint8_t { frontline, manager, senior_leader };
inline constexpr std::size_t kStaffRoleCount = 3;
inline constexpr std::array<const char*, kStaffRoleCount> kStaffRoleNames = {"frontline", "manager",
                                                                             "senior_leader"};

/// Services citizens ask for. Order fixes the columns of per-service outputs.
enum class Service : std::uint8_t { gp, a_and_e, community, social_care, mental_health_crisis };
inline constexpr std::size_t kServiceCount = 5;
inline constexpr std::array<const char*, kServiceCount> kServiceNames = {
    "gp", "a_and_e", "community", "social_care", "mental_health_crisis"};

/// What a medically fit patient waits for before leaving hospital (docs/model.md 3.7): a
/// home-care package, a care-home place, or NHS community/intermediate care or assessment.
/// Order fixes the output series.
enum class DelayReason : std::uint8_t { home_care, care_home, nhs_care };
inline constexpr std::size_t kDelayReasonCount = 3;
inline constexpr std::array<const char*, kDelayReasonCount> kDelayReasonNames = {
    "home_care", "care_home", "nhs_care"};

/// Days of the week, Monday first (ISO 8601).
inline constexpr std::array<const char*, 7> kWeekdayNames = {
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"};

/// Citizens' age bands: 0-17, 18-64, 65-84, 85+.
inline constexpr std::size_t kAgeBandCount = 4;
inline constexpr std::array<const char*, kAgeBandCount> kAgeBandNames = {"0-17", "18-64", "65-84",
                                                                         "85+"};

/// Citizens' health states. The first three are chronic states a citizen returns to; acute
/// episodes last until the day's A&E phase; hospital and care are places.
enum class Health : std::uint8_t { well, ltc, complex, acute, hospital, in_care };
inline constexpr std::size_t kChronicStateCount = 3;
inline constexpr std::size_t kHealthStateCount = 6;
inline constexpr std::array<const char*, kChronicStateCount> kChronicStateNames = {"well", "ltc",
                                                                                   "complex"};
inline constexpr std::array<const char*, kHealthStateCount> kHealthStateNames = {
    "well", "ltc", "complex", "acute", "hospital", "in_care"};

/// What an organisation's target measures.
enum class TargetMetric : std::uint8_t {
  a_and_e_4h,             ///< share of A&E attendances within 4 hours
  bed_occupancy,          ///< occupied share of beds
  gp_wait_days,           ///< days to a GP appointment (backlog / capacity)
  community_wait_days,    ///< days to a community appointment
  social_care_wait_days,  ///< days to a social-care assessment
  social_care_budget,     ///< social-care spend / budget
  crisis_response,        ///< share of mental-health crises answered the same day
  flu_uptake_65,          ///< share of over-65s vaccinated this season
};
inline constexpr std::array<const char*, 8> kTargetMetricNames = {
    "a_and_e_4h",          "bed_occupancy",         "gp_wait_days",
    "community_wait_days", "social_care_wait_days", "social_care_budget",
    "crisis_response",     "flu_uptake_65"};

enum class TargetDirection : std::uint8_t { at_least, at_most };
inline constexpr std::array<const char*, 2> kTargetDirectionNames = {"at_least", "at_most"};

enum class ShockKind : std::uint8_t { flu_wave, funding_cut };
inline constexpr std::array<const char*, 2> kShockKindNames = {"flu_wave", "funding_cut"};

}  // namespace caresim
