// `caresim calibrate`: the model as batches of ensemble runs, the run cache that makes a
// calibration resumable, the calibration file and the report.
#include "caresim/ensemble/calibrate.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <fstream>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <sstream>

#include "caresim/catalogue/catalogue.hpp"
#include "caresim/core/numbers.hpp"
#include "caresim/engine/simulator.hpp"
#include "caresim/ensemble/sweep.hpp"
#include "caresim/io/netcdf.hpp"
#include "caresim/scenario/load.hpp"
#include "caresim/version.hpp"
#include "ensemble_detail.hpp"

namespace caresim::ensemble {
namespace {

std::string read_all_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw SweepError(path.string() + ": cannot read");
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string override_text(const CalibrationSpec& spec, std::size_t j, double value) {
  if (spec.integer[j]) value = std::round(value);
  return spec.parameters[j].name + "=" + format_exact(value);
}

std::string metric_text(const MetricSpec& m) {
  return fmt::format("{}|{}|{}|{}|{}|{}|{}|{}|{}", m.name, m.series, m.column,
                     static_cast<int>(m.reduction), m.last_days, format_exact(m.threshold),
                     m.above ? 1 : 0, m.first_day, m.window_days);
}

// Runs already done, from FOLDER/runs.tsv: "hash<TAB>v1<TAB>v2...", one line per finished run.
class RunCache {
 public:
  RunCache(const std::filesystem::path& path, std::size_t metrics) : path_(path), m_(metrics) {
    reload();
    out_ = std::fopen(path.c_str(), "a");
    if (out_ == nullptr) throw SweepError(path.string() + ": cannot write");
  }
  /// Reads the runs recorded in the file: at the start, and again for what another process (MPI
  /// rank 0) recorded since. A line that does not parse (the torn last line of a killed process)
  /// is skipped.
  void reload() {
    std::ifstream in(path_);
    std::string line;
    while (std::getline(in, line)) {
      std::istringstream cells(line);
      std::string key, cell;
      if (!std::getline(cells, key, '\t')) continue;
      std::vector<double> values;
      try {
        while (std::getline(cells, cell, '\t'))
          values.push_back(parse_exact(cell));
      } catch (const std::exception&) {
        continue;  // a torn last line of a killed process
      }
      if (values.size() == m_) cache_[key] = values;
    }
  }
  ~RunCache() {
    if (out_ != nullptr) std::fclose(out_);
  }
  RunCache(const RunCache&) = delete;
  RunCache& operator=(const RunCache&) = delete;
  const std::vector<double>* find(const std::string& key) const {
    const auto it = cache_.find(key);
    return it == cache_.end() ? nullptr : &it->second;
  }
  void record(const std::string& key, const std::vector<double>& values) {
    std::string line = key;
    for (double v : values)
      line += "\t" + format_exact(v);
    line += "\n";
    std::fputs(line.c_str(), out_);
    std::fflush(out_);
    cache_[key] = values;
  }

