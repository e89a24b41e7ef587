#include "sim/controller_host.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "sim/plant.h"
#include "sim/protection.h"
#include "sim/scheduler_host.h"
#include "sim/test_fleet.h"
#include "sim/test_world.h"
#include "sim/workload.h"
#include "sim/world.h"

namespace headroom::sim {
namespace {

using control::Action;
using control::JobId;

constexpr double kRackRunningW = 8 * (kSmallHostW + kSmallTrainingW);

// Keeps a copy of each snapshot it is given and answers with `actions` and `next_wake`.
class ScriptedController : public control::SiteController {
 public:
  void Decide(const control::SiteTelemetry& t, control::Decision* out) override {
    seen.push_back(t);
    out->actions = actions;
    out->next_wake = next_wake;
  }
  std::vector<control::SiteTelemetry> seen;
  std::vector<Action> actions;
  Time next_wake = kTimeNever;
};

// The world of SmallFleet with one 8-GPU training job per rack (a on R1, b on R2, c on R3), all
// placed and running from t = 0, the parts the host works with, and a scripted controller.
struct Rig {
  model::Fleet fleet;
  control::Strategy strategy = QuietStrategy();
  Options options = SmallOptions();
  std::unique_ptr<World> world;
  std::unique_ptr<Workload> workload;
  std::unique_ptr<SchedulerHost> scheduler_host;
  std::unique_ptr<Protection> protection;
  std::unique_ptr<ControllerHost> host;
  ScriptedController* controller = nullptr;

  Rig() : fleet(SmallFleet()) {
    for (const char* name : {"a", "b", "c"}) {
      fleet.jobs.push_back(TrainingJob(name, 8, 10, kTimeZero));
    }
    world = std::make_unique<World>(fleet, strategy, options);
    workload = std::make_unique<Workload>(*world);
    scheduler_host = std::make_unique<SchedulerHost>(*world, *workload);
    protection = std::make_unique<Protection>(*world, *workload, *scheduler_host);
    host = std::make_unique<ControllerHost>(*world, *workload);
    while (world->HasEvent() && world->NextIsArrival()) {
      scheduler_host->OnJobArrival(world->PopEvent());
    }
    auto c = std::make_unique<ScriptedController>();
    controller = c.get();
    site().controller = std::move(c);
  }

