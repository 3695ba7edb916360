// The leader's report as one self-contained HTML page: inline CSS, plots as inline SVG drawn
// here, no scripts and nothing fetched, so it opens from a file or an e-mail attachment.
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>

#include "caresim/ensemble/compare_report.hpp"

namespace caresim::ensemble {
namespace {

constexpr const char* kArmColours[] = {"#4d4d4d", "#1f77b4", "#d62728", "#2ca02c",
                                       "#9467bd", "#ff7f0e", "#8c564b", "#17becf"};

const char* colour(std::size_t arm) {
  return kArmColours[arm % (sizeof kArmColours / sizeof kArmColours[0])];
}

std::string escape(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (const char ch : text) {
    switch (ch) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += ch;
    }
  }
  return out;
}

std::string verdict_class(Verdict v) {
  switch (v) {
    case Verdict::better:
      return "better";
    case Verdict::worse:
      return "worse";
    case Verdict::unclear:
      return "unclear";
    default:
      return "neutral";
  }
}

// One panel of a plot: lines with bands over the plot days, in data units x scale.
struct Panel {
  std::vector<const Band*> bands;
  std::vector<const char*> colours;
  bool zero_line = false;
};

std::string svg_panel(const Panel& panel, const std::vector<int>& days, int total_days,
                      int start_day, double scale, const std::string& y_label) {
  constexpr double W = 620, H = 170, left = 64, right = 12, top = 10, bottom = 28;
  double lo = panel.zero_line ? 0.0 : INFINITY, hi = panel.zero_line ? 0.0 : -INFINITY;
  for (const Band* b : panel.bands)
    for (std::size_t i = 0; i < b->mean.size(); ++i)
      for (const double v : {b->low[i], b->high[i], b->mean[i]})
        if (std::isfinite(v)) lo = std::min(lo, v * scale), hi = std::max(hi, v * scale);
  if (!std::isfinite(lo) || !std::isfinite(hi)) lo = 0, hi = 1;
  if (hi - lo < 1e-12) lo -= 0.5, hi += 0.5;
  const double pad = 0.05 * (hi - lo);
  lo -= pad;
  hi += pad;
  const double span_days = std::max(1, total_days - 1);
  const auto X = [&](double day) { return left + (W - left - right) * day / span_days; };
  const auto Y = [&](double v) { return top + (H - top - bottom) * (hi - v * scale) / (hi - lo); };
  std::string s = fmt::format(
      "<svg viewBox=\"0 0 {} {}\" width=\"{}\" height=\"{}\" role=\"img\" "
      "xmlns=\"http://www.w3.org/2000/svg\">",
      W, H, W, H);
  s += fmt::format(
      "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"#fff\" stroke=\"#ccc\"/>", left,
      top, W - left - right, H - top - bottom);
  // Axis ticks: five values, and the year boundaries of the run.
  for (int k = 0; k <= 4; ++k) {
    const double v = lo + (hi - lo) * k / 4.0;
    const double y = top + (H - top - bottom) * (1.0 - k / 4.0);
    s += fmt::format(
        "<line x1=\"{}\" x2=\"{}\" y1=\"{:.1f}\" y2=\"{:.1f}\" stroke=\"#eee\"/>"
        "<text x=\"{}\" y=\"{:.1f}\" font-size=\"10\" text-anchor=\"end\">{}</text>",
        left, W - right, y, y, left - 4, y + 3, escape(format_number(v, 3)));
  }
  for (int d = 0; d < total_days; d += 365) {
    s += fmt::format(
        "<text x=\"{:.1f}\" y=\"{}\" font-size=\"10\" text-anchor=\"middle\">day {}</text>", X(d),
        H - 12, d);
  }
  s += fmt::format(
      "<text x=\"12\" y=\"{}\" font-size=\"10\" transform=\"rotate(-90 12 {})\" "
      "text-anchor=\"middle\">{}</text>",
      (top + H - bottom) / 2, (top + H - bottom) / 2, escape(y_label));
  if (panel.zero_line) {
    s += fmt::format(
        "<line x1=\"{}\" x2=\"{}\" y1=\"{:.1f}\" y2=\"{:.1f}\" stroke=\"#333\" "
        "stroke-dasharray=\"3 3\"/>",
        left, W - right, Y(0), Y(0));
  }
  if (start_day > 0) {
    s += fmt::format(
        "<line x1=\"{:.1f}\" x2=\"{:.1f}\" y1=\"{}\" y2=\"{}\" stroke=\"#999\"/>"
        "<text x=\"{:.1f}\" y=\"{}\" font-size=\"10\">start</text>",
        X(start_day), X(start_day), top, H - bottom, X(start_day) + 3, top + 10);
  }
  for (std::size_t k = 0; k < panel.bands.size(); ++k) {
    const Band& b = *panel.bands[k];
    std::string band, line;
    for (std::size_t i = 0; i < days.size(); ++i)
      if (std::isfinite(b.high[i])) band += fmt::format("{:.1f},{:.1f} ", X(days[i]), Y(b.high[i]));
    for (std::size_t i = days.size(); i-- > 0;)
      if (std::isfinite(b.low[i])) band += fmt::format("{:.1f},{:.1f} ", X(days[i]), Y(b.low[i]));
    for (std::size_t i = 0; i < days.size(); ++i)
      if (std::isfinite(b.mean[i])) line += fmt::format("{:.1f},{:.1f} ", X(days[i]), Y(b.mean[i]));
    s += fmt::format(
        "<polygon points=\"{}\" fill=\"{}\" fill-opacity=\"0.18\" stroke=\"none\"/>"
        "<polyline points=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"1.5\"/>",
        band, panel.colours[k], line, panel.colours[k]);
  }
  s += "</svg>";
  return s;
}

constexpr const char* kStyle = R"(
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:2em auto;max-width:1100px;color:#222;padding:0 1em}
h1{font-size:1.6em;margin-bottom:.2em}h2{margin-top:1.6em;border-bottom:1px solid #ddd}
.scale{background:#fff7e0;border-left:4px solid #e0a000;padding:.5em .8em}
table{border-collapse:collapse;margin:.6em 0;font-size:14px}
th,td{padding:.25em .6em;border-bottom:1px solid #e4e4e4;text-align:left;vertical-align:top}
td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.better{color:#11772d;font-weight:600}.worse{color:#b21f1f;font-weight:600}
.unclear{color:#666}.neutral{color:#1f4f9f}
.plots{display:grid;grid-template-columns:repeat(auto-fill,minmax(640px,1fr));gap:1em}
figure{margin:0;border:1px solid #e4e4e4;padding:.5em}figcaption{font-weight:600}
.key span{display:inline-block;margin-right:1em}.swatch{display:inline-block;width:1em;height:.6em;margin-right:.3em}
.small{font-size:13px;color:#555}
)";

}  // namespace

std::string report_html(const CompareReport& report) {
  const int percent = static_cast<int>(std::lround(report.confidence * 100.0));
  std::string h = "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">";
  h += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">";
  h += "<title>What if: " + escape(report.title) + "</title><style>" + kStyle +
       "</style></head><body>\n";
  h += "<h1>What if: " + escape(report.title) + "</h1>\n";
  if (!report.scale_text.empty())
    h += "<p class=\"scale\" id=\"scale\">" + escape(report.scale_text) + "</p>\n";
  h += "<p>" + escape(report.method_text) + "</p>\n";
  if (!report.uncertainty_text.empty()) {
    h += fmt::format("<p id=\"uncertainty\" class=\"{}\">", report.parameter_uncertainty
                                                                ? "uncertainty parameters"
                                                                : "uncertainty chance") +
         escape(report.uncertainty_text) + "</p>\n";
  }
  h += "<table id=\"arms\"><tr><th>arm</th>"
       "<th>scenario file</th><th>what it is</th></tr>";
  for (std::size_t a = 0; a < report.arms.size(); ++a) {
    h += fmt::format(
        "<tr><td><span class=\"swatch\" style=\"background:{}\"></span>{}{}</td><td>{}</td>"
        "<td>{}</td></tr>",
        colour(a), escape(report.arms[a]), a == 0 ? " (reference)" : "",
        escape(report.arm_files[a]), escape(report.arm_descriptions[a]));
  }
  h += "</table>\n";

  for (const ArmReport& arm : report.versus) {
    h += "<h2>" + escape(arm.arm) + " compared with " + escape(arm.reference) + "</h2>\n";
    std::string window = arm.window_text;
    if (!window.empty())
      window[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(window[0])));
    h += "<p>" + escape(arm.start_text) + " " + escape(window) + ".</p>\n";
    h += fmt::format(
        "<table class=\"leader\"><tr><th>measure</th><th>units</th><th>{}</th><th>{}</th>"
        "<th>change</th><th>{}% interval</th><th>verdict</th><th>effect</th>"
        "<th>before the start</th></tr>\n",
        escape(arm.reference), escape(arm.arm), percent);
    for (const ReportRow& row : arm.rows) {
      h += fmt::format(
          "<tr><td>{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>"
          "<td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"{}\">{}</td><td>{}</td>"
          "<td class=\"{}\">{}</td></tr>\n",
          escape(row.reading.name), escape(row.reading.units), escape(row.reference_text),
          escape(row.arm_text), escape(row.change_text), escape(row.interval_text),
          verdict_class(row.after.verdict), escape(row.verdict_text), escape(row.effect_text),
          row.has_before && row.before.verdict != Verdict::unclear ? "worse" : "unclear",
          escape(row.before_text));
    }
    h += "</table>\n<p class=\"small\">pts: percentage points. Effect: when the difference of the "
         "rolling mean became clear and stayed so to the end of the run.</p>\n";
    for (const NeighbourhoodReport& nr : arm.neighbourhoods) {
      h += "<h3>By neighbourhood: " + escape(nr.reading.name) +
           (nr.reading.units.empty() ? "" : " (" + escape(nr.reading.units) + ")") + "</h3>\n";
      h += "<p>" + escape(nr.summary_text) + ".</p>\n";
      std::vector<std::size_t> clear;
      for (std::size_t n = 0; n < nr.effects.size(); ++n)
        if (nr.effects[n].verdict != Verdict::unclear) clear.push_back(n);
      std::sort(clear.begin(), clear.end(), [&](std::size_t x, std::size_t y) {
        return std::abs(nr.effects[x].diff) > std::abs(nr.effects[y].diff);
      });
      if (clear.size() > 12) clear.resize(12);
      if (clear.empty()) continue;
      h += fmt::format(
          "<table class=\"neighbourhoods\"><tr><th>neighbourhood</th><th>{}</th><th>{}</th>"
          "<th>change</th><th>{}% interval</th><th>verdict</th></tr>\n",
          escape(arm.reference), escape(arm.arm), percent);
      for (const std::size_t n : clear) {
        h += fmt::format(
            "<tr><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>"
            "<td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"{}\">{}</td></tr>\n",
            escape(nr.names[n]), escape(format_value(nr.effects[n].reference, nr.reading)),
            escape(format_value(nr.effects[n].arm, nr.reading)), escape(nr.change_texts[n]),
            escape(nr.interval_texts[n]), verdict_class(nr.effects[n].verdict),
            escape(nr.verdict_texts[n]));
      }
      h += "</table>\n";
    }
  }

  h += "<h2>Plots</h2>\n<p class=\"key\">";
  for (std::size_t a = 0; a < report.arms.size(); ++a)
    h += fmt::format("<span><span class=\"swatch\" style=\"background:{}\"></span>{}</span>",
                     colour(a), escape(report.arms[a]));
  h += fmt::format(
      "</p><p class=\"small\">Top: each arm's {}-day rolling mean with its {}% band. Below: the "
      "paired difference from {} with its band; the dashed line is no difference. Rolling means "
      "restart at the start of the change.</p>\n<div class=\"plots\">\n",
      report.window, percent, report.arms.empty() ? "" : escape(report.arms.front()));
  const int start = report.versus.empty() ? 0 : report.versus.front().start_day;
  for (const SeriesPlot& plot : report.plots) {
    const double scale = plot.reading.percent ? 100.0 : 1.0;
    Panel arms, diffs;
    diffs.zero_line = true;
    for (std::size_t a = 0; a < plot.arms.size(); ++a) {
      arms.bands.push_back(&plot.arms[a]);
      arms.colours.push_back(colour(a));
      if (a > 0 && !plot.diffs[a].mean.empty()) {
        diffs.bands.push_back(&plot.diffs[a]);
        diffs.colours.push_back(colour(a));
      }
    }
    const std::string units = plot.reading.units.empty() ? "value" : plot.reading.units;
    h += "<figure><figcaption>" + escape(plot.reading.name) + "</figcaption>\n";
    h += svg_panel(arms, report.plot_days, report.days, start, scale, units);
    h += svg_panel(diffs, report.plot_days, report.days, start, scale,
                   plot.reading.percent ? "difference, pts" : "difference");
    h += "</figure>\n";
  }
  h += "</div>\n</body></html>\n";
  return h;
}

}  // namespace caresim::ensemble