 private:
  std::filesystem::path path_;
  std::size_t m_;
  std::map<std::string, std::vector<double>> cache_;
  std::FILE* out_ = nullptr;
};

// --- writing the calibration file (through io/netcdf.hpp, the one writer) ------------------

namespace nc = io::netcdf;

void variable(nc::Group g, const std::string& name, const std::vector<double>& data,
              std::vector<std::string> dims, std::size_t count, std::string_view description) {
  nc::VariableSpec spec;
  spec.name = name;
  spec.dimensions = std::move(dims);
  spec.long_name = std::string(description);
  nc::Variable v = g.define_variable(spec);
  std::vector<double> padded = data;
  padded.resize(count, kNaN);
  v.write(std::span<const double>(padded));
}

std::vector<double> column_weighted_quantiles(const std::vector<double>& values,
                                              const std::vector<double>& weights, std::size_t d,
                                              std::size_t j, std::initializer_list<double> probs) {
  std::vector<std::pair<double, double>> v;
  for (std::size_t i = 0; i < weights.size(); ++i)
    v.emplace_back(values[i * d + j], weights[i]);
  std::sort(v.begin(), v.end());
  std::vector<double> out;
  for (double p : probs) {
    double c = 0.0;
    double q = v.empty() ? kNaN : v.back().first;
    for (const auto& [x, w] : v) {
      c += w;
      if (c >= p) {
        q = x;
        break;
      }
    }
    out.push_back(q);
  }
  return out;
}

}  // namespace

CalibrationResult run_calibration(const CalibrationSpec& spec, const CalibrationOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  CalibrationResult result;
  result.spec = spec;
  const std::size_t d = spec.parameters.size();
  BaseScenario base{read_all_text(spec.scenario), spec.scenario.string()};
  Scenario scenario;
  try {
    scenario = parse_scenario(base.yaml_text, base.source_name, spec.set);
  } catch (const ScenarioError& e) {
    throw SweepError(spec.file.string() + ": scenario: " + e.what());
  }
  result.targets = load_targets(spec.targets, scenario.run.start_date);
  std::vector<MetricSpec> metrics;
  for (const TargetSpec& t : result.targets.targets) {
    metrics.push_back(t.metric);
    result.numeric_targets.push_back({t.metric.name, t.observed,
                                      t.observation_sd * t.observation_sd,
                                      t.discrepancy_sd * t.discrepancy_sd});
  }
  const std::size_t m = metrics.size();
  // Checks before any run: every key at the ends of its prior, every target's series.
  for (std::size_t j = 0; j < d; ++j) {
    for (double u : {0.001, 0.999}) {
      std::vector<std::string> overrides = spec.set;
      overrides.push_back(override_text(spec, j, analysis::prior_value(spec.parameters[j], u)));
      try {
        (void)parse_scenario(base.yaml_text, base.source_name, overrides);
      } catch (const ScenarioError& e) {
        throw SweepError(spec.file.string() + ": parameter '" + spec.parameters[j].name +
                         "': " + e.what());
      }
    }
  }
  {
    const std::unique_ptr<Simulator> simulator = make_simulator(scenario);
    const std::string problem = check_metrics(metrics, simulator->layout());
    if (!problem.empty()) throw SweepError(spec.targets.string() + ": " + problem);
    for (const MetricSpec& mt : metrics) {
      if (mt.reduction == Reduction::window_mean && mt.first_day >= scenario.run.days) {
        throw SweepError(spec.targets.string() + ": target '" + mt.name +
                         "' lies after the run's last day (" + std::to_string(scenario.run.days) +
                         " days)");
      }
    }
  }

  const std::filesystem::path folder = options.folder ? *options.folder : spec.output;
  std::filesystem::create_directories(folder / "runs");
  RunCache cache(folder / "runs.tsv", m);
  detail::Hasher common;
  common.add("caresim-calibrate-v1");
  // The build (version, source and schema digests): a run cached by another build of the model
  // is not reused.
  common.add(build_fingerprint());
  common.add(base.yaml_text);
  for (const MetricSpec& mt : metrics)
    common.add(metric_text(mt));

  const std::size_t replicates = static_cast<std::size_t>(spec.replicates);
  // A batch handed to a Slurm array: the calibration stops here until --collect.
  struct Paused {
    EnsembleResult batch;
  };
  std::optional<Backend> emitter;
  const analysis::BatchModel model = [&](std::span<const double> sets, std::size_t count,
                                         std::uint64_t batch) {
    std::vector<PlannedRun> pending;
    std::vector<std::string> keys(count * replicates);
    std::vector<std::vector<double>> values(count * replicates);
    for (std::size_t i = 0; i < count; ++i) {
      for (std::size_t r = 0; r < replicates; ++r) {
        const std::size_t k = i * replicates + r;
        PlannedRun run;
        run.id = static_cast<std::int64_t>(k);
        run.seed = mix_seed(spec.seed, batch, k);
        run.overrides = spec.set;
        for (std::size_t j = 0; j < d; ++j)
          run.overrides.push_back(override_text(spec, j, sets[i * d + j]));
        run.overrides.push_back("run.seed=" + std::to_string(run.seed));
        detail::Hasher h = common;
        for (const std::string& o : run.overrides)
          h.add(o);
        keys[k] = fmt::format("{:016x}", h.h);
        run.output = folder / "runs" / ("run_" + keys[k] + ".h5");
        if (const auto* hit = cache.find(keys[k])) {
          values[k] = *hit;
          ++result.runs_reused;
        } else {
          pending.push_back(std::move(run));
        }
      }
    }
    if (!pending.empty() && options.backend == nullptr) {
      RunnerOptions ro = options.runner;
      const std::vector<RunOutcome> outcomes = run_local(base, pending, metrics, ro);
      for (std::size_t p = 0; p < pending.size(); ++p) {
        const auto k = static_cast<std::size_t>(pending[p].id);
        values[k] = outcomes[p].metrics;
        if (outcomes[p].status == RunStatus::finished) cache.record(keys[k], values[k]);
        if (!options.keep_runs) std::filesystem::remove(pending[p].output);
        ++result.runs_executed;
      }
      if (options.runner.stop != nullptr && options.runner.stop->load() != 0) {
        throw std::runtime_error("interrupted; re-run the same command to resume");
      }
    } else if (!pending.empty()) {
      // The batch as an ensemble plan of its own (run p of the plan is pending[p]).
      EnsemblePlan plan;
      plan.command = "calibrate";
      plan.name = fmt::format("{}_batch_{}", spec.name, batch);
      plan.bases = {base};
      plan.metrics = metrics;
      plan.check_run_files = false;  // run files are removed once their metrics are cached
      plan.task_command = options.task_command;
      plan.working_directory = options.working_directory;
      std::vector<std::size_t> slot;
      for (std::size_t p = 0; p < pending.size(); ++p) {
        slot.push_back(static_cast<std::size_t>(pending[p].id));
        PlannedRun run = pending[p];
        run.id = static_cast<std::int64_t>(p);
        plan.runs.push_back(std::move(run));
      }
      const std::string extra[] = {"caresim-calibrate-batch-v1"};
      plan.hash = plan_hash(plan, extra);
      plan.folder = std::filesystem::absolute(folder).lexically_normal() / "batches" /
                    fmt::format("{:016x}", plan.hash);
      // After --collect has read one batch, the next one is emitted as a new array.
      const Backend& backend = emitter ? *emitter : *options.backend;
      const EnsembleResult r = backend.run(plan, options.runner);
      if (r.stage == EnsembleStage::other_rank) {
        // MPI: rank 0 ran the batch and cached its metrics; read them from the cache.
        (void)backend.agree(0);
        cache.reload();
        for (std::size_t p = 0; p < pending.size(); ++p) {
          if (const auto* hit = cache.find(keys[slot[p]])) values[slot[p]] = *hit;
        }
      } else if (r.stage != EnsembleStage::done) {
        if (options.runner.stop != nullptr && options.runner.stop->load() != 0) {
          throw std::runtime_error("interrupted; re-run the same command to resume");
        }
        throw Paused{r};
      } else {
        for (std::size_t p = 0; p < pending.size(); ++p) {
          const RunOutcome& o = r.outcomes[p];
          const std::size_t k = slot[p];
          if (o.status == RunStatus::finished) {
            values[k] = o.metrics;
            cache.record(keys[k], values[k]);
          }
          if (!options.keep_runs) {
            std::error_code ec;
            std::filesystem::remove(plan.runs[p].output, ec);
          }
          ++result.runs_executed;
        }
        if (backend.ranks() > 1) (void)backend.agree(0);
        if (backend.options().mode == BackendMode::collect) {
          ++result.batches_collected;
          BackendOptions emit = backend.options();
          emit.mode = BackendMode::emit_slurm;
          emitter.emplace(emit);
        }
      }
    }
    // The mean over replicates (failed replicates left out; NaN if all failed).
    std::vector<double> out(count * m, kNaN);
    for (std::size_t i = 0; i < count; ++i) {
      for (std::size_t t = 0; t < m; ++t) {
        double sum = 0.0;
        int n = 0;
        for (std::size_t r = 0; r < replicates; ++r) {
          const auto& v = values[i * replicates + r];
          if (v.size() == m && std::isfinite(v[t])) {
            sum += v[t];
            ++n;
          }
        }
        if (n > 0) out[i * m + t] = sum / n;
      }
    }
    return out;
  };

  try {
    if (spec.method == CalibrationMethod::history_matching) {
      result.history_matching = analysis::history_match(
          spec.parameters, result.numeric_targets, model, spec.history_matching, options.progress);
    } else {
      result.abc = analysis::abc_smc(spec.parameters, result.numeric_targets, model, spec.abc,
                                     options.progress);
    }
  } catch (Paused& paused) {
    result.finished = false;
    result.batch = std::move(paused.batch);
    result.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return result;
  }
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (options.backend == nullptr || options.backend->root())
    write_calibration(result, folder / "calibration.h5");
  return result;
}

void write_calibration(const CalibrationResult& r, const std::filesystem::path& path) {
  const std::size_t d = r.spec.parameters.size(), m = r.numeric_targets.size();
  std::filesystem::path part = path;
  part += ".part";
  {
    nc::File file = nc::File::create(part);
    nc::Group root = file.root();
    root.set_attribute("title", fmt::format("caresim calibration '{}'", r.spec.name));
    root.set_attribute("Conventions", std::string_view("CF-1.8"));
    root.set_attribute("caresim_version", std::string_view(kVersion));
    root.set_attribute("git_commit", std::string_view(kGitCommit));
    root.set_attribute("method",
                       std::string_view(kCalibrationMethodNames[static_cast<int>(r.spec.method)]));
    root.set_attribute("calibration_spec", std::string_view(r.spec.text));
    root.set_attribute("targets_file", std::string_view(r.targets.text));
    root.set_attribute("seed", static_cast<std::int64_t>(r.spec.seed));
    root.define_index("parameter", d, "uncertain parameter");
    root.define_index("target", m, "calibration target");
    std::vector<std::string> pnames, tnames;
    for (const auto& q : r.spec.parameters)
      pnames.push_back(q.name);
    for (const auto& q : r.numeric_targets)
      tnames.push_back(q.name);
    root.write_strings("parameter_name", "parameter", pnames, "scenario key path");
    root.write_strings("target_name", "target", tnames, "target name");
    std::vector<double> observed, obs_sd, disc_sd, lower, upper;
    std::vector<std::string> series, sources;
    for (const TargetSpec& t : r.targets.targets) {
      observed.push_back(t.observed);
      obs_sd.push_back(t.observation_sd);
      disc_sd.push_back(t.discrepancy_sd);
      lower.push_back(t.band ? t.lower : kNaN);
      upper.push_back(t.band ? t.upper : kNaN);
      series.push_back(t.metric.series + " (" +
                       kReductionNames[static_cast<int>(t.metric.reduction)] + ")");
      sources.push_back(t.source);
    }
    variable(root, "observed", observed, {"target"}, m, "target value z (a band's midpoint)");
    variable(root, "observation_sd", obs_sd, {"target"}, m,
             "observation error sd (band width / 6)");
    variable(root, "discrepancy_sd", disc_sd, {"target"}, m, "model discrepancy sd");
    variable(root, "band_lower", lower, {"target"}, m, "lower end of the band (NaN: not a band)");
    variable(root, "band_upper", upper, {"target"}, m, "upper end of the band (NaN: not a band)");
    root.write_strings("target_series", "target", series, "output series (reduction)");
    root.write_strings("target_source", "target", sources, "source of the figure");

    if (r.spec.method == CalibrationMethod::history_matching) {
      const auto& hm = r.history_matching;
      root.set_attribute("waves", static_cast<std::int64_t>(hm.waves.size()));
      root.set_attribute("runs", static_cast<std::int64_t>(hm.runs));
      root.set_attribute("stopped", std::string_view(hm.stopped));
      for (std::size_t w = 0; w < hm.waves.size(); ++w) {
        const auto& wave = hm.waves[w];
        nc::Group g = root.create_group(fmt::format("wave_{}", w + 1));
        const std::size_t runs = wave.design_unit.size() / d;
        g.define_index("run", runs, "run of the wave's design");
        variable(g, "design_unit", wave.design_unit, {"run", "parameter"}, runs * d,
                 "design point in unit coordinates (the prior's CDF)");
        variable(g, "design_value", wave.design_values, {"run", "parameter"}, runs * d,
                 "parameter value of the run");
        variable(g, "output", wave.outputs, {"run", "target"}, runs * m,
                 "model output (mean over replicates)");
        variable(g, "implausibility", wave.implausibility, {"run"}, runs,
                 "implausibility of the design point under this wave's emulators");
        std::vector<double> loo(runs * m, kNaN), coverage, max_err, rmse, nugget, signal, length;
        for (std::size_t k = 0; k < m; ++k) {
          const auto& e = wave.emulators[k];
          const auto& diag = e.diagnostics();
          // Failed runs were left out of the fit: map the errors back onto the runs that ran.
          std::size_t used = 0;
          for (std::size_t i = 0; i < runs && used < diag.standardised_error.size(); ++i) {
            if (!std::isfinite(wave.outputs[i * m + k])) continue;
            loo[i * m + k] = diag.standardised_error[used++];
          }
          coverage.push_back(diag.coverage_95);
          max_err.push_back(diag.max_abs_error);
          rmse.push_back(diag.rmse);
          nugget.push_back(e.nugget_variance());
          signal.push_back(e.signal_variance());
          length.insert(length.end(), e.lengths().begin(), e.lengths().end());
        }
        variable(g, "loo_standardised_error", loo, {"run", "target"}, runs * m,
                 "leave-one-out standardised error of the emulator");
        variable(g, "emulator_loo_coverage_95", coverage, {"target"}, m,
                 "share of |LOO standardised error| <= 1.96");
        variable(g, "emulator_loo_max_abs_error", max_err, {"target"}, m,
                 "largest |LOO standardised error|");
        variable(g, "emulator_loo_rmse", rmse, {"target"}, m, "LOO root-mean-square error");
        variable(g, "emulator_nugget_variance", nugget, {"target"}, m,
                 "run-to-run variance estimated by the emulator's nugget");
        variable(g, "emulator_signal_variance", signal, {"target"}, m,
                 "the emulator's signal variance");
        variable(g, "emulator_length", length, {"target", "parameter"}, m * d,
                 "correlation length in unit coordinates");
        g.set_attribute("non_implausible_fraction", wave.non_implausible_fraction);
        g.set_attribute("candidates_tested", static_cast<std::int64_t>(wave.candidates_tested));
        g.set_attribute("candidates_kept", static_cast<std::int64_t>(wave.candidates_kept));
      }
      nc::Group g = root.create_group("posterior");
      const std::size_t samples = hm.non_implausible_values.size() / d;
      g.define_index("sample", samples,
                     "non-implausible point (a uniform sample of the non-implausible space)");
      variable(g, "non_implausible_value", hm.non_implausible_values, {"sample", "parameter"},
               samples * d, "parameter values not ruled out by any wave");
      const std::size_t finals = hm.final_matches.size();
      g.define_index("final_run", finals, "run at a non-implausible point after the last wave");
      variable(g, "final_value", hm.final_values, {"final_run", "parameter"}, finals * d,
               "parameter values of the final runs");
      variable(g, "final_output", hm.final_outputs, {"final_run", "target"}, finals * m,
               "outputs of the final runs");
      std::vector<double> match(hm.final_matches.begin(), hm.final_matches.end());
      variable(g, "final_match", match, {"final_run"}, finals,
               "1 if the run reproduces every target within the cut-off");
    } else {
      const auto& abc = r.abc;
      root.set_attribute("generations", static_cast<std::int64_t>(abc.generations.size() - 1));
      root.set_attribute("simulations", static_cast<std::int64_t>(abc.simulations));
      root.set_attribute("stopped", std::string_view(abc.stopped));
      root.define_index("parameter2", d, "uncertain parameter (second axis of a covariance)");
      for (std::size_t t = 0; t < abc.generations.size(); ++t) {
        const auto& gen = abc.generations[t];
        const std::size_t n = gen.weights.size();
        const bool last = t + 1 == abc.generations.size();
        for (int pass = 0; pass < (last ? 2 : 1); ++pass) {
          nc::Group g =
              root.create_group(pass == 0 ? fmt::format("generation_{}", t) : "posterior");
          g.define_index("particle", n, "particle");
          variable(g, "value", gen.values, {"particle", "parameter"}, n * d, "parameter values");
          variable(g, "weight", gen.weights, {"particle"}, n, "normalised importance weight");
          variable(g, "distance", gen.distances, {"particle"}, n, "distance to the targets");
          variable(g, "output", gen.outputs, {"particle", "target"}, n * m, "model outputs");
          g.set_attribute("tolerance", gen.tolerance);
          g.set_attribute("acceptance_rate", gen.acceptance_rate);
          g.set_attribute("effective_sample_size", gen.effective_sample_size);
          g.set_attribute("simulations", static_cast<std::int64_t>(gen.simulations));
          g.set_attribute("generation", static_cast<std::int64_t>(t));
          if (pass == 1) {
            variable(g, "mean", abc.posterior_mean, {"parameter"}, d, "weighted mean");
            variable(g, "covariance", abc.posterior_covariance, {"parameter", "parameter2"}, d * d,
                     "weighted covariance");
          }
        }
      }
    }
    file.close();
  }
  std::filesystem::rename(part, path);
}

std::string calibration_report(const CalibrationResult& r) {
  std::string out;
  const std::size_t d = r.spec.parameters.size(), m = r.numeric_targets.size();
  out += fmt::format(
      "calibration '{}' ({}): {} parameters, {} targets; {} runs ({} reused), "
      "{:.1f} s\n",
      r.spec.name, kCalibrationMethodNames[static_cast<int>(r.spec.method)], d, m,
      r.runs_executed + r.runs_reused, r.runs_reused, r.seconds);
  if (r.spec.method == CalibrationMethod::history_matching) {
    const auto& hm = r.history_matching;
    for (std::size_t w = 0; w < hm.waves.size(); ++w) {
      const auto& wave = hm.waves[w];
      out += fmt::format(
          "wave {}: {} runs; non-implausible {:.4g}% of the prior ({} of {} "
          "candidates)\n",
          w + 1, wave.design_unit.size() / d, 100 * wave.non_implausible_fraction,
          wave.candidates_kept, wave.candidates_tested);
      for (std::size_t k = 0; k < m; ++k) {
        const auto& diag = wave.emulators[k].diagnostics();
        out += fmt::format(
            "  emulator {:<32} LOO coverage {:5.1f}%  max |e| {:5.2f}  "
            "nugget sd {:.3g}\n",
            r.numeric_targets[k].name, 100 * diag.coverage_95, diag.max_abs_error,
            std::sqrt(wave.emulators[k].nugget_variance()));
      }
    }
    if (!hm.stopped.empty()) out += "stopped: " + hm.stopped + "\n";
    std::size_t matches = 0;
    for (auto x : hm.final_matches)
      matches += x;
    out += fmt::format("final runs: {} of {} reproduce every target\n", matches,
                       hm.final_matches.size());
    const std::size_t n = hm.non_implausible_values.size() / std::max<std::size_t>(d, 1);
    for (std::size_t j = 0; j < d && n > 0; ++j) {
      double lo = INFINITY, hi = -INFINITY;
      for (std::size_t i = 0; i < n; ++i) {
        lo = std::min(lo, hm.non_implausible_values[i * d + j]);
        hi = std::max(hi, hm.non_implausible_values[i * d + j]);
      }
      out += fmt::format("  {:<40} non-implausible range [{:.4g}, {:.4g}]\n",
                         r.spec.parameters[j].name, lo, hi);
    }
  } else {
    const auto& abc = r.abc;
    for (std::size_t t = 0; t < abc.generations.size(); ++t) {
      const auto& g = abc.generations[t];
      out += fmt::format(
          "generation {}: tolerance {:.4g}, {} simulations, acceptance {:.3f}, "
          "ESS {:.0f}\n",
          t, g.tolerance, g.simulations, g.acceptance_rate, g.effective_sample_size);
    }
    if (!abc.stopped.empty()) out += "stopped: " + abc.stopped + "\n";
    const auto& last = abc.generations.back();
    for (std::size_t j = 0; j < d; ++j) {
      const auto q = column_weighted_quantiles(last.values, last.weights, d, j, {0.025, 0.975});
      out += fmt::format("  {:<40} posterior mean {:.4g}, sd {:.3g}, 95% [{:.4g}, {:.4g}]\n",
                         r.spec.parameters[j].name, abc.posterior_mean[j],
                         std::sqrt(abc.posterior_covariance[j * d + j]), q[0], q[1]);
    }
  }
  return out;
}

}  // namespace caresim::ensemble
