// Parameter uncertainty in what-ifs (`caresim compare --parameters`, ensemble/parameter_sets.hpp):
// replicate r draws one parameter set and every arm runs with it (paired), so the intervals
// cover chance and the parameters; the draw is a pure function of the seed.
#include <catch2/catch.hpp>
#include <cmath>
#include <fstream>
#include <set>
#include <sstream>

#include "../support.hpp"
#include "caresim/ensemble/compare.hpp"
#include "caresim/ensemble/compare_report.hpp"
#include "caresim/ensemble/parameter_sets.hpp"
#include "caresim/io/netcdf.hpp"
#include "compare_support.hpp"

using namespace caresim;
using namespace caresim::ensemble;

using test::metric_index;
using test::read_text;

namespace {

constexpr int kParameterDays = 40;
constexpr int kParameterReplicates = 6;

std::string with_replaced(std::string text, const std::string& from, const std::string& to) {
  const std::size_t at = text.find(from);
  REQUIRE(at != std::string::npos);
  return text.replace(at, from.size(), to);
}

// Lengths of stay (long-term conditions, complex needs) from short to long; the third set has
// weight 0 and must never be drawn.
const char* kSetsCsv =
    "# lengths of stay a calibration left open\n"
    "hospital.length_of_stay_days.ltc, hospital.length_of_stay_days.complex, weight\n"
    "3, 5, 1\n"
    "6, 9, 2\n"
    "40, 60, 0\n"
    "12, 18, 1\n";

}  // namespace

TEST_CASE("parameter sets: CSV and draws are weighted, deterministic and checked",
          "[compare][parameters]") {
  test::TempDir dir;
  const auto csv = dir / "sets.csv";
  std::ofstream(csv) << kSetsCsv;
  const ParameterSets sets = load_parameter_sets(csv);
  REQUIRE(sets.count() == 4);
  CHECK(sets.names == std::vector<std::string>{"hospital.length_of_stay_days.ltc",
                                               "hospital.length_of_stay_days.complex"});
  CHECK(sets.weighted);
  CHECK(sets.weights[1] == Approx(0.5));
  CHECK(sets.overrides(3) == std::vector<std::string>{"hospital.length_of_stay_days.ltc=12",
                                                      "hospital.length_of_stay_days.complex=18"});
  // 4000 draws: the shares follow the weights (binomial sd about 0.008), never the zero weight.
  const std::vector<std::size_t> draws = draw_parameter_sets(sets, 7, 4000);
  CHECK(draws == draw_parameter_sets(sets, 7, 4000));
  CHECK(draws != draw_parameter_sets(sets, 8, 4000));
  std::vector<double> share(4, 0.0);
  for (const std::size_t i : draws)
    share[i] += 1.0 / 4000.0;
  CHECK(share[0] == Approx(0.25).margin(0.03));
  CHECK(share[1] == Approx(0.50).margin(0.03));
  CHECK(share[2] == 0.0);
  CHECK(share[3] == Approx(0.25).margin(0.03));
  // The first replicates' draws do not depend on how many replicates there are.
  const std::vector<std::size_t> few = draw_parameter_sets(sets, 7, 5);
  CHECK(std::equal(few.begin(), few.end(), draws.begin()));

  for (const auto& [text, message] : std::vector<std::pair<std::string, std::string>>{
           {"a.b, weight\n1, -1\n", "not a finite number >= 0"},
           {"a.b\n1\nx\n", ":3: column 'a.b': expected a finite number, got 'x'"},
           {"a.b, c.d\n1\n", ":2: expected 2 values, got 1"},
           {"a.b, weight\n1, 0\n", "every weight is zero"},
           {"a.b\n", "holds no parameter sets"}}) {
    std::ofstream(dir / "bad.csv") << text;
    try {
      (void)load_parameter_sets(dir / "bad.csv");
      FAIL("accepted " << text);
    } catch (const std::runtime_error& e) {
      INFO(e.what());
      CHECK(std::string(e.what()).find(message) != std::string::npos);
    }
  }
}

