// Open Space (Owen 2008; seed 004, the afternoon of day one): participants put forward topics,
// choose them by interest and self-organise into groups; by the law of two feet they move when
// they are no longer learning or contributing. Groups form ties and take on joint work.
#include <numeric>

#include "cohort.hpp"
#include "registry.hpp"

namespace caresim::detail {
namespace {

/// Parameters (`open_space:` under the intervention; docs/model.md).
struct OpenSpaceSpec {
  int invited = 45;  ///< when `cohort_of` is not given: staff invited at random
  int topics = 6;
  int sessions = 2;
  double two_feet = 0.3;         ///< chance to move to one's next topic in each later session
  double tie_probability = 0.3;  ///< chance two members of a group form (or renew) a tie
  double new_tie_strength = 0.25;
  double strengthen = 0.2;
  double joint_work_days = 2.0;  ///< follow-up joint work per member of a mixed group, staff-days

  bool operator==(const OpenSpaceSpec&) const = default;
};

template <class V>
void visit(V& v, OpenSpaceSpec& o) {
  v.field("invited", o.invited, IntRange{2, 100000}, "people",
          "staff invited at random when `cohort_of` is not given");
  v.field("topics", o.topics, kAtLeastOne, "topics", "topics the participants put forward");
  v.field("sessions", o.sessions, kAtLeastOne, "sessions", "rounds of group work");
  v.field("two_feet", o.two_feet, kProbability, "fraction",
          "chance a participant moves to their next-favourite topic in each later session");
  v.field("tie_probability", o.tie_probability, kProbability, "fraction",
          "chance two members of a group form (or renew) a tie in a session");
  v.field("new_tie_strength", o.new_tie_strength, RealRange{0.0, 1.0, true}, "0..1",
          "strength of a tie formed in a group");
  v.field("strengthen", o.strengthen, kProbability, "fraction",
          "an existing tie between group members gains this times (1 - w)");
  v.field("joint_work_days", o.joint_work_days, kNonNegative, "staff-days",
          "follow-up joint work by each member of a group that mixes organisations, in their "
          "locality");
}

/// An Open Space that invites its own group (no `cohort_of`) forms a cohort.
bool own_group(const InterventionSpec& spec) {
  return spec.cohort_of.empty();
}

const InterventionKindInfo kOpenSpaceInfo{
    .name = "open_space",
    .section = "open_space",
    .doc =
        "Open Space (Owen 2008; seed 004): participants choose topics by interest and "
        "self-organise; the law of two feet lets them move between groups.",
    .make_params = [] { return KindParams::of<OpenSpaceSpec>(); },
    .forms_cohort = own_group,
};

class OpenSpace final : public InterventionModule {
 public:
  const InterventionKindInfo& info() const override { return kOpenSpaceInfo; }

  /// A day of each participant's time, on its day: its own group, or the cohort it names.
  void staff_time(const InterventionSpec& spec, const Model& model, const State& state, int,
                  std::vector<double>& staff_days) const override {
    charge_staff_days(state,
                      spec.cohort_of.empty() ? recorded_cohort(model, state, spec)
                                             : named_cohort(model, state, spec),
                      1.0, staff_days);
  }

  void apply(const InterventionSpec& spec, const Model& model, State& state) const override {
    const OpenSpaceSpec& o = spec.params.as<OpenSpaceSpec>();
    const std::size_t index = intervention_index(model, spec);
    const std::uint64_t seed = model.scenario.run.seed;
    const std::uint32_t step = intervention_step(index, state.day);
    std::vector<std::uint32_t> people;
    if (!spec.cohort_of.empty()) {
      people = named_cohort(model, state, spec);
    } else {
      people = invite(o.invited, state.staff.size(), Stream(seed, purpose::intervention, step, 0));
      record_cohort(model, state, spec, people);
    }
    const std::size_t n = people.size();
    const auto topics = static_cast<std::size_t>(o.topics);
    if (n < 2) return;
    // Each person ranks the topics by interest (uniform draws); they start in their favourite
    // and, in each later session, move on to their next with probability two_feet.
    const auto sessions = static_cast<std::size_t>(o.sessions);
    std::vector<std::uint32_t> topic_of(n * sessions);  // [person][session]
    for (std::size_t i = 0; i < n; ++i) {
      Stream rng(seed, purpose::intervention, step, 1 + state.staff.id[people[i]]);
      std::vector<double> interest(topics);
      for (double& x : interest)
        x = rng.uniform();
      std::vector<std::uint32_t> ranking(topics);
      std::iota(ranking.begin(), ranking.end(), 0u);
      std::stable_sort(ranking.begin(), ranking.end(),
                       [&](std::uint32_t a, std::uint32_t b) { return interest[a] > interest[b]; });
      std::size_t at = 0;
      for (std::size_t session = 0; session < sessions; ++session) {
        if (session > 0 && rng.bernoulli(o.two_feet)) at = (at + 1) % topics;
        topic_of[i * sessions + session] = ranking[at];
      }
    }
    std::vector<std::uint8_t> mixed(n, 0);
    Stream pairs(seed, purpose::intervention, step, 0x4F530000u);
    for (std::size_t session = 0; session < sessions; ++session) {
      std::vector<std::vector<std::size_t>> groups(topics);
      for (std::size_t i = 0; i < n; ++i)
        groups[topic_of[i * sessions + session]].push_back(i);
      for (const auto& group : groups) {
        bool orgs_differ = false;
        for (std::size_t x = 0; x < group.size(); ++x) {
          const std::uint32_t u = people[group[x]];
          for (std::size_t y = x + 1; y < group.size(); ++y) {
            const std::uint32_t v = people[group[y]];
            if (state.staff.org[u] != state.staff.org[v]) orgs_differ = true;
            if (pairs.bernoulli(o.tie_probability)) {
              tie_up(state, u, v, o.strengthen, o.new_tie_strength);
            }
          }
        }
        if (orgs_differ) {
          for (std::size_t i : group)
            mixed[i] = 1;
        }
      }
    }
    // Members of a group that mixed organisations take on follow-up joint work in their
    // locality, fed to the joint-work stock that coordination reads.
    const double days = o.joint_work_days * state.relational_gain;
    for (std::size_t i = 0; i < n; ++i) {
      if (mixed[i]) state.levers.joint_work_extra[state.staff.locality[people[i]]] += days;
    }
  }

 private:
  /// `count` staff slots drawn at random without replacement (partial Fisher-Yates), ascending.
  static std::vector<std::uint32_t> invite(int count, std::size_t staff, Stream rng) {
    std::vector<std::uint32_t> slots(staff);
    std::iota(slots.begin(), slots.end(), 0u);
    const std::size_t k = std::min(staff, static_cast<std::size_t>(count));
    for (std::size_t i = 0; i < k; ++i)
      std::swap(slots[i], slots[i + rng.below(staff - i)]);
    slots.resize(k);
    std::sort(slots.begin(), slots.end());
    return slots;
  }
};

}  // namespace

std::unique_ptr<InterventionModule> make_open_space() {
  return std::make_unique<OpenSpace>();
}

}  // namespace caresim::detail
