#include "sim/scripted.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "sim/protection.h"
#include "sim/scheduler_host.h"
#include "sim/test_fleet.h"
#include "sim/test_world.h"
#include "sim/workload.h"
#include "sim/world.h"

namespace headroom::sim {
namespace {

using model::EventKind;
using model::EventSpec;

// Whole seconds since the start.
std::int64_t Seconds(Time t) { return t.time_since_epoch() / std::chrono::seconds(1); }

// The world of SmallFleet with `events` (no jobs) and the parts the scripted events work with.
struct Rig {
  model::Fleet fleet;
  control::Strategy strategy = QuietStrategy();
  Options options = SmallOptions();
  std::unique_ptr<World> world;
  std::unique_ptr<Workload> workload;
  std::unique_ptr<SchedulerHost> scheduler_host;
  std::unique_ptr<Protection> protection;
  std::unique_ptr<ScriptedEvents> scripted;

  explicit Rig(std::vector<EventSpec> events, model::Fleet f = SmallFleet()) : fleet(std::move(f)) {
    fleet.events = std::move(events);
    world = std::make_unique<World>(fleet, strategy, options);
    workload = std::make_unique<Workload>(*world);
    scheduler_host = std::make_unique<SchedulerHost>(*world, *workload);
    protection = std::make_unique<Protection>(*world, *workload, *scheduler_host);
    scripted = std::make_unique<ScriptedEvents>(*world, *workload, *protection);
  }

