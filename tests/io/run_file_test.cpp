#include "caresim/io/run_file.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "../support.hpp"
#include "caresim/io/hdf5.hpp"

namespace {

namespace fs = std::filesystem;
namespace hdf5 = caresim::io::hdf5;
using caresim::Attribute;
using caresim::Dimension;
using caresim::RunLayout;
using caresim::RunStatus;
using caresim::SeriesSpec;
using caresim::io::RunFile;

using caresim::test::TempPath;

// The layout and value formula below are mirrored in check_run_file.py: change both together.
constexpr std::size_t ward_count = 300;
constexpr std::size_t provenance_text_length = 200'000;

RunLayout test_layout() {
  RunLayout layout;
  layout.start_date = "2024-02-27";
  layout.dimensions.push_back(
      {"organisation", "care organisations", {"Hôpital Nord", "St Mary's", "Zürich Care"}, {}, {}});
  Dimension wards{"ward", "hospital wards", {}, {}, {}};
  for (std::size_t i = 0; i < ward_count; ++i)
    wards.labels.push_back("ward " + std::to_string(i));
  layout.dimensions.push_back(std::move(wards));
  layout.series = {
      {"admissions", "day-1", "emergency admissions per day", -1},
      {"beds_occupied", "1", "occupied beds at midnight", 0},
      {"ward_load", "1", "patients per nurse on the ward", 1},
      {"discharges", "day-1", "discharges per day", -1},
  };
  return layout;
}

/// Column where each series starts in a row, and its width, for test_layout().
struct Columns {
  std::size_t first;
  std::size_t width;
};
const std::vector<Columns> series_columns = {{0, 1}, {1, 3}, {4, ward_count}, {304, 1}};

std::int32_t day_of(int step) {
  return 2 * step;
}
double value(std::int32_t day, std::size_t column) {
  return day * 1000.0 + static_cast<double>(column) * 0.25;
}

void append_steps(RunFile& file, int first_step, int end_step) {
  std::vector<double> row(file.layout().row_width());
  for (int step = first_step; step < end_step; ++step) {
    for (std::size_t column = 0; column < row.size(); ++column) {
      row[column] = value(day_of(step), column);
    }
    file.append(day_of(step), row);
  }
}

std::vector<Attribute> provenance() {
  return {Attribute::of("scenario", std::string(provenance_text_length, 's')),
          Attribute::of("seed", std::int64_t{42}), Attribute::of("scale", 0.5),
          Attribute::of("git_commit", std::string("0123456789ab"))};
}

/// Writes the standard test file: `steps` steps, provenance, then close(`status`).
void write_test_file(const fs::path& path, int steps, RunStatus status = RunStatus::finished) {
  RunFile file(path, test_layout());
  file.set_attributes(provenance());
  append_steps(file, 0, steps);
  file.close(status);
}

/// Asserts that every series and the time axis hold exactly steps [0, steps).
void require_rows(hid_t root, int steps) {
  const auto rows = static_cast<hsize_t>(steps);
  const hdf5::Handle time = hdf5::open_dataset(root, "time");
  REQUIRE(hdf5::dims(time.get()) == std::vector<hsize_t>{rows});
  std::vector<std::int64_t> expected_days;
  for (int step = 0; step < steps; ++step)
    expected_days.push_back(day_of(step));
  REQUIRE(hdf5::read_all<std::int64_t>(time.get()) == expected_days);

  const RunLayout layout = test_layout();
  for (std::size_t s = 0; s < layout.series.size(); ++s) {
    const SeriesSpec& spec = layout.series[s];
    INFO("series " << spec.name);
    const hdf5::Handle dataset = hdf5::open_dataset(root, spec.name);
    const Columns columns = series_columns[s];
    const std::vector<hsize_t> expected_shape =
        spec.dimension < 0 ? std::vector<hsize_t>{rows} : std::vector<hsize_t>{rows, columns.width};
    REQUIRE(hdf5::dims(dataset.get()) == expected_shape);
    std::vector<double> expected;
    for (int step = 0; step < steps; ++step) {
      for (std::size_t c = 0; c < columns.width; ++c) {
        expected.push_back(value(day_of(step), columns.first + c));
      }
    }
    REQUIRE(hdf5::read_all<double>(dataset.get()) == expected);
  }
}

}  // namespace

