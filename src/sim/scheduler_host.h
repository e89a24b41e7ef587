#pragma once
// sim::SchedulerHost: hosts the placement policy (a sched::Scheduler, sched/scheduler.h) the way
// the controller host hosts site controllers. It tells the scheduler of each arrival, of jobs
// that ended or were handed back, of capacity freed or re-energized at a site and of what site
// controllers ask of it; it applies the decisions: preemptions (the job stopped, its work since
// the last checkpoint lost, handed back to be queued again), migrations (the job checkpointed,
// its checkpoint carried over the WAN, restored at the destination) and placements (racks taken,
// the job started by the workload).
//
// Invariants:
//   - Before each call the scheduler's summary of a site's free capacity (sched::SiteCapacity) is
//     refreshed from the site's free-capacity index for exactly the sites marked stale since the
//     last call (World::MarkCapacityStale): those whose racks were taken, freed, energized or
//     de-energized. The others' summaries are current already. Every site's cost, forecast and
//     shed request are refreshed on every call (O(sites)).
//   - A job is placed at most once at a time, on one site and one GPU model: the model it asks
//     for, else that of the site's first energized rack with free GPUs; racks first fit in file
//     order over the energized racks of that model.
//   - A placement the site cannot take (its racks fragmented in a way the summary does not show,
//     or a job no longer queued) is refused: the job goes back to the scheduler in the next call.
//     A preemption or migration of a job that is not where the scheduler said, or not in a state
//     to leave, is dropped (logged).
//   - A job in a migration is at no site from its departure to its arrival: its GPUs at the source
//     are released when its checkpoint is written, its checkpoint is a WAN transfer (model::
//     FlowSet over model::WanRoutes, shared max-min fairly with the other transfers), and it is
//     placed at the destination when the transfer is delivered (or handed back to the scheduler if
//     the destination cannot take it then).
//   - Data sets (docs/scheduler.md, "Data sets"): a job that reads one is started only where a copy
//     is: its home, or a site it was staged at. Placed (or arriving from a migration) where there
//     is none, its racks are held (JobRt::reserved, idle) while one copy of the whole data set
//     crosses the WAN from its home (a `dataset` transfer, shared max-min fairly; one per data set
//     and site, however many jobs wait for it); the copy stays for later jobs. A migration starts
//     staging at its decision, beside the checkpoint. A scheduler may also ask for a copy ahead of
//     need (sched::DataStaging); the host calls it when a copy lands. Learners of a cross-site job
//     read their shards where they run (not staged). A job is offered (JobRequest::sites) only
//     the sites a copy of its data set can reach; a placement elsewhere is refused.
//
// Calls the workload (Workload::Start, Leave, StopForPreemption); called by the engine's dispatch
// (arrivals, finished jobs, its wake-ups, WAN deliveries) and by protection (a re-close
// re-energizes racks).

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "model/wan.h"
#include "sched/scheduler.h"
#include "sim/state.h"
#include "sim/workload.h"
#include "sim/world.h"

namespace headroom::sim {

class SchedulerHost : public sched::RunningView {
 public:
  // Builds the scheduler: Options::scheduler's, else a sched::GreedyScheduler. REQUIRES: `world`
  // and `workload` outlive this.
  SchedulerHost(World& world, Workload& workload);

  SchedulerHost(const SchedulerHost&) = delete;
  SchedulerHost& operator=(const SchedulerHost&) = delete;

  void OnJobArrival(const QueuedEvent& e);  // e.a: the job
  // Calls the scheduler with an arrival (nullptr: none) and capacity grown at `grown_site` (-1:
  // none), and applies its decision; placements a site refuses go back in the next call.
  void CallScheduler(const JobRt* arrival, int grown_site);
  // A placed job finished (its GPUs released): told to the scheduler in this call.
  void OnJobEnded(const JobRt& job, int site);
  void OnWake(const QueuedEvent& e);      // kSchedulerWake
  void OnWanEvent(const QueuedEvent& e);  // kWanEvent: transfers drained or delivered
  // A job in a migration has written its checkpoint (or had a current one): it leaves its site
  // and its checkpoint starts over the WAN. Called by the workload's phase ends.
  void Depart(JobRt& job);
  // Places a queued job on site `s` and starts it; false if it is not queued, may not go there or
  // the site cannot take it.
  bool StartAt(JobRt& job, int s);

