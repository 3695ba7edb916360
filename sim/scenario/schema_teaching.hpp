#pragma once
// Schema of the teaching models' settings (included by schema.hpp, which defines the range types
// and the visitor protocol). One declaration drives parsing, to_yaml and docs/scenario.md.

#include "caresim/scenario/teaching.hpp"

namespace caresim::detail {

template <class V>
void visit(V& v, BooleanNetworkSettings& rbn) {
  v.field("nodes", rbn.nodes, IntRange{2, 100'000'000}, "nodes", "N, nodes in the network");
  v.field("inputs", rbn.inputs, IntRange{1, 6}, "inputs",
          "K, distinct random inputs per node (critical at 2 p (1 - p) K = 1)");
  v.field("bias", rbn.bias, kUnitInterval, "probability", "p, chance each truth-table entry is 1");
  v.field("initial_on", rbn.initial_on, kUnitInterval, "probability",
          "chance a node starts in state 1");
  v.check("inputs", "`inputs` is less than `nodes`.", [&](auto&& fail) {
    if (rbn.inputs >= rbn.nodes) {
      fail("inputs", "nodes", "less than nodes (" + std::to_string(rbn.nodes) + ")",
           std::to_string(rbn.inputs));
    }
  });
}

template <class V>
void visit(V& v, ThresholdCascadeSettings& watts) {
  v.field("nodes", watts.nodes, IntRange{2, 100'000'000}, "nodes", "N, nodes in the network");
  v.field("mean_degree", watts.mean_degree, RealRange{0.0, 100.0}, "neighbours",
          "z, mean degree of the Erdos-Renyi network");
  v.field("threshold", watts.threshold, kUnitInterval, "fraction",
          "phi, fraction of active neighbours a node needs to activate");
}

template <class V>
void visit(V& v, GranovetterSettings& riot) {
  v.field("people", riot.people, IntRange{1, 100'000'000}, "people", "N, size of the crowd");
  v.choice("distribution", riot.distribution, kThresholdLadderNames,
           "thresholds: `ladder` gives person i threshold i; `normal` draws N x Normal(mean, sd); "
           "`list` takes them from `thresholds`");
  v.field("mean", riot.mean, RealRange{-10.0, 10.0}, "fraction of crowd",
          "mean threshold (normal)");
  v.field("sd", riot.sd, kNonNegative, "fraction of crowd",
          "standard deviation of thresholds (normal)");
  v.numbers("thresholds", riot.thresholds, RealRange{0.0, 1e9}, "people",
            "each person's threshold, in people who must riot first (list; one per person)");
  v.check("thresholds", "With `distribution: list`, `thresholds` has `people` entries.",
          [&](auto&& fail) {
            if (riot.distribution == ThresholdLadder::list &&
                riot.thresholds.size() != static_cast<std::size_t>(riot.people)) {
              fail("thresholds", "people",
                   std::to_string(riot.people) + " thresholds (one per person)",
                   std::to_string(riot.thresholds.size()));
            }
          });
}

template <class V>
void visit(V& v, SandpileSettings& pile) {
  v.field("side", pile.side, IntRange{2, 10000}, "sites", "L, side of the square lattice");
  v.field("grains_per_step", pile.grains_per_step, IntRange{1, 100'000'000}, "grains",
          "grains dropped per step, each followed by a full relaxation");
  v.field("initial_height", pile.initial_height, IntRange{0, 3}, "grains",
          "every site's starting height (0 = empty, 3 = full)");
}

template <class V>
void visit(V& v, BranchingSettings& branching) {
  v.field("mean_offspring", branching.mean_offspring, RealRange{0.0, 10.0}, "children",
          "Poisson mean of children per individual (the branching ratio)");
  v.field("cascades_per_step", branching.cascades_per_step, IntRange{1, 100'000'000}, "cascades",
          "independent cascades, each from one ancestor, run per step");
  v.field("max_size", branching.max_size, IntRange{1, 1'000'000'000}, "individuals",
          "a cascade that reaches this size is stopped and counted as censored");
}

template <class V>
void visit(V& v, FoldSettings& fold) {
  v.choice("schedule", fold.schedule, kHarvestScheduleNames,
           "`fixed` holds c at c_start; `ramped` moves it linearly to c_end over the run");
  v.field("c_start", fold.c_start, RealRange{0.0, 10.0}, "per time",
          "harvest rate c at the first step (the fold is at c = 2.604)");
  v.field("c_end", fold.c_end, RealRange{0.0, 10.0}, "per time",
          "harvest rate c at the last step (ramped)");
  v.field("initial_x", fold.initial_x, RealRange{0.0, 10.0}, "biomass", "starting x");
  v.field("noise_sd", fold.noise_sd, kNonNegative, "per sqrt(time)",
          "sigma of the additive white noise");
  v.field("substeps", fold.substeps, IntRange{1, 10000}, "per step",
          "Euler-Maruyama steps per step (one step = one time unit)");
}

template <class V>
void visit(V& v, TeachingSettings& teaching) {
  v.section("boolean_network", teaching.boolean_network,
            "Kauffman's random Boolean network (`model: boolean_network`).");
  v.section("threshold_cascade", teaching.threshold_cascade,
            "Watts's threshold cascade on an Erdos-Renyi network (`model: threshold_cascade`).");
  v.section("granovetter", teaching.granovetter,
            "Granovetter's riot model (`model: granovetter`).");
  v.section("sandpile", teaching.sandpile,
            "The Bak-Tang-Wiesenfeld sandpile, open boundaries (`model: sandpile`).");
  v.section("branching", teaching.branching, "A Poisson branching process (`model: branching`).");
  v.section("fold", teaching.fold,
            "The noisy fold (harvesting) model for early warnings (`model: fold`).");
}

}  // namespace caresim::detail
