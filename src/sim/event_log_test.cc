#include "sim/event_log.h"

#include <gtest/gtest.h>

namespace headroom::sim {
namespace {

Time At(double s) { return kTimeZero + FromSeconds(s); }

EventLogOptions Summary(Duration gap = std::chrono::hours(1)) {
  return {EventLevel::kSummary, gap};
}

TEST(EventLog, LevelsByName) {
  for (EventLevel l : {EventLevel::kNone, EventLevel::kSummary, EventLevel::kAll})
    EXPECT_EQ(ParseEventLevel(EventLevelName(l)), l);
  EXPECT_FALSE(ParseEventLevel("actions").has_value());
}

TEST(EventLog, UnitsComeOutOfTheDetail) {
  EXPECT_EQ(SplitUnit("MW lost; from stochastic"),
            (std::pair<std::string_view, std::string_view>{"MW", "lost; from stochastic"}));
  EXPECT_EQ(SplitUnit("GPU-h lost; interruption").first, "GPU-h");
  EXPECT_EQ(SplitUnit("GB to stage from ohio").first, "GB");
  EXPECT_EQ(SplitUnit("GB to stage from ohio").second, "to stage from ohio");
  EXPECT_EQ(SplitUnit("GPUs; site a is short").first, "GPUs");
  EXPECT_EQ(SplitUnit("GBP").first, "");
  EXPECT_EQ(SplitUnit("Hz; from x.yaml:3").second, "from x.yaml:3");
  EXPECT_EQ(SplitUnit("% state of charge").first, "%");
  EXPECT_EQ(SplitUnit("s").first, "s");
  EXPECT_EQ(SplitUnit("C above normal").first, "degC");
  // Words that merely start like a unit are not units.
  EXPECT_EQ(SplitUnit("supply restored").first, "");
  EXPECT_EQ(SplitUnit("hold the limit").first, "");
  EXPECT_EQ(SplitUnit("").first, "");
}

TEST(EventLog, TemplatesMaskNumbers) {
  EXPECT_EQ(DetailTemplate("restore: headroom held for 903.01 s"),
            "restore: headroom held for # s");
  EXPECT_EQ(DetailTemplate("fit 412.5 MW facility budget; high work, tolerates 5% slowdown"),
            "fit # MW facility budget; high work, tolerates #% slowdown");
  EXPECT_EQ(DetailTemplate("breaker_trip tents/TN"), "breaker_trip tents/TN");
}

TEST(EventLog, AllKeepsEveryRecordWithItsUnit) {
  EventLog log({EventLevel::kAll});
  log.Record(At(1), 0, "unit_trip", "gas/1", 23.5, "MW lost; from stochastic");
  log.Record(At(2), 0, "action:set_cap", "job-1", 350, "restore: headroom held for 2 s");
  log.Record(At(2), 1, "job_done", "job-2", 3.5, "h since arrival");
  EXPECT_EQ(log.records(), 3u);
  const EventRows rows = log.Finish();
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].unit, "MW");
  EXPECT_EQ(rows[0].detail, "lost; from stochastic");
  EXPECT_EQ(rows[1].unit, "W/GPU");
  EXPECT_EQ(rows[1].detail, "restore: headroom held for 2 s");  // table kinds keep their detail
  EXPECT_EQ(rows[2].unit, "h");
  for (const EventRecord& r : rows) {
    EXPECT_EQ(r.count, 1u);
    EXPECT_EQ(r.end, r.time);
    EXPECT_EQ(r.value_sum, r.value);
  }
}

TEST(EventLog, NoneKeepsNothing) {
  EventLog log({EventLevel::kNone});
  log.Record(At(1), 0, "unit_trip", "gas/1", 23.5, "MW lost");
  EXPECT_TRUE(log.Finish().empty());
}

