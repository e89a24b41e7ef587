#pragma once
// sim::Engine, internal to sim/: the event loop that ties the parts of the twin together. It
// builds a run's world and parts, starts the run (the jobs present at t = 0 placed, the turbines'
// initial dispatch), then takes the events in (time, sequence) order, hands each to the part that
// handles it, settles the sites that each instant touched, and gathers the results. Every rule of
// the twin lives in a part.
//
// The parts, each in its own header with its contract and invariants at the top:
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
//   controller_host.h  hosting the site controllers: telemetry in, contract, actions applied
//   engine.cc          setup, dispatch of each event to its part, the loop, results
//
// Who calls whom. Each part holds the world and the parts it calls, given to its constructor;
// the Engine owns them all, constructed in this order, so that no part calls one built after it:
//   Workload        the world only
//   SchedulerHost   Workload (starts the jobs it places)
//   Protection      Workload (crashes, restarts), SchedulerHost (capacity back after a re-close)
//   ScriptedEvents  Workload (a tick moves inference demand), Protection (a feed fault opens it)
//   ControllerHost  Workload (the controller's job actions)
//   Engine          every part: the dispatch, and the settling of a site (Protection's breaker
//                   check, ScriptedEvents' battery bound, Protection's shedding watch, the
//                   controller's call)
// The two ways back are through the world or the engine: a part that takes, frees, energizes or
// de-energizes racks marks the site's capacity stale (World::MarkCapacityStale) for the scheduler
// host's next call, and a finished job's GPUs are offered to the scheduler by the engine's
// dispatch (Workload::OnJobFinish says whether the job finished).
//
// Invariants of the loop:
//   - Time never goes back; events at one instant are all handled before any site settles.
//   - A site touched by an event is integrated up to the event's time before its state changes,
//     then re-balanced and its breakers judged once all events of that instant are handled; its
//     controller is called when something it must see happened (notify), at most once per
//     instant, and the site is settled again after the controller's actions.

#include "control/controller.h"
#include "model/fleet.h"
#include "sim/controller_host.h"
#include "sim/engine.h"
#include "sim/protection.h"
#include "sim/result.h"
#include "sim/scheduler_host.h"
#include "sim/scripted.h"
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

  World world_;
  Workload workload_{world_};
  SchedulerHost scheduler_host_{world_, workload_};
  Protection protection_{world_, workload_, scheduler_host_};
  ScriptedEvents scripted_{world_, workload_, protection_};
  ControllerHost controller_host_{world_, workload_};
};

}  // namespace headroom::sim
