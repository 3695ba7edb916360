#include "caresim/core/ties.hpp"

#include <catch2/catch.hpp>

using caresim::kNone;
using caresim::NewTie;
using caresim::TieChanges;
using caresim::TieNetwork;

namespace {
// Four people in organisation 0, two in organisation 1.
TieNetwork six_person_network(std::uint32_t max_ties = 10) {
  return TieNetwork({0, 0, 0, 0, 1, 1}, max_ties);
}
}  // namespace

TEST_CASE("ties: additions are canonical, sorted, deduplicated and flagged", "[ties]") {
  TieNetwork net = six_person_network();
  const auto added = net.apply(
      TieChanges{{}, {{3, 1, 0.5f}, {1, 3, 0.7f}, {0, 4, 0.2f}, {2, 2, 0.9f}, {0, 1, 0.4f}}});
  CHECK(added == 3);  // the self-tie is ignored, the duplicate counts once
  REQUIRE(net.edge_count() == 3);
  CHECK((net.a(0) == 0 && net.b(0) == 1));
  CHECK((net.a(1) == 0 && net.b(1) == 4));
  CHECK((net.a(2) == 1 && net.b(2) == 3));
  CHECK(net.strength(2) == 0.7f);  // the stronger duplicate wins
  CHECK(net.cross_org(1) == 1);
  CHECK(net.cross_org(0) == 0);
  CHECK(net.degree(0) == 2);
  CHECK(net.degree(1) == 2);
  CHECK(net.degree(5) == 0);
  CHECK(net.find(3, 1) == 2);
  CHECK(net.find(1, 3) == 2);
  CHECK(net.find(2, 3) == kNone);
  CHECK(net.other(1, 4) == 0);
}

TEST_CASE("ties: each row lists edges sorted by neighbour", "[ties]") {
  TieNetwork net = six_person_network();
  net.apply(TieChanges{{}, {{2, 5, 0.1f}, {2, 0, 0.1f}, {4, 2, 0.1f}, {1, 2, 0.1f}, {2, 3, 0.1f}}});
  const auto row = net.edges_of(2);
  REQUIRE(row.size() == 5);
  std::vector<std::uint32_t> neighbours;
  for (auto e : row)
    neighbours.push_back(net.other(e, 2));
  CHECK(neighbours == std::vector<std::uint32_t>{0, 1, 3, 4, 5});
}

TEST_CASE("ties: removal and addition in one merge, and existing ties keep the larger strength",
          "[ties]") {
  TieNetwork net = six_person_network();
  net.apply(TieChanges{{}, {{0, 1, 0.5f}, {1, 2, 0.5f}, {2, 3, 0.5f}}});
  const std::uint32_t e12 = net.find(1, 2);
  net.apply(TieChanges{{e12}, {{3, 2, 0.9f}, {0, 5, 0.3f}}});
  CHECK(net.edge_count() == 3);
  CHECK(net.find(1, 2) == kNone);
  CHECK(net.strength(net.find(2, 3)) == 0.9f);
  CHECK(net.strength(net.find(0, 1)) == 0.5f);
  CHECK(net.find(0, 5) != kNone);
  // The new tie reuses the removed tie's slot: slots stay put, so no index is renumbered.
  CHECK(net.find(0, 5) == e12);
  CHECK(net.slot_count() == 3);
}

TEST_CASE("ties: a removed tie leaves a dead slot with no strength, outside every row", "[ties]") {
  TieNetwork net = six_person_network();
  net.apply(TieChanges{{}, {{0, 1, 0.5f}, {0, 2, 0.5f}}});
  const std::uint32_t e01 = net.find(0, 1);
  net.apply(TieChanges{{e01, e01}, {}});  // listed twice: removed once
  CHECK(net.edge_count() == 1);
  CHECK(net.slot_count() == 2);
  CHECK_FALSE(net.alive(e01));
  CHECK(net.strength(e01) == 0.0f);
  CHECK(net.degree(0) == 1);
  CHECK(net.degree(1) == 0);
  CHECK(net.find(0, 1) == kNone);
  net.apply(TieChanges{{e01}, {}});  // removing a dead slot does nothing
  CHECK(net.edge_count() == 1);
}

TEST_CASE("ties: the cap on ties per person refuses additions, in (a, b) order", "[ties]") {
  TieNetwork net = six_person_network(2);
  const auto added = net.apply(TieChanges{{}, {{0, 1, 0.5f}, {0, 2, 0.5f}, {0, 3, 0.5f}}});
  CHECK(added == 2);
  CHECK(net.find(0, 1) != kNone);
  CHECK(net.find(0, 2) != kNone);
  CHECK(net.find(0, 3) == kNone);
  // Removing a tie frees room in the same merge.
  net.apply(TieChanges{{net.find(0, 1)}, {{0, 3, 0.5f}}});
  CHECK(net.find(0, 3) != kNone);
  CHECK(net.degree(0) == 2);
}

TEST_CASE("ties: the result does not depend on the order changes were staged in", "[ties]") {
  std::vector<NewTie> adds = {{5, 1, 0.2f}, {0, 3, 0.4f}, {2, 4, 0.6f}, {1, 0, 0.8f}, {3, 4, 0.1f}};
  TieNetwork x = six_person_network(3), y = six_person_network(3);
  x.apply(TieChanges{{}, adds});
  std::reverse(adds.begin(), adds.end());
  y.apply(TieChanges{{}, adds});
  REQUIRE(x.edge_count() == y.edge_count());
  REQUIRE(x.slot_count() == y.slot_count());
  for (std::uint32_t e = 0; e < x.slot_count(); ++e) {
    CHECK(x.a(e) == y.a(e));
    CHECK(x.b(e) == y.b(e));
    CHECK(x.strength(e) == y.strength(e));
  }
}

TEST_CASE("ties: bad indices are refused", "[ties]") {
  TieNetwork net = six_person_network();
  CHECK_THROWS_AS(net.apply(TieChanges{{}, {{0, 6, 0.5f}}}), std::out_of_range);
  CHECK_THROWS_AS(net.apply(TieChanges{{0}, {}}), std::out_of_range);
}
