#include "caresim/io/netcdf.hpp"

#include <catch2/catch.hpp>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "../support.hpp"
#include "caresim/io/hdf5.hpp"

namespace {

namespace hdf5 = caresim::io::hdf5;
namespace nc = caresim::io::netcdf;
using caresim::test::TempPath;

std::string ncdump_header(const std::string& path) {
  std::string out;
  const std::unique_ptr<FILE, int (*)(FILE*)> pipe(
      popen(("ncdump -h '" + path + "' 2>&1").c_str(), "r"), pclose);
  if (!pipe) return out;
  char buffer[4096];
  while (fgets(buffer, sizeof buffer, pipe.get()) != nullptr)
    out += buffer;
  return out;
}

}  // namespace

TEST_CASE("netcdf: dimension ids are unique in the file, in definition order", "[io]") {
  const TempPath temp("netcdf_ids");
  {
    nc::File file = nc::File::create(temp.path());
    nc::Group root = file.root();
    root.define_coordinate(
        {.name = "time", .type = nc::Type::int64, .units = "days since 2024-01-01"}, 0, true);
    root.define_index("site", 3, "site");
    nc::Group table = root.create_group("table");
    table.define_index("row", 5, "row");
    table.define_dimension("slot", 4);
    nc::Variable v = table.define_variable(
        {.name = "value", .dimensions = {"row", "site"}, .units = "1", .long_name = "a value"});
    const std::vector<double> values(15, 0.5);
    v.write(values);
  }
  const hdf5::Handle file = hdf5::open_file(temp.path());
  const auto dimid = [&](const char* path) {
    return hdf5::read_attribute<std::int32_t>(hdf5::open_dataset(file.get(), path).get(),
                                              "_Netcdf4Dimid");
  };
  CHECK(dimid("time") == 0);
  CHECK(dimid("site") == 1);
  CHECK(dimid("table/row") == 2);
  CHECK(dimid("table/slot") == 3);
  const hdf5::Handle value = hdf5::open_dataset(file.get(), "table/value");
  CHECK(hdf5::read_array_attribute<std::int32_t>(value.get(), "_Netcdf4Coordinates") ==
        std::vector<std::int32_t>{2, 1});
  CHECK(hdf5::dimension_scale_paths(value.get()) ==
        std::vector<std::string>{"/table/row", "/site"});
  CHECK_FALSE(hdf5::has_attribute(value.get(), "_Netcdf4Dimid"));
  const hdf5::Handle slot = hdf5::open_dataset(file.get(), "table/slot");
  CHECK(hdf5::read_string_attribute(slot.get(), "NAME") ==
        "This is a netCDF dimension but not a netCDF variable.         4");

  const std::string header = ncdump_header(temp.path().string());
  INFO(header);
  CHECK(header.find("time = UNLIMITED ; // (0 currently)") != std::string::npos);
  CHECK(header.find("double value(row, site)") != std::string::npos);
  CHECK(header.find("slot = 4 ;") != std::string::npos);
}

TEST_CASE("netcdf: Reader reads back what the writer wrote", "[io]") {
  const TempPath temp("netcdf_reader");
  {
    nc::File file = nc::File::create(temp.path());
    nc::Group root = file.root();
    root.set_attribute("title", std::string_view("test"));
    root.define_index("point", 3, "point");
    const std::vector<std::string> names{"a", "b", "c"};
    root.write_strings("point_name", "point", names, "name");
    nc::Variable x = root.define_variable({.name = "x", .dimensions = {"point"}});
    const std::vector<double> values{1.0, 2.5, -3.0};
    x.write(values);
  }
  const nc::Reader reader(temp.path());
  CHECK(reader.text_attribute("title") == "test");
  CHECK(reader.has_variable("x"));
  CHECK_FALSE(reader.has_variable("y/z"));
  CHECK(reader.shape("x") == std::vector<std::size_t>{3});
  CHECK(reader.read_doubles("x") == std::vector<double>{1.0, 2.5, -3.0});
  CHECK(reader.read_integers("point") == std::vector<std::int64_t>{0, 1, 2});
  CHECK(reader.read_strings("point_name") == std::vector<std::string>{"a", "b", "c"});
}

TEST_CASE("netcdf: a variable over an undefined dimension is rejected", "[io]") {
  const TempPath temp("netcdf_reject");
  nc::File file = nc::File::create(temp.path());
  nc::Group root = file.root();
  CHECK_THROWS_AS(root.define_variable({.name = "x", .dimensions = {"nowhere"}}),
                  std::invalid_argument);
  root.define_index("point", 2, "point");
  CHECK_THROWS_AS(root.define_index("point", 2, "point"), std::invalid_argument);
}
