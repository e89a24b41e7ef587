// Local time from the tz database (config/location.cc, model/local_time.h): the civil hour around
// America/New_York's daylight-saving changes of 2025 in both directions, a zone without daylight
// saving and a half-hour offset (Asia/Kolkata, +5:30), the rules for `timezone` with
// `utc_offset`, the errors, and the diurnal inference demand following the clock end to end.

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "config/loader.h"
#include "control/headroom.h"
#include "sim/engine.h"

namespace headroom {
namespace {

using std::chrono::hours;
using std::chrono::minutes;

std::string Fleet(const std::string& start, const std::string& location,
                  const std::string& extra = "") {
  return "start: " + start + R"(
horizon: 3 d
sites:
  - name: s
    kind: owned
    location: )" +
         location +
         R"(
    grid: {import_limit: 10 MW}
    power_tree:
      - {rack: K, rating: 50 kW, gpus: 8, gpu: H100}
)" + extra;
}

absl::StatusOr<model::Fleet> Load(const std::string& start, const std::string& location,
                                  const std::string& extra = "") {
  return config::LoadFleetFromString(Fleet(start, location, extra), "tz.yaml");
}

int CivilHour(const model::LocalClock& c, Time t) {
  const std::int64_t h = c.CivilSinceZeroDay(t) / hours(1);
  return static_cast<int>(((h % 24) + 24) % 24);
}

// The civil hour at every UTC hour from `first` to `last` (hours since time zero).
std::vector<int> HoursAt(const model::LocalClock& c, int first, int last) {
  std::vector<int> out;
  for (int h = first; h <= last; ++h) out.push_back(CivilHour(c, Time{hours(h)}));
  return out;
}

// 2025-03-09: clocks go from 02:00 EST to 03:00 EDT at 07:00 UTC. Time zero is 00:00 UTC on the
// 8th, so the change is 31 h in.
TEST(TimeZone, NewYorkSpringsForwardOn9March2025) {
  auto f = Load("2025-03-08", "{timezone: America/New_York}");
  ASSERT_TRUE(f.ok()) << f.status();
  const model::LocalClock& c = f->sites[0].clock;
  EXPECT_EQ(f->sites[0].timezone, "America/New_York");
  EXPECT_EQ(c.standard_offset, -hours(5));
  ASSERT_FALSE(c.change_times.empty());
  EXPECT_EQ(c.change_times[0], Time{hours(31)});
  EXPECT_EQ(c.civil_offsets[0], -hours(5));
  EXPECT_EQ(c.civil_offsets[1], -hours(4));
  // 04:00 UTC .. 09:00 UTC on the 9th: 23, 00, 01, then 03 (02:00 does not exist).
  EXPECT_EQ(HoursAt(c, 28, 33), (std::vector<int>{23, 0, 1, 3, 4, 5}));
  // The next change is the fall-back of 2 November, and they alternate for a century.
  EXPECT_EQ(c.change_times[1], Time{hours(24 * 239 + 6)});
  EXPECT_GT(c.change_times.size(), 190u);
}

// 2025-11-02: clocks go from 02:00 EDT back to 01:00 EST at 06:00 UTC: 01:00 happens twice.
TEST(TimeZone, NewYorkFallsBackOn2November2025) {
  auto f = Load("2025-11-02", "{timezone: America/New_York, utc_offset: -5 h}");
  ASSERT_TRUE(f.ok()) << f.status();
  const model::LocalClock& c = f->sites[0].clock;
  EXPECT_EQ(c.civil_offsets[0], -hours(4));
  EXPECT_EQ(c.standard_offset, -hours(5)) << "the lowest offset of the year, not the one at start";
  EXPECT_EQ(c.change_times[0], Time{hours(6)});
  EXPECT_EQ(HoursAt(c, 3, 8), (std::vector<int>{23, 0, 1, 1, 2, 3}));
  // The engine's civil-hour steps go through the repeated hour as two steps.
  std::vector<Time> steps;
  for (Time t{hours(4)}; t < Time{hours(8)}; t = c.NextCivilHour(t)) steps.push_back(t);
  EXPECT_EQ(steps.size(), 4u);
}

// No daylight saving and a half-hour offset: no changes at all; hours begin at :30 UTC.
TEST(TimeZone, KolkataIsAFixedHalfHourOffset) {
  auto f = Load("2025-06-01", "{timezone: Asia/Kolkata, utc_offset: 5 h 30 min}");
  ASSERT_TRUE(f.ok()) << f.status();
  const model::LocalClock& c = f->sites[0].clock;
  EXPECT_TRUE(c.change_times.empty());
  EXPECT_EQ(c.civil_offsets[0], hours(5) + minutes(30));
  EXPECT_EQ(c.standard_offset, hours(5) + minutes(30));
  EXPECT_EQ(CivilHour(c, Time{Duration{0}}), 5);
  EXPECT_EQ(CivilHour(c, Time{minutes(30)}), 6);
  EXPECT_EQ(c.NextCivilHour(Time{Duration{0}}), Time{minutes(30)});
}

TEST(TimeZone, AnOffsetAloneIsFixedAndNoLocationIsUtc) {
  auto f = Load("2025-06-01T18:00:00Z", "{utc_offset: -5 h}");
  ASSERT_TRUE(f.ok()) << f.status();
  const model::LocalClock& c = f->sites[0].clock;
  EXPECT_TRUE(c.change_times.empty());
  EXPECT_EQ(f->sites[0].timezone, "");
  EXPECT_EQ(c.utc_time_of_day_at_zero, hours(18));
  EXPECT_EQ(CivilHour(c, Time{Duration{0}}), 13) << "18:00 UTC is 13:00 at UTC-5";
  auto utc = Load("2025-06-01", "{latitude: 40 deg}");
  ASSERT_TRUE(utc.ok()) << utc.status();
  EXPECT_EQ(utc->sites[0].clock.civil_offsets, std::vector<Duration>{Duration{0}});
  EXPECT_TRUE(utc->sites[0].clock.change_times.empty());
}

