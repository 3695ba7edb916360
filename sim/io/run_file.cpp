#include "caresim/io/run_file.hpp"

#include <algorithm>
#include <bit>
#include <cctype>
#include <chrono>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <stdexcept>
#include <string_view>

#include "caresim/io/hdf5.hpp"
#include "caresim/io/netcdf.hpp"

namespace caresim::io {
namespace {

// A chunk of 32 KiB up to just under 64 KiB (rows rounded up to a power of two, so every
// series' chunk is a whole number of the smallest one and buffered writes stay chunk-aligned).
constexpr std::size_t target_chunk_bytes = 32 * 1024;
constexpr std::size_t min_chunk_rows = 16;

constexpr std::string_view time_name = "time";

std::size_t chunk_rows(std::size_t row_bytes) {
  const std::size_t rows = (target_chunk_bytes + row_bytes - 1) / row_bytes;
  return std::bit_ceil(std::max(min_chunk_rows, rows));
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
    netcdf::Variable variable;
    std::size_t first_column = 0;
  };

  std::filesystem::path path;
  RunLayout layout;
  std::size_t row_width = 0;
  // Declared before the variables so it is closed after them.
  netcdf::File file;
  netcdf::Variable time;
  std::vector<Series> series;
  // Groups made for tables, by path without the leading '/', so later tables can reuse them.
  std::map<std::string, netcdf::Group, std::less<>> table_groups;

  std::size_t buffer_capacity_rows = 0;
  std::vector<double> buffered_values;
  std::vector<netcdf::Index> buffered_days;
  std::size_t rows_in_file = 0;
  std::size_t rows_flushed = 0;
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
  file = netcdf::File::create(path);
  netcdf::Group root = file.root();
  root.set_attribute("status", status_text(RunStatus::running));
  root.set_attribute("finished", std::int64_t{0});
  root.set_attribute("steps_completed", std::int64_t{0});

  const std::size_t time_chunk = chunk_rows(sizeof(netcdf::Index));
  time = root.define_coordinate({.name = std::string(time_name),
                                 .type = netcdf::Type::int64,
                                 .units = "days since " + layout.start_date,
                                 .long_name = "simulated day",
                                 .storage = {.chunk = {time_chunk}, .compress = true}},
                                0, /*unlimited=*/true);
  time.set_attribute("calendar", "proleptic_gregorian");
  time.set_attribute("axis", "T");
  time.set_attribute("standard_name", "time");

  for (const Dimension& dimension : layout.dimensions) {
    root.define_index(dimension.name, dimension.labels.size(), dimension.description);
    root.write_strings(dimension.name + "_name", dimension.name, dimension.labels,
                       "name of each " + dimension.name);
  }