TEST_CASE("RunFile writes every dataset and attribute so they read back exactly", "[io]") {
  const TempPath temp("run_file_exact");
  constexpr int steps = 1000;
  write_test_file(temp.path(), steps);

  const hdf5::Handle file = hdf5::open_file(temp.path());
  const hid_t root = file.get();
  const RunLayout layout = test_layout();

  SECTION("root attributes: status, progress and provenance") {
    CHECK(hdf5::read_string_attribute(root, "status") == "finished");
    CHECK(hdf5::read_attribute<std::int64_t>(root, "finished") == 1);
    CHECK(hdf5::read_attribute<std::int64_t>(root, "steps_completed") == steps);
    CHECK(hdf5::read_string_attribute(root, "scenario") ==
          std::string(provenance_text_length, 's'));
    CHECK(hdf5::read_attribute<std::int64_t>(root, "seed") == 42);
    CHECK(hdf5::read_attribute<double>(root, "scale") == 0.5);
    CHECK(hdf5::read_string_attribute(root, "git_commit") == "0123456789ab");
  }

  SECTION("every row of time and of each series") {
    require_rows(root, steps);
  }

  SECTION("time is an unlimited int64 dimension scale in days since the start date") {
    const hdf5::Handle time = hdf5::open_dataset(root, "time");
    CHECK(hdf5::max_dims(time.get()) == std::vector<hsize_t>{H5S_UNLIMITED});
    const hdf5::Handle type(H5Dget_type(time.get()), "get type", "time");
    CHECK(H5Tequal(type.get(), H5T_STD_I64LE) > 0);
    CHECK(hdf5::read_string_attribute(time.get(), "units") == "days since 2024-02-27");
    CHECK(hdf5::read_string_attribute(time.get(), "calendar") == "proleptic_gregorian");
    CHECK(hdf5::read_string_attribute(time.get(), "axis") == "T");
    CHECK(hdf5::read_string_attribute(time.get(), "CLASS") == "DIMENSION_SCALE");
    CHECK(hdf5::read_string_attribute(time.get(), "NAME") == "time");
    CHECK(hdf5::read_attribute<std::int32_t>(time.get(), "_Netcdf4Dimid") == 0);
    const std::vector<std::pair<std::string, int>> expected_references = {
        {"/admissions", 0}, {"/beds_occupied", 0}, {"/ward_load", 0}, {"/discharges", 0}};
    CHECK(hdf5::scale_references(time.get()) == expected_references);
  }

  SECTION("each dimension: int64 index scale plus a string label variable") {
    for (std::size_t k = 0; k < layout.dimensions.size(); ++k) {
      const Dimension& dimension = layout.dimensions[k];
      INFO("dimension " << dimension.name);
      const hdf5::Handle scale = hdf5::open_dataset(root, dimension.name);
      std::vector<std::int64_t> indices(dimension.labels.size());
      for (std::size_t i = 0; i < indices.size(); ++i)
        indices[i] = static_cast<std::int64_t>(i);
      CHECK(hdf5::read_all<std::int64_t>(scale.get()) == indices);
      const hdf5::Handle type(H5Dget_type(scale.get()), "get type", dimension.name);
      CHECK(H5Tequal(type.get(), H5T_STD_I64LE) > 0);
      CHECK(hdf5::read_string_attribute(scale.get(), "CLASS") == "DIMENSION_SCALE");
      CHECK(hdf5::read_string_attribute(scale.get(), "NAME") == dimension.name);
      CHECK(hdf5::read_string_attribute(scale.get(), "description") == dimension.description);
      CHECK(hdf5::read_attribute<std::int32_t>(scale.get(), "_Netcdf4Dimid") ==
            static_cast<std::int32_t>(k + 1));

      const hdf5::Handle names = hdf5::open_dataset(root, dimension.name + "_name");
      CHECK(hdf5::read_strings(names.get()) == dimension.labels);
      CHECK(hdf5::dimension_scale_paths(names.get()) ==
            std::vector<std::string>{"/" + dimension.name});
      CHECK_FALSE(hdf5::has_attribute(names.get(), "CLASS"));
    }
  }

  SECTION("each series: float64, attributes, scales attached time first") {
    for (const SeriesSpec& spec : layout.series) {
      INFO("series " << spec.name);
      const hdf5::Handle dataset = hdf5::open_dataset(root, spec.name);
      const hdf5::Handle type(H5Dget_type(dataset.get()), "get type", spec.name);
      CHECK(H5Tequal(type.get(), H5T_IEEE_F64LE) > 0);
      CHECK(hdf5::read_string_attribute(dataset.get(), "units") == spec.units);
      CHECK(hdf5::read_string_attribute(dataset.get(), "description") == spec.description);
      CHECK(hdf5::read_string_attribute(dataset.get(), "long_name") == spec.description);
      std::vector<std::string> scales{"/time"};
      if (spec.dimension >= 0) {
        const std::string& dimension = layout.dimensions[spec.dimension].name;
        scales.push_back("/" + dimension);
        CHECK(hdf5::read_string_attribute(dataset.get(), "coordinates") == dimension + "_name");
        CHECK(hdf5::read_array_attribute<std::int32_t>(dataset.get(), "_Netcdf4Coordinates") ==
              std::vector<std::int32_t>{0, spec.dimension + 1});
      } else {
        CHECK(hdf5::read_array_attribute<std::int32_t>(dataset.get(), "_Netcdf4Coordinates") ==
              std::vector<std::int32_t>{0});
      }
      // Only dimension scales carry a dimension id.
      CHECK_FALSE(hdf5::has_attribute(dataset.get(), "_Netcdf4Dimid"));
      CHECK(hdf5::dimension_scale_paths(dataset.get()) == scales);
      CHECK(std::isnan(hdf5::read_attribute<double>(dataset.get(), "_FillValue")));
    }
  }
}

