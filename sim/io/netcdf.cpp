#include "caresim/io/netcdf.hpp"

#include <algorithm>
#include <bit>
#include <cstdio>
#include <deque>
#include <limits>
#include <map>
#include <stdexcept>

#include "caresim/io/hdf5.hpp"

namespace caresim::io::netcdf {
namespace {

constexpr std::size_t target_chunk_bytes = 32 * 1024;
constexpr unsigned deflate_level = 4;
// netCDF-C's marker for a dimension scale that is not also a variable (nc4internal.h,
// DIM_WITHOUT_VARIABLE), followed by the length printed as "%10d".
constexpr std::string_view dimension_without_variable =
    "This is a netCDF dimension but not a netCDF variable.";

hid_t file_type_of(Type type, const hdf5::Handle& string_type) {
  switch (type) {
    case Type::int32:
      return H5T_STD_I32LE;
    case Type::int64:
      return H5T_STD_I64LE;
    case Type::uint64:
      return H5T_STD_U64LE;
    case Type::float64:
      return H5T_IEEE_F64LE;
    case Type::string:
      return string_type.get();
  }
  return H5T_IEEE_F64LE;
}

std::size_t element_bytes(Type type) {
  switch (type) {
    case Type::int32:
      return 4;
    case Type::string:
      return 16;  // a variable-length string's heap reference
    default:
      return 8;
  }
}

std::string child_path(const std::string& parent, std::string_view name) {
  std::string path = parent;
  if (path.empty() || path.back() != '/') path += '/';
  path.append(name);
  return path;
}

void require_name(std::string_view name, std::string_view what) {
  if (name.empty() || name.find('/') != std::string_view::npos ||
      name.find('\0') != std::string_view::npos || !hdf5::is_valid_utf8(name)) {
    throw std::invalid_argument("netCDF " + std::string(what) + " name '" + std::string(name) +
                                "' must be non-empty UTF-8 without '/'");
  }
}

}  // namespace

struct Group::State {
  struct Dimension {
    std::int32_t id = 0;
    hdf5::Handle scale;
    std::size_t length = 0;
    bool unlimited = false;
  };
  hdf5::Handle group;
  State* parent = nullptr;
  std::string path;
  std::map<std::string, Dimension, std::less<>> dimensions;
  bool removed = false;

