// The comparison file (layout in docs/outputs.md), written through the IO module's netCDF-4 writer.
#include <fmt/format.h>

#include <limits>
#include <stdexcept>

#include "caresim/core/numbers.hpp"
#include "caresim/ensemble/compare.hpp"
#include "caresim/io/netcdf.hpp"
#include "caresim/scenario/load.hpp"
#include "caresim/version.hpp"
#include "compare_detail.hpp"

namespace caresim::ensemble {
namespace nc = io::netcdf;
using detail::date_after;
namespace {

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
  if (c.has_parameters()) {
    // The values each run used, read back from the resolved scenario its own file records: the
    // proof that replicate r of every arm ran with the same set.
    const std::size_t P = c.parameter_names.size();
    std::vector<double> used(R * P, kNaN);
    for (std::size_t r = 0; r < R; ++r) {
      const nc::Reader run(c.run_files[a * R + r]);
      const Scenario s = parse_scenario(run.text_attribute("scenario"), c.arm_files[a], {});
      for (const ScenarioKey& key : scenario_keys(s)) {
        for (std::size_t j = 0; j < P; ++j) {
          if (key.path == c.parameter_names[j]) used[r * P + j] = key.value;
        }
      }
    }
    group.define_index("parameter", P, "uncertain parameter (--parameters)");
    write_variable(group,
                   {"parameter_value",
                    "value of each uncertain parameter in each replicate's run, read back from "
                    "the run's resolved scenario (NaN: not a scalar key)",
                    "", ""},
                   {"replicate", "parameter"}, used);
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

// /neighbourhoods: the per-neighbourhood comparison (Comparison::neighbourhood_*, group_*).
void write_neighbourhoods(const Comparison& c, nc::Group& g) {
  const std::size_t A = c.arm_count(), M = c.neighbourhood_metrics.size(),
                    N = c.neighbourhoods.size(), R = static_cast<std::size_t>(c.replicates);
  g.set_attribute(
      "description",
      fmt::format("paired comparison of every arm with the reference, neighbourhood by "
                  "neighbourhood, for every series over the neighbourhood dimension: per run the "
                  "time mean over all days; differences arm minus reference per replicate, "
                  "{:g}% t intervals over the {} pairs. Groups: the neighbourhoods flagged "
                  "'{}' (group 0) and the others (group 1), each the unweighted mean over its "
                  "neighbourhoods",
                  100.0 * c.confidence, R, c.neighbourhood_flag));
  g.define_index("arm", A, "arm (0 = the reference)");
  g.write_strings("arm_name", "arm", c.arms, "name of each arm");
  g.define_index("neighbourhood_metric", M, "compared per-neighbourhood series");
  g.write_strings("neighbourhood_metric_name", "neighbourhood_metric", c.neighbourhood_metrics,
                  "series name");
  g.write_strings("neighbourhood_metric_units", "neighbourhood_metric",
                  c.neighbourhood_metric_units, "units of the series");
  g.define_index("neighbourhood", N, "neighbourhood of the city (the same in every arm)");
  g.write_strings("neighbourhood_name", "neighbourhood", c.neighbourhoods,
                  "name of each neighbourhood");
  {
    std::vector<nc::Index> flags(c.neighbourhood_flagged.begin(), c.neighbourhood_flagged.end());
    nc::Variable flagged =
        g.define_variable({.name = "flagged",
                           .type = nc::Type::int64,
                           .dimensions = {"neighbourhood"},
                           .long_name = fmt::format(
                               "1 if the neighbourhood is a {} neighbourhood",
                               c.neighbourhood_flag.empty() ? "flagged" : c.neighbourhood_flag)});
    flagged.write(std::span<const nc::Index>(flags));
  }
  g.define_index("group", 2, "0: the flagged neighbourhoods, 1: the others");
  g.define_index("replicate", R, "paired replicate");
  const std::string names = "neighbourhood_metric_name neighbourhood_metric_units arm_name";
  const auto per_hood = [&](const char* name, const std::vector<double>& v, const char* what) {
    write_variable(g, {name, what, "", names + " neighbourhood_name"},
                   {"neighbourhood_metric", "arm", "neighbourhood"}, v);
  };
  per_hood("mean", c.neighbourhood_mean, "mean over replicates of each run's time mean");
  per_hood("diff", c.neighbourhood_diff,
           "paired difference arm - reference of the time means, mean over replicates");
  per_hood("diff_low", c.neighbourhood_diff_low, "lower end of the interval of diff");
  per_hood("diff_high", c.neighbourhood_diff_high, "upper end of the interval of diff");
  const auto per_group = [&](const char* name, const std::vector<double>& v, const char* what) {
    write_variable(g, {name, what, "", names}, {"neighbourhood_metric", "arm", "group"}, v);
  };
  per_group(
      "group_mean", c.group_mean,
      "mean over replicates of the group's unweighted mean of its neighbourhoods' time means");
  per_group("group_diff", c.group_diff, "paired difference arm - reference of group_mean");
  per_group("group_diff_low", c.group_diff_low, "lower end of the interval of group_diff");
  per_group("group_diff_high", c.group_diff_high, "upper end of the interval of group_diff");
  write_variable(g, {"run_mean", "time mean of each run", "", names + " neighbourhood_name"},
                 {"arm", "replicate", "neighbourhood_metric", "neighbourhood"},
                 c.neighbourhood_run_mean);
}

}  // namespace

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
    root.set_attribute("from_day", static_cast<std::int64_t>(c.from_day));
    root.set_attribute("confidence", c.confidence);
    root.set_attribute(
        "method",
        fmt::format("Common random numbers: replicate r of every arm runs with seed "
                    "mix_seed(base_seed, r). Per run, each metric is the time mean of its daily "
                    "series over all {} days. Differences are arm minus {} per replicate; the "
                    "interval is mean -+ t(1-alpha/2, n-1) sd/sqrt(n) over the {} pairs. Time to "
                    "effect: the first day from which the interval of the paired difference of "
                    "the {}-day trailing mean excludes 0, on the same side, every day to the end.",
                    c.days, c.arms.front(), c.replicates, c.window) +
            " " + c.uncertainty_text());
    root.set_attribute("intervals_cover",
                       std::string_view(c.has_parameters() ? "chance and parameters" : "chance"));
    if (c.has_parameters()) {
      root.set_attribute("parameters_file", c.parameters_file);
      root.set_attribute("parameters_source", c.parameters_source);
      root.set_attribute("parameter_sets_available",
                         static_cast<std::int64_t>(c.parameter_sets_available));
      root.set_attribute("distinct_parameter_sets",
                         static_cast<std::int64_t>(c.distinct_parameter_sets));
    }

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
      if (c.has_parameters()) {
        const std::size_t P = c.parameter_names.size();
        g.define_index("parameter", P, "uncertain parameter (--parameters)");
        g.write_strings("parameter_name", "parameter", c.parameter_names, "scenario key path");
        std::vector<nc::Index> drawn(c.parameter_set.begin(), c.parameter_set.end());
        nc::Variable set = g.define_variable(
            {.name = "parameter_set",
             .type = nc::Type::int64,
             .dimensions = {"replicate"},
             .long_name = "index (from 0) of the parameter set replicate r drew from "
                          "parameters_file, applied to every arm"});
        set.write(std::span<const nc::Index>(drawn));
        write_variable(g,
                       {"parameter_value", "the parameter set of each replicate (every arm)", "",
                        "parameter_name"},
                       {"replicate", "parameter"}, c.parameter_values);
      }
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

    if (!c.neighbourhoods.empty()) {
      nc::Group g = root.create_group("neighbourhoods");
      write_neighbourhoods(c, g);
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

}  // namespace caresim::ensemble
