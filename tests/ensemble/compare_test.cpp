// Paired what-if comparisons (ensemble/compare.hpp, `caresim compare`): common random numbers,
// paired t intervals, time to effect, the comparison file, thread-count invariance, bad input.
#include "caresim/ensemble/compare.hpp"

#include <catch2/catch.hpp>
#include <cmath>
#include <fstream>
#include <sstream>

#include "../support.hpp"
#include "caresim/analysis/statistics.hpp"
#include "caresim/catalogue/catalogue.hpp"
#include "caresim/core/archive.hpp"
#include "caresim/io/checkpoint_file.hpp"
#include "caresim/io/hdf5.hpp"
#include "caresim/scenario/load.hpp"
#include "compare_support.hpp"

using namespace caresim;
using test::read_text;
using namespace caresim::ensemble;

using test::metric_index;

namespace {

// Small enough for a test, long enough for the effects below to settle: leeds_small (81,200
// residents, 5,700 staff) for kCompareDays days.
constexpr int kCompareDays = 120;
constexpr int kCompareReplicates = 3;

std::string replaced(std::string text, const std::string& from, const std::string& to) {
  const std::size_t at = text.find(from);
  REQUIRE(at != std::string::npos);
  return text.replace(at, from.size(), to);
}

CompareArm arm(const std::string& name, const std::string& text, const std::string& source) {
  return {name, {text, source}};
}

CompareOptions small_options(const test::TempDir& dir, int threads = 2) {
  CompareOptions o;
  o.replicates = kCompareReplicates;
  o.days = kCompareDays;
  o.threads = threads;
  o.scratch = dir / "runs";
  o.command_line = "compare_test";
  return o;
}

}  // namespace

TEST_CASE("statistics: Student t quantiles and mean intervals", "[statistics][compare]") {
  using analysis::student_t_quantile;
  CHECK(student_t_quantile(0.975, 1) == Approx(12.706204736).epsilon(1e-9));
  CHECK(student_t_quantile(0.975, 2) == Approx(4.302652730).epsilon(1e-9));
  CHECK(student_t_quantile(0.975, 4) == Approx(2.776445105).epsilon(1e-9));
  CHECK(student_t_quantile(0.975, 30) == Approx(2.042272456).epsilon(1e-9));
  CHECK(student_t_quantile(0.995, 9) == Approx(3.249835542).epsilon(1e-9));
  CHECK(student_t_quantile(0.975, 1e6) == Approx(1.959966).epsilon(1e-6));
  CHECK(student_t_quantile(0.025, 4) == -student_t_quantile(0.975, 4));
  CHECK(analysis::student_t_cdf(2.776445105, 4) == Approx(0.975).epsilon(1e-9));
  const std::vector<double> x{1.0, 2.0, 3.0, 4.0};
  const auto i = analysis::mean_interval(x);
  CHECK(i.mean == 2.5);
  // sd = 1.290994, se = 0.645497, t(0.975, 3) = 3.182446
  CHECK(i.half_width == Approx(3.182446305 * 0.6454972244).epsilon(1e-9));
  const std::vector<double> same{0.0, 0.0, 0.0};
  const auto z = analysis::mean_interval(same);
  CHECK(z.mean == 0.0);
  CHECK(z.low == 0.0);
  CHECK(z.high == 0.0);
  CHECK(std::isnan(analysis::mean_interval(std::vector<double>{1.0}).low));
}

TEST_CASE("compare: arm names come from the file stems and are made unique", "[compare]") {
  const std::vector<std::string> files{"a/baseline.yaml", "b/baseline.yaml", "x/2-cut beds.yaml"};
  CHECK(arm_names(files) == std::vector<std::string>{"baseline", "baseline_2", "arm_2_cut_beds"});
}