TEST_CASE("compare --parameters: paired sets widen the intervals, same bytes at 1 and 2 threads",
          "[compare][parameters]") {
  test::TempDir dir;
  const auto csv = dir / "sets.csv";
  std::ofstream(csv) << kSetsCsv;
  const std::string text = test::tiny_city_yaml(20000, kParameterDays);
  const std::string cut = with_replaced(text, "hospital: {beds: 45}", "hospital: {beds: 34}");
  const std::vector<CompareArm> arms{{"baseline", {text, "tiny.yaml"}},
                                     {"beds_cut", {cut, "tiny_beds_cut.yaml"}}};
  const auto options = [&](int threads, bool with_parameters) {
    CompareOptions o;
    o.replicates = kParameterReplicates;
    o.threads = threads;
    o.scratch = dir / (with_parameters ? "runs_p" : "runs");
    o.command_line = "compare_parameters_test";
    if (with_parameters) o.parameters = load_parameter_sets(csv);
    return o;
  };
  const Comparison chance = run_comparison(arms, options(2, false));
  REQUIRE(complete(chance));
  std::vector<std::string> bytes;
  Comparison both;
  for (const int threads : {1, 2}) {
    both = run_comparison(arms, options(threads, true));
    REQUIRE(complete(both));
    const auto out = dir / ("p" + std::to_string(threads) + ".h5");
    write_comparison(both, out);
    bytes.push_back(read_text(out));
  }
  REQUIRE(bytes[0].size() > 10000);
  CHECK(bytes[0] == bytes[1]);

  // Paired with the chance-only comparison: the same seeds, replicate by replicate.
  CHECK(both.seeds == chance.seeds);
  REQUIRE(both.has_parameters());
  CHECK_FALSE(chance.has_parameters());
  CHECK(both.distinct_parameter_sets >= 2);
  CHECK(both.parameter_sets_available == 4);
  for (const std::size_t i : both.parameter_set)
    CHECK(i != 2);  // weight 0
  CHECK(both.uncertainty_text().find("both run-to-run chance and parameter uncertainty") !=
        std::string::npos);
  CHECK(chance.uncertainty_text().find("chance only") != std::string::npos);

  // Bed occupancy and its paired difference: the length of stay moves both, so over replicates
  // that drew different lengths the intervals are wider than chance alone gives.
  const std::size_t occ = metric_index(both, "bed_occupancy");
  const std::size_t M = both.metric_count();
  const auto spread = [&](const Comparison& c, std::size_t a) {
    double lo = INFINITY, hi = -INFINITY;
    for (std::size_t r = 0; r < kParameterReplicates; ++r) {
      lo = std::min(lo, c.run_mean[(a * kParameterReplicates + r) * M + occ]);
      hi = std::max(hi, c.run_mean[(a * kParameterReplicates + r) * M + occ]);
    }
    return hi - lo;
  };
  const double width_chance = chance.diff_high[occ * 2 + 1] - chance.diff_low[occ * 2 + 1];
  const double width_both = both.diff_high[occ * 2 + 1] - both.diff_low[occ * 2 + 1];
  INFO("bed occupancy difference: chance "
       << chance.diff[occ * 2 + 1] << " [" << chance.diff_low[occ * 2 + 1] << ", "
       << chance.diff_high[occ * 2 + 1] << "], with parameters " << both.diff[occ * 2 + 1] << " ["
       << both.diff_low[occ * 2 + 1] << ", " << both.diff_high[occ * 2 + 1] << "]; spread of the "
       << "baseline's run means " << spread(chance, 0) << " vs " << spread(both, 0));
  CHECK(width_both > 2.0 * width_chance);
  CHECK(spread(both, 0) > 2.0 * spread(chance, 0));

  // The file: the set of each replicate, and every arm's runs read back with those values.
  namespace nc = io::netcdf;
  const nc::Reader file(dir / "p1.h5");
  CHECK(file.text_attribute("intervals_cover") == "chance and parameters");
  CHECK(file.read_strings("comparison/parameter_name") == both.parameter_names);
  const std::vector<std::int64_t> drawn = file.read_integers("comparison/parameter_set");
  const std::vector<double> values = file.read_doubles("comparison/parameter_value");
  const ParameterSets sets = load_parameter_sets(csv);
  REQUIRE(drawn.size() == static_cast<std::size_t>(kParameterReplicates));
  REQUIRE(values.size() == 2 * drawn.size());
  std::set<double> seen;
  for (std::size_t r = 0; r < drawn.size(); ++r) {
    CHECK(drawn[r] == static_cast<std::int64_t>(both.parameter_set[r]));
    for (std::size_t j = 0; j < 2; ++j)
      CHECK(values[r * 2 + j] == sets.values[static_cast<std::size_t>(drawn[r]) * 2 + j]);
    seen.insert(values[r * 2]);
  }
  CHECK(seen.size() == both.distinct_parameter_sets);
  CHECK(file.read_doubles("runs/baseline/parameter_value") == values);
  CHECK(file.read_doubles("runs/beds_cut/parameter_value") == values);
}

