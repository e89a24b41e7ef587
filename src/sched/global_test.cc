// Unit tests of sched::GlobalScheduler against numbers worked by hand. Each score test isolates
// one term (the others are zero: availability 1, no data set, no forecast, cost 0).

#include "sched/global.h"

#include <gtest/gtest.h>

#include <limits>
#include <map>
#include <span>
#include <string>
#include <vector>

#include "absl/strings/str_format.h"
#include "sched/global_test_support.h"

namespace headroom::sched {
namespace {
using namespace fixtures;  // NOLINT(google-build-using-namespace): the fixtures

// ------------------------------------------------------------------------------------------------
// The score, one term at a time

TEST(GlobalScore, CapacityCostIsThePricePerGpuHourTimesGpus) {
  GlobalScheduler s(Info(1));
  EXPECT_DOUBLE_EQ(s.Score(Job(1, 8), 0, Free(100, 1.5), kTimeZero), 12.0);  // 1.5 x 8
}

TEST(GlobalScore, RiskIsUnavailabilityTimesPriorityWeightTimesValue) {
  FleetInfo f = Info(1);
  f.sites[0].availability = 0.999;
  GlobalScheduler s(f);
  // (1 - 0.999) x w x 2 USD x 8 GPUs, w = 10, 3, 1, 0.3.
  EXPECT_NEAR(s.Score(Job(1, 8, 0), 0, Free(100), kTimeZero), 0.16, 1e-12);
  EXPECT_NEAR(s.Score(Job(1, 8, 1), 0, Free(100), kTimeZero), 0.048, 1e-12);
  EXPECT_NEAR(s.Score(Job(1, 8, 2), 0, Free(100), kTimeZero), 0.016, 1e-12);
  EXPECT_NEAR(s.Score(Job(1, 8, 3), 0, Free(100), kTimeZero), 0.0048, 1e-12);
}

TEST(GlobalScore, DataIsTheTransferTimeOverTheRunTimesValue) {
  FleetInfo f = Info(2);
  f.datasets.push_back({"corpus", 0, 1e12});  // 1 TB at home on site 0
  GlobalScheduler s(f);
  JobRequest j = Job(1, 8, 2, 10);
  j.dataset = 0;
  EXPECT_DOUBLE_EQ(s.Score(j, 0, Free(100), kTimeZero), 0.0);  // at home
  // 1e12 B x 8 / 8e9 bps = 1000 s; 1000 / 3600 / 10 h x 2 USD x 8 GPUs = 0.4444 USD/h.
  EXPECT_NEAR(s.Score(j, 1, Free(100), kTimeZero), 1000.0 / 3600 / 10 * 2 * 8, 1e-12);
}

TEST(GlobalScore, ShortageIsTheShareNotCarriedTimesTheShareOfTheRunItLasts) {
  GlobalScheduler s(Info(1));
  const JobRequest j = Job(1, 8, 2, 10);
  SiteCapacity c = Free(100);
  c.forecast_spare_gpus = 2;  // 6 of 8 GPUs not carried
  c.short_until = AtHours(5);
  // 2 USD x 8 x (6 / 8) x (5 h / 10 h) = 6.
  EXPECT_NEAR(s.Score(j, 0, c, kTimeZero), 6.0, 1e-12);
  c.short_until = kTimeZero;  // no end forecast: the whole run
  EXPECT_NEAR(s.Score(j, 0, c, kTimeZero), 12.0, 1e-12);
  c.forecast_spare_gpus = -10;  // nothing carried; 5 h of a 10 h run
  c.short_until = AtHours(5);
  EXPECT_NEAR(s.Score(j, 0, c, kTimeZero), 8.0, 1e-12);
  c.short_until = AtHours(50);  // outlasts the run: capped at the whole run
  EXPECT_NEAR(s.Score(j, 0, c, kTimeZero), 16.0, 1e-12);
  c.forecast_spare_gpus = 8;  // carries it all
  EXPECT_DOUBLE_EQ(s.Score(j, 0, c, kTimeZero), 0.0);
}

// ------------------------------------------------------------------------------------------------
// Where work goes

TEST(GlobalPlace, CriticalWorkPicksTheRedundantSiteAndPreemptibleWorkTheCheapTent) {
  // V = 50 USD per GPU-hour. Owned: 3 USD/GPU-h, availability 0.9999; tent: 2 USD, 0.995.
  // Critical (w 10): owned 3 + 0.0001 x 10 x 50 = 3.05; tent 2 + 0.005 x 10 x 50 = 4.5.
  // Preemptible (w 0.3): owned 3.0015; tent 2.075.
  FleetInfo f = Info(2, 50);
  f.sites[0].availability = 0.9999;
  f.sites[1].kind = model::SiteKind::kTent;
  f.sites[1].availability = 0.995;
  GlobalScheduler s(f);
  const std::vector<SiteCapacity> sites = {Free(100, 3), Free(100, 2)};
  EXPECT_NEAR(s.Score(Job(1, 1, 0), 0, sites[0], kTimeZero), 3.05, 1e-9);
  EXPECT_NEAR(s.Score(Job(1, 1, 0), 1, sites[1], kTimeZero), 4.5, 1e-9);
  const auto d = Decide(s, sites, {.arrivals = {Job(1, 8, 0), Job(2, 8, 3)}});
  ASSERT_EQ(d.placements.size(), 2u);
  EXPECT_EQ(d.placements[0].site, 0);
  EXPECT_EQ(d.placements[1].site, 1);
}

TEST(GlobalPlace, ASiteWithNoRouteFromTheDataIsNotACandidate) {
  FleetInfo f = Info(3);
  Unlink(&f, 0, 2);
  f.datasets.push_back({"corpus", 0, 1e12});
  GlobalScheduler s(f);
  // Site 2 is by far the cheapest, but the data cannot reach it.
  const std::vector<SiteCapacity> sites = {Free(100, 5), Free(100, 4), Free(100, 0)};
  JobRequest any = Job(1, 8);
  any.dataset = 0;
  JobRequest only2 = Job(2, 8);
  only2.dataset = 0;
  only2.sites = {2};
  EXPECT_EQ(s.Score(only2, 2, sites[2], kTimeZero), std::numeric_limits<double>::infinity());
  const auto d = Decide(s, sites, {.arrivals = {any, only2}});
  ASSERT_EQ(d.placements.size(), 1u);
  EXPECT_EQ(d.placements[0].job, 1);
  EXPECT_EQ(d.placements[0].site, 1);  // 4 USD + 0.44 data < 5 USD at home
  EXPECT_EQ(s.queued(), 1u);
}

TEST(GlobalPlace, AForecastShortageSendsWorkToTheOtherSite) {
  GlobalScheduler s(Info(2));
  std::vector<SiteCapacity> sites = {Free(100, 1), Free(100, 1.2)};
  sites[0].forecast_spare_gpus = 0;
  sites[0].short_until = AtHours(2);
  // Site 0: 8 + 2 x 8 x 1 x 0.2 = 11.2 USD/h; site 1: 9.6.
  const auto d = Decide(s, sites, {.arrivals = {Job(1, 8)}});
  ASSERT_EQ(d.placements.size(), 1u);
  EXPECT_EQ(d.placements[0].site, 1);
}

TEST(GlobalPlace, RefusedPlacementIsQueuedAgainAndPlacedWhenThereIsRoom) {
  GlobalScheduler s(Info(1));
  ASSERT_EQ(Decide(s, {Free(100)}, {.arrivals = {Job(1, 60)}}).placements.size(), 1u);
  EXPECT_EQ(s.queued(), 0u);
  EXPECT_TRUE(
      Decide(s, {Free(50)}, {.now = AtHours(1), .refused = {Job(1, 60)}}).placements.empty());
  EXPECT_EQ(s.queued(), 1u);
  const auto d = Decide(s, {Free(60)}, {.now = AtHours(2)});
  ASSERT_EQ(d.placements.size(), 1u);
  EXPECT_EQ(d.placements[0].job, 1);
  EXPECT_EQ(s.queued(), 0u);
}

// ------------------------------------------------------------------------------------------------
// Quotas

TEST(GlobalQuota, TeamMaxGpusHoldsUntilWorkEnds) {
  FleetInfo f = Info(1);
  f.teams.push_back({"research", 16, 0});
  GlobalScheduler s(f);
  std::vector<JobRequest> jobs = {Job(1, 8), Job(2, 8), Job(3, 8)};
  for (JobRequest& j : jobs) j.team = 0;
  EXPECT_EQ(Decide(s, {Free(1000)}, {.arrivals = jobs}).placements.size(), 2u);
  EXPECT_EQ(s.team_gpus(0), 16);
  EXPECT_EQ(s.queued(), 1u);
  const auto d = Decide(s, {Free(1000)}, {.now = AtHours(1), .ended = {1}});
  ASSERT_EQ(d.placements.size(), 1u);
  EXPECT_EQ(d.placements[0].job, 3);
  EXPECT_EQ(s.team_gpus(0), 16);
}

TEST(GlobalQuota, MonthlyGpuHoursAreChargedAtAdmissionAndRefundedAtTheEnd) {
  FleetInfo f = Info(1);
  f.teams.push_back({"research", 0, 1000});
  GlobalScheduler s(f);
  JobRequest a = Job(1, 8, 2, 100);  // 800 GPU-h
  JobRequest b = Job(2, 4, 2, 100);  // 400 GPU-h: 1200 > 1000, waits
  a.team = b.team = 0;
  const auto d = Decide(s, {Free(1000)}, {.arrivals = {a, b}});
  EXPECT_EQ(d.placements.size(), 1u);
  EXPECT_DOUBLE_EQ(s.team_charged_gpu_h(0), 800);
  EXPECT_EQ(d.next_wake, AtHours(744));  // the month ends: charges roll over
  // A ends after 50 h: 8 x 50 = 400 GPU-h refunded; B's 400 now fit (800 <= 1000).
  const auto e = Decide(s, {Free(1000)}, {.now = AtHours(50), .ended = {1}});
  ASSERT_EQ(e.placements.size(), 1u);
  EXPECT_EQ(e.placements[0].job, 2);
  EXPECT_NEAR(s.team_charged_gpu_h(0), 800, 1e-9);
  EXPECT_EQ(e.next_wake, kTimeNever);  // nothing waits
}

TEST(GlobalQuota, TheMonthRollsAtItsEndAndChargesRunningWorkForTheNewMonth) {
  FleetInfo f = Info(1);
  f.teams.push_back({"research", 0, 6000});
  GlobalScheduler s(f);
  JobRequest c = Job(1, 8, 2, 1000);  // runs past January: 8 x 744 h = 5952 GPU-h charged
  JobRequest d = Job(2, 1, 2, 100);   // 100 more: over 6000, waits for February
  c.team = d.team = 0;
  const auto first = Decide(s, {Free(1000)}, {.arrivals = {c, d}});
  ASSERT_EQ(first.placements.size(), 1u);
  EXPECT_NEAR(s.team_charged_gpu_h(0), 5952, 1e-9);
  ASSERT_EQ(first.next_wake, AtHours(744));
  // February 1st: C is charged 8 x (1000 - 744) = 2048 GPU-h, D its 100.
  const auto feb = Decide(s, {Free(1000)}, {.now = AtHours(744)});
  ASSERT_EQ(feb.placements.size(), 1u);
  EXPECT_EQ(feb.placements[0].job, 2);
  EXPECT_NEAR(s.team_charged_gpu_h(0), 2148, 1e-9);
}

TEST(GlobalQuota, AMonthsFirstCallLateInTheMonthChargesRunningWorkFromTheMonthStart) {
  FleetInfo f = Info(1);
  f.teams.push_back({"research", 0, 1e6});
  GlobalScheduler s(f);
  JobRequest c = Job(1, 8, 2, 1000);
  c.team = 0;
  ASSERT_EQ(Decide(s, {Free(1000)}, {.arrivals = {c}}).placements.size(), 1u);
  // Nothing calls at the month's end (nothing waits). On February 3rd, C has run 56 h of
  // February already: charged 8 x (1000 - 744) = 2048 GPU-h, not 8 x (1000 - 800).
  Decide(s, {Free(1000)}, {.now = AtHours(800)});
  EXPECT_NEAR(s.team_charged_gpu_h(0), 2048, 1e-9);
  // Two months skipped (April 1st is 2160 h): C ended by then; nothing is charged.
  Decide(s, {Free(1000)}, {.now = AtHours(2200), .ended = {1}});
  EXPECT_NEAR(s.team_charged_gpu_h(0), 0, 1e-9);
}

// ------------------------------------------------------------------------------------------------
// Gangs across sites

TEST(GlobalGang, CrossSiteLearnersGoToMutuallyReachableSitesOnly) {
  FleetInfo f = Info(4);
  Unlink(&f, 1, 2);
  GlobalScheduler s(f);
  const std::vector<SiteCapacity> sites = {Free(100, 1), Free(100, 2), Free(100, 3), Free(100, 4)};
  JobRequest x = Job(1, 24);
  x.learners = 3;
  // By score 0, 1, 2, 3; 2 cannot reach 1, so the third learner goes to 3.
  const auto d = Decide(s, sites, {.arrivals = {x}});
  ASSERT_EQ(d.placements.size(), 1u);
  EXPECT_EQ(d.placements[0].site, 0);
  EXPECT_EQ(d.placements[0].learner_sites, (std::vector<int>{0, 1, 3}));
}

TEST(GlobalGang, CrossSiteJobIsPlacedWhenTheCheapestSiteReachesNoOther) {
  FleetInfo f = Info(3);
  Unlink(&f, 0, 1);
  Unlink(&f, 0, 2);
  GlobalScheduler s(f);
  JobRequest x = Job(1, 16);
  x.learners = 2;
  // Site 0 is the cheapest but isolated; sites 1 and 2 reach each other.
  const auto d = Decide(s, {Free(100, 1), Free(100, 2), Free(100, 3)}, {.arrivals = {x}});
  ASSERT_EQ(d.placements.size(), 1u);
  EXPECT_EQ(d.placements[0].learner_sites, (std::vector<int>{1, 2}));
}

// ------------------------------------------------------------------------------------------------
// Preemption

TEST(GlobalPreempt, VictimsAreThoseThatLoseLeastWorkNeverProtectedOnes) {
  GlobalScheduler s(Info(2));
  const Time now = AtHours(10);
  FakeRunning running;
  // Site 0 (full): GPU-h lost if stopped now in brackets.
  running.jobs[0] = {Running(1, 8, 3, true, now - kHour),        // [8]
                     Running(2, 8, 3, true, now - kHour / 10),   // [0.8]
                     Running(3, 8, 3, true, now - kHour / 2),    // [4]
                     Running(4, 8, 3, false, now),               // [0] not preemptible
                     Running(5, 8, 0, true, now),                // [0] more urgent than the job
                     Running(6, 8, 1, true, now),                // [0] as urgent as the job
                     Running(7, 16, 2, true, now - 2 * kHour)};  // [32]
  // Site 1 (full): one victim of 16 GPUs [8] loses more than 2 + 3 at site 0 [4.8].
  running.jobs[1] = {Running(8, 16, 3, true, now - kHour / 2)};
  const auto d = Decide(s, {Free(0), Free(0)},
                        {.now = now, .arrivals = {Job(100, 16, 1)}, .running = &running});
  ASSERT_EQ(d.preemptions.size(), 2u);
  EXPECT_EQ(d.preemptions[0].job, 2);
  EXPECT_EQ(d.preemptions[1].job, 3);
  EXPECT_EQ(d.preemptions[0].site, 0);
  ASSERT_EQ(d.placements.size(), 1u);
  EXPECT_EQ(d.placements[0].job, 100);
  EXPECT_EQ(d.placements[0].site, 0);
  // The victims come back and are queued again.
  const auto e =
      Decide(s, {Free(0), Free(0)},
             {.now = now + kHour, .preempted = {Job(2, 8, 3), Job(3, 8, 3)}, .running = &running});
  EXPECT_TRUE(e.placements.empty());
  EXPECT_EQ(s.queued(), 2u);
}

TEST(GlobalPreempt, NoPreemptionOfNonPreemptibleOrEquallyUrgentWork) {
  GlobalScheduler s(Info(2));
  FakeRunning running;
  running.jobs[0] = {Running(1, 64, 3, false, kTimeZero)};
  running.jobs[1] = {Running(2, 64, 1, true, kTimeZero)};
  const auto d = Decide(s, {Free(0), Free(0)},
                        {.now = AtHours(1), .arrivals = {Job(100, 8, 1)}, .running = &running});
  EXPECT_TRUE(d.preemptions.empty());
  EXPECT_TRUE(d.placements.empty());
  EXPECT_EQ(s.queued(), 1u);
}

// ------------------------------------------------------------------------------------------------
// Moving work away from short sites

struct ShortSite {
  GlobalScheduler s{Info(3)};
  FakeRunning running;
  Time now = AtHours(1);

