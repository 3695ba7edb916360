#pragma once
// The scenario schema, declared once. Each `visit` lists a struct's keys with their type, allowed
// range, unit and meaning; the parser, the YAML writer and the Markdown reference are visitors
// over these lists, so the three cannot disagree. Defaults are whatever a default-constructed
// struct holds (scenario.hpp), never restated here.
//
// A visitor provides:
//   field(key, value, constraint, unit, meaning, need)   string / int / uint64 / double
//   choice(key, value, names, meaning, need)              enum spelled by `names`
//   table(key, values, names, range, unit, meaning)       map from fixed names to numbers
//   section(key, sub_struct, meaning)                     nested map
//   list(key, items, min_items, meaning, need)            sequence of maps
//   numbers(key, items, range, unit, meaning)             sequence of numbers
//   check(anchor_key, doc, rule)                          rule across keys; rule(fail) calls
//                                   fail(relative_path, related_relative_path, expected, got)
//                                   where the related path is the other key compared with

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numeric>
#include <string>
#include <string_view>
#include <vector>

#include "caresim/scenario/scenario.hpp"

namespace caresim::detail {

/// Whether a key must be given.
enum class Need : std::uint8_t { optional, required };

/// What a string field accepts.
enum class TextForm : std::uint8_t { any, non_empty, iso_date };

/// Any unsigned 64-bit integer.
struct AnyUnsigned {};

/// Inclusive integer bounds; `hi == kNoIntLimit` means no upper bound (beyond fitting an int).
struct IntRange {
  std::int64_t lo;
  std::int64_t hi;
};
inline constexpr std::int64_t kNoIntLimit = std::numeric_limits<int>::max();

/// Real bounds, each closed unless marked open; `hi` infinite means no upper bound.
struct RealRange {
  double lo;
  double hi;
  bool lo_open = false;
  bool hi_open = false;
};
inline constexpr double kNoRealLimit = std::numeric_limits<double>::infinity();

inline constexpr IntRange kAtLeastOne{1, kNoIntLimit};
inline constexpr RealRange kUnitInterval{0.0, 1.0};             // probabilities, strengths
inline constexpr RealRange kRetention{0.0, 1.0, true, false};   // (0, 1]
inline constexpr RealRange kNonNegative{0.0, kNoRealLimit};     // rates, means
inline constexpr RealRange kPositive{0.0, kNoRealLimit, true};  // multipliers
inline constexpr double kAgeShareTolerance = 1e-6;

/// Shortest text that reads back as exactly `value` (std::to_chars round-trip guarantee).
std::string format_real(double value);

/// "; did you mean 'x'?" for the candidate closest to `word` if it is a likely typo, else "".
std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates);

template <class V>
void visit(V& v, RunSettings& run) {
  v.field("start_date", run.start_date, TextForm::iso_date, "",
          "first simulated day, ISO 8601 yyyy-mm-dd");
  v.field("days", run.days, IntRange{1, 36500}, "days", "simulated days (one step = one day)");
  v.field("seed", run.seed, AnyUnsigned{}, "",
          "run seed; every random draw is a function of it, so equal seeds give equal runs");
  v.field("flush_every_days", run.flush_every_days, kAtLeastOne, "days",
          "days between flushes of results to the HDF5 file");
}

template <class V>
void visit(V& v, CitySettings& city) {
  v.field("citizens", city.citizens, IntRange{1, 100'000'000}, "people", "residents");
  v.field("neighbourhoods", city.neighbourhoods, kAtLeastOne, "neighbourhoods",
          "neighbourhoods (Leeds has 107 MSOAs)");
  v.field("priority_neighbourhoods", city.priority_neighbourhoods, IntRange{0, kNoIntLimit},
          "neighbourhoods", "how many of the most deprived neighbourhoods are priority areas");
  v.field("primary_care_networks", city.primary_care_networks, kAtLeastOne, "networks",
          "Primary Care Networks the GP practices are grouped into");
  v.table("age_shares", city.age_shares, kAgeBandNames, kUnitInterval, "fraction",
          "share of residents in the age band");
  v.check("priority_neighbourhoods", "`priority_neighbourhoods` is at most `neighbourhoods`.",
          [&](auto&& fail) {
            if (city.priority_neighbourhoods > city.neighbourhoods) {
              fail("priority_neighbourhoods", "neighbourhoods",
                   "at most neighbourhoods (" + std::to_string(city.neighbourhoods) + ")",
                   std::to_string(city.priority_neighbourhoods));
            }
          });
  v.check("age_shares", "The `age_shares` sum to 1 (within 1e-6).", [&](auto&& fail) {
    const double sum = std::accumulate(city.age_shares.begin(), city.age_shares.end(), 0.0);
    if (!(std::abs(sum - 1.0) <= kAgeShareTolerance)) {
      fail("age_shares", "age_shares", "shares summing to 1 (within 1e-6)",
           "shares summing to " + format_real(sum));
    }
  });
}

