#pragma once
// Settings of the canonical teaching models (docs/teaching.md). Plain data, like the rest of the
// Scenario; their keys, ranges and meanings are declared once in sim/scenario/schema_teaching.hpp.

#include <array>
#include <cstdint>
#include <vector>

namespace caresim {

/// Kauffman's random Boolean network: N nodes, each reading K distinct random inputs through a
/// random truth table whose entries are 1 with probability p (the bias).
struct BooleanNetworkSettings {
  int nodes = 10000;        ///< N
  int inputs = 2;           ///< K, inputs per node (1..6)
  double bias = 0.5;        ///< p, chance a truth-table entry is 1
  double initial_on = 0.5;  ///< chance a node starts on

  bool operator==(const BooleanNetworkSettings&) const = default;
};

/// Watts's (2002) threshold cascade on an Erdos-Renyi network of mean degree z, seeded by one
/// random node: an inactive node activates once at least a fraction phi of its neighbours is
/// active, and stays active.
struct ThresholdCascadeSettings {
  int nodes = 10000;         ///< N
  double mean_degree = 4.0;  ///< z
  double threshold = 0.18;   ///< phi, fraction of active neighbours needed

  bool operator==(const ThresholdCascadeSettings&) const = default;
};

/// How the Granovetter riot model's thresholds are drawn.
enum class ThresholdLadder : std::uint8_t {
  ladder,  ///< person i has threshold i (people): Granovetter's 0, 1, ..., N-1
  normal,  ///< thresholds N x Normal(mean, sd)
  list,    ///< the thresholds given one by one in `thresholds`
};
inline constexpr std::array<const char*, 3> kThresholdLadderNames = {"ladder", "normal", "list"};

/// Granovetter's (1978) riot model: person i joins once at least theta_i people riot.
struct GranovetterSettings {
  int people = 100;  ///< N
  ThresholdLadder distribution = ThresholdLadder::ladder;
  double mean = 0.25;              ///< mean threshold as a fraction of the crowd (normal)
  double sd = 0.122;               ///< its standard deviation (normal)
  std::vector<double> thresholds;  ///< each person's threshold in people (list)

  bool operator==(const GranovetterSettings&) const = default;
};

/// The Bak-Tang-Wiesenfeld sandpile on a side x side square lattice with open boundaries.
struct SandpileSettings {
  int side = 64;            ///< lattice side L
  int grains_per_step = 1;  ///< grains dropped (each followed by a full relaxation) per step
  int initial_height = 0;   ///< every site's starting height, 0..3 (3 = start full)

  bool operator==(const SandpileSettings&) const = default;
};

/// A Galton-Watson branching process with Poisson offspring; each step runs independent cascades
/// from one ancestor each.
struct BranchingSettings {
  double mean_offspring = 1.0;  ///< Poisson mean, the branching ratio
  int cascades_per_step = 1000;
  int max_size = 100000;  ///< a cascade is stopped (and counted as censored) at this size

  bool operator==(const BranchingSettings&) const = default;
};

/// Whether the fold model's harvest rate c is held or ramped.
enum class HarvestSchedule : std::uint8_t { fixed, ramped };
inline constexpr std::array<const char*, 2> kHarvestScheduleNames = {"fixed", "ramped"};

/// The noisy fold (harvesting) model for early warnings (May 1977; Dakos et al. 2012):
/// dx/dt = x (1 - x/10) - c x^2 / (x^2 + 1) + noise, integrated by Euler-Maruyama.
struct FoldSettings {
  HarvestSchedule schedule = HarvestSchedule::ramped;
  double c_start = 1.0;    ///< harvest rate at the first step (and throughout if fixed)
  double c_end = 2.6;      ///< harvest rate at the last step (ramped)
  double initial_x = 8.8;  ///< starting biomass
  double noise_sd = 0.15;  ///< sigma of the additive white noise, per sqrt(time)
  int substeps = 10;       ///< Euler-Maruyama steps per step (one step = one time unit)

  bool operator==(const FoldSettings&) const = default;
};

/// Settings of every teaching model; only the one the scenario's `model` names is used.
struct TeachingSettings {
  BooleanNetworkSettings boolean_network;
  ThresholdCascadeSettings threshold_cascade;
  GranovetterSettings granovetter;
  SandpileSettings sandpile;
  BranchingSettings branching;
  FoldSettings fold;

  bool operator==(const TeachingSettings&) const = default;
};

}  // namespace caresim