  // Places cross-site job 1 (3 learners of 8 GPUs, keeping `min_learners`) and job 2 (8 GPUs,
  // a 100 GB checkpoint restored in 60 s) at site 0.
  explicit ShortSite(int min_learners) {
    JobRequest x = Job(1, 24);
    x.learners = 3;
    x.min_learners = min_learners;
    JobRequest j = Job(2, 8);
    j.sites = {0, 1};
    const auto d = Decide(s, {Free(100), Free(100), Free(100)}, {.arrivals = {x, j}});
    EXPECT_EQ(d.placements.size(), 2u);
    running.jobs[0] = {Running(1, 8, 2, false, kTimeZero, true), Running(2, 8, 2, false, now)};
    running.jobs[0][1].checkpoint_bytes = 1e11;  // 100 s at 8 Gbps
    running.jobs[0][1].restore_time = std::chrono::seconds(60);
    running.jobs[1] = {Running(1, 8, 2, false, kTimeZero, true)};
    running.jobs[2] = {Running(1, 8, 2, false, kTimeZero, true)};
  }
  PlacementDecision Shed(Duration lasts, std::int64_t gpus = 8) {
    std::vector<SiteCapacity> sites = {Free(84), Free(92), Free(92)};
    sites[0].shed_request_gpus = gpus;
    sites[0].short_until = now + lasts;
    return Decide(s, sites, {.now = now, .running = &running});
  }
};

TEST(GlobalRelieve, ALearnerIsDetachedFirst) {
  ShortSite f(2);
  const auto d = f.Shed(std::chrono::hours(5));
  ASSERT_EQ(d.learners.size(), 1u);
  EXPECT_EQ(d.learners[0].job, 1);
  EXPECT_EQ(d.learners[0].site, 0);
  EXPECT_FALSE(d.learners[0].attach);
  EXPECT_TRUE(d.migrations.empty());  // 8 GPUs asked, 8 given
}

TEST(GlobalRelieve, ALearnerThatWouldLeaveTooFewIsKeptAndTheJobMigrates) {
  ShortSite f(3);
  // The move: 1e11 B x 8 / 8e9 bps = 100 s + 60 s restore = 160 s. A shortage of 300 s is under
  // 2 x 160 s: no move.
  const auto stay = f.Shed(std::chrono::seconds(300));
  EXPECT_TRUE(stay.learners.empty());
  EXPECT_TRUE(stay.migrations.empty());
  const auto go = f.Shed(std::chrono::seconds(400));
  ASSERT_EQ(go.migrations.size(), 1u);
  EXPECT_EQ(go.migrations[0].job, 2);
  EXPECT_EQ(go.migrations[0].from, 0);
  EXPECT_EQ(go.migrations[0].to, 1);
  EXPECT_DOUBLE_EQ(go.migrations[0].move_s, 160);
  EXPECT_NE(go.migrations[0].reason.find("160 s"), std::string::npos) << go.migrations[0].reason;
}

// A learner change the host dropped: the scheduler takes the job's learners to be where the
// host shows them. Placed at s0 and s1, the job is reported with its learner at s0 only (s1's
// start was dropped): the scheduler attaches one at s1 again once s1 is calm; told nothing, it
// would count the job at both sites and never re-attach.
TEST(GlobalRelieve, ADroppedLearnerChangeIsReadBackFromWhereTheLearnersRun) {
  for (bool told : {false, true}) {
    SCOPED_TRACE(told);
    GlobalScheduler s(Info(2));
    JobRequest x = Job(1, 16);
    x.learners = 2;
    ASSERT_EQ(Decide(s, {Free(100), Free(100)}, {.arrivals = {x}}).placements.size(), 1u);
    FakeRunning running;
    running.jobs[0] = {Running(1, 8, 2, false, kTimeZero, true)};
    Call c{.now = AtHours(1), .running = &running};
    if (told) c.learners_dropped = {1};
    const auto d = Decide(s, {Free(92), Free(100)}, c);
    if (!told) {
      EXPECT_TRUE(d.learners.empty());
      continue;
    }
    ASSERT_EQ(d.learners.size(), 1u);
    EXPECT_EQ(d.learners[0].job, 1);
    EXPECT_EQ(d.learners[0].site, 1);
    EXPECT_TRUE(d.learners[0].attach);
  }
}

TEST(GlobalRelieve, ACrossSiteJobKeepsOneLearnerWhenItHasNoMinimum) {
  GlobalScheduler s(Info(2));
  JobRequest x = Job(1, 16);
  x.learners = 2;  // min_learners 0
  ASSERT_EQ(Decide(s, {Free(100), Free(100)}, {.arrivals = {x}}).placements.size(), 1u);
  FakeRunning running;
  running.jobs[0] = {Running(1, 8, 2, false, kTimeZero, true)};
  running.jobs[1] = {Running(1, 8, 2, false, kTimeZero, true)};
  std::vector<SiteCapacity> sites = {Free(92), Free(92)};
  for (SiteCapacity& c : sites) c.shed_request_gpus = 8;
  const auto d = Decide(s, sites, {.now = AtHours(1), .running = &running});
  ASSERT_EQ(d.learners.size(), 1u);
  EXPECT_EQ(d.learners[0].site, 0);
}

TEST(GlobalRelieve, DetachedLearnersAttachAgainWhenTheSiteIsCalmInQueueOrder) {
  GlobalScheduler s(Info(2));
  std::vector<JobRequest> jobs;
  for (int id = 1; id <= 24; ++id) {
    jobs.push_back(Job(id, 16));
    jobs.back().learners = 2;
  }
  ASSERT_EQ(Decide(s, {Free(1000), Free(1000)}, {.arrivals = jobs}).placements.size(), 24u);
  FakeRunning running;
  for (int id = 1; id <= 24; ++id) {
    running.jobs[0].push_back(Running(id, 8, 2, false, kTimeZero, true));
    running.jobs[1].push_back(Running(id, 8, 2, false, kTimeZero, true));
  }
  std::vector<SiteCapacity> sites = {Free(808), Free(808)};
  sites[1].shed_request_gpus = 1000;
  const auto shed = Decide(s, sites, {.now = AtHours(1), .running = &running});
  ASSERT_EQ(shed.learners.size(), 24u);
  running.jobs[1].clear();
  // Calm again, with room for 20 of the 24: the 20 first in queue order get their learner back.
  const auto calm = Decide(s, {Free(808), Free(160)}, {.now = AtHours(2), .running = &running});
  ASSERT_EQ(calm.learners.size(), 20u);
  for (int k = 0; k < 20; ++k) {
    EXPECT_EQ(calm.learners[static_cast<size_t>(k)].job, k + 1);
    EXPECT_TRUE(calm.learners[static_cast<size_t>(k)].attach);
    EXPECT_EQ(calm.learners[static_cast<size_t>(k)].site, 1);
  }
}

}  // namespace
}  // namespace headroom::sched

