// Paired what-if comparisons: the plan (arms x replicates, common random numbers), the paired
// statistics, the comparison file and the printed table. docs/compare.md explains the statistics.
#include "caresim/ensemble/compare.hpp"

#include <fmt/format.h>

#include <cctype>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <limits>
#include <set>
#include <stdexcept>

#include "caresim/analysis/statistics.hpp"
#include "caresim/core/random.hpp"
#include "caresim/io/netcdf.hpp"
#include "caresim/io/run_file.hpp"
#include "caresim/scenario/load.hpp"
#include "caresim/version.hpp"

namespace caresim::ensemble {
namespace nc = io::netcdf;
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

bool is_plain_name(std::string_view name) {
  if (name.empty() || !std::isalpha(static_cast<unsigned char>(name[0]))) return false;
  for (const char c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') return false;
  }
  return true;
}

// The scenario of one arm as every run of it sees it, before the run's own seed.
std::vector<std::string> arm_overrides(const CompareOptions& options) {
  std::vector<std::string> overrides = options.overrides;
  if (options.days) overrides.push_back("run.days=" + std::to_string(*options.days));
  return overrides;
}

// Day `day` after an ISO date, as an ISO date.
std::string date_after(const std::string& start, int day) {
  using namespace std::chrono;
  int y = 0;
  unsigned m = 0, d = 0;
  if (std::sscanf(start.c_str(), "%d-%u-%u", &y, &m, &d) != 3) return {};
  const year_month_day date{sys_days{year_month_day{year{y}, month{m}, std::chrono::day{d}}} +
                            days{day}};
  return fmt::format("{:04d}-{:02d}-{:02d}", static_cast<int>(date.year()),
                     static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()));
}

// Index helpers for the row-major arrays of Comparison.
struct Shape {
  std::size_t arms, replicates, metrics, days;
  std::size_t amt(std::size_t a, std::size_t m, std::size_t t) const {
    return (a * metrics + m) * days + t;
  }
  std::size_t ma(std::size_t m, std::size_t a) const { return m * arms + a; }
  std::size_t arm(std::size_t a, std::size_t r, std::size_t m) const {
    return (a * replicates + r) * metrics + m;
  }
};

