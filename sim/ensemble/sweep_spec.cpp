// Reading a sweep spec: the only place that sees its YAML. Everything becomes a SweepSpec.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <limits>
#include <set>
#include <sstream>

#include "caresim/ensemble/sweep.hpp"
#include "spec_reader.hpp"

namespace caresim::ensemble {
namespace {

constexpr std::size_t kMaxRuns = 100'000'000;

using Reader = detail::SpecReader;

SweepParameter read_parameter(const Reader& r, const YAML::Node& node, const std::string& path) {
  r.check_keys(node, path, {"key", "range", "values", "distribution", "integer", "levels"});
  SweepParameter p;
  p.where = r.at(node);
  if (!node["key"]) r.fail_plain(node, path + ".key: required; expected a scenario key path");
  p.key = r.text(node["key"], path + ".key");
  if (p.key.find('=') != std::string::npos) {
    r.fail(node["key"], path + ".key", "a key path without '=' (the sweep sets the value)");
  }
  const bool has_range = static_cast<bool>(node["range"]);
  const bool has_values = static_cast<bool>(node["values"]);
  if (has_range == has_values) {
    r.fail_plain(node, path + ": expected exactly one of 'range' or 'values'");
  }
  if (has_range) {
    const YAML::Node range = node["range"];
    if (!range.IsSequence() || range.size() != 2) {
      r.fail(range, path + ".range", "a list [low, high]");
    }
    p.low = r.real(range[0], path + ".range[0]");
    p.high = r.real(range[1], path + ".range[1]");
    if (!(p.low < p.high)) {
      r.fail_plain(range, path + ".range: expected low < high, got an empty range [" +
                              range[0].Scalar() + ", " + range[1].Scalar() + "]");
    }
  } else {
    const YAML::Node values = node["values"];
    if (!values.IsSequence() || values.size() == 0) {
      r.fail(values, path + ".values", "a non-empty list of numbers");
    }
    for (std::size_t i = 0; i < values.size(); ++i)
      p.values.push_back(r.real(values[i], path + ".values[" + std::to_string(i) + "]"));
  }
  if (node["distribution"]) {
    if (!has_range) r.fail_plain(node["distribution"], path + ".distribution: needs a range");
    p.distribution = static_cast<Distribution>(
        r.choice(node["distribution"], path + ".distribution", kDistributionNames));
    if (p.distribution == Distribution::log_uniform && !(p.low > 0)) {
      r.fail_plain(node["range"], path + ".range: expected low > 0 for log_uniform");
    }
  }
  if (node["integer"]) {
    const YAML::Node n = node["integer"];
    if (!n.IsScalar() || (n.Scalar() != "true" && n.Scalar() != "false")) {
      r.fail(n, path + ".integer", "true or false");
    }
    p.integer = n.Scalar() == "true";
    if (p.integer && has_range && std::floor(p.high) < std::ceil(p.low)) {
      r.fail_plain(node["range"], path + ".range: holds no integer");
    }
  }
  if (node["levels"]) {
    if (!has_range) r.fail_plain(node["levels"], path + ".levels: needs a range");
    p.levels = static_cast<int>(r.integer(node["levels"], path + ".levels", 1, 1'000'000));
  }
  return p;
}

MetricSpec read_metric(const Reader& r, const YAML::Node& node, const std::string& path) {
  r.check_keys(
      node, path,
      {"name", "series", "column", "reduction", "last_days", "threshold", "direction", "quantile"});
  MetricSpec m;
  if (!node["series"]) r.fail_plain(node, path + ".series: required; expected an output series");
  m.series = r.text(node["series"], path + ".series");
  if (node["reduction"]) {
    m.reduction =
        static_cast<Reduction>(r.choice(node["reduction"], path + ".reduction", kReductionNames));
  }
  m.name = node["name"] ? r.text(node["name"], path + ".name")
                        : m.series + "_" + kReductionNames[static_cast<int>(m.reduction)];
  const char first = m.name[0];
  bool ok = (first >= 'a' && first <= 'z') || (first >= 'A' && first <= 'Z');
  for (char c : m.name)
    ok = ok && (std::isalnum(static_cast<unsigned char>(c)) || c == '_');
  if (!ok)
    r.fail(node["name"] ? node["name"] : node, path + ".name",
           "a letter, then letters, digits or '_'");
  if (node["column"]) {
    m.column = static_cast<int>(r.integer(node["column"], path + ".column", 0, 1'000'000'000));
  }
  if (node["last_days"]) {
    if (m.reduction != Reduction::mean && m.reduction != Reduction::std_dev &&
        m.reduction != Reduction::quantile) {
      r.fail_plain(node["last_days"], path + ".last_days: only for reductions mean, std, quantile");
    }
    m.last_days = static_cast<int>(r.integer(node["last_days"], path + ".last_days", 1, 36500));
  }
  if (m.reduction == Reduction::quantile) {
    if (!node["quantile"]) r.fail_plain(node, path + ".quantile: required for reduction quantile");
    m.threshold = r.real(node["quantile"], path + ".quantile");
    if (!(m.threshold >= 0.0 && m.threshold <= 1.0)) {
      r.fail(node["quantile"], path + ".quantile", "a probability in [0, 1]");
    }
  } else if (node["quantile"]) {
    r.fail_plain(node["quantile"], path + ".quantile: only for reduction quantile");
  } else if (m.reduction == Reduction::window_mean) {
    r.fail_plain(node["reduction"], path + ".reduction: window_mean is for calibration targets");
  }
  if (m.reduction == Reduction::time_to_cross) {
    if (!node["threshold"]) {
      r.fail_plain(node, path + ".threshold: required for reduction time_to_cross");
    }
    m.threshold = r.real(node["threshold"], path + ".threshold");
    if (node["direction"]) {
      static constexpr const char* kDirections[] = {"above", "below"};
      m.above = r.choice(node["direction"], path + ".direction", kDirections) == 0;
    }
  } else if (node["threshold"] || node["direction"]) {
    r.fail_plain(node["threshold"] ? node["threshold"] : node["direction"],
                 path + ": threshold and direction are only for reduction time_to_cross");
  }
  return m;
}

// A design given as points: a CSV file whose header names the parameters (scenario key paths) and
// whose rows are the points, one number per column. Comma-separated; blank lines and lines
// starting with '#' are skipped.
void read_design_csv(const Reader& r, const YAML::Node& where, SweepSpec& spec) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(spec.design.csv, ec)) {
    r.fail_plain(where, "design.csv: '" + spec.design.csv.string() + "' is not a readable file");
  }
  std::ifstream in(spec.design.csv, std::ios::binary);
  if (!in) r.fail_plain(where, "design.csv: cannot read '" + spec.design.csv.string() + "'");
  const std::string name = spec.design.csv.string();
  auto split = [](const std::string& line) {
    std::vector<std::string> cells;
    std::string cell;
    std::istringstream fields(line);
    while (std::getline(fields, cell, ',')) {
      while (!cell.empty() && std::isspace(static_cast<unsigned char>(cell.back())))
        cell.pop_back();
      std::size_t start = 0;
      while (start < cell.size() && std::isspace(static_cast<unsigned char>(cell[start])))
        ++start;
      cells.push_back(cell.substr(start));
    }
    if (!line.empty() && line.back() == ',') cells.emplace_back();
    return cells;
  };
  std::string line;
  std::size_t line_number = 0;
  std::vector<std::string> header;
  while (std::getline(in, line)) {
    ++line_number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line[0] == '#') continue;
    if (header.empty()) {
      header = split(line);
      std::set<std::string> seen;
      for (const std::string& key : header) {
        if (key.empty() || key.find('=') != std::string::npos || !seen.insert(key).second) {
          throw SweepError(
              fmt::format("{}:{}: header: expected distinct scenario key paths, got "
                          "'{}'",
                          name, line_number, key));
        }
      }
      continue;
    }
    const std::vector<std::string> cells = split(line);
    if (cells.size() != header.size()) {
      throw SweepError(fmt::format("{}:{}: expected {} values (one per header column), got {}",
                                   name, line_number, header.size(), cells.size()));
    }
    for (std::size_t j = 0; j < cells.size(); ++j) {
      double value = 0.0;
      try {
        value = parse_exact(cells[j]);
      } catch (const std::invalid_argument&) {
        value = std::numeric_limits<double>::quiet_NaN();
      }
      if (!std::isfinite(value)) {
        throw SweepError(fmt::format("{}:{}: {}: expected a finite number, got '{}'", name,
                                     line_number, header[j], cells[j]));
      }
      spec.design.csv_values.push_back(value);
    }
  }
  if (header.empty() || spec.design.csv_values.empty()) {
    throw SweepError(name + ": expected a header of parameter key paths and at least one point");
  }
  const std::size_t d = header.size(), points = spec.design.csv_values.size() / d;
  for (std::size_t j = 0; j < d; ++j) {
    SweepParameter p;
    p.key = header[j];
    p.where = name + ":1";
    p.low = p.high = spec.design.csv_values[j];
    for (std::size_t q = 0; q < points; ++q) {
      p.low = std::min(p.low, spec.design.csv_values[q * d + j]);
      p.high = std::max(p.high, spec.design.csv_values[q * d + j]);
    }
    spec.parameters.push_back(std::move(p));
  }
}

}  // namespace

