// caresim analyse: sensitivity analysis of a sweep's summary file, or of a table of inputs and
// outputs from anywhere (caresim/analysis/sensitivity.hpp, caresim/ensemble/analyse.hpp).
#include <fmt/format.h>

#include <map>

#include "caresim/ensemble/analyse.hpp"
#include "command.hpp"

namespace caresim::cli {
namespace {

struct AnalyseArgs {
  std::string summary;
  std::string output;  ///< empty: analysis.nc beside the summary or table
  analysis::AnalysisOptions options;
  ensemble::Method method = ensemble::Method::automatic;
  std::string table;
  std::vector<std::string> inputs, outputs;
  ensemble::TableDesign design = ensemble::TableDesign::random;
  bool second_order = false;
};

int execute(const AnalyseArgs& a) {
  const std::string source = a.table.empty() ? a.summary : a.table;
  if (a.table.empty() == a.summary.empty()) {
    fmt::print(stderr, "caresim: error: analyse: expected a summary file or --table FILE\n");
    return kExitUsage;
  }
  if (a.table.empty() && (!a.inputs.empty() || !a.outputs.empty())) {
    fmt::print(stderr, "caresim: error: analyse: --inputs and --outputs are for --table\n");
    return kExitUsage;
  }
  try {
    const std::filesystem::path output = a.output.empty() ? ensemble::default_analysis_path(source)
                                                          : std::filesystem::path(a.output);
    if (a.table.empty()) {
      fmt::print("{}", ensemble::analyse_summary(a.summary, output, a.options, a.method));
    } else {
      const analysis::SummaryData data =
          ensemble::read_table(a.table, a.inputs, a.outputs, a.design, a.second_order);
      fmt::print("{}",
                 ensemble::analyse_data(data, std::filesystem::path(a.table).filename().string(),
                                        output, a.options, a.method));
    }
    fmt::print("\nwritten to {}\n", output.string());
    return kExitOk;
  } catch (const std::exception& e) {
    fmt::print(stderr, "caresim: error: {}: {}\n", source, e.what());
    return kExitUsage;
  }
}

template <class Enum, std::size_t N>
std::map<std::string, Enum> choices(const char* const (&names)[N]) {
  std::map<std::string, Enum> out;
  for (std::size_t i = 0; i < N; ++i)
    out[names[i]] = static_cast<Enum>(i);
  return out;
}

}  // namespace

void add_analyse_command(CLI::App& root, std::vector<Command>& commands) {
  auto args = std::make_shared<AnalyseArgs>();
  CLI::App* app = root.add_subcommand(
      "analyse",
      "Sensitivity analysis of a sweep summary, or of a table of inputs and outputs from "
      "anywhere (--table): Sobol S1/ST/S2 with a convergence check (sobol designs), Morris "
      "mu*/sigma (morris), PRCC and SRC (Latin hypercubes, csv designs, tables), marginal means "
      "(grids), and with replicates the variance split into parameter and stochastic parts; "
      "written to analysis.nc beside the input (or -o) and printed ranked. The input is only "
      "read.");
  app->add_option("summary", args->summary, "the sweep's summary.h5")->check(CLI::ExistingFile);
  app->add_option("-o,--output", args->output,
                  "the analysis file to write (default: analysis.nc beside the input)");
  app->add_option("--method", args->method,
                  "auto (by design), sobol, morris, prcc, src or marginal")
      ->transform(CLI::CheckedTransformer(choices<ensemble::Method>(ensemble::kMethodNames)));
  app->add_option("--table", args->table,
                  "a table of inputs and outputs instead of a summary: CSV with a header, or "
                  "netCDF/HDF5 with one 1-D variable per column")
      ->check(CLI::ExistingFile);
  app->add_option("--inputs", args->inputs, "--table: the input columns, e.g. a,b,c")
      ->delimiter(',');
  app->add_option("--outputs", args->outputs, "--table: the output columns, e.g. y")
      ->delimiter(',');
  app->add_option("--design", args->design,
                  "--table: how its rows were designed: random (any points; PRCC/SRC), saltelli "
                  "(blocks A, B, AB_j[, BA_j], as caresim writes them) or salib (A, AB_j[, BA_j], "
                  "B, as SALib's saltelli.sample writes them)")
      ->transform(
          CLI::CheckedTransformer(choices<ensemble::TableDesign>(ensemble::kTableDesignNames)));
  app->add_flag("--second-order", args->second_order,
                "--table: the Saltelli blocks hold the BA_j points (second-order indices)");
  app->add_option("--bootstrap", args->options.bootstrap, "bootstrap resamples (default 1000)")
      ->check(CLI::NonNegativeNumber);
  app->add_option("--confidence", args->options.confidence, "interval level (default 0.95)")
      ->check(CLI::Range(0.5, 0.999));
  app->add_option("--tolerance", args->options.convergence_tolerance,
                  "Sobol: largest change of an index from N/2 to N base samples counted as "
                  "settled (default 0.02)")
      ->check(CLI::PositiveNumber);
  commands.push_back({app, [args] { return execute(*args); }});
}

}  // namespace caresim::cli
