// Parameter sets for `caresim compare --parameters`: read from a calibration file or a CSV, and
// drawn one per paired replicate.
#include "caresim/ensemble/parameter_sets.hpp"

#include <fmt/format.h>

#include <cmath>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "caresim/core/random.hpp"
#include "caresim/ensemble/calibrate.hpp"
#include "caresim/ensemble/purposes.hpp"
#include "caresim/ensemble/runner.hpp"
#include "caresim/io/netcdf.hpp"
#include "ensemble_detail.hpp"

namespace caresim::ensemble {
namespace {

std::string trimmed(std::string s) {
  const auto first = s.find_first_not_of(" \t\r\"");
  if (first == std::string::npos) return {};
  const auto last = s.find_last_not_of(" \t\r\"");
  return s.substr(first, last - first + 1);
}

std::vector<std::string> split_csv(const std::string& line) {
  std::vector<std::string> cells;
  std::istringstream in(line);
  std::string cell;
  while (std::getline(in, cell, ','))
    cells.push_back(trimmed(cell));
  if (!line.empty() && line.back() == ',') cells.emplace_back();
  return cells;
}

ParameterSets from_csv(const std::filesystem::path& file) {
  std::ifstream in(file);
  if (!in) throw std::runtime_error(file.string() + ": cannot read the parameter sets");
  ParameterSets s;
  s.file = file;
  std::string line;
  int number = 0;
  int weight_column = -1;
  std::vector<std::string> header;
  while (std::getline(in, line)) {
    ++number;
    if (trimmed(line).empty() || trimmed(line)[0] == '#') continue;
    const std::vector<std::string> cells = split_csv(line);
    if (header.empty()) {
      header = cells;
      for (std::size_t k = 0; k < cells.size(); ++k) {
        if (cells[k] == "weight") {
          weight_column = static_cast<int>(k);
        } else {
          if (cells[k].empty())
            throw std::runtime_error(fmt::format("{}:{}: column {}: expected a scenario key path",
                                                 file.string(), number, k + 1));
          s.names.push_back(cells[k]);
        }
      }
      if (s.names.empty())
        throw std::runtime_error(fmt::format(
            "{}:{}: expected a header of scenario key paths (and an optional weight column)",
            file.string(), number));
      continue;
    }
    if (cells.size() != header.size()) {
      throw std::runtime_error(fmt::format("{}:{}: expected {} values, got {}", file.string(),
                                           number, header.size(), cells.size()));
    }
    double weight = 1.0;
    for (std::size_t k = 0; k < cells.size(); ++k) {
      double v = 0.0;
      std::size_t used = 0;
      try {
        v = std::stod(cells[k], &used);
      } catch (const std::exception&) {
        used = 0;
      }
      if (used == 0 || used != cells[k].size() || !std::isfinite(v)) {
        throw std::runtime_error(
            fmt::format("{}:{}: column '{}': expected a finite number, got '{}'", file.string(),
                        number, header[k], cells[k]));
      }
      if (static_cast<int>(k) == weight_column) {
        weight = v;
      } else {
        s.values.push_back(v);
      }
    }
    s.weights.push_back(weight);
  }
  s.weighted = weight_column >= 0;
  s.integer.assign(s.names.size(), false);
  s.source = fmt::format("{} parameter sets from {}", s.weights.size(), file.filename().string());
  if (s.weighted) s.source = "weighted " + s.source;
  return s;
}

ParameterSets from_calibration(const std::filesystem::path& file) {
  namespace nc = io::netcdf;
  const nc::Reader in(file);
  ParameterSets s;
  s.file = file;
  if (!in.has_variable("parameter_name") || !in.has_attribute("method")) {
    throw std::runtime_error(file.string() +
                             ": not a calibration file (caresim calibrate writes one); expected "
                             "parameter_name and the attribute method");
  }
  s.names = in.read_strings("parameter_name");
  const std::size_t d = s.names.size();
  s.integer.assign(d, false);
  // Integer parameters are rounded as the calibration rounded them (its spec is in the file).
  if (in.has_attribute("calibration_spec")) {
    try {
      const CalibrationSpec spec =
          parse_calibration_spec(in.text_attribute("calibration_spec"), file);
      for (std::size_t j = 0; j < d && j < spec.parameters.size(); ++j)
        s.integer[j] = spec.parameters[j].name == s.names[j] && spec.integer[j];
    } catch (const std::exception&) {
      // An unreadable spec leaves every parameter as written.
    }
  }
  const std::string method = in.text_attribute("method");
  if (method == "abc_smc") {
    s.values = in.read_doubles("posterior/value");
    s.weights = in.read_doubles("posterior/weight");
    s.weighted = true;
    s.source = fmt::format("ABC-SMC weighted posterior of {} ({} particles)",
                           file.filename().string(), s.weights.size());
  } else if (method == "history_matching") {
    const std::vector<double> values = in.read_doubles("posterior/final_value");
    const std::vector<double> match = in.read_doubles("posterior/final_match");
    for (std::size_t i = 0; i < match.size() && (i + 1) * d <= values.size(); ++i) {
      if (match[i] != 1.0) continue;
      s.values.insert(s.values.end(), values.begin() + static_cast<std::ptrdiff_t>(i * d),
                      values.begin() + static_cast<std::ptrdiff_t>((i + 1) * d));
      s.weights.push_back(1.0);
    }
    if (!s.weights.empty()) {
      s.source = fmt::format(
          "history matching's final sample from {} ({} runs that reproduce every target)",
          file.filename().string(), s.weights.size());
    } else {
      s.values = in.read_doubles("posterior/non_implausible_value");
      s.weights.assign(d == 0 ? 0 : s.values.size() / d, 1.0);
      s.source = fmt::format(
          "history matching's non-implausible sample from {} ({} points; no final run "
          "reproduced every target)",
          file.filename().string(), s.weights.size());
    }
  } else {
    throw std::runtime_error(file.string() + ": unknown calibration method '" + method + "'");
  }
  return s;
}

}  // namespace

std::vector<std::string> ParameterSets::overrides(std::size_t i) const {
  std::vector<std::string> out;
  const std::size_t d = names.size();
  for (std::size_t j = 0; j < d; ++j) {
    double v = values[i * d + j];
    if (integer[j]) v = std::round(v);
    out.push_back(names[j] + "=" + format_exact(v));
  }
  return out;
}

ParameterSets load_parameter_sets(const std::filesystem::path& file) {
  if (!std::filesystem::is_regular_file(file))
    throw std::runtime_error(file.string() + ": no such file (expected a calibration file or CSV)");
  ParameterSets s = detail::is_hdf5(file) ? from_calibration(file) : from_csv(file);
  const std::size_t d = s.names.size();
  if (s.weights.empty() || d == 0 || s.values.size() != s.weights.size() * d)
    throw std::runtime_error(file.string() + ": holds no parameter sets");
  double total = 0.0;
  for (std::size_t i = 0; i < s.weights.size(); ++i) {
    const double w = s.weights[i];
    if (!(w >= 0.0) || !std::isfinite(w))
      throw std::runtime_error(fmt::format(
          "{}: parameter set {}: weight {} is not a finite number >= 0", file.string(), i + 1, w));
    for (std::size_t j = 0; j < d; ++j) {
      if (!std::isfinite(s.values[i * d + j]))
        throw std::runtime_error(fmt::format("{}: parameter set {}: {} is not finite",
                                             file.string(), i + 1, s.names[j]));
    }
    total += w;
  }
  if (!(total > 0.0)) throw std::runtime_error(file.string() + ": every weight is zero");
  for (double& w : s.weights)
    w /= total;
  return s;
}

std::vector<std::size_t> draw_parameter_sets(const ParameterSets& sets, std::uint64_t base_seed,
                                             std::size_t replicates) {
  std::vector<double> cumulative;
  double c = 0.0;
  for (double w : sets.weights)
    cumulative.push_back(c += w);
  std::vector<std::size_t> out;
  for (std::size_t r = 0; r < replicates; ++r) {
    Stream stream(base_seed, purpose::compare_parameter_set, 0, static_cast<std::uint32_t>(r));
    const double u = stream.uniform() * c;
    std::size_t i = 0;
    while (i + 1 < cumulative.size() && (cumulative[i] <= u || sets.weights[i] == 0.0))
      ++i;
    out.push_back(i);
  }
  return out;
}

}  // namespace caresim::ensemble
