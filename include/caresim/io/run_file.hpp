#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace caresim::io {

/// A second dimension of some series (besides time), e.g. "organisation" or "neighbourhood".
/// Written as an integer coordinate dataset 0..n-1 plus a "<name>_name" string variable.
struct Dimension {
  std::string name;                 ///< e.g. "organisation"
  std::string description;          ///< one line
  std::vector<std::string> labels;  ///< one per index, e.g. organisation names
};

/// One time-series metric: a float64 dataset of shape (time) or (time, dimension).
struct SeriesSpec {
  std::string name;         ///< dataset name, snake_case with unit where useful
  std::string units;        ///< CF-style units string, e.g. "1", "day-1", "per 100000 per day"
  std::string description;  ///< one line, stored as `description` and `long_name`
  int dimension = -1;       ///< index into RunLayout::dimensions, or -1 for a plain time series
};

/// Everything the file must know before the first step is written.
struct RunLayout {
  std::string start_date;               ///< ISO date; time is "days since <start_date>"
  std::vector<Dimension> dimensions;
  std::vector<SeriesSpec> series;
  /// Values per step row: sum over series of 1 or the dimension's size, in series order.
  std::size_t row_width() const;
};

/// How a run ended, stored as the root attributes `status` and `finished`.
enum class RunStatus { running, finished, interrupted, failed };

/// An attribute value for the provenance stored on the root group.
struct Attribute {
  std::string name;
  enum class Kind { text, integer, real } kind = Kind::text;
  std::string text;
  std::int64_t integer = 0;
  double real = 0.0;
  static Attribute of(std::string n, std::string v) { return {std::move(n), Kind::text, std::move(v)}; }
  static Attribute of(std::string n, std::int64_t v) { return {std::move(n), Kind::integer, {}, v}; }
  static Attribute of(std::string n, double v) { return {std::move(n), Kind::real, {}, 0, v}; }
};

/// Writes one run's HDF5 file as the run goes. Layout (netCDF-4 compatible, so xarray's h5netcdf
/// engine and h5py open it as-is):
///   /time                  int32 (time), unlimited, dimension scale, units "days since DATE"
///   /<dimension>           int32 (n), dimension scale, plus /<dimension>_name strings
///   /<series>              float64 (time[, dimension]), chunked, shuffle+deflate, attributes
///                          `units`, `description`, `long_name`
///   root attributes        provenance, `status`, `finished`, `steps_completed`
/// Rows are buffered for at most one chunk and written to the file; flush() makes everything
/// written so far durable and readable. Not thread-safe: one writer per file, one thread.
class RunFile {
 public:
  /// Creates (truncating) `path`. Throws std::runtime_error naming the path on failure.
  RunFile(const std::filesystem::path& path, RunLayout layout);
  ~RunFile();  ///< closes; a file not closed with close() keeps status "running"
  RunFile(const RunFile&) = delete;
  RunFile& operator=(const RunFile&) = delete;

  /// Sets (or replaces) root attributes.
  void set_attributes(const std::vector<Attribute>& attributes);
  /// Appends the row for simulated day `day` (days since start); `row` has layout.row_width()
  /// values in series order.
  void append(std::int32_t day, std::span<const double> row);
  /// Writes buffered rows, updates `steps_completed`, and flushes the file to disk.
  void flush();
  /// Flushes, records `status`/`finished`, and closes. Further calls are errors.
  void close(RunStatus status);

  const RunLayout& layout() const;
  std::int64_t steps_written() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace caresim::io
