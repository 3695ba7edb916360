#include "caresim/ensemble/analyse.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <limits>
#include <map>
#include <numeric>
#include <sstream>
#include <stdexcept>

#include "caresim/analysis/sensitivity_regression.hpp"
#include "caresim/ensemble/summary.hpp"
#include "caresim/io/netcdf.hpp"
#include "caresim/version.hpp"
#include "ensemble_detail.hpp"

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

void write_array(nc::Group& group, const std::string& name, std::vector<std::string> dimensions,
                 const std::vector<double>& values, std::string_view long_name,
                 std::string_view units = {}) {
  nc::Variable variable = group.define_variable({.name = name,
                                                 .type = nc::Type::float64,
                                                 .dimensions = std::move(dimensions),
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
                            const AnalysisOptions& options, Method method) {
  return analyse_data(read_summary(path), path.filename().string(), output, options, method);
}

std::string analyse_data(const SummaryData& s, const std::string& source,
                         const std::filesystem::path& output, const AnalysisOptions& options,
                         Method method) {
  if (method == Method::automatic) {
    method = s.design == "sobol"    ? Method::sobol
             : s.design == "morris" ? Method::morris
             : s.design == "grid"   ? Method::marginal
                                    : Method::prcc;
  }
  if (method == Method::sobol && s.design != "sobol") {
    throw std::invalid_argument(
        "--method sobol needs a Saltelli design (a sobol sweep, or a "
        "table declared --design saltelli or salib), not " +
        s.design);
  }
  if (method == Method::morris && s.design != "morris") {
    throw std::invalid_argument("--method morris needs a morris sweep, not " + s.design);
  }
  std::filesystem::path part = output;
  part += ".part";
  nc::File file = nc::File::create(part);
  nc::Group root = file.root();
  root.set_attribute("title", "caresim analyse: sensitivity analysis of " + source);
  root.set_attribute("Conventions", std::string_view("CF-1.8"));
  root.set_attribute("caresim_version", std::string_view(kVersion));
  root.set_attribute("git_commit", std::string_view(kGitCommit));
  root.set_attribute("summary_file", source);
  root.set_attribute("method", std::string_view(kMethodNames[static_cast<int>(method)]));
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
    // A table's column may be a path in its file ("runs/y"): a group name holds no '/'.
    std::string group_name = s.metrics[k];
    std::replace(group_name.begin(), group_name.end(), '/', '_');
    nc::Group mg = root.create_group(group_name);
    mg.set_attribute("description", "sensitivity of the summary metric " + s.metrics[k]);
    if (s.replicates > 1) {
      const VarianceSplit v = variance_split(s, k);
      mg.set_attribute("variance_total", v.total);
      mg.set_attribute("variance_parameter", v.parameter);
      mg.set_attribute("variance_stochastic", v.stochastic);
      mg.set_attribute("parameter_share", v.parameter_share);
      mg.set_attribute("stochastic_share", v.stochastic_share);
      report += fmt::format(
          "\n{}: variance of a run's value {:.6g} = parameters {:.6g} ({:.1f}%) + run-to-run "
          "chance {:.6g} ({:.1f}%), from {} points x {} replicates{}\n",
          s.metrics[k], v.total, v.parameter, 100.0 * v.parameter_share, v.stochastic,
          100.0 * v.stochastic_share, v.points, v.replicates,
          s.common_random_numbers ? " (common random numbers)" : "");
    }
    const auto per_parameter = [&] {
      mg.define_index("parameter", s.parameters.size(), "varied parameter");
      mg.write_strings("parameter_name", "parameter", s.parameters,
                       "scenario key of the parameter");
    };
    std::vector<std::size_t> order(s.parameters.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    if (method == Method::sobol) {
      const SobolIndices si = sobol_indices(s, k, options);
      per_parameter();
      write_column(mg, "S1", "parameter", si.s1, "first-order Sobol index (Saltelli 2010)", "1");
      write_column(mg, "S1_low", "parameter", si.s1_low, "bootstrap interval, lower end", "1");
      write_column(mg, "S1_high", "parameter", si.s1_high, "bootstrap interval, upper end", "1");
      write_column(mg, "ST", "parameter", si.st, "total Sobol index (Jansen 1999)", "1");
      write_column(mg, "ST_low", "parameter", si.st_low, "bootstrap interval, lower end", "1");
      write_column(mg, "ST_high", "parameter", si.st_high, "bootstrap interval, upper end", "1");
      mg.set_attribute("base_samples", static_cast<std::int64_t>(si.samples));
      const std::size_t d = s.parameters.size();
      if (!si.s2.empty()) {
        mg.define_index("parameter_b", d, "second parameter of a pair (as parameter)");
        write_array(mg, "S2", {"parameter", "parameter_b"}, si.s2,
                    "second-order Sobol index S_jk (Saltelli 2002), NaN on the diagonal", "1");
        write_array(mg, "S2_low", {"parameter", "parameter_b"}, si.s2_low,
                    "bootstrap interval, lower end", "1");
        write_array(mg, "S2_high", {"parameter", "parameter_b"}, si.s2_high,
                    "bootstrap interval, upper end", "1");
      }
      if (!si.convergence_samples.empty()) {
        std::vector<std::int64_t> samples(si.convergence_samples.begin(),
                                          si.convergence_samples.end());
        mg.define_index("convergence", samples.size(),
                        "convergence level: the leading N/4, N/2 and N base samples");
        write_integer_column(mg, "convergence_samples", "convergence", samples,
                             "base samples at the level", "1");
        write_array(mg, "S1_at", {"convergence", "parameter"}, si.s1_at, "S1 at the level", "1");
        write_array(mg, "ST_at", {"convergence", "parameter"}, si.st_at, "ST at the level", "1");
        if (!si.s2.empty()) {
          write_array(mg, "S2_at", {"convergence", "parameter", "parameter_b"}, si.s2_at,
                      "S2 at the level", "1");
        }
        mg.set_attribute("largest_change", si.largest_change);
      }
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
      if (!si.s2.empty()) {
        report += fmt::format("second order S_jk (Saltelli 2002), {}% bootstrap intervals\n", pct);
        for (std::size_t j = 0; j < d; ++j) {
          for (std::size_t q = j + 1; q < d; ++q) {
            report += fmt::format("     {:<40} {:>8.4f} [{:>7.4f}, {:>7.4f}]\n",
                                  s.parameters[j] + " x " + s.parameters[q], si.s2[j * d + q],
                                  si.s2_low[j * d + q], si.s2_high[j * d + q]);
          }
        }
      }
      if (si.convergence_samples.size() > 1) {
        report += "convergence: ";
        for (std::size_t l = 0; l < si.convergence_samples.size(); ++l)
          report += fmt::format("{}N = {}", l ? ", " : "", si.convergence_samples[l]);
        report += fmt::format("; largest change of any index from N/2 to N: {:.4f} ({})\n",
                              si.largest_change,
                              si.largest_change <= options.convergence_tolerance
                                  ? fmt::format("settled, <= {}", options.convergence_tolerance)
                                  : fmt::format("NOT settled, > {}: use more samples",
                                                options.convergence_tolerance));
        for (std::size_t r = 0; r < order.size(); ++r) {
          const std::size_t j = order[r];
          report += fmt::format("     {:<40} S1", s.parameters[j]);
          for (std::size_t l = 0; l < si.convergence_samples.size(); ++l)
            report += fmt::format(" {:>8.4f}", si.s1_at[l * d + j]);
          report += "   ST";
          for (std::size_t l = 0; l < si.convergence_samples.size(); ++l)
            report += fmt::format(" {:>8.4f}", si.st_at[l * d + j]);
          report += "\n";
        }
      }
    } else if (method == Method::prcc || method == Method::src) {
      const std::size_t d = s.parameters.size();
      const std::vector<double> y = s.point_means(k);
      std::vector<double> x, ys;
      for (std::size_t p = 0; p < s.points; ++p) {
        if (std::isnan(y[p])) continue;
        ys.push_back(y[p]);
        x.insert(x.end(), s.values.begin() + static_cast<std::ptrdiff_t>(p * d),
                 s.values.begin() + static_cast<std::ptrdiff_t>((p + 1) * d));
      }
      const RegressionSensitivity rs = regression_sensitivity(x, d, ys, options.confidence);
      per_parameter();
      write_column(mg, "PRCC", "parameter", rs.prcc,
                   "partial rank correlation coefficient (Marino et al. 2008)", "1");
      write_column(mg, "PRCC_low", "parameter", rs.prcc_low, "Fisher z interval, lower end", "1");
      write_column(mg, "PRCC_high", "parameter", rs.prcc_high, "Fisher z interval, upper end", "1");
      write_column(mg, "PRCC_p_value", "parameter", rs.prcc_p_value,
                   "two-sided p-value of PRCC = 0", "1");
      write_column(mg, "SRC", "parameter", rs.src, "standardised regression coefficient", "1");
      write_column(mg, "SRC_low", "parameter", rs.src_low, "Student's t interval, lower end", "1");
      write_column(mg, "SRC_high", "parameter", rs.src_high, "Student's t interval, upper end",
                   "1");
      mg.set_attribute("r_squared", rs.r_squared);
      mg.set_attribute("points", static_cast<std::int64_t>(ys.size()));
      const std::vector<double>& key = method == Method::prcc ? rs.prcc : rs.src;
      std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        return std::abs(key[a]) > std::abs(key[b]);
      });
      report += fmt::format(
          "\n{}: {} ({} design, {} points), {}% intervals; linear fit R^2 = {:.3f}{}\n",
          s.metrics[k],
          method == Method::prcc ? "partial rank correlations"
                                 : "standardised "
                                   "regression "
                                   "coefficients",
          s.design, ys.size(), pct, rs.r_squared,
          rs.r_squared < 0.7 ? " (SRC describes a linear fit that explains little: prefer PRCC "
                               "or Sobol)"
                             : "");
      report += fmt::format("{:<4} {:<40} {:>8} {:>19} {:>10} {:>8} {:>19}\n", "rank", "parameter",
                            "PRCC", "interval", "p", "SRC", "interval");
      for (std::size_t r = 0; r < order.size(); ++r) {
        const std::size_t j = order[r];
        report += fmt::format(
            "{:<4} {:<40} {:>8.4f} [{:>7.4f}, {:>7.4f}] {:>10.3g} {:>8.4f} [{:>7.4f}, {:>7.4f}]\n",
            r + 1, s.parameters[j], rs.prcc[j], rs.prcc_low[j], rs.prcc_high[j], rs.prcc_p_value[j],
            rs.src[j], rs.src_low[j], rs.src_high[j]);
      }
    } else if (method == Method::morris) {
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

namespace caresim::ensemble {
namespace {

// The columns of a CSV table by header name; '#' lines and blank lines skipped.
std::map<std::string, std::vector<double>> read_csv_columns(const std::filesystem::path& path,
                                                            const std::vector<std::string>& names) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    throw std::invalid_argument(path.string() + ": not a regular file");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::invalid_argument(path.string() + ": cannot read");
  auto split = [](const std::string& line) {
    std::vector<std::string> cells;
    std::string cell;
    std::istringstream fields(line);
    while (std::getline(fields, cell, ',')) {
      const auto first = cell.find_first_not_of(" \t\"");
      const auto last = cell.find_last_not_of(" \t\"");
      cells.push_back(first == std::string::npos ? std::string()
                                                 : cell.substr(first, last - first + 1));
    }
    if (!line.empty() && line.back() == ',') cells.emplace_back();
    return cells;
  };
  std::string line;
  std::vector<std::string> header;
  std::vector<std::size_t> wanted;
  std::map<std::string, std::vector<double>> columns;
  std::size_t number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line[0] == '#') continue;
    const std::vector<std::string> cells = split(line);
    if (header.empty()) {
      header = cells;
      for (const std::string& name : names) {
        const auto at = std::find(header.begin(), header.end(), name);
        if (at == header.end()) {
          throw std::invalid_argument(fmt::format("{}: no column '{}' (the header has: {})",
                                                  path.string(), name, fmt::join(header, ", ")));
        }
        wanted.push_back(static_cast<std::size_t>(at - header.begin()));
      }
      continue;
    }
    if (cells.size() != header.size()) {
      throw std::invalid_argument(fmt::format("{}:{}: expected {} values, got {}", path.string(),
                                              number, header.size(), cells.size()));
    }
    for (std::size_t i = 0; i < names.size(); ++i) {
      const std::string& cell = cells[wanted[i]];
      double value = std::numeric_limits<double>::quiet_NaN();
      if (!cell.empty() && cell != "NA" && cell != "nan" && cell != "NaN") {
        const auto result = std::from_chars(cell.data(), cell.data() + cell.size(), value);
        if (result.ec != std::errc{} || result.ptr != cell.data() + cell.size()) {
          throw std::invalid_argument(fmt::format("{}:{}: {}: expected a number, got '{}'",
                                                  path.string(), number, names[i], cell));
        }
      }
      columns[names[i]].push_back(value);
    }
  }
  if (header.empty()) throw std::invalid_argument(path.string() + ": no header line");
  return columns;
}

}  // namespace

analysis::SummaryData read_table(const std::filesystem::path& path,
                                 const std::vector<std::string>& inputs,
                                 const std::vector<std::string>& outputs, TableDesign design,
                                 bool second_order) {
  if (inputs.empty() || outputs.empty()) {
    throw std::invalid_argument("a table needs --inputs and --outputs (column names)");
  }
  std::vector<std::string> names = inputs;
  names.insert(names.end(), outputs.begin(), outputs.end());
  std::map<std::string, std::vector<double>> columns;
  if (detail::is_hdf5(path)) {
    const nc::Reader file(path);
    for (const std::string& name : names) {
      if (!file.has_variable(name)) {
        throw std::invalid_argument(path.string() + ": no variable '" + name + "'");
      }
      if (file.shape(name).size() != 1) {
        throw std::invalid_argument(path.string() + ": variable '" + name +
                                    "' is not one-dimensional (one value per row)");
      }
      columns[name] = file.read_doubles(name);
    }
  } else {
    columns = read_csv_columns(path, names);
  }
  const std::size_t rows = columns[names[0]].size();
  for (const std::string& name : names) {
    if (columns[name].size() != rows) {
      throw std::invalid_argument(fmt::format("{}: column '{}' has {} values, '{}' has {}",
                                              path.string(), name, columns[name].size(), names[0],
                                              rows));
    }
  }
  const std::size_t d = inputs.size();
  // Row order of the analysis: as read, or Saltelli blocks in caresim's order.
  std::vector<std::size_t> order(rows);
  std::iota(order.begin(), order.end(), std::size_t{0});
  analysis::SummaryData s;
  s.parameters = inputs;
  s.metrics = outputs;
  s.replicates = 1;
  s.points = rows;
  if (design == TableDesign::random) {
    s.design = "table";
    for (std::size_t p = 0; p < rows; ++p) {
      s.block.push_back(static_cast<std::int64_t>(p));
      s.role.push_back(-1);
    }
  } else {
    s.design = "sobol";
    const std::size_t size = second_order ? 2 * d + 2 : d + 2;
    if (rows % size != 0 || rows < 2 * size) {
      throw std::invalid_argument(fmt::format(
          "{}: {} rows are not whole Saltelli blocks of {} rows (d = {} inputs{}); at least 2 "
          "blocks are needed",
          path.string(), rows, size, d, second_order ? ", second order" : ""));
    }
    for (std::size_t b = 0; b < rows / size; ++b) {
      const std::size_t start = b * size;
      for (std::size_t k = 0; k < size; ++k) {
        std::int64_t role = 0;
        std::size_t from = start + k;
        if (k == 0) {
          role = -1;
        } else if (k == 1) {
          role = -2;
          if (design == TableDesign::salib) from = start + size - 1;  // SALib puts B last
        } else {
          role = static_cast<std::int64_t>(k - 2);
          if (design == TableDesign::salib) from = start + k - 1;
        }
        order[start + k] = from;
        s.block.push_back(static_cast<std::int64_t>(b));
        s.role.push_back(role);
      }
    }
  }
  s.values.resize(rows * d);
  s.unit.resize(rows * d);
  for (std::size_t j = 0; j < d; ++j) {
    const std::vector<double>& c = columns[inputs[j]];
    const auto [lo, hi] = std::minmax_element(c.begin(), c.end());
    for (std::size_t p = 0; p < rows; ++p) {
      const double x = c[order[p]];
      s.values[p * d + j] = x;
      s.unit[p * d + j] = *hi > *lo ? (x - *lo) / (*hi - *lo) : 0.5;
    }
  }
  if (design != TableDesign::random) {
    // Each block must be what the declared order says: AB_j is A with column j from B, BA_j is B
    // with column j from A. A table in another order would give meaningless indices.
    const std::size_t size = second_order ? 2 * d + 2 : d + 2;
    for (std::size_t start = 0; start < rows; start += size) {
      const double* a = &s.values[start * d];
      const double* b = &s.values[(start + 1) * d];
      for (std::size_t k = 2; k < size; ++k) {
        const std::size_t j = (k - 2) % d;
        const bool ab = k - 2 < d;
        for (std::size_t c = 0; c < d; ++c) {
          const double expected = (c == j) == ab ? b[c] : a[c];
          if (s.values[(start + k) * d + c] != expected) {
            throw std::invalid_argument(fmt::format(
                "{}: row {} (of the block starting at data row {}) is not {}_{} of a Saltelli "
                "block in {} order: column '{}' differs; check --design and --second-order",
                path.string(), order[start + k] + 1, start + 1, ab ? "AB" : "BA", j + 1,
                kTableDesignNames[static_cast<int>(design)], inputs[c]));
          }
        }
      }
    }
  }
  for (const std::string& name : outputs) {
    std::vector<double> y(rows);
    for (std::size_t p = 0; p < rows; ++p)
      y[p] = columns[name][order[p]];
    s.metric_values.push_back(std::move(y));
  }
  return s;
}

}  // namespace caresim::ensemble
