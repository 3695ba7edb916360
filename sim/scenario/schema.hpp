#pragma once
// The scenario schema, declared once. Each `visit` lists a struct's keys with their type, allowed
// range, unit and meaning; the parser, the YAML writer and the Markdown reference are visitors
// over these lists, so the three cannot disagree. Defaults are whatever a default-constructed
// struct holds (scenario.hpp), never restated here.
//
// A visitor provides:
//   field(key, value, constraint, unit, meaning, need)   string / int / uint64 / double
//   choice(key, value, names, meaning, need)              enum spelled by `names` (a span)
//   choices(key, values, names, meaning)                  sequence of such enums
//   strings(key, values, meaning)                         sequence of names
//   table(key, values, names, range, unit, meaning)       map from fixed names to numbers (spans)
//   section(key, sub_struct, meaning)                     nested map
//   list(key, items, min_items, meaning, need)            sequence of maps
//   numbers(key, items, range, unit, meaning)             sequence of numbers
//   check(anchor_key, doc, rule)                          rule across keys; rule(fail) calls
//                                   fail(relative_path, related_relative_path, expected, got)
//                                   where the related path is the other key compared with
//   kind_sections(intervention, kinds)                    the section of the intervention's kind
//                                   (the reference documents every kind's)
// Range types and the abstract KeyVisitor (for each intervention kind's parameters, declared in
// the kind's own file) are in caresim/scenario/keys.hpp.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numeric>
#include <string>
#include <string_view>
#include <vector>

#include "caresim/scenario/keys.hpp"
#include "caresim/scenario/scenario.hpp"

namespace caresim::detail {

inline constexpr double kAgeShareTolerance = 1e-6;

/// Whether `text` is valid UTF-8 (no overlong forms or surrogates) without control characters;
/// names go into HDF5 attributes and file names.
inline bool is_printable_utf8(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x20 || c == 0x7f) return false;
    if (c < 0x80) {
      ++i;
      continue;
    }
    int more = 0;
    std::uint32_t cp = 0;
    if ((c & 0xe0) == 0xc0) {
      more = 1;
      cp = c & 0x1fu;
    } else if ((c & 0xf0) == 0xe0) {
      more = 2;
      cp = c & 0x0fu;
    } else if ((c & 0xf8) == 0xf0) {
      more = 3;
      cp = c & 0x07u;
    } else {
      return false;
    }
    if (i + static_cast<std::size_t>(more) >= text.size()) return false;
    for (int k = 1; k <= more; ++k) {
      const auto d = static_cast<unsigned char>(text[i + static_cast<std::size_t>(k)]);
      if ((d & 0xc0) != 0x80) return false;
      cp = (cp << 6) | (d & 0x3fu);
    }
    static constexpr std::uint32_t kSmallest[4] = {0, 0x80, 0x800, 0x10000};
    if (cp < kSmallest[more] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return false;
    i += static_cast<std::size_t>(more) + 1;
  }
  return true;
}

/// Shortest text that reads back as exactly `value` (std::to_chars round-trip guarantee).
std::string format_real(double value);

template <class V>
void visit(V& v, RunSettings& run) {
  v.field("start_date", run.start_date, TextForm::iso_date, "",
          "first simulated day, ISO 8601 yyyy-mm-dd");
  v.field("days", run.days, IntRange{1, 36500}, "days", "simulated days (one step = one day)");
  v.field("warm_up_days", run.warm_up_days, IntRange{0, 36500}, "days",
          "care model: days the city runs before start_date with no interventions (and the "
          "scenario's shocks not yet begun) so that it starts near its own stationary state; "
          "nothing of them is written");
  v.field("seed", run.seed, AnyUnsigned{}, "",
          "run seed; every random draw is a function of it, so equal seeds give equal runs");
  v.field("flush_every_days", run.flush_every_days, kAtLeastOne, "days",
          "days between flushes of results to the HDF5 file");
}

