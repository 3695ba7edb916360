// Every teaching preset's "what to notice" text (its header comment, which the studio shows) is a
// statement about what its run shows. Each case runs the preset as the file stands, checks that
// the header still makes the claim (the quoted figure), and measures it. The care presets' claims
// are measured in tests/care/presets_test.cpp.
#include <catch2/catch.hpp>
#include <cmath>
#include <fstream>
#include <numeric>
#include <sstream>

#include "../support.hpp"
#include "caresim/catalogue/catalogue.hpp"
#include "caresim/scenario/load.hpp"
#include "caresim/studio/studio.hpp"
#include "caresim/teaching/boolean_network.hpp"
#include "caresim/teaching/sandpile.hpp"

using namespace caresim;

namespace {

std::string header_of(const std::string& file) {
  std::ifstream in(test::scenario_path("teaching/" + file));
  std::ostringstream text;
  text << in.rdbuf();
  return studio::header_text(text.str());
}

Scenario preset(const std::string& file, const std::vector<std::string>& overrides = {}) {
  return load_scenario(test::scenario_path("teaching/" + file), overrides);
}

/// One series of a whole run, by name.
std::vector<double> series(const Scenario& s, const std::string& name) {
  const auto sim = make_simulator(s);
  const RunLayout& layout = sim->layout();
  std::size_t column = 0;
  bool found = false;
  for (const SeriesSpec& spec : layout.series) {
    if (spec.name == name) {
      found = true;
      break;
    }
    column += spec.dimension < 0
                  ? 1
                  : layout.dimensions[static_cast<std::size_t>(spec.dimension)].labels.size();
  }
  REQUIRE(found);
  std::vector<double> row(layout.row_width()), out;
  while (sim->day() < sim->days()) {
    sim->step();
    sim->observe(row);
    out.push_back(row[column]);
  }
  return out;
}

double window_mean(const std::vector<double>& v, std::size_t from, std::size_t to) {
  return std::accumulate(v.begin() + static_cast<std::ptrdiff_t>(from),
                         v.begin() + static_cast<std::ptrdiff_t>(to), 0.0) /
         static_cast<double>(to - from);
}

/// Variance and lag-1 autocorrelation of x[from, to) after removing a linear trend.
std::pair<double, double> detrended(const std::vector<double>& x, std::size_t from,
                                    std::size_t to) {
  const auto n = static_cast<double>(to - from);
  double st = 0, sx = 0, stt = 0, stx = 0;
  for (std::size_t i = from; i < to; ++i) {
    const auto t = static_cast<double>(i - from);
    st += t, sx += x[i], stt += t * t, stx += t * x[i];
  }
  const double slope = (n * stx - st * sx) / (n * stt - st * st), icept = (sx - slope * st) / n;
  std::vector<double> r;
  for (std::size_t i = from; i < to; ++i)
    r.push_back(x[i] - icept - slope * static_cast<double>(i - from));
  double var = 0, cov = 0;
  for (std::size_t i = 0; i < r.size(); ++i) {
    var += r[i] * r[i];
    if (i > 0) cov += r[i] * r[i - 1];
  }
  return {var / n, cov / var};
}

}  // namespace

