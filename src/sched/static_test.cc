#include "sched/static.h"

#include <gtest/gtest.h>

#include <vector>

namespace headroom::sched {
namespace {

SiteCapacity Capacity(int free_gpus) {
  SiteCapacity c;
  c.free_gpus = free_gpus;
  c.free_by_model = {free_gpus};
  c.first_free_model = free_gpus > 0 ? 0 : -1;
  return c;
}

JobRequest Job(int id, int gpus, int priority = 2, int site = -1) {
  JobRequest j;
  j.id = id;
  j.gpus = gpus;
  j.priority = priority;
  j.site = site;
  j.arrival = AtSeconds(id);
  return j;
}

struct Call {
  std::vector<JobRequest> arrivals;
  std::vector<int> grown;
  std::vector<JobRequest> refused;
  std::vector<int> ended;
};

std::vector<Placement> Decide(Scheduler& s, const std::vector<SiteCapacity>& sites, Call c) {
  FleetTelemetry t;
  t.sites = &sites;
  t.arrivals = std::move(c.arrivals);
  t.grown = std::move(c.grown);
  t.refused = std::move(c.refused);
  t.ended = std::move(c.ended);
  PlacementDecision d;
  s.Decide(t, &d);
  EXPECT_EQ(d.next_wake, kTimeNever);
  EXPECT_TRUE(d.preemptions.empty());
  EXPECT_TRUE(d.migrations.empty());
  EXPECT_TRUE(d.learners.empty());
  return d.placements;
}

std::vector<int> Sites(const std::vector<Placement>& p) {
  std::vector<int> out;
  out.reserve(p.size());
  for (const Placement& x : p) out.push_back(x.site);
  return out;
}

TEST(Static, JobsWithoutASiteGoRoundRobinAndPinnedJobsToTheirSite) {
  StaticScheduler s(3);
  const std::vector<SiteCapacity> sites = {Capacity(100), Capacity(100), Capacity(100)};
  // Jobs 1, 2, 4, 5 have no site: sites 0, 1, 2, 0. Job 3 names site 2 and does not count.
  const auto p = Decide(s, sites, {{Job(1, 8), Job(2, 8), Job(3, 8, 2, 2), Job(4, 8), Job(5, 8)}});
  EXPECT_EQ(Sites(p), (std::vector<int>{0, 1, 2, 2, 0}));
}

TEST(Static, RoundRobinRunsOverTheAllowedSites) {
  StaticScheduler s(4);
  const std::vector<SiteCapacity> sites(4, Capacity(100));
  std::vector<JobRequest> jobs;
  for (int id = 1; id <= 3; ++id) {
    jobs.push_back(Job(id, 8));
    jobs.back().sites = {1, 3};
  }
  jobs.push_back(Job(4, 8));  // any site: the round robin's 4th job, site 3 of 0..3
  EXPECT_EQ(Sites(Decide(s, sites, {jobs})), (std::vector<int>{1, 3, 1, 3}));
}

TEST(Static, WaitsAtItsSiteEvenWhenAnotherHasRoom) {
  StaticScheduler s(2);
  const std::vector<SiteCapacity> full0 = {Capacity(4), Capacity(1000)};
  EXPECT_TRUE(Decide(s, full0, {{Job(1, 8)}}).empty());  // site 0 by round robin: 4 free
  EXPECT_EQ(s.queued(), 1u);
  EXPECT_TRUE(Decide(s, full0, {.grown = {1}}).empty());  // never tried at site 1
  const auto p = Decide(s, {Capacity(8), Capacity(1000)}, {.grown = {0}});
  ASSERT_EQ(p.size(), 1u);
  EXPECT_EQ(p[0].site, 0);
  EXPECT_EQ(s.queued(), 0u);
}

TEST(Static, WhenCapacityGrowsWaitingJobsGoInPriorityOrderWithBackfill) {
  StaticScheduler s(1);
  Decide(s, {Capacity(0)}, {{Job(1, 40, 2), Job(2, 80, 0), Job(3, 30, 2), Job(4, 10, 3)}});
  ASSERT_EQ(s.queued(), 4u);
  // 100 free: the critical 80, then neither normal job fits the 20 left; the preemptible 10 does.
  const auto p = Decide(s, {Capacity(100)}, {.grown = {0}});
  ASSERT_EQ(p.size(), 2u);
  EXPECT_EQ(p[0].job, 2);
  EXPECT_EQ(p[1].job, 4);
  EXPECT_EQ(s.queued(), 2u);
}

TEST(Static, CrossSiteJobTakesTheNextLearnersSitesAndWaitsForAllOfThem) {
  StaticScheduler s(3);
  JobRequest x = Job(2, 24);
  x.learners = 2;
  // Job 1 takes site 0; the cross-site job the next two, sites 1 and 2; job 3 wraps to site 0.
  const std::vector<SiteCapacity> room = {Capacity(100), Capacity(100), Capacity(8)};
  const auto p = Decide(s, room, {{Job(1, 8), x, Job(3, 8)}});
  ASSERT_EQ(p.size(), 2u);  // site 2 has 8 free, short of a learner's 12: the job waits
  EXPECT_EQ(p[0].job, 1);
  EXPECT_EQ(p[1].job, 3);
  EXPECT_EQ(p[1].site, 0);
  EXPECT_EQ(s.queued(), 1u);
  const auto q = Decide(s, {Capacity(100), Capacity(92), Capacity(12)}, {.grown = {2}});
  ASSERT_EQ(q.size(), 1u);
  EXPECT_EQ(q[0].job, 2);
  EXPECT_EQ(q[0].learner_sites, (std::vector<int>{1, 2}));
  EXPECT_EQ(s.queued(), 0u);
  // It left site 1's queue too: growth there places nothing.
  EXPECT_TRUE(Decide(s, {Capacity(100), Capacity(100), Capacity(0)}, {.grown = {1}}).empty());
}

TEST(Static, CrossSiteJobWithTooFewAllowedSitesWaitsForever) {
  StaticScheduler s(3);
  JobRequest x = Job(1, 24);
  x.learners = 3;
  x.sites = {0, 2};
  const std::vector<SiteCapacity> room(3, Capacity(100));
  EXPECT_TRUE(Decide(s, room, {{x}}).empty());
  EXPECT_TRUE(Decide(s, room, {.grown = {0, 1, 2}}).empty());
  EXPECT_EQ(s.queued(), 1u);
}

TEST(Static, RefusedJobWaitsAgainAtTheSameSite) {
  StaticScheduler s(2);
  const std::vector<SiteCapacity> room = {Capacity(100), Capacity(100)};
  ASSERT_EQ(Sites(Decide(s, room, {{Job(1, 8), Job(2, 60)}})), (std::vector<int>{0, 1}));
  // Job 2 refused at site 1; site 0 has room but it stays assigned to site 1.
  EXPECT_TRUE(Decide(s, {Capacity(92), Capacity(0)}, {.refused = {Job(2, 60)}}).empty());
  EXPECT_EQ(s.queued(), 1u);
  EXPECT_TRUE(Decide(s, {Capacity(92), Capacity(0)}, {.grown = {0}}).empty());
  const auto p = Decide(s, {Capacity(92), Capacity(60)}, {.grown = {1}});
  ASSERT_EQ(p.size(), 1u);
  EXPECT_EQ(p[0].site, 1);
  // The round robin did not advance for the refused job: the next arrival goes to site 0.
  EXPECT_EQ(Sites(Decide(s, {Capacity(92), Capacity(0)}, {{Job(3, 8)}, {}, {}, {1}})),
            (std::vector<int>{0}));
}

}  // namespace
}  // namespace headroom::sched
