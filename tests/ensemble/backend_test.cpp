// The ensemble backend: compare and chaos give the same bytes on this machine, under
// mpirun -np 2 and as a Slurm array's tasks run one after another (--emit-slurm, --task K,
// --collect), and refuse contradictory backend options.
#include "caresim/ensemble/backend.hpp"

#include <catch2/catch.hpp>
#include <cmath>
#include <fstream>
#include <limits>
#include <sstream>

#include "../support.hpp"

namespace {
namespace test = caresim::test;

std::string bytes_of(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// The same command in three folders (the output's name is part of the provenance it records).
struct Backends {
  test::TempDir dir;
  std::filesystem::path local = dir / "local", mpi = dir / "mpi", slurm = dir / "slurm";
  Backends() {
    for (const auto& f : {local, mpi, slurm})
      std::filesystem::create_directories(f);
  }
};

test::CommandResult in(const std::filesystem::path& folder, const std::string& command) {
  return test::run_command("cd " + test::quoted(folder) + " && " + command);
}

const std::string kMpirun = "mpirun --allow-run-as-root --oversubscribe -np 2 ";

std::string compare_args() {
  return " compare " + test::quoted(test::scenario_path("what-if/baseline.yaml")) + " " +
         test::quoted(test::scenario_path("what-if/target_pressure_up.yaml")) +
         " --replicates 2 --days 20 -q -o out.h5";
}

std::string chaos_args() {
  return " chaos " + test::quoted(test::scenario_path("leeds_small.yaml")) +
         " --vary mindset.steepness=5:40:2 --replicates 2 --set run.days=16 --horizon 4 "
         "--sites 3 -q -o out.h5";
}

void check_backends(const std::string& args) {
  const std::string bin = CARESIM_BINARY;
  Backends b;
  const auto local = in(b.local, bin + args);
  INFO(local.output);
  REQUIRE(local.exit_code == 0);
  const std::string expected = bytes_of(b.local / "out.h5");
  REQUIRE(expected.size() > 1000);
  CHECK_FALSE(std::filesystem::exists(b.local / "out.h5.runs"));

  // A Slurm array's tasks, run by hand in reverse order, then collected.
  const auto emit = in(b.slurm, bin + args + " --emit-slurm --array-size 3");
  INFO(emit.output);
  REQUIRE(emit.exit_code == 0);
  CHECK(emit.output.find("3 array tasks") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(b.slurm / "out.h5"));
  const auto early = in(b.slurm, bin + args + " --collect");
  CHECK(early.exit_code == 1);
  CHECK(early.output.find("runs are not done") != std::string::npos);
  for (int task = 2; task >= 0; --task) {
    const auto t = in(b.slurm, bin + args + " --task " + std::to_string(task));
    INFO(t.output);
    REQUIRE(t.exit_code == 0);
  }
  const auto collect = in(b.slurm, bin + args + " --collect");
  INFO(collect.output);
  REQUIRE(collect.exit_code == 0);
  CHECK(bytes_of(b.slurm / "out.h5") == expected);
  CHECK_FALSE(std::filesystem::exists(b.slurm / "out.h5.runs"));

  const auto both = in(b.slurm, bin + args + " --task 0 --collect");
  CHECK(both.exit_code == 2);
  CHECK(both.output.find("at most one of them") != std::string::npos);

  if (test::run_command("command -v mpirun").exit_code != 0) {
    WARN("CARESIM_TEST_SKIPPED: mpirun not found; install openmpi-bin (tools/setup.sh)");
    return;
  }
  const auto mpi = in(b.mpi, kMpirun + bin + args);
  INFO(mpi.output);
  REQUIRE(mpi.exit_code == 0);
  CHECK(bytes_of(b.mpi / "out.h5") == expected);
}

}  // namespace

TEST_CASE("backend: compare gives the same bytes locally, under mpirun -np 2 and as a Slurm array",
          "[mpi][compare]") {
  check_backends(compare_args());
}

// Parameter uncertainty on every backend: the sets drawn from the seed, the same on each rank.
TEST_CASE(
    "backend: compare --parameters gives the same bytes locally, under mpirun -np 2 and as "
    "a Slurm array",
    "[mpi][compare][parameters]") {
  test::TempDir sets;
  const auto csv = sets / "sets.csv";
  std::ofstream(csv) << "hospital.length_of_stay_days.ltc,hospital.length_of_stay_days.complex,"
                        "weight\n3,5,1\n6,9,2\n12,18,1\n";
  check_backends(compare_args() + " --parameters " + test::quoted(csv));
}

TEST_CASE("backend: chaos gives the same bytes locally, under mpirun -np 2 and as a Slurm array",
          "[mpi][chaos]") {
  check_backends(chaos_args());
}

TEST_CASE("backend: a NaN's sign survives a manifest", "[ensemble]") {
  using caresim::ensemble::format_exact;
  using caresim::ensemble::parse_exact;
  const double negative = -std::numeric_limits<double>::quiet_NaN();
  CHECK(format_exact(negative) == "-nan");
  CHECK(std::signbit(parse_exact("-nan")));
  CHECK_FALSE(std::signbit(parse_exact("nan")));
  CHECK(parse_exact(format_exact(0.1)) == 0.1);
}