TEST_CASE("compare: a scenario compared with itself gives differences of exactly zero",
          "[compare]") {
  test::TempDir dir;
  const auto file = test::scenario_path("what-if/baseline.yaml");
  const std::string text = read_text(file);
  const std::vector<CompareArm> arms{arm("a", text, file.string()), arm("b", text, file.string())};
  const Comparison c = run_comparison(arms, small_options(dir));
  REQUIRE(complete(c));
  REQUIRE(c.metric_count() >= 10);
  CHECK(c.metrics.front() == "a_and_e_4h");
  // Replicates differ from one another (the seeds differ), but each pair is identical.
  const std::size_t m4h = metric_index(c, "a_and_e_4h");
  CHECK(c.run_mean[m4h] != c.run_mean[c.metric_count() + m4h]);
  for (std::size_t m = 0; m < c.metric_count(); ++m) {
    INFO(c.metrics[m]);
    CHECK(c.diff[m * 2 + 1] == 0.0);
    CHECK(c.diff_low[m * 2 + 1] == 0.0);
    CHECK(c.diff_high[m * 2 + 1] == 0.0);
    CHECK(std::isnan(c.time_to_effect[m * 2 + 1]));
    CHECK(c.mean[m * 2] == c.mean[m * 2 + 1]);
  }
  for (std::size_t k = 0; k < c.daily_diff.size(); ++k) {
    REQUIRE(c.daily_diff[k] == 0.0);
    REQUIRE(c.rolling_diff_low[k] == 0.0);
    REQUIRE(c.rolling_diff_high[k] == 0.0);
  }
  CHECK(format_comparison(c).find("never") != std::string::npos);
}

TEST_CASE("compare: a big cut in beds shows a significant rise in occupancy and fall in 4h",
          "[compare][asan_slow]") {
  test::TempDir dir;
  const auto file = test::scenario_path("leeds_small.yaml");
  const std::string text = read_text(file);
  const std::string cut = replaced(text, "beds: 142", "beds: 93");
  const std::vector<CompareArm> arms{arm("baseline", text, file.string()),
                                     arm("beds_cut", cut, "beds_cut.yaml")};
  const Comparison c = run_comparison(arms, small_options(dir));
  REQUIRE(complete(c));
  const std::size_t occ = metric_index(c, "bed_occupancy"), a4h = metric_index(c, "a_and_e_4h");
  INFO(format_comparison(c));
  CHECK(c.diff[occ * 2 + 1] > 0.05);
  CHECK(c.diff_low[occ * 2 + 1] > 0.0);   // significant, upwards
  CHECK(c.diff_high[a4h * 2 + 1] < 0.0);  // significant, downwards
  CHECK(c.diff[occ * 2 + 1] == Approx(c.mean[occ * 2 + 1] - c.mean[occ * 2]).margin(1e-12));
  // Occupancy responds within weeks and stays up: a time to effect, well before the end.
  REQUIRE_FALSE(std::isnan(c.time_to_effect[occ * 2 + 1]));
  CHECK(c.time_to_effect[occ * 2 + 1] < kCompareDays / 2);
  // Common random numbers at work: the same people arrive at A&E in both arms, so the paired
  // interval of the attendances is far narrower than the replicates' spread would give two
  // independent samples of the same runs.
  const std::size_t att = metric_index(c, "a_and_e_attendances"), M = c.metric_count();
  std::vector<double> a, b;
  for (std::size_t r = 0; r < kCompareReplicates; ++r) {
    a.push_back(c.run_mean[r * M + att]);
    b.push_back(c.run_mean[(kCompareReplicates + r) * M + att]);
  }
  const double unpaired =
      std::hypot(analysis::mean_interval(a).half_width, analysis::mean_interval(b).half_width);
  const double paired = (c.diff_high[att * 2 + 1] - c.diff_low[att * 2 + 1]) / 2.0;
  INFO("paired half-width " << paired << ", unpaired " << unpaired);
  CHECK(paired < 0.5 * unpaired);
  // From that day on, every rolling interval lies above 0.
  const auto t0 = static_cast<std::size_t>(c.time_to_effect[occ * 2 + 1]);
  for (std::size_t t = t0; t < static_cast<std::size_t>(kCompareDays); ++t)
    CHECK(c.rolling_diff_low[(1 * c.metric_count() + occ) * kCompareDays + t] > 0.0);
}