TEST_CASE("caresim compare --parameters: the table and the report say what the intervals cover",
          "[compare][parameters][cli]") {
  test::TempDir dir;
  const std::string bin = CARESIM_BINARY;
  std::ofstream(dir / "sets.csv") << kSetsCsv;
  const std::string text = test::tiny_city_yaml(20000, 20);
  std::ofstream(dir / "base.yaml") << text;
  std::ofstream(dir / "cut.yaml") << with_replaced(text, "hospital: {beds: 45}",
                                                   "hospital: {beds: 34}");
  const std::string arms =
      " compare " + test::quoted(dir / "base.yaml") + " " + test::quoted(dir / "cut.yaml");
  const auto r = test::run_command(
      bin + arms + " --replicates 3 --threads 2 --parameters " + test::quoted(dir / "sets.csv") +
      " -o " + test::quoted(dir / "c.h5") + " --report " + test::quoted(dir / "c.html"));
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  CHECK(r.output.find("both run-to-run chance and parameter uncertainty") != std::string::npos);
  CHECK(r.output.find("distinct sets among the 3 replicates") != std::string::npos);
  const std::string html = read_text(dir / "c.html");
  CHECK(html.find("id=\"uncertainty\" class=\"uncertainty parameters\"") != std::string::npos);
  CHECK(html.find("both run-to-run chance and parameter uncertainty") != std::string::npos);

  // A set the scenario refuses, and an unreadable file: exit 2 before any run.
  std::ofstream(dir / "bad.csv") << "hospital.length_of_stay_days.ltc\n-3\n";
  for (const auto& [file, message] : std::vector<std::pair<std::string, std::string>>{
           {"bad.csv", "parameter set 1: "}, {"missing.csv", "missing.csv: no such file"}}) {
    const auto bad =
        test::run_command(bin + arms + " --replicates 2 --parameters " + test::quoted(dir / file) +
                          " -o " + test::quoted(dir / "bad.h5"));
    INFO(bad.output);
    CHECK(bad.exit_code == 2);
    CHECK(bad.output.find(message) != std::string::npos);
    CHECK_FALSE(std::filesystem::exists(dir / "bad.h5"));
  }
}

TEST_CASE(
    "compare --parameters: replicates that all drew one set do not claim parameter "
    "uncertainty",
    "[compare][parameters]") {
  // Seen in the studio: 3 replicates drew the same one of 3 sets, and the report said its
  // intervals covered parameter uncertainty.
  ensemble::Comparison c;
  c.replicates = 3;
  c.parameter_names = {"hospital.beds"};
  c.parameters_source = "posterior.csv";
  c.parameter_sets_available = 3;
  c.parameter_set = {1, 1, 1};
  c.distinct_parameter_sets = 1;
  REQUIRE(c.has_parameters());
  CHECK(c.uncertainty_text().find("chance only") != std::string::npos);
  CHECK(c.uncertainty_text().find("drew the same one of the posterior.csv") != std::string::npos);
  c.parameter_set = {1, 2, 1};
  c.distinct_parameter_sets = 2;
  CHECK(c.uncertainty_text().find("both run-to-run chance and parameter uncertainty") !=
        std::string::npos);
}
