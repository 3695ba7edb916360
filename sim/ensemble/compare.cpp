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
#include "caresim/io/hdf5.hpp"
#include "caresim/io/run_file.hpp"
#include "caresim/scenario/load.hpp"
#include "caresim/version.hpp"

namespace caresim::ensemble {
namespace h5 = io::hdf5;
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

h5::Handle index_scale(hid_t parent, const std::string& name, std::size_t n,
                       std::string_view description) {
  std::vector<std::int32_t> index(n);
  for (std::size_t i = 0; i < n; ++i)
    index[i] = static_cast<std::int32_t>(i);
  const hsize_t size = n;
  h5::Handle ds = h5::create_dataset(parent, name, h5::file_type<std::int32_t>(),
                                     std::span(&size, 1), std::span(&size, 1));
  if (n > 0) h5::write_all(ds.get(), h5::native_type<std::int32_t>(), index.data());
  h5::write_attribute(ds.get(), "long_name", description);
  h5::write_attribute(ds.get(), "description", description);
  h5::set_dimension_scale(ds.get(), name);
  return ds;
}

h5::Handle time_scale(hid_t parent, int days, const std::string& start_date) {
  h5::Handle ds = index_scale(parent, "time", static_cast<std::size_t>(days), "simulated day");
  h5::write_attribute(ds.get(), "units", "days since " + start_date);
  h5::write_attribute(ds.get(), "calendar", std::string_view("proleptic_gregorian"));
  h5::write_attribute(ds.get(), "axis", std::string_view("T"));
  h5::write_attribute(ds.get(), "standard_name", std::string_view("time"));
  return ds;
}

void write_labels(hid_t parent, const std::string& name, const std::vector<std::string>& labels,
                  hid_t scale, std::string_view description) {
  const h5::Handle utf8 = h5::utf8_string_type();
  const hsize_t size = labels.size();
  h5::Handle ds =
      h5::create_dataset(parent, name, utf8.get(), std::span(&size, 1), std::span(&size, 1));
  h5::write_strings(ds.get(), labels);
  h5::write_attribute(ds.get(), "long_name", description);
  h5::write_attribute(ds.get(), "description", description);
  const hid_t scales[1] = {scale};
  h5::attach_dimension_scales(ds.get(), scales);
}

struct Variable {
  std::string name, description, units, coordinates;
};

// A float64 array of `shape` on `scales`, compressed when large.
void write_variable(hid_t parent, const Variable& v, const std::vector<hsize_t>& shape,
                    const std::vector<hid_t>& scales, const double* data) {
  hsize_t count = 1;
  for (const hsize_t n : shape)
    count *= n;
  h5::DatasetOptions options;
  if (count >= 1024) {
    // Chunks of whole trailing rows, about 64 KiB.
    std::vector<hsize_t> chunk(shape.size(), 1);
    hsize_t elements = 1;
    for (std::size_t k = shape.size(); k-- > 0;) {
      const hsize_t room = std::max<hsize_t>(1, 8192 / elements);
      chunk[k] = std::max<hsize_t>(1, std::min(shape[k], room));
      elements *= chunk[k];
    }
    options.chunk = chunk;
    options.shuffle = true;
    options.deflate_level = 4;
  }
  options.fill_value = kNaN;
  h5::Handle ds =
      h5::create_dataset(parent, v.name, h5::file_type<double>(), shape, shape, options);
  if (count > 0) h5::write_all(ds.get(), h5::native_type<double>(), data);
  if (v.units.empty()) {
    h5::write_attribute(ds.get(), "units_per_metric", std::string_view("metric_units"));
  } else {
    h5::write_attribute(ds.get(), "units", v.units);
  }
  h5::write_attribute(ds.get(), "long_name", v.description);
  h5::write_attribute(ds.get(), "description", v.description);
  h5::write_attribute(ds.get(), "_FillValue", kNaN);
  if (!v.coordinates.empty()) h5::write_attribute(ds.get(), "coordinates", v.coordinates);
  h5::attach_dimension_scales(ds.get(), scales);
}

std::string joined(const std::vector<std::string>& v) {
  std::string out;
  for (const std::string& s : v)
    out += (out.empty() ? "" : "\n") + s;
  return out;
}

// Every series of every replicate of arm `a`, stacked as (replicate, time[, dimension]).
void write_arm_runs(const Comparison& c, std::size_t a, hid_t group) {
  const auto R = static_cast<std::size_t>(c.replicates);
  const RunOutcome& first = c.outcomes[a * R];
  const RunLayout& layout = first.layout;
  h5::write_attribute(group, "scenario_file", c.arm_files[a]);
  h5::write_attribute(group, "scenario", c.arm_scenarios[a]);
  h5::write_attribute(group, "scenario_text", c.arm_texts[a]);
  h5::write_attribute(group, "description",
                      fmt::format("arm '{}': every series of its {} replicates (replicate r ran "
                                  "with seed[r], the same seed in every arm)",
                                  c.arms[a], c.replicates));
  const h5::Handle replicate = index_scale(group, "replicate", R, "paired replicate");
  {
    const hsize_t size = R;
    h5::Handle seed =
        h5::create_dataset(group, "seed", H5T_STD_U64LE, std::span(&size, 1), std::span(&size, 1));
    h5::write_all(seed.get(), H5T_NATIVE_UINT64, c.seeds.data());
    h5::write_attribute(seed.get(), "description",
                        std::string_view("run seed: mix_seed(base_seed, replicate)"));
    const hid_t scales[1] = {replicate.get()};
    h5::attach_dimension_scales(seed.get(), scales);
  }
  const h5::Handle time = time_scale(group, c.days, layout.start_date);
  std::vector<h5::Handle> dims;
  for (const Dimension& d : layout.dimensions) {
    dims.push_back(index_scale(group, d.name, d.labels.size(), d.description));
    write_labels(group, d.name + "_name", d.labels, dims.back().get(), "name of each " + d.name);
  }
  std::vector<h5::Handle> files;
  for (std::size_t r = 0; r < R; ++r)
    files.push_back(h5::open_file(c.run_files[a * R + r]));
  const auto days = static_cast<std::size_t>(c.days);
  for (const SeriesSpec& spec : layout.series) {
    const std::size_t width =
        spec.dimension < 0
            ? 1
            : layout.dimensions[static_cast<std::size_t>(spec.dimension)].labels.size();
    std::vector<double> data(R * days * width, kNaN);
    for (std::size_t r = 0; r < R; ++r) {
      const h5::Handle ds = h5::open_dataset(files[r].get(), spec.name);
      const std::vector<double> values = h5::read_all<double>(ds.get());
      if (values.size() != days * width) {
        throw std::runtime_error(fmt::format("{}: series {} holds {} values, expected {}",
                                             c.run_files[a * R + r].string(), spec.name,
                                             values.size(), days * width));
      }
      std::copy(values.begin(), values.end(),
                data.begin() + static_cast<std::ptrdiff_t>(r * days * width));
    }
    std::vector<hsize_t> shape{R, days};
    std::vector<hid_t> scales{replicate.get(), time.get()};
    std::string coordinates;
    if (spec.dimension >= 0) {
      const auto k = static_cast<std::size_t>(spec.dimension);
      shape.push_back(width);
      scales.push_back(dims[k].get());
      coordinates = layout.dimensions[k].name + "_name";
    }
    write_variable(group, {spec.name, spec.description, spec.units, coordinates}, shape, scales,
                   data.data());
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
    const h5::Handle file = h5::open_file(run.output);
    return h5::has_attribute(file.get(), "scenario") &&
           h5::read_string_attribute(file.get(), "scenario") == expected;
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
    const h5::Handle file = h5::open_file(c.run_files[i]);
    for (std::size_t m = 0; m < M; ++m) {
      if (!h5::has_link(file.get(), c.metrics[m])) {
        throw std::runtime_error(
            fmt::format("arm '{}' does not write the series {}", c.arms[i / R], c.metrics[m]));
      }
      const h5::Handle ds = h5::open_dataset(file.get(), c.metrics[m]);
      const std::vector<double> values = h5::read_all<double>(ds.get());
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
    h5::Handle file = h5::create_file(part);
    const hid_t root = file.get();
    // Provenance without times, hosts or thread counts: the same comparison, the same bytes.
    h5::write_attribute(root, "title",
                        "caresim compare: " + fmt::format("{}", fmt::join(c.arms, " vs ")));
    h5::write_attribute(root, "Conventions", std::string_view("CF-1.8"));
    h5::write_attribute(root, "caresim_version", std::string_view(kVersion));
    h5::write_attribute(root, "git_commit", std::string_view(kGitCommit));
    h5::write_attribute(root, "command_line", c.command_line);
    h5::write_attribute(root, "arms", joined(c.arms));
    h5::write_attribute(root, "reference_arm", c.arms.front());
    h5::write_attribute(root, "scenario_files", joined(c.arm_files));
    h5::write_attribute(root, "overrides", joined(c.overrides));
    h5::write_attribute(root, "replicates", static_cast<std::int64_t>(c.replicates));
    h5::write_attribute(root, "days", static_cast<std::int64_t>(c.days));
    h5::write_attribute(root, "start_date", c.start_date);
    h5::write_attribute(root, "base_seed", static_cast<std::int64_t>(c.base_seed));
    h5::write_attribute(root, "window_days", static_cast<std::int64_t>(c.window));
    h5::write_attribute(root, "confidence", c.confidence);
    h5::write_attribute(
        root, "method",
        fmt::format("Common random numbers: replicate r of every arm runs with seed "
                    "mix_seed(base_seed, r). Per run, each metric is the time mean of its daily "
                    "series over all {} days. Differences are arm minus {} per replicate; the "
                    "interval is mean -+ t(1-alpha/2, n-1) sd/sqrt(n) over the {} pairs. Time to "
                    "effect: the first day from which the interval of the paired difference of "
                    "the {}-day trailing mean excludes 0, on the same side, every day to the end.",
                    c.days, c.arms.front(), c.replicates, c.window));

    // /comparison: the table and the daily statistics.
    {
      h5::Handle group = h5::create_group(root, "comparison");
      const hid_t g = group.get();
      h5::write_attribute(g, "description",
                          std::string_view("paired comparison of every arm with the reference "
                                           "(the first arm); see the root attribute `method`"));
      const std::size_t A = c.arm_count(), M = c.metric_count(),
                        R = static_cast<std::size_t>(c.replicates);
      const h5::Handle arm = index_scale(g, "arm", A, "arm (0 = the reference)");
      write_labels(g, "arm_name", c.arms, arm.get(), "name of each arm");
      const h5::Handle metric = index_scale(g, "metric", M, "compared headline series");
      write_labels(g, "metric_name", c.metrics, metric.get(), "series name");
      write_labels(g, "metric_units", c.metric_units, metric.get(), "units of the series");
      const h5::Handle replicate = index_scale(g, "replicate", R, "paired replicate");
      const h5::Handle time = time_scale(g, c.days, c.start_date);
      const std::string ma = "metric_name metric_units arm_name";
      const std::vector<hsize_t> table_shape{M, A};
      const std::vector<hid_t> table_scales{metric.get(), arm.get()};
      const auto table = [&](const char* name, const std::vector<double>& v, std::string what,
                             const char* units) {
        write_variable(g, {name, std::move(what), units, ma}, table_shape, table_scales, v.data());
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
                     {A, R, M}, {arm.get(), replicate.get(), metric.get()}, c.run_mean.data());
      const std::vector<hsize_t> daily_shape{A, M, static_cast<hsize_t>(c.days)};
      const std::vector<hid_t> daily_scales{arm.get(), metric.get(), time.get()};
      const auto daily = [&](const char* name, const std::vector<double>& v, const char* what) {
        write_variable(g, {name, what, "", "arm_name metric_name metric_units"}, daily_shape,
                       daily_scales, v.data());
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
    h5::Handle runs = h5::create_group(root, "runs");
    h5::write_attribute(runs.get(), "description",
                        std::string_view("one group per arm: every output series of every "
                                         "replicate, dimensions (replicate, time[, dim])"));
    for (std::size_t a = 0; a < c.arm_count(); ++a) {
      h5::Handle group = h5::create_group(runs.get(), c.arms[a]);
      write_arm_runs(c, a, group.get());
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
