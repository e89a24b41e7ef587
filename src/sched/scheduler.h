#pragma once
// The placement seam: which site runs each waiting job, and (for a global scheduler) which
// running work moves. The twin (sim::Engine) and, later, the global scheduler daemon host a
// sched::Scheduler the way they host site controllers: telemetry in (the fleet's free capacity and
// each site controller's forecast, new and ended jobs), decisions out (placements, preemptions,
// migrations, cross-site learners detached or attached), next wake back. A scheduler never reads a
// clock, never sleeps and holds only its own state (its queue, what it has placed).
//
// Contract:
//   - The host calls Decide when jobs arrive or end, when GPUs are freed or re-energized at a
//     site, when a site's forecast or shed request changes, when a copy of a data set lands at a
//     site, and at the scheduler's requested wake-up. Pointers and spans in the telemetry stay
//     valid only during the call.
//   - The host applies the decision in this order: preemptions, learner changes, migrations,
//     copies of data sets staged ahead of need, placements. A decision the host cannot apply (a
//     site's racks fragmented in a way the capacity summary does not show, a job no longer where
//     the scheduler thought) is refused: a refused placement comes back in the next call's
//     `refused` and waits in the queue again; a refused preemption, migration or learner change is
//     dropped (the job stays where it is; a cross-site job whose learner change was dropped is
//     named in `learners_dropped`).
//   - A job is placed once per stay in the queue and at one place at a time: the scheduler never
//     places a job it was not given or that it has placed and not seen end, be preempted or be
//     refused. A preempted job comes back in `preempted` once the host has stopped it; the
//     scheduler queues it again (on any of its allowed sites).
//   - Gang placement: a job gets all its GPUs at one site at once; a cross-site job gets
//     gpus / learners GPUs at each of `learners` distinct sites at once.
//   - The site allocates racks (first fit in file order over one GPU model); the scheduler only
//     chooses the site.

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "base/time.h"

namespace headroom::sched {

// A job waiting for GPUs, as the scheduler sees it. `id` is opaque to the scheduler except as
// the last key of the queue order.
struct JobRequest {
  int id = -1;
  int gpus = 0;        // in all (a cross-site job: over all its learners)
  int gpu_model = -1;  // -1: any model (the site chooses)
  int site = -1;       // pinned to this site; -1: any of `sites`
  int priority = 0;    // 0 = most urgent
  Time arrival = kTimeZero;
  // Global scheduling. The sites it may run at (ascending; empty: any, or `site` when set).
  std::vector<int> sites;
  int team = -1;     // index into the scheduler's teams; -1: none
  int dataset = -1;  // index into the scheduler's data sets; -1: none
  bool preemptible = false;
  double checkpoint_bytes = 0;  // what a migration moves over the WAN
  Duration restore_time{0};     // loading the checkpoint at the destination
  // The job's expected run time at full speed from now (training: remaining work / GPUs; a
  // service: its remaining lifetime). Used for cost and quota estimates only.
  Duration expected_run{0};
  int learners = 0;  // a cross-site job: learners wanted (one per site); 0: a one-site job
  int min_learners = 0;

