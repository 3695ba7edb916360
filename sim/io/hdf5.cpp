#include "caresim/io/hdf5.hpp"

#include <cstddef>
#include <stdexcept>
#include <string>

namespace caresim::io::hdf5 {
namespace {

constexpr unsigned creation_order = H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED;

herr_t keep_innermost_message(unsigned depth, const H5E_error2_t* error, void* message) {
  if (depth == 0 && error->desc != nullptr) *static_cast<std::string*>(message) = error->desc;
  return 0;
}

[[noreturn]] void fail(std::string_view operation, std::string_view object) {
  std::string message = "HDF5 " + std::string(operation) + " '" + std::string(object) + "' failed";
  std::string detail;
  // Walking upward starts at the most specific entry, e.g. the errno text of a failed open.
  H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, keep_innermost_message, &detail);
  H5Eclear2(H5E_DEFAULT);
  if (!detail.empty()) message += ": " + detail;
  throw std::runtime_error(message);
}

herr_t close_id(hid_t id) {
  switch (H5Iget_type(id)) {
    case H5I_FILE:
      return H5Fclose(id);
    case H5I_GROUP:
      return H5Gclose(id);
    case H5I_DATATYPE:
      return H5Tclose(id);
    case H5I_DATASPACE:
      return H5Sclose(id);
    case H5I_DATASET:
      return H5Dclose(id);
    case H5I_ATTR:
      return H5Aclose(id);
    case H5I_GENPROP_LST:
      return H5Pclose(id);
    case H5I_BADID:
      return -1;
    default:
      return H5Idec_ref(id) < 0 ? -1 : 0;
  }
}

std::string child_path(hid_t parent, std::string_view name) {
  std::string path = object_path(parent);
  if (path.empty() || path.back() != '/') path += '/';
  return path + std::string(name);
}

std::string attribute_label(hid_t object, std::string_view name) {
  return object_path(object) + ":" + std::string(name);
}

bool is_ascii(std::string_view text) {
  for (const char c : text) {
    if (static_cast<unsigned char>(c) >= 0x80 || c == '\0') return false;
  }
  return true;
}

void require_text(std::string_view text, std::string_view what) {
  if (!is_valid_utf8(text) || text.find('\0') != std::string_view::npos) {
    throw std::invalid_argument(std::string(what) + " is not valid UTF-8 text without NULs");
  }
}

Handle open_attribute(hid_t object, std::string_view name) {
  return Handle(H5Aopen(object, std::string(name).c_str(), H5P_DEFAULT), "open attribute",
                attribute_label(object, name));
}

/// Releases the memory HDF5 allocated for variable-length data read into `buffer`.
class VlenReclaim {
 public:
  VlenReclaim(hid_t type, hid_t space, void* buffer)
      : type_(type), space_(space), buffer_(buffer) {}
  ~VlenReclaim() { H5Dvlen_reclaim(type_, space_, H5P_DEFAULT, buffer_); }
  VlenReclaim(const VlenReclaim&) = delete;
  VlenReclaim& operator=(const VlenReclaim&) = delete;

 private:
  hid_t type_;
  hid_t space_;
  void* buffer_;
};

/// One entry of a dimension scale's REFERENCE_LIST, laid out as H5DS defines it.
struct ScaleReference {
  hobj_ref_t dataset;
  int axis;
};

Handle scale_reference_type() {
  Handle type(H5Tcreate(H5T_COMPOUND, sizeof(ScaleReference)), "create type", "REFERENCE_LIST");
  check(H5Tinsert(type.get(), "dataset", offsetof(ScaleReference, dataset), H5T_STD_REF_OBJ),
        "insert member", "REFERENCE_LIST.dataset");
  check(H5Tinsert(type.get(), "dimension", offsetof(ScaleReference, axis), H5T_NATIVE_INT),
        "insert member", "REFERENCE_LIST.dimension");
  return type;
}

std::vector<ScaleReference> read_scale_references(hid_t scale) {
  std::vector<ScaleReference> entries;
  if (!has_attribute(scale, "REFERENCE_LIST")) return entries;
  const Handle type = scale_reference_type();
  entries.resize(detail::attribute_length(scale, "REFERENCE_LIST"));
  detail::read_attribute(scale, "REFERENCE_LIST", type.get(), entries.data());
  return entries;
}

hobj_ref_t reference_to(hid_t object) {
  hobj_ref_t reference{};
  check(H5Rcreate(&reference, object, ".", H5R_OBJECT, -1), "create reference to",
        object_path(object));
  return reference;
}

std::string dereferenced_path(hid_t from, hobj_ref_t reference) {
  const Handle object(H5Rdereference2(from, H5P_DEFAULT, H5R_OBJECT, &reference),
                      "dereference object reference in", object_path(from));
  return object_path(object.get());
}

}  // namespace

