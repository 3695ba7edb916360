#include "command.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <thread>

namespace caresim::cli {
namespace {
std::atomic<int> g_stop_signal{0};
std::atomic<bool> g_watchdog_held{false};

extern "C" void on_stop_signal(int signo) {
  g_stop_signal.store(signo);
  std::signal(signo, SIG_DFL);  // a second Ctrl-C kills at once
}
}  // namespace

const std::atomic<int>& stop_signal() {
  return g_stop_signal;
}

void stop_on_signals() {
  std::signal(SIGINT, on_stop_signal);
  std::signal(SIGTERM, on_stop_signal);
  static std::once_flag watchdog_started;
  std::call_once(watchdog_started, [] {
    std::thread([] {
      while (g_stop_signal.load() == 0)
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
      // CARESIM_STOP_GRACE_SECONDS lengthens it (tests on a loaded machine).
      double grace = kStopGraceSeconds;
      if (const char* text = std::getenv("CARESIM_STOP_GRACE_SECONDS")) grace = std::atof(text);
      // A checkpoint being saved holds the watchdog; once saved, the run gets a fresh grace (at
      // least 5 s) to close its file, so a loaded machine does not leave it marked "running"
      // (which a resume on another host, after a Slurm requeue, could not tell from a live run).
      using clock = std::chrono::steady_clock;
      const auto grace_time = std::chrono::duration_cast<clock::duration>(
          std::chrono::duration<double>(grace > 0 ? grace : 0.0));
      const auto after_save = std::chrono::duration_cast<clock::duration>(std::chrono::seconds(5));
      auto deadline = clock::now() + grace_time;
      while (g_watchdog_held.load() || clock::now() < deadline) {
        if (g_watchdog_held.load()) {
          while (g_watchdog_held.load())
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
          deadline = clock::now() + std::max(grace_time, after_save);
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
      }
      const int signo = g_stop_signal.load();
      fmt::print(stderr, "caresim: still busy {} s after signal {}; exiting now\n", grace, signo);
      std::fflush(stderr);
      std::_Exit(128 + signo);
    }).detach();
  });
}

void hold_watchdog(bool held) {
  g_watchdog_held.store(held);
}

std::string g_command_line;

std::string joined_command_line(int argc, char** argv) {
  std::string line;
  for (int i = 0; i < argc; ++i) {
    if (i > 0) line += ' ';
    line += argv[i];
  }
  return line;
}

std::string format_duration(double seconds) {
  const auto s = static_cast<long>(seconds + 0.5);
  return s >= 3600 ? fmt::format("{}:{:02d}:{:02d}", s / 3600, (s / 60) % 60, s % 60)
                   : fmt::format("{}:{:02d}", s / 60, s % 60);
}

Progress::Progress(bool enabled, std::string unit)
    : enabled_(enabled), tty_(isatty(STDERR_FILENO) == 1), unit_(std::move(unit)) {}

void Progress::operator()(int done, int total) {
  if (!enabled_) return;
  const auto now = std::chrono::steady_clock::now();
  const double elapsed = std::chrono::duration<double>(now - start_).count();
  const double rate = elapsed > 0 ? done / elapsed : 0.0;
  const double left = rate > 0 ? (total - done) / rate : 0.0;
  if (tty_) {
    if (done < total && now - last_ < std::chrono::milliseconds(100)) return;
    last_ = now;
    constexpr int kWidth = 30;
    const int filled = total > 0 ? done * kWidth / total : kWidth;
    fmt::print(stderr, "\r[{}{}] {}/{} {}  {:.1f} {}/s  {} left ", std::string(filled, '#'),
               std::string(kWidth - filled, '.'), done, total, unit_, rate, unit_,
               format_duration(left));
    if (done == total) fmt::print(stderr, "\n");
  } else {
    const int decile = total > 0 ? done * 10 / total : 10;
    if (decile == last_decile_ && done != total) return;
    last_decile_ = decile;
    fmt::print(stderr, "caresim: {}/{} {} ({}%), {:.1f} {}/s, {} left\n", done, total, unit_,
               total > 0 ? done * 100 / total : 100, rate, unit_, format_duration(left));
  }
  std::fflush(stderr);
}

void Progress::finish_line() const {
  if (enabled_ && tty_) fmt::print(stderr, "\n");
}

}  // namespace caresim::cli