template <class V>
void visit(V& v, CitySettings& city) {
  v.field("seed", city.seed, AnyUnsigned{}, "",
          "city seed: the generator's draws (neighbourhoods, deprivation, homes, ages, practices, "
          "starting health, staff attitudes, initial ties) depend on it and not on run.seed, so "
          "every replicate shares one city");
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
  v.field("staff", org.staff, IntRange{1, 2'000'000}, "people",
          "total staff, split evenly across the `count` organisations", Need::required);
  v.field("count", org.count, IntRange{1, 100'000}, "organisations",
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
  v.field("team_size", ties.team_size, IntRange{2, 1000}, "staff",
          "staff per team; everyone in a team is tied to everyone else");
  v.field("within_team_strength", ties.within_team_strength, kUnitInterval, "strength",
          "initial strength of in-team ties");
  v.field("within_org_ties_per_staff", ties.within_org_ties_per_staff, RealRange{0.0, 1000.0},
          "ties per staff", "mean extra ties to colleagues in the same organisation");
  v.field("within_org_strength", ties.within_org_strength, kUnitInterval, "strength",
          "initial strength of those in-organisation ties");
  v.field("cross_org_ties_per_staff", ties.cross_org_ties_per_staff, RealRange{0.0, 1000.0},
          "ties per staff", "mean ties to staff of other organisations");
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
  v.field("max_ties", ties.max_ties, IntRange{1, 100'000}, "ties",
          "most ties a person can keep up");
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

// Rules across the scenario's keys, one function each, in the order they are checked (a file
// with several problems gets the first one's message).

/// When `model` is `care`, there are organisations.
template <class V>
void check_organisations_given(V& v, const Scenario& scenario) {
  v.check("organisations", "When `model` is `care`, `organisations` has at least one entry.",
          [&](auto&& fail) {
            if (scenario.model == ModelKind::care && scenario.organisations.empty()) {
              fail("organisations", "model", "at least one organisation when model is care",
                   "none");
            }
          });
}

/// Every intervention starts within the run.
template <class V>
void check_intervention_days(V& v, const Scenario& scenario) {
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
}

/// Organisations interventions name exist; each kind's own rules.
template <class V>
void check_intervention_targets(V& v, const Scenario& scenario) {
  v.check("interventions",
          "Organisations an intervention names in `organisations` exist; each kind's own rules "
          "(listed with its parameters) hold.",
          [&](auto&& fail) {
            const std::vector<std::string> names = organisation_names(scenario.organisations);
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
              const InterventionKindInfo* info = intervention_kinds().find(x.kind);
              if (info != nullptr && info->check != nullptr) info->check(scenario, x, at, fail);
            }
          });
}

/// Organisation names are unique.
template <class V>
void check_organisation_names(V& v, const Scenario& scenario) {
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
}

/// Intervention names are unique.
template <class V>
void check_intervention_names(V& v, const Scenario& scenario) {
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
}

/// `cohort_of` names an earlier cohort-forming intervention.
template <class V>
void check_cohorts(V& v, const Scenario& scenario) {
  v.check("interventions",
          "`cohort_of` names an earlier intervention that forms a cohort (a `workshop`, or an "
          "`open_space` without `cohort_of`); a `day_two_workshop` needs one.",
          [&](auto&& fail) {
            const auto& list = scenario.interventions;
            for (std::size_t i = 0; i < list.size(); ++i) {
              const std::string at = "interventions[" + std::to_string(i) + "]";
              const std::string& wanted = list[i].cohort_of;
              if (wanted.empty()) {
                const InterventionKindInfo* info = intervention_kinds().find(list[i].kind);
                if (info != nullptr && info->needs_cohort) {
                  fail(at + ".cohort_of", at + ".kind",
                       "the name of an earlier workshop whose cohort meets again (a " +
                           list[i].kind + " needs a cohort)",
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
                     "'" + wanted + "', a " + list[found].kind + " that forms none");
              }
            }
          });
}

template <class V>
void visit(V& v, Scenario& scenario) {
  v.field("name", scenario.name, TextForm::any, "", "scenario name, used to label outputs");
  v.check("name", "`name` is UTF-8 text without NUL or control characters.", [&](auto&& fail) {
    if (!is_printable_utf8(scenario.name)) {
      fail("name", "name", "UTF-8 text without NUL or control characters",
           "bytes that are not (" + std::to_string(scenario.name.size()) + " bytes)");
    }
  });
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
  v.section("partners", scenario.partners,
            "What the third sector, public health and the commissioner do (community support "
            "for GP referrals, prevention, oversight of targets).");
  v.section("leadership", scenario.leadership, "Staff roles and leadership groups.");
  v.section("vaccination", scenario.vaccination, "The autumn flu campaign for over-65s.");
  v.section("budget", scenario.budget, "Costs and the social-care budget.");
  v.section("costs", scenario.costs,
            "Unit costs (2023/24 pounds) of what the system does, for the cost outputs; they "
            "change nothing in the model.");
  v.section("utilities", scenario.utilities,
            "Quality of life of each health state, for the quality-adjusted life-year output; "
            "changes nothing in the model.");
  v.list("targets", scenario.targets, 0, "Each kind of organisation's own targets.");
  v.list("interventions", scenario.interventions, 0, "Scheduled interventions.");
  v.list("shocks", scenario.shocks, 0, "Scheduled shocks: flu waves, funding cuts.");
  v.section("outputs", scenario.outputs, "Outputs beyond the daily series.");
  v.section("teaching", scenario.teaching,
            "Settings of the canonical teaching models (docs/teaching.md); only the section "
            "`model` names is used.");
  v.section("ishigami", scenario.ishigami,
            "Inputs of the Ishigami test function (`model: ishigami`, docs/sweeps.md).");
  // Rules across keys (above), in this order.
  check_organisations_given(v, scenario);
  check_intervention_days(v, scenario);
  check_intervention_targets(v, scenario);
  check_organisation_names(v, scenario);
  check_intervention_names(v, scenario);
  check_cohorts(v, scenario);
}

}  // namespace caresim::detail
