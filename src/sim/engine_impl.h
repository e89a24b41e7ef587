#pragma once
// sim::Engine, internal to sim/: the event loop that ties the parts of the twin together.
//
// The parts, each in its own file:
//   world.h            the state and services every part shares: clock, events, sites, jobs, log
//   event_queue.h      future events, ordered by (time, sequence), cancellable
//   plant.h            sources and the power balance (conservation)
//   power_tree.h       loads up the tree, breakers
//   ledger.h           exact integration of energy, cost, emissions, series
//   ramp.h             ramp-rate measurements
//   free_racks.h       the free-capacity index placement uses
//   event_log.h        the event log at its level, episodes collapsed as recorded
//   workload.h         job states, checkpoints, failures, caps and brakes, the jobs' views
//   scheduler_host.h   hosting the placement policy: arrivals, capacity, racks taken
//   protection.h       breaker trips, under-frequency shedding, faults, reclose
//   scripted.h         scripted grid and plant events, weather ticks, turbine units, battery
//   engine_host.cc     hosting the site controllers: telemetry in, actions applied
//   engine.cc          setup, dispatch of each event to its handler, the loop, results
//
// Invariants of the loop:
//   - Time never goes back; events at one instant are all handled before any site settles.
//   - A site touched by an event is integrated up to the event's time before its state changes,
//     then re-balanced and its breakers judged once all events of that instant are handled; its
//     controller is called when something it must see happened (notify), at most once per
//     instant, and the site is settled again after the controller's actions.

#include <cstdint>
#include <string>
#include <vector>

#include "control/controller.h"
#include "model/fleet.h"
#include "sched/scheduler.h"
#include "sim/engine.h"
#include "sim/event_log.h"
#include "sim/event_queue.h"
#include "sim/ledger.h"
#include "sim/protection.h"
#include "sim/result.h"
#include "sim/scheduler_host.h"
#include "sim/scripted.h"
#include "sim/state.h"
#include "sim/workload.h"
#include "sim/world.h"

namespace headroom::sim {

class Engine {
 public:
  Engine(const model::Fleet& fleet, const control::Strategy& strategy, const Options& options);

  Result Run();

 private:
  // Setup (engine.cc).
  void InitialDispatch(int s);
  // Event loop (engine.cc).
  void Handle(const QueuedEvent& e);
  void Settle(int s);

  // Controller hosting (engine_host.cc).
  void FillTelemetry(int s);  // site(s).telemetry from the plant and jobs now
  void CallController(int s);
  void Apply(int s, const control::Action& a);
  void ApplyJobAction(int s, const control::Action& a);
  void ApplyPlantAction(int s, const control::Action& a);

  World world_;
  Workload workload_{world_};
  SchedulerHost scheduler_host_{world_, workload_};
  Protection protection_{world_, workload_, scheduler_host_};
  ScriptedEvents scripted_{world_, workload_, protection_};
};

}  // namespace headroom::sim