  // Adds the time the jobs waiting for their data sets have waited until now to their waits (at
  // the end of a run).
  void CloseDataWaits();

  // sched::RunningView: the jobs placed at `s` and not leaving, by id.
  std::span<const sched::RunningJob> At(int s) const override;

 private:
  // Takes racks of site `s` for the job (JobRt::placement, footprint); false if it does not fit.
  bool Place(JobRt& job, int s);
  sched::JobRequest Request(const JobRt& job) const;
  void RefreshCapacity(int s);
  void RefreshOutlook(int s);
  void Preempt(const sched::Preemption& p);
  void Migrate(const sched::Migration& m);
  void ChangeLearner(const sched::LearnerChange& c);
  // Starts the learners of cross-site job `job` at `sites` (one each); false, with none started,
  // if any cannot be placed.
  bool StartLearners(JobRt& job, const std::vector<int>& sites);
  // Asks for a call at this instant (decisions to hand back), once.
  void CallSoon();
  // Data sets: whether `job` must wait at `s` for a copy of its data set (none there yet), and
  // whether one can reach `s` at all.
  bool NeedsData(const JobRt& job, int s) const;
  bool DataReachable(const JobRt& job, int s) const;
  // Whether a copy of data set `d` can reach site `s` (data_reach_).
  bool Reaches(int d, int s) const;
  // Starts staging the job's data set at `s` unless a copy is there or on its way.
  void Stage(const JobRt& job, int s);
  // Starts staging data set `d` at `s` unless a copy is there or on its way; `why` for the log.
  // REQUIRES: a route from its home to `s`.
  void StageDataset(int d, int s, const std::string& why);
  // A scheduler's request to stage a data set ahead of need (dropped, logged, if out of range or
  // unreachable).
  void StageAhead(const sched::DataStaging& st);
  // The job's racks at `s` (placement) are held while it waits for its data set there.
  void HoldForData(JobRt& job, int s);
  // The job, its racks at `s` held, waits for a copy of its data set there (staged if none is on
  // its way).
  void WaitForData(JobRt& job, int s);
  // A migration's arrival at `to` counted and logged, once the job runs there (nothing for a job
  // that did not move).
  void CountMoveDone(JobRt& job, int to);
  // A job whose racks at `to` are held (JobRt::reserved) and whose checkpoint (if it moved) and
  // data set are there: started on them (down if they lost power meanwhile); a migration's
  // arrival counted.
  void StartHeld(JobRt& job, int to);
  void OnDataStaged(int key);
  int DataKey(int dataset, int site) const {
    return dataset * static_cast<int>(world_.sites.size()) + site;
  }

  World& world_;
  Workload& workload_;
  std::unique_ptr<sched::Scheduler> scheduler_;
  std::vector<sched::SiteCapacity> capacity_;  // per site, refreshed when stale before each call
  std::vector<sched::JobRequest> refused_;     // for the next call, asked for at once
  // Refused where their data set cannot reach: for the next call, at most kRefusedLater on.
  static constexpr Duration kRefusedLater = std::chrono::hours(1);
  std::vector<sched::JobRequest> refused_later_;
  TimerId later_timer_;
  std::vector<sched::JobRequest> preempted_;  // for the next call
  std::vector<int> learners_dropped_;         // for the next call
  std::vector<int> ended_;                    // for the next call
  std::vector<int> grown_;  // sites a migration's departure freed GPUs at, for the next call
  sched::FleetTelemetry telemetry_;
  sched::PlacementDecision decision_;
  TimerId wake_timer_;
  TimerId soon_timer_;
  absl::flat_hash_map<std::uint64_t, int> transfers_;  // WAN flow id -> job in a migration
  std::vector<int> leaving_;  // jobs in a migration saving their checkpoint (ascending ids)
  mutable std::vector<sched::RunningJob> running_;  // At()'s answer
  // Per (data set, site), DataKey: a copy is there; the transfer bringing one (0: none); the jobs
  // held there waiting for it (ascending ids); bytes still to arrive (the scheduler's telemetry).
  std::vector<char> data_here_;
  std::vector<std::uint64_t> data_flow_;
  std::vector<std::vector<int>> data_waiting_;
  std::vector<double> data_left_;
  // Per data set: the sites a copy can reach, ascending (empty: all of them).
  std::vector<std::vector<int>> data_reach_;
  absl::flat_hash_map<std::uint64_t, int> stagings_;  // WAN flow id -> DataKey
};

}  // namespace headroom::sim
