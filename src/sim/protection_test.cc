#include "sim/protection.h"

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "sim/plant.h"
#include "sim/scheduler_host.h"
#include "sim/test_fleet.h"
#include "sim/test_world.h"
#include "sim/workload.h"
#include "sim/world.h"

namespace headroom::sim {
namespace {

// A training job at full speed progresses 8 GPU-s per s less its checkpoints' share (6 s every
// 30 min).
constexpr double kRate8 = 8 * (1 - 6.0 / 1800);
// Facility load of a rack of 8 GPUs running training at full speed, at the fleet's PUE (1.12 at
// its 20 C).
constexpr double kPue = 1.12;
constexpr double kRackRunningW = 8 * (kSmallHostW + kSmallTrainingW);

// The world of SmallFleet with `jobs` (by default one 8-GPU training job of 10 h per rack: a on
// R1, b on R2, c on R3), all placed first fit and running from t = 0, and the parts protection
// works with.
struct Rig {
  model::Fleet fleet;
  control::Strategy strategy = QuietStrategy();
  Options options = SmallOptions();
  std::unique_ptr<World> world;
  std::unique_ptr<Workload> workload;
  std::unique_ptr<SchedulerHost> scheduler_host;
  std::unique_ptr<Protection> protection;

  explicit Rig(model::Fleet f,
               std::vector<model::JobSpec> jobs = {TrainingJob("a", 8, 10, kTimeZero),
                                                   TrainingJob("b", 8, 10, kTimeZero),
                                                   TrainingJob("c", 8, 10, kTimeZero)})
      : fleet(std::move(f)) {
    fleet.jobs = std::move(jobs);
    world = std::make_unique<World>(fleet, strategy, options);
    workload = std::make_unique<Workload>(*world);
    scheduler_host = std::make_unique<SchedulerHost>(*world, *workload);
    protection = std::make_unique<Protection>(*world, *workload, *scheduler_host);
    while (world->HasEvent() && world->NextIsArrival()) {
      scheduler_host->OnJobArrival(world->PopEvent());
    }
    Balance(site(), false);
  }
  Rig() : Rig(SmallFleet()) {}

