// Target regime change: tighter or looser inspection of targets, or a shared system target that
// several organisations are judged on together (seed 004: "the hospitals are accountable for A&E
// targets but the other partner organizations all do things that have an impact on that target").
#include "registry.hpp"

namespace caresim::detail {
namespace {

class TargetRegime final : public InterventionModule {
 public:
  InterventionKind kind() const override { return InterventionKind::target_regime; }

  bool active(const InterventionSpec& spec, int day) const override {
    const int days = spec.target_regime.days;
    return day >= spec.day && (days == 0 || day < spec.day + days);
  }

  /// Scale: the targeted organisations' targets on the listed metrics (all if none) have their
  /// inspection multiplied by inspection_scale (read by the targets phase). Shared: a target on
  /// the system's value of `metric` is added, judged on the targeted organisations together.
  void apply(const InterventionSpec& spec, const Model& model, State& state) const override {
    const TargetRegimeSpec& t = spec.target_regime;
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