Handle::Handle(hid_t id, std::string_view operation, std::string_view object) : id_(id) {
  if (id_ < 0) fail(operation, object);
}

Handle::~Handle() {
  if (id_ >= 0) close_id(id_);
}

Handle& Handle::operator=(Handle&& other) noexcept {
  if (this != &other) {
    if (id_ >= 0) close_id(id_);
    id_ = std::exchange(other.id_, H5I_INVALID_HID);
  }
  return *this;
}

void Handle::close() {
  if (id_ < 0) return;
  const hid_t id = std::exchange(id_, H5I_INVALID_HID);
  check(close_id(id), "close identifier", std::to_string(id));
}

void check(herr_t status, std::string_view operation, std::string_view object) {
  if (status < 0) fail(operation, object);
}

void silence_error_printing() {
  thread_local bool silenced = false;
  if (!silenced) {
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
    silenced = true;
  }
}

std::string object_path(hid_t object) {
  const ssize_t length = H5Iget_name(object, nullptr, 0);
  if (length <= 0) return "(unnamed)";
  std::string path(static_cast<std::size_t>(length), '\0');
  H5Iget_name(object, path.data(), path.size() + 1);
  return path;
}

Handle create_file(const std::filesystem::path& path) {
  silence_error_printing();
  const std::string name = path.string();
  const Handle fcpl(H5Pcreate(H5P_FILE_CREATE), "create file-creation properties for", name);
  check(H5Pset_link_creation_order(fcpl.get(), creation_order), "set link order of", name);
  check(H5Pset_attr_creation_order(fcpl.get(), creation_order), "set attribute order of", name);
  check(H5Pset_obj_track_times(fcpl.get(), false), "turn off modification times of", name);
  const Handle fapl(H5Pcreate(H5P_FILE_ACCESS), "create file-access properties for", name);
  check(H5Pset_libver_bounds(fapl.get(), H5F_LIBVER_V18, H5F_LIBVER_V18),
        "set file-format bounds of", name);
  return Handle(H5Fcreate(name.c_str(), H5F_ACC_TRUNC, fcpl.get(), fapl.get()), "create file",
                name);
}

Handle open_file(const std::filesystem::path& path) {
  silence_error_printing();
  const std::string name = path.string();
  return Handle(H5Fopen(name.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), "open file", name);
}

void flush_file(hid_t object) {
  silence_error_printing();
  check(H5Fflush(object, H5F_SCOPE_GLOBAL), "flush file of", object_path(object));
}

Handle create_group(hid_t parent, std::string_view name) {
  silence_error_printing();
  const std::string path = child_path(parent, name);
  const Handle gcpl(H5Pcreate(H5P_GROUP_CREATE), "create group properties for", path);
  check(H5Pset_link_creation_order(gcpl.get(), creation_order), "set link order of", path);
  check(H5Pset_attr_creation_order(gcpl.get(), creation_order), "set attribute order of", path);
  check(H5Pset_obj_track_times(gcpl.get(), false), "turn off modification times of", path);
  return Handle(H5Gcreate2(parent, std::string(name).c_str(), H5P_DEFAULT, gcpl.get(), H5P_DEFAULT),
                "create group", path);
}

Handle open_group(hid_t parent, std::string_view name) {
  silence_error_printing();
  return Handle(H5Gopen2(parent, std::string(name).c_str(), H5P_DEFAULT), "open group",
                child_path(parent, name));
}

