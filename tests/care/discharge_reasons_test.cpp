// Delayed discharges by reason (docs/model.md 3.7): each reason has its own capacity, and cutting
// one lengthens its own queue. Paired replicates at one tenth (common random numbers), 95% t
// intervals of the differences.
#include <catch2/catch.hpp>

#include "../support.hpp"
#include "caresim/scenario/load.hpp"

using namespace caresim;

namespace {

constexpr std::uint64_t kDischargeSeeds[] = {71, 72, 73, 74};
constexpr int kDischargeDays = 300, kDischargeFrom = 120;

/// Mean of each delay-reason series (and the total) over days [kDischargeFrom, kDischargeDays).
/// `s` from the warmed-up city of `base` (docs/model.md 3.4.1), so the arms are paired.
std::array<double, 4> mean_delayed(Scenario s, std::uint64_t seed, const Scenario& base) {
  s.run.days = kDischargeDays;
  s.run.seed = seed;
  Simulation sim(s, base);
  std::vector<double> row(sim.layout().row_width());
  const char* names[] = {"delayed_home_care", "delayed_care_home", "delayed_nhs_care",
                         "delayed_discharges"};
  std::array<std::size_t, 4> at{};
  for (std::size_t k = 0; k < 4; ++k) {
    std::size_t offset = 0;
    bool found = false;
    for (const auto& spec : sim.layout().series) {
      if (spec.name == names[k]) {
        found = true;
        break;
      }
      offset +=
          spec.dimension < 0
              ? 1
              : sim.layout().dimensions[static_cast<std::size_t>(spec.dimension)].labels.size();
    }
    REQUIRE(found);
    at[k] = offset;
  }
  std::array<double, 4> sum{};
  while (sim.day() < kDischargeDays) {
    const int day = sim.day();
    sim.step();
    sim.observe(row);
    if (day < kDischargeFrom) continue;
    for (std::size_t k = 0; k < 4; ++k)
      sum[k] += row[at[k]];
  }
  for (double& x : sum)
    x /= kDischargeDays - kDischargeFrom;
  return sum;
}

}  // namespace

TEST_CASE(
    "discharge: cutting NHS community care slots lengthens the NHS-care queue only, "
    "fewer care-home places lengthen the care-home queue",
    "[behaviour][discharge]") {
  const Scenario base = load_scenario(CARESIM_SOURCE_DIR "/scenarios/leeds_small.yaml");
  Scenario nhs_cut = base;
  nhs_cut.hospital.nhs_care_places_per_100k_day *= 0.5;
  Scenario care_home_cut = base;
  care_home_cut.hospital.care_home_places_per_100k_day *= 0.3;
  std::array<std::vector<double>, 4> b, n, c;
  for (std::uint64_t seed : kDischargeSeeds) {
    const auto x = mean_delayed(base, seed, base), y = mean_delayed(nhs_cut, seed, base),
               z = mean_delayed(care_home_cut, seed, base);
    for (std::size_t k = 0; k < 4; ++k) {
      b[k].push_back(x[k]);
      n[k].push_back(y[k]);
      c[k].push_back(z[k]);
    }
  }
  const auto nhs_rise = test::paired_difference(b[2], n[2]);
  const auto care_home_rise = test::paired_difference(b[1], c[1]);
  const auto total_rise = test::paired_difference(b[3], n[3]);
  INFO("NHS slots halved: NHS-care queue "
       << nhs_rise.mean << " +- " << nhs_rise.half_width << " patients, all delayed "
       << total_rise.mean << " +- " << total_rise.half_width
       << "; care-home places cut to 30%: care-home queue " << care_home_rise.mean << " +- "
       << care_home_rise.half_width);
  WARN("NHS slots halved: NHS-care queue "
       << nhs_rise.mean << " +- " << nhs_rise.half_width << ", all delayed " << total_rise.mean
       << " +- " << total_rise.half_width << "; care-home places cut to 30%: care-home queue "
       << care_home_rise.mean << " +- " << care_home_rise.half_width);
  CHECK(nhs_rise.low() > 0.0);
  CHECK(total_rise.low() > 0.0);
  CHECK(care_home_rise.low() > 0.0);
}
