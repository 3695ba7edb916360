// The leader's reading of a comparison (ensemble/compare_report.hpp): plain names and units,
// numbers rounded for reading, verdicts, effects from the start of the change with the days
// before it as a check, and the HTML report.
#include "caresim/ensemble/compare_report.hpp"

#include <catch2/catch.hpp>
#include <cmath>
#include <fstream>
#include <regex>
#include <sstream>

#include "../support.hpp"
#include "caresim/io/netcdf.hpp"

using namespace caresim;
using test::read_text;
using namespace caresim::ensemble;

namespace {

// Every element the report opens is closed, in order (void and self-closed elements aside).
bool balanced(const std::string& html, std::string* problem) {
  static const std::regex tag(R"(<(/?)([a-zA-Z][a-zA-Z0-9]*)([^>]*)>)");
  static const std::vector<std::string> kVoid = {"meta", "br", "img", "input", "link", "hr"};
  std::vector<std::string> open;
  for (auto it = std::sregex_iterator(html.begin(), html.end(), tag); it != std::sregex_iterator();
       ++it) {
    const std::string name = (*it)[2], rest = (*it)[3];
    if ((*it)[1].length() == 0) {
      if (std::find(kVoid.begin(), kVoid.end(), name) != kVoid.end()) continue;
      if (!rest.empty() && rest.back() == '/') continue;
      open.push_back(name);
    } else {
      if (open.empty() || open.back() != name) {
        *problem = "</" + name + "> closes " + (open.empty() ? "nothing" : "<" + open.back() + ">");
        return false;
      }
      open.pop_back();
    }
  }
  if (!open.empty()) *problem = "<" + open.back() + "> is never closed";
  return open.empty();
}

}  // namespace

TEST_CASE("leader's numbers: significant figures, separators, percentages, units",
          "[compare][report]") {
  CHECK(format_number(81200) == "81,200");
  CHECK(format_number(1234567.0) == "1,234,567");
  CHECK(format_number(12.345) == "12.3");
  CHECK(format_number(0.06337) == "0.0634");
  CHECK(format_number(-0.5) == "-0.500");
  CHECK(format_number(0.0) == "0");
  CHECK(format_number(std::nan("")) == "n/a");
  const Reading share{.series = "a_and_e_4h", .name = "A&E", .units = "%", .percent = true};
  const Reading count{.series = "delayed_discharges", .name = "delayed", .units = ""};
  CHECK(format_value(0.83352, share) == "83.4%");
  CHECK(format_value(11.27, count) == "11.3");
  // The change and its interval share the precision of two figures of the half-width (here
  // 0.985 points: two decimals).
  ChangeText t = format_change(-0.02137, -0.0312, -0.0115, share);
  CHECK(t.change == "-2.14 pts");
  CHECK(t.interval == "-3.12 to -1.15");
  t = format_change(-0.02137, -0.0412, -0.0016, share);  // half-width 1.98: one decimal
  CHECK(t.change == "-2.1 pts");
  CHECK(t.interval == "-4.1 to -0.2");
  t = format_change(6.337e-05, -1.2e-04, 2.5e-04, share);
  CHECK(t.change == "+0.006 pts");
  CHECK(t.interval == "-0.012 to +0.025");
  t = format_change(1234.4, 1000.0, 1468.8, count);
  CHECK(t.change == "+1,234");
  CHECK(t.interval == "+1,000 to +1,469");
  t = format_change(0.0, 0.0, 0.0, count);  // the same runs in both arms
  CHECK(t.change == "none");
  CHECK(t.interval == "0 to 0");
  CHECK(plain_units("per 100000 residents per day", false) == "per 100,000 residents a day");
  CHECK(plain_units("day-1", false) == "a day");
  CHECK(plain_units("d", false) == "days");
  CHECK(plain_units("1", false).empty());
  CHECK(plain_units("1", true) == "%");
  CHECK(plain_units("year-1", true) == "% a year");
  CHECK(plain_units("GBP day-1", false) == "GBP a day");
}