  const Dimension* find_dimension(std::string_view name) const {
    for (const State* g = this; g != nullptr; g = g->parent) {
      const auto found = g->dimensions.find(name);
      if (found != g->dimensions.end()) return &found->second;
    }
    return nullptr;
  }
};

struct Group::FileState {
  hdf5::Handle file;
  std::int32_t next_dimension_id = 0;
  std::deque<Group::State> groups;  // a deque: States never move, Groups point at them
  hdf5::Handle string_type;
};

struct Variable::Impl {
  hdf5::Handle dataset;
  Type type = Type::float64;
};

// --- Variable ---

Variable::Variable() = default;
Variable::~Variable() = default;
Variable::Variable(Variable&&) noexcept = default;
Variable& Variable::operator=(Variable&&) noexcept = default;

namespace {
void require_count(hid_t dataset, std::size_t count) {
  std::size_t expected = 1;
  for (const hsize_t extent : hdf5::dims(dataset))
    expected *= static_cast<std::size_t>(extent);
  if (expected != count) {
    throw std::invalid_argument("netCDF variable " + hdf5::object_path(dataset) + " holds " +
                                std::to_string(expected) + " values, not " + std::to_string(count));
  }
}
}  // namespace

void Variable::write(std::span<const double> values) {
  require_count(impl_->dataset.get(), values.size());
  if (!values.empty()) hdf5::write_all(impl_->dataset.get(), H5T_NATIVE_DOUBLE, values.data());
}

void Variable::write(std::span<const std::int64_t> values) {
  require_count(impl_->dataset.get(), values.size());
  if (!values.empty()) hdf5::write_all(impl_->dataset.get(), H5T_NATIVE_INT64, values.data());
}

void Variable::write(std::span<const std::int32_t> values) {
  require_count(impl_->dataset.get(), values.size());
  if (!values.empty()) hdf5::write_all(impl_->dataset.get(), H5T_NATIVE_INT32, values.data());
}

void Variable::write(std::span<const std::uint64_t> values) {
  require_count(impl_->dataset.get(), values.size());
  if (!values.empty()) hdf5::write_all(impl_->dataset.get(), H5T_NATIVE_UINT64, values.data());
}

void Variable::write(std::span<const std::string> values) {
  hdf5::write_strings(impl_->dataset.get(), values);
}

void Variable::write_rows(const double* block, std::size_t rows, std::size_t block_columns,
                          std::size_t first_column, std::size_t first_row) {
  hdf5::write_rows(impl_->dataset.get(), H5T_NATIVE_DOUBLE, block, rows, block_columns,
                   first_column, first_row);
}

void Variable::write_rows(const std::int64_t* block, std::size_t rows, std::size_t first_row) {
  hdf5::write_rows(impl_->dataset.get(), H5T_NATIVE_INT64, block, rows, 1, 0, first_row);
}

void Variable::resize_rows(std::size_t rows) {
  hdf5::resize_rows(impl_->dataset.get(), rows);
}

void Variable::set_attribute(std::string_view name, std::string_view text) {
  hdf5::write_attribute(impl_->dataset.get(), name, text);
}

void Variable::set_attribute(std::string_view name, std::int64_t value) {
  hdf5::write_attribute(impl_->dataset.get(), name, value);
}

void Variable::set_attribute(std::string_view name, double value) {
  hdf5::write_attribute(impl_->dataset.get(), name, value);
}

void Variable::close() {
  if (impl_) impl_->dataset.close();
}

// --- Group ---

namespace {

Group::State& live(Group::State* state) {
  if (state == nullptr || state->removed) {
    throw std::logic_error("netCDF group used after it was removed or its file closed");
  }
  return *state;
}

void write_dimension_id(hid_t scale, std::int32_t id) {
  hdf5::write_attribute(scale, "_Netcdf4Dimid", id);
}

}  // namespace

Group Group::create_group(std::string_view name) {
  State& self = live(self_);
  require_name(name, "group");
  State child;
  child.group = hdf5::create_group(self.group.get(), name);
  child.parent = &self;
  child.path = child_path(self.path, name);
  file_->groups.push_back(std::move(child));
  return Group(file_, &file_->groups.back());
}

bool Group::has(std::string_view name) const {
  return hdf5::has_link(live(self_).group.get(), name);
}

void Group::remove_group(std::string_view name) {
  State& self = live(self_);
  const std::string path = child_path(self.path, name);
  for (State& state : file_->groups) {
    if (state.path == path || state.path.starts_with(path + "/")) {
      state.dimensions.clear();
      state.group.close();
      state.removed = true;
    }
  }
  hdf5::delete_link(self.group.get(), name);
}

void Group::define_dimension(std::string_view name, std::size_t length, bool unlimited) {
  State& self = live(self_);
  require_name(name, "dimension");
  if (self.dimensions.contains(name)) {
    throw std::invalid_argument("netCDF dimension '" + std::string(name) + "' defined twice in " +
                                self.path);
  }
  const hsize_t size = unlimited ? 0 : length;
  const hsize_t max_size = unlimited ? H5S_UNLIMITED : length;
  hdf5::DatasetOptions options;
  if (unlimited) options.chunk = {1024};
  hdf5::Handle scale = hdf5::create_dataset(self.group.get(), name, H5T_IEEE_F32LE,
                                            std::span(&size, 1), std::span(&max_size, 1), options);
  char marker[96];
  std::snprintf(marker, sizeof marker, "%s%10d", dimension_without_variable.data(),
                static_cast<int>(unlimited ? 0 : length));
  hdf5::set_dimension_scale(scale.get(), marker);
  const std::int32_t id = file_->next_dimension_id++;
  write_dimension_id(scale.get(), id);
  self.dimensions.emplace(
      std::string(name), State::Dimension{id, std::move(scale), unlimited ? 0 : length, unlimited});
}

namespace {

hdf5::DatasetOptions storage_options(const VariableSpec& spec, const std::vector<hsize_t>& shape,
                                     bool first_unlimited) {
  hdf5::DatasetOptions options;
  bool empty = false;
  for (std::size_t k = 0; k < shape.size(); ++k) {
    if (shape[k] == 0 && !(k == 0 && first_unlimited)) empty = true;
  }
  if (!spec.storage.chunk.empty()) {
    if (spec.storage.chunk.size() != shape.size()) {
      throw std::invalid_argument("netCDF variable '" + spec.name + "': chunk rank differs");
    }
    for (const std::size_t c : spec.storage.chunk)
      options.chunk.push_back(std::max<hsize_t>(1, c));
  } else if (first_unlimited) {
    std::size_t row_bytes = element_bytes(spec.type);
    for (std::size_t k = 1; k < shape.size(); ++k)
      row_bytes *= std::max<std::size_t>(1, shape[k]);
    options.chunk.push_back(
        std::bit_ceil(std::max<std::size_t>(1, (target_chunk_bytes + row_bytes - 1) / row_bytes)));
    for (std::size_t k = 1; k < shape.size(); ++k)
      options.chunk.push_back(std::max<hsize_t>(1, shape[k]));
  } else if (spec.storage.compress && !empty) {
    // Chunks of whole trailing rows, up to about 64 KiB.
    std::vector<hsize_t> chunk(shape.size(), 1);
    hsize_t elements = 1;
    for (std::size_t k = shape.size(); k-- > 0;) {
      const hsize_t room = std::max<hsize_t>(1, 8192 / elements);
      chunk[k] = std::max<hsize_t>(1, std::min(shape[k], room));
      elements *= chunk[k];
    }
    options.chunk = chunk;
  }
  if (empty && !first_unlimited) options.chunk.clear();
  if (spec.storage.compress && !options.chunk.empty()) {
    options.shuffle = true;
    options.deflate_level = deflate_level;
  }
  if (spec.type == Type::float64) options.fill_value = std::numeric_limits<double>::quiet_NaN();
  return options;
}

void write_common_attributes(hid_t dataset, const VariableSpec& spec) {
  if (!spec.units.empty()) hdf5::write_attribute(dataset, "units", spec.units);
  if (!spec.long_name.empty()) {
    hdf5::write_attribute(dataset, "long_name", spec.long_name);
    hdf5::write_attribute(dataset, "description", spec.long_name);
  }
  if (spec.type == Type::float64) {
    hdf5::write_attribute(dataset, "_FillValue", std::numeric_limits<double>::quiet_NaN());
  }
}

}  // namespace

Variable Group::define_coordinate(const VariableSpec& spec, std::size_t length, bool unlimited) {
  State& self = live(self_);
  require_name(spec.name, "dimension");
  if (self.dimensions.contains(spec.name)) {
    throw std::invalid_argument("netCDF dimension '" + spec.name + "' defined twice in " +
                                self.path);
  }
  const std::vector<hsize_t> shape{unlimited ? 0 : static_cast<hsize_t>(length)};
  const std::vector<hsize_t> max_shape{unlimited ? H5S_UNLIMITED : static_cast<hsize_t>(length)};
  if (!file_->string_type) file_->string_type = hdf5::utf8_string_type();
  hdf5::Handle dataset =
      hdf5::create_dataset(self.group.get(), spec.name, file_type_of(spec.type, file_->string_type),
                           shape, max_shape, storage_options(spec, shape, unlimited));
  hdf5::set_dimension_scale(dataset.get(), spec.name);
  const std::int32_t id = file_->next_dimension_id++;
  write_dimension_id(dataset.get(), id);
  const std::int32_t ids[1] = {id};
  hdf5::write_array_attribute<std::int32_t>(dataset.get(), "_Netcdf4Coordinates", ids);
  write_common_attributes(dataset.get(), spec);
  self.dimensions.emplace(spec.name,
                          State::Dimension{id, hdf5::open_dataset(self.group.get(), spec.name),
                                           unlimited ? 0 : length, unlimited});
  Variable variable;
  variable.impl_ = std::make_unique<Variable::Impl>();
  variable.impl_->dataset = std::move(dataset);
  variable.impl_->type = spec.type;
  return variable;
}

void Group::define_index(std::string_view name, std::size_t length, std::string_view long_name) {
  Variable index = define_coordinate(
      {.name = std::string(name), .type = Type::int64, .long_name = std::string(long_name)},
      length);
  std::vector<Index> values(length);
  for (std::size_t i = 0; i < length; ++i)
    values[i] = static_cast<Index>(i);
  index.write(std::span<const Index>(values));
}

Variable Group::define_variable(const VariableSpec& spec) {
  State& self = live(self_);
  require_name(spec.name, "variable");
  if (spec.dimensions.empty()) {
    throw std::invalid_argument("netCDF variable '" + spec.name + "' needs a dimension");
  }
  std::vector<hsize_t> shape, max_shape;
  std::vector<hid_t> scales;
  std::vector<std::int32_t> ids;
  for (std::size_t k = 0; k < spec.dimensions.size(); ++k) {
    const State::Dimension* dimension = self.find_dimension(spec.dimensions[k]);
    if (dimension == nullptr) {
      throw std::invalid_argument("netCDF variable '" + spec.name + "' in " + self.path +
                                  ": no dimension '" + spec.dimensions[k] + "'");
    }
    if (dimension->unlimited && k != 0) {
      throw std::invalid_argument("netCDF variable '" + spec.name +
                                  "': only the first dimension may be unlimited");
    }
    shape.push_back(dimension->unlimited ? 0 : dimension->length);
    max_shape.push_back(dimension->unlimited ? H5S_UNLIMITED : dimension->length);
    scales.push_back(dimension->scale.get());
    ids.push_back(dimension->id);
  }
  const bool first_unlimited = max_shape.front() == H5S_UNLIMITED;
  if (!file_->string_type) file_->string_type = hdf5::utf8_string_type();
  hdf5::Handle dataset =
      hdf5::create_dataset(self.group.get(), spec.name, file_type_of(spec.type, file_->string_type),
                           shape, max_shape, storage_options(spec, shape, first_unlimited));
  write_common_attributes(dataset.get(), spec);
  hdf5::write_array_attribute<std::int32_t>(dataset.get(), "_Netcdf4Coordinates", ids);
  hdf5::attach_dimension_scales(dataset.get(), scales);
  Variable variable;
  variable.impl_ = std::make_unique<Variable::Impl>();
  variable.impl_->dataset = std::move(dataset);
  variable.impl_->type = spec.type;
  return variable;
}

void Group::write_strings(std::string_view name, std::string_view dimension,
                          std::span<const std::string> values, std::string_view long_name) {
  Variable variable = define_variable({.name = std::string(name),
                                       .type = Type::string,
                                       .dimensions = {std::string(dimension)},
                                       .long_name = std::string(long_name)});
  variable.write(values);
}

void Group::set_attribute(std::string_view name, std::string_view text) {
  hdf5::write_attribute(live(self_).group.get(), name, text);
}

void Group::set_attribute(std::string_view name, std::int64_t value) {
  hdf5::write_attribute(live(self_).group.get(), name, value);
}

void Group::set_attribute(std::string_view name, double value) {
  hdf5::write_attribute(live(self_).group.get(), name, value);
}

const std::string& Group::path() const {
  return live(self_).path;
}

// --- File ---

File File::create(const std::filesystem::path& path) {
  File file;
  file.state_ = std::make_shared<Group::FileState>();
  file.state_->file = hdf5::create_file(path);
  Group::State root;
  root.group = hdf5::open_group(file.state_->file.get(), "/");
  root.path = std::string(1, '/');  // not a literal: GCC 12 -Wrestrict false positive
  file.state_->groups.push_back(std::move(root));
  return file;
}

File::~File() {
  try {
    close();
  } catch (...) {
    // A destructor cannot report; close() explicitly to see failures.
  }
}

File::File(File&&) noexcept = default;
File& File::operator=(File&&) noexcept = default;

Group File::root() {
  if (!state_ || !state_->file) throw std::logic_error("netCDF file is closed");
  return Group(state_, &state_->groups.front());
}

void File::flush() {
  if (state_ && state_->file) hdf5::flush_file(state_->file.get());
}

void File::close() {
  if (!state_ || !state_->file) return;
  for (Group::State& group : state_->groups) {
    group.dimensions.clear();
    group.group.close();
    group.removed = true;
  }
  state_->string_type.close();
  state_->file.close();
}

// --- Reader ---

struct Reader::Impl {
  hdf5::Handle file;
  std::filesystem::path path;
  hdf5::Handle open(std::string_view variable) const {
    try {
      return hdf5::open_dataset(file.get(), variable);
    } catch (const std::runtime_error& error) {
      throw std::runtime_error(path.string() + ": " + error.what());
    }
  }
};

Reader::Reader(const std::filesystem::path& path) : impl_(std::make_unique<Impl>()) {
  impl_->path = path;
  impl_->file = hdf5::open_file(path);
}

Reader::~Reader() = default;
Reader::Reader(Reader&&) noexcept = default;
Reader& Reader::operator=(Reader&&) noexcept = default;

bool Reader::has_variable(std::string_view path) const {
  // H5Lexists fails on a path whose intermediate groups are missing: check each step.
  std::size_t start = 0;
  while (true) {
    const std::size_t slash = path.find('/', start);
    const std::string_view prefix = path.substr(0, slash);
    if (!hdf5::has_link(impl_->file.get(), prefix)) return false;
    if (slash == std::string_view::npos) return true;
    start = slash + 1;
  }
}

std::vector<std::size_t> Reader::shape(std::string_view path) const {
  std::vector<std::size_t> out;
  for (const hsize_t extent : hdf5::dims(impl_->open(path).get()))
    out.push_back(static_cast<std::size_t>(extent));
  return out;
}

std::vector<double> Reader::read_doubles(std::string_view path) const {
  return hdf5::read_all<double>(impl_->open(path).get());
}

std::vector<std::int64_t> Reader::read_integers(std::string_view path) const {
  return hdf5::read_all<std::int64_t>(impl_->open(path).get());
}

std::vector<std::string> Reader::read_strings(std::string_view path) const {
  return hdf5::read_strings(impl_->open(path).get());
}

bool Reader::has_attribute(std::string_view name) const {
  return hdf5::has_attribute(impl_->file.get(), name);
}

std::string Reader::text_attribute(std::string_view name) const {
  return hdf5::read_string_attribute(impl_->file.get(), name);
}

}  // namespace caresim::io::netcdf
