// The care model's picture for the studio (sim/care/picture.cpp, kind "care"): the system map's
// groups, staff and cross-organisation strength agree with the state, the staff sample's ties are
// real ties, and taking pictures does not change the run.
#include <catch2/catch.hpp>
#include <cmath>

#include "../support.hpp"
#include "caresim/care/simulation.hpp"

using namespace caresim;

namespace {

const std::vector<double>& layer(const Picture& p, const std::string& name) {
  for (const PictureLayer& l : p.layers)
    if (l.name == name) return l.values;
  FAIL("no layer " << name);
  return p.layers.front().values;
}

double scalar(const Picture& p, const std::string& name) {
  for (const auto& [key, value] : p.scalars)
    if (key == name) return value;
  FAIL("no scalar " << name);
  return 0;
}

}  // namespace

TEST_CASE("care picture: system map and staff sample from the state", "[care][picture]") {
  Simulation sim(test::tiny_city(20000, 12));
  for (int d = 0; d < 10; ++d)
    sim.step();
  const Picture p = sim.picture();
  CHECK(p.kind == "care");
  // Eight entries in the tiny city: six practices, five charities and four care providers are
  // one group each.
  REQUIRE(p.labels.size() == 8);
  CHECK(p.labels[3] == "Practice (6)");
  CHECK(p.labels[6] == "Charity (5)");
  CHECK(p.labels[7] == "Care provider (4)");
  const auto& staff = layer(p, "group_staff");
  double total = 0;
  for (double s : staff)
    total += s;
  CHECK(total == static_cast<double>(sim.state().staff.size()));
  CHECK(staff[0] == 450.0);  // the hospital keeps its staff (leavers are replaced)
  CHECK(layer(p, "group_kind")[3] == static_cast<double>(OrgKind::gp_practice));
  // The links hold every cross-organisation tie's strength once.
  const auto& links = layer(p, "links");
  REQUIRE(links.size() % 3 == 0);
  double linked = 0, cross = 0, all = 0;
  for (std::size_t k = 2; k < links.size(); k += 3)
    linked += links[k];
  const TieNetwork& ties = sim.state().ties;
  for (std::uint32_t e = 0; e < ties.slot_count(); ++e) {
    if (!ties.alive(e)) continue;
    all += ties.strength(e);
    if (ties.cross_org(e)) cross += ties.strength(e);
  }
  CHECK(linked == Approx(cross).epsilon(1e-9));
  CHECK(scalar(p, "cross_org_strength_share") == Approx(cross / all).epsilon(1e-12));
  CHECK(scalar(p, "day") == 10.0);
  // The sample: whole teams, each tie between two sampled people.
  const auto& mindset = layer(p, "staff_mindset");
  const auto& edges = layer(p, "staff_edges");
  CHECK(mindset.size() >= 16 * 5);
  CHECK(layer(p, "staff_group").size() == mindset.size());
  REQUIRE_FALSE(edges.empty());
  for (double i : edges)
    CHECK((i >= 0 && i < static_cast<double>(mindset.size())));
}

TEST_CASE("care picture: taking pictures leaves the run unchanged", "[care][picture]") {
  Simulation watched(test::tiny_city(20000, 20)), plain(test::tiny_city(20000, 20));
  std::vector<double> a(watched.layout().row_width()), b(plain.layout().row_width());
  for (int d = 0; d < 20; ++d) {
    (void)watched.picture();
    watched.step();
    (void)watched.picture();
    plain.step();
    watched.observe(a);
    plain.observe(b);
    for (std::size_t i = 0; i < a.size(); ++i) {
      if (std::isnan(a[i]) && std::isnan(b[i])) continue;
      REQUIRE(a[i] == b[i]);
    }
  }
}