// Fills the statistics of `c` from the daily values [arm][replicate][metric][day].
void compute_statistics(Comparison& c, const std::vector<double>& daily) {
  const Shape s{c.arm_count(), static_cast<std::size_t>(c.replicates), c.metric_count(),
                static_cast<std::size_t>(c.days)};
  const auto value = [&](std::size_t a, std::size_t r, std::size_t m, std::size_t t) {
    return daily[((a * s.replicates + r) * s.metrics + m) * s.days + t];
  };
  // Time means per run, and trailing rolling means per run.
  c.run_mean.assign(s.arms * s.replicates * s.metrics, kNaN);
  std::vector<double> rolling(daily.size(), kNaN);
  const auto window = static_cast<std::size_t>(c.window);
  for (std::size_t a = 0; a < s.arms; ++a)
    for (std::size_t r = 0; r < s.replicates; ++r)
      for (std::size_t m = 0; m < s.metrics; ++m) {
        double sum = 0.0;
        for (std::size_t t = 0; t < s.days; ++t)
          sum += value(a, r, m, t);
        c.run_mean[s.arm(a, r, m)] = sum / static_cast<double>(s.days);
        for (std::size_t t = 0; t < s.days; ++t) {
          const std::size_t first = t + 1 >= window ? t + 1 - window : 0;
          double w = 0.0;
          for (std::size_t u = first; u <= t; ++u)
            w += value(a, r, m, u);
          rolling[((a * s.replicates + r) * s.metrics + m) * s.days + t] =
              w / static_cast<double>(t + 1 - first);
        }
      }
  const auto roll = [&](std::size_t a, std::size_t r, std::size_t m, std::size_t t) {
    return rolling[((a * s.replicates + r) * s.metrics + m) * s.days + t];
  };

  const std::size_t table = s.metrics * s.arms, series = s.arms * s.metrics * s.days;
  c.mean.assign(table, kNaN);
  c.diff.assign(table, kNaN);
  c.diff_low.assign(table, kNaN);
  c.diff_high.assign(table, kNaN);
  c.time_to_effect.assign(table, kNaN);
  for (auto* v : {&c.daily_mean, &c.daily_low, &c.daily_high, &c.daily_diff, &c.daily_diff_low,
                  &c.daily_diff_high, &c.rolling_diff, &c.rolling_diff_low, &c.rolling_diff_high})
    v->assign(series, kNaN);

  std::vector<double> sample(s.replicates);
  const double t_quantile = analysis::student_t_quantile(1.0 - (1.0 - c.confidence) / 2.0,
                                                         static_cast<double>(s.replicates) - 1.0);
  const auto interval = [&](auto&& of) {
    for (std::size_t r = 0; r < s.replicates; ++r)
      sample[r] = of(r);
    return analysis::mean_interval_given_t(sample, t_quantile);
  };
  const auto excludes_zero = [](const analysis::MeanInterval& i) {
    return i.low > 0.0 ? 1 : (i.high < 0.0 ? -1 : 0);
  };
  for (std::size_t m = 0; m < s.metrics; ++m) {
    for (std::size_t a = 0; a < s.arms; ++a) {
      c.mean[s.ma(m, a)] = interval([&](std::size_t r) { return c.run_mean[s.arm(a, r, m)]; }).mean;
      for (std::size_t t = 0; t < s.days; ++t) {
        const auto daily_i = interval([&](std::size_t r) { return value(a, r, m, t); });
        c.daily_mean[s.amt(a, m, t)] = daily_i.mean;
        c.daily_low[s.amt(a, m, t)] = daily_i.low;
        c.daily_high[s.amt(a, m, t)] = daily_i.high;
      }
      if (a == 0) {
        // The reference against itself: exactly nothing, by definition.
        c.diff[s.ma(m, a)] = c.diff_low[s.ma(m, a)] = c.diff_high[s.ma(m, a)] = 0.0;
        for (std::size_t t = 0; t < s.days; ++t)
          for (auto* v : {&c.daily_diff, &c.daily_diff_low, &c.daily_diff_high, &c.rolling_diff,
                          &c.rolling_diff_low, &c.rolling_diff_high})
            (*v)[s.amt(a, m, t)] = 0.0;
        continue;
      }
      const auto d = interval(
          [&](std::size_t r) { return c.run_mean[s.arm(a, r, m)] - c.run_mean[s.arm(0, r, m)]; });
      c.diff[s.ma(m, a)] = d.mean;
      c.diff_low[s.ma(m, a)] = d.low;
      c.diff_high[s.ma(m, a)] = d.high;
      std::vector<int> sign(s.days, 0);
      for (std::size_t t = 0; t < s.days; ++t) {
        const auto dd =
            interval([&](std::size_t r) { return value(a, r, m, t) - value(0, r, m, t); });
        c.daily_diff[s.amt(a, m, t)] = dd.mean;
        c.daily_diff_low[s.amt(a, m, t)] = dd.low;
        c.daily_diff_high[s.amt(a, m, t)] = dd.high;
        const auto rd =
            interval([&](std::size_t r) { return roll(a, r, m, t) - roll(0, r, m, t); });
        c.rolling_diff[s.amt(a, m, t)] = rd.mean;
        c.rolling_diff_low[s.amt(a, m, t)] = rd.low;
        c.rolling_diff_high[s.amt(a, m, t)] = rd.high;
        sign[t] = excludes_zero(rd);
      }
      // The first day of the trailing stretch over which the interval keeps excluding 0 on the
      // side it ends on.
      if (s.days > 0 && sign[s.days - 1] != 0) {
        std::size_t first = s.days - 1;
        while (first > 0 && sign[first - 1] == sign[s.days - 1])
          --first;
        c.time_to_effect[s.ma(m, a)] = static_cast<double>(first);
      }
    }
  }
}

// --- writing ---

