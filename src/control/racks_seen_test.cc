#include <gtest/gtest.h>

#include "control/headroom.h"

namespace headroom::control {
namespace {

SiteTelemetry WithRacks(std::vector<RackPower> power, std::uint64_t changes) {
  SiteTelemetry t;
  t.rack_power = std::move(power);
  for (size_t r = 0; r < t.rack_power.size(); ++r) {
    if (t.rack_power[r] == RackPower::kOff || t.rack_power[r] == RackPower::kBooting)
      t.racks_not_on.push_back(static_cast<int>(r));
  }
  t.rack_power_changes = changes;
  return t;
}

constexpr RackPower kOn = RackPower::kOn;
constexpr RackPower kOff = RackPower::kOff;
constexpr RackPower kBooting = RackPower::kBooting;

TEST(RacksSeen, ComparesTheRacksWhenTheHostDoesNotCount) {
  internal::RacksSeen seen;
  EXPECT_FALSE(seen.SameAsLast(WithRacks({kOn, kOff, kOn}, 0)));  // nothing seen yet
  EXPECT_TRUE(seen.SameAsLast(WithRacks({kOn, kOff, kOn}, 0)));
  EXPECT_FALSE(seen.SameAsLast(WithRacks({kOn, kBooting, kOn}, 0)));   // a state changed
  EXPECT_FALSE(seen.SameAsLast(WithRacks({kOff, kBooting, kOn}, 0)));  // a rack went off
  EXPECT_TRUE(seen.SameAsLast(WithRacks({kOff, kBooting, kOn}, 0)));
  EXPECT_FALSE(seen.SameAsLast(WithRacks({kOn, kOn, kOn}, 0)));  // all on again
  EXPECT_TRUE(seen.SameAsLast(WithRacks({kOn, kOn, kOn}, 0)));
}

TEST(RacksSeen, TrustsAHostsCountOfChanges) {
  internal::RacksSeen seen;
  EXPECT_FALSE(seen.SameAsLast(WithRacks({kOn, kOff}, 1)));
  EXPECT_TRUE(seen.SameAsLast(WithRacks({kOn, kOff}, 1)));
  // A new count with the same racks (off and on again between the calls) compares equal.
  EXPECT_TRUE(seen.SameAsLast(WithRacks({kOn, kOff}, 3)));
  EXPECT_FALSE(seen.SameAsLast(WithRacks({kOff, kOff}, 4)));
  // An equal count is taken at its word: the racks are not compared again (a debug build checks
  // the host's word, and stops on a count that missed a change).
#ifdef NDEBUG
  EXPECT_TRUE(seen.SameAsLast(WithRacks({kOn, kOn}, 4)));
#else
  EXPECT_DEATH(seen.SameAsLast(WithRacks({kOn, kOn}, 4)), "racks_ == t.racks_not_on");
#endif
  // A host that stops counting is compared again (against the racks last compared).
  EXPECT_FALSE(seen.SameAsLast(WithRacks({kOn, kOn}, 0)));
}

}  // namespace
}  // namespace headroom::control