void delete_link(hid_t parent, std::string_view name) {
  silence_error_printing();
  check(H5Ldelete(parent, std::string(name).c_str(), H5P_DEFAULT), "delete",
        child_path(parent, name));
}

Handle open_dataset(hid_t parent, std::string_view name) {
  silence_error_printing();
  return Handle(H5Dopen2(parent, std::string(name).c_str(), H5P_DEFAULT), "open dataset",
                child_path(parent, name));
}

bool has_link(hid_t parent, std::string_view name) {
  silence_error_printing();
  const htri_t exists = H5Lexists(parent, std::string(name).c_str(), H5P_DEFAULT);
  check(exists, "look up link", child_path(parent, name));
  return exists > 0;
}

Handle create_dataset(hid_t parent, std::string_view name, hid_t file_type,
                      std::span<const hsize_t> dims, std::span<const hsize_t> max_dims,
                      const DatasetOptions& options) {
  silence_error_printing();
  const std::string path = child_path(parent, name);
  if (dims.size() != max_dims.size() || dims.empty()) {
    throw std::invalid_argument("dataset " + path + ": shape and maximum shape differ in rank");
  }
  if (options.chunk.empty() && (options.shuffle || options.deflate_level > 0)) {
    throw std::invalid_argument("dataset " + path + ": filters need a chunked layout");
  }
  const int rank = static_cast<int>(dims.size());
  const Handle space(H5Screate_simple(rank, dims.data(), max_dims.data()), "create dataspace of",
                     path);
  const Handle dcpl(H5Pcreate(H5P_DATASET_CREATE), "create dataset properties for", path);
  check(H5Pset_attr_creation_order(dcpl.get(), creation_order), "set attribute order of", path);
  check(H5Pset_obj_track_times(dcpl.get(), false), "turn off modification times of", path);
  if (!options.chunk.empty()) {
    if (options.chunk.size() != dims.size()) {
      throw std::invalid_argument("dataset " + path + ": chunk rank differs from dataset rank");
    }
    check(H5Pset_chunk(dcpl.get(), rank, options.chunk.data()), "set chunk shape of", path);
    // Shuffle goes first: it groups the bytes of each significance so deflate finds runs.
    if (options.shuffle) check(H5Pset_shuffle(dcpl.get()), "add shuffle filter to", path);
    if (options.deflate_level > 0) {
      check(H5Pset_deflate(dcpl.get(), options.deflate_level), "add deflate filter to", path);
    }
  }
  if (options.fill_value) {
    check(H5Pset_fill_value(dcpl.get(), H5T_NATIVE_DOUBLE, &*options.fill_value),
          "set fill value of", path);
  }
  return Handle(H5Dcreate2(parent, std::string(name).c_str(), file_type, space.get(), H5P_DEFAULT,
                           dcpl.get(), H5P_DEFAULT),
                "create dataset", path);
}

DatasetOptions dataset_options(hid_t dataset) {
  silence_error_printing();
  const std::string path = object_path(dataset);
  const Handle dcpl(H5Dget_create_plist(dataset), "get creation properties of", path);
  DatasetOptions options;
  const H5D_layout_t layout = H5Pget_layout(dcpl.get());
  check(layout, "get layout of", path);
  if (layout == H5D_CHUNKED) {
    options.chunk.resize(dims(dataset).size());
    check(H5Pget_chunk(dcpl.get(), static_cast<int>(options.chunk.size()), options.chunk.data()),
          "get chunk shape of", path);
  }
  const int filters = H5Pget_nfilters(dcpl.get());
  check(filters, "count filters of", path);
  for (unsigned index = 0; index < static_cast<unsigned>(filters); ++index) {
    unsigned flags = 0;
    unsigned config = 0;
    unsigned values[8] = {};
    std::size_t value_count = 8;
    const H5Z_filter_t filter =
        H5Pget_filter2(dcpl.get(), index, &flags, &value_count, values, 0, nullptr, &config);
    check(filter, "get filter of", path);
    if (filter == H5Z_FILTER_SHUFFLE) options.shuffle = true;
    if (filter == H5Z_FILTER_DEFLATE && value_count > 0) options.deflate_level = values[0];
  }
  H5D_fill_value_t fill_status{};
  check(H5Pfill_value_defined(dcpl.get(), &fill_status), "query fill value of", path);
  const Handle type(H5Dget_type(dataset), "get type of", path);
  const H5T_class_t type_class = H5Tget_class(type.get());
  if (fill_status == H5D_FILL_VALUE_USER_DEFINED &&
      (type_class == H5T_FLOAT || type_class == H5T_INTEGER)) {
    double fill = 0.0;
    check(H5Pget_fill_value(dcpl.get(), H5T_NATIVE_DOUBLE, &fill), "get fill value of", path);
    options.fill_value = fill;
  }
  return options;
}

