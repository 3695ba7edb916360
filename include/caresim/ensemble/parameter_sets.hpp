#pragma once
// Parameter sets for `caresim compare --parameters POSTERIOR` (docs/calibration.md): the
// posterior of a calibration (the file `caresim calibrate` writes: history matching's final runs
// that reproduce every target, or ABC-SMC's weighted particles) or a CSV of parameter sets with an
// optional weight column, and the draw that gives each paired replicate one set.

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace caresim::ensemble {

struct ParameterSets {
  std::vector<std::string> names;  ///< [parameter]: scenario key paths
  std::vector<bool> integer;       ///< [parameter]: rounded before it is set
  std::vector<double> values;      ///< [set][parameter]
  std::vector<double> weights;     ///< [set]: normalised to sum 1 (equal when unweighted)
  bool weighted = false;           ///< the source gave weights
  std::filesystem::path file;
  std::string source;  ///< what the sets are, e.g. "ABC-SMC weighted posterior (500 particles)"

  std::size_t count() const { return weights.size(); }
  std::size_t parameter_count() const { return names.size(); }
  /// The overrides "key=value" of set i (values exact; integer parameters rounded).
  std::vector<std::string> overrides(std::size_t i) const;
};

/// Reads parameter sets from a calibration file (netCDF/HDF5, by its signature) or a CSV: a
/// header row of scenario key paths, an optional column named `weight`, one row per set ('#'
/// lines and blank lines skipped). From a history-matching calibration: the final runs that
/// reproduce every target (posterior/final_value where final_match is 1; if none does, the
/// non-implausible sample posterior/non_implausible_value); from ABC-SMC: posterior/value with
/// posterior/weight. Throws std::runtime_error naming the file (and line) on anything else:
/// no sets, a non-finite value, a negative weight, all weights zero.
ParameterSets load_parameter_sets(const std::filesystem::path& file);

/// The set replicate r uses, for replicates 0..replicates-1: the inverse weighted CDF at one
/// uniform from Stream(base_seed, purpose::compare_parameter_set, 0, r). A pure function of
/// (sets, base_seed, r), so the same on every rank, thread count and backend.
std::vector<std::size_t> draw_parameter_sets(const ParameterSets& sets, std::uint64_t base_seed,
                                             std::size_t replicates);

}  // namespace caresim::ensemble
