#pragma once
// A paired comparison as a system leader reads it: plain names and units, full arm names,
// numbers rounded for reading, better or worse marked, effects measured from the day the change
// starts (with the days before it as a check that should show no difference), time to effect in
// words, and the scale of the city. One source of truth for the words and numbers: the CLI table
// (`caresim compare`), the HTML report (`--report`) and the studio's what-if view (as JSON) all
// print the cells made here.

#include <filesystem>
#include <string>
#include <vector>

#include "caresim/engine/output.hpp"
#include "caresim/ensemble/compare.hpp"

namespace caresim::ensemble {

/// How a reader sees one series: its plain name, plain units and which way is better. From the
/// series' metadata (engine/output.hpp); a series without a plain name is named by its
/// description, and one without a direction is neutral.
struct Reading {
  std::string series;  ///< the dataset name, e.g. "a_and_e_4h"
  std::string name;    ///< plain name, e.g. "A&E patients seen within 4 hours"
  std::string units;   ///< plain units, e.g. "%", "a day", "per 100,000 residents a day"
  Better better = Better::neutral;
  bool percent = false;  ///< values shown x100 with "%", differences in percentage points
};

Reading reading_of(const SeriesSpec& spec);

/// CF units in words: "day-1" -> "a day", "per 100000 residents per day" -> "per 100,000
/// residents a day", "d" -> "days", "1" -> "" (a count or ratio); with `percent`, "%" (and
/// "year-1" -> "% a year"). Unknown units are returned as given.
std::string plain_units(const std::string& units, bool percent);

/// `x` to `significant` figures with thousands separators ("81,200", "0.0634", "12.3"); "n/a"
/// for NaN.
std::string format_number(double x, int significant = 3);

/// A value in the reader's units: "83.4%" for a share, "12.3" otherwise.
std::string format_value(double x, const Reading& reading);

/// A paired difference and its interval, rounded alike to the precision the interval supports
/// (two significant figures of its half-width): {"+2.1 pts", "+1.3 to +2.9"}.
struct ChangeText {
  std::string change, interval;
};
ChangeText format_change(double diff, double low, double high, const Reading& reading);

/// The verdict on a paired difference: clear when its interval excludes 0.
enum class Verdict { better, worse, higher, lower, unclear };
Verdict verdict_of(double low, double high, Better better);
/// "better", "worse", "higher (neither better nor worse)", ..., "no clear difference".
std::string verdict_text(Verdict v);

/// Mean of each arm over a stretch of days and the paired difference with its interval.
struct Effect {
  double reference = 0, arm = 0, diff = 0, low = 0, high = 0;
  Verdict verdict = Verdict::unclear;
};

/// One row of the leader's table: one series, one arm against the reference. The *_text fields
/// are what every view prints.
struct ReportRow {
  Reading reading;
  Effect after;  ///< from the start of the change to the end of the run
  bool has_before = false;
  Effect before;              ///< the days before the start: should show no difference
  double days_to_effect = 0;  ///< days after the start; NaN when the difference is not lasting
  std::string reference_text, arm_text, change_text, interval_text, verdict_text, before_text,
      effect_text;
};

/// One neighbourhood series: the effect after the start in each neighbourhood.
struct NeighbourhoodReport {
  Reading reading;
  std::vector<std::string> names;  ///< neighbourhood names
  std::vector<Effect> effects;     ///< one per neighbourhood
  std::vector<std::string> change_texts, interval_texts, verdict_texts;
  int better = 0, worse = 0, unclear = 0;  ///< clear verdicts by kind (higher/lower as better)
  std::string summary_text;  ///< "better in 3, worse in 0, no clear difference in 104 of 107"
};

/// One arm against the reference.
struct ArmReport {
  std::string arm, reference;  ///< full arm names
  std::string file, description;
  int start_day = 0;        ///< the earliest day the arm's scenario differs from the reference's
  std::string start_text;   ///< e.g. "from day 340 (7 March 2018), the first intervention"
  std::string window_text;  ///< what the numbers are averaged over
  std::vector<ReportRow> rows;                      ///< one per compared series
  std::vector<NeighbourhoodReport> neighbourhoods;  ///< per-neighbourhood series, when written
};

/// A mean with its interval band, on the report's plot days.
struct Band {
  std::vector<double> mean, low, high;
};

/// One series' plot: each arm's rolling mean with its band, and each arm's paired difference
/// from the reference with its band (diffs[0], the reference's, is empty).
struct SeriesPlot {
  Reading reading;
  std::vector<Band> arms, diffs;
};

struct CompareReport {
  std::string title;        ///< "baseline vs target_pressure_up"
  std::string scale_text;   ///< "Tenth-scale city: counts are for one tenth of Leeds (...)"
  std::string method_text;  ///< replicates, days, intervals, in a sentence
  /// What the intervals cover: chance alone, or chance and parameter uncertainty (with the
  /// source of the parameter sets and how many distinct sets the replicates used).
  std::string uncertainty_text;
  bool parameter_uncertainty = false;
  std::vector<std::string> arms, arm_files, arm_descriptions;
  int replicates = 0, days = 0, window = 0;
  double confidence = 0.95;
  std::string start_date;
  std::vector<ArmReport> versus;  ///< one per arm after the reference
  std::vector<int> plot_days;     ///< the days the plots sample (at most about 240)
  std::vector<SeriesPlot> plots;  ///< one per compared series
};

/// The report of a finished comparison `c`, whose file `compare_file` (write_comparison) holds
/// every replicate's series: effects are recomputed from the day each arm's change starts (the
/// earliest start day of its interventions that the reference does not have, or day 0 when
/// anything else differs). Throws std::runtime_error if the file lacks a series.
CompareReport compare_report(const Comparison& c, const std::filesystem::path& compare_file);

/// The table `caresim compare` prints, from the report.
std::string format_report_table(const CompareReport& report);

/// One self-contained HTML page (inline CSS and SVG plots; no scripts, no network): the scale,
/// the table, a plot per series with bands, time to effect and per-neighbourhood results.
std::string report_html(const CompareReport& report);

}  // namespace caresim::ensemble