void define_time(nc::Group& group, int days, const std::string& start_date) {
  nc::Variable time = group.define_coordinate({.name = "time",
                                               .type = nc::Type::int64,
                                               .units = "days since " + start_date,
                                               .long_name = "simulated day"},
                                              static_cast<std::size_t>(days));
  std::vector<nc::Index> values(static_cast<std::size_t>(days));
  for (std::size_t t = 0; t < values.size(); ++t)
    values[t] = static_cast<nc::Index>(t);
  time.write(std::span<const nc::Index>(values));
  time.set_attribute("calendar", std::string_view("proleptic_gregorian"));
  time.set_attribute("axis", std::string_view("T"));
  time.set_attribute("standard_name", std::string_view("time"));
}

struct Variable {
  std::string name, description, units, coordinates;
};

// A float64 array over `dimensions`, compressed when large. Empty units: the units are those of
// the metric, in the string variable `metric_units`.
void write_variable(nc::Group& group, const Variable& v, std::vector<std::string> dimensions,
                    std::span<const double> data) {
  nc::Variable variable = group.define_variable({.name = v.name,
                                                 .type = nc::Type::float64,
                                                 .dimensions = std::move(dimensions),
                                                 .units = v.units,
                                                 .long_name = v.description,
                                                 .storage = {.compress = data.size() >= 1024}});
  variable.write(data);
  if (v.units.empty()) {
    variable.set_attribute("units_per_metric", std::string_view("metric_units"));
  }
  if (!v.coordinates.empty()) variable.set_attribute("coordinates", v.coordinates);
}

std::string joined(const std::vector<std::string>& v) {
  std::string out;
  for (const std::string& s : v)
    out += (out.empty() ? "" : "\n") + s;
  return out;
}

// Every series of every replicate of arm `a`, stacked as (replicate, time[, dimension]).
void write_arm_runs(const Comparison& c, std::size_t a, nc::Group& group) {
  const auto R = static_cast<std::size_t>(c.replicates);
  const RunOutcome& first = c.outcomes[a * R];
  const RunLayout& layout = first.layout;
  group.set_attribute("scenario_file", c.arm_files[a]);
  group.set_attribute("scenario", c.arm_scenarios[a]);
  group.set_attribute("scenario_text", c.arm_texts[a]);
  group.set_attribute("description",
                      fmt::format("arm '{}': every series of its {} replicates (replicate r ran "
                                  "with seed[r], the same seed in every arm)",
                                  c.arms[a], c.replicates));
  group.define_index("replicate", R, "paired replicate");
  {
    nc::Variable seed = group.define_variable({.name = "seed",
                                               .type = nc::Type::uint64,
                                               .dimensions = {"replicate"},
                                               .long_name = "run seed: mix_seed(base_seed, "
                                                            "replicate)"});
    seed.write(std::span<const std::uint64_t>(c.seeds));
  }
  define_time(group, c.days, layout.start_date);
  for (const Dimension& d : layout.dimensions) {
    group.define_index(d.name, d.labels.size(), d.description);
    group.write_strings(d.name + "_name", d.name, d.labels, "name of each " + d.name);
  }
  std::vector<nc::Reader> files;
  for (std::size_t r = 0; r < R; ++r)
    files.emplace_back(c.run_files[a * R + r]);
  const auto days = static_cast<std::size_t>(c.days);
  for (const SeriesSpec& spec : layout.series) {
    const std::size_t width =
        spec.dimension < 0
            ? 1
            : layout.dimensions[static_cast<std::size_t>(spec.dimension)].labels.size();
    std::vector<double> data(R * days * width, kNaN);
    for (std::size_t r = 0; r < R; ++r) {
      const std::vector<double> values = files[r].read_doubles(spec.name);
      if (values.size() != days * width) {
        throw std::runtime_error(fmt::format("{}: series {} holds {} values, expected {}",
                                             c.run_files[a * R + r].string(), spec.name,
                                             values.size(), days * width));
      }
      std::copy(values.begin(), values.end(),
                data.begin() + static_cast<std::ptrdiff_t>(r * days * width));
    }
    std::vector<std::string> dimensions{"replicate", "time"};
    std::string coordinates;
    if (spec.dimension >= 0) {
      const auto k = static_cast<std::size_t>(spec.dimension);
      dimensions.push_back(layout.dimensions[k].name);
      coordinates = layout.dimensions[k].name + "_name";
    }
    write_variable(group, {spec.name, spec.description, spec.units, coordinates},
                   std::move(dimensions), data);
  }
}

}  // namespace

