#include "caresim/analysis/history_matching.hpp"

#include <oneapi/tbb/parallel_for.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace caresim::analysis {
namespace {

std::vector<double> to_values(const std::vector<Prior>& priors, std::span<const double> unit) {
  const std::size_t d = priors.size();
  std::vector<double> values(unit.size());
  for (std::size_t i = 0; i < unit.size(); ++i)
    values[i] = prior_value(priors[i % d], unit[i]);
  return values;
}

// Emulators of each output from the wave's runs (failed runs left out of that output's fit).
std::vector<GaussianProcess> fit_emulators(const HistoryMatchingWave& wave, std::size_t d,
                                           std::size_t m, const HistoryMatchingOptions& options,
                                           std::uint64_t wave_index) {
  std::vector<GaussianProcess> emulators;
  const std::size_t n = wave.outputs.size() / m;
  for (std::size_t k = 0; k < m; ++k) {
    std::vector<double> x, y;
    for (std::size_t i = 0; i < n; ++i) {
      const double v = wave.outputs[i * m + k];
      if (!std::isfinite(v)) continue;
      x.insert(x.end(), wave.design_unit.begin() + static_cast<std::ptrdiff_t>(i * d),
               wave.design_unit.begin() + static_cast<std::ptrdiff_t>((i + 1) * d));
      y.push_back(v);
    }
    EmulatorOptions eo = options.emulator;
    eo.seed = options.emulator.seed + 1000 * wave_index + k;
    emulators.push_back(GaussianProcess::fit(x, d, y, eo));
  }
  return emulators;
}

}  // namespace

double implausibility(const std::vector<GaussianProcess>& emulators,
                      const std::vector<CalibrationTarget>& targets, std::span<const double> x,
                      const HistoryMatchingOptions& options, std::vector<double>* per_output) {
  double first = 0.0, second = 0.0;
  if (per_output != nullptr) per_output->assign(targets.size(), 0.0);
  for (std::size_t k = 0; k < targets.size(); ++k) {
    const EmulatorPrediction p = emulators[k].predict(x);
    const double variance = p.variance +
                            (options.include_stochastic_variance ? p.nugget_variance : 0.0) +
                            targets[k].discrepancy_variance + targets[k].observation_variance;
    const double i = std::abs(targets[k].observed - p.mean) / std::sqrt(variance);
    if (per_output != nullptr) (*per_output)[k] = i;
    if (i > first) {
      second = first;
      first = i;
    } else if (i > second) {
      second = i;
    }
  }
  return options.second_max && targets.size() > 1 ? second : first;
}

bool non_implausible(const HistoryMatchingResult& result,
                     const std::vector<CalibrationTarget>& targets, std::span<const double> x,
                     const HistoryMatchingOptions& options) {
  for (const HistoryMatchingWave& wave : result.waves) {
    if (implausibility(wave.emulators, targets, x, options, nullptr) > options.cutoff) {
      return false;
    }
  }
  return true;
}

