// The comparison file (layout in docs/outputs.md): moved here unchanged from compare.cpp.
#include <fmt/format.h>

#include <limits>
#include <stdexcept>

#include "caresim/ensemble/compare.hpp"
#include "caresim/io/hdf5.hpp"
#include "caresim/version.hpp"

namespace caresim::ensemble {
namespace h5 = io::hdf5;
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

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

}  // namespace caresim::ensemble
