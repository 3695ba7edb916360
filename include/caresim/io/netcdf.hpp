#pragma once

// The one writer of caresim's files: netCDF-4 files (HDF5 underneath) laid out the way netCDF-C
// lays them out, so that netCDF-C (ncdump, R's ncdf4, python3-netcdf4, CDO/NCO), h5netcdf/xarray
// and h5py all see the same dimensions. What netCDF-C expects of an HDF5 file, and this layer
// writes:
//   - every dimension is an HDF5 dimension scale (CLASS, NAME) carrying `_Netcdf4Dimid`, an int32
//     unique in the whole file (netCDF-C numbers dimensions file-wide, in definition order, and
//     maps variables to dimensions by these ids);
//   - a dimension with a coordinate variable is that variable (NAME = the dimension's name); one
//     without is a float32 dataset whose NAME is "This is a netCDF dimension but not a netCDF
//     variable." followed by the length in 10 columns, as netCDF-C writes it;
//   - every variable of rank >= 1 carries `_Netcdf4Coordinates` (int32 dimension ids, as
//     netCDF-C >= 4.7 writes them) and, unless it is a coordinate variable, a DIMENSION_LIST whose
//     scales list it in their REFERENCE_LIST (H5DS layout, for h5py and h5netcdf);
//   - link and attribute creation order tracked and indexed on every group and dataset;
//   - no external links, soft links or anything else a reader would have to follow.
// Integer coordinates (indices 0..n-1, days) are int64 (`Index`) everywhere. Text attributes are
// variable-length UTF-8 strings (netCDF-C reads them as NC_STRING). Not thread-safe: one thread
// per file. HDF5 failures become std::runtime_error naming the object.

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace caresim::io::netcdf {

/// The type of every integer coordinate caresim writes (indices, days).
using Index = std::int64_t;

/// Element types of a variable (netCDF: int, int64, uint64, double, string).
enum class Type { int32, int64, uint64, float64, string };

/// How a variable is stored. An empty `chunk` means contiguous, or for a variable on an unlimited
/// dimension a chunk of about 32 KiB along it. `compress`: shuffle + deflate level 4 (chunked).
struct Storage {
  std::vector<std::size_t> chunk{};
  bool compress = false;
};

/// A variable to define. `units` follows UDUNITS ("day-1", "days since 2024-01-01", "1" for
/// counts and ratios); empty writes no `units` (strings, flags, indices). `long_name` is also
/// written as `description`. A float64 variable gets `_FillValue` NaN.
struct VariableSpec {
  std::string name{};
  Type type = Type::float64;
  std::vector<std::string> dimensions{};  ///< slowest first; looked up in the group, then parents
  std::string units{};
  std::string long_name{};
  Storage storage{};
};

class Group;

/// A variable of an open file. Move-only; owns its HDF5 dataset handle.
class Variable {
 public:
  Variable();
  ~Variable();
  Variable(Variable&&) noexcept;
  Variable& operator=(Variable&&) noexcept;

  /// Writes the whole variable (every element, row-major); the count must match its shape.
  void write(std::span<const double> values);
  void write(std::span<const std::int64_t> values);
  void write(std::span<const std::int32_t> values);
  void write(std::span<const std::uint64_t> values);
  void write(std::span<const std::string> values);  ///< UTF-8, no NULs
  /// Writes `rows` rows at `first_row`, growing the first (unlimited) dimension as needed. The
  /// source holds `block_columns` values per row; the variable's columns (1 for rank 1) are taken
  /// from `first_column` on.
  void write_rows(const double* block, std::size_t rows, std::size_t block_columns,
                  std::size_t first_column, std::size_t first_row);
  void write_rows(const std::int64_t* block, std::size_t rows, std::size_t first_row);
  /// Sets the length of the first (unlimited) dimension.
  void resize_rows(std::size_t rows);

  void set_attribute(std::string_view name, std::string_view text);
  void set_attribute(std::string_view name, std::int64_t value);
  void set_attribute(std::string_view name, double value);
  /// Closes the dataset now (a destroyed Variable closes it too).
  void close();

 private:
  friend class Group;
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// A group of an open file (the root or a child). Cheap to copy; valid while its File is.
class Group {
 public:
  /// Creates a child group (creation order tracked, like every group).
  Group create_group(std::string_view name);
  /// True if the group has a child group or variable of that name.
  bool has(std::string_view name) const;
  /// Deletes a child group with everything in it (its dimension ids are not reused).
  void remove_group(std::string_view name);

  /// Defines a dimension without a coordinate variable.
  void define_dimension(std::string_view name, std::size_t length, bool unlimited = false);
  /// Defines dimension `spec.name` of `length` (0 and growing when unlimited) and its coordinate
  /// variable; `spec.dimensions` is ignored. Write its values through the returned Variable.
  Variable define_coordinate(const VariableSpec& spec, std::size_t length, bool unlimited = false);
  /// Defines dimension `name` with the coordinate variable 0..length-1 (Index), written here.
  void define_index(std::string_view name, std::size_t length, std::string_view long_name);
  /// Defines a variable over dimensions already defined in this group or a parent.
  Variable define_variable(const VariableSpec& spec);
  /// Defines a 1-D string variable over `dimension` and writes `values`.
  void write_strings(std::string_view name, std::string_view dimension,
                     std::span<const std::string> values, std::string_view long_name);

  void set_attribute(std::string_view name, std::string_view text);
  void set_attribute(std::string_view name, std::int64_t value);
  void set_attribute(std::string_view name, double value);

  /// Path of the group in its file, e.g. "/" or "/runs/baseline".
  const std::string& path() const;

  // Internal, defined in netcdf.cpp.
  struct State;
  struct FileState;

 private:
  friend class File;
  Group(std::shared_ptr<FileState> file, State* self) : file_(std::move(file)), self_(self) {}
  std::shared_ptr<FileState> file_;
  State* self_ = nullptr;
};

/// A netCDF-4 file being written. Move-only.
class File {
 public:
  /// An empty, closed file; assign File::create(...) to it.
  File() = default;
  /// Creates (truncating) `path`: HDF5 format bounds 1.8 (readable by HDF5 >= 1.8 and
  /// netCDF-C >= 4.1), no modification times, so identical calls give identical bytes.
  static File create(const std::filesystem::path& path);
  ~File();
  File(File&&) noexcept;
  File& operator=(File&&) noexcept;

  Group root();
  /// Writes every buffer to disk.
  void flush();
  /// Closes the file (variables still open keep it open until they close).
  void close();

 private:
  std::shared_ptr<Group::FileState> state_;
};

/// Reads variables and root attributes of a file caresim wrote (or any HDF5 file).
class Reader {
 public:
  explicit Reader(const std::filesystem::path& path);
  ~Reader();
  Reader(Reader&&) noexcept;
  Reader& operator=(Reader&&) noexcept;

  /// `path` is a variable's path, e.g. "admissions" or "runs/seed".
  bool has_variable(std::string_view path) const;
  std::vector<std::size_t> shape(std::string_view path) const;
  std::vector<double> read_doubles(std::string_view path) const;
  std::vector<std::int64_t> read_integers(std::string_view path) const;
  std::vector<std::string> read_strings(std::string_view path) const;
  bool has_attribute(std::string_view name) const;  ///< a root attribute
  std::string text_attribute(std::string_view name) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace caresim::io::netcdf
