// Target regime change: tighter or looser inspection of targets, or a shared system target that
// several organisations are judged on together (seed 004: "the hospitals are accountable for A&E
// targets but the other partner organizations all do things that have an impact on that target").
#include "registry.hpp"

namespace caresim::detail {
namespace {

/// What the intervention does: scale the inspection of existing targets, or add a shared system
/// target several organisations are judged on together.
enum class TargetRegimeMode : std::uint8_t { scale, shared };
inline constexpr std::array<const char*, 2> kTargetRegimeModeNames = {"scale", "shared"};

/// Parameters (`target_regime:` under the intervention; docs/model.md).
struct TargetRegimeSpec {
  TargetRegimeMode mode = TargetRegimeMode::scale;
  int days = 0;                       ///< how long it lasts; 0 = to the end of the run
  std::vector<TargetMetric> metrics;  ///< scale: targets on these metrics (none listed = all)
  double inspection_scale = 0.5;      ///< scale: multiplier of their inspection
  // The shared target (mode shared), judged on the system's value of the metric.
  TargetMetric metric = TargetMetric::a_and_e_4h;
  double threshold = 0.95;
  TargetDirection direction = TargetDirection::at_least;
  double inspection = 1.0;
  double width = 0.03;

  bool operator==(const TargetRegimeSpec&) const = default;
};

template <class V>
void visit(V& v, TargetRegimeSpec& t) {
  v.choice("mode", t.mode, kTargetRegimeModeNames,
           "`scale`: scale the inspection of existing targets; `shared`: add a shared system "
           "target the targeted organisations are judged on together");
  v.field("days", t.days, IntRange{0, 36500}, "days",
          "how long the regime lasts (0 = to the end of the run)");
  v.choices("metrics", t.metrics, kTargetMetricNames,
            "scale: the targets whose metric is listed (none listed = every target)");
  v.field("inspection_scale", t.inspection_scale, kNonNegative, "factor",
          "scale: multiplier of those targets' inspection (0 = dropped, 2 = twice as hard)");
  v.choice("metric", t.metric, kTargetMetricNames,
           "shared: what the shared target measures, at system level");
  v.field("threshold", t.threshold, kAnyNumber, "metric units", "shared: the threshold");
  v.choice("direction", t.direction, kTargetDirectionNames,
           "shared: whether the metric must be at least or at most the threshold");
  v.field("inspection", t.inspection, kNonNegative, "0..", "shared: how hard inspection presses");
  v.field("width", t.width, kPositive, "metric units",
          "shared: scale over which pressure rises around the threshold");
}

const InterventionKindInfo kTargetRegimeInfo{
    .name = "target_regime",
    .section = "target_regime",
    .doc =
        "A change of target regime: scale the inspection of targets, or add a shared system "
        "target.",
    .make_params = [] { return KindParams::of<TargetRegimeSpec>(); },
};

class TargetRegime final : public InterventionModule {
 public:
  const InterventionKindInfo& info() const override { return kTargetRegimeInfo; }

  bool active(const InterventionSpec& spec, int day) const override {
    const int days = spec.params.as<TargetRegimeSpec>().days;
    return day >= spec.day && (days == 0 || day < spec.day + days);
  }

  /// Scale: the targeted organisations' targets on the listed metrics (all if none) have their
  /// inspection multiplied by inspection_scale (read by the targets phase). Shared: a target on
  /// the system's value of `metric` is added, judged on the targeted organisations together.
  void apply(const InterventionSpec& spec, const Model& model, State& state) const override {
    const TargetRegimeSpec& t = spec.params.as<TargetRegimeSpec>();
    std::vector<std::uint8_t> targeted = targeted_organisations(spec, model);
    if (t.mode == TargetRegimeMode::scale) {
      for (std::size_t o = 0; o < targeted.size(); ++o) {
        if (!targeted[o]) continue;
        auto& scale = state.levers.inspection_scale[o];
        if (t.metrics.empty()) {
          for (double& x : scale)
            x *= t.inspection_scale;
        } else {
          for (TargetMetric m : t.metrics)
            scale[static_cast<std::size_t>(m)] *= t.inspection_scale;
        }
      }
      return;
    }
    TargetSpec shared;
    shared.metric = t.metric;
    shared.threshold = t.threshold;
    shared.direction = t.direction;
    shared.inspection = t.inspection;
    shared.width = t.width;
    state.levers.shared_targets.push_back({shared, std::move(targeted)});
  }
};

}  // namespace

std::unique_ptr<InterventionModule> make_target_regime() {
  return std::make_unique<TargetRegime>();
}

}  // namespace caresim::detail
