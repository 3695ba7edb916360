#include "caresim/ensemble/analyse.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <numeric>
#include <stdexcept>

#include "caresim/ensemble/summary.hpp"
#include "caresim/io/netcdf.hpp"
#include "caresim/version.hpp"

namespace caresim::ensemble {
namespace nc = io::netcdf;
using namespace analysis;

namespace {

void write_column(nc::Group& group, const std::string& name, const std::string& dimension,
                  const std::vector<double>& values, std::string_view long_name,
                  std::string_view units = {}) {
  nc::Variable variable = group.define_variable({.name = name,
                                                 .type = nc::Type::float64,
                                                 .dimensions = {dimension},
                                                 .units = std::string(units),
                                                 .long_name = std::string(long_name)});
  variable.write(std::span<const double>(values));
}

void write_integer_column(nc::Group& group, const std::string& name, const std::string& dimension,
                          const std::vector<std::int64_t>& values, std::string_view long_name,
                          std::string_view units = {}) {
  nc::Variable variable = group.define_variable({.name = name,
                                                 .type = nc::Type::int64,
                                                 .dimensions = {dimension},
                                                 .units = std::string(units),
                                                 .long_name = std::string(long_name)});
  variable.write(std::span<const std::int64_t>(values));
}

}  // namespace

std::filesystem::path default_analysis_path(const std::filesystem::path& summary) {
  return summary.parent_path() / "analysis.nc";
}

std::string analyse_summary(const std::filesystem::path& path, const std::filesystem::path& output,
                            const AnalysisOptions& options) {
  const SummaryData s = read_summary(path);
  std::filesystem::path part = output;
  part += ".part";
  nc::File file = nc::File::create(part);
  nc::Group root = file.root();
  root.set_attribute("title",
                     "caresim analyse: sensitivity analysis of " + path.filename().string());
  root.set_attribute("Conventions", std::string_view("CF-1.8"));
  root.set_attribute("caresim_version", std::string_view(kVersion));
  root.set_attribute("git_commit", std::string_view(kGitCommit));
  root.set_attribute("summary_file", path.filename().string());
  root.set_attribute("design", s.design);
  root.set_attribute("bootstrap", static_cast<std::int64_t>(options.bootstrap));
  root.set_attribute("confidence", options.confidence);
  root.set_attribute("seed", static_cast<std::int64_t>(options.seed));
  std::string metric_list;
  for (const std::string& metric : s.metrics)
    metric_list += (metric_list.empty() ? "" : "\n") + metric;
  root.set_attribute("metrics", metric_list);
  const int pct = static_cast<int>(std::lround(options.confidence * 100));
  std::string report;
  for (std::size_t k = 0; k < s.metrics.size(); ++k) {
    // One self-contained group per metric (its own dimensions), so that
    // xarray.open_dataset(path, group=metric) shows every axis with its coordinate.
    nc::Group mg = root.create_group(s.metrics[k]);
    mg.set_attribute("description", "sensitivity of the summary metric " + s.metrics[k]);
    const auto per_parameter = [&] {
      mg.define_index("parameter", s.parameters.size(), "varied parameter");
      mg.write_strings("parameter_name", "parameter", s.parameters,
                       "scenario key of the parameter");
    };
    std::vector<std::size_t> order(s.parameters.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    if (s.design == "sobol") {
      const SobolIndices si = sobol_indices(s, k, options);
      per_parameter();
      write_column(mg, "S1", "parameter", si.s1, "first-order Sobol index (Saltelli 2010)", "1");
      write_column(mg, "S1_low", "parameter", si.s1_low, "bootstrap interval, lower end", "1");
      write_column(mg, "S1_high", "parameter", si.s1_high, "bootstrap interval, upper end", "1");
      write_column(mg, "ST", "parameter", si.st, "total Sobol index (Jansen 1999)", "1");
      write_column(mg, "ST_low", "parameter", si.st_low, "bootstrap interval, lower end", "1");
      write_column(mg, "ST_high", "parameter", si.st_high, "bootstrap interval, upper end", "1");
      mg.set_attribute("base_samples", static_cast<std::int64_t>(si.samples));
      std::stable_sort(order.begin(), order.end(),
                       [&](std::size_t a, std::size_t b) { return si.st[a] > si.st[b]; });
      report += fmt::format("\n{}: Sobol indices, N = {} base samples, {}% bootstrap intervals\n",
                            s.metrics[k], si.samples, pct);
      report += fmt::format("{:<4} {:<40} {:>8} {:>19} {:>8} {:>19}\n", "rank", "parameter", "S1",
                            "interval", "ST", "interval");
      for (std::size_t r = 0; r < order.size(); ++r) {
        const std::size_t j = order[r];
        report += fmt::format(
            "{:<4} {:<40} {:>8.4f} [{:>7.4f}, {:>7.4f}] {:>8.4f} [{:>7.4f}, {:>7.4f}]\n", r + 1,
            s.parameters[j], si.s1[j], si.s1_low[j], si.s1_high[j], si.st[j], si.st_low[j],
            si.st_high[j]);
      }
    } else if (s.design == "morris") {
      const MorrisIndices mi = morris_indices(s, k, options);
      per_parameter();
      write_column(mg, "mu", "parameter", mi.mu,
                   "mean elementary effect (per unit of the [0,1] range)");
      write_column(mg, "mu_star", "parameter", mi.mu_star, "mean absolute elementary effect");
      write_column(mg, "mu_star_low", "parameter", mi.mu_star_low, "bootstrap interval, lower end");
      write_column(mg, "mu_star_high", "parameter", mi.mu_star_high,
                   "bootstrap interval, upper end");
      write_column(mg, "sigma", "parameter", mi.sigma,
                   "standard deviation of the elementary effects");
      std::stable_sort(order.begin(), order.end(),
                       [&](std::size_t a, std::size_t b) { return mi.mu_star[a] > mi.mu_star[b]; });
      report += fmt::format(
          "\n{}: Morris elementary effects, {} trajectories, {}% bootstrap "
          "intervals for mu*\n",
          s.metrics[k], mi.trajectories, pct);
      report += fmt::format("{:<4} {:<40} {:>11} {:>25} {:>11} {:>11}\n", "rank", "parameter",
                            "mu*", "interval", "mu", "sigma");
      for (std::size_t r = 0; r < order.size(); ++r) {
        const std::size_t j = order[r];
        report += fmt::format("{:<4} {:<40} {:>11.4g} [{:>10.4g}, {:>10.4g}] {:>11.4g} {:>11.4g}\n",
                              r + 1, s.parameters[j], mi.mu_star[j], mi.mu_star_low[j],
                              mi.mu_star_high[j], mi.mu[j], mi.sigma[j]);
      }
    } else {
      const std::vector<MarginalMean> mm = marginal_means(s, k, options);
      std::vector<std::int64_t> param, runs;
      std::vector<double> value, mean, low, high;
      // Rank parameters by the spread of their marginal means.
      std::vector<double> spread(s.parameters.size(), 0.0);
      std::vector<double> lo(s.parameters.size(), std::numeric_limits<double>::infinity()),
          hi(s.parameters.size(), -std::numeric_limits<double>::infinity());
      for (const MarginalMean& m : mm) {
        param.push_back(static_cast<std::int64_t>(m.parameter));
        value.push_back(m.value);
        mean.push_back(m.mean);
        low.push_back(m.low);
        high.push_back(m.high);
        runs.push_back(static_cast<std::int64_t>(m.runs));
        lo[m.parameter] = std::min(lo[m.parameter], m.mean);
        hi[m.parameter] = std::max(hi[m.parameter], m.mean);
      }
      for (std::size_t j = 0; j < spread.size(); ++j)
        spread[j] = hi[j] - lo[j];
      per_parameter();
      mg.define_index("level", mm.size(), "(parameter, level) row of the marginal-means table");
      write_integer_column(mg, "marginal_parameter", "level", param, "index into parameter_name");
      write_column(mg, "marginal_value", "level", value, "level of the parameter");
      write_column(mg, "marginal_mean", "level", mean, "mean of the metric over runs at the level");
      write_column(mg, "marginal_low", "level", low, "normal-theory interval, lower end");
      write_column(mg, "marginal_high", "level", high, "normal-theory interval, upper end");
      write_integer_column(mg, "marginal_runs", "level", runs, "runs at the level", "1");
      std::stable_sort(order.begin(), order.end(),
                       [&](std::size_t a, std::size_t b) { return spread[a] > spread[b]; });
      report += fmt::format(
          "\n{}: marginal means ({} design), {}% intervals, parameters ranked "
          "by the spread of their means\n",
          s.metrics[k], s.design, pct);
      if (s.design != "grid") {
        report +=
            "  (levels of a non-grid design are its sampled values; use the table for "
            "regression or plots)\n";
      }
      for (std::size_t r = 0; r < order.size(); ++r) {
        const std::size_t j = order[r];
        report += fmt::format("{:<4} {} (spread {:.4g})\n", r + 1, s.parameters[j], spread[j]);
        std::size_t shown = 0;
        for (const MarginalMean& m : mm) {
          if (m.parameter != j || ++shown > 12) continue;
          report += fmt::format("       {:>12.6g}: {:>12.6g} [{:>12.6g}, {:>12.6g}]  n = {}\n",
                                m.value, m.mean, m.low, m.high, m.runs);
        }
      }
    }
  }
  file.close();
  std::filesystem::rename(part, output);
  return report;
}

}  // namespace caresim::ensemble