// The synthetic weather's `warmest_day` is a day of the calendar: a fleet starting on 20 July (day
// 200 from 1 January) starts at the warm peak, 25 C, not at a January 1st's 5.4 C. Closed form at
// hour h of the year: mean + seasonal × cos(2π (h / 24 − warmest_day) / 365).
TEST(TimeZone, WeatherFollowsTheCalendarFromTheStart) {
  auto f = Load("2025-07-20", "{utc_offset: 0 h}",
                "    weather: {mean: 15 C, seasonal_amplitude: 10 C, warmest_day: 200}\n");
  ASSERT_TRUE(f.ok()) << f.status();
  const auto closed_form = [](double h) {
    return 15 + 10 * std::cos(2 * M_PI * (h / 24 - 200) / 365);
  };
  EXPECT_NEAR(f->sites[0].ambient_c.At(Time{hours(1)}), closed_form(200 * 24 + 1), 1e-9);
  auto jan = Load("2025-01-01", "{utc_offset: 0 h}",
                  "    weather: {mean: 15 C, seasonal_amplitude: 10 C, warmest_day: 200}\n");
  ASSERT_TRUE(jan.ok()) << jan.status();
  EXPECT_NEAR(jan->sites[0].ambient_c.At(Time{hours(1)}), closed_form(1), 1e-9);
}

// Errors name the file, line, field and what is valid.
TEST(TimeZone, UnknownZonesAndDisagreeingOffsetsAreErrors) {
  for (const char* zone : {"America/Nowhere", "Mars/Olympus_Mons", "../../etc/passwd", "localtime",
                           "right/America/New_York", "America", "/usr/share/zoneinfo/UTC"}) {
    auto f = Load("2025-01-01", std::string("{timezone: \"") + zone + "\"}");
    ASSERT_FALSE(f.ok()) << zone;
    const std::string msg(f.status().message());
    EXPECT_NE(msg.find("tz.yaml:6:"), std::string::npos) << msg;
    EXPECT_NE(msg.find("sites[0].location.timezone"), std::string::npos) << msg;
    EXPECT_NE(msg.find("unknown time zone \"" + std::string(zone) + "\""), std::string::npos)
        << msg;
    EXPECT_NE(msg.find("an IANA name such as America/New_York"), std::string::npos) << msg;
  }
  // The offset must be the zone's standard one (-5 h), even in summer when clocks show -4 h.
  auto f = Load("2025-07-01", "{timezone: America/New_York, utc_offset: -4 h}");
  ASSERT_FALSE(f.ok());
  const std::string msg(f.status().message());
  EXPECT_NE(msg.find("sites[0].location.utc_offset"), std::string::npos) << msg;
  EXPECT_NE(msg.find("UTC-04:00 disagrees with America/New_York"), std::string::npos) << msg;
  EXPECT_NE(msg.find("UTC-05:00"), std::string::npos) << msg;
  EXPECT_TRUE(Load("2025-07-01", "{timezone: America/New_York, utc_offset: -5 h}").ok());
}

// End to end: an inference service whose demand peaks at 15:00 local draws most power in the hour
// that begins at 15:00 on the clock: 19:00 UTC in summer (EDT), 20:00 UTC in winter (EST). With a
// fixed -5 h offset the summer peak would stay at 20:00 UTC. Returns the UTC minute (from time
// zero) at which the first bucket of highest IT power begins.
int PeakUtcMinute(const std::string& start, const std::string& zone, Duration resolution) {
  auto f = Load(start, "{timezone: " + zone + "}", R"(
workloads:
  jobs:
    - {name: chat, kind: inference, site: s, gpus: 8, lifetime: 10 d,
       demand: {peak: 90%, trough: 40%, peak_hour: 15}}
)");
  EXPECT_TRUE(f.ok()) << f.status();
  if (!f.ok()) return -1;
  sim::Options o;
  o.horizon = hours(24);
  o.resolution = resolution;
  control::Strategy unmanaged;
  for (const auto& s : control::AllStrategies()) {
    if (s.name == "unmanaged") unmanaged = s;
  }
  const sim::Result r = sim::Simulate(*f, unmanaged, o);
  const auto& series = r.sites[0].series;
  int best = -1;
  double best_w = -1;
  for (size_t b = 1; b < series.size(); ++b) {  // bucket 0 holds the job's start
    if (series[b][sim::kSeriesIt] > best_w + 1e-9) {
      best_w = series[b][sim::kSeriesIt];
      best = static_cast<int>(b * static_cast<size_t>(resolution / minutes(1)));
    }
  }
  return best;
}

TEST(TimeZone, InferenceDemandFollowsDaylightSaving) {
  EXPECT_EQ(PeakUtcMinute("2025-07-01", "America/New_York", hours(1)), 19 * 60);
  EXPECT_EQ(PeakUtcMinute("2025-01-15", "America/New_York", hours(1)), 20 * 60);
}

// At +5:30 the civil hours begin at :30 UTC and demand steps there, not at the next UTC hour:
// 15:00 IST is 09:30 UTC.
TEST(TimeZone, InferenceDemandStepsAtHalfHourBoundaries) {
  EXPECT_EQ(PeakUtcMinute("2025-07-01", "Asia/Kolkata", minutes(30)), 9 * 60 + 30);
}

}  // namespace
}  // namespace headroom