TEST_CASE("preset claims: sandpile fills to 25/8 and its avalanches come in every size",
          "[teaching][presets]") {
  const std::string text = header_of("sandpile.yaml");
  CHECK_THAT(text, Catch::Contains("3.1"));
  CHECK_THAT(text, Catch::Contains("28%, 15% and 4.5%"));
  const Scenario s = preset("sandpile.yaml");
  teaching::Sandpile pile(s);
  std::vector<std::uint64_t> sizes;
  while (pile.day() < pile.days()) {
    pile.step();
    if (pile.day() > 200)  // after the pile has filled
      for (const auto& a : pile.last_avalanches())
        sizes.push_back(a.size);
  }
  CHECK(pile.bulk_mean_height() == Approx(3.125).margin(0.06));
  const auto share_at_least = [&](std::uint64_t k) {
    return static_cast<double>(
               std::count_if(sizes.begin(), sizes.end(), [&](std::uint64_t x) { return x >= k; })) /
           static_cast<double>(sizes.size());
  };
  WARN("sandpile: " << sizes.size() << " avalanches; P(s >= 10, 100, 1000) = " << share_at_least(10)
                    << ", " << share_at_least(100) << ", " << share_at_least(1000) << "; largest "
                    << *std::max_element(sizes.begin(), sizes.end()));
  CHECK(share_at_least(10) == Approx(0.28).margin(0.03));
  CHECK(share_at_least(100) == Approx(0.15).margin(0.025));
  CHECK(share_at_least(1000) == Approx(0.045).margin(0.015));
  CHECK(*std::max_element(sizes.begin(), sizes.end()) > 10000);
  // The avalanches table holds every grain's avalanche.
  const auto tables = pile.tables(true);
  REQUIRE(tables.size() == 1);
  CHECK(tables[0].columns[1].size() ==
        static_cast<std::size_t>(s.run.days) *
            static_cast<std::size_t>(s.teaching.sandpile.grains_per_step));
}

TEST_CASE("preset claims: random Boolean networks, ordered, critical and chaotic",
          "[teaching][presets]") {
  SECTION("ordered: activity falls below 1% within 7 steps and almost freezes") {
    CHECK_THAT(header_of("rbn_ordered.yaml"), Catch::Contains("below 1% within 7 steps"));
    CHECK_THAT(header_of("rbn_ordered.yaml"), Catch::Contains("0.1%"));
    const auto changed = series(preset("rbn_ordered.yaml"), "fraction_changed");
    CHECK(changed[6] < 0.01);
    CHECK(window_mean(changed, changed.size() - 50, changed.size()) < 0.001);
    CHECK(changed.back() > 0.0);  // not quite 0: a few short loops blink for ever
  }
  SECTION("critical: about 6% keep changing") {
    CHECK_THAT(header_of("rbn_critical.yaml"), Catch::Contains("about 6%"));
    const auto changed = series(preset("rbn_critical.yaml"), "fraction_changed");
    CHECK(window_mean(changed, changed.size() - 100, changed.size()) == Approx(0.06).margin(0.015));
  }
  SECTION("chaotic: about 38% change every step, and one flip spreads to about 38%") {
    CHECK_THAT(header_of("rbn_chaotic.yaml"), Catch::Contains("about 38%"));
    const Scenario s = preset("rbn_chaotic.yaml");
    const auto changed = series(s, "fraction_changed");
    CHECK(window_mean(changed, changed.size() - 100, changed.size()) == Approx(0.38).margin(0.02));
    // One flipped node, at each of 20 sites: the damage dies out or spreads to about 38%.
    teaching::BooleanNetwork a(s);
    for (int t = 0; t < 50; ++t)
      a.step();
    int died = 0, spread = 0;
    for (std::uint64_t site = 0; site < 20; ++site) {
      auto x = a.clone(), y = a.clone();
      y->perturb(site * 499);
      for (int t = 0; t < 100; ++t) {
        x->step();
        y->step();
      }
      const double d = x->distance(*y);
      if (d == 0.0) {
        ++died;
      } else {
        ++spread;
        CHECK(d == Approx(0.38).margin(0.04));
      }
    }
    WARN("rbn_chaotic: of 20 flipped nodes, " << died << " died out and " << spread << " spread");
    CHECK(died >= 4);
    CHECK(spread >= 4);
  }
}