TEST_CASE("compare: every arm starts from the baseline's warm-up", "[compare][warm_up]") {
  // docs/model.md 3.4.1: the warm-up is the baseline's, saved once beside the runs folder and
  // branched by every run, so an arm that changes a parameter (here the beds) starts from the
  // baseline's state instead of warming up under its own parameter.
  test::TempDir dir;
  const auto file = test::scenario_path("leeds_small.yaml");
  const std::string text = replaced(read_text(file), "warm_up_days: 3650", "warm_up_days: 40");
  const std::string cut = replaced(text, "beds: 142", "beds: 93");
  const std::vector<CompareArm> arms{arm("baseline", text, file.string()),
                                     arm("beds_cut", cut, "beds_cut.yaml")};
  CompareOptions o = small_options(dir);
  o.days = 3;
  o.replicates = 2;
  const std::filesystem::path saved = warm_up_checkpoint_path(o.scratch);
  int seen = 0;
  std::string warmed;
  o.on_done = [&](const RunOutcome&) {
    // While the runs go on, the warm-up is the baseline's at day 0.
    const io::Checkpoint ckpt = io::read_checkpoint(saved);
    CHECK(ckpt.day == 0);
    CHECK(ckpt.scenario_yaml.find("beds: 142") != std::string::npos);
    if (warmed.empty()) warmed = ckpt.state;
    CHECK(ckpt.state == warmed);
    ++seen;
  };
  const Comparison c = run_comparison(arms, o);
  REQUIRE(complete(c));
  CHECK(seen == 4);
  // It is the state the baseline's own simulator starts from, bitwise.
  Scenario base = parse_scenario(text, file.string(), {});
  base.run.days = 3;
  const auto sim = make_simulator(base);
  StateArchive writer = StateArchive::writer();
  sim->visit_state(writer);
  CHECK(writer.take_bytes() == warmed);
  // The beds cut's arm shows its effect from day 0 of a shared state: occupancy up at once.
  const std::size_t occ = metric_index(c, "bed_occupancy");
  CHECK(c.diff_low[occ * 2 + 1] > 0.0);
}

