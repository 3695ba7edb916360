#include "caresim/io/run_file.hpp"

#include <unistd.h>

#include <algorithm>
#include <bit>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <limits>
#include <optional>
#include <set>
#include <stdexcept>
#include <string_view>

#include "caresim/io/hdf5.hpp"

namespace caresim::io {
namespace {

// A chunk of 32 KiB up to just under 64 KiB (rows rounded up to a power of two, so every
// series' chunk is a whole number of the smallest one and buffered writes stay chunk-aligned).
constexpr std::size_t target_chunk_bytes = 32 * 1024;
constexpr hsize_t min_chunk_rows = 16;
constexpr unsigned deflate_level = 4;

constexpr std::string_view time_name = "time";
constexpr std::int32_t time_dimension_id = 0;

hsize_t chunk_rows(std::size_t row_bytes) {
  const std::size_t rows = (target_chunk_bytes + row_bytes - 1) / row_bytes;
  return std::bit_ceil(std::max<hsize_t>(min_chunk_rows, rows));
}

// Names become HDF5 links, netCDF variables and Python attributes (ds.beds_occupied), so keep
// them to what all three accept without quoting.
bool is_plain_name(std::string_view name) {
  if (name.empty() || !std::isalpha(static_cast<unsigned char>(name.front()))) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
  });
}

bool is_iso_date(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return false;
  int fields[3] = {0, 0, 0};
  const std::size_t starts[3] = {0, 5, 8};
  const std::size_t lengths[3] = {4, 2, 2};
  for (int f = 0; f < 3; ++f) {
    for (std::size_t i = starts[f]; i < starts[f] + lengths[f]; ++i) {
      if (!std::isdigit(static_cast<unsigned char>(text[i]))) return false;
      fields[f] = fields[f] * 10 + (text[i] - '0');
    }
  }
  const std::chrono::year_month_day date{std::chrono::year{fields[0]},
                                         std::chrono::month{static_cast<unsigned>(fields[1])},
                                         std::chrono::day{static_cast<unsigned>(fields[2])}};
  return date.ok();
}

void validate(const RunLayout& layout) {
  const auto reject = [](const std::string& why) {
    throw std::invalid_argument("RunLayout: " + why);
  };
  if (!is_iso_date(layout.start_date)) {
    reject("start_date '" + layout.start_date + "' is not a YYYY-MM-DD date");
  }
  std::set<std::string, std::less<>> taken{std::string(time_name)};
  const auto claim = [&](const std::string& name, const std::string& what) {
    if (!is_plain_name(name)) {
      reject(what + " name '" + name + "' must be a letter then letters, digits or '_'");
    }
    if (!taken.insert(name).second) {
      reject(what + " name '" + name + "' clashes with another variable or dimension");
    }
  };
  const auto require_text = [&](const std::string& text, const std::string& what) {
    if (!hdf5::is_valid_utf8(text) || text.find('\0') != std::string::npos) {
      reject(what + " is not UTF-8 text without NULs");
    }
  };
  for (const Dimension& dimension : layout.dimensions) {
    claim(dimension.name, "dimension");
    require_text(dimension.description, "description of dimension '" + dimension.name + "'");
    for (const std::string& label : dimension.labels) {
      require_text(label, "a label of dimension '" + dimension.name + "'");
    }
    claim(dimension.name + "_name", "dimension label");
    // A fixed-size axis of length 0 cannot be chunked, so a series on it could not be stored.
    if (dimension.labels.empty()) reject("dimension '" + dimension.name + "' has no labels");
  }
  for (const SeriesSpec& series : layout.series) {
    claim(series.name, "series");
    require_text(series.units, "units of series '" + series.name + "'");
    require_text(series.description, "description of series '" + series.name + "'");
    if (series.dimension < -1 || series.dimension >= static_cast<int>(layout.dimensions.size())) {
      reject("series '" + series.name + "' refers to dimension " +
             std::to_string(series.dimension) + ", which does not exist");
    }
  }
}

const char* status_text(RunStatus status) {
  switch (status) {
    case RunStatus::running:
      return "running";
    case RunStatus::finished:
      return "finished";
    case RunStatus::interrupted:
      return "interrupted";
    case RunStatus::failed:
      return "failed";
  }
  return "failed";
}

bool is_reserved_root_attribute(std::string_view name) {
  return name == "status" || name == "finished" || name == "steps_completed";
}

}  // namespace

