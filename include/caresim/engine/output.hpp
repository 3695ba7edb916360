#pragma once
// What a run produces, as plain values: the output layout (dimensions and series), tables and
// provenance attributes. Models fill these; the IO module (io/run_file.hpp) turns them into files.
// Knows no model and no file format.

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace caresim {

/// A second dimension of some series (besides time), e.g. "organisation" or "neighbourhood".
/// Written as an integer coordinate dataset 0..n-1 plus a "<name>_name" string variable.
struct Dimension {
  std::string name;                 ///< e.g. "organisation"
  std::string description;          ///< one line
  std::vector<std::string> labels;  ///< one per index, e.g. organisation names
  /// A subset the model singles out, e.g. the priority neighbourhoods: 1 per flagged index
  /// (empty: none singled out), and what the flag means (e.g. "priority").
  std::vector<std::uint8_t> flagged;
  std::string flag;
};

/// Which way a series is better, for readers who judge a change (the leader's what-if table):
/// `neutral` where more is neither better nor worse in itself (e.g. attendances in a day).
enum class Better { neutral, higher, lower };

/// One time-series metric: a float64 dataset of shape (time) or (time, dimension).
struct SeriesSpec {
  std::string name;         ///< dataset name, snake_case with unit where useful
  std::string units;        ///< CF-style units string, e.g. "1", "day-1", "per 100000 per day"
  std::string description;  ///< one line, stored as `description` and `long_name`
  int dimension = -1;       ///< index into RunLayout::dimensions, or -1 for a plain time series
  /// A short name a non-specialist reads ("A&E seen within 4 hours"); empty: use `description`.
  std::string plain_name = {};
  Better better = Better::neutral;  ///< which way is better
  /// A share or ratio (units "1" or "year-1") read as a percentage: 0.834 is shown as 83.4%.
  bool percent = false;
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

}  // namespace caresim