TEST_CASE("compare: three arms, one file, identical bytes at 1 and 2 threads", "[compare]") {
  test::TempDir dir;
  const auto base = test::scenario_path("what-if/baseline.yaml");
  const auto pressure = test::scenario_path("what-if/target_pressure_up.yaml");
  const std::string text = read_text(base);
  const std::vector<CompareArm> arms{
      arm("baseline", text, base.string()), arm("pressure", read_text(pressure), pressure.string()),
      arm("beds_cut", text + "\nhospital: {beds: 150}\n", base.string())};
  std::vector<std::string> bytes;
  for (const int threads : {1, 2}) {
    CompareOptions o = small_options(dir, threads);
    o.replicates = 3;
    o.days = 40;
    const Comparison c = run_comparison(arms, o);
    REQUIRE(complete(c));
    CHECK(c.arm_count() == 3);
    CHECK(c.mean.size() == c.metric_count() * 3);
    // Three times the inspection pressure on the 4-hour target pulls acute staff's effort from
    // system work to target work (the mean system share falls). Since the pressure drain has a
    // ceiling (docs/model.md 3.10) it no longer collapses the acute trust's capacity: the 4-hour
    // share moves by less than 5 points (before the ceiling: -0.23 at day 40). The
    // cross-organisation share of tie strength falls on the mean of the two replicates (in a
    // year, six paired seeds: -0.0030 +- 0.0004, tests/care/behaviour_test.cpp).
    const std::size_t cross = metric_index(c, "cross_org_strength_share");
    const std::size_t share = metric_index(c, "mean_system_share");
    const std::size_t a4h = metric_index(c, "a_and_e_4h");
    INFO("cross-org share " << c.diff[cross * 3 + 1] << " [" << c.diff_low[cross * 3 + 1] << ", "
                            << c.diff_high[cross * 3 + 1] << "]; system share "
                            << c.diff[share * 3 + 1] << "; 4h " << c.diff[a4h * 3 + 1]);
    CHECK(c.diff[cross * 3 + 1] < 0.0);
    CHECK(c.diff[share * 3 + 1] < 0.0);
    CHECK(std::abs(c.diff[a4h * 3 + 1]) < 0.05);
    const auto out = dir / ("three_" + std::to_string(threads) + ".h5");
    write_comparison(c, out);
    CHECK_FALSE(std::filesystem::exists(out.string() + ".part"));
    bytes.push_back(read_text(out));
  }
  REQUIRE(bytes[0].size() > 10000);
  CHECK(bytes[0] == bytes[1]);

  // The layout readers rely on (docs/outputs.md).
  const auto out = dir / "three_1.h5";
  namespace h5 = io::hdf5;
  const h5::Handle file = h5::open_file(out);
  for (const char* group : {"runs/baseline", "runs/pressure", "runs/beds_cut", "comparison"})
    CHECK(h5::has_link(file.get(), group));
  const h5::Handle runs = h5::open_group(file.get(), "runs/pressure");
  const h5::Handle series = h5::open_dataset(runs.get(), "a_and_e_4h");
  CHECK(h5::dims(series.get()) == std::vector<hsize_t>{3, 40});
  const h5::Handle per_org = h5::open_dataset(runs.get(), "org_backlog");
  CHECK(h5::dims(per_org.get()).size() == 3);
  CHECK(h5::read_string_attribute(runs.get(), "scenario_file") == pressure.string());
  const h5::Handle cmp = h5::open_group(file.get(), "comparison");
  const h5::Handle diff = h5::open_dataset(cmp.get(), "diff");
  const std::vector<double> d = h5::read_all<double>(diff.get());
  REQUIRE(d.size() % 3 == 0);
  for (std::size_t m = 0; m < d.size() / 3; ++m)
    CHECK(d[m * 3] == 0.0);  // the reference column
  const h5::Handle daily = h5::open_dataset(cmp.get(), "daily_mean");
  CHECK(h5::dims(daily.get()) == std::vector<hsize_t>{3, d.size() / 3, 40});
}

TEST_CASE("compare: bad arms are refused before anything runs", "[compare]") {
  test::TempDir dir;
  const auto file = test::scenario_path("leeds_small.yaml");
  const std::string text = read_text(file);
  CompareOptions o = small_options(dir);
  o.days.reset();
  const std::string shorter = replaced(text, "days: 1095", "days: 365");
  CHECK_THROWS_WITH(
      check_comparison(
          std::vector<CompareArm>{arm("a", text, "a.yaml"), arm("b", shorter, "b.yaml")}, o),
      Catch::StartsWith("b.yaml: run.days: expected 1095 days like a.yaml"));
  o.days = 30;  // --days makes them the same length
  CHECK_NOTHROW(check_comparison(
      std::vector<CompareArm>{arm("a", text, "a.yaml"), arm("b", shorter, "b.yaml")}, o));
  const std::string later =
      replaced(text, "start_date: \"2017-04-01\"", "start_date: \"2018-04-01\"");
  CHECK_THROWS_WITH(
      check_comparison(std::vector<CompareArm>{arm("a", text, "a.yaml"), arm("b", later, "b.yaml")},
                       o),
      Catch::StartsWith("b.yaml: run.start_date: expected 2017-04-01"));
  CHECK_THROWS_WITH(check_comparison(std::vector<CompareArm>{arm("a", text, "a.yaml")}, o),
                    Catch::Contains("expected at least two scenario files"));
  o.replicates = 1;
  CHECK_THROWS_WITH(
      check_comparison(std::vector<CompareArm>{arm("a", text, "a.yaml"), arm("b", text, "b.yaml")},
                       o),
      Catch::StartsWith("--replicates: expected at least 2"));
  CHECK_FALSE(std::filesystem::exists(dir / "runs"));
}

