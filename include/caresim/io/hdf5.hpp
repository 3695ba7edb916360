#pragma once

// A small RAII layer over the HDF5 1.10 C API, private to the IO module: every file caresim
// writes goes through it (run files, comparisons, sweep summaries, analyses, phase diagrams).
// Every failing HDF5 call becomes a std::runtime_error naming the operation and the object; HDF5's
// own error-stack printing is switched off on each thread that uses these helpers.

#include <hdf5.h>

#include <concepts>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace caresim::io::hdf5 {

/// Owns one HDF5 identifier of any kind (file, group, dataset, dataspace, datatype, attribute,
/// property list) and closes it with the matching H5*close. Move-only; an empty handle holds
/// H5I_INVALID_HID. Not thread-safe beyond what HDF5 itself guarantees.
class Handle {
 public:
  Handle() noexcept = default;
  /// Takes ownership of `id`. Throws std::runtime_error naming `operation` and `object` if
  /// `id` is negative (the failed result of the call that produced it).
  Handle(hid_t id, std::string_view operation, std::string_view object);
  ~Handle();
  Handle(Handle&& other) noexcept : id_(std::exchange(other.id_, H5I_INVALID_HID)) {}
  Handle& operator=(Handle&& other) noexcept;
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;

  hid_t get() const noexcept { return id_; }
  explicit operator bool() const noexcept { return id_ >= 0; }
  /// Closes now and reports a failure as std::runtime_error; the destructor ignores failures.
  void close();

 private:
  hid_t id_ = H5I_INVALID_HID;
};

/// Throws std::runtime_error "HDF5 <operation> '<object>' failed: <HDF5's innermost message>"
/// if `status` is negative, and clears this thread's HDF5 error stack.
void check(herr_t status, std::string_view operation, std::string_view object);

/// Switches off HDF5's automatic error-stack printing on the calling thread (the library is
/// built thread-safe, so the setting is per thread). Idempotent and cheap; every helper here
/// calls it first.
void silence_error_printing();

/// The full path of an object inside its file, e.g. "/time" (for error messages and tests).
std::string object_path(hid_t object);

/// Creates (truncating) an HDF5 file laid out for netCDF-4 readers: file-format bounds 1.8..1.8
/// (superblock v2: readable by HDF5 1.8 and later, dense storage for attributes of any size, no
/// 1.10 file-consistency flags that would make a file left open by a crash unreadable without
/// h5clear), link and attribute creation order tracked and indexed on the root group (as
/// netCDF-4 does), no object modification times (identical runs give identical files).
Handle create_file(const std::filesystem::path& path);
/// Opens an existing file read-only.
Handle open_file(const std::filesystem::path& path);
/// Flushes every buffer of the file containing `object` to disk.
void flush_file(hid_t object);

Handle create_group(hid_t parent, std::string_view name);
Handle open_group(hid_t parent, std::string_view name);
/// Removes a link (and, when nothing else refers to it, the object).
void delete_link(hid_t parent, std::string_view name);
Handle open_dataset(hid_t parent, std::string_view name);
bool has_link(hid_t parent, std::string_view name);

/// How a dataset is stored; `chunk` empty means contiguous.
struct DatasetOptions {
  std::vector<hsize_t> chunk;
  bool shuffle = false;
  unsigned deflate_level = 0;  ///< 0 = no compression, 1..9 = zlib level
  std::optional<double> fill_value;
};

/// Creates a dataset of `file_type` with current shape `dims` and maximum shape `max_dims`
/// (entries may be H5S_UNLIMITED, which needs `options.chunk`); attribute creation order is
/// tracked and indexed, modification times are not stored.
Handle create_dataset(hid_t parent, std::string_view name, hid_t file_type,
                      std::span<const hsize_t> dims, std::span<const hsize_t> max_dims,
                      const DatasetOptions& options = {});
/// Reads back how `dataset` is stored (chunk shape, shuffle, deflate level, fill value when
/// it converts to double).
DatasetOptions dataset_options(hid_t dataset);

/// A variable-length, null-terminated UTF-8 string type: what h5py writes for `str`, read back
/// as Python `str` by h5py 3, h5netcdf and xarray.
Handle utf8_string_type();

/// Current and maximum shape of a dataset.
std::vector<hsize_t> dims(hid_t dataset);
std::vector<hsize_t> max_dims(hid_t dataset);
/// Sets the length of the first axis (growing needs an unlimited or larger maximum).
void resize_rows(hid_t dataset, hsize_t rows);
/// Grows `dataset` along its first axis to at least `first_row + rows` and writes `rows` rows
/// at `first_row`. The source is a row-major block of `block_columns` values per row of
/// `mem_type`; the dataset's width (its second axis, or 1 for a 1-D dataset) is taken from
/// column `first_column` on.
void write_rows(hid_t dataset, hid_t mem_type, const void* block, hsize_t rows,
                hsize_t block_columns, hsize_t first_column, hsize_t first_row);
