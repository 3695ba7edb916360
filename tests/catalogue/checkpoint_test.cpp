// Exact checkpoint/restart (issue 14 item 6) and branching from a saved state (item 7): a run
// stopped after a checkpoint and resumed writes every dataset bit for bit as the run never
// stopped, for the care model (default and what-if scenarios) and every teaching model, at 1 and
// 2 threads; a run killed with SIGKILL resumes to the same bytes; branches of one checkpoint are
// paired.
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <hdf5.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "../support.hpp"
#include "caresim/catalogue/run.hpp"
#include "caresim/core/archive.hpp"
#include "caresim/ensemble/compare.hpp"
#include "caresim/io/checkpoint_file.hpp"
#include "caresim/io/hdf5.hpp"
#include "caresim/scenario/load.hpp"

namespace {

namespace fs = std::filesystem;
using caresim::RunOptions;
using caresim::RunResult;
using caresim::RunStatus;
using caresim::Scenario;
using caresim::test::TempDir;

// Every dataset of an HDF5 file, by path: its shape and its values' bytes (variable-length
// strings as their text). Attributes (times, pids, provenance) are not compared.
struct DatasetWalk {
  std::map<std::string, std::string> contents;
};

herr_t collect_dataset(hid_t group, const char* name, const H5L_info_t*, void* data) {
  auto& walk = *static_cast<DatasetWalk*>(data);
  H5E_BEGIN_TRY {
    const hid_t object = H5Oopen(group, name, H5P_DEFAULT);
    if (object >= 0) {
      if (H5Iget_type(object) == H5I_DATASET) {
        std::string bytes;
        const hid_t space = H5Dget_space(object);
        const int rank = H5Sget_simple_extent_ndims(space);
        std::vector<hsize_t> dims(static_cast<std::size_t>(std::max(rank, 0)));
        H5Sget_simple_extent_dims(space, dims.data(), nullptr);
        for (hsize_t d : dims)
          bytes += std::to_string(d) + "x";
        bytes += ":";
        const hid_t type = H5Dget_type(object);
        if (H5Tis_variable_str(type) > 0) {
          for (const std::string& s : caresim::io::hdf5::read_strings(object))
            bytes += s + '\0';
        } else {
          const hid_t native = H5Tget_native_type(type, H5T_DIR_ASCEND);
          const auto points = static_cast<std::size_t>(H5Sget_simple_extent_npoints(space));
          std::string values(points * H5Tget_size(native), '\0');
          if (points > 0) H5Dread(object, native, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data());
          bytes += values;
          H5Tclose(native);
        }
        H5Tclose(type);
        H5Sclose(space);
        walk.contents[name] = std::move(bytes);
      }
      H5Oclose(object);
    }
  }
  H5E_END_TRY;
  return 0;
}

std::map<std::string, std::string> datasets(const fs::path& file) {
  const caresim::io::hdf5::Handle h = caresim::io::hdf5::open_file(file);
  DatasetWalk walk;
  H5Lvisit(h.get(), H5_INDEX_NAME, H5_ITER_INC, collect_dataset, &walk);
  return walk.contents;
}

// The names of the datasets that differ (or exist in one file only).
std::vector<std::string> differing(const fs::path& a, const fs::path& b) {
  const auto x = datasets(a);
  const auto y = datasets(b);
  std::vector<std::string> out;
  for (const auto& [name, bytes] : x) {
    const auto it = y.find(name);
    if (it == y.end() || it->second != bytes) out.push_back(name);
  }
  for (const auto& [name, bytes] : y) {
    if (!x.contains(name)) out.push_back(name + " (only in the second)");
  }
  return out;
}

RunResult run(const Scenario& s, const fs::path& out, int threads, int checkpoint_every = 0,
              int stop_after_day = -1, const caresim::io::Checkpoint* from = nullptr) {
  std::atomic<int> stop{0};
  RunOptions o;
  o.output = out;
  o.threads = threads;
  o.checkpoint_every = checkpoint_every;
  o.start_from = from;
  o.stop = &stop;
  o.on_step = [&](const caresim::Simulator& sim) {
    if (sim.day() == stop_after_day) stop.store(SIGTERM);
  };
  return caresim::run_scenario(s, o);
}

// Uninterrupted at `threads_a`; stopped at `stop_day` (checkpoints every `every` days) at
// `threads_b` and resumed from the checkpoint at `threads_a`: the datasets must be the same.
void check_resume_is_exact(const Scenario& s, int every, int stop_day, int threads_a,
                           int threads_b) {
  const TempDir dir;
  const RunResult whole = run(s, dir / "whole.h5", threads_a);
  REQUIRE(whole.status == RunStatus::finished);

  const RunResult first = run(s, dir / "split.h5", threads_b, every, stop_day);
  REQUIRE(first.status == RunStatus::interrupted);
  REQUIRE(first.steps == stop_day);
  REQUIRE(first.checkpoint_day == stop_day);
  REQUIRE(fs::exists(dir / "split.h5.part"));
  REQUIRE_FALSE(fs::exists(dir / "split.h5"));

  const caresim::io::Checkpoint saved = caresim::io::read_checkpoint(dir / "split.h5.ckpt");
  REQUIRE(saved.day == stop_day);
  // The resume uses the checkpoint's own scenario, as `caresim run --resume` does.
  const Scenario again = caresim::parse_scenario(saved.scenario_yaml, "checkpoint");
  REQUIRE(again == s);
  const RunResult second = run(again, dir / "split.h5", threads_a, every, -1, &saved);
  REQUIRE(second.status == RunStatus::finished);
  REQUIRE(second.steps == s.run.days);
  REQUIRE(fs::exists(dir / "split.h5"));

  const std::vector<std::string> diff = differing(dir / "whole.h5", dir / "split.h5");
  INFO("datasets that differ: " << fmt::format("{}", fmt::join(diff, ", ")));
  CHECK(diff.empty());
  CHECK(datasets(dir / "whole.h5").size() >= 3);  // time and at least two series
}

Scenario scenario(const std::string& name, int days) {
  return caresim::load_scenario(caresim::test::scenario_path(name),
                                {"run.days=" + std::to_string(days)});
}

}  // namespace