TEST_CASE("caresim compare: prints the table and writes one file xarray opens, bad input exits 2",
          "[compare][cli]") {
  test::TempDir dir;
  const std::string bin = CARESIM_BINARY;
  const auto base = test::scenario_path("what-if/baseline.yaml");
  const auto pressure = test::scenario_path("what-if/target_pressure_up.yaml");
  const auto out = dir / "c.h5";
  const auto shorter = dir / "shorter.yaml";
  { std::ofstream(shorter) << "base: " << base.string() << "\nrun: {days: 365}\n"; }
  struct Bad {
    std::string args, message;
  };
  for (const Bad& bad :
       {Bad{test::quoted(base) + " " + test::quoted(dir / "missing.yaml"),
            "missing.yaml: cannot read the scenario file"},
        Bad{test::quoted(base) + " " + test::quoted(shorter), "shorter.yaml: run.days: expected"},
        Bad{test::quoted(base) + " " + test::quoted(pressure) + " --replicates 1",
            "--replicates: expected at least 2"},
        Bad{test::quoted(base), "expected at least two scenario files"},
        Bad{test::quoted(base) + " " + test::quoted(pressure) + " --set run.nope=3", "run.nope"}}) {
    const auto r = test::run_command(bin + " compare " + bad.args + " -o " + test::quoted(out));
    INFO(r.output);
    CHECK(r.exit_code == 2);
    CHECK(r.output.find(bad.message) != std::string::npos);
    CHECK_FALSE(std::filesystem::exists(out));
    CHECK_FALSE(std::filesystem::exists(out.string() + ".runs"));
  }
  const auto r =
      test::run_command(bin + " compare " + test::quoted(base) + " " + test::quoted(pressure) +
                        " --replicates 2 --days 30 --threads 2 -o " + test::quoted(out) +
                        " --report " + test::quoted(dir / "c.html"));
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  // The leader's table (ensemble/compare_report.hpp): plain names, full arm names, the scale.
  CHECK(r.output.find("target_pressure_up compared with baseline") != std::string::npos);
  CHECK(r.output.find("A&E patients seen within 4 hours") != std::string::npos);
  CHECK(r.output.find("95% interval") != std::string::npos);
  CHECK(r.output.find("Tenth-scale city") != std::string::npos);
  // The inspection pressure is a target, not an intervention: it applies from day 0.
  CHECK(r.output.find("The change applies from day 0") != std::string::npos);
  const std::string html = read_text(dir / "c.html");
  CHECK(html.find("<h2>target_pressure_up compared with baseline</h2>") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(out.string() + ".runs"));
  const auto py = test::run_command(
      std::string(CARESIM_PYTHON) + " -c \"import xarray as xr; p = '" + out.string() +
      "'; c = xr.open_dataset(p, group='comparison', engine='h5netcdf'); "
      "r = xr.open_dataset(p, group='runs/target_pressure_up', engine='h5netcdf'); "
      "print(dict(c['diff'].sizes), dict(r.a_and_e_4h.sizes), str(c.time.values[0])[:10], "
      "list(c.arm_name.values)); "
      "t = c[['mean', 'diff', 'diff_low', 'diff_high', 'time_to_effect_day']].to_dataframe(); "
      "import h5py; f = h5py.File(p); "
      "print('rows', len(t), f['runs/baseline/org_backlog'].dims[2][0].name, f.attrs['arms'])\"");
  INFO(py.output);
  CHECK(py.exit_code == 0);
  CHECK(py.output.find("{'metric': 25, 'arm': 2} {'replicate': 2, 'time': 30} 2017-04-01 "
                       "['baseline', 'target_pressure_up']") != std::string::npos);
  CHECK(py.output.find("rows 50 /runs/baseline/organisation baseline\ntarget_pressure_up") !=
        std::string::npos);
}