std::vector<std::string> arm_names(std::span<const std::string> files) {
  std::vector<std::string> names;
  std::set<std::string> taken;
  for (const std::string& file : files) {
    std::string stem = std::filesystem::path(file).stem().string();
    for (char& ch : stem) {
      if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '_') ch = '_';
    }
    if (stem.empty() || !std::isalpha(static_cast<unsigned char>(stem[0]))) stem = "arm_" + stem;
    std::string name = stem;
    for (int k = 2; taken.count(name) != 0; ++k)
      name = stem + "_" + std::to_string(k);
    taken.insert(name);
    names.push_back(name);
  }
  return names;
}

void check_comparison(std::span<const CompareArm> arms, const CompareOptions& options) {
  if (arms.size() < 2) {
    throw ScenarioError(
        fmt::format("compare: expected at least two scenario files (the reference first), got {}",
                    arms.size()));
  }
  if (options.replicates < 2) {
    throw ScenarioError(
        fmt::format("--replicates: expected at least 2 (a paired interval needs two pairs), got {}",
                    options.replicates));
  }
  if (options.days && *options.days < 1) {
    throw ScenarioError(fmt::format("--days: expected at least 1, got {}", *options.days));
  }
  if (options.window < 1) {
    throw ScenarioError(fmt::format("--window: expected at least 1 day, got {}", options.window));
  }
  if (!(options.confidence > 0.0 && options.confidence < 1.0)) {
    throw ScenarioError(
        fmt::format("--confidence: expected a number in (0, 1), got {}", options.confidence));
  }
  std::set<std::string> names;
  const std::vector<std::string> overrides = arm_overrides(options);
  std::optional<Scenario> reference;
  for (const CompareArm& arm : arms) {
    if (!is_plain_name(arm.name) || !names.insert(arm.name).second) {
      throw ScenarioError(
          fmt::format("{}: arm name '{}': expected a unique name of letters, digits and '_'",
                      arm.base.source_name, arm.name));
    }
    const Scenario s = parse_scenario(arm.base.yaml_text, arm.base.source_name, overrides);
    if (!reference) {
      reference = s;
      continue;
    }
    const std::string& ref = arms[0].base.source_name;
    if (s.model != reference->model) {
      throw ScenarioError(
          fmt::format("{}: model: expected the same model as {}", arm.base.source_name, ref));
    }
    if (s.run.days != reference->run.days) {
      throw ScenarioError(fmt::format(
          "{}: run.days: expected {} days like {} (every arm must run as long; use --days to "
          "set one length for all), got {}",
          arm.base.source_name, reference->run.days, ref, s.run.days));
    }
    if (s.run.start_date != reference->run.start_date) {
      throw ScenarioError(fmt::format(
          "{}: run.start_date: expected {} like {} (every arm must start on the same day), got {}",
          arm.base.source_name, reference->run.start_date, ref, s.run.start_date));
    }
  }
}

namespace {
/// Whether `run`'s file is finished and was written for exactly the scenario `run` stands for.
bool finished_run_matches(const PlannedRun& run, const BaseScenario& base) {
  if (io::inspect_run_file(run.output) != io::RunFileState::finished) return false;
  try {
    const std::string expected =
        to_yaml(parse_scenario(base.yaml_text, base.source_name, run.overrides));
    const io::netcdf::Reader file(run.output);
    return file.has_attribute("scenario") && file.text_attribute("scenario") == expected;
  } catch (const std::exception&) {
    return false;
  }
}
}  // namespace