struct RunFile::Impl {
  struct Series {
    hdf5::Handle dataset;
    std::size_t first_column = 0;
  };

  std::filesystem::path path;
  RunLayout layout;
  std::size_t row_width = 0;
  // Declared before the datasets so it is closed after them.
  hdf5::Handle file;
  hdf5::Handle time;
  std::vector<Series> series;

  hsize_t buffer_capacity_rows = 0;
  std::vector<double> buffered_values;
  std::vector<std::int32_t> buffered_days;
  hsize_t rows_in_file = 0;
  hsize_t rows_flushed = 0;
  std::int64_t rows_appended = 0;
  std::optional<std::int32_t> last_day;
  bool closed = false;

  /// Runs `action`, prefixing the path to any runtime error so a message says which file.
  template <class Action>
  void on_file(Action&& action) {
    try {
      action();
    } catch (const std::runtime_error& error) {
      throw std::runtime_error("run file " + path.string() + ": " + error.what());
    }
  }

  void require_open(std::string_view operation) const {
    if (closed) {
      throw std::logic_error("RunFile::" + std::string(operation) + ": " + path.string() +
                             " is already closed");
    }
  }

  void create();
  void write_buffer();
  void record_progress();
  void drop_unflushed_rows();
};

void RunFile::Impl::create() {
  file = hdf5::create_file(path);
  const hid_t root = file.get();
  hdf5::write_attribute(root, "status", status_text(RunStatus::running));
  hdf5::write_attribute(root, "finished", std::int64_t{0});
  hdf5::write_attribute(root, "steps_completed", std::int64_t{0});

  const hsize_t unlimited = H5S_UNLIMITED;
  const hsize_t empty = 0;
  time = hdf5::create_dataset(root, time_name, hdf5::file_type<std::int32_t>(),
                              std::span(&empty, 1), std::span(&unlimited, 1),
                              {.chunk = {chunk_rows(sizeof(std::int32_t))},
                               .shuffle = true,
                               .deflate_level = deflate_level,
                               .fill_value = std::nullopt});
  hdf5::write_attribute(time.get(), "units", "days since " + layout.start_date);
  hdf5::write_attribute(time.get(), "calendar", "proleptic_gregorian");
  hdf5::write_attribute(time.get(), "axis", "T");
  hdf5::write_attribute(time.get(), "standard_name", "time");
  hdf5::write_attribute(time.get(), "long_name", "simulated day");
  hdf5::set_dimension_scale(time.get(), time_name);
  // netCDF-4's own dimension ids; h5netcdf and netCDF-C order dimensions by them.
  hdf5::write_attribute(time.get(), "_Netcdf4Dimid", time_dimension_id);

  std::vector<hdf5::Handle> scales;
  const hdf5::Handle string_type = hdf5::utf8_string_type();
  for (std::size_t k = 0; k < layout.dimensions.size(); ++k) {
    const Dimension& dimension = layout.dimensions[k];
    const auto dimension_id = static_cast<std::int32_t>(k + 1);
    const hsize_t size = dimension.labels.size();
    hdf5::Handle scale = hdf5::create_dataset(root, dimension.name, hdf5::file_type<std::int32_t>(),
                                              std::span(&size, 1), std::span(&size, 1));
    std::vector<std::int32_t> indices(dimension.labels.size());
    for (std::size_t i = 0; i < indices.size(); ++i)
      indices[i] = static_cast<std::int32_t>(i);
    hdf5::write_all(scale.get(), hdf5::native_type<std::int32_t>(), indices.data());
    hdf5::write_attribute(scale.get(), "long_name", dimension.description);
    hdf5::write_attribute(scale.get(), "description", dimension.description);
    hdf5::set_dimension_scale(scale.get(), dimension.name);
    hdf5::write_attribute(scale.get(), "_Netcdf4Dimid", dimension_id);

    const hdf5::Handle names =
        hdf5::create_dataset(root, dimension.name + "_name", string_type.get(), std::span(&size, 1),
                             std::span(&size, 1));
    hdf5::write_strings(names.get(), dimension.labels);
    hdf5::write_attribute(names.get(), "long_name", "name of each " + dimension.name);
    hdf5::write_attribute(names.get(), "description", "name of each " + dimension.name);
    const hid_t name_scales[1] = {scale.get()};
    hdf5::attach_dimension_scales(names.get(), name_scales);
    hdf5::write_attribute(names.get(), "_Netcdf4Dimid", dimension_id);
    scales.push_back(std::move(scale));
  }

  buffer_capacity_rows = chunk_rows(sizeof(std::int32_t));
  std::size_t column = 0;
  for (const SeriesSpec& spec : layout.series) {
    const bool two_d = spec.dimension >= 0;
    const std::size_t width =
        two_d ? layout.dimensions[static_cast<std::size_t>(spec.dimension)].labels.size() : 1;
    const hsize_t rows = chunk_rows(width * sizeof(double));
    buffer_capacity_rows = std::min(buffer_capacity_rows, rows);
    const std::vector<hsize_t> shape =
        two_d ? std::vector<hsize_t>{0, width} : std::vector<hsize_t>{0};
    const std::vector<hsize_t> max_shape =
        two_d ? std::vector<hsize_t>{H5S_UNLIMITED, width} : std::vector<hsize_t>{H5S_UNLIMITED};
    std::vector<hsize_t> chunk = shape;
    chunk[0] = rows;
    hdf5::Handle dataset =
        hdf5::create_dataset(root, spec.name, hdf5::file_type<double>(), shape, max_shape,
                             {.chunk = chunk,
                              .shuffle = true,
                              .deflate_level = deflate_level,
                              .fill_value = std::numeric_limits<double>::quiet_NaN()});
    const hid_t id = dataset.get();
    hdf5::write_attribute(id, "units", spec.units);
    hdf5::write_attribute(id, "long_name", spec.description);
    hdf5::write_attribute(id, "description", spec.description);
    hdf5::write_attribute(id, "_FillValue", std::numeric_limits<double>::quiet_NaN());
    std::vector<hid_t> axes{time.get()};
    if (two_d) {
      const auto k = static_cast<std::size_t>(spec.dimension);
      axes.push_back(scales[k].get());
      // CF: the labels travel with the series, so xarray shows them as a coordinate.
      hdf5::write_attribute(id, "coordinates", layout.dimensions[k].name + "_name");
      const std::int32_t coordinate_ids[2] = {time_dimension_id, static_cast<std::int32_t>(k + 1)};
      hdf5::write_array_attribute<std::int32_t>(id, "_Netcdf4Coordinates", coordinate_ids);
    }
    hdf5::attach_dimension_scales(id, axes);
    hdf5::write_attribute(id, "_Netcdf4Dimid", time_dimension_id);
    series.push_back(Series{std::move(dataset), column});
    column += width;
  }
  buffered_values.reserve(buffer_capacity_rows * row_width);
  buffered_days.reserve(buffer_capacity_rows);
  hdf5::flush_file(root);
}