TEST_CASE(
    "caresim compare: SIGTERM stops it with exit 143, writing no comparison and keeping "
    "the runs for a resume",
    "[compare][cli]") {
  test::TempDir dir;
  const auto base = test::scenario_path("what-if/baseline.yaml");
  const auto out = dir / "stopped.h5";
  const std::string script = std::string(CARESIM_BINARY) + " compare " + test::quoted(base) + " " +
                             test::quoted(base) + " --replicates 2 --threads 2 -o " +
                             test::quoted(out) +
                             " > /dev/null 2>&1 & pid=$!; "
                             // After the baseline's warm-up (docs/model.md 3.4.1), once the
                             // runs have begun: a stop during the warm-up leaves no runs folder.
                             "for i in $(seq 1200); do [ -d " +
                             test::quoted(out.string() + ".runs") +
                             " ] && break; sleep 0.1; done; sleep 1; kill -TERM $pid; wait $pid; "
                             "echo exit=$?";
  const auto r = test::run_command(script);
  INFO(r.output);
  CHECK_THAT(r.output, Catch::Contains("exit=143"));
  CHECK_FALSE(std::filesystem::exists(out));
  CHECK_FALSE(std::filesystem::exists(out.string() + ".part"));
  // The runs folder stays, so the same command resumes (issue 14; the battery checks reuse).
  CHECK(std::filesystem::is_directory(out.string() + ".runs"));
}

TEST_CASE("compare: the what-if scenarios differ from the baseline only where they say",
          "[compare][scenario]") {
  const Scenario base = load_scenario(test::scenario_path("what-if/baseline.yaml"));
  const Scenario pressure = load_scenario(test::scenario_path("what-if/target_pressure_up.yaml"));
  const Scenario programme = load_scenario(test::scenario_path("what-if/leeds_programme.yaml"));
  const Scenario small = load_scenario(test::scenario_path("leeds_small.yaml"));
  // The baseline is leeds_small under another name.
  Scenario renamed = small;
  renamed.name = base.name;
  renamed.description = base.description;
  CHECK(to_yaml(renamed) == to_yaml(base));
  // Target pressure: the acute trust's 4-hour target inspected three times harder.
  REQUIRE(pressure.targets.size() == base.targets.size());
  CHECK(pressure.targets[0].inspection == 3.0 * base.targets[0].inspection);
  Scenario undone = pressure;
  undone.targets[0].inspection = base.targets[0].inspection;
  undone.name = base.name;
  undone.description = base.description;
  CHECK(to_yaml(undone) == to_yaml(base));
  // The programme: four waves of three workshops of 45, two waves a year from spring 2018.
  CHECK(base.interventions.empty());
  // Each cohort: day one, Open Space and acts of courage for it, day two 61 days later.
  REQUIRE(programme.interventions.size() == 48);
  int people = 0;
  for (const auto& i : programme.interventions) {
    if (i.kind != "workshop") {
      CHECK(!i.cohort_of.empty());
      continue;
    }
    CHECK(i.params.number("cohort_size") == 45);
    people += static_cast<int>(i.params.number("cohort_size"));
  }
  CHECK(people == 540);
  CHECK(programme.interventions.front().day == 340);  // 2018-03-07
  Scenario no_programme = programme;
  no_programme.interventions.clear();
  no_programme.name = base.name;
  no_programme.description = base.description;
  CHECK(to_yaml(no_programme) == to_yaml(base));
}

TEST_CASE("ensemble runner: a plan over several base scenarios refuses a missing base",
          "[compare][sweep]") {
  const std::vector<BaseScenario> bases{{"name: a\n", "a.yaml"}};
  std::vector<PlannedRun> runs(1);
  runs[0].base = 1;
  CHECK_THROWS_AS(run_local(std::span<const BaseScenario>(bases), runs, {}, RunnerOptions{}),
                  std::out_of_range);
  CHECK_THROWS_AS(run_local(bases[0], runs, {}, RunnerOptions{}), std::out_of_range);
}
