// Inputs that crashed, hung or failed late before issue 14: each must now be refused up front
// with a ScenarioError (file, line, key, what was expected), or be told apart on disk.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <fstream>
#include <string>

#include "../support.hpp"
#include "caresim/catalogue/run.hpp"
#include "caresim/io/run_file.hpp"
#include "caresim/scenario/load.hpp"

using caresim::ScenarioError;
using caresim::test::TempDir;

namespace {
std::filesystem::path write(const TempDir& dir, const std::string& name, const std::string& text) {
  const auto path = dir / name;
  std::ofstream(path, std::ios::binary) << text;
  return path;
}

std::string error_of_file(const std::filesystem::path& file) {
  try {
    (void)caresim::load_scenario(file);
  } catch (const ScenarioError& e) {
    return e.what();
  }
  return "(accepted)";
}

std::string error_of_text(const std::string& text) {
  try {
    (void)caresim::parse_scenario(text, "x.yaml");
  } catch (const ScenarioError& e) {
    return e.what();
  }
  return "(accepted)";
}
}  // namespace

TEST_CASE("hostile input: a file holding only ',' is refused (yaml-cpp 0.7 LoadAll loops)",
          "[scenario][bad-input]") {
  TempDir dir;
  const auto comma = write(dir, "comma.yaml", ",");
  CHECK_THAT(error_of_file(comma),
             Catch::Contains("comma.yaml") && Catch::Contains("expected a map"));
  const auto base = write(dir, "base.yaml", "base: comma.yaml\n");
  // A base is checked on its own first, so the error names the base file itself.
  CHECK_THAT(error_of_file(base),
             Catch::Contains("comma.yaml") && Catch::Contains("expected a map"));
  // Two real documents are still told apart from one.
  CHECK_THAT(error_of_text("name: a\n---\nname: b\n"), Catch::Contains("single YAML document"));
}

TEST_CASE("hostile input: base: naming a device or a huge file is refused unread",
          "[scenario][bad-input]") {
  TempDir dir;
  CHECK_THAT(error_of_file(write(dir, "zero.yaml", "base: /dev/zero\n")),
             Catch::Contains("zero.yaml:1:7: base:") && Catch::Contains("regular"));
  CHECK_THAT(error_of_file("/dev/zero"), Catch::Contains("regular"));
  write(dir, "huge.yaml", std::string(5u << 20, '#'));
  CHECK_THAT(error_of_file(write(dir, "b.yaml", "base: huge.yaml\n")),
             Catch::Contains("at most 4 MiB"));
}

TEST_CASE("hostile input: a key that is not a scalar under base: is a ScenarioError",
          "[scenario][bad-input]") {
  TempDir dir;
  write(dir, "good.yaml", caresim::test::tiny_city_yaml());
  CHECK_THAT(error_of_file(write(dir, "a.yaml", "base: good.yaml\n[a, b]: 1\n")),
             Catch::Contains("a.yaml:2:1") && Catch::Contains("expected a key name"));
  CHECK_THAT(error_of_file(write(dir, "b.yaml", "base: good.yaml\nties: {[a]: 1}\n")),
             Catch::Contains("b.yaml:") && Catch::Contains("ties: expected a key name"));
}

TEST_CASE("hostile input: deep nesting names the nesting, not 'bad file'",
          "[scenario][bad-input]") {
  const std::string text = "a: " + std::string(5000, '[') + std::string(5000, ']') + "\n";
  CHECK_THAT(error_of_text(text),
             Catch::Contains("x.yaml:1:1") && Catch::Contains("at most 64 levels of nested"));
  // Brackets inside quotes and comments do not count.
  CHECK_THAT(error_of_text("name: \"" + std::string(100, '[') + "\"\n# " + std::string(100, '{') +
                           "\n" + caresim::test::tiny_city_yaml().substr(11)),
             Catch::Equals("(accepted)"));
}

