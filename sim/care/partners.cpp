// partners and leadership: what the organisations without a front-line queue of their own do
// (third sector, public health, commissioner; docs/model.md 3.5.1), and how what senior leaders
// do reaches their staff through ties (docs/model.md 3.14.5).
#include <algorithm>
#include <cmath>

#include "care_detail.hpp"
#include "caresim/core/parallel.hpp"

namespace caresim::detail {
namespace {

constexpr double kSupportSmoothingDays = 28.0;  // smoothing of the community-support level, days

std::size_t kind_index(OrgKind k) {
  return static_cast<std::size_t>(k);
}

/// Partners' capacity and what it does, each day after the interventions (which reset the
/// levers) and before capacity (which reads them). For the third sector, public health and the
/// commissioner, capacity in each locality is
///   C_k,l = sum over its staff in l of energy (1 - system share) r_k (1 - funding cut_k)
/// with r_k = services.episodes_per_staff_day of the kind, as for every organisation.
/// - Third sector: today's referrals to community support are R_l = social_prescribing_share x
///   the GP appointments given in l yesterday; the share it can take, min(1, C/R), is smoothed
///   over 28 days into community_support[l], which cuts citizens' GP requests and crises
///   (citizen_health).
/// - Public health: its capacity (staff-days) is prevention work, added to the localities'
///   prevention (levers.prevention_extra) in proportion to residents x deprivation gradient.
/// - Commissioner: oversight = min(1, C / (oversight_per_provider_staff x NHS provider staff))
///   multiplies the inspection of NHS providers' targets (levers.inspection_scale). A scenario
///   with no commissioner passes targets on in full.
class Partners final : public Phase {
 public:
  std::string_view name() const override { return "partners"; }

  void run(const Model& model, State& state) const override {
    const Scenario& s = model.scenario;
    const PartnerSettings& p = s.partners;
    const std::size_t localities = model.pcn_count;
    const auto capacity_in = [&](OrgKind kind) {
      double cut = 0.0;
      for (const ShockSpec& shock : s.shocks) {
        if (shock.kind == ShockKind::funding_cut && shock.org_kind == kind &&
            state.day >= shock.day && state.day < shock.day + shock.days) {
          cut = std::min(0.9, cut + shock.magnitude);
        }
      }
      const double rate = s.services.episodes_per_staff_day[kind_index(kind)] * (1.0 - cut);
      std::vector<double> by_locality(localities, 0.0);
      for (std::size_t l = 0; l < localities; ++l) {
        for (std::uint32_t u : model.staff_by_kind_locality[kind_index(kind)][l]) {
          by_locality[l] += state.staff.energy[u] * (1.0 - state.staff.system_share[u]) * rate;
        }
      }
      return by_locality;
    };

    // Third sector: community support for GP referrals (social prescribing).
    const std::vector<double> support = capacity_in(OrgKind::third_sector);
    std::vector<double> appointments(localities, 0.0);
    for (std::uint32_t o : model.orgs_of_kind[kind_index(OrgKind::gp_practice)]) {
      appointments[model.organisations.pcn[o]] += state.served[o];
    }
    state.social_prescribing_referrals = 0.0;
    state.social_prescribing_supported = 0.0;
    for (std::size_t l = 0; l < localities; ++l) {
      const double referrals = p.social_prescribing_share * appointments[l];
      const double taken = std::min(referrals, support[l]);
      state.social_prescribing_referrals += referrals;
      state.social_prescribing_supported += taken;
      const double level = referrals > 0 ? taken / referrals : (support[l] > 0 ? 1.0 : 0.0);
      double& kappa = state.community_support[l];
      kappa = state.day == 0 ? level : kappa + (level - kappa) / kSupportSmoothingDays;
    }

    // Public health: prevention programmes, weighted to need.
    const std::vector<double> prevention = capacity_in(OrgKind::public_health);
    double programme = 0.0;
    for (double x : prevention)
      programme += x;
    state.public_health_prevention = programme;
    for (std::size_t l = 0; l < localities; ++l) {
      state.levers.prevention_extra[l] += programme * model.prevention_programme_weight[l];
    }

    // Commissioner: passes targets on to the NHS providers it holds to account.
    state.commissioner_oversight = 1.0;
    if (!model.orgs_of_kind[kind_index(OrgKind::commissioner)].empty()) {
      const std::vector<double> oversight = capacity_in(OrgKind::commissioner);
      double available = 0.0, provider_staff = 0.0;
      for (double x : oversight)
        available += x;
      for (OrgKind k : kProviders) {
        for (std::uint32_t o : model.orgs_of_kind[kind_index(k)])
          provider_staff += model.organisations.staff_count[o];
      }
      const double needed = p.oversight_per_provider_staff * provider_staff;
      state.commissioner_oversight = needed > 0 ? std::min(1.0, available / needed) : 1.0;
      for (OrgKind k : kProviders) {
        for (std::uint32_t o : model.orgs_of_kind[kind_index(k)]) {
          for (double& scale : state.levers.inspection_scale[o])
            scale *= state.commissioner_oversight;
        }
      }
    }
  }