  // Whether the job may run at `s`.
  bool AllowedAt(int s) const;
  int gpus_per_site() const { return learners > 0 ? gpus / learners : gpus; }
};

// What a site can take now, and what its controller expects.
struct SiteCapacity {
  int free_gpus = 0;  // on every rack, energized or not
  // The GPU model of the first energized rack with free GPUs (the model the site gives a job that
  // does not ask for one), -1 when none.
  int first_free_model = -1;
  // Free GPUs on energized racks, per fleet GPU model index.
  std::vector<std::int64_t> free_by_model;
  // The site controller's forecast over the scheduler's window: how many more GPUs of work (at
  // full power) it expects to carry than it runs now; negative: it expects to shed that many.
  // INT64_MAX: no forecast (treated as free_gpus).
  std::int64_t forecast_spare_gpus = INT64_MAX;
  // When the forecast shortage begins and until when it lasts (kTimeZero: none forecast).
  Time short_from = kTimeZero;
  Time short_until = kTimeZero;
  // GPUs' worth of running work the site controller asks the scheduler to take away now, before
  // it pauses or powers off racks (a rung of its ladder); 0: none.
  std::int64_t shed_request_gpus = 0;
  // The marginal cost of running one GPU here for an hour now (energy at the current price with
  // the site's PUE, and per-GPU-hour lease charges), USD.
  double cost_usd_per_gpu_h = 0;
};

// A job running (or starting) at a site, for choosing victims and moves.
struct RunningJob {
  int id = -1;
  int gpus = 0;  // at this site
  int priority = 0;
  bool preemptible = false;
  int team = -1;
  Time last_checkpoint = kTimeZero;  // work since then is lost if it is stopped now
  double checkpoint_bytes = 0;
  Duration restore_time{0};
  Duration expected_run{0};  // at full speed from now
  bool learner = false;      // one learner of a cross-site job
};

// The host's view of what runs where, read on demand.
class RunningView {
 public:
  virtual ~RunningView() = default;
  // The jobs running at site `s`, in a fixed order (by id).
  virtual std::span<const RunningJob> At(int s) const = 0;
};

struct FleetTelemetry {
  Time now = kTimeZero;
  const std::vector<SiteCapacity>* sites = nullptr;  // per site index
  const RunningView* running = nullptr;              // may be null (a scheduler that never moves)
  std::vector<JobRequest> arrivals;                  // new jobs since the last call, in order
  std::vector<int> grown;             // sites whose capacity grew since the last call, ascending
  std::vector<JobRequest> refused;    // jobs the host could not place as decided last time
  std::vector<int> ended;             // placed jobs that finished since the last call
  std::vector<JobRequest> preempted;  // jobs stopped on the scheduler's decision, to re-queue
  std::vector<int> forecast_changed;  // sites whose forecast or shed request changed, ascending
  // Cross-site jobs a learner change of an earlier decision could not be applied to (their
  // learners stay where `running` shows them), ascending.
  std::vector<int> learners_dropped;
  // Per data set and site ([dataset x sites + site]; null: the host does not say): the bytes of
  // the data set still to arrive there before a job reading it can start (0: a copy is there;
  // less than its size: a copy on its way). A host without data sets' copies leaves it null, and
  // the scheduler takes each data set to be at its home only.
  const std::vector<double>* data_bytes_left = nullptr;
};

struct Placement {
  int job = -1;
  int site = -1;  // a cross-site job: its first learner's site
  // A cross-site job: one site per learner (ascending, `site` first); empty otherwise.
  std::vector<int> learner_sites;
};

// Stop `job` now (work since its last checkpoint is lost) and hand it back to be queued again.
struct Preemption {
  int job = -1;
  int site = -1;
  std::string reason;
};

// Checkpoint `job` at `from`, move the checkpoint over the WAN and restore it at `to`, whose GPUs
// the scheduler has booked. `move_s`: the scheduler's estimate of the whole move, stated in the
// event log with `reason`.
struct Migration {
  int job = -1;
  int from = -1;
  int to = -1;
  double move_s = 0;
  std::string reason;
};

// Detach a cross-site job's learner from `site` (its GPUs freed; the job runs on with the others)
// or attach one there (GPUs booked; it catches up before it computes).
struct LearnerChange {
  int job = -1;
  int site = -1;
  bool attach = false;
  std::string reason;
};

// Copy data set `dataset` to `site` over the WAN ahead of need (no job waits there for it yet):
// the host starts the transfer unless a copy is there or on its way, and reports the bytes left in
// FleetTelemetry::data_bytes_left; it calls the scheduler when the copy has landed.
struct DataStaging {
  int dataset = -1;
  int site = -1;
  std::string reason;
};

struct PlacementDecision {
  std::vector<Preemption> preemptions;
  std::vector<LearnerChange> learners;
  std::vector<Migration> migrations;
  std::vector<DataStaging> stagings;
  std::vector<Placement> placements;  // applied in this order
  Time next_wake = kTimeNever;

  void Clear() {
    preemptions.clear();
    learners.clear();
    migrations.clear();
    stagings.clear();
    placements.clear();
    next_wake = kTimeNever;
  }
};

class Scheduler {
 public:
  virtual ~Scheduler() = default;
  // Fills `out` (cleared by the caller). REQUIRES: out->next_wake > t.now when set.
  virtual void Decide(const FleetTelemetry& t, PlacementDecision* out) = 0;
  // Jobs waiting, for reports.
  virtual std::size_t queued() const = 0;
};

// Whether `site` can take `gpus` GPUs of `gpu_model` (-1: the model the site would give) now, by
// its capacity summary: enough free GPUs on energized racks of that model.
bool FitsGpus(const SiteCapacity& site, int gpus, int gpu_model);
// Whether `site` can take `job` (its whole gang, or one learner's share) now.
inline bool Fits(const SiteCapacity& site, const JobRequest& job) {
  return FitsGpus(site, job.gpus_per_site(), job.gpu_model);
}

// Books `gpus` GPUs of `gpu_model` on the summary after a placement: what the host will do to the
// site.
void BookGpus(SiteCapacity* site, int gpus, int gpu_model);
inline void Book(SiteCapacity* site, const JobRequest& job) {
  BookGpus(site, job.gpus_per_site(), job.gpu_model);
}

}  // namespace headroom::sched