Handle utf8_string_type() {
  silence_error_printing();
  Handle type(H5Tcopy(H5T_C_S1), "copy type", "string");
  check(H5Tset_size(type.get(), H5T_VARIABLE), "set size of", "string type");
  check(H5Tset_cset(type.get(), H5T_CSET_UTF8), "set character set of", "string type");
  check(H5Tset_strpad(type.get(), H5T_STR_NULLTERM), "set padding of", "string type");
  return type;
}

namespace {
void get_shape(hid_t dataset, std::vector<hsize_t>* current, std::vector<hsize_t>* maximum) {
  silence_error_printing();
  const std::string path = object_path(dataset);
  const Handle space(H5Dget_space(dataset), "get dataspace of", path);
  const int rank = H5Sget_simple_extent_ndims(space.get());
  check(rank, "get rank of", path);
  std::vector<hsize_t> cur(static_cast<std::size_t>(rank));
  std::vector<hsize_t> max(static_cast<std::size_t>(rank));
  check(H5Sget_simple_extent_dims(space.get(), cur.data(), max.data()), "get shape of", path);
  if (current != nullptr) *current = std::move(cur);
  if (maximum != nullptr) *maximum = std::move(max);
}
}  // namespace

std::vector<hsize_t> dims(hid_t dataset) {
  std::vector<hsize_t> current;
  get_shape(dataset, &current, nullptr);
  return current;
}

std::vector<hsize_t> max_dims(hid_t dataset) {
  std::vector<hsize_t> maximum;
  get_shape(dataset, nullptr, &maximum);
  return maximum;
}

void resize_rows(hid_t dataset, hsize_t rows) {
  std::vector<hsize_t> shape = dims(dataset);
  shape[0] = rows;
  check(H5Dset_extent(dataset, shape.data()), "resize", object_path(dataset));
}

void write_rows(hid_t dataset, hid_t mem_type, const void* block, hsize_t rows,
                hsize_t block_columns, hsize_t first_column, hsize_t first_row) {
  if (rows == 0) return;
  std::vector<hsize_t> shape = dims(dataset);
  const std::string path = object_path(dataset);
  if (shape.size() > 2) throw std::invalid_argument("write_rows: " + path + " has rank > 2");
  const hsize_t width = shape.size() == 2 ? shape[1] : 1;
  if (first_column + width > block_columns) {
    throw std::invalid_argument("write_rows: " + path + " is wider than the source block");
  }
  if (shape[0] < first_row + rows) {
    shape[0] = first_row + rows;
    check(H5Dset_extent(dataset, shape.data()), "extend", path);
  }
  const Handle file_space(H5Dget_space(dataset), "get dataspace of", path);
  const hsize_t file_start[2] = {first_row, 0};
  const hsize_t file_count[2] = {rows, width};
  check(H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, file_start, nullptr, file_count,
                            nullptr),
        "select rows of", path);
  const hsize_t mem_shape[2] = {rows, block_columns};
  const Handle mem_space(H5Screate_simple(2, mem_shape, nullptr), "create memory space for", path);
  const hsize_t mem_start[2] = {0, first_column};
  const hsize_t mem_count[2] = {rows, width};
  check(
      H5Sselect_hyperslab(mem_space.get(), H5S_SELECT_SET, mem_start, nullptr, mem_count, nullptr),
      "select memory columns for", path);
  check(H5Dwrite(dataset, mem_type, mem_space.get(), file_space.get(), H5P_DEFAULT, block),
        "write rows to", path);
}