void RunFile::Impl::write_buffer() {
  const hsize_t rows = buffered_days.size();
  if (rows == 0) return;
  hdf5::write_rows(time.get(), hdf5::native_type<std::int32_t>(), buffered_days.data(), rows, 1, 0,
                   rows_in_file);
  for (const Series& entry : series) {
    hdf5::write_rows(entry.dataset.get(), hdf5::native_type<double>(), buffered_values.data(), rows,
                     row_width, entry.first_column, rows_in_file);
  }
  rows_in_file += rows;
  buffered_days.clear();
  buffered_values.clear();
}

void RunFile::Impl::record_progress() {
  write_buffer();
  hdf5::write_attribute(file.get(), "steps_completed", static_cast<std::int64_t>(rows_in_file));
  hdf5::flush_file(file.get());
  rows_flushed = rows_in_file;
}

void RunFile::Impl::drop_unflushed_rows() {
  buffered_days.clear();
  buffered_values.clear();
  if (rows_in_file == rows_flushed) return;
  hdf5::resize_rows(time.get(), rows_flushed);
  for (const Series& entry : series)
    hdf5::resize_rows(entry.dataset.get(), rows_flushed);
  rows_in_file = rows_flushed;
}

RunFile::RunFile(const std::filesystem::path& path, RunLayout layout)
    : impl_(std::make_unique<Impl>()) {
  validate(layout);
  impl_->path = path;
  impl_->row_width = layout.row_width();
  impl_->layout = std::move(layout);
  impl_->on_file([&] { impl_->create(); });
}

