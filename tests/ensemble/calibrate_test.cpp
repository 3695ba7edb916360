// caresim calibrate end to end on the Ishigami model: history matching and ABC-SMC through the
// command, the calibration file read back, resuming from the run cache.
#include "caresim/ensemble/calibrate.hpp"

#include <catch2/catch.hpp>
#include <cmath>
#include <fstream>
#include <sstream>

#include "../support.hpp"
#include "caresim/ensemble/sweep.hpp"
#include "caresim/io/hdf5.hpp"

namespace caresim::ensemble {
namespace {

using test::quoted;
using test::run_command;
namespace h5 = io::hdf5;
const std::string kBin = CARESIM_BINARY;
const std::filesystem::path kData =
    std::filesystem::path(CARESIM_SOURCE_DIR) / "tests/ensemble/data";

std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST_CASE("calibrate: history matching of Ishigami to a band, resumed from its cache",
          "[calibrate]") {
  test::TempDir dir;
  const auto spec = kData / "ishigami_calibrate.yaml";
  auto r =
      run_command(kBin + " calibrate " + quoted(spec) + " --quiet --output " + quoted(dir / "a"));
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  CHECK(r.output.find("final runs: 20 of 20 reproduce every target") != std::string::npos);
  const auto file = dir / "a" / "calibration.h5";
  {
    h5::Handle f = h5::open_file(file);
    CHECK(h5::read_attribute<std::int64_t>(f.get(), "waves") == 3);
    double previous = 1.0;
    for (int w = 1; w <= 3; ++w) {
      h5::Handle g = h5::open_group(f.get(), "wave_" + std::to_string(w));
      const double fraction = h5::read_attribute<double>(g.get(), "non_implausible_fraction");
      CHECK(fraction <= previous);
      previous = fraction;
      h5::Handle ds = h5::open_dataset(g.get(), "implausibility");
      CHECK(h5::read_all<double>(ds.get()).size() == 40);
    }
    CHECK(previous < 0.1);
    // Every final run's y lies in the band [3.9, 4.1] widened by the emulator's noise.
    h5::Handle post = h5::open_group(f.get(), "posterior");
    h5::Handle out = h5::open_dataset(post.get(), "final_output");
    for (double y : h5::read_all<double>(out.get()))
      CHECK(std::abs(y - 4.0) < 0.5);
    // The truth is a set, y(x1, x2) = 4: the non-implausible sample's outputs sit near it.
    h5::Handle values = h5::open_dataset(post.get(), "non_implausible_value");
    const auto v = h5::read_all<double>(values.get());
    int near = 0;
    for (std::size_t i = 0; i + 1 < v.size(); i += 2)
      near += std::abs(std::sin(v[i]) + 7 * std::pow(std::sin(v[i + 1]), 2) - 4.0) < 0.5;
    CHECK(near >= static_cast<int>(v.size() / 2 * 95 / 100));
  }
  // Resumed (here: repeated) from the cache: no new runs, the same file byte for byte.
  const std::string before = slurp(file);
  r = run_command(kBin + " calibrate " + quoted(spec) + " --quiet --output " + quoted(dir / "a"));
  REQUIRE(r.exit_code == 0);
  CHECK(r.output.find("140 runs (140 reused)") != std::string::npos);
  CHECK(slurp(file) == before);
  // xarray and netCDF-C read it, groups and all.
  const auto py = run_command(std::string(CARESIM_PYTHON) +
                              " -c \"import xarray as xr, netCDF4; "
                              "w = xr.open_dataset('" +
                              file.string() +
                              "', engine='h5netcdf', group='wave_3'); "
                              "print(w.design_value.dims, w.emulator_loo_coverage_95.dims); "
                              "print(sorted(netCDF4.Dataset('" +
                              file.string() + "').groups))\"");
  INFO(py.output);
  CHECK(py.exit_code == 0);
  CHECK(py.output.find("('run', 'parameter') ('target',)") != std::string::npos);
  CHECK(py.output.find("['posterior', 'wave_1', 'wave_2', 'wave_3']") != std::string::npos);
}

TEST_CASE("calibrate: ABC-SMC of Ishigami's x1 concentrates near asin(0.5)", "[calibrate]") {
  test::TempDir dir;
  const auto r = run_command(kBin + " calibrate " + quoted(kData / "ishigami_abc.yaml") +
                             " --quiet --output " + quoted(dir / "a"));
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  h5::Handle f = h5::open_file(dir / "a" / "calibration.h5");
  h5::Handle post = h5::open_group(f.get(), "posterior");
  h5::Handle mean = h5::open_dataset(post.get(), "mean");
  // y = sin x1 = 0.5 +- 0.05 on [0, pi/2]: x1 = pi/6 = 0.524, sd about 0.05 / cos(pi/6) = 0.058.
  CHECK(h5::read_all<double>(mean.get())[0] == Approx(M_PI / 6).margin(0.05));
  h5::Handle w = h5::open_dataset(post.get(), "weight");
  double total = 0.0;
  for (double x : h5::read_all<double>(w.get()))
    total += x;
  CHECK(total == Approx(1.0));
}

TEST_CASE("calibrate: a spec naming an unknown key or series is refused before any run",
          "[calibrate]") {
  test::TempDir dir;
  std::ofstream(dir / "spec.yaml")
      << "method: history_matching\nscenario: " << (kData / "ishigami.yaml").string()
      << "\ntargets: " << (kData / "ishigami_targets.yaml").string()
      << "\nparameters:\n  - {key: ishigami.nope, prior: uniform, range: [0, 1]}\n";
  auto r = run_command(kBin + " calibrate " + quoted(dir / "spec.yaml") + " --quiet --output " +
                       quoted(dir / "out"));
  CHECK(r.exit_code == 2);
  CHECK(r.output.find("ishigami.nope") != std::string::npos);
  CHECK_THROWS_AS(parse_calibration_spec("method: annealing\n", "x.yaml"), SweepError);
}

// The same calibration on every backend of `sweep`: this machine, mpirun -np 2, and a Slurm
// array's tasks run by hand (each batch emitted, its tasks run, collected; --collect emits the
// next batch until the calibration ends). The calibration file is the same byte for byte.
TEST_CASE(
    "calibrate: history matching gives the same file locally, under mpirun and as Slurm "
    "batches",
    "[calibrate][mpi]") {
  test::TempDir dir;
  const auto spec = kData / "ishigami_calibrate.yaml";
  const std::string cmd = kBin + " calibrate " + quoted(spec) + " --quiet --threads 2 --output ";
  auto r = run_command(cmd + quoted(dir / "local"));
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  const std::string expected = slurp(dir / "local" / "calibration.h5");
  REQUIRE(expected.size() > 1000);

  // Slurm, by hand: 3 waves and the final runs are 4 batches, each emitted then collected.
  const std::string slurm =
      kBin + " calibrate " + quoted(spec) + " --output " + quoted(dir / "slurm");
  r = run_command(slurm + " --emit-slurm --array-size 2");
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  CHECK(r.output.find("40 runs in 2 array tasks") != std::string::npos);
  int batches = 0;
  for (; batches < 10; ++batches) {
    for (int task : {1, 0}) {
      const auto t = run_command(slurm + " --quiet --threads 1 --task " + std::to_string(task));
      INFO(t.output);
      REQUIRE(t.exit_code == 0);
    }
    r = run_command(slurm + " --collect --array-size 2");
    INFO(r.output);
    REQUIRE(r.exit_code == 0);
    if (r.output.find("written to") != std::string::npos) break;
    CHECK(r.output.find("collected 1 batch of runs") != std::string::npos);
    CHECK(r.output.find("calibrate.sbatch") != std::string::npos);
    CHECK(r.output.find("in 2 array tasks") != std::string::npos);
    // The printed collect command keeps the array's options for the next batch.
    CHECK(r.output.find("'--array-size' '2'") != std::string::npos);
  }
  CHECK(batches == 3);  // the fourth collect ends it
  CHECK(r.output.find("final runs: 20 of 20 reproduce every target") != std::string::npos);
  CHECK(slurp(dir / "slurm" / "calibration.h5") == expected);

  if (run_command("command -v mpirun").exit_code != 0) {
    WARN("CARESIM_TEST_SKIPPED: mpirun not found; install openmpi-bin (tools/setup.sh)");
    return;
  }
  r = run_command("mpirun --allow-run-as-root --oversubscribe -np 2 " + kBin + " calibrate " +
                  quoted(spec) + " --quiet --output " + quoted(dir / "mpi"));
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  CHECK(slurp(dir / "mpi" / "calibration.h5") == expected);
}

TEST_CASE("calibrate: ABC-SMC under mpirun -np 2 gives the local posterior, near the known answer",
          "[calibrate][mpi]") {
  if (run_command("command -v mpirun").exit_code != 0) {
    WARN("CARESIM_TEST_SKIPPED: mpirun not found; install openmpi-bin (tools/setup.sh)");
    return;
  }
  test::TempDir dir;
  const auto spec = kData / "ishigami_abc.yaml";
  auto r = run_command(kBin + " calibrate " + quoted(spec) + " --quiet --output " +
                       quoted(dir / "local"));
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  r = run_command("mpirun --allow-run-as-root --oversubscribe -np 2 " + kBin + " calibrate " +
                  quoted(spec) + " --quiet --output " + quoted(dir / "mpi"));
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  // Printed once (rank 0), and the same posterior byte for byte.
  CHECK(r.output.find("calibration 'ishigami_abc'") ==
        r.output.rfind("calibration 'ishigami_abc'"));
  CHECK(slurp(dir / "mpi" / "calibration.h5") == slurp(dir / "local" / "calibration.h5"));
  h5::Handle f = h5::open_file(dir / "mpi" / "calibration.h5");
  h5::Handle post = h5::open_group(f.get(), "posterior");
  h5::Handle mean = h5::open_dataset(post.get(), "mean");
  // y = sin x1 = 0.5 +- 0.05: x1 = pi/6.
  CHECK(h5::read_all<double>(mean.get())[0] == Approx(M_PI / 6).margin(0.05));
}

}  // namespace
}  // namespace caresim::ensemble