void write_all(hid_t dataset, hid_t mem_type, const void* data) {
  silence_error_printing();
  check(H5Dwrite(dataset, mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data), "write",
        object_path(dataset));
}

void write_strings(hid_t dataset, std::span<const std::string> values) {
  const std::string path = object_path(dataset);
  if (dims(dataset) != std::vector<hsize_t>{values.size()}) {
    throw std::invalid_argument("write_strings: " + path + " does not hold " +
                                std::to_string(values.size()) + " strings");
  }
  std::vector<const char*> pointers;
  pointers.reserve(values.size());
  for (const std::string& value : values) {
    require_text(value, "a string for " + path);
    pointers.push_back(value.c_str());
  }
  if (pointers.empty()) return;
  const Handle type = utf8_string_type();
  check(H5Dwrite(dataset, type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, pointers.data()),
        "write strings to", path);
}

std::vector<std::string> read_strings(hid_t dataset) {
  silence_error_printing();
  const std::string path = object_path(dataset);
  const Handle type(H5Dget_type(dataset), "get type of", path);
  const Handle space(H5Dget_space(dataset), "get dataspace of", path);
  const hssize_t count = H5Sget_simple_extent_npoints(space.get());
  check(count < 0 ? -1 : 0, "count elements of", path);
  std::vector<std::string> values;
  if (count == 0) return values;
  values.reserve(static_cast<std::size_t>(count));
  const Handle mem_type(H5Tcopy(type.get()), "copy type of", path);
  const htri_t variable = H5Tis_variable_str(type.get());
  check(variable, "inspect string type of", path);
  if (variable > 0) {
    std::vector<char*> pointers(static_cast<std::size_t>(count), nullptr);
    check(H5Dread(dataset, mem_type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, pointers.data()),
          "read strings from", path);
    const VlenReclaim reclaim(mem_type.get(), space.get(), pointers.data());
    for (const char* pointer : pointers)
      values.emplace_back(pointer != nullptr ? pointer : "");
  } else {
    const std::size_t size = H5Tget_size(type.get());
    std::string buffer(size * static_cast<std::size_t>(count), '\0');
    check(H5Dread(dataset, mem_type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, buffer.data()),
          "read strings from", path);
    for (std::size_t i = 0; i < static_cast<std::size_t>(count); ++i) {
      std::string value = buffer.substr(i * size, size);
      value.resize(value.find('\0') == std::string::npos ? value.size() : value.find('\0'));
      values.push_back(std::move(value));
    }
  }
  return values;
}

bool is_valid_utf8(std::string_view text) noexcept {
  struct Form {
    unsigned char lead_mask, lead_bits;
    std::size_t length;
    char32_t minimum;
  };
  static constexpr Form forms[] = {
      {0x80, 0x00, 1, 0}, {0xE0, 0xC0, 2, 0x80}, {0xF0, 0xE0, 3, 0x800}, {0xF8, 0xF0, 4, 0x10000}};
  std::size_t i = 0;
  while (i < text.size()) {
    const auto lead = static_cast<unsigned char>(text[i]);
    const Form* form = nullptr;
    for (const Form& candidate : forms) {
      if ((lead & candidate.lead_mask) == candidate.lead_bits) form = &candidate;
    }
    if (form == nullptr || i + form->length > text.size()) return false;
    char32_t code_point = lead & static_cast<unsigned char>(~form->lead_mask);
    for (std::size_t k = 1; k < form->length; ++k) {
      const auto next = static_cast<unsigned char>(text[i + k]);
      if ((next & 0xC0) != 0x80) return false;
      code_point = (code_point << 6) | (next & 0x3Fu);
    }
    // Overlong forms, UTF-16 surrogates and values past U+10FFFF are not UTF-8.
    if (code_point < form->minimum || code_point > 0x10FFFF ||
        (code_point >= 0xD800 && code_point <= 0xDFFF)) {
      return false;
    }
    i += form->length;
  }
  return true;
}

bool has_attribute(hid_t object, std::string_view name) {
  silence_error_printing();
  const htri_t exists = H5Aexists(object, std::string(name).c_str());
  check(exists, "look up attribute", attribute_label(object, name));
  return exists > 0;
}