  SiteRt& site() { return world->Site(0); }
  JobRt& job(int id) { return world->Job(id); }
  // The next event, with the clock moved to it.
  QueuedEvent Next() { return NextEvent(*world); }
  std::vector<std::string> LoggedKinds() { return sim::LoggedKinds(*world); }
};

// Opening F1 crashes a and b (on R1 and R2, under it) and only them; its racks go dark and carry
// no load; the work since their last checkpoint is lost to power; a re-close is scheduled.
TEST(Protection, TripCrashesExactlyTheJobsUnderTheNodeAndDeEnergizesItsRacks) {
  Rig r;
  ASSERT_EQ(r.job(0).placement, (std::vector<std::pair<int, int>>{{kSmallR1, 8}}));
  ASSERT_EQ(r.job(2).placement, (std::vector<std::pair<int, int>>{{kSmallR3, 8}}));
  r.world->now = At(40 * 60);
  EXPECT_EQ(r.protection->JobsUnder(r.site(), kSmallF1), (std::vector<int>{0, 1}));
  r.protection->Trip(0, kSmallF1, "breaker_trip", "test");

  EXPECT_EQ(r.job(0).state, JobState::kDown);
  EXPECT_EQ(r.job(1).state, JobState::kDown);
  EXPECT_EQ(r.job(2).state, JobState::kRunning);
  EXPECT_FALSE(r.site().nodes[kSmallR1].energized);
  EXPECT_FALSE(r.site().nodes[kSmallR2].energized);
  EXPECT_TRUE(r.site().nodes[kSmallR3].energized);
  EXPECT_DOUBLE_EQ(r.site().node_load_w[kSmallF1], 0);
  EXPECT_DOUBLE_EQ(r.site().node_load_w[kSmallRoot], kRackRunningW);
  EXPECT_EQ(r.site().open_breakers, 1);
  const SiteResult& result = r.site().result;
  EXPECT_EQ(result.breaker_trips, 1);
  EXPECT_EQ(result.power_crashes, 2);
  EXPECT_NEAR(result.lost_to_power_gpu_s, 2 * kRate8 * 10 * 60, 1e-6);
  EXPECT_NEAR(r.site().lost_load_w, 2 * kRackRunningW * kPue, 1e-6);
  const QueuedEvent e = r.Next();  // the jobs down have no timers; c finishes after 10 h
  EXPECT_EQ(e.type, Ev::kReclose);
  EXPECT_EQ(e.a, kSmallF1);
  EXPECT_EQ(e.t, At(50 * 60));
  EXPECT_EQ(r.LoggedKinds(),
            (std::vector<std::string>{"breaker_trip", "job_crash_power", "job_crash_power"}));
}

// A re-close waits while the supply cannot carry the subtree (here the grid is gone and the
// turbines are off), then closes once it can: the jobs down under it restore their checkpoints
// and the racks' GPUs are offered again.
TEST(Protection, RecloseIsDeferredWhileTheSupplyIsShortThenRestartsTheDownJobs) {
  Rig r;
  r.world->now = At(40 * 60);
  r.protection->Trip(0, kSmallF1, "breaker_trip", "test");
  r.site().grid_connected = false;
  Balance(r.site(), false);
  QueuedEvent e = r.Next();
  ASSERT_EQ(e.type, Ev::kReclose);
  r.protection->Reclose(0, e.a);
  EXPECT_TRUE(r.site().nodes[kSmallF1].tripped);
  EXPECT_EQ(r.job(0).state, JobState::kDown);

  r.site().grid_connected = true;
  Balance(r.site(), false);
  e = r.Next();
  ASSERT_EQ(e.type, Ev::kReclose);
  EXPECT_EQ(e.t, At(60 * 60));  // one reclose delay later
  r.protection->Reclose(0, e.a);
  EXPECT_FALSE(r.site().nodes[kSmallF1].tripped);
  EXPECT_EQ(r.site().open_breakers, 0);
  EXPECT_TRUE(r.site().nodes[kSmallR1].energized);
  EXPECT_EQ(r.job(0).state, JobState::kStarting);
  EXPECT_EQ(r.job(1).state, JobState::kStarting);
  EXPECT_EQ(r.job(2).state, JobState::kRunning);
  EXPECT_DOUBLE_EQ(r.site().lost_load_w, 0);
  EXPECT_EQ(r.LoggedKinds(),
            (std::vector<std::string>{"breaker_trip", "job_crash_power", "job_crash_power",
                                      "reclose_deferred", "reclose"}));
}

// A job restarts only once all its racks have power: d, on R2 (under F1) and R3 (under F2),
// stays down when F1 re-closes and restarts when F2 does.
TEST(Protection, RecloseRestartsAJobOnlyOnceAllItsRacksHavePower) {
  Rig r(SmallFleet(), {TrainingJob("a", 8, 10, kTimeZero), TrainingJob("d", 16, 10, kTimeZero)});
  ASSERT_EQ(r.job(1).placement, (std::vector<std::pair<int, int>>{{kSmallR2, 8}, {kSmallR3, 8}}));
  r.world->now = At(40 * 60);
  r.protection->Trip(0, kSmallF1, "breaker_trip", "test");
  r.protection->Trip(0, kSmallF2, "breaker_trip", "test");
  EXPECT_EQ(r.site().result.power_crashes, 2);  // d crashed once, with F1
  QueuedEvent e = r.Next();
  ASSERT_EQ(e.type, Ev::kReclose);
  ASSERT_EQ(e.a, kSmallF1);
  r.protection->Reclose(0, e.a);
  EXPECT_EQ(r.job(0).state, JobState::kStarting);
  EXPECT_EQ(r.job(1).state, JobState::kDown);
  e = r.Next();
  ASSERT_EQ(e.type, Ev::kReclose);
  ASSERT_EQ(e.a, kSmallF2);
  r.protection->Reclose(0, e.a);
  EXPECT_EQ(r.job(1).state, JobState::kStarting);
}

// A shortfall arms under-frequency shedding after the relays' delay plus the racks' ride-through;
// the relays then open feeds in the shed order (F2 first: the reverse of the file) only until the
// load fits the supply.
TEST(Protection, ShortfallShedsFeedsInOrderUntilTheLoadFits) {
  model::Fleet fleet = SmallFleet();
  // Three racks running: 3 x 5,070 W IT x 1.12 = 17,035 W; the grid gives 12 kW. Without R3 the
  // load is 11,357 W: shedding F2 is enough.
  fleet.sites[0].grid.import_limit_w = 12e3;
  for (model::TreeNode& node : fleet.sites[0].tree) {
    if (node.gpus > 0) node.ride_through_j_per_gpu = 700;  // 1 s at the GPU's TDP
  }
  Rig r(std::move(fleet));
  EXPECT_NEAR(r.site().shortfall_w, 3 * kRackRunningW * kPue - 12e3, 1e-6);
  r.world->now = At(60);
  r.protection->WatchShortfall(0);
  EXPECT_TRUE(r.site().notify);
  const QueuedEvent e = r.Next();
  EXPECT_EQ(e.type, Ev::kShortfallTrip);
  EXPECT_EQ(e.t, At(60) + std::chrono::milliseconds(200 + 1000));
  r.protection->OnShortfallTrip(e);
  EXPECT_TRUE(r.site().nodes[kSmallF2].tripped);
  EXPECT_FALSE(r.site().nodes[kSmallF1].tripped);
  EXPECT_DOUBLE_EQ(r.site().shortfall_w, 0);
  EXPECT_EQ(r.site().result.shed_trips, 1);
  EXPECT_EQ(r.job(2).state, JobState::kDown);
  EXPECT_EQ(r.job(0).state, JobState::kRunning);
}

// A paused job under a tripped node has its checkpoint written and its GPUs idle: it loses
// nothing, is not counted as crashed and stays paused; resumed while its rack is dark, it waits
// down for the re-close, which restarts it.
TEST(Protection, APausedJobLosesNothingToATripAndResumesOncePowered) {
  Rig r;
  r.world->now = At(40 * 60);
  ASSERT_TRUE(r.workload->Pause(r.job(0)));
  r.world->now = At(41 * 60);
  r.workload->OnJobPhaseEnd({r.world->now, Ev::kJobPhaseEnd, 0, 0, 0});  // the save completes
  ASSERT_EQ(r.job(0).state, JobState::kPaused);
  const double progress = r.job(0).progress;
  r.protection->Trip(0, kSmallF1, "breaker_trip", "test");
  EXPECT_EQ(r.job(0).state, JobState::kPaused);
  EXPECT_EQ(r.job(1).state, JobState::kDown);
  EXPECT_EQ(r.site().result.power_crashes, 1);  // b only
  EXPECT_DOUBLE_EQ(r.job(0).progress, progress);
  ASSERT_TRUE(r.workload->Resume(r.job(0)));
  EXPECT_EQ(r.job(0).state, JobState::kDown);
  r.world->now = At(60 * 60);
  r.protection->Reclose(0, kSmallF1);
  EXPECT_EQ(r.job(0).state, JobState::kStarting);
  EXPECT_EQ(r.job(1).state, JobState::kStarting);
}

// Two feeds re-closing at one instant are each judged on the load the other left: with 3.5 kW of
// import, F1's re-close (1.6 kW of idle racks, 1.79 kW at the PUE) fits; its jobs restart at twice
// idle (3.05 kW of facility load with F1's hosts), so F2's 0.9 kW no longer fits and waits. It
// was judged on the load of the last balance (nothing) and closed, leaving the site short.
TEST(Protection, TwoReclosesAtOneInstantSeeEachOthersLoad) {
  model::Fleet fleet = SmallFleet();
  fleet.sites[0].grid.import_limit_w = 3500;
  Rig r(fleet);
  r.world->now = At(40 * 60);
  r.protection->Trip(0, kSmallF1, "breaker_trip", "test");
  r.protection->Trip(0, kSmallF2, "breaker_trip", "test");
  Balance(r.site(), false);
  ASSERT_DOUBLE_EQ(r.site().facility_w, 0);
  r.world->now = At(50 * 60);
  r.protection->Reclose(0, kSmallF1);
  r.protection->Reclose(0, kSmallF2);
  EXPECT_FALSE(r.site().nodes[kSmallF1].tripped);
  EXPECT_TRUE(r.site().nodes[kSmallF2].tripped);
  Balance(r.site(), false);
  EXPECT_LE(r.site().shortfall_w, 0);
}

// A battery carries a re-close's step at once but not for good: with the grid gone, no turbine
// online and a charged battery, the re-close waits.
TEST(Protection, ABatteryAloneDoesNotCarryAReclose) {
  model::Fleet fleet = SmallFleet();
  model::Battery b;
  b.energy_j = 100e3 * 3600;
  b.power_w = 100e3;
  fleet.sites[0].battery = b;
  Rig r(fleet);
  r.site().stored_j = 0.9 * b.energy_j;
  r.world->now = At(40 * 60);
  r.protection->Trip(0, kSmallF1, "breaker_trip", "test");
  r.site().grid_connected = false;
  Balance(r.site(), false);
  r.world->now = At(50 * 60);
  r.protection->Reclose(0, kSmallF1);
  EXPECT_TRUE(r.site().nodes[kSmallF1].tripped);
}

}  // namespace
}  // namespace headroom::sim