  SiteRt& site() { return world->Site(0); }
  // The next event, with the clock moved to it.
  QueuedEvent Next() { return NextEvent(*world); }
  std::vector<std::string> LoggedKinds() { return sim::LoggedKinds(*world); }
};

EventSpec Outage(double start_s, double duration_s) {
  EventSpec ev;
  ev.kind = EventKind::kGridOutage;
  ev.start = At(start_s);
  ev.duration = FromSeconds(duration_s);
  ev.origin = "test";
  return ev;
}

// A grid outage disconnects the site at its start; the site reconnects the grid's reconnect delay
// (5 min) after the outage ends, not before. A shorter outage inside it (100 s to 1,000 s) ends
// without reconnecting: the longer one is still open.
TEST(ScriptedEvents, GridOutageDisconnectsAndReconnectsAfterItsEnd) {
  Rig r({Outage(100, 3600), Outage(200, 800)});
  EXPECT_TRUE(r.site().grid_connected);
  EXPECT_DOUBLE_EQ(ImportLimitW(r.site()), 1e6);
  std::vector<std::pair<std::int64_t, bool>> seen;  // (s, connected after the event)
  while (r.world->HasEvent()) {
    const QueuedEvent e = r.Next();
    if (e.type == Ev::kGridReconnect) {
      r.scripted->OnGridReconnect(e);
    } else {
      ASSERT_TRUE(e.type == Ev::kExternalStart || e.type == Ev::kExternalEnd);
      r.scripted->OnExternal(e);
    }
    seen.emplace_back(Seconds(e.t), r.site().grid_connected);
    if (!r.site().grid_connected) {
      EXPECT_DOUBLE_EQ(ImportLimitW(r.site()), 0);
    }
  }
  const std::vector<std::pair<std::int64_t, bool>> want = {
      {100, false},   // outage 1 starts
      {200, false},   // outage 2 starts
      {1000, false},  // outage 2 ends: outage 1 still open
      {1300, false},  // its reconnection: still an outage open
      {3700, false},  // outage 1 ends
      {4000, true},   // 5 min later: reconnected
  };
  EXPECT_EQ(seen, want);
  EXPECT_EQ(r.LoggedKinds(),
            (std::vector<std::string>{"grid_outage_start", "grid_disconnected", "grid_outage_start",
                                      "grid_outage_end", "grid_outage_end", "grid_connected"}));
}

// A turbine trip takes its unit offline at once (nothing available, nothing given, its pending
// ramp step cancelled) and leaves the other unit alone; once repaired the unit is off, ready to be
// committed again.
TEST(ScriptedEvents, TurbineTripTakesAUnitOfflineUntilRepaired) {
  EventSpec trip;
  trip.kind = EventKind::kTurbineTrip;
  trip.start = At(100);
  trip.duration = std::chrono::hours(8);
  trip.plant = 0;
  trip.unit = 1;
  trip.origin = "test";
  Rig r({trip});
  for (UnitRt& u : r.site().units) {
    u.state = UnitState::kOnline;
    u.available_w = u.output_w = 50e3;
    u.target_w = 80e3;
  }
  r.site().units[1].step_timer = r.world->Push(At(150), Ev::kUnitStep, 0, 1);

  QueuedEvent e = r.Next();
  ASSERT_EQ(e.type, Ev::kExternalStart);
  r.scripted->OnExternal(e);
  const UnitRt& u1 = r.site().units[1];
  EXPECT_EQ(u1.state, UnitState::kTripped);
  EXPECT_DOUBLE_EQ(u1.available_w, 0);
  EXPECT_DOUBLE_EQ(u1.output_w, 0);
  EXPECT_EQ(r.site().units[0].state, UnitState::kOnline);
  EXPECT_DOUBLE_EQ(r.site().units[0].available_w, 50e3);
  EXPECT_TRUE(r.site().notify);

  e = r.Next();  // the step at 150 s was cancelled
  EXPECT_EQ(e.type, Ev::kUnitRepaired);
  EXPECT_EQ(e.t, At(100) + std::chrono::hours(8));
  r.scripted->OnUnitRepaired(e);
  EXPECT_EQ(u1.state, UnitState::kOff);
  const EventRows log = r.world->event_log.Finish();
  ASSERT_EQ(log.size(), 2u);
  EXPECT_EQ(log[0].kind, "unit_trip");
  EXPECT_EQ(log[0].subject, "gt/u2");
  EXPECT_DOUBLE_EQ(log[0].value, 0.05);  // MW lost
  EXPECT_EQ(log[1].kind, "unit_repaired");
}

// A unit coming online starts at its minimum load and ramps to its target in steps of at most
// max_step_w, each after the time the previous step takes at its ramp rate: 20 kW, 20 kW, 10 kW
// at 1 kW/s, so at 0 s, 20 s and 40 s.
TEST(ScriptedEvents, UnitRampsToItsTargetInSteps) {
  model::Fleet fleet = SmallFleet();
  model::TurbineUnit& spec = fleet.sites[0].plants[0].units[0];
  spec.min_load_w = 10e3;
  spec.max_step_w = 20e3;
  spec.ramp_w_per_s = 1e3;
  Rig r({}, std::move(fleet));
  UnitRt& u = r.site().units[0];
  u.state = UnitState::kStarting;
  u.target_w = 60e3;
  r.world->now = At(600);
  r.scripted->OnUnitReady({At(600), Ev::kUnitReady, 0, 0, 0});
  EXPECT_EQ(u.state, UnitState::kOnline);
  EXPECT_DOUBLE_EQ(u.available_w, 10e3);
  std::vector<std::pair<std::int64_t, double>> steps;  // (s, available W)
  while (r.world->HasEvent()) {
    const QueuedEvent e = r.Next();
    ASSERT_EQ(e.type, Ev::kUnitStep);
    r.scripted->OnUnitStep(e);
    steps.emplace_back(Seconds(e.t), u.available_w);
  }
  EXPECT_EQ(steps,
            (std::vector<std::pair<std::int64_t, double>>{{600, 30e3}, {620, 50e3}, {640, 60e3}}));
}

// The battery's bound is scheduled when it would reach it at its present rate, its one-way
// efficiency included: discharging 1 kW from 90% of 1 kWh to the 10% floor, at sqrt(0.81) = 0.9
// each way, takes 0.8 x 3.6 MJ / (1 kW / 0.9) = 2,592 s. A sooner bound replaces a later one.
TEST(ScriptedEvents, BatteryBoundScheduledAtItsPresentRate) {
  model::Fleet fleet = SmallFleet();
  model::Battery battery;
  battery.energy_j = 3.6e6;
  battery.power_w = 2e3;
  battery.round_trip_efficiency = 0.81;
  battery.soc_min = 0.1;
  battery.soc_max = 0.95;
  battery.soc_initial = 0.9;
  fleet.sites[0].battery = battery;
  Rig r({}, std::move(fleet));
  r.world->now = At(100);
  r.site().battery_w = 1e3;
  r.scripted->WatchBattery(0);
  ASSERT_EQ(r.world->queue.size(), 1u);
  EXPECT_NEAR(ToSeconds(r.world->queue.next_time().time_since_epoch()), 100 + 2592, 1e-6);
  // Charging at 1 kW from 90% to the 95% top: 0.05 x 3.6 MJ / (1 kW x 0.9) = 200 s.
  r.site().battery_w = -1e3;
  r.scripted->WatchBattery(0);
  const QueuedEvent e = r.Next();
  EXPECT_EQ(e.type, Ev::kBatteryLimit);
  EXPECT_NEAR(ToSeconds(e.t.time_since_epoch()), 100 + 200, 1e-6);
  EXPECT_FALSE(r.world->HasEvent());  // the later bound is gone
}

// Nested frequency excursions: 59.8 Hz from 100 s to 1,000 s, 59.5 Hz from 200 s to 300 s inside
// it. When the inner one ends the frequency goes back to 59.8 Hz (it stayed at 59.5 Hz), and to
// nominal when the outer one ends.
TEST(ScriptedEvents, NestedFrequencyExcursionsEndAtTheOuterOnesFrequency) {
  auto excursion = [](double start_s, double duration_s, double hz) {
    EventSpec ev;
    ev.kind = EventKind::kFrequencyExcursion;
    ev.start = At(start_s);
    ev.duration = FromSeconds(duration_s);
    ev.magnitude = hz;
    ev.origin = "test";
    return ev;
  };
  Rig r({excursion(100, 900, 59.8), excursion(200, 100, 59.5)});
  std::vector<std::pair<std::int64_t, double>> seen;
  while (r.world->HasEvent()) {
    const QueuedEvent e = r.Next();
    if (e.type != Ev::kExternalStart && e.type != Ev::kExternalEnd) continue;
    r.scripted->OnExternal(e);
    seen.emplace_back(Seconds(e.t), r.site().frequency_hz);
  }
  const std::vector<std::pair<std::int64_t, double>> want = {
      {100, 59.8}, {200, 59.5}, {300, 59.8}, {1000, 60.0}};
  EXPECT_EQ(seen, want);
}

// Fuel curtailments of the plant: to 50% from 100 s to 1,000 s, to 20% from 200 s to 300 s inside
// it. The least open fraction is in force; all of it back when both end.
TEST(ScriptedEvents, FuelCurtailmentsHoldThePlantToTheLeastOpenFraction) {
  auto curtail = [](double start_s, double duration_s, double fraction) {
    EventSpec ev;
    ev.kind = EventKind::kFuelCurtailment;
    ev.plant = 0;
    ev.start = At(start_s);
    ev.duration = FromSeconds(duration_s);
    ev.magnitude = fraction;
    ev.origin = "test";
    return ev;
  };
  Rig r({curtail(100, 900, 0.5), curtail(200, 100, 0.2)});
  ASSERT_EQ(r.site().plant_fuel_fraction.size(), 1u);
  std::vector<std::pair<std::int64_t, double>> seen;
  while (r.world->HasEvent()) {
    const QueuedEvent e = r.Next();
    if (e.type != Ev::kExternalStart && e.type != Ev::kExternalEnd) continue;
    r.scripted->OnExternal(e);
    seen.emplace_back(Seconds(e.t), r.site().plant_fuel_fraction[0]);
  }
  const std::vector<std::pair<std::int64_t, double>> want = {
      {100, 0.5}, {200, 0.2}, {300, 0.5}, {1000, 1.0}};
  EXPECT_EQ(seen, want);
}

// When a fuel curtailment ends, the unit ramps back at its own rate (100 W/s here), not at once:
// cut to 30 kW at 100 s, restored at 200 s, back at 100 kW only 700 s later.
TEST(ScriptedEvents, AUnitRampsBackAfterAFuelCurtailment) {
  EventSpec cut;
  cut.kind = EventKind::kFuelCurtailment;
  cut.plant = 0;
  cut.start = At(100);
  cut.duration = FromSeconds(100);
  cut.magnitude = 0.3;
  cut.origin = "test";
  model::Fleet fleet = SmallFleet();
  fleet.sites[0].plants[0].units[0].ramp_w_per_s = 100;
  fleet.sites[0].plants[0].units[0].max_step_w = 10e3;
  Rig r({cut}, fleet);
  UnitRt& u = r.site().units[0];
  u.state = UnitState::kOnline;
  u.available_w = u.target_w = 100e3;
  double at_end = -1;
  Time full = kTimeNever;
  while (r.world->HasEvent()) {
    const QueuedEvent e = r.Next();
    if (e.type == Ev::kExternalStart || e.type == Ev::kExternalEnd) {
      r.scripted->OnExternal(e);
      if (e.type == Ev::kExternalStart) {
        EXPECT_DOUBLE_EQ(UnitAvailableW(r.site(), u), 30e3);
      } else {
        at_end = UnitAvailableW(r.site(), u);
      }
    } else if (e.type == Ev::kUnitStep) {
      r.scripted->OnUnitStep(e);
      if (full == kTimeNever && UnitAvailableW(r.site(), u) >= 100e3) full = e.t;
    }
  }
  EXPECT_DOUBLE_EQ(at_end, 30e3);
  EXPECT_EQ(full, At(200 + 700 - 100));  // steps of 10 kW every 100 s; the first at once
}

}  // namespace
}  // namespace headroom::sim
