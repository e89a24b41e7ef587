#include "sim/scheduler_host.h"

#include <gtest/gtest.h>

#include <memory>
#include <set>
#include <utility>
#include <vector>

#include "sim/power_tree.h"
#include "sim/test_fleet.h"
#include "sim/test_world.h"
#include "sim/workload.h"
#include "sim/world.h"

namespace headroom::sim {
namespace {

using Placement = std::vector<std::pair<int, int>>;

// Places every job it is given (arrivals, then those refused) on site 0, and records what each
// call saw.
class RecordingScheduler : public sched::Scheduler {
 public:
  struct Call {
    std::vector<int> arrivals, refused, grown;
    std::vector<sched::SiteCapacity> sites;
  };
  void Decide(const sched::FleetTelemetry& t, sched::PlacementDecision* out) override {
    Call& call = calls.emplace_back();
    call.sites = *t.sites;
    call.grown = t.grown;
    for (const sched::JobRequest& r : t.arrivals) call.arrivals.push_back(r.id);
    for (const sched::JobRequest& r : t.refused) call.refused.push_back(r.id);
    for (const sched::JobRequest& r : t.refused) out->placements.push_back({r.id, 0});
    for (const sched::JobRequest& r : t.arrivals) out->placements.push_back({r.id, 0});
  }
  std::size_t queued() const override { return 0; }
  std::vector<Call> calls;
};

// The world of SmallFleet with `jobs`, its workload and its scheduler host (with the default
// scheduler unless `recording`).
struct Rig {
  model::Fleet fleet;
  control::Strategy strategy = QuietStrategy();
  Options options = SmallOptions();
  RecordingScheduler* recording = nullptr;
  std::unique_ptr<World> world;
  std::unique_ptr<Workload> workload;
  std::unique_ptr<SchedulerHost> host;

  Rig(std::vector<model::JobSpec> jobs, bool record) : fleet(SmallFleet()) {
    fleet.jobs = std::move(jobs);
    if (record) {
      options.scheduler = [this](const model::Fleet& /*fleet*/) {
        auto s = std::make_unique<RecordingScheduler>();
        recording = s.get();
        return s;
      };
    }
    world = std::make_unique<World>(fleet, strategy, options);
    workload = std::make_unique<Workload>(*world);
    host = std::make_unique<SchedulerHost>(*world, *workload);
  }

  SiteRt& site() { return world->Site(0); }
  // Delivers the next arrival at `t`.
  void Arrive(double t) {
    world->now = At(t);
    ASSERT_TRUE(world->NextIsArrival());
    host->OnJobArrival(world->PopEvent());
  }
  // Opens or closes F1's breaker (what protection does).
  void SetF1Open(bool open) {
    site().nodes[kSmallF1].tripped = open;
    RecomputeLoads(site());
    world->MarkCapacityStale(0);
  }
};

// Racks under an open breaker offer no GPUs: a job that fits only there waits, and is placed on
// them, first fit, once they are energized again and the host says capacity grew.
TEST(SchedulerHost, PlacesFirstFitOnEnergizedRacksAndRetriesWhenCapacityGrows) {
  Rig r({TrainingJob("a", 8, 1, kTimeZero), TrainingJob("b", 8, 1, kTimeZero)}, false);
  r.SetF1Open(true);
  r.Arrive(10);
  const JobRt& a = r.world->Job(0);
  EXPECT_EQ(a.placement, (Placement{{kSmallR3, 8}}));
  EXPECT_EQ(a.state, JobState::kStarting);
  r.Arrive(10);
  const JobRt& b = r.world->Job(1);
  EXPECT_EQ(b.state, JobState::kQueued);
  EXPECT_EQ(b.site, -1);
  EXPECT_EQ(r.site().free_gpus, 16);  // R1 and R2, dark

  r.world->now = At(20);
  r.SetF1Open(false);
  r.host->CallScheduler(nullptr, 0);
  EXPECT_EQ(b.placement, (Placement{{kSmallR1, 8}}));
  EXPECT_EQ(b.state, JobState::kStarting);
  EXPECT_EQ(b.first_start, At(20));
  EXPECT_EQ(r.site().free_gpus, 8);
  EXPECT_EQ(r.site().views.size(), 2u);
}

// A job larger than one rack spans racks in file order; a placement the site cannot take is
// refused and offered again in the next call, beside the capacity summary refreshed for what was
// taken since.
TEST(SchedulerHost, RefusedPlacementGoesBackToTheScheduler) {
  Rig r({TrainingJob("big", 32, 1, kTimeZero), TrainingJob("pair", 16, 1, kTimeZero)}, true);
  ASSERT_NE(r.recording, nullptr);
  r.Arrive(0);
  EXPECT_EQ(r.world->Job(0).state, JobState::kQueued);  // 32 GPUs: the site has 24
  r.Arrive(0);
  const JobRt& pair = r.world->Job(1);
  EXPECT_EQ(pair.placement, (Placement{{kSmallR1, 8}, {kSmallR2, 8}}));
  EXPECT_EQ(pair.state, JobState::kRunning);  // at t = 0
  r.host->CallScheduler(nullptr, 0);

  const std::vector<RecordingScheduler::Call>& calls = r.recording->calls;
  ASSERT_EQ(calls.size(), 3u);
  EXPECT_EQ(calls[0].arrivals, std::vector<int>{0});
  EXPECT_TRUE(calls[0].refused.empty());
  EXPECT_EQ(calls[0].sites[0].free_gpus, 24);
  EXPECT_EQ(calls[0].sites[0].free_by_model, std::vector<std::int64_t>{24});
  EXPECT_EQ(calls[1].arrivals, std::vector<int>{1});
  EXPECT_EQ(calls[1].refused, std::vector<int>{0});
  EXPECT_EQ(calls[2].refused, std::vector<int>{0});
  EXPECT_EQ(calls[2].grown, std::vector<int>{0});
  EXPECT_EQ(calls[2].sites[0].free_gpus, 8);
  EXPECT_EQ(calls[2].sites[0].first_free_model, 0);
  EXPECT_EQ(calls[2].sites[0].free_by_model, std::vector<std::int64_t>{8});
}

// Every fleet job and every learner of a cross-site job draws from its own stream: no two
// share an id, also past 64 learners a job (where job x 64 + learner once collided).
TEST(World, JobAndLearnerStreamsAreDistinct) {
  std::set<std::uint64_t> ids;
  for (size_t job = 0; job < 3; ++job) {
    ids.insert(JobStream(job));
    for (int k = 0; k < 130; ++k) ids.insert(LearnerStream(job, k));
  }
  EXPECT_EQ(ids.size(), 3u + 3u * 130u);
  EXPECT_NE(LearnerStream(0, 64), LearnerStream(1, 0));
}

}  // namespace
}  // namespace headroom::sim