 private:
  /// The NHS providers a commissioner (CCG, now ICB) holds to account through contracts.
  static constexpr std::array<OrgKind, 4> kProviders = {OrgKind::acute, OrgKind::community,
                                                        OrgKind::mental_health,
                                                        OrgKind::gp_practice};
};

/// What senior leaders do reaches their staff through ties (docs/model.md 3.14.5). With X_j the
/// stance of senior leader j (leader_stance, 0 if neutral or replaced), a manager m relays
///   M_m = sum_j w_mj X_j / sum_j w_mj   over the senior leaders j m is tied to (0 if none),
/// and every person u sees
///   L_u = X_u for a senior leader; else sum_j w_uj Y_j / sum_j w_uj over u's ties to managers
///   and senior leaders, Y_j = X_j (senior leader) or M_j (manager); 0 with no such tie.
/// Runs before staff_effort, which reads L; does nothing (L stays 0) while no leader acts.
class Leadership final : public Phase {
 public:
  std::string_view name() const override { return "leadership"; }

  void run(const Model& model, State& state) const override {
    (void)model;
    if (!state.leaders_acting) return;
    const Staff& staff = state.staff;
    const TieNetwork& net = state.ties;
    const auto senior = static_cast<std::uint8_t>(StaffRole::senior_leader);
    const auto manager = static_cast<std::uint8_t>(StaffRole::manager);
    const auto stance = [&](std::uint32_t j) {
      return state.leader_stance_id[j] == staff.id[j] ? static_cast<double>(state.leader_stance[j])
                                                      : 0.0;
    };
    std::vector<float> relay(staff.size(), 0.0f);
    parallel_chunks(staff.size(), kGrain, [&](std::size_t begin, std::size_t end) {
      for (std::size_t u = begin; u < end; ++u) {
        if (staff.role[u] != manager) continue;
        double weight = 0.0, sum = 0.0;
        const auto edges = net.edges_of(static_cast<std::uint32_t>(u));
        const auto neighbours = net.neighbours_of(static_cast<std::uint32_t>(u));
        for (std::size_t k = 0; k < edges.size(); ++k) {
          if (staff.role[neighbours[k]] != senior) continue;
          const double w = net.strength(edges[k]);
          weight += w;
          sum += w * stance(neighbours[k]);
        }
        relay[u] = weight > 0 ? static_cast<float>(sum / weight) : 0.0f;
      }
    });
    parallel_chunks(staff.size(), kGrain, [&](std::size_t begin, std::size_t end) {
      for (std::size_t u = begin; u < end; ++u) {
        if (staff.role[u] == senior) {
          state.leader_signal[u] = static_cast<float>(stance(static_cast<std::uint32_t>(u)));
          continue;
        }
        double weight = 0.0, sum = 0.0;
        const auto edges = net.edges_of(static_cast<std::uint32_t>(u));
        const auto neighbours = net.neighbours_of(static_cast<std::uint32_t>(u));
        for (std::size_t k = 0; k < edges.size(); ++k) {
          const std::uint32_t j = neighbours[k];
          if (staff.role[j] == senior) {
            const double w = net.strength(edges[k]);
            weight += w;
            sum += w * stance(j);
          } else if (staff.role[j] == manager) {
            const double w = net.strength(edges[k]);
            weight += w;
            sum += w * relay[j];
          }
        }
        // A manager sees their leaders directly as well as through fellow managers.
        state.leader_signal[u] = weight > 0 ? static_cast<float>(sum / weight) : relay[u];
      }
    });
  }
};

}  // namespace

std::unique_ptr<Phase> make_partners_phase() {
  return std::make_unique<Partners>();
}
std::unique_ptr<Phase> make_leadership_phase() {
  return std::make_unique<Leadership>();
}

}  // namespace caresim::detail