TEST_CASE("hostile input: sizes and rates have physical upper bounds", "[scenario][bad-input]") {
  const std::string city = caresim::test::tiny_city_yaml();
  CHECK_THAT(error_of_text(city + "health: {deprivation_gradient: 1e308}\n"),
             Catch::Contains("health.deprivation_gradient: expected a number in [0, 10]"));
  CHECK_THAT(error_of_text(city + "health: {gp_requests_per_year: {well: 1e20}}\n"),
             Catch::Contains("health.gp_requests_per_year.well") && Catch::Contains("365"));
  std::string big_count = city;
  big_count.replace(big_count.find("count: 6"), 8, "count: 2147483647");
  CHECK_THAT(error_of_text(big_count), Catch::Contains("organisations[3].count"));
  std::string big_staff = city;
  big_staff.replace(big_staff.find("staff: 450"), 10, "staff: 1000000000");
  CHECK_THAT(error_of_text(big_staff), Catch::Contains("organisations[0].staff"));
  try {
    (void)caresim::parse_scenario(city, "x.yaml", {"ties.cross_org_ties_per_staff=1e9"});
    FAIL("accepted");
  } catch (const ScenarioError& e) {
    CHECK_THAT(e.what(), Catch::Contains("--set ties.cross_org_ties_per_staff=1e9"));
  }
}

TEST_CASE("hostile input: a city too big for the machine is refused before anything is built",
          "[scenario][bad-input]") {
  caresim::Scenario s = caresim::parse_scenario(caresim::test::tiny_city_yaml(), "x.yaml");
  const std::uint64_t tiny = caresim::estimated_memory_bytes(s);
  CHECK(tiny > 0);
  CHECK(tiny < (512ull << 20));
  s.city.citizens = 100'000'000;
  for (auto& org : s.organisations)
    org.staff = 2'000'000;
  s.ties.cross_org_ties_per_staff = 1000.0;
  s.ties.max_ties = 100'000;
  CHECK(caresim::estimated_memory_bytes(s) > (1ull << 40));
  TempDir dir;
  caresim::RunOptions options;
  options.output = dir / "o.h5";
  try {
    (void)caresim::run_scenario(s, options);
    FAIL("a 100-million-person city was accepted");
  } catch (const std::invalid_argument& e) {
    CHECK_THAT(e.what(), Catch::Contains("GiB of memory") && Catch::Contains("this machine's"));
  }
  CHECK_FALSE(std::filesystem::exists(dir / "o.h5.part"));
}

TEST_CASE("hostile input: a name with NUL or invalid UTF-8 is refused", "[scenario][bad-input]") {
  const std::string rest = caresim::test::tiny_city_yaml().substr(11);  // without "name: tiny\n"
  CHECK_THAT(error_of_text("name: \"a\\0b\"\n" + rest),
             Catch::Contains("x.yaml:1:") && Catch::Contains("name: expected UTF-8"));
  CHECK_THAT(error_of_text("name: \"\xff\xfe\"\n" + rest), Catch::Contains("name: expected UTF-8"));
  CHECK_THAT(error_of_text("name: Leeds \xe2\x80\x93 caf\xc3\xa9\n" + rest),
             Catch::Equals("(accepted)"));
}

TEST_CASE("run file state: finished, killed, running and garbage are told apart",
          "[io][bad-input]") {
  using caresim::io::inspect_run_file;
  using caresim::io::RunFileState;
  TempDir dir;
  CHECK(inspect_run_file(dir / "none.h5") == RunFileState::missing);
  CHECK(inspect_run_file(write(dir, "junk.h5", "garbage, not HDF5")) == RunFileState::unreadable);
  caresim::RunLayout layout;
  layout.start_date = "2017-04-01";
  layout.series.push_back({"x", "1", "a series", -1});
  const auto make = [&](const std::string& name, std::int64_t pid, bool close) {
    caresim::io::RunFile file(dir / name, layout);
    char host[256] = {};
    ::gethostname(host, sizeof host - 1);
    file.set_attributes(
        {caresim::Attribute::of("pid", pid), caresim::Attribute::of("host", std::string(host))});
    if (close) file.close(caresim::RunStatus::finished);
  };
  make("done.h5", ::getpid(), true);
  CHECK(inspect_run_file(dir / "done.h5") == RunFileState::finished);
  make("live.h5", ::getpid(), false);
  CHECK(inspect_run_file(dir / "live.h5") == RunFileState::running);
  make("dead.h5", 0x7ffffff0, false);  // above any pid_max: no such process
  CHECK(inspect_run_file(dir / "dead.h5") == RunFileState::killed);
}
