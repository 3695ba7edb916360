// Reading a calibration spec and a targets file: the only place that sees their YAML.
#include <cmath>
#include <fstream>
#include <set>
#include <sstream>

#include "caresim/ensemble/calibrate.hpp"
#include "caresim/ensemble/sweep.hpp"
#include "spec_reader.hpp"

namespace caresim::ensemble {
namespace {

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw SweepError(path.string() + ": cannot read");
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

using Reader = detail::SpecReader;

// Days since 1970-01-01 of a proleptic Gregorian date (Hinnant's days_from_civil).
long long days_from_civil(long long y, unsigned m, unsigned d) {
  y -= m <= 2;
  const long long era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<long long>(doe) - 719468;
}

bool parse_date(const std::string& text, long long& days) {
  int y = 0;
  unsigned m = 0, d = 0;
  char a = 0, b = 0;
  std::istringstream in(text);
  in >> y >> a >> m >> b >> d;
  if (!in || a != '-' || b != '-' || m < 1 || m > 12 || d < 1 || d > 31) return false;
  days = days_from_civil(y, m, d);
  return true;
}

MetricSpec read_metric(const Reader& r, const YAML::Node& node, const std::string& path,
                       const std::string& name) {
  MetricSpec m;
  m.name = name;
  if (!node["series"]) r.fail_plain(node, path + ".series: required; expected an output series");
  m.series = r.text(node["series"], path + ".series");
  if (node["column"])
    m.column = static_cast<int>(r.integer(node["column"], path + ".column", 0, 1 << 30));
  if (node["reduction"]) {
    m.reduction =
        static_cast<Reduction>(r.choice(node["reduction"], path + ".reduction", kReductionNames));
  }
  if (node["last_days"]) {
    m.last_days = static_cast<int>(r.integer(node["last_days"], path + ".last_days", 1, 36500));
  }
  if (m.reduction == Reduction::quantile) {
    if (!node["quantile"]) r.fail_plain(node, path + ".quantile: required for reduction quantile");
    m.threshold = r.real(node["quantile"], path + ".quantile");
  }
  if (m.reduction == Reduction::time_to_cross) {
    if (!node["threshold"]) r.fail_plain(node, path + ".threshold: required");
    m.threshold = r.real(node["threshold"], path + ".threshold");
  }
  return m;
}

}  // namespace

TargetSet load_targets(const std::filesystem::path& file, const std::string& start_date) {
  TargetSet set;
  set.file = file;
  set.text = read_file(file);
  const Reader r(file.string());
  const YAML::Node root = r.load(set.text);
  r.check_keys(root, "", {"description", "targets", "observed_series"});
  long long start = 0;
  if (!parse_date(start_date, start)) {
    throw SweepError(file.string() + ": the scenario's start_date '" + start_date +
                     "' is not an ISO date");
  }
  std::set<std::string> names;
  if (root["targets"]) {
    const YAML::Node list = root["targets"];
    if (!list.IsSequence()) r.fail(list, "targets", "a list");
    for (std::size_t i = 0; i < list.size(); ++i) {
      const YAML::Node node = list[i];
      const std::string path = "targets[" + std::to_string(i) + "]";
      r.check_keys(node, path,
                   {"name", "series", "column", "reduction", "last_days", "quantile", "threshold",
                    "band", "observed", "observation_sd", "discrepancy_sd", "source"});
      if (!node["name"]) r.fail_plain(node, path + ".name: required");
      TargetSpec t;
      t.metric = read_metric(r, node, path, r.text(node["name"], path + ".name"));
      if (!names.insert(t.metric.name).second) {
        r.fail_plain(node["name"], path + ".name: '" + t.metric.name + "' is used twice");
      }
      if (node["band"].IsDefined() == node["observed"].IsDefined()) {
        r.fail_plain(node, path + ": expected exactly one of 'band' or 'observed'");
      }
      if (node["band"]) {
        const YAML::Node band = node["band"];
        if (!band.IsSequence() || band.size() != 2) r.fail(band, path + ".band", "[lower, upper]");
        t.band = true;
        t.lower = r.real(band[0], path + ".band[0]");
        t.upper = r.real(band[1], path + ".band[1]");
        if (!(t.lower < t.upper)) r.fail_plain(band, path + ".band: expected lower < upper");
        t.observed = 0.5 * (t.lower + t.upper);
        t.observation_sd = (t.upper - t.lower) / 6.0;
        if (node["observation_sd"]) {
          r.fail_plain(node["observation_sd"],
                       path + ".observation_sd: a band sets it (width / 6)");
        }
      } else {
        t.observed = r.real(node["observed"], path + ".observed");
        if (!node["observation_sd"]) r.fail_plain(node, path + ".observation_sd: required");
        t.observation_sd = r.real(node["observation_sd"], path + ".observation_sd");
      }
      if (node["discrepancy_sd"])
        t.discrepancy_sd = r.real(node["discrepancy_sd"], path + ".discrepancy_sd");
      if (t.observation_sd < 0 || t.discrepancy_sd < 0)
        r.fail_plain(node, path + ": sds must be >= 0");
      if (node["source"]) t.source = r.text(node["source"], path + ".source");
      set.targets.push_back(t);
    }
  }
  if (root["observed_series"]) {
    const YAML::Node list = root["observed_series"];
    if (!list.IsSequence()) r.fail(list, "observed_series", "a list");
    for (std::size_t i = 0; i < list.size(); ++i) {
      const YAML::Node node = list[i];
      const std::string path = "observed_series[" + std::to_string(i) + "]";
      r.check_keys(node, path,
                   {"name", "series", "column", "file", "period_days", "discrepancy_sd", "source"});
      if (!node["name"] || !node["series"] || !node["file"]) {
        r.fail_plain(node, path + ": name, series and file are required");
      }
      const std::string name = r.text(node["name"], path + ".name");
      std::filesystem::path csv = r.text(node["file"], path + ".file");
      if (csv.is_relative()) csv = file.parent_path() / csv;
      const int period =
          node["period_days"]
              ? static_cast<int>(r.integer(node["period_days"], path + ".period_days", 1, 3660))
              : 1;
      const double discrepancy =
          node["discrepancy_sd"] ? r.real(node["discrepancy_sd"], path + ".discrepancy_sd") : 0.0;
      const std::string csv_text = read_file(csv);
      set.text += "\n# " + csv.filename().string() + "\n" + csv_text;
      std::istringstream lines(csv_text);
      std::string line;
      int row = 0;
      while (std::getline(lines, line)) {
        ++row;
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (line.empty() || line[0] == '#' || (row == 1 && line.find("date") != std::string::npos))
          continue;
        std::vector<std::string> cells;
        std::istringstream cs(line);
        std::string cell;
        while (std::getline(cs, cell, ','))
          cells.push_back(cell);
        const std::string where = csv.string() + ":" + std::to_string(row);
        long long day = 0;
        double value = 0.0, sd = 0.0;
        try {
          if (cells.size() != 3 || !parse_date(cells[0], day)) throw std::invalid_argument("");
          value = parse_exact(cells[1]);
          sd = parse_exact(cells[2]);
        } catch (const std::exception&) {
          throw SweepError(where +
                           ": expected date,value,observation_sd (e.g. 2018-01-01,0.71,0.02)");
        }
        TargetSpec t;
        t.metric.name = name + "_" + cells[0];
        t.metric.series = r.text(node["series"], path + ".series");
        if (node["column"])
          t.metric.column =
              static_cast<int>(r.integer(node["column"], path + ".column", 0, 1 << 30));
        t.metric.reduction = Reduction::window_mean;
        t.metric.first_day = static_cast<int>(day - start);
        t.metric.window_days = period;
        t.observed = value;
        t.observation_sd = sd;
        t.discrepancy_sd = discrepancy;
        if (node["source"]) t.source = r.text(node["source"], path + ".source");
        if (t.metric.first_day < 0)
          throw SweepError(where + ": the date is before the scenario starts");
        set.targets.push_back(t);
      }
    }
  }
  if (set.targets.empty()) throw SweepError(file.string() + ": no targets");
  return set;
}

CalibrationSpec load_calibration_spec(const std::filesystem::path& file) {
  return parse_calibration_spec(read_file(file), file);
}

CalibrationSpec parse_calibration_spec(std::string_view text, const std::filesystem::path& file) {
  const Reader r(file.string());
  const YAML::Node root = r.load(text);
  r.check_keys(root, "",
               {"name", "description", "method", "scenario", "set", "targets", "parameters",
                "replicates", "seed", "output", "history_matching", "abc_smc"});
  CalibrationSpec spec;
  spec.file = file;
  spec.text = std::string(text);
  if (root["name"]) spec.name = r.text(root["name"], "name");
  if (!root["method"]) r.fail_plain(root, "method: required; history_matching or abc_smc");
  spec.method =
      static_cast<CalibrationMethod>(r.choice(root["method"], "method", kCalibrationMethodNames));
  for (const char* key : {"scenario", "targets"}) {
    if (!root[key]) r.fail_plain(root, std::string(key) + ": required; expected a file");
    std::filesystem::path p = r.text(root[key], key);
    if (p.is_relative()) p = file.parent_path() / p;
    (std::string(key) == "scenario" ? spec.scenario : spec.targets) = p;
  }
  if (root["set"]) {
    const YAML::Node set = root["set"];
    if (!set.IsSequence()) r.fail(set, "set", "a list of key.path=value");
    for (std::size_t i = 0; i < set.size(); ++i)
      spec.set.push_back(r.text(set[i], "set[" + std::to_string(i) + "]"));
  }
  if (root["seed"])
    spec.seed = static_cast<std::uint64_t>(r.integer(root["seed"], "seed", 0, 1LL << 62));
  if (root["replicates"])
    spec.replicates = static_cast<int>(r.integer(root["replicates"], "replicates", 1, 10000));
  spec.output = root["output"] ? std::filesystem::path(r.text(root["output"], "output"))
                               : std::filesystem::path(spec.name);
  if (!root["parameters"] || !root["parameters"].IsSequence() || root["parameters"].size() == 0) {
    r.fail_plain(root, "parameters: required; expected a list of {key, prior, ...}");
  }
  const YAML::Node params = root["parameters"];
  for (std::size_t i = 0; i < params.size(); ++i) {
    const YAML::Node node = params[i];
    const std::string path = "parameters[" + std::to_string(i) + "]";
    r.check_keys(node, path, {"key", "prior", "range", "mean", "sd", "integer"});
    analysis::Prior p;
    if (!node["key"]) r.fail_plain(node, path + ".key: required");
    p.name = r.text(node["key"], path + ".key");
    if (node["prior"]) {
      p.kind = static_cast<analysis::PriorKind>(
          r.choice(node["prior"], path + ".prior", analysis::kPriorKindNames));
    }
    if (p.kind == analysis::PriorKind::normal) {
      if (!node["mean"] || !node["sd"])
        r.fail_plain(node, path + ": a normal prior needs mean and sd");
      p.low = r.real(node["mean"], path + ".mean");
      p.high = r.real(node["sd"], path + ".sd");
    } else {
      const YAML::Node range = node["range"];
      if (!range || !range.IsSequence() || range.size() != 2) {
        r.fail_plain(node, path + ".range: required; expected [low, high]");
      }
      p.low = r.real(range[0], path + ".range[0]");
      p.high = r.real(range[1], path + ".range[1]");
    }
    try {
      analysis::check_prior(p);
    } catch (const std::invalid_argument& e) {
      r.fail_plain(node, path + ": " + e.what());
    }
    spec.parameters.push_back(p);
    spec.integer.push_back(node["integer"] ? r.boolean(node["integer"], path + ".integer") : false);
  }
  spec.history_matching.seed = spec.seed;
  spec.abc.seed = spec.seed;
  spec.history_matching.emulator.seed = spec.seed;
  if (root["history_matching"]) {
    const YAML::Node h = root["history_matching"];
    r.check_keys(h, "history_matching",
                 {"waves", "runs_per_wave", "cutoff", "second_max", "candidates", "final_runs",
                  "kernel", "mean", "include_stochastic_variance", "fit_nugget"});
    auto& o = spec.history_matching;
    if (h["waves"])
      o.waves = static_cast<int>(r.integer(h["waves"], "history_matching.waves", 1, 100));
    if (h["runs_per_wave"])
      o.runs_per_wave = static_cast<std::size_t>(
          r.integer(h["runs_per_wave"], "history_matching.runs_per_wave", 4, 100000));
    if (h["cutoff"]) o.cutoff = r.real(h["cutoff"], "history_matching.cutoff");
    if (h["second_max"]) o.second_max = r.boolean(h["second_max"], "history_matching.second_max");
    if (h["include_stochastic_variance"])
      o.include_stochastic_variance = r.boolean(h["include_stochastic_variance"],
                                                "history_matching.include_stochastic_variance");
    if (h["fit_nugget"])
      o.emulator.fit_nugget = r.boolean(h["fit_nugget"], "history_matching.fit_nugget");
    if (h["candidates"])
      o.candidates = static_cast<std::size_t>(
          r.integer(h["candidates"], "history_matching.candidates", 100, 100000000));
    if (h["final_runs"])
      o.final_runs = static_cast<std::size_t>(
          r.integer(h["final_runs"], "history_matching.final_runs", 0, 1000000));
    static constexpr const char* kKernels[] = {"squared_exponential", "matern52"};
    static constexpr const char* kMeans[] = {"constant", "linear"};
    if (h["kernel"])
      o.emulator.kernel =
          static_cast<analysis::Kernel>(r.choice(h["kernel"], "history_matching.kernel", kKernels));
    if (h["mean"])
      o.emulator.mean =
          static_cast<analysis::MeanFunction>(r.choice(h["mean"], "history_matching.mean", kMeans));
  }
  if (root["abc_smc"]) {
    const YAML::Node a = root["abc_smc"];
    r.check_keys(a, "abc_smc",
                 {"particles", "generations", "quantile", "min_acceptance", "max_simulations"});
    auto& o = spec.abc;
    if (a["particles"])
      o.particles =
          static_cast<std::size_t>(r.integer(a["particles"], "abc_smc.particles", 2, 10000000));
    if (a["generations"])
      o.generations = static_cast<int>(r.integer(a["generations"], "abc_smc.generations", 0, 1000));
    if (a["quantile"]) o.quantile = r.real(a["quantile"], "abc_smc.quantile");
    if (a["min_acceptance"])
      o.min_acceptance = r.real(a["min_acceptance"], "abc_smc.min_acceptance");
    if (a["max_simulations"])
      o.max_simulations = static_cast<std::size_t>(
          r.integer(a["max_simulations"], "abc_smc.max_simulations", 1, 1LL << 40));
    if (!(o.quantile > 0.0 && o.quantile < 1.0))
      r.fail(a["quantile"], "abc_smc.quantile", "a number in (0, 1)");
  }
  return spec;
}

}  // namespace caresim::ensemble