// --- the archive ---------------------------------------------------------------------------

namespace {
struct ThreeMembers {
  int a = 0;
  std::vector<double> b;
  std::string c;
};
struct FourMembers {
  int a = 0;
  std::vector<double> b;
  std::string c;
  std::vector<std::vector<std::uint32_t>> d;
};
}  // namespace

template <>
struct caresim::Fields<ThreeMembers> {
  static constexpr auto list = std::tuple{
      field("a", &ThreeMembers::a), field("b", &ThreeMembers::b), field("c", &ThreeMembers::c)};
};
// A list that forgets a member: the archive refuses to compile with it (fields_complete false).
template <>
struct caresim::Fields<FourMembers> {
  static constexpr auto list = std::tuple{field("a", &FourMembers::a), field("b", &FourMembers::b),
                                          field("c", &FourMembers::c)};
};

TEST_CASE("A state struct's Fields list must name every member", "[checkpoint]") {
  STATIC_REQUIRE(caresim::aggregate_member_count<ThreeMembers>() == 3);
  STATIC_REQUIRE(caresim::aggregate_member_count<FourMembers>() == 4);
  STATIC_REQUIRE(caresim::fields_complete<ThreeMembers>());
  STATIC_REQUIRE_FALSE(caresim::fields_complete<FourMembers>());
}

TEST_CASE("StateArchive restores what it saved and refuses another layout", "[checkpoint]") {
  ThreeMembers x{7, {1.5, -2.0}, "seven"};
  caresim::StateArchive w = caresim::StateArchive::writer();
  w("x", x);
  const std::string bytes = w.bytes();

  ThreeMembers y;
  caresim::StateArchive r = caresim::StateArchive::reader(bytes);
  r("x", y);
  r.expect_end();
  CHECK(y.a == 7);
  CHECK(y.b == std::vector<double>{1.5, -2.0});
  CHECK(y.c == "seven");

  caresim::StateArchive wrong_name = caresim::StateArchive::reader(bytes);
  CHECK_THROWS_WITH(wrong_name("y", y), Catch::Contains("expected the field 'y', found 'x'"));
  caresim::StateArchive truncated =
      caresim::StateArchive::reader(std::string_view(bytes).substr(0, bytes.size() - 3));
  CHECK_THROWS_WITH(truncated("x", y), Catch::Contains("truncated"));
}