RunFile::~RunFile() {
  if (!impl_ || impl_->closed) return;
  try {
    impl_->drop_unflushed_rows();
  } catch (...) {
    // A destructor cannot report; the handles below still close the file.
  }
}

void RunFile::set_attributes(const std::vector<Attribute>& attributes) {
  impl_->require_open("set_attributes");
  for (const Attribute& attribute : attributes) {
    if (attribute.name.empty() || is_reserved_root_attribute(attribute.name)) {
      throw std::invalid_argument("RunFile::set_attributes: '" + attribute.name +
                                  "' is empty or reserved for the run status");
    }
  }
  impl_->on_file([&] {
    const hid_t root = impl_->file.get();
    for (const Attribute& attribute : attributes) {
      switch (attribute.kind) {
        case Attribute::Kind::text:
          hdf5::write_attribute(root, attribute.name, attribute.text);
          break;
        case Attribute::Kind::integer:
          hdf5::write_attribute(root, attribute.name, attribute.integer);
          break;
        case Attribute::Kind::real:
          hdf5::write_attribute(root, attribute.name, attribute.real);
          break;
      }
    }
  });
}

void RunFile::append(std::int32_t day, std::span<const double> row) {
  Impl& impl = *impl_;
  impl.require_open("append");
  if (row.size() != impl.row_width) {
    throw std::invalid_argument("RunFile::append: row has " + std::to_string(row.size()) +
                                " values, the layout needs " + std::to_string(impl.row_width));
  }
  if (impl.last_day && day <= *impl.last_day) {
    throw std::invalid_argument("RunFile::append: day " + std::to_string(day) +
                                " does not follow day " + std::to_string(*impl.last_day));
  }
  impl.buffered_values.insert(impl.buffered_values.end(), row.begin(), row.end());
  impl.buffered_days.push_back(day);
  impl.last_day = day;
  ++impl.rows_appended;
  // Writes end on a multiple of the smallest chunk (every chunk is a power-of-two multiple of
  // it), so after a flush() of a partial buffer the next write realigns.
  if (impl.rows_in_file % impl.buffer_capacity_rows + impl.buffered_days.size() >=
      impl.buffer_capacity_rows) {
    impl.on_file([&] { impl.write_buffer(); });
  }
}

void RunFile::write_table(const Table& table) {
  impl_->require_open("write_table");
  std::size_t rows = table.columns.empty() ? 0 : table.columns.front().size();
  for (const TableColumn& column : table.columns) {
    if (column.size() != rows || !is_plain_name(column.name)) {
      throw std::invalid_argument("RunFile::write_table: column '" + column.name + "' of " +
                                  table.group + " has a bad name or length");
    }
  }
  impl_->on_file([&] {
    // Groups along the path, created as needed; an old table of the same name is replaced.
    hdf5::Handle parent = hdf5::open_group(impl_->file.get(), "/");
    std::string path;
    std::size_t start = 0;
    while (start <= table.group.size()) {
      const std::size_t slash = std::min(table.group.find('/', start), table.group.size());
      const std::string part = table.group.substr(start, slash - start);
      path += "/" + part;
      if (slash == table.group.size() && hdf5::has_link(parent.get(), part)) {
        hdf5::delete_link(parent.get(), part);
      }
      parent = hdf5::has_link(parent.get(), part) ? hdf5::open_group(parent.get(), part)
                                                  : hdf5::create_group(parent.get(), part);
      start = slash + 1;
    }
    hdf5::write_attribute(parent.get(), "description", table.description);
    const hsize_t n = rows;
    const hsize_t chunk = std::max<hsize_t>(1, std::min<hsize_t>(n, 65536));
    hdf5::DatasetOptions options;
    if (n > 0) {
      options.chunk = {chunk};
      options.shuffle = true;
      options.deflate_level = 4;
    }
    hdf5::Handle scale =
        hdf5::create_dataset(parent.get(), table.dimension, hdf5::file_type<std::int64_t>(),
                             std::span(&n, 1), std::span(&n, 1), options);
    std::vector<std::int64_t> index(rows);
    for (std::size_t i = 0; i < rows; ++i)
      index[i] = static_cast<std::int64_t>(i);
    if (n > 0) hdf5::write_all(scale.get(), hdf5::native_type<std::int64_t>(), index.data());
    hdf5::set_dimension_scale(scale.get(), table.dimension);
    hdf5::write_attribute(scale.get(), "_Netcdf4Dimid", std::int32_t{0});
    const hid_t scales[1] = {scale.get()};
    for (const TableColumn& column : table.columns) {
      const bool real = !column.reals.empty() || column.integers.empty();
      hdf5::Handle data =
          hdf5::create_dataset(parent.get(), column.name,
                               real ? hdf5::file_type<double>() : hdf5::file_type<std::int64_t>(),
                               std::span(&n, 1), std::span(&n, 1), options);
      if (n > 0) {
        if (real) {
          hdf5::write_all(data.get(), hdf5::native_type<double>(), column.reals.data());
        } else {
          hdf5::write_all(data.get(), hdf5::native_type<std::int64_t>(), column.integers.data());
        }
      }
      hdf5::write_attribute(data.get(), "units", column.units);
      hdf5::write_attribute(data.get(), "description", column.description);
      hdf5::write_attribute(data.get(), "long_name", column.description);
      hdf5::attach_dimension_scales(data.get(), scales);
      hdf5::write_attribute(data.get(), "_Netcdf4Dimid", std::int32_t{0});
    }
  });
}

