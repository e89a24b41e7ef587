// The decision contract (contract.h), one row per way to break it, on a hand-built snapshot: two
// jobs (one running, one paused) with ids that are not indices, two turbine units (one off, one
// online), a battery, no import bounds in force, and a tree of a site over three racks: the
// running job's (1), the paused job's (2) and one powered off (3).

#include "control/contract.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

namespace headroom::control {
namespace {

using Kind = Action::Kind;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr JobId kRunning{42};
constexpr JobId kPaused{7};
constexpr JobId kStranger{1};  // not at the site

SiteTelemetry Snapshot() {
  SiteTelemetry t;
  t.now = kTimeZero + std::chrono::seconds(100);
  t.has_battery = true;
  JobView running;
  running.id = kRunning;
  running.state = JobState::kRunning;
  JobView paused;
  paused.id = kPaused;
  paused.state = JobState::kPaused;
  running.racks_begin = 0;
  running.racks_count = 1;
  paused.racks_begin = 1;
  paused.racks_count = 1;
  t.jobs = {running, paused};
  t.rack_shares = {{1, 8}, {2, 8}};
  t.rack_power = {RackPower::kNotRack, RackPower::kOn, RackPower::kOn, RackPower::kOff};
  t.racks_not_on = {3};
  UnitView off;
  off.plant = 0;
  off.unit = 0;
  off.state = UnitState::kOff;
  UnitView online = off;
  online.unit = 1;
  online.state = UnitState::kOnline;
  t.units = {off, online};
  return t;
}

Decision Valid(const SiteTelemetry& t) {
  Decision d;
  d.next_wake = t.now + std::chrono::seconds(2);
  d.reserve_short_w = 0;
  d.actions = {
      Action::ForJob(Kind::kSetCap, kRunning, 500, ""),
      Action::ForJob(Kind::kBrake, kRunning, 1, ""),
      Action::ForJob(Kind::kPause, kRunning, 0, ""),
      Action::ForJob(Kind::kResume, kPaused, 0, ""),
      Action::ForUnit(Kind::kCommitUnit, 0, 0, 0, ""),
      Action::ForUnit(Kind::kDecommitUnit, 0, 1, 0, ""),
      Action::ForUnit(Kind::kSetUnitTarget, 0, 1, 10e6, ""),
      Action::ForSite(Kind::kSetBatteryCharge, 5e6, ""),
      Action::ForSite(Kind::kSetImportCeiling, kNoCeiling, ""),
      Action::ForSite(Kind::kSetImportFloor, kNoFloor, ""),
      Action::Note(1.5, "a finding"),
      Action::ForRack(Kind::kPowerOffRack, 2, ""),
      Action::ForRack(Kind::kPowerOnRack, 3, ""),
  };
  return d;
}

TEST(CheckDecision, AValidDecisionHolds) {
  const SiteTelemetry t = Snapshot();
  EXPECT_TRUE(CheckDecision(t, Valid(t)).empty());
  Decision quiet;  // no actions, no wake-up of its own
  EXPECT_TRUE(CheckDecision(t, quiet).empty());
}

struct Row {
  std::string name;
  Action action;
  std::string expect;  // a fragment of the violation's text
};

// Each row appends one action to a valid decision; exactly that action must be flagged.
TEST(CheckDecision, FlagsEachViolatingAction) {
  const std::vector<Row> rows = {
      {"cap names an unknown job", Action::ForJob(Kind::kSetCap, kStranger, 500, ""),
       "not in the telemetry"},
      {"no job at all", Action::ForJob(Kind::kPause, kNoJob, 0, ""), "not in the telemetry"},
      {"NaN cap", Action::ForJob(Kind::kSetCap, kRunning, kNaN, ""), "NaN"},
      {"infinite cap", Action::ForJob(Kind::kSetCap, kRunning, kInf, ""), "not finite"},
      {"zero cap", Action::ForJob(Kind::kSetCap, kRunning, 0, ""), "not positive"},
      {"brake value 0.5", Action::ForJob(Kind::kBrake, kRunning, 0.5, ""), "neither 0"},
      {"pause of a paused job", Action::ForJob(Kind::kPause, kPaused, 0, ""), "not running"},
      {"resume of a running job", Action::ForJob(Kind::kResume, kRunning, 0, ""), "not paused"},
      {"stop of a paused job", Action::ForJob(Kind::kStop, kPaused, 0, ""), "stop of a job"},
      {"unknown unit", Action::ForUnit(Kind::kSetUnitTarget, 0, 9, 1e6, ""),
       "not in the telemetry"},
      {"commit of an online unit", Action::ForUnit(Kind::kCommitUnit, 0, 1, 0, ""), "not off"},
      {"decommit of an off unit", Action::ForUnit(Kind::kDecommitUnit, 0, 0, 0, ""), "not online"},
      {"negative unit target", Action::ForUnit(Kind::kSetUnitTarget, 0, 1, -1, ""), "negative"},
      {"negative charge", Action::ForSite(Kind::kSetBatteryCharge, -1, ""), "negative"},
      {"NaN ceiling", Action::ForSite(Kind::kSetImportCeiling, kNaN, ""), "NaN"},
      {"ceiling at -inf", Action::ForSite(Kind::kSetImportCeiling, -kInf, ""), "not finite"},
      {"floor at +inf", Action::ForSite(Kind::kSetImportFloor, kInf, ""), "not finite"},
      {"ceiling under the floor", Action::ForSite(Kind::kSetImportFloor, 1e9, ""),
       "below the floor"},
      {"NaN note", Action::Note(kNaN, "x"), "NaN"},
      {"power-off under a running job", Action::ForRack(Kind::kPowerOffRack, 1, ""),
       "pause it first"},
      {"power-off of a node that is no rack", Action::ForRack(Kind::kPowerOffRack, 0, ""),
       "not a rack"},
      {"power-off of an unknown node", Action::ForRack(Kind::kPowerOffRack, 9, ""),
       "not in the telemetry"},
      {"power-off of no node", Action::ForRack(Kind::kPowerOffRack, -1, ""),
       "not in the telemetry"},
      {"power-on of a rack that is on", Action::ForRack(Kind::kPowerOnRack, 1, ""), "not off"},
      // The valid decision powered rack 2 off and rack 3 on already.
      {"power-off of a rack powered off before", Action::ForRack(Kind::kPowerOffRack, 2, ""),
       "which is off, not on"},
      {"power-on of a rack booting", Action::ForRack(Kind::kPowerOnRack, 3, ""),
       "which is booting, not off"},
  };
  const SiteTelemetry t = Snapshot();
  for (const Row& row : rows) {
    SCOPED_TRACE(row.name);
    Decision d = Valid(t);
    // Ceiling under the floor: the valid decision lifts both bounds; give it a finite ceiling.
    d.actions[8].value = 1e8;
    d.actions.push_back(row.action);
    const std::vector<ContractViolation> v = CheckDecision(t, d);
    ASSERT_EQ(v.size(), 1u) << (v.empty() ? "" : Describe(v[0], d));
    EXPECT_EQ(v[0].action, static_cast<int>(d.actions.size()) - 1);
    EXPECT_NE(v[0].what.find(row.expect), std::string::npos) << v[0].what;
  }
}

TEST(CheckDecision, FlagsTheDecisionItself) {
  const SiteTelemetry t = Snapshot();
  for (const Time wake : {t.now, t.now - std::chrono::seconds(1)}) {
    Decision d = Valid(t);
    d.next_wake = wake;
    const std::vector<ContractViolation> v = CheckDecision(t, d);
    ASSERT_EQ(v.size(), 1u);
    EXPECT_EQ(v[0].action, -1);
    EXPECT_NE(Describe(v[0], d).find("decision: next_wake"), std::string::npos);
  }
  Decision d = Valid(t);
  d.reserve_short_w = kNaN;
  ASSERT_EQ(CheckDecision(t, d).size(), 1u);
}

// The outlook for the global scheduler: each broken field is one finding on the decision, and
// ResetBrokenOutlook sets exactly the broken ones back to their defaults.
TEST(CheckDecision, OutlookForTheScheduler) {
  const SiteTelemetry t = Snapshot();  // now = 100 s
  struct OutlookRow {
    std::string name;
    double move_away_w;
    Time short_until;
    double forecast_spare_w;
    std::string expect;  // "" when it holds
  };
  const Time later = t.now + std::chrono::hours(6);
  const std::vector<OutlookRow> rows = {
      {"defaults", 0, kTimeZero, kInf, ""},
      {"a request until a time ahead", 5e6, later, -3e6, ""},
      {"short until now", 5e6, t.now, 1e6, ""},
      {"a forecast of -inf", 0, kTimeZero, -kInf, ""},
      {"negative move-away", -1, kTimeZero, kInf, "move_away_w -1 W"},
      {"NaN move-away", kNaN, kTimeZero, kInf, "move_away_w nan W"},
      {"infinite move-away", kInf, kTimeZero, kInf, "move_away_w inf W"},
      {"short until the past", 0, t.now - std::chrono::seconds(1), kInf, "short_until 1 s ago"},
      {"NaN forecast", 0, kTimeZero, kNaN, "forecast_spare_w is NaN"},
  };
  for (const OutlookRow& row : rows) {
    SCOPED_TRACE(row.name);
    Decision d = Valid(t);
    d.move_away_w = row.move_away_w;
    d.short_until = row.short_until;
    d.forecast_spare_w = row.forecast_spare_w;
    const std::vector<ContractViolation> v = CheckDecision(t, d);
    if (row.expect.empty()) {
      EXPECT_TRUE(v.empty()) << Describe(v[0], d);
      EXPECT_EQ(ResetBrokenOutlook(t, &d), 0);
      EXPECT_EQ(d.short_until, row.short_until);
      continue;
    }
    ASSERT_EQ(v.size(), 1u);
    EXPECT_EQ(v[0].action, -1);
    EXPECT_NE(Describe(v[0], d).find("decision: " + row.expect), std::string::npos) << v[0].what;
    EXPECT_EQ(ResetBrokenOutlook(t, &d), 1);
    EXPECT_TRUE(CheckDecision(t, d).empty());
  }
  // All three broken: three findings, all three reset to the defaults; the rest kept.
  Decision d = Valid(t);
  d.move_away_w = -5;
  d.short_until = t.now - std::chrono::seconds(50);
  d.forecast_spare_w = kNaN;
  EXPECT_EQ(CheckDecision(t, d).size(), 3u);
  EXPECT_EQ(ResetBrokenOutlook(t, &d), 3);
  EXPECT_EQ(d.move_away_w, 0);
  EXPECT_EQ(d.short_until, kTimeZero);
  EXPECT_EQ(d.forecast_spare_w, kInf);
  EXPECT_EQ(d.actions.size(), Valid(t).actions.size());
}

// A bound set earlier and still in force counts: a new ceiling under the floor in force breaks
// the contract; the same ceiling with the floor lifted in the same decision does not.
TEST(CheckDecision, ImportBoundsInForceCount) {
  SiteTelemetry t = Snapshot();
  t.import_floor_w = 200e6;
  Decision d;
  d.next_wake = kTimeNever;
  d.actions = {Action::ForSite(Kind::kSetImportCeiling, 100e6, "")};
  EXPECT_EQ(CheckDecision(t, d).size(), 1u);
  d.actions.push_back(Action::ForSite(Kind::kSetImportFloor, kNoFloor, ""));
  EXPECT_TRUE(CheckDecision(t, d).empty());
}

TEST(CheckDecision, BatteryActionsNeedABattery) {
  SiteTelemetry t = Snapshot();
  t.has_battery = false;
  Decision d;
  d.actions = {Action::ForSite(Kind::kSetBatteryDischarge, 1e6, "")};
  const std::vector<ContractViolation> v = CheckDecision(t, d);
  ASSERT_EQ(v.size(), 1u);
  EXPECT_NE(v[0].what.find("without a battery"), std::string::npos);
}

}  // namespace
}  // namespace headroom::control
