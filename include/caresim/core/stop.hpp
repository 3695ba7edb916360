#pragma once

#include <atomic>
#include <exception>

namespace caresim {

/// A stop asked for (by SIGINT or SIGTERM, through a command's stop flag) while a long piece of
/// work was under way: the city's build or a step. Thrown by check_stop(); whoever installed the
/// flag (run_scenario) catches it, so the work unwinds and the run file is closed "interrupted"
/// instead of the process being cut off by the command's watchdog.
class Stopped : public std::exception {
 public:
  explicit Stopped(int signal) noexcept : signal_(signal) {}
  int signal() const noexcept { return signal_; }
  const char* what() const noexcept override { return "stopped by a signal"; }

 private:
  int signal_;
};

namespace detail {
inline thread_local const std::atomic<int>* t_stop = nullptr;
}  // namespace detail

/// The stop flag long loops on this thread honour (null: none). Thread-local, so runs side by
/// side in one process (a sweep) each honour their own; parallel_chunks carries the caller's flag
/// to the threads that run its chunks.
inline const std::atomic<int>* current_stop() noexcept { return detail::t_stop; }

/// Installs `flag` (may be null) as this thread's stop flag for the scope's lifetime, and puts
/// the previous one back after.
class StopScope {
 public:
  explicit StopScope(const std::atomic<int>* flag) noexcept : previous_(detail::t_stop) {
    detail::t_stop = flag;
  }
  ~StopScope() { detail::t_stop = previous_; }
  StopScope(const StopScope&) = delete;
  StopScope& operator=(const StopScope&) = delete;

 private:
  const std::atomic<int>* previous_;
};

/// Throws Stopped if `flag` is set. Only reads the flag: results never depend on it.
inline void check_stop(const std::atomic<int>* flag) {
  if (flag == nullptr) return;
  const int signal = flag->load(std::memory_order_relaxed);
  if (signal != 0) throw Stopped(signal);
}
/// The same with this thread's flag (current_stop()); for long serial loops.
inline void check_stop() { check_stop(current_stop()); }

}  // namespace caresim
