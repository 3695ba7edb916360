// The care model drawn for the studio (engine/picture.hpp, kind "care"): the system map (the
// scenario's organisations grouped by entry, e.g. "GP practice (93)", sized by staff, linked by
// the strength of the ties that cross between them) and a fixed sample of staff teams with their
// ties, each person marked by mindset. Reads the state only.
#include <algorithm>
#include <cstdint>

#include "caresim/care/simulation.hpp"

namespace caresim {
namespace {

/// Teams in the staff sample: their members are densely tied, and the ties that leave them show
/// where the network crosses organisations.
constexpr std::size_t kSampleTeams = 16;

}  // namespace

Picture Simulation::picture() const {
  const Model& model = world_.model;
  const State& state = world_.state;
  const auto& entries = model.scenario.organisations;
  Picture p;
  p.kind = "care";

  // Organisation -> group (its scenario entry), in the order the city was built.
  std::vector<std::uint32_t> group_of_org;
  for (std::size_t e = 0; e < entries.size(); ++e) {
    for (int k = 0; k < entries[e].count; ++k)
      group_of_org.push_back(static_cast<std::uint32_t>(e));
    p.labels.push_back(entries[e].count == 1
                           ? entries[e].name
                           : entries[e].name + " (" + std::to_string(entries[e].count) + ")");
  }
  const std::size_t groups = entries.size();
  std::vector<double> staff(groups, 0.0), minded(groups, 0.0), kind(groups, 0.0);
  for (std::size_t g = 0; g < groups; ++g)
    kind[g] = static_cast<double>(entries[g].kind);
  const std::size_t people = state.staff.size();
  for (std::size_t i = 0; i < people; ++i) {
    const std::uint32_t org = state.staff.org[i];
    if (org >= group_of_org.size()) continue;
    staff[group_of_org[org]] += 1.0;
    minded[group_of_org[org]] += state.staff.mindset[i];
  }
  for (std::size_t g = 0; g < groups; ++g)
    minded[g] = staff[g] > 0 ? minded[g] / staff[g] : 0.0;

  // Cross-organisation tie strength between groups (a GP practice's ties to other practices
  // stay within its group: a link of a group to itself).
  const TieNetwork& ties = state.ties;
  std::vector<double> strength(groups * groups, 0.0);
  double cross = 0.0, total = 0.0;
  for (std::uint32_t e = 0; e < ties.slot_count(); ++e) {
    if (!ties.alive(e)) continue;
    total += ties.strength(e);
    if (!ties.cross_org(e)) continue;
    cross += ties.strength(e);
    std::uint32_t ga = group_of_org[state.staff.org[ties.a(e)]];
    std::uint32_t gb = group_of_org[state.staff.org[ties.b(e)]];
    if (ga > gb) std::swap(ga, gb);
    strength[ga * groups + gb] += ties.strength(e);
  }
  std::vector<double> links;
  for (std::size_t a = 0; a < groups; ++a)
    for (std::size_t b = a; b < groups; ++b)
      if (strength[a * groups + b] > 0.0)
        links.insert(links.end(),
                     {static_cast<double>(a), static_cast<double>(b), strength[a * groups + b]});

  // The staff sample: the teams of kSampleTeams slots spread evenly over the staff (slots keep
  // their team when a leaver is replaced, so the sample stays put while the run streams).
  std::vector<std::uint32_t> teams;
  for (std::size_t k = 0; k < kSampleTeams && people > 0; ++k)
    teams.push_back(state.staff.team[k * people / kSampleTeams]);
  std::sort(teams.begin(), teams.end());
  teams.erase(std::unique(teams.begin(), teams.end()), teams.end());
  std::vector<std::uint32_t> sample;
  for (std::uint32_t i = 0; i < people; ++i)
    if (std::binary_search(teams.begin(), teams.end(), state.staff.team[i])) sample.push_back(i);
  std::vector<double> sample_mindset, sample_group, edges;
  for (const std::uint32_t i : sample) {
    sample_mindset.push_back(state.staff.mindset[i]);
    sample_group.push_back(group_of_org[state.staff.org[i]]);
    const auto partners = ties.neighbours_of(i);
    for (const std::uint32_t j : partners) {
      if (j <= i) continue;
      const auto at = std::lower_bound(sample.begin(), sample.end(), j);
      if (at == sample.end() || *at != j) continue;
      const auto me = std::lower_bound(sample.begin(), sample.end(), i);
      edges.insert(edges.end(), {static_cast<double>(me - sample.begin()),
                                 static_cast<double>(at - sample.begin())});
    }
  }

  p.scalars = {{"staff", static_cast<double>(people)},
               {"cross_org_strength_share", total > 0 ? cross / total : 0.0},
               {"day", static_cast<double>(state.day - model.warm_up_days)}};
  p.layers = {{"group_staff", staff},
              {"group_kind", kind},
              {"group_minded_share", minded},
              {"links", links},
              {"staff_mindset", sample_mindset},
              {"staff_group", sample_group},
              {"staff_edges", edges}};
  return p;
}

}  // namespace caresim