  SiteRt& site() { return world->Site(0); }
  JobRt& job(int id) { return world->Job(id); }
  const control::JobView* ViewOf(const control::SiteTelemetry& t, int id) {
    for (const control::JobView& v : t.jobs) {
      if (v.id == JobId{id}) return &v;
    }
    return nullptr;
  }
};

// The snapshot shows the plant as it is: the jobs placed and their state, where their GPUs are,
// the breakers open and the load through each node (none through the open feed); and the host's
// own tables are whole again after the call.
TEST(ControllerHost, TelemetryReflectsThePlant) {
  Rig r;
  r.world->now = At(60);
  r.protection->Trip(0, kSmallF2, "breaker_trip", "test");  // c, on R3, goes down
  Balance(r.site(), false);
  r.host->CallController(0);

  ASSERT_EQ(r.controller->seen.size(), 1u);
  const control::SiteTelemetry& t = r.controller->seen[0];
  EXPECT_EQ(t.now, At(60));
  ASSERT_EQ(t.jobs.size(), 3u);
  const control::JobView* a = r.ViewOf(t, 0);
  const control::JobView* c = r.ViewOf(t, 2);
  ASSERT_NE(a, nullptr);
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(a->state, JobState::kRunning);
  EXPECT_DOUBLE_EQ(a->power_w, kSmallTrainingW);
  EXPECT_EQ(c->state, JobState::kDown);
  ASSERT_EQ(t.RacksOf(*a).size(), 1u);
  EXPECT_EQ(t.RacksOf(*a)[0], (control::RackShare{kSmallR1, 8}));
  EXPECT_EQ(t.open_breakers, 1);
  ASSERT_EQ(t.node_load_w.size(), 6u);
  EXPECT_DOUBLE_EQ(t.node_load_w[kSmallF1], 2 * kRackRunningW);
  EXPECT_DOUBLE_EQ(t.node_load_w[kSmallF2], 0);
  EXPECT_DOUBLE_EQ(t.node_load_w[kSmallRoot], 2 * kRackRunningW);
  EXPECT_DOUBLE_EQ(t.it_w, 2 * kRackRunningW);
  EXPECT_NEAR(t.facility_w, 2 * kRackRunningW * 1.12, 1e-9);
  EXPECT_NEAR(t.grid_w, t.facility_w, 1e-9);
  EXPECT_TRUE(t.grid_connected);
  EXPECT_DOUBLE_EQ(t.import_limit_w, 1e6);
  EXPECT_EQ(t.units.size(), 2u);
  // The lent tables are back.
  EXPECT_EQ(r.site().views.size(), 3u);
  EXPECT_DOUBLE_EQ(r.site().node_load_w[kSmallF1], 2 * kRackRunningW);
  EXPECT_EQ(r.world->result.controller_calls, 1u);
}

// The snapshot carries what the cold leaves of the battery's power (at -25 C, half of 2 MW by
// the default curve) and the frequency where the ramp has brought it (half-way from 60 to 59 Hz).
TEST(ControllerHost, TelemetryCarriesTheDeratedBatteryAndTheRampsFrequency) {
  Rig r;
  model::Battery b;
  b.energy_j = 4 * kJoulesPerMWh;
  b.power_w = 2e6;
  r.fleet.sites[0].battery = b;  // the world reads the fleet it was built from
  r.fleet.sites[0].ambient_c = model::StepSeries::Constant(-25);
  r.world->now = At(100);
  UpdateAmbient(r.site(), r.world->now);
  r.site().ramp_from_hz = 60;
  r.site().ramp_to_hz = 59;
  r.site().ramp_start = At(90);
  r.site().ramp_end = At(110);
  Balance(r.site(), false);
  r.host->CallController(0);
  ASSERT_EQ(r.controller->seen.size(), 1u);
  EXPECT_DOUBLE_EQ(r.controller->seen[0].battery_max_w, 1e6);
  EXPECT_DOUBLE_EQ(r.controller->seen[0].frequency_hz, 59.5);
}

// An action that breaks the contract is logged and dropped, the valid ones beside it are applied
// and logged, and a next_wake that is not after now becomes one second later.
TEST(ControllerHost, ContractViolatingActionIsDroppedAndLogged) {
  Rig r;
  r.world->now = At(60);
  Balance(r.site(), false);
  r.controller->actions = {
      Action::ForJob(Action::Kind::kSetCap, JobId{0}, 400, "valid"),
      Action::ForJob(Action::Kind::kSetCap, JobId{1}, 0, "a cap must be > 0"),
      Action::ForUnit(Action::Kind::kCommitUnit, 0, 0, 0, "valid"),
      Action::ForSite(Action::Kind::kSetBatteryCharge, 1e3, "no battery here"),
  };
  r.controller->next_wake = At(60);
  r.host->CallController(0);

  EXPECT_DOUBLE_EQ(r.job(0).pending_cap_w, 400);
  EXPECT_DOUBLE_EQ(r.job(1).pending_cap_w, 700);  // not clamped to 200 and applied: dropped
  EXPECT_EQ(r.site().units[0].state, UnitState::kStarting);
  EXPECT_EQ(r.site().units[0].ready_at, At(60) + std::chrono::minutes(10));
  EXPECT_EQ(r.site().next_wake, At(61));
  std::vector<std::pair<std::string, double>> logged;  // (kind, value)
  for (const EventRecord& e : r.world->event_log.Finish()) logged.emplace_back(e.kind, e.value);
  const std::vector<std::pair<std::string, double>> want = {
      {"contract_violation", -1},  // the decision: next_wake
      {"contract_violation", 1},   // action 1
      {"contract_violation", 3},   // action 3
      {"action:set_cap", 400},    {"action:commit_unit", 0},
  };
  EXPECT_EQ(logged, want);

  // The pending events: the cap after the actuation delay, the wake-up, the unit's start.
  std::vector<std::pair<Ev, Time>> pending;
  while (r.world->HasEvent()) {
    const QueuedEvent e = r.world->PopEvent();
    if (e.type != Ev::kJobFinish) pending.emplace_back(e.type, e.t);
  }
  const std::vector<std::pair<Ev, Time>> want_pending = {
      {Ev::kCapApply, At(60.5)},
      {Ev::kWake, At(61)},
      {Ev::kUnitReady, At(60) + std::chrono::minutes(10)},
  };
  EXPECT_EQ(pending, want_pending);
}

// Rack power: a rack whose job is paused powers off (its load leaves the tree, its GPUs leave
// placement); a rack under running work may not; a job resumed on a rack that is off waits, down,
// for its boot; the boot draws idle and host power for rack_boot_time, then the job restarts.
TEST(ControllerHost, RacksPowerOffAndBootBeforeTheirJobsResume) {
  Rig r;
  r.world->now = At(60);
  ASSERT_TRUE(r.workload->Pause(r.job(1)));  // b, on R2: saving its checkpoint
  while (r.job(1).state != JobState::kPaused) {
    const QueuedEvent e = NextEvent(*r.world);
    if (e.type == Ev::kJobPhaseEnd) r.workload->OnJobPhaseEnd(e);
  }
  const double idle_rack_w = 8 * (kSmallIdleW + kSmallHostW);
  ASSERT_DOUBLE_EQ(r.site().node_load_w[kSmallF1], kRackRunningW + idle_rack_w);
  r.controller->actions = {
      Action::ForRack(Action::Kind::kPowerOffRack, kSmallR1, "a runs here: refused"),
      Action::ForRack(Action::Kind::kPowerOffRack, kSmallR2, "b is paused"),
  };
  r.host->CallController(0);
  EXPECT_FALSE(r.site().nodes[kSmallR1].off);
  EXPECT_TRUE(r.site().nodes[kSmallR2].off);
  EXPECT_DOUBLE_EQ(r.site().node_load_w[kSmallR2], 0);
  EXPECT_DOUBLE_EQ(r.site().node_load_w[kSmallF1], kRackRunningW);
  EXPECT_DOUBLE_EQ(r.site().node_load_w[kSmallRoot], 2 * kRackRunningW);
  EXPECT_FALSE(r.site().free_racks.energized(r.site().rack_pos[kSmallR2]));
  EXPECT_EQ(r.site().result.rack_power_offs, 1);

  // The next snapshot shows it off; b resumed there goes down until the rack is back.
  r.controller->actions = {Action::ForJob(Action::Kind::kResume, JobId{1}, 0, "resume")};
  r.host->CallController(0);
  EXPECT_EQ(r.controller->seen.back().rack_power[kSmallR2], control::RackPower::kOff);
  EXPECT_EQ(r.controller->seen.back().rack_power[kSmallF1], control::RackPower::kNotRack);
  EXPECT_EQ(r.controller->seen.back().racks_not_on, std::vector<int>{kSmallR2});
  EXPECT_EQ(r.controller->seen.back().rack_power_changes, 1u);  // off
  EXPECT_EQ(r.job(1).state, JobState::kDown);

  const Time on_at = r.world->now;
  r.controller->actions = {Action::ForRack(Action::Kind::kPowerOnRack, kSmallR2, "boot")};
  r.host->CallController(0);
  EXPECT_TRUE(r.site().nodes[kSmallR2].booting);
  EXPECT_DOUBLE_EQ(r.site().node_load_w[kSmallF1], kRackRunningW + idle_rack_w);  // booting draws
  EXPECT_FALSE(r.site().free_racks.energized(r.site().rack_pos[kSmallR2]));
  EXPECT_EQ(r.job(1).state, JobState::kDown);
  QueuedEvent booted{};
  while (r.world->HasEvent()) {
    booted = NextEvent(*r.world);
    if (booted.type == Ev::kRackBooted) break;
  }
  ASSERT_EQ(booted.type, Ev::kRackBooted);
  EXPECT_EQ(booted.t, on_at + r.fleet.sites[0].rack_boot_time);
  r.protection->OnRackBooted(booted);
  EXPECT_FALSE(r.site().nodes[kSmallR2].booting);
  EXPECT_EQ(r.site().rack_power[kSmallR2], control::RackPower::kOn);
  EXPECT_TRUE(r.site().racks_not_on.empty());
  EXPECT_EQ(r.site().rack_power_changes, 3u);  // off, booting, on
  EXPECT_EQ(r.job(1).state, JobState::kStarting);
  EXPECT_TRUE(r.site().free_racks.energized(r.site().rack_pos[kSmallR2]));
}

// While the sources are short, each action that raises load is counted (and logged): a resume,
// a raised cap, a released brake; a lowered cap is not.
TEST(ControllerHost, ActionsThatRaiseLoadInADeficitAreCounted) {
  Rig r;
  r.world->now = At(60);
  ASSERT_TRUE(r.workload->Pause(r.job(1)));
  while (r.job(1).state != JobState::kPaused) {
    const QueuedEvent e = NextEvent(*r.world);
    if (e.type == Ev::kJobPhaseEnd) r.workload->OnJobPhaseEnd(e);
  }
  r.site().shortfall_w = 5e3;
  r.controller->actions = {
      Action::ForJob(Action::Kind::kSetCap, JobId{0}, 300, "lower: fine"),
  };
  r.host->CallController(0);
  EXPECT_EQ(r.site().result.load_raises_in_deficit, 0);
  r.controller->actions = {
      Action::ForJob(Action::Kind::kResume, JobId{1}, 0, "resume in a deficit"),
      Action::ForJob(Action::Kind::kSetCap, JobId{2}, 700, "c is at 700 already: no raise"),
  };
  r.host->CallController(0);
  EXPECT_EQ(r.site().result.load_raises_in_deficit, 1);
  r.site().shortfall_w = 0;
  r.controller->actions = {Action::ForJob(Action::Kind::kSetCap, JobId{0}, 700, "no deficit")};
  r.host->CallController(0);
  EXPECT_EQ(r.site().result.load_raises_in_deficit, 1);
}

}  // namespace
}  // namespace headroom::sim
