#pragma once
// Progress of long work inside a step-free stretch (a warm-up) for whoever waits on it: a
// thread-local callback installed by a scope, as stop.hpp installs the stop flag. Reporting
// never changes results.
#include <functional>
#include <string_view>
#include <utility>

namespace caresim {

/// (what, done, total): e.g. ("warm-up", 1200, 3650) days.
using ProgressHook = std::function<void(std::string_view what, int done, int total)>;

namespace detail {
inline thread_local const ProgressHook* t_progress = nullptr;
}  // namespace detail

/// Installs `hook` as this thread's progress callback for the scope's lifetime, and puts the
/// previous one back after.
class ProgressScope {
 public:
  explicit ProgressScope(ProgressHook hook) : hook_(std::move(hook)), previous_(detail::t_progress) {
    detail::t_progress = hook_ ? &hook_ : nullptr;
  }
  ~ProgressScope() { detail::t_progress = previous_; }
  ProgressScope(const ProgressScope&) = delete;
  ProgressScope& operator=(const ProgressScope&) = delete;

 private:
  ProgressHook hook_;
  const ProgressHook* previous_;
};

/// Reports to this thread's callback, if any.
inline void report_progress(std::string_view what, int done, int total) {
  if (detail::t_progress != nullptr) (*detail::t_progress)(what, done, total);
}

}  // namespace caresim
