// The twin's controller host (sim/controller_host.h) holds every decision to the contract of
// control/contract.h: a violating action is logged as `contract_violation` and dropped, and the
// run goes on; the strategies we ship never violate it.

#include <gtest/gtest.h>

#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "config/loader.h"
#include "control/headroom.h"
#include "model/generate.h"
#include "sim/engine.h"

namespace headroom::sim {
namespace {

using control::Action;

model::Fleet SmallFleet(Duration horizon) {
  auto f = config::LoadFleetFromString(config::BuiltinExample(), config::kBuiltinExampleName);
  EXPECT_TRUE(f.ok()) << f.status();
  model::Fleet fleet = f.ok() ? *f : model::Fleet{};
  fleet.horizon = horizon;
  for (auto& j : model::GenerateJobs(fleet, fleet.seed, horizon)) fleet.jobs.push_back(j);
  return fleet;
}

Options OptionsFor(const model::Fleet& fleet) {
  Options o;
  o.horizon = fleet.horizon;
  o.seed = fleet.seed;
  return o;
}

int Count(const Result& r, const std::string& kind) {
  int n = 0;
  for (const EventRecord& e : r.events) n += e.kind == kind ? static_cast<int>(e.count) : 0;
  return n;
}

// Asks for things that break the contract, every call, beside one note that does not.
class RogueController : public control::SiteController {
 public:
  void Decide(const control::SiteTelemetry& t, control::Decision* out) override {
    out->actions.push_back(Action::ForJob(Action::Kind::kSetCap, control::JobId{1 << 30}, 500,
                                          "a job that is not here"));
    for (const control::JobView& v : t.jobs) {
      if (v.state == control::JobState::kRunning) {
        out->actions.push_back(Action::ForJob(Action::Kind::kResume, v.id, 0, "not paused"));
        break;
      }
    }
    out->actions.push_back(
        Action::ForSite(Action::Kind::kSetBatteryCharge, std::nan(""), "not a number"));
    out->actions.push_back(Action::Note(1, "rogue was here"));
    out->next_wake = t.now;  // not after now: the host wakes it a second later
    ++calls;
  }
  static inline int calls = 0;
};

std::unique_ptr<control::SiteController> MakeRogue(const control::SiteConfig&,
                                                   const control::ControllerOptions&) {
  return std::make_unique<RogueController>();
}

TEST(ControllerHost, DropsAndLogsWhatBreaksTheContract) {
  const model::Fleet fleet = SmallFleet(std::chrono::minutes(10));
  const control::Strategy rogue{"rogue", "breaks the contract", false, &MakeRogue};
  RogueController::calls = 0;
  const Result r = Simulate(fleet, rogue, OptionsFor(fleet));
  ASSERT_GT(RogueController::calls, 100);  // woken every second, and more on events
  // Per call: the unknown job, the NaN charge, next_wake, and the resume while a job runs.
  const int violations = Count(r, "contract_violation");
  EXPECT_GE(violations, 3 * RogueController::calls);
  EXPECT_LE(violations, 4 * RogueController::calls);
  EXPECT_EQ(Count(r, "action:resume"), 0);
  EXPECT_EQ(Count(r, "action:set_cap"), 0);
  EXPECT_EQ(Count(r, "action:note"), RogueController::calls);
}

TEST(ControllerHost, ShippedStrategiesKeepTheContract) {
  const model::Fleet fleet = SmallFleet(std::chrono::hours(24 * 14));
  for (const control::Strategy& s : control::AllStrategies()) {
    SCOPED_TRACE(s.name);
    const Result r = Simulate(fleet, s, OptionsFor(fleet));
    EXPECT_GT(r.controller_calls, 0u);
    EXPECT_EQ(Count(r, "contract_violation"), 0);
  }
}

// Events due at the same instant run in a fixed order: job arrivals first (in job order), then
// the scripted events, then everything scheduled during the run, each in the order it was
// scheduled. A job arriving at the very instant its feed faults is placed first (on the first
// racks in file order, which that feed carries) and crashes with it; were the fault handled
// first, the job would be placed on a lit feed and run on.
TEST(EventOrder, ArrivalsComeBeforeScriptedEventsDueAtTheSameInstant) {
  model::Fleet fleet = SmallFleet(std::chrono::hours(2));
  fleet.jobs.clear();
  fleet.events.clear();
  fleet.stochastic.clear();
  const std::vector<model::TreeNode>& tree = fleet.sites[0].tree;
  int first_feed = -1;
  for (size_t i = 0; i < tree.size() && first_feed < 0; ++i) {
    if (tree[i].kind == model::NodeKind::kFeed) first_feed = static_cast<int>(i);
  }
  ASSERT_GE(first_feed, 0);
  const Time at = Time{std::chrono::hours(1)};
  model::JobSpec job;
  job.name = "arrives-as-the-feed-faults";
  job.site = 0;
  job.gpus = 8;
  job.arrival = at;
  job.work_gpu_s = 8 * 3600.0 * 100;
  fleet.jobs.push_back(job);
  model::EventSpec fault;
  fault.kind = model::EventKind::kFeedTrip;
  fault.site = 0;
  fault.start = at;
  fault.duration = std::chrono::minutes(30);
  fault.node = first_feed;
  fleet.events.push_back(fault);
  const Result r = Simulate(fleet, control::AllStrategies()[0], OptionsFor(fleet));
  EXPECT_EQ(Count(r, "feed_fault"), 1);
  // A fault is not a shortage of power: the crash is logged with its cause.
  int crashed_by_fault = 0;
  for (const EventRecord& e : r.events) {
    crashed_by_fault += e.kind == "job_crash_failure" && e.subject == job.name &&
                        e.detail.find("feed_fault") != std::string::npos;
  }
  EXPECT_EQ(crashed_by_fault, 1);
}

}  // namespace
}  // namespace headroom::sim
