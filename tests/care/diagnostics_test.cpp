// Order parameters and adoption cascades of the care model, on hand-built states.
#include "caresim/care/diagnostics.hpp"

#include <catch2/catch.hpp>

using namespace caresim;

namespace {
// Six people: 0,1 in organisation 0; 2,3 in 1; 4,5 in 2.
State six_people() {
  State st;
  st.staff.mindset = {1, 0, 1, 0, 0, 0};
  st.staff.id = {0, 1, 2, 3, 4, 5};
  st.ties = TieNetwork({0, 0, 1, 1, 2, 2}, 4);
  TieChanges add;
  add.added = {{0, 1, 0.5f}, {1, 2, 0.25f}, {2, 3, 0.5f}, {3, 4, 0.25f}};
  st.ties.apply(add);
  return st;
}
}  // namespace

TEST_CASE("care order parameters on a hand-built state", "[order]") {
  const State st = six_people();
  const analysis::CareOrderParameters op = analysis::care_order_parameters(st);
  CHECK(op.system_minded_share == Approx(2.0 / 6.0));
  // Cross ties 1-2 and 3-4 carry 0.5 of 1.5.
  CHECK(op.cross_org_strength_share == Approx(0.5 / 1.5));
  // Cross components {1,2} and {3,4}; 0 and 5 alone.
  CHECK(op.largest_cross_org_component == 2);
  CHECK(op.largest_cross_org_component_share == Approx(2.0 / 6.0));
}

TEST_CASE("adoption parents follow earlier-day adoptions of the influencer", "[cascades]") {
  const std::vector<Adoption> record = {
      {1, 10, kNone},  // root
      {1, 11, 10},     // same day as 10's adoption: 10 did not hold it when the day began
      {2, 12, 10},     // child of 0
      {3, 13, 12},     // child of 2
      {3, 14, 99},     // influencer held it from the start: root
      {4, 15, 13},     // child of 3
  };
  const std::vector<std::int64_t> parent = analysis::adoption_parents(record);
  CHECK(parent == std::vector<std::int64_t>{-1, -1, 0, 2, -1, 3});
  const analysis::AdoptionCascades c = analysis::adoption_cascades(record);
  CHECK(c.cascades.sizes == std::vector<std::uint64_t>{4, 1, 1});
  CHECK(c.cascades.durations == std::vector<std::uint64_t>{4, 1, 1});
  CHECK(c.cascades.branching_ratio == Approx(3.0 / 6.0));
  CHECK_FALSE(c.size_fit.has_value());
}
