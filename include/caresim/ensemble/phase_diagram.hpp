#pragma once
// The phase diagram over one or two scenario keys (`caresim chaos`), for the care model (or any
// model with twin runs, giving lambda and the damage curve only): at each grid
// point, replicates run through the ensemble runner; each gives a finite-time Lyapunov exponent
// from twin runs branching `horizon` days before its end, and the order parameters and adoption
// cascades at its end.

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "caresim/care/simulation.hpp"
#include "caresim/ensemble/backend.hpp"
#include "caresim/ensemble/runner.hpp"

namespace caresim::analysis {

/// One varied key: `points` values evenly spaced from `low` to `high` inclusive.
struct PhaseAxis {
  std::string key;  ///< scenario key path, as --set takes it
  double low = 0.0;
  double high = 0.0;
  int points = 0;
  std::vector<double> values() const;
};

/// Parses "key.path=LO:HI:N" (N >= 2, LO < HI). Throws ScenarioError
/// "<source_name>/--vary: key: expected ..." on anything else; the key itself is checked by
/// check_phase_axes.
PhaseAxis parse_phase_axis(std::string_view text, std::string_view source_name);

struct PhaseDiagramOptions {
  std::vector<PhaseAxis> axes;         ///< one or two
  std::vector<std::string> overrides;  ///< applied to every run before the axes' values (--set)
  int replicates = 4;                  ///< runs per point, seeds run.seed + 0 .. replicates-1
  int horizon = 10;                    ///< twin-run horizon T, days; branches at day run.days - T
  int sites = 16;                      ///< perturbation sites per replicate
  CarePerturbation perturbation = CarePerturbation::mindset;
  int threads = 0;  ///< 0 = all cores; results do not depend on it
  /// Folder for the runs' own files and manifests (and, under Slurm, the array script).
  std::filesystem::path scratch;
  std::string command_line;  ///< provenance
  const std::atomic<int>* stop = nullptr;
  /// How a Slurm task repeats this diagram (EnsemblePlan::task_command), and from where.
  std::vector<std::string> task_command;
  std::filesystem::path working_directory;
};

/// Throws ScenarioError naming `source_name`/--vary and the key if an axis's key is not a
/// numeric scenario key (each end of the range is tried as an override), if the scenario's model
/// has no twin runs, or if run.days <= horizon; checks replicates >= 1, sites >= 2, horizon >= 1.
/// Models other than the care model give lambda and the damage curve; their order parameters,
/// susceptibilities and cascades are NaN.
void check_phase_axes(const ensemble::BaseScenario& base, const PhaseDiagramOptions& options);

/// The diagram. Arrays over points are row-major over the axes (the first axis outermost);
/// arrays over runs are [point][replicate].
struct PhaseDiagram {
  std::vector<PhaseAxis> axes;
  int replicates = 0;
  int horizon = 0;
  int sites = 0;
  std::uint64_t base_seed = 0;
  double staff = 0.0;  ///< N, staff slots (the system size of the susceptibility)
  std::string base_scenario_yaml;

  // Per point.
  std::vector<double> lambda;  ///< mean over replicates of each replicate's lambda, per day
  std::vector<double> lambda_standard_error;       ///< sqrt(sum se_r^2) / replicates
  std::vector<double> lambda_lower, lambda_upper;  ///< lambda -+ 1.96 se
  std::vector<double> system_minded_share;         ///< mean over replicates, at the end
  std::vector<double> cross_org_strength_share;
  std::vector<double> largest_cross_org_component_share;
  std::vector<double> susceptibility;            ///< N var(system_minded_share) over replicates
  std::vector<double> cross_org_susceptibility;  ///< N var(cross_org_strength_share)
  std::vector<double> branching_ratio;           ///< mean over replicates
  std::vector<double> mean_cascade_size;         ///< adoptions per cascade, mean over replicates
  std::vector<double> failed_runs;
  /// <D(t)>, t = 0..horizon, mean over sites and replicates: [point][t].
  std::vector<double> mean_damage;

  // Per run.
  std::vector<double> run_lambda, run_system_minded_share, run_cross_org_strength_share,
      run_largest_cross_org_component_share, run_branching_ratio;
  std::vector<std::uint64_t> run_seed;

  std::size_t points() const { return lambda.size(); }
};

/// Runs the diagram on this machine and removes options.scratch after. Deterministic: the same
/// inputs give bitwise the same diagram at any thread count.
PhaseDiagram phase_diagram(const ensemble::BaseScenario& base, const PhaseDiagramOptions& options);

/// The diagram's runs carried out by `backend` (collective under MPI; a Slurm array by its
/// mode): where the backend left them and, when every run has ended (stage done, rank 0), the
/// diagram, bitwise the same whichever backend ran them. Leaves options.scratch in place.
struct PhaseDiagramRun {
  ensemble::EnsembleResult result;
  PhaseDiagram diagram;
};
PhaseDiagramRun phase_diagram(const ensemble::Backend& backend, const ensemble::BaseScenario& base,
                              const PhaseDiagramOptions& options);

/// Writes the diagram as a netCDF-4-style HDF5 file xarray opens (engine h5netcdf): one
/// dimension per varied key (a coordinate named after the key), plus `replicate` for the per-run
/// arrays. Written to <path>.part and renamed.
void write_phase_diagram(const PhaseDiagram& diagram, const std::filesystem::path& path);

/// A readable table, one line per point.
std::string format_phase_diagram(const PhaseDiagram& diagram);

}  // namespace caresim::analysis