TEST_CASE("preset claims: fold ramped collapses after warning signs, fixed shows none",
          "[teaching][presets]") {
  CHECK_THAT(header_of("fold_ramped.yaml"), Catch::Contains("2.8"));
  const auto x = series(preset("fold_ramped.yaml"), "x");
  REQUIRE(x.size() == 600);
  CHECK(*std::min_element(x.begin(), x.begin() + 450) > 4.0);  // still on the upper branch
  CHECK(x.back() < 1.0);                                       // collapsed to the low state
  const auto early = detrended(x, 50, 150), late = detrended(x, 430, 530);
  WARN("fold_ramped: variance " << early.first << " -> " << late.first << ", lag-1 " << early.second
                                << " -> " << late.second);
  CHECK(late.first > 2.0 * early.first);
  CHECK(late.second > early.second + 0.15);

  CHECK_THAT(header_of("fold_fixed.yaml"), Catch::Contains("7.3"));
  const auto f = series(preset("fold_fixed.yaml"), "x");
  CHECK(window_mean(f, 100, f.size()) == Approx(7.3).margin(0.05));
  const auto first = detrended(f, 100, 350), second = detrended(f, 350, 600);
  CHECK(second.first / first.first == Approx(1.0).margin(0.5));
  CHECK(std::abs(second.second - first.second) < 0.15);
}

TEST_CASE("preset claims: Granovetter's crowd, and the same crowd with one person changed",
          "[teaching][presets]") {
  CHECK_THAT(header_of("granovetter_riot.yaml"), Catch::Contains("all 100 riot"));
  const auto all = series(preset("granovetter_riot.yaml"), "rioters");
  for (std::size_t t = 0; t < 100; ++t)
    CHECK(all[t] == static_cast<double>(t + 1));  // one more person each step
  CHECK(all.back() == 100.0);
  CHECK_THAT(header_of("granovetter_one_changed.yaml"), Catch::Contains("1 rioter of 100"));
  const auto one = series(preset("granovetter_one_changed.yaml"), "rioters");
  CHECK(*std::max_element(one.begin(), one.end()) == 1.0);
  CHECK_THAT(header_of("granovetter_riot.yaml"), Catch::Contains("sd 0.115 (6 riot)"));
  const auto few =
      series(preset("granovetter_riot.yaml",
                    {"teaching.granovetter.distribution=normal", "teaching.granovetter.sd=0.115"}),
             "rioters");
  const auto many =
      series(preset("granovetter_riot.yaml",
                    {"teaching.granovetter.distribution=normal", "teaching.granovetter.sd=0.130"}),
             "rioters");
  CHECK(few.back() == 6.0);
  CHECK(many.back() == 100.0);
}

TEST_CASE("preset claims: Watts cascade tips most of the network, or fizzles at once",
          "[teaching][presets]") {
  CHECK_THAT(header_of("watts_cascade.yaml"), Catch::Contains("36 of seeds 1..40"));
  int cascades = 0, fizzles = 0;
  for (int seed = 1; seed <= 40; ++seed) {
    const auto active = series(preset("watts_cascade.yaml", {"run.seed=" + std::to_string(seed)}),
                               "active_fraction");
    if (active.back() > 0.95) {
      ++cascades;
      CHECK(active[30] == active.back());  // finished well inside the run
    } else if (active.back() < 0.001) {
      ++fizzles;
    }
  }
  CHECK(cascades == 36);
  CHECK(fizzles == 4);
}

TEST_CASE("preset claims: critical branching, 37% of size 1 and a heavy tail",
          "[teaching][presets]") {
  const std::string text = header_of("branching_critical.yaml");
  CHECK_THAT(text, Catch::Contains("37%"));
  CHECK_THAT(text, Catch::Contains("18%"));
  const Scenario s = preset("branching_critical.yaml");
  const auto sim = make_simulator(s);
  std::vector<double> row(sim->layout().row_width()), counts(21, 0.0);
  double censored = 0;
  while (sim->day() < sim->days()) {
    sim->step();
    sim->observe(row);
    for (std::size_t i = 0; i < 21; ++i)
      counts[i] += row[3 + i];
    censored += row[2];
  }
  const double total = std::accumulate(counts.begin(), counts.end(), 0.0);
  CHECK(counts[0] / total == Approx(std::exp(-1.0)).margin(0.01));
  CHECK(counts[20] / total == Approx(0.176).margin(0.01));
  CHECK(censored / sim->days() > 0.0);  // a few reach the cap of max_size
}