// Cap restores to 1,000 jobs, one a second, then a two-hour pause, then three more: two episodes.
TEST(EventLog, RepeatsWithinTheGapAreOneEpisode) {
  EventLog log(Summary());
  for (int i = 0; i < 1000; ++i) {
    log.Record(At(i), 0, "action:set_cap", "job-" + std::to_string(i % 250), 300 + (i == 500),
               "restore: headroom held for " + std::to_string(i) + " s");
  }
  for (int i = 0; i < 3; ++i)
    log.Record(At(999 + 7200 + i), 0, "action:set_cap", "job-7", -400,
               "restore: headroom held for 1 s");
  EXPECT_LE(log.rows_held(), 2u);
  const EventRows rows = log.Finish();
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].time, At(0));
  EXPECT_EQ(rows[0].end, At(999));
  EXPECT_EQ(rows[0].count, 1000u);
  EXPECT_EQ(rows[0].subjects, 250);
  EXPECT_EQ(rows[0].subject, "");
  EXPECT_EQ(rows[0].value, 301);  // the extreme, with its own detail
  EXPECT_EQ(rows[0].detail, "restore: headroom held for 500 s");
  EXPECT_DOUBLE_EQ(rows[0].value_sum, 300.0 * 1000 + 1);
  EXPECT_EQ(rows[1].time, At(8199));
  EXPECT_EQ(rows[1].count, 3u);
  EXPECT_EQ(rows[1].subjects, 1);
  EXPECT_EQ(rows[1].subject, "job-7");
  EXPECT_EQ(rows[1].value, -400);  // largest in magnitude
}

// The gap is measured from the previous record of the same key, not from the episode's start.
TEST(EventLog, GapIsBetweenConsecutiveRecords) {
  EventLog log(Summary(std::chrono::minutes(10)));
  for (int i = 0; i <= 24; ++i) log.Record(At(i * 599.0), 0, "battery_full", "s", 95, "% state");
  log.Record(At(24 * 599.0 + 601), 0, "battery_full", "s", 95, "% state");
  const auto rows = log.Finish();
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].count, 25u);
  EXPECT_EQ(rows[1].count, 1u);
}

// Different sites, kinds or templates are different episodes, and rows come out by start time.
TEST(EventLog, KeysSeparateAndRowsAreOrdered) {
  EventLog log(Summary());
  log.Record(At(10), 0, "action:note", "a", 5, "ramp smoothing: toward 3 MW");
  log.Record(At(20), 0, "action:note", "a", 0, "ramp smoothing done: import at 3 MW");
  log.Record(At(30), 1, "action:note", "b", 6, "ramp smoothing: toward 4 MW");
  log.Record(At(40), 0, "action:note", "a", 7, "ramp smoothing: toward 5 MW");
  log.Record(At(45), 0, "action:set_cap", "j", 300, "ramp smoothing: toward 5 MW");
  log.Record(At(50), 0, "action:note", "a", 1, "contingency reserve short: by 1 MW");
  const auto rows = log.Finish();
  ASSERT_EQ(rows.size(), 5u);
  EXPECT_EQ(rows[0].time, At(10));
  EXPECT_EQ(rows[0].count, 2u);
  EXPECT_EQ(rows[0].value, 7);
  EXPECT_EQ(rows[1].time, At(20));
  EXPECT_EQ(rows[2].time, At(30));
  EXPECT_EQ(rows[2].site, 1);
  EXPECT_EQ(rows[3].kind, "action:set_cap");
  EXPECT_EQ(rows[4].detail, "contingency reserve short: by 1 MW");
}

// Summary and all agree on the totals: each record is in exactly one episode.
TEST(EventLog, SummaryConservesCountsAndSums) {
  EventLog all({EventLevel::kAll}), summary(Summary(std::chrono::seconds(30)));
  std::uint64_t x = 12345;
  for (int i = 0; i < 5000; ++i) {
    x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    const double t = i * 7.0 + static_cast<double>(x >> 60);
    const int site = static_cast<int>((x >> 20) % 3);
    const std::string kind = (x >> 30) % 2 ? "job_crash_failure" : "job_done";
    const double v = static_cast<double>((x >> 40) % 1000) / 10;
    all.Record(At(t), site, kind, "j", v, "GPU-h lost; x");
    summary.Record(At(t), site, kind, "j", v, "GPU-h lost; x");
  }
  const auto a = all.Finish(), s = summary.Finish();
  ASSERT_EQ(a.size(), 5000u);
  EXPECT_LT(s.size(), a.size());
  std::uint64_t count = 0;
  double sum_a = 0, sum_s = 0;
  for (const auto& r : a) sum_a += r.value;
  for (const auto& r : s) {
    count += r.count;
    sum_s += r.value_sum;
  }
  EXPECT_EQ(count, 5000u);
  EXPECT_NEAR(sum_s, sum_a, 1e-6);
  for (size_t i = 1; i < s.size(); ++i) EXPECT_LE(s[i - 1].time, s[i].time);
}

}  // namespace
}  // namespace headroom::sim
