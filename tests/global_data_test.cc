// Engine tests of data sets in the twin: a job placed where its data set has no copy holds its
// racks while one copy crosses the WAN from the data set's home; the copy serves every job that
// waits for it and every later one; a migration to such a site waits for its checkpoint and its
// data set both. Fleets are ChainFleet's (copies of SmallFleet's 24-GPU site, a 10 Gbps link of
// 40 ms, unlimited uplinks) and the times are worked by hand.
//
// Common figures: TrainingJob's jobs checkpoint every 30 min with a 6 s save, so they progress at
// f = 1 - 6/1800 of full speed, and restore in 300 s when started after t = 0. A 1 TB data set
// crosses 10 Gbps in 1e12 x 8 / 1e10 = 800 s, delivered 40 ms after its last byte leaves.

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "global_fleet.h"
#include "sched/factory.h"
#include "sim/engine.h"
#include "sim/test_fleet.h"

namespace headroom {
namespace {

constexpr double kCorpusBytes = 1e12;
constexpr double kStageS = 800.04;  // 1 TB over 10 Gbps, plus 40 ms

model::JobSpec Reader(const std::string& name, Time arrival) {
  model::JobSpec j = sim::TrainingJob(name, 8, 1, arrival);
  j.site = -1;
  j.dataset = 0;
  return j;
}

// a and b (1 h of work each, 8 GPUs) are placed at s1 at t = 0 and wait for one staging of the
// corpus: 800.04 s, then restore 300 s and run 3600 / f s. c, placed at s1 at 2,000 s, finds the
// copy and starts at once; h, placed at the corpus's home s0 at t = 0, runs at once.
TEST(GlobalData, ADataSetIsStagedOnceForAllItsReadersAndKept) {
  model::Fleet fleet = ChainFleet(2, 1e10, std::chrono::milliseconds(40));
  fleet.datasets.push_back({"corpus", 0, kCorpusBytes});
  fleet.jobs = {Reader("a", kTimeZero), Reader("b", kTimeZero),
                Reader("c", kTimeZero + std::chrono::seconds(2000)), Reader("h", kTimeZero)};
  std::vector<double> left_at_start, left_at_c;
  const sim::Result r =
      RunScripted(fleet, [&](const sched::FleetTelemetry& t, sched::PlacementDecision* out) {
        ExpectOnePlace(t);
        ASSERT_NE(t.data_bytes_left, nullptr);
        for (const sched::JobRequest& a : t.arrivals) {
          out->placements.push_back({a.id, a.id == 3 ? 0 : 1, {}});
          if (a.id == 0) left_at_start = *t.data_bytes_left;
          if (a.id == 2) left_at_c = *t.data_bytes_left;
        }
      });
  EXPECT_EQ(left_at_start, (std::vector<double>{0, kCorpusBytes}));
  EXPECT_EQ(left_at_c, (std::vector<double>{0, 0}));
  const double run_s = 3600 / kF;
  EXPECT_NEAR(DoneAt(r, "a"), kStageS + kRestoreS + run_s, kTolS);
  EXPECT_NEAR(DoneAt(r, "b"), kStageS + kRestoreS + run_s, kTolS);
  EXPECT_NEAR(DoneAt(r, "c"), 2000 + kRestoreS + run_s, kTolS);
  EXPECT_NEAR(DoneAt(r, "h"), run_s, kTolS);
  EXPECT_NEAR(JobOf(r, "a").first_start_s, kStageS, kTolS);
  EXPECT_NEAR(JobOf(r, "a").data_wait_s, kStageS, kTolS);
  EXPECT_NEAR(JobOf(r, "b").data_wait_s, kStageS, kTolS);
  EXPECT_EQ(JobOf(r, "c").data_wait_s, 0);
  EXPECT_EQ(JobOf(r, "h").data_wait_s, 0);
  ASSERT_EQ(EventsOfKind(r.events, "data_staging").size(), 1u);
  const auto staged = EventsOfKind(r.events, "data_staged");
  ASSERT_EQ(staged.size(), 1u);
  EXPECT_EQ(staged[0].site, 1);
  EXPECT_NEAR(ToSeconds(staged[0].time), kStageS, kTolS);
  EXPECT_DOUBLE_EQ(r.sites[1].dataset_bytes_in, kCorpusBytes);
  EXPECT_DOUBLE_EQ(r.sites[0].dataset_bytes_in, 0);
  EXPECT_NEAR(r.sites[1].data_wait_gpu_s, 2 * 8 * kStageS, 1e-3);
  // One copy's bytes on the link from s0 to s1, none the other way; labelled as data.
  double on_links = 0;
  int carrying = 0;
  for (const sim::LinkResult& l : r.links) {
    EXPECT_EQ(l.migration_bytes + l.exchange_bytes, 0) << l.name;
    if (l.dataset_bytes > 0 && std::isfinite(l.capacity_bps)) {
      ++carrying;
      on_links += l.dataset_bytes;
    }
  }
  EXPECT_EQ(carrying, 1);
  EXPECT_DOUBLE_EQ(on_links, kCorpusBytes);
  EXPECT_TRUE(r.reads_datasets);
}

// x (8 GPUs, 10 h, 100 GB checkpoint) runs at the corpus's home s0; at T = 4,200 s it is moved to
// s1. The corpus starts crossing at T, alone on the link for the 6 s save (7.5 GB), then beside
// the checkpoint, 5 Gbps each, until the checkpoint drains at T + 6 + 160 s (corpus: 107.5 GB
// across); then alone for its last 892.5 GB: 714 s. Its last byte leaves at T + 880 s, as the
// link was full from T: (1e12 + 1e11) x 8 / 1e10 = 880 s. x waits on its held racks from the
// checkpoint's arrival (T + 166.04) to the corpus's (T + 880.04), restores and runs on: done
// 880.04 + 300 s later than unmoved.
TEST(GlobalData, AMigrationToASiteWithoutTheDataSetWaitsForItAndItsCheckpoint) {
  model::Fleet fleet = ChainFleet(2, 1e10, std::chrono::milliseconds(40));
  fleet.datasets.push_back({"corpus", 0, kCorpusBytes});
  model::JobSpec x = sim::TrainingJob("x", 8, 10, kTimeZero);
  x.site = -1;
  x.dataset = 0;
  x.checkpoint_bytes = 1e11;
  fleet.jobs = {x};
  constexpr double kT = 4200;
  bool moved = false;
  const sim::Result r =
      RunScripted(fleet, [&](const sched::FleetTelemetry& t, sched::PlacementDecision* out) {
        ExpectOnePlace(t);
        for (const sched::JobRequest& a : t.arrivals) out->placements.push_back({a.id, 0, {}});
        if (!moved && t.now >= kTimeZero + FromSeconds(kT)) {
          moved = true;
          out->migrations.push_back({0, 0, 1, 1000, "test"});
        }
        if (!moved) out->next_wake = kTimeZero + FromSeconds(kT);
      });
  EXPECT_NEAR(DoneAt(r, "x"), 36000 / kF + 880.04 + kRestoreS, kTolS);
  const auto done = EventsOfKind(r.events, "migration_done");
  ASSERT_EQ(done.size(), 1u);
  EXPECT_NEAR(ToSeconds(done[0].time), kT + 880.04, kTolS);
  EXPECT_NEAR(done[0].value, 880.04 + kRestoreS, kTolS);
  EXPECT_NEAR(JobOf(r, "x").data_wait_s, 880.04 - (kSaveS + 160.04), kTolS);
  EXPECT_EQ(JobOf(r, "x").migrations, 1);
  EXPECT_EQ(r.sites[1].migrations_in, 1);
  EXPECT_DOUBLE_EQ(r.sites[1].dataset_bytes_in, kCorpusBytes);
}

// The scheduler asks for a copy at s1 ahead of need at t = 0 (and for two that cannot be: no
// such data set, no such site). The host calls it when the copy lands, at 800.04 s; a job placed
// at s1 then starts at once, with no wait for data.
TEST(GlobalData, ACopyStagedAheadOfNeedLandsAndTheSchedulerIsCalled) {
  model::Fleet fleet = ChainFleet(2, 1e10, std::chrono::milliseconds(40));
  fleet.datasets.push_back({"corpus", 0, kCorpusBytes});
  fleet.jobs = {Reader("a", kTimeZero)};
  std::vector<double> calls;
  bool asked = false, placed = false;
  const sim::Result r =
      RunScripted(fleet, [&](const sched::FleetTelemetry& t, sched::PlacementDecision* out) {
        calls.push_back(ToSeconds(t.now));
        if (!asked) {
          asked = true;
          out->stagings.push_back({0, 1, "test"});
          out->stagings.push_back({3, 1, "no such data set"});
          out->stagings.push_back({0, 7, "no such site"});
        }
        if (!placed && (*t.data_bytes_left)[1] == 0) {
          placed = true;
          out->placements.push_back({0, 1, {}});
        }
      });
  ASSERT_TRUE(placed);
  EXPECT_NE(std::find_if(calls.begin(), calls.end(),
                         [](double c) { return std::fabs(c - kStageS) < kTolS; }),
            calls.end());
  EXPECT_EQ(EventsOfKind(r.events, "data_staging_dropped").size(), 2u);
  EXPECT_NEAR(JobOf(r, "a").first_start_s, kStageS, kTolS);
  EXPECT_EQ(JobOf(r, "a").data_wait_s, 0);
  EXPECT_NEAR(DoneAt(r, "a"), kStageS + kRestoreS + 3600 / kF, kTolS);
  EXPECT_DOUBLE_EQ(r.sites[1].dataset_bytes_in, kCorpusBytes);
}

// A copy half-way across: the scheduler is told the bytes still to cross at the time of its call
// (1 TB at 10 Gbps from t = 0: 500 GB left at 400 s), not those of the WAN's last change.
TEST(GlobalData, TheBytesLeftOfACopyOnItsWayAreCurrent) {
  model::Fleet fleet = ChainFleet(2, 1e10, std::chrono::milliseconds(40));
  fleet.datasets.push_back({"corpus", 0, kCorpusBytes});
  fleet.jobs = {Reader("a", kTimeZero), Reader("m", kTimeZero + std::chrono::seconds(400))};
  std::vector<double> left_at_m;
  RunScripted(fleet, [&](const sched::FleetTelemetry& t, sched::PlacementDecision* out) {
    for (const sched::JobRequest& a : t.arrivals) {
      out->placements.push_back({a.id, 1, {}});
      if (a.id == 1) left_at_m = *t.data_bytes_left;
    }
  });
  ASSERT_EQ(left_at_m.size(), 2u);
  EXPECT_NEAR(left_at_m[1], kCorpusBytes - 400 * 1.25e9, 1e3);
}

// A scheduler that places every job, and every refused one again at once, at a site its data set
// cannot reach: each refusal comes back at the scheduler's next call, not at once, so the run does
// not loop at one instant. The job is offered only the sites a copy can reach (s0, its home).
TEST(GlobalData, ARefusalForAnUnreachableDataSetDoesNotLoop) {
  model::Fleet fleet = ChainFleet(2, 1e10, std::chrono::milliseconds(40));
  fleet.wan.links.clear();
  fleet.datasets.push_back({"corpus", 0, kCorpusBytes});
  fleet.jobs = {Reader("a", kTimeZero), Reader("b", kTimeZero + std::chrono::seconds(10))};
  int calls = 0;
  std::vector<std::vector<int>> offered;
  const sim::Result r =
      RunScripted(fleet, [&](const sched::FleetTelemetry& t, sched::PlacementDecision* out) {
        if (++calls > 10000) return;
        for (const sched::JobRequest& a : t.arrivals) {
          offered.push_back(a.sites);
          out->placements.push_back({a.id, 1, {}});
        }
        for (const sched::JobRequest& a : t.refused) out->placements.push_back({a.id, 1, {}});
      });
  EXPECT_LT(calls, 100);
  EXPECT_EQ(offered, (std::vector<std::vector<int>>{{0}, {0}}));
  EXPECT_EQ(JobOf(r, "a").first_start_s, -1);
  EXPECT_TRUE(EventsOfKind(r.events, "data_staging").empty());
}

// The same fleet under the baselines, which do not look at data: offered only s0, both jobs run
// there.
TEST(GlobalData, TheBaselinesAreOfferedOnlyTheSitesTheDataReaches) {
  model::Fleet fleet = ChainFleet(2, 1e10, std::chrono::milliseconds(40));
  fleet.wan.links.clear();
  fleet.datasets.push_back({"corpus", 0, kCorpusBytes});
  fleet.jobs = {Reader("a", kTimeZero), Reader("b", kTimeZero + std::chrono::seconds(10))};
  for (const char* name : {"static", "earliest-start"}) {
    sim::Options o = sim::SmallOptions(std::chrono::hours(2));
    o.scheduler = [&](const model::Fleet& f) { return sched::MakeScheduler(name, f); };
    const sim::Result r = sim::Simulate(fleet, sim::QuietStrategy(), o);
    EXPECT_EQ(JobOf(r, "a").sites, "s0") << name;
    EXPECT_EQ(JobOf(r, "b").sites, "s0") << name;
  }
}

// A data set whose home cannot reach the site (no WAN link between them): the placement is
// refused and handed back at the scheduler's next call (its wake-up an hour later); nothing is
// held or staged.
TEST(GlobalData, APlacementTheDataSetCannotReachIsRefused) {
  model::Fleet fleet = ChainFleet(2, 1e10, std::chrono::milliseconds(40));
  fleet.wan.links.clear();
  fleet.datasets.push_back({"corpus", 0, kCorpusBytes});
  fleet.jobs = {Reader("a", kTimeZero)};
  CallRecord record;
  sim::Options o = sim::SmallOptions(std::chrono::hours(2));
  bool tried = false;
  o.scheduler = [&](const model::Fleet&) {
    return std::make_unique<ScriptedScheduler>(
        [&](const sched::FleetTelemetry& t, sched::PlacementDecision* out) {
          for (const sched::JobRequest& a : t.arrivals) {
            out->placements.push_back({a.id, 1, {}});
            tried = true;
            out->next_wake = t.now + std::chrono::hours(1);
          }
        },
        &record);
  };
  const sim::Result r = sim::Simulate(fleet, sim::QuietStrategy(), o);
  EXPECT_TRUE(tried);
  EXPECT_EQ(record.refused, std::vector<int>{0});
  EXPECT_TRUE(EventsOfKind(r.events, "data_staging").empty());
  EXPECT_EQ(JobOf(r, "a").first_start_s, -1);
}

}  // namespace
}  // namespace headroom
