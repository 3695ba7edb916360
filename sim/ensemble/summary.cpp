// The summary file of a sweep: a netCDF-4 file like the run files.
#include "caresim/ensemble/summary.hpp"

#include <fmt/format.h>

#include <cmath>
#include <limits>
#include <map>

#include "caresim/ensemble/sweep.hpp"
#include "caresim/io/netcdf.hpp"
#include "caresim/scenario/load.hpp"
#include "caresim/version.hpp"

namespace caresim::ensemble {
namespace nc = io::netcdf;
namespace {

template <class T>
void write_variable(nc::Group& group, const std::string& name, nc::Type type,
                    const std::vector<T>& data, std::vector<std::string> dimensions,
                    std::string_view long_name, std::string_view units = {}) {
  nc::Variable variable = group.define_variable({.name = name,
                                                 .type = type,
                                                 .dimensions = std::move(dimensions),
                                                 .units = std::string(units),
                                                 .long_name = std::string(long_name)});
  variable.write(std::span<const T>(data));
}

void write_seeds(nc::Group& group, const std::vector<std::uint64_t>& seeds,
                 std::vector<std::string> dimensions) {
  write_variable(group, "seed", nc::Type::uint64, seeds, std::move(dimensions),
                 "run seed: mix_seed(sweep seed, point, replicate)");
}

void write_status(nc::Group& group, const std::vector<std::int64_t>& status,
                  std::vector<std::string> dimensions) {
  nc::Variable variable = group.define_variable({.name = "status",
                                                 .type = nc::Type::int64,
                                                 .dimensions = std::move(dimensions),
                                                 .long_name = "0 finished, 1 failed"});
  variable.write(std::span<const std::int64_t>(status));
  variable.set_attribute("flag_values", std::string_view("0 1"));
  variable.set_attribute("flag_meanings", std::string_view("finished failed"));
}

}  // namespace

void write_summary(const SweepPlan& plan, const std::vector<RunOutcome>& outcomes,
                   const std::filesystem::path& path) {
  const SweepSpec& spec = plan.spec;
  const std::size_t points = plan.points(), d = spec.parameters.size(), m = spec.metrics.size(),
                    replicates = static_cast<std::size_t>(spec.replicates), runs = plan.runs.size();
  std::filesystem::path part = path;
  part += ".part";
  {
    nc::File file = nc::File::create(part);
    nc::Group root = file.root();
    // Provenance without times or hosts, so every backend writes the same bytes.
    root.set_attribute("title", fmt::format("caresim sweep '{}'", spec.name));
    root.set_attribute("Conventions", std::string_view("CF-1.8"));
    root.set_attribute("caresim_version", std::string_view(kVersion));
    root.set_attribute("git_commit", std::string_view(kGitCommit));
    root.set_attribute("sweep_name", spec.name);
    root.set_attribute("sweep_spec", spec.text);
    root.set_attribute("sweep_spec_file", spec.file.filename().string());
    root.set_attribute("sweep_hash", fmt::format("{:016x}", plan.hash));
    root.set_attribute("caresim_build", plan.build);
    root.set_attribute("keep", std::string_view(kKeepNames[static_cast<int>(spec.keep)]));
    root.set_attribute("common_random_numbers",
                       std::string_view(spec.common_random_numbers ? "true" : "false"));
    root.set_attribute("base_scenario_file", spec.scenario.string());
    root.set_attribute("base_scenario", to_yaml(parse_scenario(plan.base.yaml_text,
                                                               plan.base.source_name, spec.set)));
    root.set_attribute("design",
                       std::string_view(kDesignKindNames[static_cast<int>(spec.design.kind)]));
    root.set_attribute("design_samples", static_cast<std::int64_t>(spec.design.samples));
    root.set_attribute("design_levels", static_cast<std::int64_t>(spec.design.levels));
    root.set_attribute("replicates", static_cast<std::int64_t>(replicates));
    root.set_attribute("base_seed", static_cast<std::int64_t>(spec.seed));
    std::string metric_list, parameter_list;
    for (const auto& mt : spec.metrics)
      metric_list += (metric_list.empty() ? "" : "\n") + mt.name;
    for (const auto& p : spec.parameters)
      parameter_list += (parameter_list.empty() ? "" : "\n") + p.key;
    root.set_attribute("metrics", metric_list);
    root.set_attribute("parameters", parameter_list);

    // The (point, replicate) view, for xarray.
    root.define_index("point", points, "design point");
    root.define_index("replicate", replicates, "replicate of a point");
    root.define_index("parameter", d, "varied parameter");
    {
      std::vector<std::string> names;
      for (const auto& p : spec.parameters)
        names.push_back(p.key);
      root.write_strings("parameter_name", "parameter", names, "scenario key of the parameter");
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
      write_variable(root, spec.parameters[j].key, nc::Type::float64, column, {"point"},
                     "value of scenario key " + spec.parameters[j].key);
    }
    for (std::size_t k = 0; k < m; ++k) {
      std::vector<double> column(runs);
      for (std::size_t i = 0; i < runs; ++i)
        column[i] = outcomes[i].metrics.size() == m ? outcomes[i].metrics[k]
                                                    : std::numeric_limits<double>::quiet_NaN();
      const MetricSpec& mt = spec.metrics[k];
      write_variable(
          root, mt.name, nc::Type::float64, column, {"point", "replicate"},
          fmt::format("{} of series {} (column {})",
                      kReductionNames[static_cast<int>(mt.reduction)], mt.series, mt.column));
    }
    write_variable(root, "run_id", nc::Type::int64, run_id, {"point", "replicate"},
                   "run id = point x replicates + replicate");
    write_status(root, status, {"point", "replicate"});
    write_seeds(root, seeds, {"point", "replicate"});
    write_variable(root, "design_block", nc::Type::int64, plan.design.block, {"point"},
                   "Saltelli base sample or Morris trajectory of the point");
    write_variable(root, "design_role", nc::Type::int64, plan.design.role, {"point"},
                   "-1 A or start, -2 B, j: column or step of parameter j");
    write_variable(root, "design_unit", nc::Type::float64, plan.design.unit, {"point", "parameter"},
                   "design coordinates in [0, 1]", "1");

    // The flat table, one row per run, for pandas: pd.DataFrame({k: v[:] for k, v in g.items()}).
    nc::Group table = root.create_group("runs");
    table.define_index("run", runs, "run id");
    std::vector<std::int64_t> point_of(runs), replicate_of(runs);
    for (std::size_t i = 0; i < runs; ++i) {
      point_of[i] = static_cast<std::int64_t>(i / replicates);
      replicate_of[i] = static_cast<std::int64_t>(i % replicates);
    }
    write_variable(table, "point", nc::Type::int64, point_of, {"run"}, "design point");
    write_variable(table, "replicate", nc::Type::int64, replicate_of, {"run"}, "replicate");
    write_seeds(table, seeds, {"run"});
    write_status(table, status, {"run"});
    for (std::size_t j = 0; j < d; ++j) {
      std::vector<double> column(runs);
      for (std::size_t i = 0; i < runs; ++i)
        column[i] = plan.values[(i / replicates) * d + j];
      write_variable(table, spec.parameters[j].key, nc::Type::float64, column, {"run"},
                     "parameter value");
    }
    for (std::size_t k = 0; k < m; ++k) {
      std::vector<double> column(runs);
      for (std::size_t i = 0; i < runs; ++i)
        column[i] = outcomes[i].metrics.size() == m ? outcomes[i].metrics[k]
                                                    : std::numeric_limits<double>::quiet_NaN();
      write_variable(table, spec.metrics[k].name, nc::Type::float64, column, {"run"},
                     "summary metric");
    }
    // Each run's own file, relative to the summary so the folder can move. A path, not an HDF5
    // external link: netCDF-C follows every external link when it opens a file, which made
    // `ncdump -h` of a 10,000-run summary take over a minute.
    std::vector<std::string> files(runs);
    for (std::size_t i = 0; i < runs; ++i) {
      if (spec.keep != Keep::none) files[i] = "runs/" + plan.runs[i].output.filename().string();
    }
    table.write_strings("file", "run", files,
                        spec.keep == Keep::none
                            ? "run file, relative to the summary's folder (none kept: keep none)"
                            : "run file, relative to the summary's folder");
    // The build that made each run: one, unless a resume was forced (sweep --force-resume).
    const std::map<std::uint64_t, std::string> builds = recorded_builds(plan.folder);
    std::vector<std::string> made_by(runs);
    for (std::size_t i = 0; i < runs; ++i) {
      const std::uint64_t h = outcomes[i].plan_hash == 0 ? plan.hash : outcomes[i].plan_hash;
      const auto found = builds.find(h);
      made_by[i] = found != builds.end() ? found->second : h == plan.hash ? plan.build : "unknown";
    }
    table.write_strings("caresim_version", "run", made_by,
                        "caresim build that ran the run: version, commit, source and schema "
                        "digests");
    file.close();
  }
  std::filesystem::rename(part, path);
}

SummaryData read_summary(const std::filesystem::path& path) {
  const nc::Reader file(path);
  if (!file.has_attribute("sweep_hash")) {
    throw std::runtime_error(path.string() + ": not a caresim sweep summary (no sweep_hash)");
  }
  SummaryData s;
  s.design = file.text_attribute("design");
  s.common_random_numbers = file.has_attribute("common_random_numbers") &&
                            file.text_attribute("common_random_numbers") == "true";
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
  s.parameters = split(file.text_attribute("parameters"));
  s.metrics = split(file.text_attribute("metrics"));
  s.points = file.shape("point")[0];
  s.replicates = file.shape("replicate")[0];
  s.unit = file.read_doubles("design_unit");
  s.block = file.read_integers("design_block");
  s.role = file.read_integers("design_role");
  s.values.resize(s.points * s.parameters.size());
  for (std::size_t j = 0; j < s.parameters.size(); ++j) {
    const auto column = file.read_doubles(s.parameters[j]);
    for (std::size_t p = 0; p < s.points; ++p)
      s.values[p * s.parameters.size() + j] = column[p];
  }
  for (const std::string& name : s.metrics)
    s.metric_values.push_back(file.read_doubles(name));
  return s;
}

}  // namespace caresim::ensemble
