#include "model/local_time.h"

#include <gtest/gtest.h>

namespace headroom::model {
namespace {

using std::chrono::hours;
using std::chrono::minutes;

Time At(Duration d) { return Time{d}; }

// A clock shaped like America/New_York's around 2025-03-09, with time zero at 00:00 UTC on
// 9 March: EST (UTC−5) until 07:00 UTC, EDT (UTC−4) from then on.
LocalClock SpringForward() {
  LocalClock c;
  c.standard_offset = -hours(5);
  c.change_times = {At(hours(7))};
  c.civil_offsets = {-hours(5), -hours(4)};
  return c;
}

int CivilHourOfDay(const LocalClock& c, Time t) {
  const std::int64_t h = c.CivilSinceZeroDay(t) / hours(1);
  return static_cast<int>(((h % 24) + 24) % 24);
}

TEST(LocalClock, FixedOffsetIsUtcShifted) {
  const LocalClock c = LocalClock::Fixed(hours(5) + minutes(30));
  EXPECT_EQ(c.CivilOffsetAt(At(hours(1000))), hours(5) + minutes(30));
  EXPECT_EQ(c.CivilSinceZeroDay(At(hours(1))), hours(6) + minutes(30));
  EXPECT_EQ(c.StandardSinceZeroDay(At(hours(1))), hours(6) + minutes(30));
  // Local hours of a +5:30 zone begin at :30 UTC.
  EXPECT_EQ(c.NextCivilHour(At(Duration{0})), At(minutes(30)));
  EXPECT_EQ(c.NextCivilHour(At(minutes(30))), At(minutes(90)));
}

TEST(LocalClock, TheUtcTimeOfDayAtZeroShiftsTheDay) {
  const LocalClock c = LocalClock::Fixed(-hours(5), hours(23));  // start 23:00 UTC
  EXPECT_EQ(CivilHourOfDay(c, At(Duration{0})), 18);
  EXPECT_EQ(CivilHourOfDay(c, At(hours(7))), 1);
}

TEST(LocalClock, SpringForwardSkipsTwoOClock) {
  const LocalClock c = SpringForward();
  std::vector<int> seen;
  Time t = At(hours(4));  // 23:00 EST on the 8th
  while (t < At(hours(10))) {
    seen.push_back(CivilHourOfDay(c, t));
    t = c.NextCivilHour(t);
  }
  EXPECT_EQ(seen, (std::vector<int>{23, 0, 1, 3, 4, 5}));
  EXPECT_EQ(c.CivilOffsetAt(At(hours(7)) - Duration{1}), -hours(5));
  EXPECT_EQ(c.CivilOffsetAt(At(hours(7))), -hours(4));
  // Standard time (the sun's) does not jump.
  EXPECT_EQ(c.StandardSinceZeroDay(At(hours(8))), hours(3));
}

TEST(LocalClock, FallBackRepeatsOneOClock) {
  LocalClock c;  // like 2025-11-02, time zero at 00:00 UTC: EDT until 06:00 UTC, then EST
  c.standard_offset = -hours(5);
  c.change_times = {At(hours(6))};
  c.civil_offsets = {-hours(4), -hours(5)};
  std::vector<int> seen;
  std::vector<Time> at;
  Time t = At(hours(3));
  while (t < At(hours(9))) {
    seen.push_back(CivilHourOfDay(c, t));
    at.push_back(t);
    t = c.NextCivilHour(t);
  }
  EXPECT_EQ(seen, (std::vector<int>{23, 0, 1, 1, 2, 3}));
  EXPECT_EQ(at[3], At(hours(6)));  // the repeated hour begins at the change
}

TEST(LocalClock, AChangeInsideAnHourIsAStep) {
  // A change at 00:10 UTC from +10:30 to +11:00: local 10:40 becomes 11:10, so the hour changes at
  // the change, before the +10:30 clock's next boundary (11:00 local, 00:20 UTC).
  LocalClock c;
  c.change_times = {At(minutes(10))};
  c.civil_offsets = {hours(10) + minutes(30), hours(11)};
  EXPECT_EQ(c.NextCivilHour(At(Duration{0})), At(minutes(10)));
  EXPECT_EQ(c.NextCivilHour(At(minutes(10))), At(minutes(60)));
  EXPECT_EQ(CivilHourOfDay(c, At(minutes(9))), 10);
  EXPECT_EQ(CivilHourOfDay(c, At(minutes(10))), 11);
}

}  // namespace
}  // namespace headroom::model