Comparison run_comparison(std::span<const CompareArm> arms, const CompareOptions& options) {
  check_comparison(arms, options);
  const auto start = std::chrono::steady_clock::now();
  const std::vector<std::string> overrides = arm_overrides(options);
  Comparison c;
  c.overrides = options.overrides;
  c.command_line = options.command_line;
  c.replicates = options.replicates;
  c.window = options.window;
  c.confidence = options.confidence;
  std::vector<BaseScenario> bases;
  for (const CompareArm& arm : arms) {
    const Scenario s = parse_scenario(arm.base.yaml_text, arm.base.source_name, overrides);
    c.arms.push_back(arm.name);
    c.arm_files.push_back(arm.base.source_name);
    c.arm_texts.push_back(arm.base.yaml_text);
    c.arm_scenarios.push_back(to_yaml(s));
    if (bases.empty()) {
      c.days = s.run.days;
      c.start_date = s.run.start_date;
      c.base_seed = s.run.seed;
    }
    bases.push_back(arm.base);
  }
  const auto R = static_cast<std::size_t>(options.replicates);
  for (std::size_t r = 0; r < R; ++r)
    c.seeds.push_back(mix_seed(c.base_seed, r));

  std::filesystem::create_directories(options.scratch);
  std::vector<PlannedRun> runs;
  for (std::size_t a = 0; a < arms.size(); ++a) {
    for (std::size_t r = 0; r < R; ++r) {
      PlannedRun run;
      run.id = static_cast<std::int64_t>(a * R + r);
      run.base = a;
      run.seed = c.seeds[r];
      run.overrides = overrides;
      run.overrides.push_back("run.seed=" + std::to_string(run.seed));
      run.output = options.scratch / fmt::format("{}_r{:03d}.h5", arms[a].name, r);
      c.run_files.push_back(run.output);
      runs.push_back(std::move(run));
    }
  }
  RunnerOptions runner;
  runner.threads = options.threads;
  runner.stop = options.stop;
  runner.command_line = options.command_line;
  runner.on_done = options.on_done;
  runner.keep_layout = true;
  // Resume like a sweep: a run whose file in the scratch folder is finished and holds this
  // very scenario (overrides and seed included) is not run again. One run is always run, so
  // the layout of the series is known without reading it back.
  std::vector<bool> reused(runs.size(), false);
  std::vector<PlannedRun> pending;
  for (std::size_t i = 0; i < runs.size(); ++i) {
    reused[i] = i > 0 && finished_run_matches(runs[i], bases[runs[i].base]);
    if (!reused[i]) pending.push_back(runs[i]);
  }
  std::vector<RunOutcome> fresh = run_local(std::span<const BaseScenario>(bases), pending,
                                            std::span<const MetricSpec>{}, runner);
  const RunOutcome model = fresh.front();  // run 0: never reused
  c.outcomes.assign(runs.size(), RunOutcome{});
  for (std::size_t i = 0, k = 0; i < runs.size(); ++i) {
    if (reused[i]) {
      c.outcomes[i].id = runs[i].id;
      c.outcomes[i].status = RunStatus::finished;
      c.outcomes[i].layout = model.layout;
      c.outcomes[i].headline = model.headline;
      ++c.reused_runs;
    } else {
      c.outcomes[i] = std::move(fresh[k++]);
    }
  }
  c.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (!complete(c)) {
    for (std::size_t i = 0; i < c.outcomes.size(); ++i) {
      if (c.outcomes[i].status == RunStatus::failed) {
        throw std::runtime_error(fmt::format("arm '{}' replicate {} (seed {}) failed: {}",
                                             c.arms[i / R], i % R, runs[i].seed,
                                             c.outcomes[i].error));
      }
    }
    return c;  // stopped
  }

  // The compared series: the model's headline series, which every arm must write.
  const RunOutcome& first = c.outcomes.front();
  c.metrics = first.headline;
  for (const std::string& name : c.metrics) {
    for (const SeriesSpec& spec : first.layout.series) {
      if (spec.name == name) {
        c.metric_units.push_back(spec.units);
        c.metric_descriptions.push_back(spec.description);
      }
    }
  }
  const std::size_t M = c.metrics.size(), days = static_cast<std::size_t>(c.days);
  std::vector<double> daily(arms.size() * R * M * days, kNaN);
  for (std::size_t i = 0; i < c.outcomes.size(); ++i) {
    const nc::Reader file(c.run_files[i]);
    for (std::size_t m = 0; m < M; ++m) {
      if (!file.has_variable(c.metrics[m])) {
        throw std::runtime_error(
            fmt::format("arm '{}' does not write the series {}", c.arms[i / R], c.metrics[m]));
      }
      const std::vector<double> values = file.read_doubles(c.metrics[m]);
      if (values.size() != days) {
        throw std::runtime_error(fmt::format("{}: series {} holds {} days, expected {}",
                                             c.run_files[i].string(), c.metrics[m], values.size(),
                                             days));
      }
      std::copy(values.begin(), values.end(),
                daily.begin() + static_cast<std::ptrdiff_t>((i * M + m) * days));
    }
  }
  compute_statistics(c, daily);
  return c;
}