template <class V>
void visit(V& v, OrganisationSpec& org) {
  v.field("name", org.name, TextForm::non_empty, "",
          "name, unique among organisations; labels outputs", Need::required);
  v.choice("kind", org.kind, kOrgKindNames, "kind of organisation", Need::required);
  v.field("staff", org.staff, kAtLeastOne, "people",
          "total staff, split evenly across the `count` organisations", Need::required);
  v.field("count", org.count, kAtLeastOne, "organisations",
          "how many alike organisations this entry stands for (e.g. 93 GP practices)");
  v.check("staff", "`staff` is at least `count`, so every organisation has staff.",
          [&](auto&& fail) {
            if (org.staff < org.count) {
              fail("staff", "count", "at least count (" + std::to_string(org.count) + ")",
                   std::to_string(org.staff));
            }
          });
}

template <class V>
void visit(V& v, TieSettings& ties) {
  v.field("team_size", ties.team_size, IntRange{2, kNoIntLimit}, "staff",
          "staff per team; everyone in a team is tied to everyone else");
  v.field("within_team_strength", ties.within_team_strength, kUnitInterval, "strength",
          "initial strength of in-team ties");
  v.field("within_org_ties_per_staff", ties.within_org_ties_per_staff, kNonNegative,
          "ties per staff", "mean extra ties to colleagues in the same organisation");
  v.field("within_org_strength", ties.within_org_strength, kUnitInterval, "strength",
          "initial strength of those in-organisation ties");
  v.field("cross_org_ties_per_staff", ties.cross_org_ties_per_staff, kNonNegative, "ties per staff",
          "mean ties to staff of other organisations");
  v.field("cross_org_strength", ties.cross_org_strength, kUnitInterval, "strength",
          "initial strength of cross-organisation ties");
  v.field("within_org_monthly_retention", ties.within_org_monthly_retention, kRetention,
          "per 30 days", "share of an in-organisation tie's strength kept after 30 days apart");
  v.field("cross_org_monthly_retention", ties.cross_org_monthly_retention, kRetention,
          "per 30 days",
          "share of a cross-organisation tie's strength kept after 30 days apart (Burt 2002: 9 "
          "in 10 bridges gone in a year)");
  v.field("contact_probability_per_day", ties.contact_probability_per_day, kUnitInterval, "per day",
          "chance a staff member works with a given tie on a day");
  v.field("reinforcement", ties.reinforcement, kUnitInterval, "per contact",
          "strength gained per joint contact, times (1 - strength)");
  v.field("triadic_closure_per_day", ties.triadic_closure_per_day, kUnitInterval, "per day",
          "chance of a new tie to a friend of a friend");
  v.field("random_tie_per_day", ties.random_tie_per_day, kUnitInterval, "per day",
          "chance of a new tie to a random colleague");
  v.field("new_tie_strength", ties.new_tie_strength, kUnitInterval, "strength",
          "strength of a newly formed tie");
  v.field("removal_threshold", ties.removal_threshold, kUnitInterval, "strength",
          "ties weaker than this are dropped");
  v.field("max_ties", ties.max_ties, kAtLeastOne, "ties", "most ties a person can keep up");
  v.check("new_tie_strength",
          "`new_tie_strength` is above `removal_threshold`, so new ties are not dropped at once.",
          [&](auto&& fail) {
            if (!(ties.new_tie_strength > ties.removal_threshold)) {
              fail("new_tie_strength", "removal_threshold",
                   "more than removal_threshold (" + format_real(ties.removal_threshold) + ")",
                   format_real(ties.new_tie_strength));
            }
          });
}

}  // namespace caresim::detail

// The teaching models' and care mechanisms' schemas need the range types above.
#include "schema_analytic.hpp"  // IWYU pragma: export
#include "schema_care.hpp"      // IWYU pragma: export
#include "schema_teaching.hpp"  // IWYU pragma: export