void write_attribute(hid_t object, std::string_view name, std::string_view text) {
  require_text(text, "attribute " + attribute_label(object, name));
  const Handle type = utf8_string_type();
  const std::string value(text);
  const char* pointer = value.c_str();
  detail::write_attribute(object, name, type.get(), type.get(), &pointer, std::nullopt);
}

void write_ascii_attribute(hid_t object, std::string_view name, std::string_view text) {
  if (!is_ascii(text)) {
    throw std::invalid_argument("attribute " + attribute_label(object, name) +
                                " must be ASCII without NULs");
  }
  const Handle type(H5Tcopy(H5T_C_S1), "copy type", "string");
  check(H5Tset_size(type.get(), text.size() + 1), "set size of", "string type");
  check(H5Tset_strpad(type.get(), H5T_STR_NULLTERM), "set padding of", "string type");
  const std::string value(text);
  detail::write_attribute(object, name, type.get(), type.get(), value.c_str(), std::nullopt);
}

std::string read_string_attribute(hid_t object, std::string_view name) {
  silence_error_printing();
  const std::string label = attribute_label(object, name);
  const Handle attribute = open_attribute(object, name);
  const Handle type(H5Aget_type(attribute.get()), "get type of", label);
  const Handle space(H5Aget_space(attribute.get()), "get dataspace of", label);
  if (H5Tget_class(type.get()) != H5T_STRING || H5Sget_simple_extent_npoints(space.get()) != 1) {
    throw std::runtime_error("HDF5 attribute " + label + " is not a single string");
  }
  const Handle mem_type(H5Tcopy(type.get()), "copy type of", label);
  const htri_t variable = H5Tis_variable_str(type.get());
  check(variable, "inspect string type of", label);
  if (variable > 0) {
    char* pointer = nullptr;
    check(H5Aread(attribute.get(), mem_type.get(), &pointer), "read", label);
    const VlenReclaim reclaim(mem_type.get(), space.get(), &pointer);
    return pointer != nullptr ? std::string(pointer) : std::string();
  }
  std::string value(H5Tget_size(type.get()), '\0');
  check(H5Aread(attribute.get(), mem_type.get(), value.data()), "read", label);
  value.resize(value.find('\0') == std::string::npos ? value.size() : value.find('\0'));
  return value;
}

namespace detail {

void write_attribute(hid_t object, std::string_view name, hid_t file_type, hid_t mem_type,
                     const void* data, std::optional<hsize_t> length) {
  const std::string label = attribute_label(object, name);
  const std::string attribute_name(name);
  const Handle space(length ? H5Screate_simple(1, &*length, nullptr) : H5Screate(H5S_SCALAR),
                     "create dataspace for", label);
  if (has_attribute(object, name)) {
    // Same type and shape: overwrite in place, so the attribute keeps its place in the creation
    // order. Otherwise delete and create, which lets the type or shape change.
    Handle existing = open_attribute(object, name);
    const Handle existing_type(H5Aget_type(existing.get()), "get type of", label);
    const Handle existing_space(H5Aget_space(existing.get()), "get dataspace of", label);
    const htri_t same_type = H5Tequal(existing_type.get(), file_type);
    const htri_t same_shape = H5Sextent_equal(existing_space.get(), space.get());
    check(same_type < 0 || same_shape < 0 ? -1 : 0, "compare attribute", label);
    if (same_type > 0 && same_shape > 0) {
      check(H5Awrite(existing.get(), mem_type, data), "write attribute", label);
      return;
    }
    existing.close();
    check(H5Adelete(object, attribute_name.c_str()), "delete attribute", label);
  }
  const Handle attribute(
      H5Acreate2(object, attribute_name.c_str(), file_type, space.get(), H5P_DEFAULT, H5P_DEFAULT),
      "create attribute", label);
  check(H5Awrite(attribute.get(), mem_type, data), "write attribute", label);
}

hsize_t attribute_length(hid_t object, std::string_view name) {
  silence_error_printing();
  const Handle attribute = open_attribute(object, name);
  const Handle space(H5Aget_space(attribute.get()), "get dataspace of",
                     attribute_label(object, name));
  const hssize_t count = H5Sget_simple_extent_npoints(space.get());
  check(count < 0 ? -1 : 0, "count elements of", attribute_label(object, name));
  return static_cast<hsize_t>(count);
}

void read_attribute(hid_t object, std::string_view name, hid_t mem_type, void* data) {
  silence_error_printing();
  const Handle attribute = open_attribute(object, name);
  check(H5Aread(attribute.get(), mem_type, data), "read attribute", attribute_label(object, name));
}

hsize_t element_count(hid_t dataset) {
  hsize_t count = 1;
  for (const hsize_t extent : dims(dataset))
    count *= extent;
  return count;
}

void read_all(hid_t dataset, hid_t mem_type, void* data) {
  silence_error_printing();
  check(H5Dread(dataset, mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data), "read",
        object_path(dataset));
}

}  // namespace detail

