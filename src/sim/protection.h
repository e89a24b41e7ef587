#pragma once
// sim::Protection: what opens and re-closes the power tree's breakers at a site, and what that
// does to the jobs under them. Breakers opening on overload (the rule itself is power_tree.h's),
// under-frequency relays shedding feeds when the sources fall short for longer than the racks'
// ride-through, equipment faults, and re-closing once the supply can carry the subtree again.
//
// Invariants:
//   - An overloaded node has one pending trip check, at its trip time (NodeDetail::trip_timer);
//     the check trips it only if it is still overloaded past that time, judged on the loads now.
//   - Opening a node crashes exactly the jobs with GPUs under it that were not down, done or
//     queued (by cause: power, or a fault's failure), in id order, de-energizes its racks (no load
//     flows through them, their GPUs are offered to no job), books the facility load it cut off
//     as lost, and schedules its re-close (after the site's reclose delay, or a fault's repair).
//   - A re-close waits, one reclose delay at a time, while the supply cannot carry the subtree's
//     idle demand on top of today's load. Once closed, each job down under the node whose racks
//     all have power again restarts (restoring its checkpoint), and the scheduler is told that
//     capacity grew.
//   - A shortfall of supply has one pending shedding check, armed when it begins and dropped when
//     it ends; the check opens feeds in the site's shed order until the load fits.
//
// Calls the workload (crashes, restarts) and the scheduler host (capacity back after a re-close);
// called by the engine's dispatch, its settling of a site, and the scripted events (feed faults).

#include <string>
#include <vector>

#include "base/time.h"
#include "sim/scheduler_host.h"
#include "sim/state.h"
#include "sim/workload.h"
#include "sim/world.h"

namespace headroom::sim {

class Protection {
 public:
  // REQUIRES: all three outlive this.
  Protection(World& world, Workload& workload, SchedulerHost& scheduler_host)
      : world_(world), workload_(workload), scheduler_host_(scheduler_host) {}

  Protection(const Protection&) = delete;
  Protection& operator=(const Protection&) = delete;

  // Opens `node` of site `s` (logged as `kind` with `why`): its jobs crash. A fault (an equipment
  // failure) re-closes after `repair`, and its crashes count as failures, not as power crashes.
  // Nothing if it is open already.
  void Trip(int s, int node, const std::string& kind, const std::string& why, bool fault = false,
            Duration repair = Duration{0});
  // Re-closes `node` if the supply allows (see the invariants); nothing if it is closed.
  void Reclose(int s, int node);

  // Event handlers.
  void OnBreakerTrip(const QueuedEvent& e);    // e.a: the node whose trip time came
  void OnShortfallTrip(const QueuedEvent& e);  // under-frequency relays shed feeds
  // A rack the controller powered on has booted (e.a): its free GPUs return to placement and its
  // jobs down for want of power restart once all their racks are ready.
  void OnRackBooted(const QueuedEvent& e);

  // After site `s` is balanced: judges its breakers (power_tree.h CheckBreakers) and schedules a
  // trip check for each node whose trip time changed.
  void CheckBreakers(int s);
  // After site `s` is balanced and its breakers judged: a new shortfall arms under-frequency
  // shedding after the relays' delay and the shortest rack ride-through (and notifies the
  // controller); a shortfall gone disarms it.
  void WatchShortfall(int s);

  // Restarts the jobs under `node` that are down for want of power and whose racks are all ready
  // again (energized and booted).
  void RestartDownJobs(SiteRt& site, int node);

  // Ids of the jobs placed (not done) at `site` with GPUs under `node`, ascending.
  // `only_down`: only the jobs that are down (crashed, waiting for their racks' power), tested
  // first by state: a rack's boot restarts only those, and a site holds thousands of jobs.
  std::vector<int> JobsUnder(const SiteRt& site, int node, bool only_down = false) const;

 private:
  World& world_;
  Workload& workload_;
  SchedulerHost& scheduler_host_;
  std::vector<int> trip_scratch_;  // CheckBreakers' nodes whose trip time changed
};

}  // namespace headroom::sim