namespace caresim::detail {

template <class V>
void visit(V& v, Scenario& scenario) {
  v.field("name", scenario.name, TextForm::any, "", "scenario name, used to label outputs");
  v.field("description", scenario.description, TextForm::any, "",
          "free text describing the scenario");
  v.choice("model", scenario.model, kModelKindNames, "which model the scenario runs");
  v.section("run", scenario.run, "How long and how a run goes.");
  v.section("city", scenario.city, "The synthetic city the generator builds.");
  v.list("organisations", scenario.organisations, 0,
         "The organisations of the health-and-care system; an entry can stand for several alike "
         "ones. Required when `model` is `care`; teaching models ignore it.");
  v.section("ties", scenario.ties, "The staff tie network: its initial shape and daily dynamics.");
  v.section("health", scenario.health,
            "Citizens' health: a Markov chain whose rates depend on age, deprivation, season and "
            "the care received.");
  v.section("services", scenario.services, "Front-line capacity of each kind of organisation.");
  v.section("hospital", scenario.hospital, "The acute trust's A&E and beds.");
  v.section("coordination", scenario.coordination,
            "Episodes that cross organisations, and what their outcomes do to ties and trust.");
  v.section("effort", scenario.effort,
            "How staff split effort between target work and system work.");
  v.section("mindset", scenario.mindset,
            "The system-leadership mindset: a complex contagion on the change equation.");
  v.section("workforce", scenario.workforce, "Wellbeing and turnover.");
  v.section("vaccination", scenario.vaccination, "The autumn flu campaign for over-65s.");
  v.section("budget", scenario.budget, "Costs and the social-care budget.");
  v.list("targets", scenario.targets, 0, "Each kind of organisation's own targets.");
  v.list("interventions", scenario.interventions, 0, "Scheduled interventions.");
  v.list("shocks", scenario.shocks, 0, "Scheduled shocks: flu waves, funding cuts.");
  v.section("outputs", scenario.outputs, "Outputs beyond the daily series.");
  v.section("teaching", scenario.teaching,
            "Settings of the canonical teaching models (docs/teaching.md); only the section "
            "`model` names is used.");
  v.section("ishigami", scenario.ishigami,
            "Inputs of the Ishigami test function (`model: ishigami`, docs/sweeps.md).");
  v.check("organisations", "When `model` is `care`, `organisations` has at least one entry.",
          [&](auto&& fail) {
            if (scenario.model == ModelKind::care && scenario.organisations.empty()) {
              fail("organisations", "model", "at least one organisation when model is care",
                   "none");
            }
          });
  v.check("interventions",
          "Every intervention starts in [0, `run.days`); one that would go on past the end is cut "
          "off there. Shortening a run with `--set run.days=N` (or `--steps`, `--days`) leaves "
          "out the interventions that would start on or after day N.",
          [&](auto&& fail) {
            const int days = scenario.run.days;
            for (std::size_t i = 0; i < scenario.interventions.size(); ++i) {
              const InterventionSpec& x = scenario.interventions[i];
              const std::string at = "interventions[" + std::to_string(i) + "]";
              const std::string run = " (run.days is " + std::to_string(days) + ")";
              if (x.day < 0 || x.day >= days) {
                fail(at + ".day", "run.days", "a day in [0, " + std::to_string(days) + ")" + run,
                     std::to_string(x.day));
              }
            }
          });
  v.check("interventions",
          "Organisations an intervention names (`organisations`, `restructure.into`) exist; a "
          "restructure names a receiving organisation of the same kind as its sources.",
          [&](auto&& fail) {
            const std::vector<std::string> names = organisation_names(scenario.organisations);
            std::vector<OrgKind> kinds;
            for (const OrganisationSpec& o : scenario.organisations) {
              for (int k = 0; k < o.count; ++k)
                kinds.push_back(o.kind);
            }
            const auto index_of = [&](const std::string& name) {
              return static_cast<std::size_t>(std::find(names.begin(), names.end(), name) -
                                              names.begin());
            };
            const auto check_name = [&](const std::string& path, const std::string& name) {
              if (index_of(name) == names.size()) {
                fail(path, path, "the name of an organisation in the scenario",
                     "'" + name + "'" + did_you_mean(name, names));
              }
            };
            for (std::size_t i = 0; i < scenario.interventions.size(); ++i) {
              const InterventionSpec& x = scenario.interventions[i];
              const std::string at = "interventions[" + std::to_string(i) + "]";
              for (std::size_t k = 0; k < x.organisations.size(); ++k) {
                check_name(at + ".organisations[" + std::to_string(k) + "]", x.organisations[k]);
              }
              if (x.kind != InterventionKind::restructure) continue;
              if (x.organisations.empty()) {
                fail(at + ".organisations", at + ".kind",
                     "at least one organisation whose staff move", "none");
              }
              check_name(at + ".restructure.into", x.restructure.into);
              const OrgKind into = kinds[index_of(x.restructure.into)];
              for (std::size_t k = 0; k < x.organisations.size(); ++k) {
                const OrgKind from = kinds[index_of(x.organisations[k])];
                if (from != into) {
                  fail(at + ".organisations[" + std::to_string(k) + "]", at + ".restructure.into",
                       std::string("an organisation of the same kind as restructure.into (") +
                           kOrgKindNames[static_cast<std::size_t>(into)] + ")",
                       "'" + x.organisations[k] + "', of kind " +
                           kOrgKindNames[static_cast<std::size_t>(from)]);
                }
              }
            }
          });
  v.check("organisations", "Organisation `name`s are unique.", [&](auto&& fail) {
    const auto& orgs = scenario.organisations;
    for (std::size_t later = 1; later < orgs.size(); ++later) {
      for (std::size_t earlier = 0; earlier < later; ++earlier) {
        if (orgs[later].name == orgs[earlier].name) {
          fail("organisations[" + std::to_string(later) + "].name",
               "organisations[" + std::to_string(earlier) + "].name",
               "a name no other organisation has",
               "'" + orgs[later].name + "', already the name of organisations[" +
                   std::to_string(earlier) + "]");
        }
      }
    }
  });
  v.check("interventions", "Intervention `name`s, where given, are unique.", [&](auto&& fail) {
    const auto& list = scenario.interventions;
    for (std::size_t later = 1; later < list.size(); ++later) {
      if (list[later].name.empty()) continue;
      for (std::size_t earlier = 0; earlier < later; ++earlier) {
        if (list[later].name == list[earlier].name) {
          const std::string at = "interventions[" + std::to_string(earlier) + "]";
          fail("interventions[" + std::to_string(later) + "].name", at + ".name",
               "a name no other intervention has",
               "'" + list[later].name + "', already the name of " + at);
        }
      }
    }
  });
  v.check("interventions",
          "`cohort_of` names an earlier intervention that forms a cohort (a `workshop`, or an "
          "`open_space` without `cohort_of`); a `day_two_workshop` needs one.",
          [&](auto&& fail) {
            const auto& list = scenario.interventions;
            for (std::size_t i = 0; i < list.size(); ++i) {
              const std::string at = "interventions[" + std::to_string(i) + "]";
              const std::string& wanted = list[i].cohort_of;
              if (wanted.empty()) {
                if (list[i].kind == InterventionKind::day_two_workshop) {
                  fail(at + ".cohort_of", at + ".kind",
                       "the name of an earlier workshop whose cohort meets again (a "
                       "day_two_workshop needs a cohort)",
                       "none: the cohort would be empty");
                }
                continue;
              }
              std::size_t found = i;
              for (std::size_t j = 0; j < i; ++j) {
                if (list[j].name == wanted) found = j;
              }
              if (found == i) {
                bool later = false;
                for (std::size_t j = i; j < list.size(); ++j)
                  later = later || list[j].name == wanted;
                fail(at + ".cohort_of", at + ".cohort_of",
                     "the name of an earlier intervention that forms a cohort",
                     "'" + wanted + "', " +
                         (later ? std::string("which is not earlier in the list")
                                : std::string("which no earlier intervention is named: the "
                                              "cohort would be empty")));
              } else if (!forms_cohort(list[found])) {
                const std::string other = "interventions[" + std::to_string(found) + "]";
                fail(at + ".cohort_of", other + ".kind",
                     "the name of an earlier intervention that forms a cohort (a workshop, or an "
                     "open_space without cohort_of)",
                     "'" + wanted + "', a " +
                         kInterventionKindNames[static_cast<std::size_t>(list[found].kind)] +
                         " that forms none");
              }
            }
          });
  v.check("interventions",
          "A workshop's `mix` gives weight to at least one kind of organisation the scenario has, "
          "so its cohort is not empty.",
          [&](auto&& fail) {
            if (scenario.model != ModelKind::care || scenario.organisations.empty()) return;
            const auto& list = scenario.interventions;
            for (std::size_t i = 0; i < list.size(); ++i) {
              if (list[i].kind != InterventionKind::workshop) continue;
              double weight = 0.0;
              for (const auto& org : scenario.organisations) {
                if (org.staff > 0)
                  weight += list[i].workshop.mix[static_cast<std::size_t>(org.kind)];
              }
              if (weight <= 0.0) {
                fail("interventions[" + std::to_string(i) + "].workshop.mix", "organisations",
                     "a positive weight for at least one kind of organisation in `organisations`",
                     "weights that select nobody: the cohort would be empty");
              }
            }
          });
}

}  // namespace caresim::detail