void set_dimension_scale(hid_t dataset, std::string_view dimension_name) {
  write_ascii_attribute(dataset, "CLASS", "DIMENSION_SCALE");
  write_ascii_attribute(dataset, "NAME", dimension_name);
}

void attach_dimension_scales(hid_t dataset, std::span<const hid_t> scales) {
  silence_error_printing();
  const std::string path = object_path(dataset);
  if (scales.size() != dims(dataset).size()) {
    throw std::invalid_argument("attach_dimension_scales: " + path + " needs one scale per axis");
  }
  std::vector<hobj_ref_t> scale_refs;
  scale_refs.reserve(scales.size());
  for (const hid_t scale : scales)
    scale_refs.push_back(reference_to(scale));
  std::vector<hvl_t> dimension_list(scales.size());
  for (std::size_t axis = 0; axis < scales.size(); ++axis) {
    dimension_list[axis] = hvl_t{1, &scale_refs[axis]};
  }
  const Handle list_type(H5Tvlen_create(H5T_STD_REF_OBJ), "create type", "DIMENSION_LIST");
  detail::write_attribute(dataset, "DIMENSION_LIST", list_type.get(), list_type.get(),
                          dimension_list.data(), static_cast<hsize_t>(dimension_list.size()));

  const hobj_ref_t dataset_ref = reference_to(dataset);
  const Handle entry_type = scale_reference_type();
  for (std::size_t axis = 0; axis < scales.size(); ++axis) {
    std::vector<ScaleReference> entries = read_scale_references(scales[axis]);
    entries.push_back(ScaleReference{dataset_ref, static_cast<int>(axis)});
    detail::write_attribute(scales[axis], "REFERENCE_LIST", entry_type.get(), entry_type.get(),
                            entries.data(), static_cast<hsize_t>(entries.size()));
  }
}

std::vector<std::string> dimension_scale_paths(hid_t dataset) {
  silence_error_printing();
  const std::string label = attribute_label(dataset, "DIMENSION_LIST");
  const Handle attribute = open_attribute(dataset, "DIMENSION_LIST");
  const Handle space(H5Aget_space(attribute.get()), "get dataspace of", label);
  const Handle list_type(H5Tvlen_create(H5T_STD_REF_OBJ), "create type", "DIMENSION_LIST");
  std::vector<hvl_t> lists(detail::attribute_length(dataset, "DIMENSION_LIST"));
  check(H5Aread(attribute.get(), list_type.get(), lists.data()), "read", label);
  const VlenReclaim reclaim(list_type.get(), space.get(), lists.data());
  std::vector<std::string> paths;
  for (const hvl_t& list : lists) {
    if (list.len == 0) {
      paths.emplace_back();
      continue;
    }
    paths.push_back(
        dereferenced_path(dataset, static_cast<const hobj_ref_t*>(list.p)[list.len - 1]));
  }
  return paths;
}

std::vector<std::pair<std::string, int>> scale_references(hid_t scale) {
  std::vector<std::pair<std::string, int>> references;
  for (const ScaleReference& entry : read_scale_references(scale)) {
    references.emplace_back(dereferenced_path(scale, entry.dataset), entry.axis);
  }
  return references;
}

}  // namespace caresim::io::hdf5