TEST_CASE("RunFile chunks series along time into 32-64 KiB shuffled and deflated chunks", "[io]") {
  const TempPath temp("run_file_chunks");
  write_test_file(temp.path(), 40);
  const hdf5::Handle file = hdf5::open_file(temp.path());
  const RunLayout layout = test_layout();

  // 8-byte rows give 4096-row chunks, 24-byte rows 2048, 2400-byte rows the 16-row minimum.
  const std::vector<std::vector<hsize_t>> expected_chunks = {
      {4096}, {2048, 3}, {16, ward_count}, {4096}};
  for (std::size_t s = 0; s < layout.series.size(); ++s) {
    INFO("series " << layout.series[s].name);
    const hdf5::Handle dataset = hdf5::open_dataset(file.get(), layout.series[s].name);
    const hdf5::DatasetOptions options = hdf5::dataset_options(dataset.get());
    CHECK(options.chunk == expected_chunks[s]);
    const hsize_t chunk_bytes = options.chunk[0] * series_columns[s].width * sizeof(double);
    CHECK(options.chunk[0] >= 16);
    CHECK(chunk_bytes >= 32 * 1024);
    CHECK(chunk_bytes < 64 * 1024);
    CHECK(options.shuffle);
    CHECK(options.deflate_level == 4);
    REQUIRE(options.fill_value.has_value());
    CHECK(std::isnan(*options.fill_value));
    CHECK(hdf5::max_dims(dataset.get())[0] == H5S_UNLIMITED);
  }
  const hdf5::Handle time = hdf5::open_dataset(file.get(), "time");
  const hdf5::DatasetOptions time_options = hdf5::dataset_options(time.get());
  CHECK(time_options.chunk == std::vector<hsize_t>{4096});  // int64 days, 32 KiB
  CHECK(time_options.deflate_level == 4);
}

