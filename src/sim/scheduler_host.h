#pragma once
// sim::SchedulerHost: hosts the placement policy (a sched::Scheduler, sched/scheduler.h) the way
// the controller host hosts site controllers. It tells the scheduler of each arrival and of
// capacity freed or re-energized at a site, takes racks for the placements it returns and hands
// the placed jobs to the workload (workload.h), which starts them.
//
// Invariants:
//   - Before each call the scheduler's summary of a site's free capacity (sched::SiteCapacity) is
//     refreshed from the site's free-capacity index for exactly the sites marked stale since the
//     last call (World::MarkCapacityStale): those whose racks were taken, freed, energized or
//     de-energized. The others' summaries are current already.
//   - A job is placed at most once, on one site and one GPU model: the model it asks for, else
//     that of the site's first energized rack with free GPUs; racks first fit in file order over
//     the energized racks of that model.
//   - A placement the site cannot take (its racks fragmented in a way the summary does not show,
//     or a job no longer queued) is refused: the job goes back to the scheduler in the next call.
//
// Calls the workload (Workload::Start); called by the engine's dispatch (arrivals, finished jobs)
// and by protection (a re-close re-energizes racks).

#include <memory>
#include <vector>

#include "sched/scheduler.h"
#include "sim/state.h"
#include "sim/workload.h"
#include "sim/world.h"

namespace headroom::sim {

class SchedulerHost {
 public:
  // Builds the scheduler: Options::scheduler's, else a sched::GreedyScheduler. REQUIRES: `world`
  // and `workload` outlive this.
  SchedulerHost(World& world, Workload& workload);

  SchedulerHost(const SchedulerHost&) = delete;
  SchedulerHost& operator=(const SchedulerHost&) = delete;

  void OnJobArrival(const QueuedEvent& e);  // e.a: the job
  // Calls the scheduler with an arrival (nullptr: none) and capacity grown at `grown_site` (-1:
  // none), and starts the jobs it places; placements a site refuses go back in the next call.
  void CallScheduler(const JobRt* arrival, int grown_site);
  // Places a queued job on site `s` and starts it; false if it is not queued, may not go there or
  // the site cannot take it.
  bool StartAt(JobRt& job, int s);

 private:
  // Takes racks of site `s` for the job (JobRt::placement, footprint); false if it does not fit.
  bool Place(JobRt& job, int s);
  sched::JobRequest Request(const JobRt& job) const;
  void RefreshCapacity(int s);

  World& world_;
  Workload& workload_;
  std::unique_ptr<sched::Scheduler> scheduler_;
  std::vector<sched::SiteCapacity> capacity_;  // per site, refreshed when stale before each call
  std::vector<sched::JobRequest> refused_;     // for the next call
  sched::FleetTelemetry telemetry_;
  sched::PlacementDecision decision_;
};

}  // namespace headroom::sim
