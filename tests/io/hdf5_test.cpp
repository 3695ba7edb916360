#include "caresim/io/hdf5.hpp"

#include <unistd.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <filesystem>
#include <string>
#include <vector>

#include "../support.hpp"

namespace {

namespace fs = std::filesystem;
namespace hdf5 = caresim::io::hdf5;

using caresim::test::TempPath;

bool is_open(hid_t id) {
  return H5Iis_valid(id) > 0;
}

}  // namespace

TEST_CASE("hdf5::Handle closes every kind of identifier it owns exactly once", "[io]") {
  const TempPath temp("hdf5_handle");
  hid_t file_id = H5I_INVALID_HID;
  hid_t ids[5] = {};
  {
    hdf5::Handle file = hdf5::create_file(temp.path());
    file_id = file.get();
    const hsize_t size = 4;
    hdf5::Handle dataset = hdf5::create_dataset(file.get(), "numbers", H5T_STD_I32LE,
                                                std::span(&size, 1), std::span(&size, 1));
    hdf5::write_attribute(dataset.get(), "answer", std::int64_t{42});
    hdf5::Handle attribute(H5Aopen(dataset.get(), "answer", H5P_DEFAULT), "open", "answer");
    hdf5::Handle space(H5Screate(H5S_SCALAR), "create", "space");
    hdf5::Handle type = hdf5::utf8_string_type();
    hdf5::Handle plist(H5Pcreate(H5P_DATASET_XFER), "create", "plist");
    hdf5::Handle group = hdf5::create_group(file.get(), "group");
    ids[0] = attribute.get();
    ids[1] = space.get();
    ids[2] = type.get();
    ids[3] = plist.get();
    ids[4] = group.get();
    for (const hid_t id : ids)
      CHECK(is_open(id));

    hdf5::Handle moved = std::move(dataset);
    CHECK_FALSE(dataset);  // NOLINT(bugprone-use-after-move): checking the moved-from state
    CHECK(is_open(moved.get()));
    hdf5::Handle assigned;
    assigned = std::move(moved);
    CHECK(is_open(assigned.get()));
    assigned.close();
    CHECK_FALSE(assigned);
    CHECK(is_open(file_id));
  }
  for (const hid_t id : ids)
    CHECK_FALSE(is_open(id));
  CHECK_FALSE(is_open(file_id));
}

TEST_CASE("hdf5 errors name the operation and the object", "[io]") {
  const fs::path missing = fs::temp_directory_path() / "caresim_missing_dir" / "x.h5";
  try {
    hdf5::open_file(missing);
    FAIL("expected std::runtime_error");
  } catch (const std::runtime_error& error) {
    CHECK_THAT(error.what(), Catch::Matchers::Contains("open file") &&
                                 Catch::Matchers::Contains(missing.string()));
  }
  const TempPath temp("hdf5_errors");
  const hdf5::Handle file = hdf5::create_file(temp.path());
  try {
    hdf5::open_dataset(file.get(), "absent");
    FAIL("expected std::runtime_error");
  } catch (const std::runtime_error& error) {
    CHECK_THAT(error.what(), Catch::Matchers::Contains("open dataset '/absent'"));
  }
  CHECK_THROWS_AS(hdf5::read_string_attribute(file.get(), "absent"), std::runtime_error);
  CHECK_FALSE(hdf5::has_link(file.get(), "absent"));
}

