// The standard output series of a run. Adding a series is adding one entry here; the HDF5 layout,
// the row order and the summary all follow from this list.
#include <cstdint>

#include "caresim/engine/simulation.hpp"

namespace caresim {
namespace {

constexpr int kOrganisationDim = 0;
constexpr int kNeighbourhoodDim = 1;

double ratio(double num, double den) {
  return den > 0 ? num / den : 0.0;
}

Observable demand_series(Service s, std::string name, std::string description) {
  return {{std::move(name), "day-1", std::move(description)},
          true,
          [s](const Model&, const State& st, const TieStats&, std::span<double> out) {
            out[0] = static_cast<double>(st.today.demand[static_cast<std::size_t>(s)]);
          }};
}

}  // namespace

std::vector<Observable> standard_observables(const Model& model) {
  std::vector<Observable> v;
  v.push_back(demand_series(Service::a_and_e, "a_and_e_attendances", "A&E attendances in the day"));
  v.push_back({{"a_and_e_attendances_per_100k", "per 100000 residents per day",
                "A&E attendances in the day per 100,000 residents"},
               true,
               [](const Model& m, const State& st, const TieStats&, std::span<double> out) {
                 out[0] =
                     1e5 * ratio(static_cast<double>(
                                     st.today.demand[static_cast<std::size_t>(Service::a_and_e)]),
                                 static_cast<double>(m.scenario.city.citizens));
               }});
  v.push_back(demand_series(Service::gp, "gp_appointment_requests",
                            "requests for a GP appointment in the day"));
  v.push_back(demand_series(Service::community, "community_referrals",
                            "referrals to community health services in the day"));
  v.push_back(demand_series(Service::social_care, "social_care_requests",
                            "requests for adult social care in the day"));
  v.push_back(demand_series(Service::mental_health_crisis, "mental_health_crises",
                            "mental-health crisis presentations in the day"));
  v.push_back({{"demand_season_factor", "1", "seasonal multiplier of demand rates (1 = average)"},
               false,
               [](const Model& m, const State& st, const TieStats&, std::span<double> out) {
                 out[0] = m.season(st.day - 1);
               }});
  v.push_back({{"ties", "1", "ties among staff at the end of the day"},
               true,
               [](const Model&, const State&, const TieStats& t, std::span<double> out) {
                 out[0] = t.ties;
               }});
  v.push_back({{"ties_formed", "day-1", "new ties among staff in the day"},
               false,
               [](const Model&, const State& st, const TieStats&, std::span<double> out) {
                 out[0] = static_cast<double>(st.today.ties_formed);
               }});
  v.push_back({{"ties_lost", "day-1", "ties that decayed below the removal threshold in the day"},
               false,
               [](const Model&, const State& st, const TieStats&, std::span<double> out) {
                 out[0] = static_cast<double>(st.today.ties_lost);
               }});
  v.push_back({{"mean_ties_per_staff", "1", "mean number of ties a staff member holds"},
               true,
               [](const Model&, const State& st, const TieStats& t, std::span<double> out) {
                 out[0] = ratio(2.0 * t.ties, static_cast<double>(st.staff.size()));
               }});
  v.push_back({{"mean_tie_strength", "1", "mean strength of ties among staff (0..1)"},
               true,
               [](const Model&, const State&, const TieStats& t, std::span<double> out) {
                 out[0] = ratio(t.strength, t.ties);
               }});
  v.push_back({{"cross_org_ties", "1", "ties between staff of different organisations"},
               true,
               [](const Model&, const State&, const TieStats& t, std::span<double> out) {
                 out[0] = t.cross_ties;
               }});
  v.push_back({{"cross_org_strength_share", "1",
                "share of all tie strength held by ties that cross organisations"},
               true,
               [](const Model&, const State&, const TieStats& t, std::span<double> out) {
                 out[0] = ratio(t.cross_strength, t.strength);
               }});
  v.push_back(
      {{"org_demand", "day-1", "demand arriving at each organisation in the day", kOrganisationDim},
       false,
       [](const Model&, const State& st, const TieStats&, std::span<double> out) {
         for (std::size_t i = 0; i < out.size(); ++i) {
           out[i] = static_cast<double>(st.today.demand_by_org[i]);
         }
       }});
  v.push_back({{"org_mean_tie_strength", "1",
                "mean strength of the ties held by each organisation's staff", kOrganisationDim},
               false,
               [](const Model&, const State&, const TieStats& t, std::span<double> out) {
                 for (std::size_t i = 0; i < out.size(); ++i) {
                   out[i] = ratio(t.org_strength[i], t.org_ties[i]);
                 }
               }});
  v.push_back({{"org_cross_org_strength_share", "1",
                "share of each organisation's tie strength that crosses to other organisations",
                kOrganisationDim},
               false,
               [](const Model&, const State&, const TieStats& t, std::span<double> out) {
                 for (std::size_t i = 0; i < out.size(); ++i) {
                   out[i] = ratio(t.org_cross_strength[i], t.org_strength[i]);
                 }
               }});
  v.push_back({{"neighbourhood_demand_per_1000", "per 1000 residents per day",
                "demand for all services in the day per 1,000 residents", kNeighbourhoodDim},
               false,
               [](const Model& m, const State& st, const TieStats&, std::span<double> out) {
                 for (std::size_t i = 0; i < out.size(); ++i) {
                   out[i] = 1e3 * ratio(static_cast<double>(st.today.demand_by_neighbourhood[i]),
                                        m.neighbourhoods.residents[i]);
                 }
               }});
  v.push_back({{"neighbourhood_a_and_e_per_100k", "per 100000 residents per day",
                "A&E attendances in the day per 100,000 residents", kNeighbourhoodDim},
               false,
               [](const Model& m, const State& st, const TieStats&, std::span<double> out) {
                 for (std::size_t i = 0; i < out.size(); ++i) {
                   out[i] = 1e5 * ratio(static_cast<double>(st.today.a_and_e_by_neighbourhood[i]),
                                        m.neighbourhoods.residents[i]);
                 }
               }});
  (void)model;
  return v;
}

}  // namespace caresim