HistoryMatchingResult history_match(const std::vector<Prior>& priors,
                                    const std::vector<CalibrationTarget>& targets,
                                    const BatchModel& model, const HistoryMatchingOptions& options,
                                    const CalibrationProgress& progress) {
  const std::size_t d = priors.size(), m = targets.size();
  if (d == 0) throw std::invalid_argument("history matching needs at least one parameter");
  if (m == 0) throw std::invalid_argument("history matching needs at least one target");
  for (const Prior& p : priors)
    check_prior(p);
  for (const CalibrationTarget& t : targets) {
    if (!(t.observation_variance + t.discrepancy_variance >= 0.0)) {
      throw std::invalid_argument("target '" + t.name + "': variances must be >= 0");
    }
  }
  const std::size_t n = options.runs_per_wave;
  HistoryMatchingResult result;
  std::uint64_t batch = 0;
  const std::size_t planned = static_cast<std::size_t>(options.waves) * n + options.final_runs;
  std::vector<double> design_unit = maximin_latin_hypercube(n, d, options.seed);
  std::vector<double> kept;  // non-implausible candidates of the latest wave (unit)

  for (int w = 0; w < options.waves; ++w) {
    HistoryMatchingWave wave;
    wave.design_unit = design_unit;
    wave.design_values = to_values(priors, design_unit);
    const std::size_t runs = design_unit.size() / d;
    if (progress) progress("wave " + std::to_string(w + 1) + " runs", result.runs, planned);
    wave.outputs = model(wave.design_values, runs, batch++);
    result.runs += runs;
    if (progress) progress("wave " + std::to_string(w + 1) + " emulators", result.runs, planned);
    wave.emulators = fit_emulators(wave, d, m, options, static_cast<std::uint64_t>(w));
    wave.implausibility.resize(runs);
    for (std::size_t i = 0; i < runs; ++i) {
      wave.implausibility[i] =
          implausibility(wave.emulators, targets, std::span<const double>(&design_unit[i * d], d),
                         options, nullptr);
    }
    result.waves.push_back(std::move(wave));
    HistoryMatchingWave& current = result.waves.back();

    // Rejection: uniform candidates kept if no wave so far rules them out.
    kept.clear();
    for (int round = 0; round < options.max_candidate_rounds; ++round) {
      const std::size_t c = options.candidates;
      std::vector<double> pool(c * d);
      std::vector<std::uint8_t> ok(c, 0);
      tbb::parallel_for(std::size_t{0}, c, [&](std::size_t i) {
        // The same candidates every wave: the fraction kept can then only shrink.
        Stream stream(options.seed, purpose::history_matching_candidates,
                      static_cast<std::uint32_t>(round), static_cast<std::uint32_t>(i));
        for (std::size_t j = 0; j < d; ++j)
          pool[i * d + j] = stream.uniform();
        ok[i] = non_implausible(result, targets, std::span<const double>(&pool[i * d], d), options)
                    ? 1
                    : 0;
      });
      current.candidates_tested += c;
      for (std::size_t i = 0; i < c; ++i) {
        if (ok[i] == 0) continue;
        kept.insert(kept.end(), pool.begin() + static_cast<std::ptrdiff_t>(i * d),
                    pool.begin() + static_cast<std::ptrdiff_t>((i + 1) * d));
        ++current.candidates_kept;
      }
      if (current.candidates_kept >= std::max(n, options.final_runs)) break;
    }
    // Earlier waves' fractions multiply: each round tests against every wave at once.
    current.non_implausible_fraction = static_cast<double>(current.candidates_kept) /
                                       static_cast<double>(current.candidates_tested);
    if (current.candidates_kept == 0) {
      result.stopped = "wave " + std::to_string(w + 1) +
                       " ruled out every candidate: no parameter set in the prior reproduces "
                       "the targets within the cut-off (check targets, discrepancy, priors)";
      break;
    }
    if (w + 1 < options.waves) {
      const auto chosen = greedy_maximin(kept, d, n);
      design_unit.clear();
      for (std::size_t i : chosen)
        design_unit.insert(design_unit.end(), kept.begin() + static_cast<std::ptrdiff_t>(i * d),
                           kept.begin() + static_cast<std::ptrdiff_t>((i + 1) * d));
    }
  }
  result.non_implausible_unit = kept;
  result.non_implausible_values = to_values(priors, kept);

  if (!kept.empty() && options.final_runs > 0) {
    const auto chosen = greedy_maximin(kept, d, options.final_runs);
    std::vector<double> unit;
    for (std::size_t i : chosen)
      unit.insert(unit.end(), kept.begin() + static_cast<std::ptrdiff_t>(i * d),
                  kept.begin() + static_cast<std::ptrdiff_t>((i + 1) * d));
    result.final_values = to_values(priors, unit);
    if (progress) progress("final runs", result.runs, planned);
    result.final_outputs = model(result.final_values, chosen.size(), batch++);
    result.runs += chosen.size();
    const auto& emulators = result.waves.back().emulators;
    for (std::size_t i = 0; i < chosen.size(); ++i) {
      bool match = true;
      for (std::size_t k = 0; k < m; ++k) {
        const double y = result.final_outputs[i * m + k];
        const double stochastic =
            options.include_stochastic_variance ? emulators[k].nugget_variance() : 0.0;
        const double sd = std::sqrt(targets[k].observation_variance +
                                    targets[k].discrepancy_variance + stochastic);
        if (!(std::abs(targets[k].observed - y) <= options.cutoff * sd)) match = false;
      }
      result.final_matches.push_back(match ? 1 : 0);
    }
  }
  if (progress) progress("done", result.runs, result.runs);
  return result;
}

}  // namespace caresim::analysis