TEST_CASE("A checkpoint file is refused when corrupt, and replaced whole", "[checkpoint]") {
  const TempDir dir;
  caresim::io::Checkpoint c;
  c.scenario_yaml = "name: x\n";
  c.day = 2;
  c.row_width = 3;
  c.rows = {1, 2, 3, 4, 5, 6};
  c.state = "state bytes";
  caresim::io::write_checkpoint(dir / "a.ckpt", c);
  CHECK_FALSE(fs::exists(dir / "a.ckpt.tmp"));
  const caresim::io::Checkpoint back = caresim::io::read_checkpoint(dir / "a.ckpt");
  CHECK(back.rows == c.rows);
  CHECK(back.state == c.state);
  CHECK(back.day == 2);

  // One byte changed in the middle: the hash no longer matches.
  std::string bytes;
  {
    std::ifstream in(dir / "a.ckpt", std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  bytes[bytes.size() / 2] ^= 1;
  std::ofstream(dir / "b.ckpt", std::ios::binary) << bytes;
  CHECK_THROWS_WITH(caresim::io::read_checkpoint(dir / "b.ckpt"), Catch::Contains("corrupt"));
  std::ofstream(dir / "c.ckpt", std::ios::binary) << bytes.substr(0, 40);
  CHECK_THROWS(caresim::io::read_checkpoint(dir / "c.ckpt"));
  CHECK_THROWS_WITH(caresim::io::read_checkpoint(dir / "missing.ckpt"),
                    Catch::Contains("cannot be opened"));
}

// --- resume is exact -----------------------------------------------------------------------

TEST_CASE("Resuming leeds_small from a checkpoint gives every dataset bit for bit",
          "[checkpoint]") {
  // Stopped mid-way between two checkpoints' days would lose the days after the last; stopped
  // by the signal, the run saves the day it stopped at (here 23, with checkpoints every 10).
  const Scenario s = scenario("leeds_small.yaml", 48);
  SECTION("1 thread, stopped and saved at 2") {
    check_resume_is_exact(s, 10, 23, 1, 2);
  }
  SECTION("2 threads, stopped and saved at 1") {
    check_resume_is_exact(s, 10, 24, 2, 1);
  }
}

TEST_CASE("Resuming each what-if scenario gives every dataset bit for bit",
          "[checkpoint][asan_slow]") {
  // Each is stopped while its interventions are in force (cohorts formed, acts of courage,
  // restructured organisations, shifted resources, campaigns), and runs on past the next ones.
  struct Case {
    const char* file;
    int days;
    int stop;
  };
  const Case cases[] = {
      {"what-if/baseline.yaml", 60, 30},          {"what-if/target_pressure_up.yaml", 60, 30},
      {"what-if/restructure.yaml", 110, 95},      {"what-if/priority_shift.yaml", 110, 95},
      {"what-if/leeds_programme.yaml", 410, 345}, {"what-if/combined.yaml", 410, 345},
      {"what-if/flu_campaign.yaml", 535, 525},
  };
  for (const Case& c : cases) {
    DYNAMIC_SECTION(c.file) {
      check_resume_is_exact(scenario(c.file, c.days), 1000, c.stop, 2, 1);
    }
  }
}

TEST_CASE("Resuming each teaching model gives every dataset bit for bit", "[checkpoint]") {
  const char* presets[] = {"teaching/branching_critical.yaml", "teaching/fold_ramped.yaml",
                           "teaching/granovetter_riot.yaml",   "teaching/rbn_critical.yaml",
                           "teaching/sandpile.yaml",           "teaching/watts_cascade.yaml",
                           "teaching/care_critical.yaml"};
  for (const char* preset : presets) {
    DYNAMIC_SECTION(preset) {
      const Scenario full = caresim::load_scenario(caresim::test::scenario_path(preset));
      const int days = std::min(full.run.days, 80);
      const Scenario s = scenario(preset, days);
      check_resume_is_exact(s, 7, days / 2, 1, 2);
      check_resume_is_exact(s, 7, days / 2 + 1, 2, 1);
    }
  }
}

TEST_CASE("A checkpoint of another city is refused before anything is written", "[checkpoint]") {
  const TempDir dir;
  const Scenario small = caresim::test::tiny_city(20000, 20);
  REQUIRE(run(small, dir / "a.h5", 1, 5, 10).checkpoint_day == 10);
  const caresim::io::Checkpoint saved = caresim::io::read_checkpoint(dir / "a.h5.ckpt");
  Scenario other = small;
  other.city.citizens = 21000;
  CHECK_THROWS_AS(run(other, dir / "b.h5", 1, 0, -1, &saved), std::invalid_argument);
  CHECK_FALSE(fs::exists(dir / "b.h5.part"));
  Scenario teaching =
      caresim::load_scenario(caresim::test::scenario_path("teaching/sandpile.yaml"));
  CHECK_THROWS_AS(run(teaching, dir / "c.h5", 1, 0, -1, &saved), std::invalid_argument);
}

// --- through the command line --------------------------------------------------------------

TEST_CASE("caresim run killed with SIGKILL after a checkpoint resumes to the same bytes",
          "[checkpoint][cli]") {
  const TempDir dir;
  const std::string bin = CARESIM_BINARY;
  const std::string scenario_file = caresim::test::scenario_path("leeds_small.yaml").string();
  const auto whole =
      caresim::test::run_command(bin + " run " + scenario_file + " --steps 365 --threads 2 -q -o " +
                                 caresim::test::quoted(dir / "whole.h5"));
  REQUIRE(whole.exit_code == 0);

  const pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    const std::string out = (dir / "killed.h5").string();
    ::execl(bin.c_str(), bin.c_str(), "run", scenario_file.c_str(), "--steps", "365", "--threads",
            "1", "-q", "--checkpoint-every", "7", "-o", out.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  // Killed once a checkpoint after day 21 is on disk: the run is then some days past it.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  int saved_day = -1;
  while (std::chrono::steady_clock::now() < deadline) {
    try {
      saved_day = caresim::io::read_checkpoint(dir / "killed.h5.ckpt").day;
    } catch (const std::runtime_error&) {
      saved_day = -1;  // not written yet
    }
    if (saved_day >= 21) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(150));
  ::kill(pid, SIGKILL);
  int status = 0;
  ::waitpid(pid, &status, 0);
  REQUIRE(saved_day >= 21);
  REQUIRE(WIFSIGNALED(status));  // killed, not finished
  REQUIRE(fs::exists(dir / "killed.h5.part"));

  const auto resumed = caresim::test::run_command(
      bin + " run --resume " + caresim::test::quoted(dir / "killed.h5") + " --threads 2 -q");
  INFO(resumed.output);
  REQUIRE(resumed.exit_code == 0);
  CHECK_FALSE(fs::exists(dir / "killed.h5.part"));
  const std::vector<std::string> diff = differing(dir / "whole.h5", dir / "killed.h5");
  INFO("datasets that differ: " << fmt::format("{}", fmt::join(diff, ", ")));
  CHECK(diff.empty());
}

TEST_CASE("caresim run --resume refuses without a checkpoint, and with a scenario",
          "[checkpoint][cli]") {
  const TempDir dir;
  const std::string bin = CARESIM_BINARY;
  const auto none =
      caresim::test::run_command(bin + " run --resume " + caresim::test::quoted(dir / "x.h5"));
  CHECK(none.exit_code == 2);
  CHECK_THAT(none.output, Catch::Contains("x.h5.ckpt") && Catch::Contains("--checkpoint-every"));
  const auto both = caresim::test::run_command(
      bin + " run " + caresim::test::scenario_path("leeds_small.yaml").string() + " --resume " +
      caresim::test::quoted(dir / "x.h5"));
  CHECK(both.exit_code == 2);
  CHECK_THAT(both.output, Catch::Contains("give no scenario"));
}

// --- branching from a saved state ----------------------------------------------------------

TEST_CASE("A comparison branched from a checkpoint runs, and its arms are paired",
          "[checkpoint][compare]") {
  const TempDir dir;
  const fs::path baseline = caresim::test::scenario_path("what-if/baseline.yaml");
  // The warm-up: 30 days of the baseline, saved at its end.
  const Scenario warm = caresim::load_scenario(baseline, {"run.days=30"});
  const RunResult warmed = run(warm, dir / "warm.h5", 2, 30);
  REQUIRE(warmed.status == RunStatus::finished);
  REQUIRE(warmed.checkpoint_day == 30);

  // Two arms: the baseline, and the baseline with a restructure on day 40.
  const std::string restructure =
      "base: " + baseline.string() +
      "\nname: restructure_40\ninterventions:\n"
      "  - kind: restructure\n    day: 40\n"
      "    organisations: [GP practice 1, GP practice 2, GP practice 3, GP practice 4]\n"
      "    restructure: {into: GP practice 5, share: 1.0, tie_loss: 0.3}\n";
  std::ifstream in(baseline);
  const std::string baseline_text((std::istreambuf_iterator<char>(in)),
                                  std::istreambuf_iterator<char>());
  const std::vector<caresim::ensemble::CompareArm> arms = {
      {"baseline", {baseline_text, baseline.string()}},
      {"restructure_40", {restructure, (dir / "restructure_40.yaml").string()}}};
  caresim::ensemble::CompareOptions options;
  options.replicates = 2;
  options.days = 60;
  options.threads = 2;
  options.scratch = dir / "runs";
  options.from = dir / "warm.h5.ckpt";
  const caresim::ensemble::Comparison c = caresim::ensemble::run_comparison(arms, options);
  REQUIRE(caresim::ensemble::complete(c));
  REQUIRE(c.days == 60);

  // [arm][metric][day]
  const std::size_t M = c.metric_count(), D = 60;
  const auto daily = [&](std::size_t arm, std::size_t metric, std::size_t day) {
    return c.daily_mean[(arm * M + metric) * D + day];
  };
  std::size_t differ_after = 0;
  for (std::size_t m = 0; m < M; ++m) {
    for (std::size_t d = 0; d < 40; ++d) {
      INFO(c.metrics[m] << " day " << d);
      const double a = daily(0, m, d), b = daily(1, m, d);
      CHECK((a == b || (std::isnan(a) && std::isnan(b))));
    }
    for (std::size_t d = 40; d < D; ++d) {
      if (daily(0, m, d) != daily(1, m, d)) ++differ_after;
    }
  }
  CHECK(differ_after > 0);  // the restructure changes something

  // The days before the checkpoint are the warm-up's own; the replicates (two seeds) share them
  // and part after it.
  const auto warm_rows = caresim::io::read_checkpoint(dir / "warm.h5.ckpt").rows;
  const auto runs = datasets(c.run_files[0]);
  const auto other_seed = datasets(c.run_files[1]);
  const auto whole_warm = datasets(dir / "warm.h5");
  std::size_t series_checked = 0, series_parted = 0;
  for (const auto& [name, bytes] : whole_warm) {
    if (name == "time" || name.find('/') != std::string::npos || name.ends_with("_name") ||
        name == "organisation" || name == "neighbourhood") {
      continue;
    }
    const std::string& branched = runs.at(name);
    // Warm-up rows are the first 30 of the branched run's 60, stored after the shape prefix.
    const std::string warm_values = bytes.substr(bytes.find(':') + 1);
    const std::string branch_values = branched.substr(branched.find(':') + 1);
    CHECK(branch_values.substr(0, warm_values.size()) == warm_values);
    const std::string& other = other_seed.at(name);
    CHECK(other.substr(other.find(':') + 1, warm_values.size()) == warm_values);
    if (other.substr(other.find(':') + 1) != branch_values) ++series_parted;
    ++series_checked;
  }
  CHECK(series_checked > 10);
  CHECK(series_parted > 0);
  CHECK(warm_rows.size() == 30 * caresim::io::read_checkpoint(dir / "warm.h5.ckpt").row_width);
}

TEST_CASE("caresim run --from CHECKPOINT --day D refuses a checkpoint of another day",
          "[checkpoint][cli]") {
  const TempDir dir;
  const std::string bin = CARESIM_BINARY;
  const std::string scenario_file = caresim::test::scenario_path("leeds_small.yaml").string();
  REQUIRE(caresim::test::run_command(bin + " run " + scenario_file +
                                     " --steps 12 --checkpoint-every 12 -q -o " +
                                     caresim::test::quoted(dir / "warm.h5"))
              .exit_code == 0);
  const auto wrong =
      caresim::test::run_command(bin + " run " + scenario_file + " --steps 20 -q --from " +
                                 caresim::test::quoted(dir / "warm.h5.ckpt") + " --day 10 -o " +
                                 caresim::test::quoted(dir / "b.h5"));
  CHECK(wrong.exit_code == 2);
  CHECK_THAT(wrong.output, Catch::Contains("holds the state after day 12"));
  const auto right =
      caresim::test::run_command(bin + " run " + scenario_file + " --steps 20 -q --from " +
                                 caresim::test::quoted(dir / "warm.h5.ckpt") + " --day 12 -o " +
                                 caresim::test::quoted(dir / "b.h5"));
  INFO(right.output);
  CHECK(right.exit_code == 0);
  CHECK(fs::exists(dir / "b.h5"));
}

TEST_CASE("caresim run saves a checkpoint when SIGTERM stops it, and resumes to the same bytes",
          "[checkpoint][cli]") {
  // What a Slurm job does before its time limit (README): SIGTERM, checkpoint, exit 143, resume.
  const TempDir dir;
  const std::string bin = CARESIM_BINARY;
  const std::string scenario_file = caresim::test::scenario_path("leeds_small.yaml").string();
  REQUIRE(caresim::test::run_command(bin + " run " + scenario_file + " --steps 365 -q -o " +
                                     caresim::test::quoted(dir / "whole.h5"))
              .exit_code == 0);
  const pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    const std::string out = (dir / "stopped.h5").string();
    // No periodic checkpoint before the signal: the one on SIGTERM is the only one. A longer
    // grace than the watchdog's 1 s, so a step slowed by a loaded machine is not cut off.
    ::setenv("CARESIM_STOP_GRACE_SECONDS", "20", 1);
    ::execl(bin.c_str(), bin.c_str(), "run", scenario_file.c_str(), "--steps", "365", "-q",
            "--checkpoint-every", "10000", "-o", out.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (!fs::exists(dir / "stopped.h5.part") && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  ::kill(pid, SIGTERM);
  int status = 0;
  ::waitpid(pid, &status, 0);
  REQUIRE(WIFEXITED(status));
  REQUIRE(WEXITSTATUS(status) == 143);
  const caresim::io::Checkpoint saved = caresim::io::read_checkpoint(dir / "stopped.h5.ckpt");
  CHECK(saved.day > 0);
  CHECK(saved.day < 365);
  // The run closed its file after saving (not cut off by the watchdog).
  CHECK(caresim::io::inspect_run_file(dir / "stopped.h5.part") ==
        caresim::io::RunFileState::interrupted);

  const auto resumed = caresim::test::run_command(
      bin + " run --resume " + caresim::test::quoted(dir / "stopped.h5") + " -q");
  INFO(resumed.output);
  REQUIRE(resumed.exit_code == 0);
  const std::vector<std::string> diff = differing(dir / "whole.h5", dir / "stopped.h5");
  INFO("datasets that differ: " << fmt::format("{}", fmt::join(diff, ", ")));
  CHECK(diff.empty());
}