  buffer_capacity_rows = time_chunk;
  std::size_t column = 0;
  for (const SeriesSpec& spec : layout.series) {
    const bool two_d = spec.dimension >= 0;
    const Dimension* dimension =
        two_d ? &layout.dimensions[static_cast<std::size_t>(spec.dimension)] : nullptr;
    const std::size_t width = two_d ? dimension->labels.size() : 1;
    const std::size_t rows = chunk_rows(width * sizeof(double));
    buffer_capacity_rows = std::min(buffer_capacity_rows, rows);
    netcdf::VariableSpec variable{.name = spec.name,
                                  .type = netcdf::Type::float64,
                                  .dimensions = {std::string(time_name)},
                                  .units = spec.units,
                                  .long_name = spec.description,
                                  .storage = {.chunk = {rows}, .compress = true}};
    if (two_d) {
      variable.dimensions.push_back(dimension->name);
      variable.storage.chunk.push_back(width);
    }
    netcdf::Variable dataset = root.define_variable(variable);
    // CF: the labels travel with the series, so xarray shows them as a coordinate.
    if (two_d) dataset.set_attribute("coordinates", dimension->name + "_name");
    series.push_back(Series{std::move(dataset), column});
    column += width;
  }
  buffered_values.reserve(buffer_capacity_rows * row_width);
  buffered_days.reserve(buffer_capacity_rows);
  file.flush();
}

void RunFile::Impl::write_buffer() {
  const std::size_t rows = buffered_days.size();
  if (rows == 0) return;
  time.write_rows(buffered_days.data(), rows, rows_in_file);
  for (Series& entry : series) {
    entry.variable.write_rows(buffered_values.data(), rows, row_width, entry.first_column,
                              rows_in_file);
  }
  rows_in_file += rows;
  buffered_days.clear();
  buffered_values.clear();
}

void RunFile::Impl::record_progress() {
  write_buffer();
  file.root().set_attribute("steps_completed", static_cast<std::int64_t>(rows_in_file));
  file.flush();
  rows_flushed = rows_in_file;
}

void RunFile::Impl::drop_unflushed_rows() {
  buffered_days.clear();
  buffered_values.clear();
  if (rows_in_file == rows_flushed) return;
  time.resize_rows(rows_flushed);
  for (Series& entry : series)
    entry.variable.resize_rows(rows_flushed);
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
    netcdf::Group root = impl_->file.root();
    for (const Attribute& attribute : attributes) {
      switch (attribute.kind) {
        case Attribute::Kind::text:
          root.set_attribute(attribute.name, attribute.text);
          break;
        case Attribute::Kind::integer:
          root.set_attribute(attribute.name, attribute.integer);
          break;
        case Attribute::Kind::real:
          root.set_attribute(attribute.name, attribute.real);
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
    netcdf::Group parent = impl_->file.root();
    std::string path;
    std::size_t start = 0;
    while (start <= table.group.size()) {
      const std::size_t slash = std::min(table.group.find('/', start), table.group.size());
      const std::string part = table.group.substr(start, slash - start);
      path += (path.empty() ? "" : "/") + part;
      const bool last = slash == table.group.size();
      const auto known = impl_->table_groups.find(path);
      if (last && parent.has(part)) {
        parent.remove_group(part);
        impl_->table_groups.erase(path);
      } else if (known != impl_->table_groups.end()) {
        parent = known->second;
        start = slash + 1;
        continue;
      } else if (parent.has(part)) {
        throw std::invalid_argument("RunFile::write_table: " + path + " is not a table group");
      }
      parent = parent.create_group(part);
      impl_->table_groups.insert_or_assign(path, parent);
      start = slash + 1;
    }
    parent.set_attribute("description", table.description);
    netcdf::Storage storage;
    if (rows > 0) storage = {.chunk = {std::min<std::size_t>(rows, 65536)}, .compress = true};
    netcdf::Variable index = parent.define_coordinate(
        {.name = table.dimension, .type = netcdf::Type::int64, .storage = storage}, rows);
    std::vector<netcdf::Index> indices(rows);
    for (std::size_t i = 0; i < rows; ++i)
      indices[i] = static_cast<netcdf::Index>(i);
    index.write(std::span<const netcdf::Index>(indices));
    for (const TableColumn& column : table.columns) {
      const bool real = !column.reals.empty() || column.integers.empty();
      netcdf::Variable data =
          parent.define_variable({.name = column.name,
                                  .type = real ? netcdf::Type::float64 : netcdf::Type::int64,
                                  .dimensions = {table.dimension},
                                  .units = column.units,
                                  .long_name = column.description,
                                  .storage = storage});
      if (real) {
        data.write(std::span<const double>(column.reals));
      } else {
        data.write(std::span<const std::int64_t>(column.integers));
      }
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
    netcdf::Group root = impl.file.root();
    root.set_attribute("steps_completed", static_cast<std::int64_t>(impl.rows_in_file));
    root.set_attribute("status", status_text(status));
    root.set_attribute("finished", std::int64_t{status == RunStatus::finished ? 1 : 0});
    impl.file.flush();
    impl.rows_flushed = impl.rows_in_file;
    for (Impl::Series& entry : impl.series)
      entry.variable.close();
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

}  // namespace caresim::io
