// The per-neighbourhood part of `caresim compare` (issue 11 item 7) and the costs it compares
// (item 9): paired differences neighbourhood by neighbourhood with the priority neighbourhoods
// flagged, written to /neighbourhoods of the comparison file; and cost series that move the way
// a known intervention should move them.
#include <catch2/catch.hpp>
#include <cmath>
#include <fstream>
#include <sstream>

#include "../support.hpp"
#include "caresim/ensemble/compare.hpp"
#include "caresim/io/netcdf.hpp"

using namespace caresim;
using test::read_text;
using namespace caresim::ensemble;

namespace {

CompareArm arm(const std::string& name, const std::filesystem::path& file) {
  return {name, {read_text(file), file.string()}};
}

CompareOptions options(const test::TempDir& dir, int replicates, int days) {
  CompareOptions o;
  o.replicates = replicates;
  o.days = days;
  o.threads = 2;
  o.scratch = dir / "runs";
  o.command_line = "compare_neighbourhoods_test";
  return o;
}

std::size_t index_of(const std::vector<std::string>& names, const std::string& name) {
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (names[i] == name) return i;
  }
  FAIL("no " << name);
  return 0;
}

}  // namespace

TEST_CASE(
    "compare: per neighbourhood, a scenario against itself differs by exactly zero, the six "
    "priority neighbourhoods are flagged, and /neighbourhoods is written",
    "[compare]") {
  test::TempDir dir;
  const auto file = test::scenario_path("what-if/baseline.yaml");
  const std::vector<CompareArm> arms{arm("a", file), arm("b", file)};
  const Comparison c = run_comparison(arms, options(dir, 2, 20));
  REQUIRE(complete(c));
  REQUIRE(c.neighbourhoods.size() == 107);
  CHECK(c.neighbourhood_flag == "priority");
  int flagged = 0;
  for (std::size_t n = 0; n < c.neighbourhoods.size(); ++n) {
    flagged += c.neighbourhood_flagged[n];
    // The care model's names say it too.
    CHECK((c.neighbourhoods[n].find("(priority)") != std::string::npos) ==
          (c.neighbourhood_flagged[n] == 1));
  }
  CHECK(flagged == 6);
  const std::size_t M = c.neighbourhood_metrics.size();
  REQUIRE(M >= 4);
  const std::size_t ae = index_of(c.neighbourhood_metrics, "neighbourhood_a_and_e_per_100k");
  for (std::size_t k = 0; k < c.neighbourhood_diff.size(); ++k) {
    REQUIRE(c.neighbourhood_diff[k] == 0.0);
    REQUIRE(c.neighbourhood_diff_low[k] == 0.0);
  }
  for (std::size_t k = 0; k < c.group_diff.size(); ++k)
    REQUIRE(c.group_diff[k] == 0.0);
  // The priority group's mean is the unweighted mean of its neighbourhoods' means.
  double sum = 0.0;
  for (std::size_t n = 0; n < c.neighbourhoods.size(); ++n) {
    if (c.neighbourhood_flagged[n]) sum += c.neighbourhood_mean[(ae * 2 + 0) * 107 + n];
  }
  CHECK(c.group_mean[(ae * 2 + 0) * 2 + 0] == Approx(sum / 6.0).epsilon(1e-12));
  // The poorest neighbourhoods attend A&E more than the rest (deprivation gradient).
  CHECK(c.group_mean[(ae * 2 + 0) * 2 + 0] > c.group_mean[(ae * 2 + 0) * 2 + 1]);
  const std::string printed = format_neighbourhood_comparison(c);
  CHECK_THAT(printed, Catch::Contains("b vs a by neighbourhood (107 neighbourhoods, 6 of them "
                                      "priority"));
  CHECK_THAT(printed, Catch::Contains("neighbourhood_a_and_e_per_100k"));

  const auto out = dir / "c.h5";
  write_comparison(c, out);
  const io::netcdf::Reader reader(out);
  CHECK(reader.shape("neighbourhoods/diff") == std::vector<std::size_t>{M, 2, 107});
  CHECK(reader.shape("neighbourhoods/group_diff") == std::vector<std::size_t>{M, 2, 2});
  CHECK(reader.shape("neighbourhoods/run_mean") == std::vector<std::size_t>{2, 2, M, 107});
  const std::vector<std::int64_t> flags = reader.read_integers("neighbourhoods/flagged");
  CHECK(std::count(flags.begin(), flags.end(), 1) == 6);
  CHECK(reader.read_strings("neighbourhoods/neighbourhood_name") == c.neighbourhoods);
  // xarray and netCDF-C read the group (ctest netcdf_readers_open_every_file checks the rest).
  const auto py =
      test::run_command(std::string(CARESIM_PYTHON) +
                        " -c \"import xarray as xr; d = xr.open_dataset('" + out.string() +
                        "', group='neighbourhoods', engine='h5netcdf'); "
                        "print(dict(d['diff'].sizes), int(d.flagged.sum()))\"");
  INFO(py.output);
  CHECK(py.exit_code == 0);
  CHECK_THAT(py.output, Catch::Contains("'arm': 2, 'neighbourhood': 107} 6"));
}

TEST_CASE(
    "compare: the priority-neighbourhood shift lowers A&E attendances in the priority "
    "neighbourhoods, significantly, and not in the others (one tenth of Leeds, 8 paired "
    "replicates, 3 years)",
    "[compare][validation]") {
  test::TempDir dir;
  const std::vector<CompareArm> arms{
      arm("baseline", test::scenario_path("what-if/baseline.yaml")),
      arm("priority_shift", test::scenario_path("what-if/priority_shift.yaml"))};
  CompareOptions o = options(dir, 8, 1095);
  o.threads = 0;
  const Comparison c = run_comparison(arms, o);
  REQUIRE(complete(c));
  INFO(format_neighbourhood_comparison(c, 6));
  const std::size_t ae = index_of(c.neighbourhood_metrics, "neighbourhood_a_and_e_per_100k");
  const std::size_t cover = index_of(c.neighbourhood_metrics, "neighbourhood_prevention_coverage");
  const auto group = [&](const std::vector<double>& v, std::size_t m, std::size_t g) {
    return v[(m * 2 + 1) * 2 + g];
  };
  // Prevention reaches the priority neighbourhoods and A&E attendances there fall, with an
  // interval that excludes 0.
  CHECK(group(c.group_diff_low, cover, 0) > 0.0);
  CHECK(group(c.group_diff_high, ae, 0) < 0.0);
  // The others give some of their prevention up: no fall there.
  CHECK(group(c.group_diff, ae, 1) > group(c.group_diff_high, ae, 0));
  // Priority neighbourhoods one by one (about 760 residents each at one tenth, so each has
  // its own noise): none rises significantly and most fall. Asserting that every one of the
  // six falls failed by chance (+0.71, not significant, on 5 December 2026, with the group at
  // -4.1 [-5.3, -2.9]).
  int fell = 0, flagged = 0;
  for (std::size_t n = 0; n < c.neighbourhoods.size(); ++n) {
    if (c.neighbourhood_flagged[n]) {
      INFO(c.neighbourhoods[n]);
      const std::size_t k = (ae * 2 + 1) * c.neighbourhoods.size() + n;
      CHECK(c.neighbourhood_diff_low[k] < 0.0);
      fell += c.neighbourhood_diff[k] < 0.0 ? 1 : 0;
      ++flagged;
    }
  }
  CHECK(flagged == 6);
  CHECK(fell >= 4);
}
