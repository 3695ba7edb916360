// caresim_bench: time per simulated day, and per agent, at several population sizes.
// A measurement, not a test: run it on a quiet machine, e.g.
//   build/caresim_bench --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
// Each benchmark builds the city once (scaled from scenarios/leeds.yaml) and then times steps.
#include <benchmark/benchmark.h>
#include <oneapi/tbb/global_control.h>
#include <sys/resource.h>

#include <cmath>
#include <memory>

#include "caresim/care/simulation.hpp"
#include "caresim/scenario/load.hpp"

namespace {

caresim::Scenario leeds_scaled(double scale) {
  caresim::Scenario s = caresim::load_scenario(CARESIM_SOURCE_DIR "/scenarios/leeds.yaml");
  s.run.days = 36500;  // room for as many timed steps as the benchmark wants
  s.city.citizens = static_cast<int>(std::lround(s.city.citizens * scale));
  for (auto& org : s.organisations) {
    org.staff = std::max(org.count, static_cast<int>(std::lround(org.staff * scale)));
  }
  return s;
}

double peak_rss_mib() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;
}

// Arguments: population scale in percent of Leeds, threads.
void BM_simulated_day(benchmark::State& bench) {
  const double scale = static_cast<double>(bench.range(0)) / 100.0;
  tbb::global_control threads(tbb::global_control::max_allowed_parallelism,
                              static_cast<std::size_t>(bench.range(1)));
  auto sim = std::make_unique<caresim::Simulation>(leeds_scaled(scale));
  std::vector<double> row(sim->layout().row_width());
  for (int warmup = 0; warmup < 5; ++warmup)
    sim->step();
  for (auto _ : bench) {
    sim->step();
    sim->observe(row);
    benchmark::DoNotOptimize(row.data());
  }
  const double agents =
      static_cast<double>(sim->state().citizens.size() + sim->state().staff.size());
  bench.counters["citizens"] = static_cast<double>(sim->state().citizens.size());
  bench.counters["staff"] = static_cast<double>(sim->state().staff.size());
  bench.counters["ties"] = static_cast<double>(sim->state().ties.edge_count());
  // Inverted iteration-invariant rates are times: (seconds per iteration) / value.
  const auto kTime = benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert;
  bench.counters["sec_per_sim_year"] = benchmark::Counter(1.0 / 365.0, kTime);
  bench.counters["sec_per_agent_day"] = benchmark::Counter(agents, kTime);  // shown as e.g. 10n
  bench.counters["peak_rss_MiB"] = peak_rss_mib();
}

BENCHMARK(BM_simulated_day)
    ->ArgNames({"scale_pct", "threads"})
    ->Args({10, 1})
    ->Args({10, 2})
    ->Args({25, 2})
    ->Args({100, 1})
    ->Args({100, 2})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()  // phases run on several threads: wall time is what a user waits
    ->MinTime(2.0);

// The largest scale that fits comfortably: 10 x Leeds (8.1 M citizens, 570,000 staff), for the
// memory per agent that the England-scale extrapolation (57 M citizens, 2.7 M staff) rests on.
BENCHMARK(BM_simulated_day)
    ->ArgNames({"scale_pct", "threads"})
    ->Args({1000, 2})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->Iterations(5);

}  // namespace

BENCHMARK_MAIN();