TEST_CASE("RunFile destroyed without close keeps exactly the flushed rows and status running",
          "[io]") {
  const TempPath temp("run_file_unclosed");
  {
    RunFile file(temp.path(), test_layout());
    append_steps(file, 0, 100);
    file.flush();
    // 50 more rows: rows up to 144 reach the file (writes end on 16-row chunk boundaries), six
    // stay buffered; all 50 are dropped.
    append_steps(file, 100, 150);
    CHECK(file.steps_written() == 150);
  }
  const hdf5::Handle file = hdf5::open_file(temp.path());
  CHECK(hdf5::read_string_attribute(file.get(), "status") == "running");
  CHECK(hdf5::read_attribute<std::int64_t>(file.get(), "finished") == 0);
  CHECK(hdf5::read_attribute<std::int64_t>(file.get(), "steps_completed") == 100);
  require_rows(file.get(), 100);
}

TEST_CASE("RunFile flush leaves a readable file on disk while the run goes on", "[io]") {
  const TempPath temp("run_file_flush");
  const TempPath snapshot("run_file_flush_copy");
  RunFile file(temp.path(), test_layout());
  append_steps(file, 0, 37);
  file.flush();
  // A byte copy shows what is on disk now; opening the live file in this process would share
  // HDF5's in-memory state instead.
  fs::copy_file(temp.path(), snapshot.path());
  {
    const hdf5::Handle reader = hdf5::open_file(snapshot.path());
    CHECK(hdf5::read_string_attribute(reader.get(), "status") == "running");
    CHECK(hdf5::read_attribute<std::int64_t>(reader.get(), "steps_completed") == 37);
    require_rows(reader.get(), 37);
  }
  append_steps(file, 37, 60);
  file.close(RunStatus::finished);
  const hdf5::Handle reader = hdf5::open_file(temp.path());
  require_rows(reader.get(), 60);
}

TEST_CASE("RunFile close records each status", "[io]") {
  const std::vector<std::pair<RunStatus, std::string>> cases = {
      {RunStatus::finished, "finished"},
      {RunStatus::interrupted, "interrupted"},
      {RunStatus::failed, "failed"},
      {RunStatus::running, "running"}};
  for (const auto& [status, text] : cases) {
    INFO("status " << text);
    const TempPath temp("run_file_status");
    write_test_file(temp.path(), 3, status);
    const hdf5::Handle file = hdf5::open_file(temp.path());
    CHECK(hdf5::read_string_attribute(file.get(), "status") == text);
    CHECK(hdf5::read_attribute<std::int64_t>(file.get(), "finished") ==
          (status == RunStatus::finished ? 1 : 0));
    CHECK(hdf5::read_attribute<std::int64_t>(file.get(), "steps_completed") == 3);
  }
}

TEST_CASE("RunFile constructor marks a new file running before any step", "[io]") {
  const TempPath temp("run_file_new");
  const RunFile run(temp.path(), test_layout());
  const hdf5::Handle file = hdf5::open_file(temp.path());
  CHECK(hdf5::read_string_attribute(file.get(), "status") == "running");
  CHECK(hdf5::read_attribute<std::int64_t>(file.get(), "finished") == 0);
  CHECK(hdf5::read_attribute<std::int64_t>(file.get(), "steps_completed") == 0);
  require_rows(file.get(), 0);
}

TEST_CASE("RunFile rejects rows it cannot store and stays usable", "[io]") {
  const TempPath temp("run_file_rows");
  RunFile file(temp.path(), test_layout());
  const std::vector<double> short_row(file.layout().row_width() - 1, 0.0);
  const std::vector<double> long_row(file.layout().row_width() + 1, 0.0);
  CHECK_THROWS_AS(file.append(0, short_row), std::invalid_argument);
  CHECK_THROWS_AS(file.append(0, long_row), std::invalid_argument);
  append_steps(file, 0, 5);  // days 0, 2, ..., 8
  const std::vector<double> row(file.layout().row_width(), 0.0);
  CHECK_THROWS_AS(file.append(day_of(4), row), std::invalid_argument);
  CHECK_THROWS_AS(file.append(day_of(4) - 1, row), std::invalid_argument);
  CHECK(file.steps_written() == 5);
  CHECK_THROWS_AS(file.set_attributes({Attribute::of("status", std::string("done"))}),
                  std::invalid_argument);
  CHECK_THROWS_AS(file.set_attributes({Attribute::of("label", std::string("bad \xff byte"))}),
                  std::invalid_argument);
  append_steps(file, 5, 7);
  file.close(RunStatus::finished);

  CHECK_THROWS_AS(file.append(100, row), std::logic_error);
  CHECK_THROWS_AS(file.flush(), std::logic_error);
  CHECK_THROWS_AS(file.close(RunStatus::failed), std::logic_error);
  CHECK_THROWS_AS(file.set_attributes({}), std::logic_error);
  CHECK(file.steps_written() == 7);

  const hdf5::Handle reader = hdf5::open_file(temp.path());
  require_rows(reader.get(), 7);
}

