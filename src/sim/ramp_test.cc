#include "sim/ramp.h"

#include <gtest/gtest.h>

#include <vector>

namespace headroom::sim {
namespace {

Time At(double s) { return kTimeZero + FromSeconds(s); }

// The signal steps up by 10 W every 100 s: 0 W from 0 s, 10 W from 100 s, 20 W from 200 s, 30 W
// from 300 s. A value counts within a window until a full window after it stopped holding, so the
// swing is 10 W times one more than the steps a window spans: floor(window / 100 s) + 1 (a value
// that stopped exactly one window ago no longer counts).
double StaircaseSwing(Duration window, double step_w) {
  RampWindow w;
  w.Configure(window, 0);
  w.Baseline(At(0), 0);
  Time at;
  for (int k = 1; k <= 3; ++k) w.Update(At(100.0 * k), step_w * k, &at);
  w.Finish();
  return w.worst_w();
}

TEST(RampWindow, SwingSpansTheValuesHeldWithinOneWindow) {
  EXPECT_DOUBLE_EQ(StaircaseSwing(std::chrono::seconds(60), 10), 10);
  EXPECT_DOUBLE_EQ(StaircaseSwing(std::chrono::seconds(100), 10), 10);
  EXPECT_DOUBLE_EQ(StaircaseSwing(std::chrono::seconds(150), 10), 20);
  EXPECT_DOUBLE_EQ(StaircaseSwing(std::chrono::seconds(250), 10), 30);
  // The same downward: the sliding maximum, not only the minimum, must expire.
  EXPECT_DOUBLE_EQ(StaircaseSwing(std::chrono::seconds(60), -10), 10);
  EXPECT_DOUBLE_EQ(StaircaseSwing(std::chrono::seconds(150), -10), 20);
  EXPECT_DOUBLE_EQ(StaircaseSwing(std::chrono::seconds(250), -10), 30);
}

// A 1-minute window over 0, 50, 20, 40, 10 W changing every 20 s. Each value is measured when the
// next change comes: 50 W at 20 s against the 0 W before it (swing 50 W), 20 W and 40 W while 0 W
// still counts (50 W), and 10 W at 80 s, once 0 W (which stopped at 20 s) has left the window:
// 50 - 10 = 40 W.
TEST(RampWindow, SlidingMaximumAndMinimumOverAnUnevenSignal) {
  RampWindow w;
  w.Configure(std::chrono::minutes(1), 45);
  w.Baseline(At(0), 0);
  Time at;
  const std::vector<double> values = {50, 20, 40, 10};
  std::vector<double> starts;
  for (size_t k = 0; k < values.size(); ++k) {
    starts.push_back(w.Update(At(20.0 * static_cast<double>(k + 1)), values[k], &at));
  }
  starts.push_back(w.Finish());
  EXPECT_DOUBLE_EQ(w.worst_w(), 50);
  // One episode above 45 W, from the step to 50 W at 20 s (reported when the next change comes).
  EXPECT_EQ(w.violations(), 1);
  EXPECT_EQ(starts, (std::vector<double>{-1, 50, -1, -1, -1}));
}

// Episodes, not changes: the staircase above 15 W (window 150 s) exceeds it at 200 s and still at
// 300 s, one episode; a quiet change ends it, and a later jump starts a second.
TEST(RampWindow, CountsEpisodesAboveTheLimit) {
  RampWindow w;
  w.Configure(std::chrono::seconds(150), 15);
  w.Baseline(At(0), 0);
  Time at;
  EXPECT_LT(w.Update(At(100), 10, &at), 0);
  EXPECT_LT(w.Update(At(200), 20, &at), 0);          // commits 10 W at 100 s: a 10 W swing
  EXPECT_DOUBLE_EQ(w.Update(At(300), 30, &at), 20);  // commits 20 W at 200 s: over
  EXPECT_EQ(at, At(200));
  EXPECT_LT(w.Update(At(1000), 31, &at), 0);  // 30 W at 300 s: 20 W, the same episode
  EXPECT_LT(w.Update(At(1100), 50, &at), 0);  // 31 W at 1000 s: 1 W, the episode ends
  EXPECT_DOUBLE_EQ(w.Finish(), 20);           // 50 W at 1100 s against 30 W: a second episode
  EXPECT_EQ(w.violations(), 2);
  EXPECT_DOUBLE_EQ(w.worst_w(), 20);
}

// Several changes at one instant count as their last: a 100 W blip that is undone at the same
// instant is no swing.
TEST(RampWindow, ChangesAtOneInstantCountAsTheLast) {
  RampWindow w;
  w.Configure(std::chrono::minutes(1), 0);
  w.Baseline(At(0), 0);
  Time at;
  w.Update(At(10), 100, &at);
  w.Update(At(10), 0, &at);
  w.Update(At(20), 5, &at);
  w.Finish();
  EXPECT_DOUBLE_EQ(w.worst_w(), 5);
}

// Changes before the exemption ends are forgotten: of the staircase (window 150 s) exempt until
// 250 s, only the step from 20 W to 30 W at 300 s counts.
TEST(RampWindow, ExemptChangesAreNotMeasured) {
  RampWindow w;
  w.Configure(std::chrono::seconds(150), 0);
  w.Baseline(At(0), 0);
  w.ExemptUntil(At(250));
  Time at;
  for (int k = 1; k <= 3; ++k) w.Update(At(100.0 * k), 10.0 * k, &at);
  w.Finish();
  EXPECT_DOUBLE_EQ(w.worst_w(), 10);
}

// The 1-s rate counts the value that held at the window's start: 0 W until 5 s, 10 W until 5.5 s,
// then 20 W: 20 W within one second.
TEST(RampTracker, CountsTheValueHeldAtTheWindowsStart) {
  RampTracker r;
  r.Update(At(0), 0);
  r.Update(At(5), 10);
  EXPECT_DOUBLE_EQ(r.max(), 10);
  r.Update(At(5.5), 20);
  EXPECT_DOUBLE_EQ(r.max(), 20);
  // At 7 s the window starts at 6 s, where 20 W held: 45 - 20 W.
  r.Update(At(7), 45);
  EXPECT_DOUBLE_EQ(r.max(), 25);
}

}  // namespace
}  // namespace headroom::sim
