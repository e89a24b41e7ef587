#include "sched/greedy.h"

#include <gtest/gtest.h>

#include <vector>

namespace headroom::sched {
namespace {

SiteCapacity Capacity(int free_model0, int free_model1 = 0) {
  SiteCapacity c;
  c.free_gpus = free_model0 + free_model1;
  c.free_by_model = {free_model0, free_model1};
  c.first_free_model = free_model0 > 0 ? 0 : (free_model1 > 0 ? 1 : -1);
  return c;
}

JobRequest Job(int id, int gpus, int priority = 2, int site = -1, int model = -1) {
  JobRequest j;
  j.id = id;
  j.gpus = gpus;
  j.priority = priority;
  j.site = site;
  j.gpu_model = model;
  j.arrival = AtSeconds(id);
  return j;
}

std::vector<Placement> Decide(Scheduler& s, const std::vector<SiteCapacity>& sites,
                              std::vector<JobRequest> arrivals, std::vector<int> grown = {},
                              std::vector<JobRequest> refused = {}) {
  FleetTelemetry t;
  t.sites = &sites;
  t.arrivals = std::move(arrivals);
  t.grown = std::move(grown);
  t.refused = std::move(refused);
  PlacementDecision d;
  s.Decide(t, &d);
  EXPECT_EQ(d.next_wake, kTimeNever);
  return d.placements;
}

TEST(Fits, NeedsFreeGpusOfTheJobsModelOnEnergizedRacks) {
  SiteCapacity c = Capacity(8, 64);
  EXPECT_TRUE(Fits(c, Job(1, 8)));             // the first free model (0) has 8
  EXPECT_FALSE(Fits(c, Job(1, 16)));           // model 0 has only 8, whatever model 1 has
  EXPECT_TRUE(Fits(c, Job(1, 64, 2, -1, 1)));  // asks for model 1
  c.free_gpus = 4;                             // the rest is on racks without power
  EXPECT_FALSE(Fits(c, Job(1, 8)));
  EXPECT_FALSE(Fits(Capacity(0), Job(1, 1)));
}

TEST(Greedy, ArrivalGoesToTheSiteWithTheMostFreeGpus) {
  GreedyScheduler s(3);
  const std::vector<SiteCapacity> sites = {Capacity(100), Capacity(300), Capacity(300)};
  const auto p = Decide(s, sites, {Job(7, 50)});
  ASSERT_EQ(p.size(), 1u);
  EXPECT_EQ(p[0].job, 7);
  EXPECT_EQ(p[0].site, 1);  // a tie between 1 and 2: the lower index
}

TEST(Greedy, PinnedJobGoesToItsSiteOrWaits) {
  GreedyScheduler s(2);
  const std::vector<SiteCapacity> sites = {Capacity(10), Capacity(1000)};
  EXPECT_TRUE(Decide(s, sites, {Job(1, 64, 2, 0)}).empty());
  EXPECT_EQ(s.queued(), 1u);
  // Capacity grows at the other site: the pinned job is not tried there.
  EXPECT_TRUE(Decide(s, sites, {}, {1}).empty());
  const std::vector<SiteCapacity> grown = {Capacity(64), Capacity(1000)};
  const auto p = Decide(s, grown, {}, {0});
  ASSERT_EQ(p.size(), 1u);
  EXPECT_EQ(p[0].site, 0);
  EXPECT_EQ(s.queued(), 0u);
}

TEST(Greedy, WhenCapacityGrowsWaitingJobsGoInPriorityOrderWithBackfill) {
  GreedyScheduler s(1);
  const std::vector<SiteCapacity> full = {Capacity(0)};
  // Arrival order: a normal 40, a critical 80, a normal 30, a preemptible 10.
  Decide(s, full, {Job(1, 40, 2), Job(2, 80, 0), Job(3, 30, 2), Job(4, 10, 3)});
  ASSERT_EQ(s.queued(), 4u);
  // 100 GPUs free: the critical 80 first; the normal 40 does not fit the 20 left, the normal 30
  // neither, the preemptible 10 backfills.
  const auto p = Decide(s, {Capacity(100)}, {}, {0});
  ASSERT_EQ(p.size(), 2u);
  EXPECT_EQ(p[0].job, 2);
  EXPECT_EQ(p[1].job, 4);
  EXPECT_EQ(s.queued(), 2u);
}

TEST(Greedy, BooksItsOwnPlacementsWithinOneCall) {
  GreedyScheduler s(2);
  const std::vector<SiteCapacity> sites = {Capacity(100), Capacity(90)};
  const auto p = Decide(s, sites, {Job(1, 60), Job(2, 60), Job(3, 60)});
  // 60 on site 0 (100 free), then site 1 has the most (90): 60 there, then neither fits.
  ASSERT_EQ(p.size(), 2u);
  EXPECT_EQ(p[0].site, 0);
  EXPECT_EQ(p[1].site, 1);
  EXPECT_EQ(s.queued(), 1u);
}

TEST(Greedy, RefusedPlacementWaitsAgain) {
  GreedyScheduler s(1);
  const std::vector<SiteCapacity> sites = {Capacity(100)};
  ASSERT_EQ(Decide(s, sites, {Job(1, 60)}).size(), 1u);
  EXPECT_EQ(s.queued(), 0u);
  EXPECT_TRUE(Decide(s, {Capacity(0)}, {}, {}, {Job(1, 60)}).empty());
  EXPECT_EQ(s.queued(), 1u);
  EXPECT_EQ(Decide(s, sites, {}, {0}).size(), 1u);
}

}  // namespace
}  // namespace headroom::sched

namespace headroom::sched {
namespace {

// The earliest-start baseline keeps the teams' quotas as the headroom scheduler does (quota.h):
// a team of at most 16 GPUs gets two 8-GPU jobs, the third waits until one ends and then starts
// at whichever site has room.
TEST(Greedy, KeepsTheTeamsGpuQuota) {
  model::Team team;
  team.name = "t";
  team.max_gpus = 16;
  GreedyScheduler s(2, {team}, 0);
  const std::vector<SiteCapacity> sites = {Capacity(100), Capacity(100)};
  std::vector<JobRequest> jobs = {Job(1, 8), Job(2, 8), Job(3, 8)};
  for (JobRequest& j : jobs) j.team = 0;
  EXPECT_EQ(Decide(s, sites, jobs).size(), 2u);
  EXPECT_EQ(s.queued(), 1u);
  FleetTelemetry t;
  t.sites = &sites;
  t.ended = {1};
  PlacementDecision d;
  s.Decide(t, &d);
  ASSERT_EQ(d.placements.size(), 1u);
  EXPECT_EQ(d.placements[0].job, 3);
  EXPECT_EQ(s.queued(), 0u);
}

}  // namespace
}  // namespace headroom::sched