namespace headroom::sched {
namespace {

// A running view that answers in one reused buffer, as the twin's host does: an answer is valid
// only until the next call. Preemption compared sites through pointers into it, so the victims of
// any site but the last one looked at were read from another site's jobs.
class ReusingRunning : public RunningView {
 public:
  std::span<const RunningJob> At(int s) const override {
    buffer_ = jobs.count(s) ? jobs.at(s) : std::vector<RunningJob>{};
    return buffer_;
  }
  std::map<int, std::vector<RunningJob>> jobs;

 private:
  mutable std::vector<RunningJob> buffer_;
};

TEST(GlobalPreempt, VictimsOfAnEarlierSiteSurviveTheViewsNextAnswer) {
  GlobalScheduler s(Info(2));
  const Time now = AtHours(10);
  ReusingRunning running;
  running.jobs[0] = {Running(1, 16, 3, true, now - kHour / 10)};  // loses 1.6 GPU-h: best
  running.jobs[1] = {Running(7, 16, 3, true, now - 2 * kHour),    // loses 32
                     Running(8, 16, 3, true, now - 2 * kHour)};
  const auto d = Decide(s, {Free(0), Free(0)},
                        {.now = now, .arrivals = {Job(100, 16, 1)}, .running = &running});
  ASSERT_EQ(d.preemptions.size(), 1u);
  EXPECT_EQ(d.preemptions[0].job, 1);
  EXPECT_EQ(d.preemptions[0].site, 0);
  ASSERT_EQ(d.placements.size(), 1u);
  EXPECT_EQ(d.placements[0].site, 0);
}

// A shed request is relieved once: the next call with the same request (the site's controller
// has not spoken again) moves nothing more, though the work moved is no longer in the site's
// running list and other work is.
TEST(GlobalRelieve, TheSameRequestIsNotRelievedTwice) {
  ShortSite f(3);  // the learner is kept (min 3), job 2 is the one to move
  JobRequest j3 = Job(3, 8);
  j3.sites = {0, 1};
  const auto placed = Decide(f.s, {Free(84), Free(100), Free(100)}, {.arrivals = {j3}});
  ASSERT_EQ(placed.placements.size(), 1u);
  ASSERT_EQ(placed.placements[0].site, 0);
  const auto first = f.Shed(std::chrono::hours(5));
  ASSERT_EQ(first.migrations.size(), 1u);
  EXPECT_EQ(first.migrations[0].job, 2);
  // Job 2 is on its way (not in the view); job 3, placed at site 0 before, is in it now.
  f.running.jobs[0] = {Running(1, 8, 2, false, kTimeZero, true), Running(3, 8, 2, false, f.now)};
  const auto second = f.Shed(std::chrono::hours(5));
  EXPECT_TRUE(second.migrations.empty());
  EXPECT_TRUE(second.learners.empty());
}

}  // namespace
}  // namespace headroom::sched
