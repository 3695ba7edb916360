#pragma once
// The MPI backend of the ensemble runner (OpenMPI): rank 0 hands out runs in small batches as
// ranks ask for them, so fast ranks take more, and runs batches itself on a second thread. Each
// rank runs its batch with its own threads. Built only when CMake finds MPI; otherwise
// available() is false and nothing here may be called.

#include <cstdint>
#include <span>
#include <vector>

#include "caresim/ensemble/runner.hpp"

namespace caresim::ensemble::mpi {

/// Whether this build has the MPI backend.
bool available();
/// Whether the process was started by mpirun / srun with an MPI job around it (from the
/// environment, without initialising MPI).
bool launched();

/// MPI_Init_thread (funnelled) for the life of the object; MPI_Finalize at the end. One per
/// process, created on the main thread.
class Session {
 public:
  Session(int* argc, char*** argv);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;
  int rank() const { return rank_; }
  int size() const { return size_; }
  /// Rank 0's `value` on every rank (collective).
  int broadcast(int value) const;
  /// Ends the whole job at once (MPI_Abort) with `code`.
  [[noreturn]] void abort(int code) const;

 private:
  int rank_ = 0;
  int size_ = 1;
};

/// Runs the runs of `plan` (run i starting from bases[plan[i].base]) whose indices rank 0 gives in
/// `pending` (ignored elsewhere), over every rank (collective). `options.threads` is per rank;
/// options.on_done is called on rank 0 only, on its main thread, once per run as results arrive. A
/// run that fails on any rank is reported by rank 0 with the rank and the reason. Returns the
/// outcomes on rank 0, in the order of `pending`; empty on other ranks.
std::vector<RunOutcome> run_distributed(const Session& session, std::span<const BaseScenario> bases,
                                        std::span<const PlannedRun> plan,
                                        std::span<const std::size_t> pending,
                                        std::span<const MetricSpec> metrics,
                                        const RunnerOptions& options, int batch = 0);

}  // namespace caresim::ensemble::mpi