SweepSpec parse_sweep_spec(std::string_view text, const std::filesystem::path& file) {
  const Reader r(file.string());
  const YAML::Node root = r.load(text);
  r.check_keys(root, "",
               {"name", "description", "scenario", "set", "seed", "replicates", "design",
                "parameters", "metrics", "output", "keep", "keep_series"});
  SweepSpec spec;
  spec.file = file;
  spec.text = std::string(text);
  if (root["name"]) spec.name = r.text(root["name"], "name");
  if (!root["scenario"]) r.fail_plain(root, "scenario: required; expected a scenario file");
  spec.scenario = r.text(root["scenario"], "scenario");
  if (spec.scenario.is_relative()) spec.scenario = file.parent_path() / spec.scenario;
  if (root["set"]) {
    const YAML::Node set = root["set"];
    if (!set.IsSequence()) r.fail(set, "set", "a list of key.path=value");
    for (std::size_t i = 0; i < set.size(); ++i) {
      const std::string item = r.text(set[i], "set[" + std::to_string(i) + "]");
      if (item.find('=') == std::string::npos) {
        r.fail(set[i], "set[" + std::to_string(i) + "]", "key.path=value");
      }
      spec.set.push_back(item);
    }
  }
  if (root["seed"]) spec.seed = r.unsigned64(root["seed"], "seed");
  if (root["replicates"]) {
    const YAML::Node rep = root["replicates"];
    if (rep.IsMap()) {
      r.check_keys(rep, "replicates", {"count", "common_random_numbers"});
      if (!rep["count"]) r.fail_plain(rep, "replicates.count: required; expected an integer");
      spec.replicates = static_cast<int>(r.integer(rep["count"], "replicates.count", 1, 1'000'000));
      if (rep["common_random_numbers"]) {
        spec.common_random_numbers =
            r.boolean(rep["common_random_numbers"], "replicates.common_random_numbers");
      }
    } else {
      spec.replicates = static_cast<int>(r.integer(rep, "replicates", 1, 1'000'000));
    }
  }
  if (root["keep"]) spec.keep = static_cast<Keep>(r.choice(root["keep"], "keep", kKeepNames));
  if (root["keep_series"]) {
    const YAML::Node series = root["keep_series"];
    if (spec.keep != Keep::summary) {
      r.fail_plain(series,
                   "keep_series: only with keep: summary (the series each run's file keeps)");
    }
    if (!series.IsSequence()) r.fail(series, "keep_series", "a list of output series");
    for (std::size_t i = 0; i < series.size(); ++i)
      spec.keep_series.push_back(r.text(series[i], "keep_series[" + std::to_string(i) + "]"));
  }
  spec.output = root["output"] ? std::filesystem::path(r.text(root["output"], "output"))
                               : std::filesystem::path(spec.name);

  if (!root["design"]) r.fail_plain(root, "design: required; expected a map with 'kind'");
  const YAML::Node design = root["design"];
  r.check_keys(design, "design", {"kind", "samples", "levels", "second_order", "csv"});
  if (design["csv"]) {
    if (design["kind"] && design["kind"].IsScalar() && design["kind"].Scalar() != "csv") {
      r.fail_plain(design["kind"], "design.kind: a design from a csv file is kind csv");
    }
    for (const char* key : {"samples", "levels", "second_order"}) {
      if (design[key])
        r.fail_plain(design[key], std::string("design.") + key + ": not used by csv");
    }
    if (root["parameters"]) {
      r.fail_plain(root["parameters"],
                   "parameters: a csv design takes its parameters from the file's header");
    }
    spec.design.kind = DesignKind::csv;
    spec.design.csv = r.text(design["csv"], "design.csv");
    if (spec.design.csv.is_relative()) spec.design.csv = file.parent_path() / spec.design.csv;
    read_design_csv(r, design["csv"], spec);
  } else {
    if (!design["kind"]) r.fail_plain(design, "design.kind: required");
    spec.design.kind =
        static_cast<DesignKind>(r.choice(design["kind"], "design.kind", kDesignKindNames));
    if (spec.design.kind == DesignKind::csv) {
      r.fail_plain(design, "design.csv: required for kind csv; expected a file of points");
    }
  }
  if (design["second_order"]) {
    if (spec.design.kind != DesignKind::sobol) {
      r.fail_plain(design["second_order"], "design.second_order: only for sobol");
    }
    spec.design.second_order = r.boolean(design["second_order"], "design.second_order");
  }
  const bool needs_samples =
      spec.design.kind != DesignKind::grid && spec.design.kind != DesignKind::csv;
  if (needs_samples && !design["samples"]) {
    r.fail_plain(design, std::string("design.samples: required for ") +
                             kDesignKindNames[static_cast<int>(spec.design.kind)]);
  }
  if (design["samples"]) {
    if (!needs_samples) r.fail_plain(design["samples"], "design.samples: not used by grid");
    const long long lo = spec.design.kind == DesignKind::latin_hypercube ? 1 : 2;
    spec.design.samples =
        static_cast<int>(r.integer(design["samples"], "design.samples", lo, 100'000'000));
  }
  if (design["levels"]) {
    if (spec.design.kind != DesignKind::morris) {
      r.fail_plain(design["levels"],
                   "design.levels: only for morris (grids set levels per "
                   "parameter)");
    }
    spec.design.levels = static_cast<int>(r.integer(design["levels"], "design.levels", 2, 1000));
  }

  if (!root["parameters"] && spec.design.kind != DesignKind::csv)
    r.fail_plain(root, "parameters: required; expected a list");
  const YAML::Node params =
      root["parameters"] ? root["parameters"] : YAML::Node(YAML::NodeType::Sequence);
  if (spec.design.kind != DesignKind::csv && (!params.IsSequence() || params.size() == 0)) {
    r.fail(params, "parameters", "a non-empty list of parameters");
  }
  std::set<std::string> keys;
  for (std::size_t i = 0; i < params.size() && spec.design.kind != DesignKind::csv; ++i) {
    const std::string path = "parameters[" + std::to_string(i) + "]";
    SweepParameter p = read_parameter(r, params[i], path);
    if (!keys.insert(p.key).second) {
      r.fail_plain(params[i]["key"], path + ".key: '" + p.key + "' is already varied");
    }
    if (spec.design.kind == DesignKind::grid && p.values.empty() && p.levels == 0) {
      r.fail_plain(params[i], path + ": a grid needs 'values' or 'levels' with the range");
    }
    if (spec.design.kind != DesignKind::grid && p.levels != 0) {
      r.fail_plain(params[i]["levels"], path + ".levels: only for grid designs");
    }
    spec.parameters.push_back(std::move(p));
  }

  if (!root["metrics"]) r.fail_plain(root, "metrics: required; expected a list");
  const YAML::Node metrics = root["metrics"];
  if (!metrics.IsSequence() || metrics.size() == 0) {
    r.fail(metrics, "metrics", "a non-empty list of metrics");
  }
  std::set<std::string> names;
  for (std::size_t i = 0; i < metrics.size(); ++i) {
    const std::string path = "metrics[" + std::to_string(i) + "]";
    MetricSpec m = read_metric(r, metrics[i], path);
    if (!names.insert(m.name).second) {
      r.fail_plain(metrics[i], path + ".name: '" + m.name + "' is already a metric");
    }
    spec.metrics.push_back(std::move(m));
  }

  // An impossible design is refused here, before anything runs.
  const std::size_t d = spec.parameters.size();
  double points = 1.0;
  switch (spec.design.kind) {
    case DesignKind::grid:
      for (const SweepParameter& p : spec.parameters)
        points *= p.values.empty() ? p.levels : static_cast<double>(p.values.size());
      break;
    case DesignKind::latin_hypercube:
      points = spec.design.samples;
      break;
    case DesignKind::csv:
      points = static_cast<double>(spec.design.csv_values.size() / std::max<std::size_t>(d, 1));
      break;
    case DesignKind::sobol:
      if (2 * d > kMaxSobolDims) {
        r.fail_plain(params, "parameters: a Sobol (Saltelli) design varies at most " +
                                 std::to_string(kMaxSobolDims / 2) + " parameters, got " +
                                 std::to_string(d));
      }
      points = static_cast<double>(spec.design.samples) *
               static_cast<double>(spec.design.second_order ? 2 * d + 2 : d + 2);
      break;
    case DesignKind::morris:
      points = static_cast<double>(spec.design.samples) * static_cast<double>(d + 1);
      break;
  }
  if (points * spec.replicates > static_cast<double>(kMaxRuns)) {
    r.fail_plain(design, "design: " + std::to_string(static_cast<long double>(points)) +
                             " points x " + std::to_string(spec.replicates) +
                             " replicates is more than " + std::to_string(kMaxRuns) + " runs");
  }
  return spec;
}

SweepSpec load_sweep_spec(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw SweepError(file.string() + ": cannot read the sweep spec");
  std::ostringstream text;
  text << in.rdbuf();
  return parse_sweep_spec(text.str(), file);
}

}  // namespace caresim::ensemble
