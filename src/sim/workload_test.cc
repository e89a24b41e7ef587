#include "sim/workload.h"

#include <gtest/gtest.h>

#include <utility>
#include <vector>

#include "sim/power_tree.h"
#include "sim/test_fleet.h"
#include "sim/test_world.h"
#include "sim/world.h"

namespace headroom::sim {
namespace {

using model::Priority;

// A training job at full speed progresses 8 GPU-s per s less the share spent saving its
// checkpoints (6 s every 30 min).
constexpr double kRate8 = 8 * (1 - 6.0 / 1800);

// The world of SmallFleet with `jobs`, and its workload. The test places and starts jobs itself:
// the arrival stream is emptied and the capacity summaries marked fresh.
struct Rig {
  model::Fleet fleet;
  control::Strategy strategy = QuietStrategy();
  Options options = SmallOptions();
  World world;
  Workload workload{world};

  explicit Rig(std::vector<model::JobSpec> jobs)
      : fleet(WithJobs(std::move(jobs))), world(fleet, strategy, options) {
    world.next_arrival = world.arrivals.size();
    world.capacity_stale.clear();
    world.Site(0).capacity_stale = false;
  }
  static model::Fleet WithJobs(std::vector<model::JobSpec> jobs) {
    model::Fleet f = SmallFleet();
    f.jobs = std::move(jobs);
    return f;
  }

  SiteRt& site() { return world.Site(0); }
  double RackDemandW(int rack) { return site().nodes[static_cast<size_t>(rack)].demand_w; }

  // Takes all the GPUs of `racks` for job `id` (what the scheduler host does) and starts it now.
  JobRt& Start(int id, const std::vector<int>& racks) {
    JobRt& job = world.Job(id);
    for (int rack : racks) {
      const int pos = site().rack_pos[static_cast<size_t>(rack)];
      const int n = site().free_racks.free(pos);
      site().free_racks.Take(pos, n);
      site().free_gpus -= n;
      job.placement.emplace_back(rack, n);
    }
    job.footprint = Footprint(site(), job.placement);
    workload.Start(job, 0);
    return job;
  }

  // The next event, with the clock moved to it.
  QueuedEvent Next() { return NextEvent(world); }