TEST_CASE("RunFile rejects layouts it cannot store before touching the file", "[io]") {
  const TempPath temp("run_file_layout");
  const auto rejects = [&](const RunLayout& layout) {
    CHECK_THROWS_AS(RunFile(temp.path(), layout), std::invalid_argument);
    CHECK_FALSE(fs::exists(temp.path()));
  };
  RunLayout layout = test_layout();
  layout.series.push_back({"admissions", "1", "again", -1});
  rejects(layout);
  for (const std::string clash : {"time", "organisation", "ward_name"}) {
    INFO("series named " << clash);
    layout = test_layout();
    layout.series.push_back({clash, "1", "clash", -1});
    rejects(layout);
  }
  for (const std::string bad_name : {"", "bad name", "9lives", "a/b"}) {
    INFO("series named '" << bad_name << "'");
    layout = test_layout();
    layout.series.push_back({bad_name, "1", "bad", -1});
    rejects(layout);
  }
  layout = test_layout();
  layout.series.push_back({"orphan", "1", "no such dimension", 2});
  rejects(layout);
  layout = test_layout();
  layout.dimensions.push_back({"time", "clash", {"a"}, {}, {}});
  rejects(layout);
  layout = test_layout();
  layout.dimensions.push_back({"empty", "no labels", {}, {}, {}});
  rejects(layout);
  layout = test_layout();
  layout.dimensions[0].labels[1] = "bad \xff byte";
  rejects(layout);
  layout = test_layout();
  layout.series[0].units = std::string("nul\0inside", 10);
  rejects(layout);
  for (const std::string date : {"2024-13-01", "2023-02-29", "24-01-01", "2024-1-01", ""}) {
    INFO("start date " << date);
    layout = test_layout();
    layout.start_date = date;
    rejects(layout);
  }
}

TEST_CASE("RunFile names the path when it cannot create the file", "[io]") {
  const fs::path path = fs::temp_directory_path() / "caresim_no_such_directory" / "run.h5";
  try {
    RunFile file(path, test_layout());
    FAIL("expected std::runtime_error");
  } catch (const std::runtime_error& error) {
    CHECK_THAT(error.what(), Catch::Matchers::Contains(path.string()));
  }
}

TEST_CASE("RunFile writes identical bytes for identical runs", "[io]") {
  const TempPath first("run_file_same_a");
  const TempPath second("run_file_same_b");
  write_test_file(first.path(), 200);
  write_test_file(second.path(), 200);
  const auto bytes = [](const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    return std::vector<char>(std::istreambuf_iterator<char>(in), {});
  };
  const std::vector<char> a = bytes(first.path());
  REQUIRE_FALSE(a.empty());
  CHECK(a == bytes(second.path()));
}

TEST_CASE("RunFile files open as-is in xarray (h5netcdf) and h5py", "[io]") {
  const TempPath temp("run_file_python");
  constexpr int steps = 1000;
  write_test_file(temp.path(), steps);
  const fs::path script = fs::path(CARESIM_SOURCE_DIR) / "tests" / "io" / "check_run_file.py";
  const std::string command = std::string(CARESIM_PYTHON) + " '" + script.string() + "' '" +
                              temp.path().string() + "' " + std::to_string(steps) + " 2>&1";
  FILE* pipe = ::popen(command.c_str(), "r");
  REQUIRE(pipe != nullptr);
  std::string output;
  char buffer[4096];
  while (const std::size_t n = std::fread(buffer, 1, sizeof buffer, pipe))
    output.append(buffer, n);
  const int status = ::pclose(pipe);
  INFO("command: " << command);
  INFO("output:\n" << output);
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
}
