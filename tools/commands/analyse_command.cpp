// caresim analyse: sensitivity analysis of a sweep's summary file
// (caresim/analysis/sensitivity.hpp).
#include <fmt/format.h>

#include "caresim/ensemble/analyse.hpp"
#include "command.hpp"

namespace caresim::cli {
namespace {

struct AnalyseArgs {
  std::string summary;
  std::string output;  ///< empty: analysis.nc beside the summary
  analysis::AnalysisOptions options;
};

int execute(const AnalyseArgs& a) {
  try {
    const std::filesystem::path output = a.output.empty()
                                             ? ensemble::default_analysis_path(a.summary)
                                             : std::filesystem::path(a.output);
    fmt::print("{}", ensemble::analyse_summary(a.summary, output, a.options));
    fmt::print("\nwritten to {}\n", output.string());
    return kExitOk;
  } catch (const std::invalid_argument& e) {
    fmt::print(stderr, "caresim: error: {}: {}\n", a.summary, e.what());
    return kExitUsage;
  } catch (const std::exception& e) {
    fmt::print(stderr, "caresim: error: {}: {}\n", a.summary, e.what());
    return kExitUsage;
  }
}

}  // namespace

void add_analyse_command(CLI::App& root, std::vector<Command>& commands) {
  auto args = std::make_shared<AnalyseArgs>();
  CLI::App* app = root.add_subcommand(
      "analyse",
      "Sensitivity analysis of a sweep summary: Sobol S1/ST (sobol designs), Morris mu*/sigma "
      "(morris), marginal means (grids); written to analysis.nc beside the summary (or -o) and "
      "printed ranked. The summary is only read.");
  app->add_option("summary", args->summary, "the sweep's summary.h5")
      ->required()
      ->check(CLI::ExistingFile);
  app->add_option("-o,--output", args->output,
                  "the analysis file to write (default: analysis.nc beside the summary)");
  app->add_option("--bootstrap", args->options.bootstrap, "bootstrap resamples (default 1000)")
      ->check(CLI::NonNegativeNumber);
  app->add_option("--confidence", args->options.confidence, "interval level (default 0.95)")
      ->check(CLI::Range(0.5, 0.999));
  commands.push_back({app, [args] { return execute(*args); }});
}

}  // namespace caresim::cli
