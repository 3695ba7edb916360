#pragma once
// Helpers shared by the tests: temporary folders, running commands, tiny scenarios.

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

namespace caresim::test {

/// A fresh folder under the system temp dir, removed with everything in it at scope exit.
class TempDir {
 public:
  TempDir() {
    std::random_device rd;
    path_ = std::filesystem::temp_directory_path() /
            ("caresim-test-" + std::to_string(rd()) + std::to_string(rd()));
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

struct CommandResult {
  int exit_code = -1;
  std::string output;  ///< stdout and stderr together
};

/// Runs a shell command, capturing stdout+stderr, and returns its exit code.
inline CommandResult run_command(const std::string& command) {
  CommandResult r;
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return r;
  std::array<char, 4096> buf{};
  while (std::fgets(buf.data(), static_cast<int>(buf.size()), pipe) != nullptr)
    r.output += buf.data();
  const int status = pclose(pipe);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return r;
}

inline std::string quoted(const std::filesystem::path& p) {
  return "'" + p.string() + "'";
}

/// The whole content of a file, as bytes ("" when it cannot be read).
inline std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

/// A path under the temporary directory for an HDF5 file, unique to this process and call;
/// removed on scope exit.
class TempPath {
 public:
  explicit TempPath(const std::string& stem) {
    static std::atomic<int> counter{0};
    path_ = std::filesystem::temp_directory_path() /
            ("caresim_" + stem + "_" + std::to_string(::getpid()) + "_" +
             std::to_string(counter++) + ".h5");
  }
  ~TempPath() {
    std::error_code ignored;
    std::filesystem::remove(path_, ignored);
  }
  TempPath(const TempPath&) = delete;
  TempPath& operator=(const TempPath&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

inline std::filesystem::path scenario_path(const std::string& name) {
  return std::filesystem::path(CARESIM_SOURCE_DIR) / "scenarios" / name;
}

/// A small city in YAML, for fast tests: `citizens` residents and ~600 staff.
inline std::string tiny_city_yaml(int citizens = 20000, int days = 60) {
  return "name: tiny\n"
         "run: {start_date: \"2017-04-01\", days: " +
         std::to_string(days) +
         ", seed: 7, flush_every_days: 10}\n"
         "city: {citizens: " +
         std::to_string(citizens) +
         ", neighbourhoods: 12, priority_neighbourhoods: 2, primary_care_networks: 3}\n"
         "organisations:\n"
         "  - {name: Hospital, kind: acute, staff: 450}\n"
         "  - {name: Community, kind: community, staff: 60}\n"
         "  - {name: Mental health, kind: mental_health, staff: 80}\n"
         "  - {name: Practice, kind: gp_practice, staff: 100, count: 6}\n"
         "  - {name: Social care, kind: social_care, staff: 120}\n"
         "  - {name: Public health, kind: public_health, staff: 20}\n"
         "  - {name: Charity, kind: third_sector, staff: 100, count: 5}\n"
         "  - {name: Care provider, kind: care_home, staff: 280, count: 4}\n"
         "hospital: {beds: " +
         std::to_string(std::max(10, citizens * 45 / 20000)) + "}\n";
}

}  // namespace caresim::test

#include "caresim/scenario/scenario.hpp"
#include "test_purposes.hpp"

namespace caresim::test {

/// The tiny city as a Scenario struct, for tests that do not go through YAML.
inline Scenario tiny_city(int citizens = 20000, int days = 60) {
  Scenario s;
  s.name = "tiny";
  s.run.days = days;
  s.run.seed = 7;
  s.run.flush_every_days = 10;
  s.city.citizens = citizens;
  s.city.neighbourhoods = 12;
  s.city.priority_neighbourhoods = 2;
  s.city.primary_care_networks = 3;
  s.organisations = {{"Hospital", OrgKind::acute, 450, 1},
                     {"Community", OrgKind::community, 60, 1},
                     {"Mental health", OrgKind::mental_health, 80, 1},
                     {"Practice", OrgKind::gp_practice, 100, 6},
                     {"Social care", OrgKind::social_care, 120, 1},
                     {"Public health", OrgKind::public_health, 20, 1},
                     {"Charity", OrgKind::third_sector, 100, 5},
                     {"Care provider", OrgKind::care_home, 280, 4}};
  s.hospital.beds = std::max(10, citizens * 45 / 20000);
  return s;
}

}  // namespace caresim::test

#include <stdexcept>
#include <string_view>

#include "caresim/care/simulation.hpp"

namespace caresim::test {

/// The phase of a simulation with this name, to run it on its own.
inline const Phase& phase_named(const Simulation& sim, std::string_view name) {
  for (const auto& p : sim.phases()) {
    if (p->name() == name) return *p;
  }
  throw std::logic_error("no such phase");
}

/// Mean and 95% confidence half-width of paired differences (Student t).
struct PairedDifference {
  double mean = 0.0;
  double half_width = 0.0;
  double low() const { return mean - half_width; }
  double high() const { return mean + half_width; }
};

inline PairedDifference paired_difference(const std::vector<double>& a,
                                          const std::vector<double>& b) {
  // t quantiles (0.975) for 1..12 degrees of freedom.
  static constexpr double kT[] = {12.706, 4.303, 3.182, 2.776, 2.571, 2.447,
                                  2.365,  2.306, 2.262, 2.228, 2.201, 2.179};
  const std::size_t n = a.size();
  double mean = 0.0;
  for (std::size_t i = 0; i < n; ++i)
    mean += (b[i] - a[i]) / static_cast<double>(n);
  double var = 0.0;
  for (std::size_t i = 0; i < n; ++i)
    var += (b[i] - a[i] - mean) * (b[i] - a[i] - mean);
  var /= static_cast<double>(n - 1);
  return {mean, kT[std::min<std::size_t>(n - 2, 11)] * std::sqrt(var / static_cast<double>(n))};
}

}  // namespace caresim::test
