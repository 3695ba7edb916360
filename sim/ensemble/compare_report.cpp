// A paired comparison as a leader reads it (ensemble/compare_report.hpp): the numbers, recomputed
// from the day each arm's change starts, and the words every view prints.
#include "caresim/ensemble/compare_report.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "caresim/analysis/statistics.hpp"
#include "caresim/core/numbers.hpp"
#include "caresim/io/netcdf.hpp"
#include "caresim/scenario/load.hpp"
#include "compare_detail.hpp"

namespace caresim::ensemble {
namespace {

/// Leeds's residents at the 2021 census (domain.md section 1): what "scale" is measured against.
constexpr double kLeedsResidents = 812000.0;
/// At most this many points per plotted line: the lines are rolling means, so nothing is lost.
constexpr int kPlotPoints = 240;

std::string with_separators(const std::string& digits) {
  // digits: an optional sign, integer digits, optionally '.' and decimals.
  const std::size_t sign = (!digits.empty() && (digits[0] == '-' || digits[0] == '+')) ? 1 : 0;
  std::size_t end = digits.find('.');
  if (end == std::string::npos) end = digits.size();
  std::string out = digits.substr(0, sign);
  for (std::size_t i = sign; i < end; ++i) {
    out += digits[i];
    const std::size_t left = end - i - 1;
    if (left > 0 && left % 3 == 0) out += ',';
  }
  out.append(digits, end, std::string::npos);
  return out;
}

int decimals_for(double magnitude, int significant) {
  if (!(magnitude > 0.0) || !std::isfinite(magnitude)) return 0;
  const int exponent = static_cast<int>(std::floor(std::log10(magnitude)));
  return std::clamp(significant - 1 - exponent, 0, 8);
}

std::string fixed(double x, int decimals, bool sign) {
  // A value that rounds to zero is printed as "0" (or "+0"), never "-0.0".
  if (std::abs(x) < 0.5 * std::pow(10.0, -decimals)) x = 0.0;
  return with_separators(sign ? fmt::format("{:+.{}f}", x, decimals)
                              : fmt::format("{:.{}f}", x, decimals));
}

std::string long_date(const std::string& start, int day) {
  static const char* const kMonths[] = {"January",   "February", "March",    "April",
                                        "May",       "June",     "July",     "August",
                                        "September", "October",  "November", "December"};
  const std::string iso = detail::date_after(start, day);
  int y = 0, m = 0, d = 0;
  if (std::sscanf(iso.c_str(), "%d-%d-%d", &y, &m, &d) != 3 || m < 1 || m > 12) return iso;
  return fmt::format("{} {} {}", d, kMonths[m - 1], y);
}

// The days the arm's scenario starts to differ from the reference's, and why.
struct Start {
  int day = 0;
  std::string why;
};

// `from_day`: the day of the saved state the runs branched from (Comparison::from_day); the days
// before it are that run's, the same in every arm, so nothing can start to differ before it.
Start change_start(const Scenario& reference, const Scenario& arm, int days, int from_day) {
  const std::string branched =
      fmt::format("the arms branch from a saved state of day {} and ", from_day);
  Scenario a = arm, r = reference;
  for (Scenario* s : {&a, &r}) {
    s->name.clear();
    s->description.clear();
    s->interventions.clear();
  }
  if (!(a == r)) {
    if (from_day > 0)
      return {from_day, branched + "the scenario differs from the reference from then"};
    return {0, "the scenario differs from the reference from the first day"};
  }
  int first = std::numeric_limits<int>::max();
  std::string kind;
  const auto consider = [&](const InterventionSpec& spec, const std::vector<InterventionSpec>& in) {
    if (std::find(in.begin(), in.end(), spec) != in.end()) return;
    if (spec.day < first) {
      first = spec.day;
      kind = spec.kind;
    }
  };
  for (const InterventionSpec& spec : arm.interventions)
    consider(spec, reference.interventions);
  for (const InterventionSpec& spec : reference.interventions)
    consider(spec, arm.interventions);
  if (first == std::numeric_limits<int>::max())
    return {from_day, "the scenario is the same as the reference's"};
  if (first >= days)
    return {from_day, fmt::format("its first intervention ({}, day {}) starts after the run ends",
                                  kind, first)};
  if (first < from_day)
    return {from_day, branched + "its interventions dated before then never act"};
  return {first, fmt::format("its first intervention ({}) starts", kind)};
}

std::string scale_text(const Scenario& s) {
  if (s.model != ModelKind::care) return {};
  long staff = 0;
  for (const OrganisationSpec& o : s.organisations)
    staff += o.staff;
  const double f = s.city.citizens / kLeedsResidents;
  const std::string people = fmt::format("{} residents, {} staff", fixed(s.city.citizens, 0, false),
                                         fixed(static_cast<double>(staff), 0, false));
  const std::string rates =
      "rates per 100,000 residents and percentages compare directly with the whole city";
  if (std::abs(f - 1.0) < 0.005)
    return fmt::format("Full-scale city: counts are for the whole of Leeds ({}).", people);
  if (std::abs(f - 0.1) < 0.0005)
    return fmt::format(
        "Tenth-scale city: counts are for one tenth of Leeds ({}); multiply counts by 10 for the "
        "city; {}.",
        people, rates);
  Reading share;
  share.percent = true;
  return fmt::format("City at {} of Leeds's size: counts are for that share of Leeds ({}); {}.",
                     format_value(f, share), people, rates);
}

// Per-replicate daily values of every compared series: [arm][replicate][metric][day].
struct Daily {
  std::size_t arms, replicates, metrics, days;
  std::vector<double> v;
  double at(std::size_t a, std::size_t r, std::size_t m, std::size_t t) const {
    return v[((a * replicates + r) * metrics + m) * days + t];
  }
};

struct Stats {
  double t_quantile;
  analysis::MeanInterval interval(std::vector<double>& sample) const {
    return analysis::mean_interval_given_t(sample, t_quantile);
  }
};

Effect effect_over(const std::vector<double>& arm_means, const std::vector<double>& ref_means,
                   const Stats& stats, Better better) {
  Effect e;
  std::vector<double> diff(arm_means.size());
  double a = 0, r = 0;
  for (std::size_t i = 0; i < diff.size(); ++i) {
    diff[i] = arm_means[i] - ref_means[i];
    a += arm_means[i];
    r += ref_means[i];
  }
  e.arm = a / static_cast<double>(diff.size());
  e.reference = r / static_cast<double>(diff.size());
  const auto d = stats.interval(diff);
  e.diff = d.mean;
  e.low = d.low;
  e.high = d.high;
  e.verdict = verdict_of(e.low, e.high, better);
  return e;
}

std::string day_span(int from, int to) {
  return fmt::format("days {}-{} ({} days)", from, to - 1, to - from);
}

}  // namespace

Reading reading_of(const SeriesSpec& spec) {
  Reading r;
  r.series = spec.name;
  r.name = spec.plain_name.empty() ? spec.description : spec.plain_name;
  if (r.name.empty()) r.name = spec.name;
  r.better = spec.better;
  r.percent = spec.percent;
  r.units = plain_units(spec.units, spec.percent);
  return r;
}

std::string plain_units(const std::string& units, bool percent) {
  if (percent) {
    if (units == "year-1") return "% a year";
    if (units == "day-1") return "% a day";
    return "%";
  }
  if (units == "1" || units.empty()) return "";
  if (units == "d" || units == "day" || units == "days") return "days";
  if (units == "day-1") return "a day";
  if (units == "year-1") return "a year";
  std::string out = units;
  const auto replace = [&](const std::string& from, const std::string& to) {
    for (std::size_t at = out.find(from); at != std::string::npos; at = out.find(from, at))
      out.replace(at, from.size(), to), at += to.size();
  };
  replace("per 100000", "per 100,000");
  replace("per 1000 ", "per 1,000 ");
  replace("per day", "a day");
  replace(" day-1", " a day");
  replace(" year-1", " a year");
  return out;
}

std::string format_number(double x, int significant) {
  if (!std::isfinite(x)) return "n/a";
  if (x == 0.0) return "0";
  return fixed(x, decimals_for(std::abs(x), significant), false);
}

std::string format_value(double x, const Reading& reading) {
  if (!std::isfinite(x)) return "n/a";
  return reading.percent ? format_number(100.0 * x, 3) + "%" : format_number(x, 3);
}

ChangeText format_change(double diff, double low, double high, const Reading& reading) {
  if (!std::isfinite(diff)) return {"n/a", "n/a"};
  if (diff == 0.0 && low == 0.0 && high == 0.0) return {"none", "0 to 0"};  // the same runs
  const double scale = reading.percent ? 100.0 : 1.0;
  const double half = 0.5 * (high - low) * scale;
  const int decimals = half > 0.0 && std::isfinite(half)
                           ? decimals_for(half, 2)
                           : (diff == 0.0 ? 0 : decimals_for(std::abs(diff * scale), 3));
  const std::string suffix = reading.percent ? " pts" : "";
  ChangeText t;
  t.change = fixed(diff * scale, decimals, true) + suffix;
  t.interval =
      std::isfinite(low) && std::isfinite(high)
          ? fixed(low * scale, decimals, true) + " to " + fixed(high * scale, decimals, true)
          : "n/a";
  return t;
}

Verdict verdict_of(double low, double high, Better better) {
  const int side = low > 0.0 ? 1 : (high < 0.0 ? -1 : 0);
  if (side == 0) return Verdict::unclear;
  switch (better) {
    case Better::higher:
      return side > 0 ? Verdict::better : Verdict::worse;
    case Better::lower:
      return side < 0 ? Verdict::better : Verdict::worse;
    case Better::neutral:
      break;
  }
  return side > 0 ? Verdict::higher : Verdict::lower;
}

std::string verdict_text(Verdict v) {
  switch (v) {
    case Verdict::better:
      return "better";
    case Verdict::worse:
      return "worse";
    case Verdict::higher:
      return "higher";
    case Verdict::lower:
      return "lower";
    case Verdict::unclear:
      break;
  }
  return "no clear difference";
}

CompareReport compare_report(const Comparison& c, const std::filesystem::path& compare_file) {
  if (!complete(c)) throw std::logic_error("compare_report: the comparison is not complete");
  CompareReport report;
  const std::size_t A = c.arm_count(), M = c.metric_count(),
                    R = static_cast<std::size_t>(c.replicates),
                    T = static_cast<std::size_t>(c.days);
  report.arms = c.arms;
  report.arm_files = c.arm_files;
  report.replicates = c.replicates;
  report.days = c.days;
  report.window = c.window;
  report.confidence = c.confidence;
  report.start_date = c.start_date;
  report.title = fmt::format("{}", fmt::join(c.arms, " vs "));

  std::vector<Scenario> scenarios;
  for (std::size_t a = 0; a < A; ++a) {
    scenarios.push_back(parse_scenario(c.arm_scenarios[a], c.arm_files[a], {}));
    report.arm_descriptions.push_back(scenarios.back().description);
  }
  report.scale_text = scale_text(scenarios.front());
  const int percent = static_cast<int>(std::lround(c.confidence * 100.0));
  report.method_text = fmt::format(
      "{} paired replicates per arm (replicate r of every arm uses the same seed, so the same "
      "people meet the same chances), {} days from {}; differences are each arm minus {}, with "
      "{}% intervals; an effect is clear when its interval leaves out 0. Plots show {}-day rolling "
      "means.",
      c.replicates, c.days, long_date(c.start_date, 0), c.arms.front(), percent, c.window);

  report.uncertainty_text = c.uncertainty_text();
  report.parameter_uncertainty = c.has_parameters();

  // Metadata of each compared series, from the reference's layout.
  const RunLayout& layout = c.outcomes.front().layout;
  std::vector<Reading> readings;
  for (std::size_t m = 0; m < M; ++m) {
    SeriesSpec spec{
        .name = c.metrics[m], .units = c.metric_units[m], .description = c.metric_descriptions[m]};
    for (const SeriesSpec& s : layout.series)
      if (s.name == c.metrics[m]) spec = s;
    readings.push_back(reading_of(spec));
  }

  const io::netcdf::Reader file(compare_file);
  Daily daily{A, R, M, T, std::vector<double>(A * R * M * T, kNaN)};
  for (std::size_t a = 0; a < A; ++a)
    for (std::size_t m = 0; m < M; ++m) {
      const std::string path = "runs/" + c.arms[a] + "/" + c.metrics[m];
      const std::vector<double> values = file.read_doubles(path);
      if (values.size() != R * T)
        throw std::runtime_error(fmt::format("{}: {} holds {} values, expected {}",
                                             compare_file.string(), path, values.size(), R * T));
      for (std::size_t r = 0; r < R; ++r)
        std::copy_n(values.begin() + static_cast<std::ptrdiff_t>(r * T), T,
                    daily.v.begin() + static_cast<std::ptrdiff_t>(((a * R + r) * M + m) * T));
    }
  const Stats stats{
      analysis::student_t_quantile(1.0 - (1.0 - c.confidence) / 2.0, static_cast<double>(R) - 1.0)};

  // Rolling means that restart at each arm's start day, so no day before a change is averaged
  // with days after it: [arm][replicate][metric][day], per comparing arm's own start.
  std::vector<Start> starts(A);
  for (std::size_t a = 1; a < A; ++a)
    starts[a] = change_start(scenarios[0], scenarios[a], c.days, c.from_day);
  const auto window = static_cast<std::size_t>(c.window);
  const auto rolling = [&](std::size_t a, std::size_t r, std::size_t m, std::size_t start) {
    std::vector<double> out(T);
    double sum = 0;
    std::size_t first = 0;
    for (std::size_t t = 0; t < T; ++t) {
      if (t == start) {
        sum = 0;
        first = t;
      }
      sum += daily.at(a, r, m, t);
      if (t + 1 - first > window) sum -= daily.at(a, r, m, t - window), ++first;
      out[t] = sum / static_cast<double>(t + 1 - first);
    }
    return out;
  };

  // Plots: each arm's rolling mean (restarting at the first comparing arm's start) and each
  // arm's paired rolling difference (restarting at its own start).
  const std::size_t step = std::max<std::size_t>(1, (T + kPlotPoints - 1) / kPlotPoints);
  for (std::size_t t = 0; t < T; t += step)
    report.plot_days.push_back(static_cast<int>(t));
  if (T > 0 && report.plot_days.back() != static_cast<int>(T - 1))
    report.plot_days.push_back(static_cast<int>(T - 1));
  const std::size_t shared_start = A > 1 ? static_cast<std::size_t>(starts[1].day) : 0;
  report.plots.resize(M);
  std::vector<double> sample(R);
  for (std::size_t m = 0; m < M; ++m) {
    SeriesPlot& plot = report.plots[m];
    plot.reading = readings[m];
    plot.arms.resize(A);
    plot.diffs.resize(A);
    std::vector<std::vector<double>> roll_shared(A * R);
    for (std::size_t a = 0; a < A; ++a)
      for (std::size_t r = 0; r < R; ++r)
        roll_shared[a * R + r] = rolling(a, r, m, shared_start);
    for (std::size_t a = 0; a < A; ++a) {
      for (const int day : report.plot_days) {
        for (std::size_t r = 0; r < R; ++r)
          sample[r] = roll_shared[a * R + r][static_cast<std::size_t>(day)];
        const auto i = stats.interval(sample);
        plot.arms[a].mean.push_back(i.mean);
        plot.arms[a].low.push_back(i.low);
        plot.arms[a].high.push_back(i.high);
      }
    }
  }

  for (std::size_t a = 1; a < A; ++a) {
    ArmReport arm;
    arm.arm = c.arms[a];
    arm.reference = c.arms[0];
    arm.file = c.arm_files[a];
    arm.description = report.arm_descriptions[a];
    const auto start = static_cast<std::size_t>(starts[a].day);
    arm.start_day = starts[a].day;
    arm.start_text = start > 0
                         ? fmt::format(
                               "The change starts on day {} ({}): {}. Effects are measured from "
                               "then to the end of the run; the {} days before are a check that "
                               "should show no difference.",
                               start, long_date(c.start_date, arm.start_day), starts[a].why, start)
                         : fmt::format(
                               "The change applies from day 0: {}; effects are measured over the "
                               "whole run, with no days before it to check.",
                               starts[a].why);
    arm.window_text = fmt::format("means over {}", day_span(arm.start_day, c.days));
    for (std::size_t m = 0; m < M; ++m) {
      ReportRow row;
      row.reading = readings[m];
      const auto window_means = [&](std::size_t arm_index, std::size_t from, std::size_t to) {
        std::vector<double> means(R, 0.0);
        for (std::size_t r = 0; r < R; ++r) {
          for (std::size_t t = from; t < to; ++t)
            means[r] += daily.at(arm_index, r, m, t);
          means[r] /= static_cast<double>(to - from);
        }
        return means;
      };
      row.after = effect_over(window_means(a, start, T), window_means(0, start, T), stats,
                              row.reading.better);
      if (start > 0) {
        row.has_before = true;
        row.before = effect_over(window_means(a, 0, start), window_means(0, 0, start), stats,
                                 row.reading.better);
      }
      // Time to effect: the first day after the start from which the interval of the paired
      // difference of the rolling mean leaves out 0 on the same side every day to the end.
      std::vector<std::vector<double>> arm_roll(R), ref_roll(R);
      for (std::size_t r = 0; r < R; ++r) {
        arm_roll[r] = rolling(a, r, m, start);
        ref_roll[r] = rolling(0, r, m, start);
      }
      std::vector<int> side(T, 0);
      for (std::size_t t = start; t < T; ++t) {
        for (std::size_t r = 0; r < R; ++r)
          sample[r] = arm_roll[r][t] - ref_roll[r][t];
        const auto i = stats.interval(sample);
        side[t] = i.low > 0 ? 1 : (i.high < 0 ? -1 : 0);
      }
      row.days_to_effect = kNaN;
      if (T > start && side[T - 1] != 0) {
        std::size_t first = T - 1;
        while (first > start && side[first - 1] == side[T - 1])
          --first;
        row.days_to_effect = static_cast<double>(first - start);
      }
      // The plotted difference: the rolling means restarting at this arm's start.
      Band& band = report.plots[m].diffs[a];
      for (const int day : report.plot_days) {
        for (std::size_t r = 0; r < R; ++r)
          sample[r] = arm_roll[r][static_cast<std::size_t>(day)] -
                      ref_roll[r][static_cast<std::size_t>(day)];
        const auto i = stats.interval(sample);
        band.mean.push_back(i.mean);
        band.low.push_back(i.low);
        band.high.push_back(i.high);
      }

      row.reference_text = format_value(row.after.reference, row.reading);
      row.arm_text = format_value(row.after.arm, row.reading);
      const ChangeText change =
          format_change(row.after.diff, row.after.low, row.after.high, row.reading);
      row.change_text = change.change;
      row.interval_text = change.interval;
      row.verdict_text = verdict_text(row.after.verdict);
      row.before_text = !row.has_before ? "(no days before)"
                        : row.before.verdict == Verdict::unclear
                            ? "none, as expected"
                            : "differs: " + format_change(row.before.diff, row.before.low,
                                                          row.before.high, row.reading)
                                                .change;
      if (std::isnan(row.days_to_effect)) {
        row.effect_text = "not lasting by the end";
      } else {
        const int day = arm.start_day + static_cast<int>(row.days_to_effect);
        row.effect_text =
            row.days_to_effect == 0
                ? fmt::format("from the start ({})", long_date(c.start_date, day))
                : fmt::format("after {} day{} ({})", static_cast<int>(row.days_to_effect),
                              row.days_to_effect == 1 ? "" : "s", long_date(c.start_date, day));
      }
      arm.rows.push_back(std::move(row));
    }

    // Per-neighbourhood series in the file: the effect after the start in each neighbourhood.
    const std::string group = "runs/" + c.arms[a] + "/";
    for (const SeriesSpec& spec : layout.series) {
      if (spec.dimension < 0 ||
          layout.dimensions[static_cast<std::size_t>(spec.dimension)].name != "neighbourhood")
        continue;
      if (!file.has_variable(group + spec.name) ||
          !file.has_variable("runs/" + c.arms[0] + "/" + spec.name))
        continue;
      NeighbourhoodReport nr;
      nr.reading = reading_of(spec);
      nr.names = file.read_strings(group + "neighbourhood_name");
      const std::size_t N = nr.names.size();
      const std::vector<double> av = file.read_doubles(group + spec.name);
      const std::vector<double> rv = file.read_doubles("runs/" + c.arms[0] + "/" + spec.name);
      if (av.size() != R * T * N || rv.size() != R * T * N) continue;
      for (std::size_t n = 0; n < N; ++n) {
        std::vector<double> am(R, 0.0), rm(R, 0.0);
        for (std::size_t r = 0; r < R; ++r) {
          for (std::size_t t = start; t < T; ++t) {
            am[r] += av[(r * T + t) * N + n];
            rm[r] += rv[(r * T + t) * N + n];
          }
          am[r] /= static_cast<double>(T - start);
          rm[r] /= static_cast<double>(T - start);
        }
        const Effect e = effect_over(am, rm, stats, nr.reading.better);
        const ChangeText t = format_change(e.diff, e.low, e.high, nr.reading);
        nr.effects.push_back(e);
        nr.change_texts.push_back(t.change);
        nr.interval_texts.push_back(t.interval);
        nr.verdict_texts.push_back(verdict_text(e.verdict));
        if (e.verdict == Verdict::better || e.verdict == Verdict::higher)
          ++nr.better;
        else if (e.verdict == Verdict::worse || e.verdict == Verdict::lower)
          ++nr.worse;
        else
          ++nr.unclear;
      }
      nr.summary_text =
          nr.reading.better == Better::neutral
              ? fmt::format("higher in {}, lower in {}, no clear difference in {} of {}", nr.better,
                            nr.worse, nr.unclear, N)
              : fmt::format("better in {}, worse in {}, no clear difference in {} of {}", nr.better,
                            nr.worse, nr.unclear, N);
      arm.neighbourhoods.push_back(std::move(nr));
    }
    report.versus.push_back(std::move(arm));
  }
  return report;
}

std::string format_report_table(const CompareReport& report) {
  std::string out;
  const int percent = static_cast<int>(std::lround(report.confidence * 100.0));
  if (!report.scale_text.empty()) out += "\n" + report.scale_text + "\n";
  if (!report.uncertainty_text.empty()) out += report.uncertainty_text + "\n";
  for (const ArmReport& arm : report.versus) {
    out += fmt::format("\n{} compared with {}\n", arm.arm, arm.reference);
    out += arm.start_text + "\n";
    out += fmt::format("{} paired replicates; {}; {}% intervals.\n", report.replicates,
                       arm.window_text, percent);
    // Column widths from the cells, so any series and arm name fits.
    std::vector<std::vector<std::string>> cells{{"measure", "units", arm.reference, arm.arm,
                                                 "change", fmt::format("{}% interval", percent),
                                                 "verdict", "effect", "before the start"}};
    for (const ReportRow& row : arm.rows)
      cells.push_back({row.reading.name, row.reading.units, row.reference_text, row.arm_text,
                       row.change_text, row.interval_text, row.verdict_text, row.effect_text,
                       row.before_text});
    std::vector<std::size_t> width(cells.front().size(), 0);
    for (const auto& line : cells)
      for (std::size_t k = 0; k < line.size(); ++k)
        width[k] = std::max(width[k], line[k].size());
    for (const auto& line : cells) {
      std::string text;
      for (std::size_t k = 0; k < line.size(); ++k) {
        const bool number = k >= 2 && k <= 4;  // the means and the change align right
        text += number ? fmt::format("{:>{}}", line[k], width[k])
                       : fmt::format("{:<{}}", line[k], k + 1 == line.size() ? 0 : width[k]);
        if (k + 1 < line.size()) text += "  ";
      }
      out += text + "\n";
    }
    for (const NeighbourhoodReport& nr : arm.neighbourhoods) {
      out += fmt::format("by neighbourhood, {}: {}\n", nr.reading.name, nr.summary_text);
    }
  }
  out +=
      "pts: percentage points. effect: when the difference of the rolling mean became clear "
      "and stayed so to the end.\n";
  return out;
}

}  // namespace caresim::ensemble
