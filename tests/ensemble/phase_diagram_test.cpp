// The care model's phase diagram (caresim chaos): deterministic at any thread count, bad input
// refused with exit 2 and nothing written.
#include "caresim/ensemble/phase_diagram.hpp"

#include <catch2/catch.hpp>
#include <cstring>
#include <fstream>

#include "../support.hpp"
#include "caresim/scenario/load.hpp"

using namespace caresim;

namespace {
analysis::PhaseDiagramOptions small_options(int threads, const std::filesystem::path& scratch) {
  analysis::PhaseDiagramOptions o;
  o.axes = {analysis::parse_phase_axis("mindset.adoption_rate=0.002:0.05:2", "tiny"),
            analysis::parse_phase_axis("effort.peer_weight=0:4:2", "tiny")};
  o.replicates = 2;
  o.horizon = 5;
  o.sites = 4;
  o.threads = threads;
  o.scratch = scratch;
  return o;
}

bool same_bits(const std::vector<double>& a, const std::vector<double>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0;
}
}  // namespace

TEST_CASE("phase diagram: bitwise identical at 1 and 2 threads", "[chaos]") {
  test::TempDir dir;
  const ensemble::BaseScenario base{test::tiny_city_yaml(8000, 25), "tiny"};
  const analysis::PhaseDiagram one = analysis::phase_diagram(base, small_options(1, dir / "a"));
  const analysis::PhaseDiagram two = analysis::phase_diagram(base, small_options(2, dir / "b"));
  REQUIRE(one.points() == 4);
  REQUIRE(one.run_lambda.size() == 8);
  CHECK(same_bits(one.run_lambda, two.run_lambda));
  CHECK(same_bits(one.lambda_standard_error, two.lambda_standard_error));
  CHECK(same_bits(one.run_system_minded_share, two.run_system_minded_share));
  CHECK(same_bits(one.run_cross_org_strength_share, two.run_cross_org_strength_share));
  CHECK(same_bits(one.run_largest_cross_org_component_share,
                  two.run_largest_cross_org_component_share));
  CHECK(same_bits(one.run_branching_ratio, two.run_branching_ratio));
  CHECK(same_bits(one.susceptibility, two.susceptibility));
  for (std::size_t p = 0; p < one.points(); ++p) {
    CHECK(std::isfinite(one.lambda[p]));
    CHECK(one.lambda_lower[p] <= one.lambda[p]);
    CHECK(one.system_minded_share[p] >= 0.0);
    CHECK(one.largest_cross_org_component_share[p] > 0.0);
    CHECK(one.failed_runs[p] == 0.0);
  }
  CHECK_FALSE(std::filesystem::exists(dir / "a"));  // the runs' own files are removed
}

TEST_CASE("phase diagram: --vary ranges are checked", "[chaos]") {
  using analysis::parse_phase_axis;
  const analysis::PhaseAxis a = parse_phase_axis("mindset.steepness=5:25:5", "f.yaml");
  CHECK(a.values() == std::vector<double>{5, 10, 15, 20, 25});
  CHECK_THROWS_WITH(parse_phase_axis("mindset.steepness=5:5:3", "f.yaml"),
                    Catch::StartsWith("f.yaml/--vary: mindset.steepness: expected LO < HI"));
  CHECK_THROWS_WITH(parse_phase_axis("mindset.steepness=5:9:1", "f.yaml"),
                    Catch::StartsWith("f.yaml/--vary: mindset.steepness: expected N"));
  CHECK_THROWS_WITH(parse_phase_axis("mindset.steepness=5:x:3", "f.yaml"),
                    Catch::StartsWith("f.yaml/--vary: mindset.steepness: expected LO:HI:N"));
  CHECK_THROWS_AS(parse_phase_axis("mindset.steepness", "f.yaml"), ScenarioError);
}

TEST_CASE("caresim chaos: bad input exits 2 and writes nothing, a small diagram opens", "[cli]") {
  test::TempDir dir;
  const auto scenario = dir / "tiny.yaml";
  { std::ofstream(scenario) << test::tiny_city_yaml(8000, 25); }
  const std::string bin = CARESIM_BINARY;
  const auto out = dir / "d.h5";
  for (const std::string vary : {"mindset.nope=0:1:3", "mindset.adoption_rate=0.1:0.1:3",
                                 "mindset.adoption_rate=0:0.1:1", "mindset.adoption_rate=2:3:2"}) {
    const auto r = test::run_command(bin + " chaos " + test::quoted(scenario) + " --vary " + vary +
                                     " -o " + test::quoted(out));
    CHECK(r.exit_code == 2);
    CHECK(r.output.find("tiny.yaml/--vary: ") != std::string::npos);
    CHECK(r.output.find("expected") != std::string::npos);
    CHECK_FALSE(std::filesystem::exists(out));
    CHECK(std::distance(std::filesystem::directory_iterator(dir.path()),
                        std::filesystem::directory_iterator{}) == 1);
  }
  const auto r = test::run_command(bin + " chaos " + test::quoted(scenario) +
                                   " --vary mindset.adoption_rate=0.002:0.05:2 --replicates 2 "
                                   "--horizon 5 --sites 4 --threads 2 -o " +
                                   test::quoted(out));
  REQUIRE(r.exit_code == 0);
  CHECK(r.output.find("lambda") != std::string::npos);
  const auto py = test::run_command(
      std::string(CARESIM_PYTHON) + " -c \"import xarray as xr; ds = xr.open_dataset('" +
      out.string() +
      "', engine='h5netcdf'); print(dict(ds['lambda'].sizes), dict(ds.run_lambda.sizes))\"");
  CHECK(py.exit_code == 0);
  CHECK(
      py.output.find("{'mindset.adoption_rate': 2} {'mindset.adoption_rate': 2, 'replicate': 2}") !=
      std::string::npos);
}