TEST_CASE("hdf5 attributes round-trip and replace in place and may exceed 64 KiB", "[io]") {
  const TempPath temp("hdf5_attributes");
  const std::string long_text(200 * 1024, 'p');
  std::vector<double> many(30'000);  // 240 KB: past the 64 KiB object-header message limit
  for (std::size_t i = 0; i < many.size(); ++i)
    many[i] = static_cast<double>(i) / 8.0;
  {
    const hdf5::Handle file = hdf5::create_file(temp.path());
    const hid_t root = file.get();
    hdf5::write_attribute(root, "text", "Zürich – 東京");
    hdf5::write_attribute(root, "count", std::int64_t{-7});
    hdf5::write_attribute(root, "ratio", 0.125);
    hdf5::write_attribute(root, "small", std::int32_t{3});
    hdf5::write_attribute(root, "long_text", long_text);
    hdf5::write_array_attribute<double>(root, "many", many);
    hdf5::write_ascii_attribute(root, "fixed", "DIMENSION_SCALE");
    // Replacements: same type in place, then a change of type.
    hdf5::write_attribute(root, "count", std::int64_t{9});
    hdf5::write_attribute(root, "ratio", "now text");
    CHECK_THROWS_AS(hdf5::write_attribute(root, "bad", std::string("\xc3\x28")),
                    std::invalid_argument);
    CHECK_THROWS_AS(hdf5::write_attribute(root, "nul", std::string("a\0b", 3)),
                    std::invalid_argument);
    CHECK_THROWS_AS(hdf5::write_ascii_attribute(root, "non_ascii", "é"), std::invalid_argument);
  }
  const hdf5::Handle file = hdf5::open_file(temp.path());
  const hid_t root = file.get();
  CHECK(hdf5::read_string_attribute(root, "text") == "Zürich – 東京");
  CHECK(hdf5::read_attribute<std::int64_t>(root, "count") == 9);
  CHECK(hdf5::read_string_attribute(root, "ratio") == "now text");
  CHECK(hdf5::read_attribute<std::int32_t>(root, "small") == 3);
  CHECK(hdf5::read_string_attribute(root, "long_text") == long_text);
  CHECK(hdf5::read_array_attribute<double>(root, "many") == many);
  CHECK(hdf5::read_string_attribute(root, "fixed") == "DIMENSION_SCALE");
  CHECK_FALSE(hdf5::has_attribute(root, "bad"));
  CHECK_THROWS_AS(hdf5::read_attribute<double>(root, "many"), std::runtime_error);
}

TEST_CASE("hdf5::write_rows grows a dataset and writes a column block", "[io]") {
  const TempPath temp("hdf5_rows");
  const hdf5::Handle file = hdf5::create_file(temp.path());
  const std::vector<hsize_t> shape{0, 2};
  const std::vector<hsize_t> max_shape{H5S_UNLIMITED, 2};
  const hdf5::Handle dataset = hdf5::create_dataset(
      file.get(), "pairs", H5T_IEEE_F64LE, shape, max_shape,
      {.chunk = {4, 2}, .shuffle = true, .deflate_level = 1, .fill_value = std::nullopt});
  // Rows of 4 values; the dataset takes columns 1 and 2.
  const std::vector<double> block{0, 1, 2, 3, 10, 11, 12, 13, 20, 21, 22, 23};
  hdf5::write_rows(dataset.get(), H5T_NATIVE_DOUBLE, block.data(), 2, 4, 1, 0);
  hdf5::write_rows(dataset.get(), H5T_NATIVE_DOUBLE, block.data() + 8, 1, 4, 1, 2);
  CHECK(hdf5::dims(dataset.get()) == std::vector<hsize_t>{3, 2});
  CHECK(hdf5::read_all<double>(dataset.get()) == std::vector<double>{1, 2, 11, 12, 21, 22});
  hdf5::resize_rows(dataset.get(), 1);
  CHECK(hdf5::read_all<double>(dataset.get()) == std::vector<double>{1, 2});
  CHECK_THROWS_AS(hdf5::write_rows(dataset.get(), H5T_NATIVE_DOUBLE, block.data(), 1, 4, 3, 1),
                  std::invalid_argument);
}

TEST_CASE("hdf5::is_valid_utf8 accepts UTF-8 and nothing else", "[io]") {
  CHECK(hdf5::is_valid_utf8(""));
  CHECK(hdf5::is_valid_utf8("plain ASCII"));
  CHECK(hdf5::is_valid_utf8("Hôpital – 東京 \xf0\x9f\x8f\xa5"));
  CHECK_FALSE(hdf5::is_valid_utf8("\xff"));
  CHECK_FALSE(hdf5::is_valid_utf8("\xc3"));              // truncated
  CHECK_FALSE(hdf5::is_valid_utf8("\xc0\xaf"));          // overlong '/'
  CHECK_FALSE(hdf5::is_valid_utf8("\xed\xa0\x80"));      // UTF-16 surrogate
  CHECK_FALSE(hdf5::is_valid_utf8("\xf4\x90\x80\x80"));  // past U+10FFFF
  CHECK_FALSE(hdf5::is_valid_utf8("\x80"));              // lone continuation byte
}
