// Unit tests of GlobalScheduler's move estimate: checkpoints in flight share the links of the
// moves decided after them (numbers worked by hand).

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "sched/global.h"
#include "sched/global_test_support.h"

namespace headroom::sched {
namespace {

using namespace fixtures;  // NOLINT(google-build-using-namespace): the fixtures

// Moves decided in different calls share the short site's access link. Three sites whose
// access links and routes are all 8 Gbps (1 GB/s); site 0 runs jobs 2, 3 and 4 (8 GPUs each,
// 100 GB checkpoints: 100 s alone, no restore). Its controller asks twice, one second apart, for
// 8 GPUs to go until t0 + `lasts`.
struct SharedUplink {
  GlobalScheduler s{Uplinked()};
  FakeRunning running;
  Time t0 = AtHours(1);

  static FleetInfo Uplinked() {
    FleetInfo f = Info(3);
    for (SiteInfo& site : f.sites) site.uplink_bps = 8e9;
    return f;
  }
  SharedUplink() {
    std::vector<JobRequest> jobs;
    for (int id : {2, 3, 4}) {
      jobs.push_back(Job(id, 8));
      jobs.back().sites = {0, 1};  // site 2 is never a destination
    }
    EXPECT_EQ(Decide(s, {Free(24), Free(0), Free(0)}, {.arrivals = jobs}).placements.size(), 3u);
    for (int id : {2, 3, 4}) {
      running.jobs[0].push_back(Running(id, 8, 2, false, t0));
      running.jobs[0].back().checkpoint_bytes = 1e11;
    }
  }
  // The site's controller asks (again) for 8 GPUs at `now`; site 1 has room for two jobs.
  PlacementDecision Shed(Time now, Duration lasts) {
    std::vector<SiteCapacity> sites = {Free(0), Free(16), Free(0)};
    sites[0].shed_request_gpus = 8;
    sites[0].short_until = t0 + lasts;
    return Decide(s, sites, {.now = now, .running = &running, .forecast_changed = {0}});
  }
};

TEST(GlobalRelieve, AMoveDecidedInAnEarlierCallSharesTheUplink) {
  SharedUplink f;
  // 300 s of shortage: the first move alone takes 100 s (300 >= 2 x 100): it goes.
  const auto first = f.Shed(f.t0, std::chrono::seconds(300));
  ASSERT_EQ(first.migrations.size(), 1u);
  EXPECT_EQ(first.migrations[0].job, 2);
  EXPECT_DOUBLE_EQ(first.migrations[0].move_s, 100);
  // Job 2 is on its way (in no site's view). One second later the next job's checkpoint would
  // share the uplink with job 2's: both cross in 200 s, and 299 s left < 2 x 200 s: it stays.
  f.running.jobs[0].erase(f.running.jobs[0].begin());
  const auto second = f.Shed(f.t0 + std::chrono::seconds(1), std::chrono::seconds(300));
  EXPECT_TRUE(second.migrations.empty());
}

TEST(GlobalRelieve, TheMoveStatesTheCheckpointsInFlightItCounted) {
  SharedUplink f;
  ASSERT_EQ(f.Shed(f.t0, std::chrono::hours(1)).migrations.size(), 1u);
  f.running.jobs[0].erase(f.running.jobs[0].begin());
  const auto second = f.Shed(f.t0 + std::chrono::seconds(1), std::chrono::hours(1));
  ASSERT_EQ(second.migrations.size(), 1u);
  EXPECT_EQ(second.migrations[0].job, 3);
  EXPECT_DOUBLE_EQ(second.migrations[0].move_s, 200);  // 2 x 100 GB over 1 GB/s
  const std::string& why = second.migrations[0].reason;
  EXPECT_NE(why.find("s0's uplink with 1 checkpoint(s) in flight (100 GB)"), std::string::npos)
      << why;
  EXPECT_NE(why.find("= 200 s"), std::string::npos) << why;
}

TEST(GlobalRelieve, AMoveStopsCountingOnceItsJobRunsAgain) {
  SharedUplink f;
  ASSERT_EQ(f.Shed(f.t0, std::chrono::hours(1)).migrations.size(), 1u);
  // Job 2 has arrived at site 1 and runs there: job 3's checkpoint has the link to itself.
  f.running.jobs[0].erase(f.running.jobs[0].begin());
  f.running.jobs[1] = {Running(2, 8, 2, false, f.t0)};
  const auto second = f.Shed(f.t0 + std::chrono::minutes(5), std::chrono::hours(1));
  ASSERT_EQ(second.migrations.size(), 1u);
  EXPECT_DOUBLE_EQ(second.migrations[0].move_s, 100);
}

// With unlimited access links (a fleet file's default) moves on one route still share it: two
// 100 GB checkpoints from s0 to s1 over the 8 Gbps route take 100 s and 200 s, and a 300 s
// shortage lets only the first go (300 < 2 x 200).
TEST(GlobalRelieve, MovesOnOneRouteShareItWithUnlimitedAccessLinks) {
  GlobalScheduler s(Info(2));  // uplinks unlimited
  std::vector<JobRequest> jobs = {Job(2, 8), Job(3, 8)};
  ASSERT_EQ(Decide(s, {Free(16), Free(0)}, {.arrivals = jobs}).placements.size(), 2u);
  FakeRunning running;
  for (int id : {2, 3}) {
    running.jobs[0].push_back(Running(id, 8, 2, false, AtHours(1)));
    running.jobs[0].back().checkpoint_bytes = 1e11;
  }
  std::vector<SiteCapacity> sites = {Free(0), Free(16)};
  sites[0].shed_request_gpus = 16;
  sites[0].short_until = AtHours(1) + std::chrono::seconds(300);
  const auto d =
      Decide(s, sites, {.now = AtHours(1), .running = &running, .forecast_changed = {0}});
  ASSERT_EQ(d.migrations.size(), 1u);
  EXPECT_DOUBLE_EQ(d.migrations[0].move_s, 100);
}

TEST(GlobalRelieve, MovesIntoOneSiteShareItsDownlink) {
  // Sites 0 and 1 both short; site 2 the only destination. The first move (from site 0) takes
  // 100 s alone; the second (from site 1, its own uplink idle) shares site 2's downlink: 200 s.
  FleetInfo info = SharedUplink::Uplinked();
  GlobalScheduler s(info);
  JobRequest a = Job(2, 8), b = Job(3, 8);
  a.sites = {0, 2};
  b.sites = {1, 2};
  ASSERT_EQ(Decide(s, {Free(8), Free(8), Free(0)}, {.arrivals = {a, b}}).placements.size(), 2u);
  FakeRunning running;
  running.jobs[0] = {Running(2, 8, 2, false, AtHours(1))};
  running.jobs[1] = {Running(3, 8, 2, false, AtHours(1))};
  for (auto& [site, jobs] : running.jobs) jobs[0].checkpoint_bytes = 1e11;
  std::vector<SiteCapacity> sites = {Free(0), Free(0), Free(16)};
  for (int k : {0, 1}) {
    sites[static_cast<size_t>(k)].shed_request_gpus = 8;
    sites[static_cast<size_t>(k)].short_until = AtHours(2);
  }
  const auto d = Decide(s, sites, {.now = AtHours(1), .running = &running});
  ASSERT_EQ(d.migrations.size(), 2u);
  EXPECT_DOUBLE_EQ(d.migrations[0].move_s, 100);
  EXPECT_DOUBLE_EQ(d.migrations[1].move_s, 200);
  EXPECT_NE(d.migrations[1].reason.find("s2's with 1 (100 GB)"), std::string::npos)
      << d.migrations[1].reason;
}

}  // namespace
}  // namespace headroom::sched