bool complete(const Comparison& c) {
  for (const RunOutcome& o : c.outcomes) {
    if (o.status != RunStatus::finished) return false;
  }
  return !c.outcomes.empty();
}

void write_comparison(const Comparison& c, const std::filesystem::path& path) {
  if (!complete(c)) throw std::logic_error("write_comparison: the comparison is not complete");
  std::filesystem::path part = path;
  part += ".part";
  {
    nc::File file = nc::File::create(part);
    nc::Group root = file.root();
    // Provenance without times, hosts or thread counts: the same comparison, the same bytes.
    root.set_attribute("title", "caresim compare: " + fmt::format("{}", fmt::join(c.arms, " vs ")));
    root.set_attribute("Conventions", std::string_view("CF-1.8"));
    root.set_attribute("caresim_version", std::string_view(kVersion));
    root.set_attribute("git_commit", std::string_view(kGitCommit));
    root.set_attribute("command_line", c.command_line);
    root.set_attribute("arms", joined(c.arms));
    root.set_attribute("reference_arm", c.arms.front());
    root.set_attribute("scenario_files", joined(c.arm_files));
    root.set_attribute("overrides", joined(c.overrides));
    root.set_attribute("replicates", static_cast<std::int64_t>(c.replicates));
    root.set_attribute("days", static_cast<std::int64_t>(c.days));
    root.set_attribute("start_date", c.start_date);
    root.set_attribute("base_seed", static_cast<std::int64_t>(c.base_seed));
    root.set_attribute("window_days", static_cast<std::int64_t>(c.window));
    root.set_attribute("confidence", c.confidence);
    root.set_attribute(
        "method",
        fmt::format("Common random numbers: replicate r of every arm runs with seed "
                    "mix_seed(base_seed, r). Per run, each metric is the time mean of its daily "
                    "series over all {} days. Differences are arm minus {} per replicate; the "
                    "interval is mean -+ t(1-alpha/2, n-1) sd/sqrt(n) over the {} pairs. Time to "
                    "effect: the first day from which the interval of the paired difference of "
                    "the {}-day trailing mean excludes 0, on the same side, every day to the end.",
                    c.days, c.arms.front(), c.replicates, c.window));

    // /comparison: the table and the daily statistics.
    {
      nc::Group g = root.create_group("comparison");
      g.set_attribute("description",
                      std::string_view("paired comparison of every arm with the reference "
                                       "(the first arm); see the root attribute `method`"));
      const std::size_t A = c.arm_count(), M = c.metric_count(),
                        R = static_cast<std::size_t>(c.replicates);
      g.define_index("arm", A, "arm (0 = the reference)");
      g.write_strings("arm_name", "arm", c.arms, "name of each arm");
      g.define_index("metric", M, "compared headline series");
      g.write_strings("metric_name", "metric", c.metrics, "series name");
      g.write_strings("metric_units", "metric", c.metric_units, "units of the series");
      g.define_index("replicate", R, "paired replicate");
      define_time(g, c.days, c.start_date);
      const std::string ma = "metric_name metric_units arm_name";
      const auto table = [&](const char* name, const std::vector<double>& v, std::string what,
                             const char* units) {
        write_variable(g, {name, std::move(what), units, ma}, {"metric", "arm"}, v);
      };
      table("mean", c.mean, "mean over replicates of each run's time mean", "");
      table("diff", c.diff, "paired difference arm - reference of the time means, mean", "");
      table("diff_low", c.diff_low, "lower end of the interval of diff", "");
      table("diff_high", c.diff_high, "upper end of the interval of diff", "");
      table("time_to_effect_day", c.time_to_effect,
            fmt::format("first day from which the interval of the paired difference of the "
                        "{}-day trailing mean excludes 0 to the end (NaN: never)",
                        c.window),
            "day");
      write_variable(g,
                     {"run_mean", "time mean of each run", "", "arm_name metric_name metric_units"},
                     {"arm", "replicate", "metric"}, c.run_mean);
      const auto daily = [&](const char* name, const std::vector<double>& v, const char* what) {
        write_variable(g, {name, what, "", "arm_name metric_name metric_units"},
                       {"arm", "metric", "time"}, v);
      };
      daily("daily_mean", c.daily_mean, "daily value, mean over replicates");
      daily("daily_low", c.daily_low, "lower end of the interval of daily_mean");
      daily("daily_high", c.daily_high, "upper end of the interval of daily_mean");
      daily("daily_diff", c.daily_diff, "paired difference arm - reference of the daily values");
      daily("daily_diff_low", c.daily_diff_low, "lower end of the interval of daily_diff");
      daily("daily_diff_high", c.daily_diff_high, "upper end of the interval of daily_diff");
      daily("rolling_diff", c.rolling_diff,
            "paired difference arm - reference of the trailing window_days mean");
      daily("rolling_diff_low", c.rolling_diff_low, "lower end of the interval of rolling_diff");
      daily("rolling_diff_high", c.rolling_diff_high, "upper end of the interval of rolling_diff");
    }

    // /runs/<arm>: every series of every replicate.
    nc::Group runs = root.create_group("runs");
    runs.set_attribute("description",
                       std::string_view("one group per arm: every output series of every "
                                        "replicate, dimensions (replicate, time[, dim])"));
    for (std::size_t a = 0; a < c.arm_count(); ++a) {
      nc::Group group = runs.create_group(c.arms[a]);
      write_arm_runs(c, a, group);
    }
  }
  std::filesystem::rename(part, path);
}