TEST_CASE("leader's verdicts follow the series' direction", "[compare][report]") {
  CHECK(verdict_of(0.1, 0.3, Better::higher) == Verdict::better);
  CHECK(verdict_of(0.1, 0.3, Better::lower) == Verdict::worse);
  CHECK(verdict_of(-0.3, -0.1, Better::lower) == Verdict::better);
  CHECK(verdict_of(-0.3, -0.1, Better::neutral) == Verdict::lower);
  CHECK(verdict_of(-0.3, 0.1, Better::higher) == Verdict::unclear);
  CHECK(verdict_text(Verdict::unclear) == "no clear difference");
  // A series without plain metadata reads by its description, neutral.
  const Reading r = reading_of({.name = "cost_total",
                                .units = "GBP day-1",
                                .description = "spend across the system in the day"});
  CHECK(r.name == "spend across the system in the day");
  CHECK(r.units == "GBP a day");
  CHECK(r.better == Better::neutral);
}

TEST_CASE("leader's report: effects from the intervention's start, no difference before it",
          "[compare][report]") {
  const test::TempDir dir;
  const auto base = test::scenario_path("what-if/baseline.yaml");
  const std::string text = read_text(base);
  // A restructure on day 40: before it, both arms are the same runs bit for bit.
  const std::string arm_text =
      "base: baseline.yaml\nname: early_restructure\ndescription: GP practices merged on day "
      "40\ninterventions:\n  - kind: restructure\n    day: 40\n    organisations: [GP practice "
      "1, GP practice 2, GP practice 3, GP practice 4]\n    restructure: {into: GP practice 5, "
      "share: 1.0, tie_loss: 0.3}\n";
  const std::vector<CompareArm> arms{
      {"baseline", {text, base.string()}},
      {"early_restructure", {arm_text, (base.parent_path() / "early_restructure.yaml").string()}}};
  CompareOptions o;
  o.replicates = 3;
  o.days = 90;
  o.threads = 2;
  o.scratch = dir / "runs";
  const Comparison c = run_comparison(arms, o);
  REQUIRE(complete(c));
  const auto file = dir / "compare.h5";
  write_comparison(c, file);
  const CompareReport report = compare_report(c, file);

  CHECK(report.scale_text.find("Tenth-scale city: counts are for one tenth of Leeds (81,200 "
                               "residents, 5,700 staff)") == 0);
  REQUIRE(report.versus.size() == 1);
  const ArmReport& arm = report.versus[0];
  CHECK(arm.arm == "early_restructure");
  CHECK(arm.start_day == 40);
  CHECK(arm.start_text.find("day 40 (11 May 2017)") != std::string::npos);
  CHECK(arm.window_text == "means over days 40-89 (50 days)");
  REQUIRE(arm.rows.size() == c.metric_count());
  for (const ReportRow& row : arm.rows) {
    INFO(row.reading.series);
    REQUIRE(row.has_before);
    // Common random numbers: the same scenario and seeds give the same days, exactly.
    CHECK(row.before.diff == 0.0);
    CHECK(row.before.low == 0.0);
    CHECK(row.before.high == 0.0);
    CHECK(row.before_text == "none, as expected");
    CHECK_FALSE(row.reading.name.empty());
    // The arms' means after the start are the means over replicates of days 40..89.
    const std::size_t m = static_cast<std::size_t>(&row - arm.rows.data());
    const std::vector<double> runs =
        io::netcdf::Reader(file).read_doubles("runs/baseline/" + c.metrics[m]);
    double sum = 0.0;
    for (int r = 0; r < 3; ++r)
      for (int t = 40; t < 90; ++t)
        sum += runs[static_cast<std::size_t>(r * 90 + t)];
    CHECK(row.after.reference == Approx(sum / 150.0).epsilon(1e-12));
    CHECK(row.reference_text == format_value(row.after.reference, row.reading));
    const bool clear = row.after.low > 0.0 || row.after.high < 0.0;
    CHECK(clear == (row.after.verdict != Verdict::unclear));
    if (std::isnan(row.days_to_effect)) CHECK(row.effect_text == "not lasting by the end");
  }
  const auto row_of = [&](const std::string& series) {
    for (const ReportRow& row : arm.rows)
      if (row.reading.series == series) return row;
    FAIL("no row " << series);
    return arm.rows.front();
  };
  const ReportRow four_hours = row_of("a_and_e_4h");
  CHECK(four_hours.reading.name == "A&E patients seen within 4 hours");
  CHECK(four_hours.reading.units == "%");
  CHECK(four_hours.reference_text.back() == '%');
  CHECK(row_of("a_and_e_attendances_per_100k").reading.units == "per 100,000 residents a day");
  // Per-neighbourhood series are in the file: each gets a line of counts over the 107.
  REQUIRE_FALSE(arm.neighbourhoods.empty());
  for (const NeighbourhoodReport& n : arm.neighbourhoods) {
    CHECK(n.effects.size() == 107);
    CHECK(n.better + n.worse + n.unclear == 107);
  }

  const std::string table = format_report_table(report);
  CHECK(table.find("early_restructure compared with baseline") != std::string::npos);
  CHECK(table.find("A&E patients seen within 4 hours") != std::string::npos);
  CHECK(table.find(four_hours.change_text) != std::string::npos);
  CHECK(table.find("never") == std::string::npos);
  CHECK(table.find("e-0") == std::string::npos);  // no exponents

  const std::string html = report_html(report);
  std::string problem;
  CHECK(balanced(html, &problem));
  INFO(problem);
  CHECK(html.find("<script") == std::string::npos);
  // Nothing fetched: no sources or links to follow.
  CHECK(html.find(" src=") == std::string::npos);
  CHECK(html.find("href=") == std::string::npos);
  CHECK(html.find("early_restructure compared with baseline") != std::string::npos);
  CHECK(html.find(four_hours.reference_text) != std::string::npos);
  CHECK(html.find(four_hours.interval_text) != std::string::npos);
  CHECK(html.find("Tenth-scale city") != std::string::npos);
  CHECK(html.find("By neighbourhood") != std::string::npos);
  // One figure per compared series, each with two plots.
  std::size_t figures = 0, svgs = 0;
  for (std::size_t at = html.find("<figure>"); at != std::string::npos;
       at = html.find("<figure>", at + 1))
    ++figures;
  for (std::size_t at = html.find("<svg"); at != std::string::npos; at = html.find("<svg", at + 1))
    ++svgs;
  CHECK(figures == c.metric_count());
  CHECK(svgs == 2 * c.metric_count());
}

