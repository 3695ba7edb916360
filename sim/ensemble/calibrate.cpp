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
#include <sstream>

#include "caresim/catalogue/catalogue.hpp"
#include "caresim/engine/simulator.hpp"
#include "caresim/ensemble/sweep.hpp"
#include "caresim/io/hdf5.hpp"
#include "caresim/scenario/load.hpp"
#include "caresim/version.hpp"

namespace caresim::ensemble {
namespace h5 = io::hdf5;
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::string read_all_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw SweepError(path.string() + ": cannot read");
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// FNV-1a, 64 bits, with a separator between parts.
struct Hasher {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  void add(std::string_view text) {
    for (unsigned char c : text) {
      h ^= c;
      h *= 0x100000001b3ULL;
    }
    h ^= 0xff;
    h *= 0x100000001b3ULL;
  }
};

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
    std::ifstream in(path);
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
    out_ = std::fopen(path.c_str(), "a");
    if (out_ == nullptr) throw SweepError(path.string() + ": cannot write");
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

// --- writing the calibration file --------------------------------------------------------

h5::Handle index_scale(hid_t parent, const std::string& name, std::size_t n,
                       std::string_view what) {
  std::vector<std::int64_t> index(n);
  for (std::size_t i = 0; i < n; ++i)
    index[i] = static_cast<std::int64_t>(i);
  const std::vector<hsize_t> dims = {static_cast<hsize_t>(n)};
  h5::Handle ds = h5::create_dataset(parent, name, h5::file_type<std::int64_t>(), dims, dims);
  if (n > 0) h5::write_all(ds.get(), h5::native_type<std::int64_t>(), index.data());
  h5::write_attribute(ds.get(), "long_name", what);
  h5::set_dimension_scale(ds.get(), name);
  return ds;
}

void variable(hid_t parent, const std::string& name, const std::vector<double>& data,
              std::initializer_list<const h5::Handle*> scales, std::string_view description) {
  std::vector<hsize_t> dims;
  std::vector<hid_t> ids;
  for (const h5::Handle* s : scales) {
    dims.push_back(h5::dims(s->get())[0]);
    ids.push_back(s->get());
  }
  h5::Handle ds = h5::create_dataset(parent, name, h5::file_type<double>(), dims, dims);
  std::size_t count = 1;
  for (hsize_t d : dims)
    count *= static_cast<std::size_t>(d);
  std::vector<double> padded = data;
  padded.resize(count, kNaN);
  if (count > 0) h5::write_all(ds.get(), h5::native_type<double>(), padded.data());
  h5::write_attribute(ds.get(), "long_name", description);
  h5::attach_dimension_scales(ds.get(), ids);
}

void names(hid_t parent, const std::string& name, const std::vector<std::string>& values,
           const h5::Handle& scale) {
  h5::Handle utf8 = h5::utf8_string_type();
  const std::vector<hsize_t> dims = {static_cast<hsize_t>(values.size())};
  h5::Handle ds = h5::create_dataset(parent, name, utf8.get(), dims, dims);
  h5::write_strings(ds.get(), values);
  const std::vector<hid_t> ids = {scale.get()};
  h5::attach_dimension_scales(ds.get(), ids);
}

// The parameter and target scales (and their names) in a group, as each group is read alone.
struct Scales {
  h5::Handle parameter, target;
};
Scales common_scales(hid_t group, const CalibrationResult& r) {
  Scales s;
  s.parameter = index_scale(group, "parameter", r.spec.parameters.size(), "uncertain parameter");
  s.target = index_scale(group, "target", r.numeric_targets.size(), "calibration target");
  std::vector<std::string> p, t;
  for (const auto& q : r.spec.parameters)
    p.push_back(q.name);
  for (const auto& q : r.numeric_targets)
    t.push_back(q.name);
  names(group, "parameter_name", p, s.parameter);
  names(group, "target_name", t, s.target);
  return s;
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
  Hasher common;
  common.add("caresim-calibrate-v1");
  common.add(kVersion);
  common.add(kGitCommit);
  common.add(base.yaml_text);
  for (const MetricSpec& mt : metrics)
    common.add(metric_text(mt));

  const std::size_t replicates = static_cast<std::size_t>(spec.replicates);
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
        Hasher h = common;
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
    if (!pending.empty()) {
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

  if (spec.method == CalibrationMethod::history_matching) {
    result.history_matching = analysis::history_match(
        spec.parameters, result.numeric_targets, model, spec.history_matching, options.progress);
  } else {
    result.abc = analysis::abc_smc(spec.parameters, result.numeric_targets, model, spec.abc,
                                   options.progress);
  }
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  write_calibration(result, folder / "calibration.h5");
  return result;
}

void write_calibration(const CalibrationResult& r, const std::filesystem::path& path) {
  const std::size_t d = r.spec.parameters.size(), m = r.numeric_targets.size();
  std::filesystem::path part = path;
  part += ".part";
  {
    h5::Handle file = h5::create_file(part);
    const hid_t root = file.get();
    h5::write_attribute(root, "title", fmt::format("caresim calibration '{}'", r.spec.name));
    h5::write_attribute(root, "Conventions", std::string_view("CF-1.8"));
    h5::write_attribute(root, "caresim_version", std::string_view(kVersion));
    h5::write_attribute(root, "git_commit", std::string_view(kGitCommit));
    h5::write_attribute(root, "method",
                        std::string_view(kCalibrationMethodNames[static_cast<int>(r.spec.method)]));
    h5::write_attribute(root, "calibration_spec", r.spec.text);
    h5::write_attribute(root, "targets_file", r.targets.text);
    h5::write_attribute(root, "seed", static_cast<std::int64_t>(r.spec.seed));
    Scales s = common_scales(root, r);
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
    variable(root, "observed", observed, {&s.target}, "target value z (a band's midpoint)");
    variable(root, "observation_sd", obs_sd, {&s.target}, "observation error sd (band width / 6)");
    variable(root, "discrepancy_sd", disc_sd, {&s.target}, "model discrepancy sd");
    variable(root, "band_lower", lower, {&s.target}, "lower end of the band (NaN: not a band)");
    variable(root, "band_upper", upper, {&s.target}, "upper end of the band (NaN: not a band)");
    names(root, "target_series", series, s.target);
    names(root, "target_source", sources, s.target);

    if (r.spec.method == CalibrationMethod::history_matching) {
      const auto& hm = r.history_matching;
      h5::write_attribute(root, "waves", static_cast<std::int64_t>(hm.waves.size()));
      h5::write_attribute(root, "runs", static_cast<std::int64_t>(hm.runs));
      h5::write_attribute(root, "stopped", hm.stopped);
      for (std::size_t w = 0; w < hm.waves.size(); ++w) {
        const auto& wave = hm.waves[w];
        h5::Handle g = h5::create_group(root, fmt::format("wave_{}", w + 1));
        Scales gs = common_scales(g.get(), r);
        const std::size_t runs = wave.design_unit.size() / d;
        h5::Handle run = index_scale(g.get(), "run", runs, "run of the wave's design");
        variable(g.get(), "design_unit", wave.design_unit, {&run, &gs.parameter},
                 "design point in unit coordinates (the prior's CDF)");
        variable(g.get(), "design_value", wave.design_values, {&run, &gs.parameter},
                 "parameter value of the run");
        variable(g.get(), "output", wave.outputs, {&run, &gs.target},
                 "model output (mean over replicates)");
        variable(g.get(), "implausibility", wave.implausibility, {&run},
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
        variable(g.get(), "loo_standardised_error", loo, {&run, &gs.target},
                 "leave-one-out standardised error of the emulator");
        variable(g.get(), "emulator_loo_coverage_95", coverage, {&gs.target},
                 "share of |LOO standardised error| <= 1.96");
        variable(g.get(), "emulator_loo_max_abs_error", max_err, {&gs.target},
                 "largest |LOO standardised error|");
        variable(g.get(), "emulator_loo_rmse", rmse, {&gs.target}, "LOO root-mean-square error");
        variable(g.get(), "emulator_nugget_variance", nugget, {&gs.target},
                 "run-to-run variance estimated by the emulator's nugget");
        variable(g.get(), "emulator_signal_variance", signal, {&gs.target},
                 "the emulator's signal variance");
        variable(g.get(), "emulator_length", length, {&gs.target, &gs.parameter},
                 "correlation length in unit coordinates");
        h5::write_attribute(g.get(), "non_implausible_fraction", wave.non_implausible_fraction);
        h5::write_attribute(g.get(), "candidates_tested",
                            static_cast<std::int64_t>(wave.candidates_tested));
        h5::write_attribute(g.get(), "candidates_kept",
                            static_cast<std::int64_t>(wave.candidates_kept));
      }
      h5::Handle g = h5::create_group(root, "posterior");
      Scales gs = common_scales(g.get(), r);
      h5::Handle sample =
          index_scale(g.get(), "sample", hm.non_implausible_values.size() / d,
                      "non-implausible point (a uniform sample of the non-implausible space)");
      variable(g.get(), "non_implausible_value", hm.non_implausible_values,
               {&sample, &gs.parameter}, "parameter values not ruled out by any wave");
      h5::Handle final_run = index_scale(g.get(), "final_run", hm.final_matches.size(),
                                         "run at a non-implausible point after the last wave");
      variable(g.get(), "final_value", hm.final_values, {&final_run, &gs.parameter},
               "parameter values of the final runs");
      variable(g.get(), "final_output", hm.final_outputs, {&final_run, &gs.target},
               "outputs of the final runs");
      std::vector<double> match(hm.final_matches.begin(), hm.final_matches.end());
      variable(g.get(), "final_match", match, {&final_run},
               "1 if the run reproduces every target within the cut-off");
    } else {
      const auto& abc = r.abc;
      h5::write_attribute(root, "generations",
                          static_cast<std::int64_t>(abc.generations.size() - 1));
      h5::write_attribute(root, "simulations", static_cast<std::int64_t>(abc.simulations));
      h5::write_attribute(root, "stopped", abc.stopped);
      for (std::size_t t = 0; t < abc.generations.size(); ++t) {
        const auto& gen = abc.generations[t];
        const bool last = t + 1 == abc.generations.size();
        h5::Handle g = h5::create_group(root, fmt::format("generation_{}", t));
        Scales gs = common_scales(g.get(), r);
        h5::Handle particle = index_scale(g.get(), "particle", gen.weights.size(), "particle");
        variable(g.get(), "value", gen.values, {&particle, &gs.parameter}, "parameter values");
        variable(g.get(), "weight", gen.weights, {&particle}, "normalised importance weight");
        variable(g.get(), "distance", gen.distances, {&particle}, "distance to the targets");
        variable(g.get(), "output", gen.outputs, {&particle, &gs.target}, "model outputs");
        h5::write_attribute(g.get(), "tolerance", gen.tolerance);
        h5::write_attribute(g.get(), "acceptance_rate", gen.acceptance_rate);
        h5::write_attribute(g.get(), "effective_sample_size", gen.effective_sample_size);
        h5::write_attribute(g.get(), "simulations", static_cast<std::int64_t>(gen.simulations));
        if (last) {
          h5::Handle p = h5::create_group(root, "posterior");
          Scales ps = common_scales(p.get(), r);
          h5::Handle pp = index_scale(p.get(), "particle", gen.weights.size(), "particle");
          h5::Handle other = index_scale(p.get(), "parameter2", d, "uncertain parameter");
          variable(p.get(), "value", gen.values, {&pp, &ps.parameter}, "posterior sample");
          variable(p.get(), "weight", gen.weights, {&pp}, "normalised importance weight");
          variable(p.get(), "mean", abc.posterior_mean, {&ps.parameter}, "weighted mean");
          variable(p.get(), "covariance", abc.posterior_covariance, {&ps.parameter, &other},
                   "weighted covariance");
          h5::write_attribute(p.get(), "effective_sample_size", gen.effective_sample_size);
          h5::write_attribute(p.get(), "generation", static_cast<std::int64_t>(t));
        }
      }
    }
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