/// Writes a whole dataset from memory holding every element in row-major order.
void write_all(hid_t dataset, hid_t mem_type, const void* data);
/// Writes a whole 1-D variable-length string dataset; each string must be valid UTF-8.
void write_strings(hid_t dataset, std::span<const std::string> values);
/// Reads a whole 1-D string dataset (variable or fixed length).
std::vector<std::string> read_strings(hid_t dataset);

/// True if `text` is well-formed UTF-8 (no overlongs, surrogates or code points past U+10FFFF).
bool is_valid_utf8(std::string_view text) noexcept;

bool has_attribute(hid_t object, std::string_view name);
/// Writes (replacing any attribute of that name, whatever its type) a scalar variable-length
/// UTF-8 string attribute. Throws std::invalid_argument if `text` is not valid UTF-8.
void write_attribute(hid_t object, std::string_view name, std::string_view text);
/// Writes (replacing) a scalar fixed-length, null-terminated ASCII string attribute, the form
/// the HDF5 Dimension Scales specification uses for CLASS and NAME.
void write_ascii_attribute(hid_t object, std::string_view name, std::string_view text);
/// Reads a scalar string attribute, variable or fixed length (trailing NULs dropped).
std::string read_string_attribute(hid_t object, std::string_view name);

template <class T>
concept Numeric =
    std::same_as<T, std::int32_t> || std::same_as<T, std::int64_t> || std::same_as<T, double>;

/// The native memory type and the little-endian file type used for T.
template <Numeric T>
hid_t native_type() {
  if constexpr (std::is_same_v<T, std::int32_t>) return H5T_NATIVE_INT32;
  if constexpr (std::is_same_v<T, std::int64_t>) return H5T_NATIVE_INT64;
  if constexpr (std::is_same_v<T, double>) return H5T_NATIVE_DOUBLE;
}
template <Numeric T>
hid_t file_type() {
  if constexpr (std::is_same_v<T, std::int32_t>) return H5T_STD_I32LE;
  if constexpr (std::is_same_v<T, std::int64_t>) return H5T_STD_I64LE;
  if constexpr (std::is_same_v<T, double>) return H5T_IEEE_F64LE;
}

namespace detail {
/// `length` empty: scalar dataspace holding one value; otherwise 1-D of that length.
void write_attribute(hid_t object, std::string_view name, hid_t file_type, hid_t mem_type,
                     const void* data, std::optional<hsize_t> length);
/// Number of elements of an attribute.
hsize_t attribute_length(hid_t object, std::string_view name);
void read_attribute(hid_t object, std::string_view name, hid_t mem_type, void* data);
hsize_t element_count(hid_t dataset);
void read_all(hid_t dataset, hid_t mem_type, void* data);
}  // namespace detail

/// Writes (replacing) a scalar numeric attribute; the file type follows T (int64 stays int64).
template <Numeric T>
void write_attribute(hid_t object, std::string_view name, T value) {
  detail::write_attribute(object, name, file_type<T>(), native_type<T>(), &value, std::nullopt);
}
/// Writes (replacing) a 1-D numeric attribute.
template <Numeric T>
void write_array_attribute(hid_t object, std::string_view name, std::span<const T> values) {
  detail::write_attribute(object, name, file_type<T>(), native_type<T>(), values.data(),
                          static_cast<hsize_t>(values.size()));
}
/// Reads a numeric attribute holding exactly one value, converting to T.
template <Numeric T>
T read_attribute(hid_t object, std::string_view name) {
  std::vector<T> values(detail::attribute_length(object, name));
  detail::read_attribute(object, name, native_type<T>(), values.data());
  if (values.size() != 1) {
    throw std::runtime_error("HDF5 attribute '" + std::string(name) + "' holds " +
                             std::to_string(values.size()) + " values, not one");
  }
  return values.front();
}
template <Numeric T>
std::vector<T> read_array_attribute(hid_t object, std::string_view name) {
  std::vector<T> values(detail::attribute_length(object, name));
  detail::read_attribute(object, name, native_type<T>(), values.data());
  return values;
}
/// Reads a whole numeric dataset, every element in row-major order, converting to T.
template <Numeric T>
std::vector<T> read_all(hid_t dataset) {
  std::vector<T> values(detail::element_count(dataset));
  if (!values.empty()) detail::read_all(dataset, native_type<T>(), values.data());
  return values;
}

/// Makes `dataset` a dimension scale called `dimension_name`: the CLASS and NAME attributes of
/// the HDF5 Dimension Scales specification, in the form H5DSset_scale writes them.
void set_dimension_scale(hid_t dataset, std::string_view dimension_name);
/// Attaches `scales[i]` to axis i of `dataset` (one scale per axis, all axes at once): writes
/// the dataset's DIMENSION_LIST and adds it to each scale's REFERENCE_LIST, in the form
/// H5DSattach_scale writes them, so h5py's `dims` and netCDF-4 readers see named dimensions.
void attach_dimension_scales(hid_t dataset, std::span<const hid_t> scales);
/// Paths of the scales attached to each axis of `dataset` (the last one if several).
std::vector<std::string> dimension_scale_paths(hid_t dataset);
/// (referring dataset path, axis) entries of a scale's REFERENCE_LIST.
std::vector<std::pair<std::string, int>> scale_references(hid_t scale);

}  // namespace caresim::io::hdf5
