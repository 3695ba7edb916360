#include "caresim/catalogue/run.hpp"

#include <fmt/format.h>
#include <oneapi/tbb/global_control.h>
#include <oneapi/tbb/info.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <limits>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string_view>

#include "caresim/catalogue/catalogue.hpp"
#include "caresim/core/stop.hpp"
#include "caresim/engine/simulator.hpp"
#include "caresim/scenario/load.hpp"
#include "caresim/version.hpp"

namespace caresim {

std::string utc_now() {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::uint64_t estimated_memory_bytes(const Scenario& scenario) {
  if (scenario.model != ModelKind::care) return 0;
  // Generous per-agent and per-tie costs: measured peak RSS is 30 MB for leeds_small and 109 MB
  // for leeds (one day); this gives about three times that (91 MB, 333 MB), so it refuses only
  // cities that clearly cannot fit, before anything is built or written.
  constexpr double kCitizenBytes = 160.0;
  constexpr double kStaffBytes = 512.0;
  constexpr double kTieEndBytes = 48.0;
  constexpr double kBaseBytes = 64.0 * 1024 * 1024;
  double staff = 0.0, organisations = 0.0;
  for (const OrganisationSpec& org : scenario.organisations) {
    staff += org.staff;
    organisations += org.count;
  }
  const TieSettings& t = scenario.ties;
  const double ties_per_staff = std::min<double>(
      t.max_ties, (t.team_size - 1) + t.within_org_ties_per_staff + t.cross_org_ties_per_staff);
  const double bytes = kBaseBytes + kCitizenBytes * scenario.city.citizens +
                       staff * (kStaffBytes + 2.0 * kTieEndBytes * ties_per_staff) +
                       4096.0 * organisations;
  return static_cast<std::uint64_t>(std::min(bytes, 1.8e19));
}

std::uint64_t physical_memory_bytes() {
  const long pages = ::sysconf(_SC_PHYS_PAGES);
  const long page_size = ::sysconf(_SC_PAGE_SIZE);
  return pages > 0 && page_size > 0
             ? static_cast<std::uint64_t>(pages) * static_cast<std::uint64_t>(page_size)
             : 0;
}

void check_memory(const Scenario& scenario) {
  const std::uint64_t need = estimated_memory_bytes(scenario);
  const std::uint64_t have = physical_memory_bytes();
  if (have > 0 && need > have) {
    constexpr double kGiB = 1024.0 * 1024.0 * 1024.0;
    throw std::invalid_argument(
        fmt::format("the city needs about {:.1f} GiB of memory to build ({} citizens, staff and "
                    "ties as given), more than this machine's {:.1f} GiB; make it smaller",
                    static_cast<double>(need) / kGiB, scenario.city.citizens,
                    static_cast<double>(have) / kGiB));
  }
}

namespace {
/// After a failure: marks the run file failed and closes it; removes it if that did not work or
/// if writing it was what failed. `file` is null only if it was already closed (finished or
/// interrupted) and the rename failed: then the .part is complete and stays.
void abandon(std::unique_ptr<io::RunFile>& file, const std::filesystem::path& part,
             bool write_failed) {
  if (!file) return;
  bool marked_failed = false;
  try {
    file->set_attributes({Attribute::of("end_time", utc_now())});
    file->close(RunStatus::failed);
    marked_failed = true;
  } catch (...) {
    // The original error is the one to report.
  }
  file.reset();
  if (!marked_failed || write_failed) {
    std::error_code ignored;
    std::filesystem::remove(part, ignored);
  }
}
}  // namespace

RunResult run_scenario(const Scenario& scenario, const RunOptions& options) {
  check_memory(scenario);
  using clock = std::chrono::steady_clock;
  std::optional<tbb::global_control> threads;
  const int thread_count = options.threads > 0 ? options.threads : tbb::info::default_concurrency();
  if (options.limit_threads) {
    threads.emplace(tbb::global_control::max_allowed_parallelism,
                    static_cast<std::size_t>(thread_count));
  }

  RunResult result;
  result.output = options.output;
  const auto build_start = clock::now();
  std::unique_ptr<Simulator> simulator;
  try {
    // The city's build honours the stop flag (core/stop.hpp): a big city stops within a chunk.
    const StopScope stoppable(options.stop);
    // From a saved state, the warm-up would be thrown away: that state is loaded instead.
    simulator = make_simulator(scenario, options.start_from == nullptr);
  } catch (const Stopped& stopped) {
    // Stopped while the city was built: nothing written, nothing to keep.
    result.signal = stopped.signal();
    result.status = RunStatus::interrupted;
    result.output.clear();
    return result;
  }
  Simulator& sim = *simulator;
  const io::Checkpoint* from = options.start_from;
  if (from != nullptr) {
    if (from->row_width != sim.layout().row_width()) {
      throw std::invalid_argument(fmt::format(
          "the checkpoint's output rows have {} values, this scenario's {}: not the same model "
          "and city",
          from->row_width, sim.layout().row_width()));
    }
    try {
      StateArchive reader = StateArchive::reader(from->state);
      sim.visit_state(reader);
      reader.expect_end();
    } catch (const std::runtime_error& e) {
      throw std::invalid_argument(e.what());
    }
    if (sim.day() != from->day) {
      throw std::invalid_argument(fmt::format(
          "the checkpoint was saved after day {} of its run, but this scenario counts its state "
          "as day {}: the two scenarios' run.warm_up_days differ (use the saved run's)",
          from->day, sim.day()));
    }
  }
  result.build_seconds = std::chrono::duration<double>(clock::now() - build_start).count();

  std::filesystem::path part = options.output;
  part += ".part";
  if (options.stop != nullptr && options.stop->load() != 0) {
    // Stopped while the city was built: nothing written, nothing to keep.
    result.signal = options.stop->load();
    result.status = RunStatus::interrupted;
    result.output.clear();
    return result;
  }
  // The file's layout: every series, or the chosen ones; `kept_columns` maps a file row to the
  // simulator's row when they differ.
  RunLayout file_layout = sim.layout();
  std::vector<std::size_t> kept_columns;
  if (options.series) {
    const RunLayout& full = sim.layout();
    file_layout.series.clear();
    file_layout.dimensions.clear();
    std::vector<int> new_dimension(full.dimensions.size(), -1);
    std::size_t offset = 0;
    for (const SeriesSpec& series : full.series) {
      const std::size_t width =
          series.dimension < 0
              ? 1
              : full.dimensions[static_cast<std::size_t>(series.dimension)].labels.size();
      if (std::find(options.series->begin(), options.series->end(), series.name) !=
          options.series->end()) {
        SeriesSpec kept = series;
        if (series.dimension >= 0) {
          int& d = new_dimension[static_cast<std::size_t>(series.dimension)];
          if (d < 0) {
            d = static_cast<int>(file_layout.dimensions.size());
            file_layout.dimensions.push_back(
                full.dimensions[static_cast<std::size_t>(series.dimension)]);
          }
          kept.dimension = d;
        }
        file_layout.series.push_back(std::move(kept));
        for (std::size_t c = 0; c < width; ++c)
          kept_columns.push_back(offset + c);
      }
      offset += width;
    }
  }
  std::vector<double> file_row(kept_columns.size());
  std::unique_ptr<io::RunFile> file;
  try {
    file = std::make_unique<io::RunFile>(part, file_layout);
  } catch (...) {
    // Creating the file failed part-way (a full disk): what is on disk is not a run file.
    std::error_code ignored;
    std::filesystem::remove(part, ignored);
    throw;
  }
  result.output = part;  // where the run's file is until it finishes
  const std::string started = utc_now();
  char host[256] = {};
  ::gethostname(host, sizeof host - 1);
  std::vector<Attribute> provenance = {
      Attribute::of("title", fmt::format("caresim run of scenario '{}'", scenario.name)),
      Attribute::of("Conventions", std::string("CF-1.8")),
      Attribute::of("caresim_version", std::string(kVersion)),
      Attribute::of("git_commit", std::string(kGitCommit)),
      Attribute::of("scenario", to_yaml(scenario)),
      Attribute::of("scenario_name", scenario.name),
      Attribute::of("scenario_file", options.scenario_file),
      Attribute::of("command_line", options.command_line),
      Attribute::of("seed", static_cast<std::int64_t>(scenario.run.seed)),
      Attribute::of("threads", static_cast<std::int64_t>(thread_count)),
      Attribute::of("steps_requested", static_cast<std::int64_t>(scenario.run.days)),
      Attribute::of("start_time", started),
      // With status "running", these tell a live run from a killed one (run_is_alive).
      Attribute::of("pid", static_cast<std::int64_t>(::getpid())),
      Attribute::of("host", std::string(host)),
  };
  for (Attribute& a : sim.describe())
    provenance.push_back(std::move(a));
  if (from != nullptr) {
    // Rows before this day were simulated by the run that saved the checkpoint.
    provenance.push_back(Attribute::of("started_from_day", static_cast<std::int64_t>(from->day)));
  }

  // Running summaries of the headline series, so nothing is held per step.
  std::vector<std::size_t> headline_offsets;
  {
    const RunLayout& layout = sim.layout();
    std::vector<std::size_t> offset_of(layout.series.size());
    std::size_t offset = 0;
    for (std::size_t i = 0; i < layout.series.size(); ++i) {
      offset_of[i] = offset;
      const int dim = layout.series[i].dimension;
      offset += dim < 0 ? 1 : layout.dimensions[static_cast<std::size_t>(dim)].labels.size();
    }
    for (std::size_t i : sim.headline_series()) {
      headline_offsets.push_back(offset_of[i]);
      result.headline.push_back({layout.series[i].name, layout.series[i].units, 0.0,
                                 std::numeric_limits<double>::infinity(),
                                 -std::numeric_limits<double>::infinity(), 0.0});
    }
  }

  std::vector<double> row(sim.layout().row_width());
  const int days = sim.days();
  const int flush_every = scenario.run.flush_every_days;
  const auto loop_start = clock::now();
  double observe_seconds = 0.0, write_seconds = 0.0;

  // With checkpoints on, `saved` holds what the run file holds so far (rows and tables), and
  // takes the simulator's state when a checkpoint is written.
  const bool checkpoints = options.checkpoint_every > 0;
  // A stop inside a step (core/stop.hpp) leaves the day half done; the run file keeps the days
  // before it. Not with checkpoints on: a checkpoint must hold a whole day, so such a run
  // finishes the day under way and saves it (what a Slurm job at its time limit needs).
  const std::atomic<int>* const stop_inside_step = checkpoints ? nullptr : options.stop;
  bool stopped_inside_step = false;
  int days_done = 0;  // whole days simulated (rows taken)
  io::Checkpoint saved;
  std::filesystem::path checkpoint_path = options.checkpoint;
  if (checkpoint_path.empty()) checkpoint_path = options.output.string() + ".ckpt";
  if (checkpoints) {
    saved.caresim_version = kVersion;
    saved.scenario_yaml = to_yaml(scenario);
    saved.scenario_file = options.scenario_file;
    saved.checkpoint_every = options.checkpoint_every;
    saved.row_width = sim.layout().row_width();
  }
  const auto write_table = [&](const Table& table) {
    file->write_table(table);
    if (checkpoints) saved.tables.push_back(table);
  };
  // One row of output: to the file, the callbacks and the headline summaries.
  const auto take_row = [&](std::int32_t day, std::span<const double> values) {
    if (options.series) {
      for (std::size_t c = 0; c < kept_columns.size(); ++c)
        file_row[c] = values[kept_columns[c]];
      file->append(day, file_row);
    } else {
      file->append(day, values);
    }
    if (checkpoints) saved.rows.insert(saved.rows.end(), values.begin(), values.end());
    if (options.on_row) options.on_row(sim.layout(), day, values);
    for (std::size_t h = 0; h < headline_offsets.size(); ++h) {
      HeadlineSummary& s = result.headline[h];
      const double x = values[headline_offsets[h]];
      s.mean += x;
      s.min = std::min(s.min, x);
      s.max = std::max(s.max, x);
      s.last = x;
    }
  };
  const auto save_checkpoint = [&] {
    const auto start = clock::now();
    if (options.on_saving) options.on_saving(true);
    struct Saved {
      const std::function<void(bool)>& on_saving;
      ~Saved() {
        if (on_saving) on_saving(false);
      }
    } saved_guard{options.on_saving};
    saved.day = sim.day();
    StateArchive writer = StateArchive::writer();
    sim.visit_state(writer);
    saved.state = writer.take_bytes();
    file->flush();  // the .part then holds the same days as the checkpoint
    io::write_checkpoint(checkpoint_path, saved);
    saved.state.clear();
    result.checkpoint_day = saved.day;
    if (options.on_checkpoint) {
      options.on_checkpoint(saved.day, io::checkpoint_size(checkpoint_path),
                            std::chrono::duration<double>(clock::now() - start).count());
    }
  };

  try {
    file->set_attributes(provenance);
    if (from == nullptr) {
      for (const Table& table : sim.tables(false))
        write_table(table);
    } else {
      for (const Table& table : from->tables)
        write_table(table);
      const std::size_t width = from->row_width;
      for (std::int32_t d = 0; d < from->day; ++d)
        take_row(d, std::span<const double>(from->rows).subspan(d * width, width));
      file->flush();
    }
    while (sim.day() < days) {
      if (options.stop != nullptr && options.stop->load() != 0) {
        result.signal = options.stop->load();
        break;
      }
      days_done = sim.day();
      try {
        const StopScope stoppable(stop_inside_step);
        sim.step();
      } catch (const Stopped& stopped) {
        result.signal = stopped.signal();
        stopped_inside_step = true;
        break;
      }
      const auto observe_start = clock::now();
      sim.observe(row);
      const auto write_start = clock::now();
      take_row(sim.day() - 1, row);
      for (const Table& table : sim.tables(false))
        write_table(table);
      if (options.on_step) options.on_step(sim);
      if (sim.day() % flush_every == 0) file->flush();
      if (checkpoints && sim.day() % options.checkpoint_every == 0 && sim.day() < days)
        save_checkpoint();
      const auto write_end = clock::now();
      observe_seconds += std::chrono::duration<double>(write_start - observe_start).count();
      write_seconds += std::chrono::duration<double>(write_end - write_start).count();
      if (options.progress) options.progress(sim.day(), days);
    }
    // After a stop inside a step the simulator's own day count may be part-way on.
    result.steps = stopped_inside_step ? days_done : sim.day();
    result.seconds = std::chrono::duration<double>(clock::now() - loop_start).count();
    for (HeadlineSummary& s : result.headline) {
      if (result.steps > 0) s.mean /= result.steps;
    }
    result.phase_seconds = sim.phase_seconds();
    result.phase_seconds.emplace_back("observe", observe_seconds);
    result.phase_seconds.emplace_back("write", write_seconds);
    result.status = result.steps == days ? RunStatus::finished : RunStatus::interrupted;
    // Stopped or finished: the state as it is now, unless the last checkpoint already holds it.
    // Never from a half-done day (a stop inside a step, which checkpointing runs do not take).
    if (checkpoints && !stopped_inside_step && result.checkpoint_day != sim.day())
      save_checkpoint();
    // The end-of-run tables describe the state as it is now: not written from a half-done day.
    if (!stopped_inside_step) {
      for (const Table& table : sim.tables(true))
        file->write_table(table);
    }
    file->set_attributes(
        {Attribute::of("end_time", utc_now()), Attribute::of("wall_seconds", result.seconds)});
    if (stopped_inside_step) {
      file->set_attributes({Attribute::of("stopped_inside_day",
                                          static_cast<std::int64_t>(result.steps))});
    }
    file->close(result.status);
    file.reset();
    // Only a finished run replaces an existing output; an interrupted one stays at .part.
    if (result.status == RunStatus::finished) {
      std::filesystem::rename(part, options.output);
      result.output = options.output;
    }
  } catch (const std::exception& error) {
    // A failed write of the run file itself (a full disk) can leave it unreadable on disk even
    // when marking it failed seemed to work, so such a file is removed, not left as output.
    abandon(file, part, std::string_view(error.what()).starts_with("run file " + part.string()));
    throw;
  } catch (...) {
    abandon(file, part, false);
    throw;
  }
  return result;
}

}  // namespace caresim