std::string format_comparison(const Comparison& c) {
  std::string out;
  const Shape s{c.arm_count(), static_cast<std::size_t>(c.replicates), c.metric_count(),
                static_cast<std::size_t>(c.days)};
  const int percent = static_cast<int>(std::lround(c.confidence * 100.0));
  for (std::size_t a = 1; a < s.arms; ++a) {
    out += fmt::format(
        "\n{} vs {} ({} paired replicates, {} days from {}; means over the run; {}% intervals; "
        "effect from: {}-day rolling mean)\n",
        c.arms[a], c.arms[0], c.replicates, c.days, c.start_date, percent, c.window);
    out += fmt::format("{:<34} {:>11} {:>11} {:>11}  {:<25} {}\n", "metric",
                       c.arms[0].substr(0, 11), c.arms[a].substr(0, 11), "difference",
                       fmt::format("{}% interval", percent), "effect from");
    for (std::size_t m = 0; m < s.metrics; ++m) {
      const std::size_t i = s.ma(m, a);
      const bool significant = c.diff_low[i] > 0.0 || c.diff_high[i] < 0.0;
      const double tte = c.time_to_effect[i];
      const std::string effect = std::isnan(tte)
                                     ? std::string("never")
                                     : fmt::format("day {} ({})", static_cast<int>(tte),
                                                   date_after(c.start_date, static_cast<int>(tte)));
      out += fmt::format("{:<34} {:>11.4g} {:>11.4g} {:>+11.4g}{} {:<25} {}\n", c.metrics[m],
                         c.mean[s.ma(m, 0)], c.mean[i], c.diff[i], significant ? '*' : ' ',
                         fmt::format("[{:+.4g}, {:+.4g}]", c.diff_low[i], c.diff_high[i]), effect);
    }
  }
  out += "* the interval excludes 0\n";
  return out;
}

}  // namespace caresim::ensemble
