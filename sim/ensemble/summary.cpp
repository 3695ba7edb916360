// The summary file of a sweep: one HDF5 file, netCDF-4 compatible like the run files.
#include "caresim/ensemble/summary.hpp"

#include <fmt/format.h>

#include <cmath>
#include <limits>

#include "caresim/ensemble/sweep.hpp"
#include "caresim/io/hdf5.hpp"
#include "caresim/scenario/load.hpp"
#include "caresim/version.hpp"

namespace caresim::ensemble {
namespace h5 = io::hdf5;
namespace {

h5::Handle vector_dataset(hid_t parent, const std::string& name, hid_t file_type,
                          std::initializer_list<hsize_t> shape) {
  const std::vector<hsize_t> dims(shape);
  return h5::create_dataset(parent, name, file_type, dims, dims);
}

template <h5::Numeric T>
h5::Handle write_numeric(hid_t parent, const std::string& name, const std::vector<T>& data,
                         std::initializer_list<hsize_t> shape, std::string_view description) {
  h5::Handle ds = vector_dataset(parent, name, h5::file_type<T>(), shape);
  if (!data.empty()) h5::write_all(ds.get(), h5::native_type<T>(), data.data());
  h5::write_attribute(ds.get(), "description", description);
  return ds;
}

h5::Handle write_seeds(hid_t parent, const std::string& name,
                       const std::vector<std::uint64_t>& data,
                       std::initializer_list<hsize_t> shape) {
  h5::Handle ds = vector_dataset(parent, name, H5T_STD_U64LE, shape);
  if (!data.empty()) h5::write_all(ds.get(), H5T_NATIVE_UINT64, data.data());
  h5::write_attribute(ds.get(), "description",
                      std::string_view("run seed: mix_seed(sweep seed, point, replicate)"));
  return ds;
}

h5::Handle scale(hid_t parent, const std::string& name, std::size_t n, std::string_view what) {
  std::vector<std::int64_t> index(n);
  for (std::size_t i = 0; i < n; ++i)
    index[i] = static_cast<std::int64_t>(i);
  h5::Handle ds = write_numeric(parent, name, index, {static_cast<hsize_t>(n)}, what);
  h5::set_dimension_scale(ds.get(), name);
  return ds;
}

void attach(const h5::Handle& ds, std::initializer_list<hid_t> scales) {
  const std::vector<hid_t> s(scales);
  h5::attach_dimension_scales(ds.get(), s);
}

}  // namespace

void write_summary(const SweepPlan& plan, const std::vector<RunOutcome>& outcomes,
                   const std::filesystem::path& path) {
  const SweepSpec& spec = plan.spec;
  const std::size_t points = plan.points(), d = spec.parameters.size(), m = spec.metrics.size(),
                    replicates = static_cast<std::size_t>(spec.replicates), runs = plan.runs.size();
  const auto P = static_cast<hsize_t>(points), R = static_cast<hsize_t>(replicates),
             D = static_cast<hsize_t>(d), N = static_cast<hsize_t>(runs);
  std::filesystem::path part = path;
  part += ".part";
  {
    h5::Handle file = h5::create_file(part);
    const hid_t root = file.get();
    // Provenance without times or hosts, so every backend writes the same bytes.
    h5::write_attribute(root, "title", fmt::format("caresim sweep '{}'", spec.name));
    h5::write_attribute(root, "Conventions", std::string_view("CF-1.8"));
    h5::write_attribute(root, "caresim_version", std::string_view(kVersion));
    h5::write_attribute(root, "git_commit", std::string_view(kGitCommit));
    h5::write_attribute(root, "sweep_name", spec.name);
    h5::write_attribute(root, "sweep_spec", spec.text);
    h5::write_attribute(root, "sweep_spec_file", spec.file.filename().string());
    h5::write_attribute(root, "sweep_hash", fmt::format("{:016x}", plan.hash));
    h5::write_attribute(root, "base_scenario_file", spec.scenario.string());
    h5::write_attribute(
        root, "base_scenario",
        to_yaml(parse_scenario(plan.base.yaml_text, plan.base.source_name, spec.set)));
    h5::write_attribute(root, "design",
                        std::string_view(kDesignKindNames[static_cast<int>(spec.design.kind)]));
    h5::write_attribute(root, "design_samples", static_cast<std::int64_t>(spec.design.samples));
    h5::write_attribute(root, "design_levels", static_cast<std::int64_t>(spec.design.levels));
    h5::write_attribute(root, "replicates", static_cast<std::int64_t>(replicates));
    h5::write_attribute(root, "base_seed", static_cast<std::int64_t>(spec.seed));
    std::string metric_list, parameter_list;
    for (const auto& mt : spec.metrics)
      metric_list += (metric_list.empty() ? "" : "\n") + mt.name;
    for (const auto& p : spec.parameters)
      parameter_list += (parameter_list.empty() ? "" : "\n") + p.key;
    h5::write_attribute(root, "metrics", metric_list);
    h5::write_attribute(root, "parameters", parameter_list);

    // The (point, replicate) view, for xarray.
    h5::Handle point = scale(root, "point", points, "design point");
    h5::Handle replicate = scale(root, "replicate", replicates, "replicate of a point");
    h5::Handle parameter = scale(root, "parameter", d, "varied parameter");
    {
      std::vector<std::string> names;
      for (const auto& p : spec.parameters)
        names.push_back(p.key);
      h5::Handle utf8 = h5::utf8_string_type();
      h5::Handle ds = vector_dataset(root, "parameter_name", utf8.get(), {D});
      h5::write_strings(ds.get(), names);
      attach(ds, {parameter.get()});
    }
    std::vector<std::int64_t> run_id(runs), status(runs);
    std::vector<std::uint64_t> seeds(runs);
    for (std::size_t i = 0; i < runs; ++i) {
      run_id[i] = plan.runs[i].id;
      seeds[i] = plan.runs[i].seed;
      status[i] = outcomes[i].status == RunStatus::finished ? 0 : 1;
    }
    for (std::size_t j = 0; j < d; ++j) {
      std::vector<double> column(points);
      for (std::size_t p = 0; p < points; ++p)
        column[p] = plan.values[p * d + j];
      h5::Handle ds = write_numeric(root, spec.parameters[j].key, column, {P},
                                    "value of scenario key " + spec.parameters[j].key);
      attach(ds, {point.get()});
    }
    for (std::size_t k = 0; k < m; ++k) {
      std::vector<double> column(runs);
      for (std::size_t i = 0; i < runs; ++i)
        column[i] = outcomes[i].metrics.size() == m ? outcomes[i].metrics[k]
                                                    : std::numeric_limits<double>::quiet_NaN();
      const MetricSpec& mt = spec.metrics[k];
      h5::Handle ds = write_numeric(
          root, mt.name, column, {P, R},
          fmt::format("{} of series {} (column {})",
                      kReductionNames[static_cast<int>(mt.reduction)], mt.series, mt.column));
      attach(ds, {point.get(), replicate.get()});
    }
    {
      h5::Handle ds =
          write_numeric(root, "run_id", run_id, {P, R}, "run id = point x replicates + replicate");
      attach(ds, {point.get(), replicate.get()});
      h5::Handle st = write_numeric(root, "status", status, {P, R}, "0 finished, 1 failed");
      h5::write_attribute(st.get(), "flag_meanings", std::string_view("finished failed"));
      attach(st, {point.get(), replicate.get()});
      h5::Handle sd = write_seeds(root, "seed", seeds, {P, R});
      attach(sd, {point.get(), replicate.get()});
      h5::Handle block = write_numeric(root, "design_block", plan.design.block, {P},
                                       "Saltelli base sample or Morris trajectory of the point");
      attach(block, {point.get()});
      h5::Handle role = write_numeric(root, "design_role", plan.design.role, {P},
                                      "-1 A or start, -2 B, j: column or step of parameter j");
      attach(role, {point.get()});
      h5::Handle unit = write_numeric(root, "design_unit", plan.design.unit, {P, D},
                                      "design coordinates in [0, 1]");
      attach(unit, {point.get(), parameter.get()});
    }

    // The flat table, one row per run, for pandas: pd.DataFrame({k: v[:] for k, v in g.items()}).
    h5::Handle table = h5::create_group(root, "runs");
    const hid_t t = table.get();
    h5::Handle run = scale(t, "run", runs, "run id");
    std::vector<std::int64_t> point_of(runs), replicate_of(runs);
    for (std::size_t i = 0; i < runs; ++i) {
      point_of[i] = static_cast<std::int64_t>(i / replicates);
      replicate_of[i] = static_cast<std::int64_t>(i % replicates);
    }
    attach(write_numeric(t, "point", point_of, {N}, "design point"), {run.get()});
    attach(write_numeric(t, "replicate", replicate_of, {N}, "replicate"), {run.get()});
    attach(write_seeds(t, "seed", seeds, {N}), {run.get()});
    attach(write_numeric(t, "status", status, {N}, "0 finished, 1 failed"), {run.get()});
    for (std::size_t j = 0; j < d; ++j) {
      std::vector<double> column(runs);
      for (std::size_t i = 0; i < runs; ++i)
        column[i] = plan.values[(i / replicates) * d + j];
      attach(write_numeric(t, spec.parameters[j].key, column, {N}, "parameter value"), {run.get()});
    }
    for (std::size_t k = 0; k < m; ++k) {
      std::vector<double> column(runs);
      for (std::size_t i = 0; i < runs; ++i)
        column[i] = outcomes[i].metrics.size() == m ? outcomes[i].metrics[k]
                                                    : std::numeric_limits<double>::quiet_NaN();
      attach(write_numeric(t, spec.metrics[k].name, column, {N}, "summary metric"), {run.get()});
    }
    std::vector<std::string> files(runs);
    for (std::size_t i = 0; i < runs; ++i)
      files[i] = "runs/" + plan.runs[i].output.filename().string();
    {
      h5::Handle utf8 = h5::utf8_string_type();
      h5::Handle ds = vector_dataset(t, "file", utf8.get(), {N});
      h5::write_strings(ds.get(), files);
      attach(ds, {run.get()});
    }

    // Links to the per-run files, relative to the summary, so the folder can move.
    h5::Handle links = h5::create_group(root, "run_files");
    for (std::size_t i = 0; i < runs; ++i) {
      const std::string name = plan.runs[i].output.stem().string();
      h5::check(H5Lcreate_external(files[i].c_str(), "/", links.get(), name.c_str(), H5P_DEFAULT,
                                   H5P_DEFAULT),
                "create external link", name);
    }
    file.close();
  }
  std::filesystem::rename(part, path);
}

std::vector<double> SummaryData::point_means(std::size_t metric) const {
  std::vector<double> means(points, std::numeric_limits<double>::quiet_NaN());
  const std::vector<double>& v = metric_values[metric];
  for (std::size_t p = 0; p < points; ++p) {
    double sum = 0.0;
    std::size_t n = 0;
    for (std::size_t r = 0; r < replicates; ++r) {
      const double x = v[p * replicates + r];
      if (!std::isnan(x)) {
        sum += x;
        ++n;
      }
    }
    if (n > 0) means[p] = sum / static_cast<double>(n);
  }
  return means;
}

SummaryData read_summary(const std::filesystem::path& path) {
  h5::Handle file = h5::open_file(path);
  const hid_t root = file.get();
  if (!h5::has_attribute(root, "sweep_hash")) {
    throw std::runtime_error(path.string() + ": not a caresim sweep summary (no sweep_hash)");
  }
  SummaryData s;
  s.design = h5::read_string_attribute(root, "design");
  auto split = [](const std::string& text) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start < text.size()) {
      const auto end = text.find('\n', start);
      out.push_back(text.substr(start, end - start));
      if (end == std::string::npos) break;
      start = end + 1;
    }
    return out;
  };
  s.parameters = split(h5::read_string_attribute(root, "parameters"));
  s.metrics = split(h5::read_string_attribute(root, "metrics"));
  s.points = h5::dims(h5::open_dataset(root, "point").get())[0];
  s.replicates = h5::dims(h5::open_dataset(root, "replicate").get())[0];
  s.unit = h5::read_all<double>(h5::open_dataset(root, "design_unit").get());
  s.block = h5::read_all<std::int64_t>(h5::open_dataset(root, "design_block").get());
  s.role = h5::read_all<std::int64_t>(h5::open_dataset(root, "design_role").get());
  s.values.resize(s.points * s.parameters.size());
  for (std::size_t j = 0; j < s.parameters.size(); ++j) {
    const auto column = h5::read_all<double>(h5::open_dataset(root, s.parameters[j]).get());
    for (std::size_t p = 0; p < s.points; ++p)
      s.values[p * s.parameters.size() + j] = column[p];
  }
  for (const std::string& name : s.metrics)
    s.metric_values.push_back(h5::read_all<double>(h5::open_dataset(root, name).get()));
  return s;
}

}  // namespace caresim::ensemble
