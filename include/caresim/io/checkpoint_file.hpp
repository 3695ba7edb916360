#pragma once
// A run's checkpoint file (OUT.h5.ckpt beside the run file): everything needed to continue the
// run from a saved day and end with the same output as if it had never stopped, bit for bit
// (catalogue/run.hpp, `caresim run --checkpoint-every N`, `--resume`, `--from`).
//
// Layout: the text "caresim checkpoint\n", a format number (uint32), the payload (the Checkpoint
// below, field by field through core/archive.hpp, the model's state as its own bytes), and the
// FNV-1a 64-bit hash of the payload; native byte order, so a checkpoint is read on the same kind
// of machine that wrote it (x86-64 and AArch64 Linux alike are little-endian). Written to
// PATH.tmp, synced to disk and renamed over PATH, so PATH is always either the old checkpoint or
// the new one, whole, even if the process is killed while writing.

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "caresim/engine/output.hpp"

namespace caresim::io {

/// A run saved at the end of day `day - 1` (so `day` steps are done).
struct Checkpoint {
  std::string caresim_version;        ///< of the program that wrote it
  std::string scenario_yaml;          ///< the run's whole scenario (scenario/load.hpp to_yaml)
  std::string scenario_file;          ///< as given on the command line, for provenance
  std::int32_t day = 0;               ///< steps done
  std::int32_t checkpoint_every = 0;  ///< the run's interval, kept by a resumed run
  std::uint64_t row_width = 0;        ///< values per output row (RunLayout::row_width)
  std::vector<double> rows;           ///< the output rows written so far: day x row_width
  std::vector<Table> tables;          ///< the tables written so far, in the order written
  std::string state;                  ///< the simulator's state (Simulator::visit_state)
};

/// Writes `checkpoint` to `path` atomically (see above). Throws std::runtime_error naming the
/// path if it cannot be written; `path` is then as it was.
void write_checkpoint(const std::filesystem::path& path, const Checkpoint& checkpoint);

/// Reads a checkpoint. Throws std::runtime_error naming the path if it is missing, not a
/// checkpoint, of another format, truncated or corrupt (the hash does not match).
Checkpoint read_checkpoint(const std::filesystem::path& path);

/// The file's size in bytes after the last write, for reports.
std::uintmax_t checkpoint_size(const std::filesystem::path& path);

}  // namespace caresim::io