void RunFile::flush() {
  impl_->require_open("flush");
  impl_->on_file([&] { impl_->record_progress(); });
}

void RunFile::close(RunStatus status) {
  Impl& impl = *impl_;
  impl.require_open("close");
  impl.on_file([&] {
    impl.write_buffer();
    const hid_t root = impl.file.get();
    hdf5::write_attribute(root, "steps_completed", static_cast<std::int64_t>(impl.rows_in_file));
    hdf5::write_attribute(root, "status", status_text(status));
    hdf5::write_attribute(root, "finished", std::int64_t{status == RunStatus::finished ? 1 : 0});
    hdf5::flush_file(root);
    impl.rows_flushed = impl.rows_in_file;
    for (Impl::Series& entry : impl.series)
      entry.dataset.close();
    impl.time.close();
    impl.file.close();
  });
  impl.closed = true;
}

const RunLayout& RunFile::layout() const {
  return impl_->layout;
}

std::int64_t RunFile::steps_written() const {
  return impl_->rows_appended;
}

RunFileState inspect_run_file(const std::filesystem::path& path) noexcept {
  try {
    std::error_code error;
    if (!std::filesystem::exists(path, error)) return RunFileState::missing;
    if (!std::filesystem::is_regular_file(path, error)) return RunFileState::unreadable;
    hdf5::Handle file;
    try {
      file = hdf5::open_file(path);
    } catch (const std::exception&) {
      return RunFileState::unreadable;
    }
    const hid_t root = file.get();
    if (!hdf5::has_attribute(root, "status")) return RunFileState::unreadable;
    const std::string status = hdf5::read_string_attribute(root, "status");
    if (status == "finished") return RunFileState::finished;
    if (status == "interrupted") return RunFileState::interrupted;
    if (status == "failed") return RunFileState::failed;
    if (status != "running") return RunFileState::unreadable;
    if (!hdf5::has_attribute(root, "pid") || !hdf5::has_attribute(root, "host")) {
      return RunFileState::running;
    }
    char host[256] = {};
    ::gethostname(host, sizeof host - 1);
    if (hdf5::read_string_attribute(root, "host") != host) return RunFileState::running;
    std::int64_t pid = 0;
    const hid_t attribute = H5Aopen(root, "pid", H5P_DEFAULT);
    if (attribute < 0) return RunFileState::running;
    const herr_t read = H5Aread(attribute, H5T_NATIVE_INT64, &pid);
    H5Aclose(attribute);
    if (read < 0 || pid <= 0) return RunFileState::running;
    // Signal 0 checks only that the process exists.
    const bool gone = ::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH;
    return gone ? RunFileState::killed : RunFileState::running;
  } catch (...) {
    return RunFileState::unreadable;
  }
}

const char* run_file_state_name(RunFileState state) noexcept {
  switch (state) {
    case RunFileState::missing:
      return "missing";
    case RunFileState::unreadable:
      return "unreadable";
    case RunFileState::running:
      return "running";
    case RunFileState::killed:
      return "killed";
    case RunFileState::finished:
      return "finished";
    case RunFileState::interrupted:
      return "interrupted";
    case RunFileState::failed:
      return "failed";
  }
  return "unreadable";
}

}  // namespace caresim::io