  EventRows Log() { return world.event_log.Finish(); }
};

// A job placed after t = 0 restores its checkpoint first (drawing twice idle), runs after its
// restore time, finishes when its work is done and gives its GPUs back.
TEST(Workload, JobPlacedLaterRestoresThenRunsThenFinishes) {
  Rig r({TrainingJob("a", 8, 1.0, At(100))});
  r.world.now = At(100);
  JobRt& job = r.Start(0, {kSmallR1});
  EXPECT_EQ(job.state, JobState::kStarting);
  ASSERT_EQ(r.site().views.size(), 1u);
  EXPECT_EQ(r.workload.View(job).state, JobState::kStarting);
  EXPECT_DOUBLE_EQ(r.RackDemandW(kSmallR1), 8 * (kSmallHostW + 2 * kSmallIdleW));
  EXPECT_DOUBLE_EQ(r.site().node_load_w[kSmallF1],
                   8 * (kSmallHostW + 2 * kSmallIdleW) + 8 * (kSmallHostW + kSmallIdleW));

  QueuedEvent e = r.Next();
  EXPECT_EQ(e.type, Ev::kJobPhaseEnd);
  EXPECT_EQ(e.t, At(100 + 5 * 60));
  r.workload.OnJobPhaseEnd(e);
  EXPECT_EQ(job.state, JobState::kRunning);
  EXPECT_EQ(r.workload.View(job).state, JobState::kRunning);
  EXPECT_DOUBLE_EQ(r.RackDemandW(kSmallR1), 8 * (kSmallHostW + kSmallTrainingW));

  // One hour of work at full speed, less the checkpoints' share: 3600 / (1 - 6/1800) s.
  e = r.Next();
  EXPECT_EQ(e.type, Ev::kJobFinish);
  EXPECT_NEAR(ToSeconds(e.t.time_since_epoch()), 400 + 3600 / (1 - 6.0 / 1800), 1e-6);
  EXPECT_TRUE(r.workload.OnJobFinish(e));
  EXPECT_EQ(job.state, JobState::kDone);
  EXPECT_DOUBLE_EQ(job.progress, 8 * 3600.0);
  EXPECT_TRUE(r.site().views.empty());
  EXPECT_EQ(r.site().free_gpus, 24);
  EXPECT_EQ(r.world.capacity_stale, std::vector<int>{0});
  EXPECT_DOUBLE_EQ(r.RackDemandW(kSmallR1), 8 * (kSmallHostW + kSmallIdleW));
  EXPECT_EQ(r.site().result.jobs_completed, 1);
  EXPECT_FALSE(r.world.HasEvent());
  // A stale finish (the job is done) changes nothing.
  EXPECT_FALSE(r.workload.OnJobFinish(e));
}

// A crash rolls progress back to the last periodic checkpoint and books the work since as lost;
// with its racks powered the job restores at once.
TEST(Workload, CrashRollsBackToTheLastCheckpointAndCountsTheLoss) {
  Rig r({TrainingJob("a", 8, 10.0, kTimeZero)});
  JobRt& job = r.Start(0, {kSmallR1});
  EXPECT_EQ(job.state, JobState::kRunning);  // at t = 0: running at once
  r.world.now = At(50 * 60);
  r.workload.Crash(job, CrashCause::kFailure, "test");
  const double lost = kRate8 * 20 * 60;  // since the checkpoint at 30 min
  EXPECT_NEAR(job.progress, kRate8 * 30 * 60, 1e-6);
  const SiteResult& result = r.site().result;
  EXPECT_NEAR(result.lost_gpu_s[static_cast<size_t>(Priority::kNormal)], lost, 1e-6);
  EXPECT_NEAR(result.lost_to_failures_gpu_s, lost, 1e-6);
  EXPECT_EQ(result.failure_crashes, 1);
  EXPECT_EQ(result.power_crashes, 0);
  EXPECT_EQ(job.state, JobState::kStarting);
  const auto log = r.Log();
  ASSERT_EQ(log.size(), 1u);
  EXPECT_EQ(log[0].kind, "job_crash_failure");
  EXPECT_NEAR(log[0].value, lost / 3600, 1e-9);

  // Crashed again before it ran: nothing more is lost.
  r.workload.Crash(job, CrashCause::kPower, "test");
  EXPECT_NEAR(result.lost_to_power_gpu_s, 0, 1e-12);
  EXPECT_EQ(result.power_crashes, 1);
}

// A pause writes a checkpoint of all the work done (not only to the last periodic one), then
// releases the power: the GPUs go back to idle.
TEST(Workload, PauseWritesACheckpointThenReleasesPower) {
  Rig r({TrainingJob("a", 8, 10.0, kTimeZero)});
  JobRt& job = r.Start(0, {kSmallR1});
  r.world.now = At(40 * 60);
  EXPECT_TRUE(r.workload.Pause(job));
  EXPECT_EQ(job.state, JobState::kSaving);
  EXPECT_DOUBLE_EQ(r.RackDemandW(kSmallR1), 8 * (kSmallHostW + 2 * kSmallIdleW));
  const QueuedEvent e = r.Next();
  EXPECT_EQ(e.type, Ev::kJobPhaseEnd);
  EXPECT_EQ(e.t, At(40 * 60 + 6));
  r.workload.OnJobPhaseEnd(e);
  EXPECT_EQ(job.state, JobState::kPaused);
  EXPECT_DOUBLE_EQ(r.RackDemandW(kSmallR1), 8 * (kSmallHostW + kSmallIdleW));
  EXPECT_FALSE(r.workload.Pause(job));  // paused already

  // A crash now (a trip while paused) loses nothing: the pause's checkpoint holds 40 min.
  r.world.now = At(60 * 60);
  r.workload.Crash(job, CrashCause::kPower, "test");
  EXPECT_NEAR(job.progress, kRate8 * 40 * 60, 1e-6);
  EXPECT_NEAR(r.site().result.lost_to_power_gpu_s, 0, 1e-9);
}

// A written cap takes effect after the actuation delay: the draw and speed follow it, and the
// power it withholds is counted.
TEST(Workload, CapTakesEffectAfterTheActuationDelay) {
  Rig r({TrainingJob("a", 8, 10.0, kTimeZero)});
  JobRt& job = r.Start(0, {kSmallR1});
  r.world.now = At(10);
  EXPECT_TRUE(r.workload.WriteCap(job, 400));
  EXPECT_FALSE(r.workload.WriteCap(job, 400));  // pending already
  EXPECT_DOUBLE_EQ(r.workload.View(job).pending_cap_w, 400);
  EXPECT_DOUBLE_EQ(r.RackDemandW(kSmallR1), 8 * (kSmallHostW + kSmallTrainingW));
  const QueuedEvent e = r.Next();
  EXPECT_EQ(e.type, Ev::kCapApply);
  EXPECT_EQ(e.t, At(10.5));
  r.workload.OnCapApply(e);
  // Compute phase capped at 400 W, communication (315 W) under it: 0.75 x 400 + 0.25 x 315.
  const double capped_w = 0.75 * 400 + 0.25 * 315;
  EXPECT_DOUBLE_EQ(r.RackDemandW(kSmallR1), 8 * (kSmallHostW + capped_w));
  EXPECT_NEAR(r.site().cap_withheld_w, 8 * (kSmallTrainingW - capped_w), 1e-9);
  // The default training curve: speed (400/700 - 0.1) / (0.97 - 0.1) of full.
  EXPECT_NEAR(job.speed, (400.0 / 700 - 0.1) / 0.87, 1e-12);
}

}  // namespace
}  // namespace headroom::sim

namespace headroom::sim {
namespace {

// A service's demand is in the site's sums once while it is placed and out of them once it ends,
// whatever the states it went through (a crash while it ran once left its old share in the sums,
// and a service that ended went on counting demand and SLO misses).
TEST(Workload, ServiceDemandCountedOnceAndGoneWhenItEnds) {
  model::JobSpec svc = TrainingJob("svc", 8, 1.0, kTimeZero);
  svc.kind = model::WorkloadKind::kInference;
  svc.lifetime = std::chrono::hours(1);
  Rig r({svc});
  JobRt& job = r.Start(0, {kSmallR1});
  ASSERT_EQ(job.state, JobState::kRunning);
  const double demand = job.demand;
  ASSERT_GT(demand, 0);
  EXPECT_DOUBLE_EQ(r.site().inference_demand_rate, demand * 8);
  r.workload.Crash(job, CrashCause::kFailure, "test");  // restoring: demand unserved, counted once
  EXPECT_EQ(job.state, JobState::kStarting);
  EXPECT_DOUBLE_EQ(r.site().inference_demand_rate, job.demand * 8);
  EXPECT_EQ(r.site().inference_missing, 1);
  while (job.state != JobState::kDone) {
    const QueuedEvent e = r.Next();
    if (e.type == Ev::kJobPhaseEnd) r.workload.OnJobPhaseEnd(e);
    if (e.type == Ev::kJobFinish) r.workload.OnJobFinish(e);
  }
  EXPECT_DOUBLE_EQ(r.site().inference_demand_rate, 0);
  EXPECT_EQ(r.site().inference_missing, 0);
}

}  // namespace
}  // namespace headroom::sim
