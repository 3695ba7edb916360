#pragma once
// The studio's what-if view for leaders: paired comparisons run on the server, each on its own
// thread, with progress and cancel, under a limit of comparisons at once. The result is the
// leader's report (ensemble/compare_report.hpp) as JSON: the same words and numbers as the CLI
// table and the HTML report.

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "caresim/ensemble/compare_report.hpp"

namespace caresim::studio {

/// What a leader may ask of the server: small enough to show in a meeting.
struct WhatIfLimits {
  std::size_t running = 2;  ///< comparisons at once (429 beyond)
  int min_days = 30, max_days = 1095;
  int max_replicates = 8;      ///< at least 2
  std::size_t max_arms = 4;    ///< the baseline and up to three variants
  int threads = 2;             ///< worker threads per comparison
  int max_warm_up_days = 730;  ///< days of a "warm up first" run of the baseline
};

/// The report as JSON: {"title", "scale", "method", "arms": [{name, file, description}],
/// "versus": [{arm, reference, start_day, start, window, rows: [{series, name, units, better,
/// percent, reference, arm, change, interval, verdict, verdict_class, effect, before,
/// days_to_effect}], neighbourhoods: [...]}], "plot_days", "plots": [{series, name, units,
/// percent, arms: [{mean, low, high}], diffs: [...]}]}. NaN is null.
std::string report_json(const ensemble::CompareReport& report);

class WhatIf {
 public:
  /// `scenarios` holds what-if/; each comparison works in a folder of its own under `scratch`.
  WhatIf(std::filesystem::path scenarios, std::filesystem::path scratch, WhatIfLimits limits);
  ~WhatIf();
  WhatIf(const WhatIf&) = delete;
  WhatIf& operator=(const WhatIf&) = delete;

  /// {"scenarios": [{file, name, description, question}], "posteriors": [{file, description,
  /// sets, parameters}] (from scenarios/calibration/), "checkpoints": [{file, day}] (*.ckpt in
  /// the scenarios folder, what-if/ and checkpoints/), "kinds": [{kind, section, doc,
  /// keys: [{key, type, value, lo, hi, unit, meaning, choices}]}], "limits": {...}}.
  std::string options_json() const;

  /// Starts a comparison from {"baseline": "what-if/baseline.yaml", "variants": [file or
  /// {"name", "interventions": [{"kind", "day", "set": {key: value}}]}], "days": n,
  /// "replicates": n, optional "parameters": "calibration/<posterior>" (parameter uncertainty,
  /// compare --parameters), and optional "from": "<checkpoint>.ckpt" (compare --from) or
  /// "warm_up_days": n (the baseline runs n days first, every option starts from its end state
  /// and runs `days` more)}; returns {"id", "total"}. StudioError 400 (bad body, scenario or key),
  /// 404 (no such file), 429 (limits.running comparisons already running).
  std::string start(const std::string& body);
  /// {"id", "state": "running"|"done"|"failed"|"cancelled", "done", "total", "arms", "error",
  /// "report"} (report once done). StudioError 404 for an unknown id.
  std::string status(const std::string& id) const;
  /// Stops a comparison (its thread ends after the runs in flight) and forgets it.
  void cancel(const std::string& id);
  std::size_t running() const;
  void shutdown();

 private:
  struct Job;
  std::filesystem::path scenarios_, scratch_;
  WhatIfLimits limits_;
  mutable std::mutex mutex_;
  std::map<std::string, std::shared_ptr<Job>> jobs_;
  std::uint64_t next_id_ = 1;
};

}  // namespace caresim::studio
