#include "caresim/ensemble/phase_diagram.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>

#include "caresim/analysis/damage.hpp"
#include "caresim/analysis/statistics.hpp"
#include "caresim/care/diagnostics.hpp"
#include "caresim/catalogue/catalogue.hpp"
#include "caresim/core/numbers.hpp"
#include "caresim/io/netcdf.hpp"
#include "caresim/scenario/load.hpp"
#include "caresim/version.hpp"

namespace caresim::analysis {
namespace nc = io::netcdf;

namespace {

// What each run leaves in its extra metrics (RunnerOptions::on_step), in this order.
enum Extra : std::size_t {
  lambda_value,
  lambda_se,
  minded,
  cross_share,
  component_share,
  branching,
  cascade_size,
  staff_slots,
  extra_count
};

bool parse_number(std::string_view text, double& out) {
  const auto r = std::from_chars(text.data(), text.data() + text.size(), out);
  return r.ec == std::errc{} && r.ptr == text.data() + text.size() && std::isfinite(out);
}

}  // namespace

std::vector<double> PhaseAxis::values() const {
  std::vector<double> v(static_cast<std::size_t>(points));
  for (int i = 0; i < points; ++i)
    v[static_cast<std::size_t>(i)] =
        i == points - 1 ? high : low + (high - low) * static_cast<double>(i) / (points - 1);
  return v;
}

PhaseAxis parse_phase_axis(std::string_view text, std::string_view source_name) {
  const std::size_t eq = text.find('=');
  const std::string key(eq == std::string_view::npos ? text : text.substr(0, eq));
  if (eq == std::string_view::npos || key.empty()) {
    throw ScenarioError(fmt::format("{}/--vary: {}: expected KEY=LO:HI:N, got '{}'", source_name,
                                    key.empty() ? "?" : key, text));
  }
  const std::string_view range = text.substr(eq + 1);
  const std::size_t c1 = range.find(':');
  const std::size_t c2 = c1 == std::string_view::npos ? c1 : range.find(':', c1 + 1);
  PhaseAxis axis;
  axis.key = key;
  double n = 0.0;
  if (c2 == std::string_view::npos || !parse_number(range.substr(0, c1), axis.low) ||
      !parse_number(range.substr(c1 + 1, c2 - c1 - 1), axis.high) ||
      !parse_number(range.substr(c2 + 1), n)) {
    throw ScenarioError(fmt::format("{}/--vary: {}: expected LO:HI:N (three numbers), got '{}'",
                                    source_name, key, range));
  }
  if (n != std::floor(n) || n < 2 || n > 1000) {
    throw ScenarioError(fmt::format(
        "{}/--vary: {}: expected N a whole number from 2 to 1000, got {}", source_name, key, n));
  }
  if (!(axis.low < axis.high)) {
    throw ScenarioError(
        fmt::format("{}/--vary: {}: expected LO < HI (a non-empty range), got {}:{}", source_name,
                    key, axis.low, axis.high));
  }
  axis.points = static_cast<int>(n);
  return axis;
}

void check_phase_axes(const ensemble::BaseScenario& base, const PhaseDiagramOptions& options) {
  if (options.axes.empty() || options.axes.size() > 2) {
    throw ScenarioError(fmt::format("{}/--vary: expected one or two keys, got {}", base.source_name,
                                    options.axes.size()));
  }
  if (options.axes.size() == 2 && options.axes[0].key == options.axes[1].key) {
    throw ScenarioError(fmt::format("{}/--vary: {}: expected two different keys, got it twice",
                                    base.source_name, options.axes[0].key));
  }
  if (options.replicates < 1)
    throw ScenarioError(fmt::format("{}/--replicates: expected >= 1, got {}", base.source_name,
                                    options.replicates));
  if (options.sites < 2)
    throw ScenarioError(
        fmt::format("{}/--sites: expected >= 2, got {}", base.source_name, options.sites));
  if (options.horizon < 1)
    throw ScenarioError(
        fmt::format("{}/--horizon: expected >= 1, got {}", base.source_name, options.horizon));
  const Scenario scenario = parse_scenario(base.yaml_text, base.source_name, options.overrides);
  if (scenario.model != ModelKind::care) {
    // Teaching models are cheap to build: ask one whether it supports twin runs.
    bool twin_runs = true;
    try {
      (void)make_simulator(scenario)->perturbation_sites();
    } catch (const std::logic_error&) {
      twin_runs = false;
    }
    if (!twin_runs) {
      throw ScenarioError(
          fmt::format("{}: model: expected a model with twin runs (care, boolean_network, "
                      "threshold_cascade, sandpile, fold)",
                      base.source_name));
    }
  }
  if (scenario.run.days <= options.horizon) {
    throw ScenarioError(fmt::format("{}: run.days: expected more than the horizon ({}), got {}",
                                    base.source_name, options.horizon, scenario.run.days));
  }
  for (const PhaseAxis& axis : options.axes) {
    for (const double value : {axis.low, axis.high}) {
      try {
        std::vector<std::string> overrides = options.overrides;
        overrides.push_back(axis.key + "=" + ensemble::format_exact(value));
        parse_scenario(base.yaml_text, base.source_name, overrides);
      } catch (const ScenarioError& e) {
        throw ScenarioError(
            fmt::format("{}/--vary: {}: expected a numeric scenario key and a value "
                        "it accepts ({})",
                        base.source_name, axis.key, e.what()));
      }
    }
  }
}

PhaseDiagram phase_diagram(const ensemble::BaseScenario& base, const PhaseDiagramOptions& options) {
  ensemble::BackendOptions local;
  local.mode = ensemble::BackendMode::local;
  local.fresh = true;
  const ensemble::Backend backend(local);
  PhaseDiagramRun run = phase_diagram(backend, base, options);
  std::error_code ec;
  std::filesystem::remove_all(options.scratch, ec);
  return std::move(run.diagram);
}

PhaseDiagramRun phase_diagram(const ensemble::Backend& backend, const ensemble::BaseScenario& base,
                              const PhaseDiagramOptions& options) {
  check_phase_axes(base, options);
  PhaseDiagramRun out;
  const Scenario scenario = parse_scenario(base.yaml_text, base.source_name, options.overrides);
  PhaseDiagram& d = out.diagram;
  d.axes = options.axes;
  d.replicates = options.replicates;
  d.horizon = options.horizon;
  d.sites = options.sites;
  d.base_seed = scenario.run.seed;
  d.base_scenario_yaml = to_yaml(scenario);
  const int days = scenario.run.days;

  // The grid, first axis outermost.
  std::vector<std::vector<double>> values;
  std::size_t points = 1;
  for (const PhaseAxis& a : options.axes) {
    values.push_back(a.values());
    points *= values.back().size();
  }
  const auto R = static_cast<std::size_t>(options.replicates);
  ensemble::EnsemblePlan plan;
  plan.command = "chaos";
  plan.name = scenario.name;
  plan.bases = {base};
  plan.folder = std::filesystem::absolute(options.scratch).lexically_normal();
  plan.task_command = options.task_command;
  plan.working_directory = options.working_directory;
  std::vector<ensemble::PlannedRun>& runs = plan.runs;
  runs.reserve(points * R);
  for (std::size_t p = 0; p < points; ++p) {
    std::vector<std::string> overrides;
    std::size_t rest = p;
    for (std::size_t k = options.axes.size(); k-- > 0;) {
      const std::size_t n = values[k].size();
      overrides.insert(overrides.begin(),
                       options.axes[k].key + "=" + ensemble::format_exact(values[k][rest % n]));
      rest /= n;
    }
    for (std::size_t r = 0; r < R; ++r) {
      ensemble::PlannedRun run;
      run.id = static_cast<std::int64_t>(p * R + r);
      run.seed = scenario.run.seed + r;
      run.overrides = options.overrides;
      run.overrides.insert(run.overrides.end(), overrides.begin(), overrides.end());
      run.overrides.push_back("run.seed=" + std::to_string(run.seed));
      run.output = plan.folder / fmt::format("run_{:06d}.h5", run.id);
      runs.push_back(std::move(run));
      d.run_seed.push_back(scenario.run.seed + r);
    }
  }

  ensemble::RunnerOptions runner;
  runner.threads = options.threads;
  runner.stop = options.stop;
  runner.command_line = options.command_line;
  // The extra metrics: the named values, then <D(t)>, t = 0..horizon.
  const std::size_t curve = static_cast<std::size_t>(options.horizon) + 1;
  const std::size_t width = extra_count + curve;
  runner.extra_metrics = width;
  runner.on_step = [&](const ensemble::PlannedRun& run, const Simulator& sim,
                       std::vector<double>& extra) {
    if (extra.empty()) extra.assign(width, kNaN);
    if (sim.day() == days - options.horizon) {
      const std::unique_ptr<Simulator> branch = sim.clone();
      if (auto* care = dynamic_cast<Simulation*>(branch.get())) {
        care->set_perturbation(options.perturbation);
      }
      LyapunovOptions lo;
      lo.horizon = options.horizon;
      lo.sites = options.sites;
      lo.site_seed = run.seed;
      const LyapunovEstimate est = lyapunov_exponent(*branch, lo);
      extra[lambda_value] = est.lambda;
      extra[lambda_se] = est.standard_error;
      for (std::size_t t = 0; t < curve && t < est.mean_damage.size(); ++t)
        extra[extra_count + t] = est.mean_damage[t];
    }
    if (sim.day() == days) {
      extra[staff_slots] = static_cast<double>(sim.perturbation_sites());
      const auto* care_model = dynamic_cast<const Simulation*>(&sim);
      if (care_model == nullptr) return;  // order parameters are the care model's
      const Simulation& care = *care_model;
      const CareOrderParameters op = care_order_parameters(care.state());
      extra[minded] = op.system_minded_share;
      extra[cross_share] = op.cross_org_strength_share;
      extra[component_share] = op.largest_cross_org_component_share;
      const AdoptionCascades c = adoption_cascades(care.state().adoptions);
      extra[branching] = c.cascades.branching_ratio;
      double total = 0.0;
      for (const std::uint64_t s : c.cascades.sizes)
        total += static_cast<double>(s);
      extra[cascade_size] =
          c.cascades.sizes.empty() ? kNaN : total / static_cast<double>(c.cascades.sizes.size());
      extra[staff_slots] = static_cast<double>(care.state().staff.size());
    }
  };
  // What changes the runs' extra metrics besides their overrides.
  const std::vector<std::string> settings{
      fmt::format("horizon={}", options.horizon), fmt::format("sites={}", options.sites),
      fmt::format("perturbation={}", static_cast<int>(options.perturbation))};
  plan.hash = ensemble::plan_hash(plan, settings);
  out.result = backend.run(plan, runner);
  if (out.result.stage != ensemble::EnsembleStage::done) return out;
  const std::vector<ensemble::RunOutcome>& outcomes = out.result.outcomes;

  for (const ensemble::RunOutcome& o : outcomes) {
    const bool ok = o.status == RunStatus::finished && o.metrics.size() == width;
    const auto value = [&](std::size_t k) { return ok ? o.metrics[k] : kNaN; };
    d.run_lambda.push_back(value(lambda_value));
    d.run_system_minded_share.push_back(value(minded));
    d.run_cross_org_strength_share.push_back(value(cross_share));
    d.run_largest_cross_org_component_share.push_back(value(component_share));
    d.run_branching_ratio.push_back(value(branching));
    if (ok) d.staff = o.metrics[staff_slots];
  }
  const auto mean_of = [&](const std::vector<double>& v, std::size_t p) {
    double s = 0.0;
    for (std::size_t r = 0; r < R; ++r)
      s += v[p * R + r];
    return s / static_cast<double>(R);
  };
  std::vector<double> cascade_sizes;
  for (const ensemble::RunOutcome& o : outcomes)
    cascade_sizes.push_back(o.metrics.size() == width ? o.metrics[cascade_size] : kNaN);
  for (std::size_t p = 0; p < points; ++p) {
    double failed = 0.0, se2 = 0.0;
    for (std::size_t r = 0; r < R; ++r) {
      const ensemble::RunOutcome& o = outcomes[p * R + r];
      if (o.status != RunStatus::finished) failed += 1.0;
      const double se = o.metrics.size() == width ? o.metrics[lambda_se] : kNaN;
      se2 += se * se;
    }
    const double lambda = mean_of(d.run_lambda, p);
    const double se = std::sqrt(se2) / static_cast<double>(R);
    d.lambda.push_back(lambda);
    d.lambda_standard_error.push_back(se);
    d.lambda_lower.push_back(lambda - 1.959963984540054 * se);
    d.lambda_upper.push_back(lambda + 1.959963984540054 * se);
    d.system_minded_share.push_back(mean_of(d.run_system_minded_share, p));
    d.cross_org_strength_share.push_back(mean_of(d.run_cross_org_strength_share, p));
    d.largest_cross_org_component_share.push_back(
        mean_of(d.run_largest_cross_org_component_share, p));
    const std::span<const double> minded_runs(d.run_system_minded_share.data() + p * R, R);
    const std::span<const double> cross_runs(d.run_cross_org_strength_share.data() + p * R, R);
    d.susceptibility.push_back(susceptibility(minded_runs, d.staff));
    d.cross_org_susceptibility.push_back(susceptibility(cross_runs, d.staff));
    d.branching_ratio.push_back(mean_of(d.run_branching_ratio, p));
    d.mean_cascade_size.push_back(mean_of(cascade_sizes, p));
    d.failed_runs.push_back(failed);
    for (std::size_t t = 0; t < curve; ++t) {
      double sum = 0.0;
      for (std::size_t r = 0; r < R; ++r) {
        const ensemble::RunOutcome& o = outcomes[p * R + r];
        sum += o.metrics.size() == width ? o.metrics[extra_count + t] : kNaN;
      }
      d.mean_damage.push_back(sum / static_cast<double>(R));
    }
  }
  return out;
}

namespace {

void write_array(nc::Group& group, const std::string& name, const std::vector<double>& data,
                 const std::vector<std::string>& dimensions, std::string_view description,
                 std::string_view units) {
  nc::Variable variable = group.define_variable({.name = name,
                                                 .type = nc::Type::float64,
                                                 .dimensions = dimensions,
                                                 .units = std::string(units),
                                                 .long_name = std::string(description)});
  variable.write(std::span<const double>(data));
}

}  // namespace

void write_phase_diagram(const PhaseDiagram& d, const std::filesystem::path& path) {
  std::filesystem::path part = path;
  part += ".part";
  {
    nc::File file = nc::File::create(part);
    nc::Group root = file.root();
    root.set_attribute("title", std::string_view("caresim chaos: phase diagram"));
    root.set_attribute("Conventions", std::string_view("CF-1.8"));
    root.set_attribute("caresim_version", std::string_view(kVersion));
    root.set_attribute("git_commit", std::string_view(kGitCommit));
    root.set_attribute("base_scenario", d.base_scenario_yaml);
    root.set_attribute("base_seed", static_cast<std::int64_t>(d.base_seed));
    root.set_attribute("replicates", static_cast<std::int64_t>(d.replicates));
    root.set_attribute("horizon_days", static_cast<std::int64_t>(d.horizon));
    root.set_attribute("sites", static_cast<std::int64_t>(d.sites));
    root.set_attribute("staff", d.staff);
    std::string keys;
    for (const PhaseAxis& a : d.axes)
      keys += (keys.empty() ? "" : "\n") + a.key;
    root.set_attribute("varied", keys);

    // One coordinate variable per varied key (its values), then the replicate index.
    std::vector<std::string> point_dimensions;
    for (const PhaseAxis& a : d.axes) {
      const std::vector<double> v = a.values();
      nc::Variable axis = root.define_coordinate(
          {.name = a.key, .type = nc::Type::float64, .long_name = "value of scenario key " + a.key},
          v.size());
      axis.write(std::span<const double>(v));
      point_dimensions.push_back(a.key);
    }
    root.define_index("replicate", static_cast<std::size_t>(d.replicates),
                      "replicate: run seed = base_seed + replicate");
    std::vector<std::string> run_dimensions = point_dimensions;
    run_dimensions.push_back("replicate");

    const auto point = [&](const char* name, const std::vector<double>& v, std::string_view what,
                           std::string_view units) {
      write_array(root, name, v, point_dimensions, what, units);
    };
    point("lambda", d.lambda, "finite-time Lyapunov exponent from twin runs, mean over replicates",
          "day-1");
    point("lambda_standard_error", d.lambda_standard_error, "standard error of lambda", "day-1");
    point("lambda_lower", d.lambda_lower, "lower end of lambda's 95% interval", "day-1");
    point("lambda_upper", d.lambda_upper, "upper end of lambda's 95% interval", "day-1");
    point("system_minded_share", d.system_minded_share,
          "share of staff holding the mindset at the end, mean over replicates", "1");
    point("cross_org_strength_share", d.cross_org_strength_share,
          "cross-organisation share of tie strength at the end, mean over replicates", "1");
    point("largest_cross_org_component_share", d.largest_cross_org_component_share,
          "largest connected component of cross-organisation ties, share of staff", "1");
    point("susceptibility", d.susceptibility,
          "N var(system_minded_share) over replicates, N = staff", "1");
    point("cross_org_susceptibility", d.cross_org_susceptibility,
          "N var(cross_org_strength_share) over replicates, N = staff", "1");
    point("branching_ratio", d.branching_ratio,
          "mindset-adoption cascades: children per adoption, mean over replicates", "1");
    point("mean_cascade_size", d.mean_cascade_size, "adoptions per cascade, mean over replicates",
          "1");
    point("failed_runs", d.failed_runs, "replicates that did not finish", "1");
    {
      const auto steps = static_cast<std::size_t>(d.horizon) + 1;
      nc::Variable t_axis =
          root.define_coordinate({.name = "step_after_perturbation",
                                  .type = nc::Type::int64,
                                  .units = "day",
                                  .long_name = "steps (days) after the twin run's perturbation"},
                                 steps);
      std::vector<nc::Index> t_values(steps);
      for (std::size_t t = 0; t < steps; ++t)
        t_values[t] = static_cast<nc::Index>(t);
      t_axis.write(std::span<const nc::Index>(t_values));
      std::vector<std::string> curve_dimensions = point_dimensions;
      curve_dimensions.push_back("step_after_perturbation");
      write_array(root, "mean_damage", d.mean_damage, curve_dimensions,
                  "twin-run damage <D(t)>, mean over sites and replicates", "1");
    }
    const auto run = [&](const char* name, const std::vector<double>& v, std::string_view what,
                         std::string_view units) {
      write_array(root, name, v, run_dimensions, what, units);
    };
    run("run_lambda", d.run_lambda, "lambda of each replicate", "day-1");
    run("run_system_minded_share", d.run_system_minded_share,
        "share of staff holding the mindset at the end, each replicate", "1");
    run("run_cross_org_strength_share", d.run_cross_org_strength_share,
        "cross-organisation share of tie strength at the end, each replicate", "1");
    run("run_largest_cross_org_component_share", d.run_largest_cross_org_component_share,
        "largest cross-organisation component share of staff, each replicate", "1");
    run("run_branching_ratio", d.run_branching_ratio, "branching ratio, each replicate", "1");
  }
  std::filesystem::rename(part, path);
}

std::string format_phase_diagram(const PhaseDiagram& d) {
  // Only the care model has order parameters; a teaching model's table shows lambda alone, per
  // step (its clock), rather than columns of NaN.
  const bool care = std::any_of(d.system_minded_share.begin(), d.system_minded_share.end(),
                                [](double v) { return !std::isnan(v); });
  const char* tick = care ? "day" : "step";
  std::string out;
  for (const PhaseAxis& a : d.axes)
    out += fmt::format("{:>28} ", a.key);
  out += fmt::format("{:>9} {:>21}", "lambda", "95% interval");
  out += care ? fmt::format(" {:>8} {:>8} {:>8} {:>9} {:>9}\n", "minded", "cross", "comp", "chi",
                            "branch")
              : "\n";
  std::vector<std::vector<double>> values;
  for (const PhaseAxis& a : d.axes)
    values.push_back(a.values());
  for (std::size_t p = 0; p < d.points(); ++p) {
    std::size_t rest = p;
    std::vector<double> coords(values.size());
    for (std::size_t k = values.size(); k-- > 0;) {
      coords[k] = values[k][rest % values[k].size()];
      rest /= values[k].size();
    }
    for (const double c : coords)
      out += fmt::format("{:>28.6g} ", c);
    out += fmt::format("{:>9.4f} [{:>8.4f}, {:>8.4f}]", d.lambda[p], d.lambda_lower[p],
                       d.lambda_upper[p]);
    out += care ? fmt::format(" {:>8.4f} {:>8.4f} {:>8.4f} {:>9.4g} {:>9.4f}\n",
                              d.system_minded_share[p], d.cross_org_strength_share[p],
                              d.largest_cross_org_component_share[p], d.susceptibility[p],
                              d.branching_ratio[p])
                : "\n";
  }
  out += fmt::format("lambda per {} from {} twin runs per replicate over {} {}s ({} replicates)",
                     tick, d.sites, d.horizon, tick, d.replicates);
  out += care ? "; minded = system-minded share, cross = cross-organisation share of tie strength, "
                "comp = largest cross-organisation component / staff, chi = N var(minded), "
                "branch = adoption branching ratio\n"
              : "\n";
  return out;
}

}  // namespace caresim::analysis
