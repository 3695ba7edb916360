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
  std::string start_date;  ///< ISO date; time is "days since <start_date>"
  std::vector<Dimension> dimensions;
  std::vector<SeriesSpec> series;
  /// Values per step row: sum over series of 1 or the dimension's size, in series order.
  std::size_t row_width() const;
};

/// One column of a table: 64-bit integers or doubles, with units and a one-line description.
struct TableColumn {
  std::string name;
  std::string units;
  std::string description;
  std::vector<std::int64_t> integers;  ///< used when `reals` is empty
  std::vector<double> reals;
  std::size_t size() const { return reals.empty() ? integers.size() : reals.size(); }
};

/// A table written once into its own group (e.g. a snapshot of the tie network): equal-length
/// columns sharing one dimension, so that xarray.open_dataset(path, group=..., engine="h5netcdf")
/// opens it. Replaces a group of the same name.
struct Table {
  std::string group;      ///< e.g. "network/day_0365"
  std::string dimension;  ///< e.g. "tie"
  std::string description;
  std::vector<TableColumn> columns;
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
  static Attribute of(std::string n, std::string v) {
    return {std::move(n), Kind::text, std::move(v)};
  }
  static Attribute of(std::string n, std::int64_t v) {
    return {std::move(n), Kind::integer, {}, v};
  }
  static Attribute of(std::string n, double v) { return {std::move(n), Kind::real, {}, 0, v}; }
};

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
