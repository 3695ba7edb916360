#include "caresim/ensemble/mpi.hpp"

#include <cstdlib>
#include <stdexcept>

#ifdef CARESIM_HAVE_MPI
#include <fmt/format.h>
#include <mpi.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstring>
#include <deque>
#include <mutex>
#include <thread>
#endif

namespace caresim::ensemble::mpi {

bool launched() {
  for (const char* name : {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_SIZE"}) {
    if (std::getenv(name) != nullptr) return true;
  }
  return false;
}

#ifndef CARESIM_HAVE_MPI

bool available() {
  return false;
}
Session::Session(int*, char***) {
  throw std::logic_error("caresim was built without MPI");
}
Session::~Session() = default;
int Session::broadcast(int value) const {
  return value;
}
void Session::abort(int code) const {
  std::exit(code);
}
std::vector<RunOutcome> run_distributed(const Session&, std::span<const BaseScenario>,
                                        std::span<const PlannedRun>, std::span<const std::size_t>,
                                        std::span<const MetricSpec>, const RunnerOptions&, int) {
  throw std::logic_error("caresim was built without MPI");
}

#else

namespace {

constexpr int kTagResults = 1;  // worker -> 0: results of the last batch (maybe none), asks more
constexpr int kTagWork = 2;     // 0 -> worker: run indices; an empty batch means stop

// What a dying worker prints: set before each batch, written from the signal handler.
char g_dying_message[256] = "caresim: an MPI rank died\n";

extern "C" void on_fatal_signal(int signo) {
  const ssize_t unused = write(STDERR_FILENO, g_dying_message, std::strlen(g_dying_message));
  (void)unused;
  std::signal(signo, SIG_DFL);
  std::raise(signo);
}

void append(std::string& buffer, const void* data, std::size_t bytes) {
  buffer.append(static_cast<const char*>(data), bytes);
}
template <class T>
T take(const char*& at) {
  T value;
  std::memcpy(&value, at, sizeof value);
  at += sizeof value;
  return value;
}

// Results are packed as raw bytes: both ends are the same binary on the same kind of machine.
std::string pack(const std::vector<RunOutcome>& outcomes) {
  std::string buffer;
  for (const RunOutcome& o : outcomes) {
    const std::int64_t id = o.id, status = static_cast<std::int64_t>(o.status),
                       metrics = static_cast<std::int64_t>(o.metrics.size()),
                       error = static_cast<std::int64_t>(o.error.size());
    for (std::int64_t v : {id, status, metrics, error})
      append(buffer, &v, sizeof v);
    append(buffer, &o.seconds, sizeof o.seconds);
    append(buffer, &o.sim_seconds, sizeof o.sim_seconds);
    append(buffer, o.metrics.data(), o.metrics.size() * sizeof(double));
    buffer += o.error;
  }
  return buffer;
}

std::vector<RunOutcome> unpack(const std::string& buffer) {
  std::vector<RunOutcome> out;
  const char* at = buffer.data();
  const char* end = at + buffer.size();
  while (at < end) {
    RunOutcome o;
    o.id = take<std::int64_t>(at);
    o.status = static_cast<RunStatus>(take<std::int64_t>(at));
    const auto metrics = static_cast<std::size_t>(take<std::int64_t>(at));
    const auto error = static_cast<std::size_t>(take<std::int64_t>(at));
    o.seconds = take<double>(at);
    o.sim_seconds = take<double>(at);
    o.metrics.resize(metrics);
    std::memcpy(o.metrics.data(), at, metrics * sizeof(double));
    at += metrics * sizeof(double);
    o.error.assign(at, error);
    at += error;
    out.push_back(std::move(o));
  }
  return out;
}

std::string receive(int source, int tag, int* from) {
  MPI_Status status;
  MPI_Probe(source, tag, MPI_COMM_WORLD, &status);
  int bytes = 0;
  MPI_Get_count(&status, MPI_BYTE, &bytes);
  std::string buffer(static_cast<std::size_t>(bytes), '\0');
  MPI_Recv(buffer.data(), bytes, MPI_BYTE, status.MPI_SOURCE, tag, MPI_COMM_WORLD,
           MPI_STATUS_IGNORE);
  if (from != nullptr) *from = status.MPI_SOURCE;
  return buffer;
}

void send(const void* data, std::size_t bytes, int dest, int tag) {
  MPI_Send(data, static_cast<int>(bytes), MPI_BYTE, dest, tag, MPI_COMM_WORLD);
}

}  // namespace

bool available() {
  return true;
}

Session::Session(int* argc, char*** argv) {
  int provided = 0;
  MPI_Init_thread(argc, argv, MPI_THREAD_FUNNELED, &provided);
  MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
  MPI_Comm_size(MPI_COMM_WORLD, &size_);
}

Session::~Session() {
  MPI_Finalize();
}

int Session::broadcast(int value) const {
  MPI_Bcast(&value, 1, MPI_INT, 0, MPI_COMM_WORLD);
  return value;
}

void Session::abort(int code) const {
  MPI_Abort(MPI_COMM_WORLD, code);
  std::exit(code);
}

std::vector<RunOutcome> run_distributed(const Session& session, std::span<const BaseScenario> bases,
                                        std::span<const PlannedRun> plan,
                                        std::span<const std::size_t> pending,
                                        std::span<const MetricSpec> metrics,
                                        const RunnerOptions& options, int batch) {
  const int threads = options.threads > 0 ? options.threads : 1;
  const auto batch_size = static_cast<std::size_t>(batch > 0 ? batch : threads);
  RunnerOptions local = options;
  local.threads = threads;
  local.on_done = nullptr;

  if (session.rank() != 0) {
    for (int s : {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT})
      std::signal(s, on_fatal_signal);
    std::vector<RunOutcome> results;
    for (;;) {
      const std::string packed = pack(results);
      send(packed.data(), packed.size(), 0, kTagResults);
      const std::string work = receive(0, kTagWork, nullptr);
      if (work.empty()) break;
      std::vector<PlannedRun> runs;
      const char* at = work.data();
      while (at < work.data() + work.size())
        runs.push_back(plan[static_cast<std::size_t>(take<std::int64_t>(at))]);
      std::snprintf(g_dying_message, sizeof g_dying_message,
                    "caresim: MPI rank %d died while running runs %lld..%lld\n", session.rank(),
                    static_cast<long long>(runs.front().id),
                    static_cast<long long>(runs.back().id));
      results = run_local(bases, runs, metrics, local);
    }
    return {};
  }

  // Rank 0: a queue both the other ranks and a local thread draw batches from.
  std::mutex mutex;
  std::deque<std::size_t> queue(pending.begin(), pending.end());
  std::vector<RunOutcome> finished_locally;
  auto next_batch = [&] {
    const std::lock_guard lock(mutex);
    std::vector<std::int64_t> ids;
    while (!queue.empty() && ids.size() < batch_size) {
      ids.push_back(static_cast<std::int64_t>(queue.front()));
      queue.pop_front();
    }
    return ids;
  };
  std::thread local_worker([&] {
    for (;;) {
      const std::vector<std::int64_t> ids = next_batch();
      if (ids.empty()) break;
      std::vector<PlannedRun> runs;
      for (std::int64_t id : ids)
        runs.push_back(plan[static_cast<std::size_t>(id)]);
      std::vector<RunOutcome> done = run_local(bases, runs, metrics, local);
      const std::lock_guard lock(mutex);
      for (RunOutcome& o : done)
        finished_locally.push_back(std::move(o));
    }
  });

  std::vector<RunOutcome> outcomes;
  auto take_outcome = [&](RunOutcome o, int rank) {
    if (o.status == RunStatus::failed) {
      fmt::print(stderr, "caresim: run {} failed on MPI rank {}: {}\n", o.id, rank, o.error);
    }
    if (options.on_done) options.on_done(o);
    outcomes.push_back(std::move(o));
  };
  int active = session.size() - 1;
  bool local_done = false;
  while (active > 0 || !local_done) {
    bool idle = true;
    int flag = 0;
    MPI_Status status;
    MPI_Iprobe(MPI_ANY_SOURCE, kTagResults, MPI_COMM_WORLD, &flag, &status);
    if (flag != 0) {
      idle = false;
      int from = 0;
      const std::string packed = receive(status.MPI_SOURCE, kTagResults, &from);
      for (RunOutcome& o : unpack(packed))
        take_outcome(std::move(o), from);
      const std::vector<std::int64_t> ids = next_batch();
      send(ids.data(), ids.size() * sizeof(std::int64_t), from, kTagWork);
      if (ids.empty()) --active;
    }
    std::vector<RunOutcome> drained;
    {
      const std::lock_guard lock(mutex);
      drained.swap(finished_locally);
    }
    for (RunOutcome& o : drained)
      take_outcome(std::move(o), 0);
    if (!local_done && !drained.empty()) idle = false;
    if (!local_done) {
      const std::lock_guard lock(mutex);
      local_done = queue.empty() && finished_locally.empty() && !local_worker.joinable();
    }
    if (!local_done && local_worker.joinable()) {
      bool queue_empty = false;
      {
        const std::lock_guard lock(mutex);
        queue_empty = queue.empty();
      }
      // The local thread ends once the queue is empty and its last batch is in.
      if (queue_empty && idle) {
        local_worker.join();
        const std::lock_guard lock(mutex);
        drained.clear();
        drained.swap(finished_locally);
        for (RunOutcome& o : drained)
          take_outcome(std::move(o), 0);
        local_done = true;
      }
    }
    if (idle) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  if (local_worker.joinable()) local_worker.join();
  // Back in the order of `pending`.
  std::vector<std::size_t> position(plan.size(), 0);
  for (std::size_t i = 0; i < pending.size(); ++i)
    position[pending[i]] = i;
  std::vector<RunOutcome> ordered(pending.size());
  for (RunOutcome& o : outcomes)
    ordered[position[static_cast<std::size_t>(o.id)]] = std::move(o);
  return ordered;
}

#endif

}  // namespace caresim::ensemble::mpi