TEST_CASE("leader's report: arms branched from a saved state differ from its day, not day 0",
          "[compare][report]") {
  // Bug (studio what-if from a day-10 checkpoint): the report said "The change applies from
  // day 0" and measured over days 0-29, although days 0-9 are the saved run's, the same in
  // every arm.
  const test::TempDir dir;
  const auto base = test::scenario_path("what-if/baseline.yaml");
  const std::string bin = CARESIM_BINARY;
  REQUIRE(test::run_command(bin + " run " + test::quoted(base) +
                            " --set run.warm_up_days=0 --steps 10 --checkpoint-every 10 -q -o " +
                            test::quoted(dir / "saved.h5"))
              .exit_code == 0);
  const auto pressure = test::scenario_path("what-if/target_pressure_up.yaml");
  const std::vector<CompareArm> arms{
      {"baseline", {read_text(base), base.string()}},
      {"target_pressure_up", {read_text(pressure), pressure.string()}}};
  CompareOptions o;
  o.overrides = {"run.warm_up_days=0"};
  o.replicates = 2;
  o.days = 30;
  o.threads = 2;
  o.scratch = dir / "runs";
  o.from = dir / "saved.h5.ckpt";
  const Comparison c = run_comparison(arms, o);
  REQUIRE(complete(c));
  CHECK(c.from_day == 10);
  const auto file = dir / "compare.h5";
  write_comparison(c, file);
  const CompareReport report = compare_report(c, file);
  REQUIRE(report.versus.size() == 1);
  const ArmReport& arm = report.versus[0];
  CHECK(arm.start_day == 10);
  CHECK_THAT(arm.start_text, Catch::Contains("day 10 (11 April 2017)") &&
                                 Catch::Contains("saved state of day 10"));
  CHECK(arm.window_text == "means over days 10-29 (20 days)");
  for (const ReportRow& row : arm.rows) {
    INFO(row.reading.series);
    REQUIRE(row.has_before);
    CHECK(row.before.diff == 0.0);  // the saved run's days, the same in every arm
  }
  CHECK(io::netcdf::Reader(file).has_attribute("from_day"));
}
