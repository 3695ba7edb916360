#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "caresim/engine/output.hpp"

namespace caresim::io {

/// Writes one run's HDF5 file as the run goes. Layout (netCDF-4 compatible, so xarray's h5netcdf
/// engine and h5py open it as-is):
///   /time                  int32 (time), unlimited, dimension scale, units "days since DATE",
///                          calendar "proleptic_gregorian", axis "T"
///   /<dimension>           int32 (n) = 0..n-1, dimension scale, plus /<dimension>_name
///                          variable-length UTF-8 strings on that dimension
///   /<series>              float64 (time[, dimension]), chunked along time (32-64 KiB, at least
///                          16 rows), shuffle+deflate 4, fill NaN, attributes `units`,
///                          `description`, `long_name`; a series on a dimension also has
///                          `coordinates` = "<dimension>_name", so xarray shows the labels
///   root attributes        provenance, `status`, `finished` (int64 0/1), `steps_completed`
///                          (int64: rows durable in the file)
/// HDF5 file format 1.8 (readable by HDF5 >= 1.8; attributes of any size). Identical calls give
/// byte-identical files. Rows are buffered for at most one chunk and written to the file;
/// flush() makes everything written so far durable and readable, even if the process then dies.
/// Names are a letter followed by letters, digits or '_', unique across `time`, dimensions,
/// `<dimension>_name` and series. Not thread-safe: one writer per file, one thread.
/// What a run file on disk says about its run (RunFile's `status`, checked against the writer).
enum class RunFileState : std::uint8_t {
  missing,     ///< no such file
  unreadable,  ///< not an HDF5 file, or without a `status`
  running,     ///< status "running" and its writer (attributes `pid`, `host`) may be alive
  killed,      ///< status "running", written on this host by a process that no longer exists
  finished,
  interrupted,
  failed,
};

/// Reads `path`'s status without changing it. Never throws.
RunFileState inspect_run_file(const std::filesystem::path& path) noexcept;

/// "missing", "unreadable", "running", "killed", ...
const char* run_file_state_name(RunFileState state) noexcept;

class RunFile {
 public:
  /// Creates (truncating) `path` and records status "running", finished 0. Throws
  /// std::invalid_argument for a layout it cannot store (bad start_date or name, clashing names,
  /// a dimension without labels, a series dimension out of range), before touching the file;
  /// std::runtime_error naming the path if HDF5 fails.
  RunFile(const std::filesystem::path& path, RunLayout layout);
  /// Closes without close(): the file keeps status "running" and holds exactly the rows of the
  /// last flush() (later rows are dropped). Never throws.
  ~RunFile();
  RunFile(const RunFile&) = delete;
  RunFile& operator=(const RunFile&) = delete;

  /// Sets (or replaces) root attributes: text as a variable-length UTF-8 string, integer as
  /// int64, real as float64. Throws std::invalid_argument for text that is not UTF-8 or for the
  /// reserved names `status`, `finished`, `steps_completed`.
  void set_attributes(const std::vector<Attribute>& attributes);
  /// Appends the row for simulated day `day` (days since start); `row` has layout.row_width()
  /// values in series order. Throws std::invalid_argument, leaving the file as it was, if the
  /// width is wrong or `day` does not exceed the previous day.
  void append(std::int32_t day, std::span<const double> row);
  /// Writes a table into its own group (see Table); compressed, written at once.
  void write_table(const Table& table);
  /// Writes buffered rows, updates `steps_completed`, and flushes the file to disk.
  void flush();
  /// Flushes, records `status`/`finished`, and closes. Further calls to append, flush, close or
  /// set_attributes throw std::logic_error.
  void close(RunStatus status);

  const RunLayout& layout() const;
  /// Rows appended so far, including any still buffered.
  std::int64_t steps_written() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace caresim::io
