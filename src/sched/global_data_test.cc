// GlobalScheduler and data sets: the data term reads where copies are (FleetTelemetry::
// data_bytes_left); while no site with a copy has room a job waits, holding nothing, for a copy
// staged ahead of need, for room at a site with one, or at most as long as staging would take
// (the ski-rental bound), then is placed to wait for the data on its GPUs.
//
// Info's routes carry 8 Gbps (1 GB/s) with no latency: a data set of B bytes stages in B / 1e9 s.

#include <gtest/gtest.h>

#include <limits>
#include <vector>

#include "sched/global.h"
#include "sched/global_test_support.h"

namespace headroom::sched {
namespace {

using namespace fixtures;  // NOLINT(google-build-using-namespace): test fixtures

constexpr double kCorpusBytes = 36e12;  // 36,000 s = 10 h to stage over 1 GB/s

// `n` sites (Info's), the corpus at site 0.
FleetInfo DataFleet(int n = 2) {
  FleetInfo f = Info(n);
  f.datasets.push_back({"corpus", 0, kCorpusBytes});
  return f;
}

JobRequest Reader(int id, int gpus) {
  JobRequest j = Job(id, gpus);
  j.dataset = 0;
  return j;
}

// Site 0 holds the corpus and is full; site 1 is free and cheaper. The job waits, holding nothing,
// and a copy is asked for at site 1. This host never delivers it: the copy is given up after twice
// its time alone (20 h; the scheduler wakes then), and the job, having waited longer than staging
// takes (10 h), is placed at site 1 to wait for the data there.
TEST(GlobalData, AJobWaitsForACopyThenStagesIfTheHostNeverDeliversIt) {
  GlobalScheduler s(DataFleet());
  const std::vector<SiteCapacity> full0 = {Free(0, 5), Free(100, 1)};
  auto d = Decide(s, full0, {.arrivals = {Reader(1, 8)}});
  EXPECT_TRUE(d.placements.empty());
  EXPECT_EQ(s.queued(), 1u);
  ASSERT_EQ(d.stagings.size(), 1u);
  EXPECT_EQ(d.stagings[0].site, 1);
  EXPECT_EQ(d.next_wake, AtHours(10));  // the bound, found before the copy was asked for
  // Past the 10 h bound, but a copy is (said to be) on its way: waiting; no second copy.
  d = Decide(s, full0, {.now = AtHours(15)});
  EXPECT_TRUE(d.placements.empty());
  EXPECT_TRUE(d.stagings.empty());
  EXPECT_EQ(d.next_wake, AtHours(20));
  d = Decide(s, full0, {.now = AtHours(20)});
  ASSERT_EQ(d.placements.size(), 1u);
  EXPECT_EQ(d.placements[0].site, 1);
  EXPECT_EQ(s.queued(), 0u);
}

// Three sites, the corpus at site 0 (full). The job may use sites 0 and 1; site 1 is full when it
// arrives, so no copy is asked for and the ski-rental bound runs from its arrival. At 9 h site 1
// has room: a copy is asked for there, and the job waits for it.
TEST(GlobalData, ACopyIsAskedForOnlyWhereThereIsRoom) {
  GlobalScheduler s(DataFleet(3));
  JobRequest j = Reader(1, 8);
  j.sites = {0, 1};
  auto d = Decide(s, {Free(0, 5), Free(0, 1), Free(100, 1)}, {.arrivals = {j}});
  EXPECT_TRUE(d.placements.empty());
  EXPECT_TRUE(d.stagings.empty());
  d = Decide(s, {Free(0, 5), Free(100, 1), Free(100, 1)}, {.now = AtHours(9)});
  EXPECT_TRUE(d.placements.empty());
  ASSERT_EQ(d.stagings.size(), 1u);
  EXPECT_EQ(d.stagings[0].site, 1);
}

// Two readers of one data set allowed at different sites each get a copy (a copy on its way to a
// site one of them cannot use does not hold the other back); once they land, a third reader is
// placed at once.
TEST(GlobalData, ACopyOnItsWayElsewhereDoesNotHoldAJobBack) {
  GlobalScheduler s(DataFleet(3));
  const std::vector<SiteCapacity> sites = {Free(0, 5), Free(100, 1), Free(100, 1)};
  JobRequest a = Reader(1, 8), b = Reader(2, 8), c = Reader(3, 8);
  a.sites = {0, 1};
  b.sites = {0, 2};
  c.sites = {0, 2};
  auto d = Decide(s, sites, {.arrivals = {a, b}});
  ASSERT_EQ(d.stagings.size(), 2u);
  EXPECT_EQ(d.stagings[0].site, 1);
  EXPECT_EQ(d.stagings[1].site, 2);
  const std::vector<double> landed = {0, 0, 0};
  d = Decide(s, sites, {.now = AtHours(5), .arrivals = {c}, .data_bytes_left = &landed});
  EXPECT_EQ(d.placements.size(), 3u);
}

// A job placed by preempting asks for no copy.
TEST(GlobalData, AJobPlacedByPreemptingAsksForNoCopy) {
  GlobalScheduler s(DataFleet());
  FakeRunning running;
  running.jobs[0] = {Running(50, 8, 3, true, kTimeZero)};
  JobRequest j = Reader(1, 8);
  j.priority = 1;
  j.sites = {0};
  const auto d = Decide(s, {Free(0, 5), Free(100, 1)}, {.arrivals = {j}, .running = &running});
  ASSERT_EQ(d.preemptions.size(), 1u);
  ASSERT_EQ(d.placements.size(), 1u);
  EXPECT_EQ(d.placements[0].site, 0);
  EXPECT_TRUE(d.stagings.empty());
}

// Sites of equal cost; room frees at site 0 after 3 h: the job goes there, with its data (8 USD/h
// against 8 + 16 for staging at site 1).
TEST(GlobalData, RoomAtTheDataSiteBeforeTheWaitIsOverTakesTheJob) {
  GlobalScheduler s(DataFleet());
  auto d = Decide(s, {Free(0, 1), Free(100, 1)}, {.arrivals = {Reader(1, 8)}});
  EXPECT_TRUE(d.placements.empty());
  d = Decide(s, {Free(8, 1), Free(100, 1)}, {.now = AtHours(3)});
  ASSERT_EQ(d.placements.size(), 1u);
  EXPECT_EQ(d.placements[0].site, 0);
}

// With room at the data's site the scores choose: staging 10 h of a 10 h run costs V x GPUs x 1
// (2 USD/GPU-h x 8 = 16 USD/h) on top of site 1's 1 USD/GPU-h: 24 USD/h against 40 at site 0.
// Site 1 wins once the corpus costs less than 4 USD/GPU-h to stage there.
TEST(GlobalData, WithRoomAtTheDataSiteTheScoresChoose) {
  GlobalScheduler s(DataFleet());
  const std::vector<SiteCapacity> sites = {Free(100, 5), Free(100, 1)};
  EXPECT_DOUBLE_EQ(s.Score(Reader(1, 8), 0, sites[0], kTimeZero), 40);
  EXPECT_DOUBLE_EQ(s.Score(Reader(1, 8), 1, sites[1], kTimeZero), 8 + 16);
  const auto d = Decide(s, sites, {.arrivals = {Reader(1, 8)}});
  ASSERT_EQ(d.placements.size(), 1u);
  EXPECT_EQ(d.placements[0].site, 1);
}

// The host reports a copy at site 1 (staged for an earlier job): no data term there, no wait.
// A copy half-way there counts only the bytes left.
TEST(GlobalData, ACopyTheHostReportsIsUsed) {
  GlobalScheduler s(DataFleet());
  const std::vector<SiteCapacity> full0 = {Free(0, 5), Free(100, 1)};
  const std::vector<double> half = {0, kCorpusBytes / 2};
  auto d = Decide(s, full0, {.data_bytes_left = &half});
  EXPECT_DOUBLE_EQ(s.Score(Reader(1, 8), 1, full0[1], kTimeZero), 8 + 8);
  const std::vector<double> staged = {0, 0};
  d = Decide(s, full0, {.arrivals = {Reader(1, 8)}, .data_bytes_left = &staged});
  ASSERT_EQ(d.placements.size(), 1u);
  EXPECT_EQ(d.placements[0].site, 1);
  EXPECT_DOUBLE_EQ(s.Score(Reader(2, 8), 1, full0[1], kTimeZero), 8);
}

// No site with a copy can take the job (site 0 has 1,000 GPUs, the job 2,000): it waits, holding
// nothing, while a copy is staged ahead at site 1; a second reader arriving meanwhile asks for no
// second copy. When the host reports the copy landed (at 8 h, before the 10 h bound) both start.
TEST(GlobalData, ACopyIsStagedAheadAndTheJobsStartWhenItLands) {
  FleetInfo f = DataFleet();
  f.sites[1].gpus = 4000;
  GlobalScheduler s(f);
  const std::vector<SiteCapacity> sites = {Free(0, 5), Free(4000, 1)};
  auto d = Decide(s, sites, {.arrivals = {Reader(1, 2000)}});
  EXPECT_TRUE(d.placements.empty());
  ASSERT_EQ(d.stagings.size(), 1u);
  EXPECT_EQ(d.stagings[0].dataset, 0);
  EXPECT_EQ(d.stagings[0].site, 1);
  EXPECT_EQ(d.next_wake, AtHours(10));
  const std::vector<double> on_its_way = {0, kCorpusBytes / 2};
  d = Decide(s, sites,
             {.now = AtHours(4), .arrivals = {Reader(2, 8)}, .data_bytes_left = &on_its_way});
  EXPECT_TRUE(d.placements.empty());
  EXPECT_TRUE(d.stagings.empty());
  const std::vector<double> landed = {0, 0};
  d = Decide(s, sites, {.now = AtHours(8), .data_bytes_left = &landed});
  ASSERT_EQ(d.placements.size(), 2u);
  EXPECT_EQ(d.placements[0].site, 1);
  EXPECT_EQ(d.placements[1].site, 1);
  EXPECT_TRUE(d.stagings.empty());
}

// A job without a data set, and a cross-site job's learners (which read their shards where they
// run), never wait for data.
TEST(GlobalData, JobsThatStageNothingDoNotWait) {
  GlobalScheduler s(DataFleet());
  JobRequest plain = Job(1, 8);
  JobRequest cross = Reader(2, 16);
  cross.learners = 2;
  cross.min_learners = 2;
  EXPECT_DOUBLE_EQ(s.Score(cross, 1, Free(100, 1), kTimeZero), 8);
  const auto d = Decide(s, {Free(8, 5), Free(100, 1)}, {.arrivals = {plain, cross}});
  EXPECT_EQ(d.placements.size(), 2u);
}

}  // namespace
}  // namespace headroom::sched
